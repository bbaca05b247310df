//! `cargo xtask fetch` against a local HTTP server (there is no network here), and its refusals.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use xtask::spec::{CACHE_PATH, LOCK_PATH, Lock};

/// Serve `body` with `status` to each of `requests` connections, then stop.
fn serve(status: &'static str, body: &'static [u8], requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    format!("http://{addr}/openapi.yaml")
}

fn scratch_root(name: &str) -> PathBuf {
    let dir = openrouter_workspace_tests::root().join("target").join("fetch-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("openapi")).unwrap();
    dir
}

const DOC: &[u8] = b"openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: {get: {operationId: a, responses: {'200': {description: ok}}}}\n  /b: {post: {operationId: b, responses: {'200': {description: ok}}}}\ncomponents: {schemas: {S: {type: string}}}\n";

#[test]
fn downloads_and_pins() {
    let url = serve("200 OK", DOC, 1);
    let root = scratch_root("ok");
    let lock = xtask::fetch::fetch(&root, Some(&url)).unwrap();
    assert_eq!((lock.operations, lock.schemas), (2, 1));
    assert_eq!(lock.source, url);
    assert_eq!(lock.sha256, xtask::spec::sha256_hex(DOC));
    assert_eq!(std::fs::read(root.join(CACHE_PATH)).unwrap(), DOC);
    assert_eq!(Lock::read(&root).unwrap(), Some(lock));
    assert!(root.join(LOCK_PATH).exists());
}

#[test]
fn refuses_what_is_not_openapi_3() {
    let url = serve("200 OK", b"swagger: '2.0'\npaths: {}\n", 1);
    let err = xtask::fetch::fetch(&scratch_root("swagger"), Some(&url)).unwrap_err();
    assert!(format!("{err:#}").contains("Swagger 2.0"), "{err:#}");

    let url = serve("200 OK", b"<html>maintenance</html>", 1);
    let err = xtask::fetch::fetch(&scratch_root("html"), Some(&url)).unwrap_err();
    assert!(format!("{err:#}").contains("not an OpenAPI 3.x document"), "{err:#}");

    let url = serve("404 Not Found", b"nope", 1);
    let err = xtask::fetch::fetch(&scratch_root("404"), Some(&url)).unwrap_err();
    assert!(format!("{err:#}").contains("404"), "{err:#}");
    assert!(!scratch_root("404").join(LOCK_PATH).exists());
}

#[test]
fn local_file_records_only_its_name() {
    let root = scratch_root("local");
    let file = root.join("openrouter-2026-01-02.yaml");
    std::fs::write(&file, DOC).unwrap();
    let lock = xtask::fetch::fetch(&root, Some(file.to_str().unwrap())).unwrap();
    assert_eq!(lock.source, "openrouter-2026-01-02.yaml");
    assert_eq!(lock.date, "2026-01-02");
}
