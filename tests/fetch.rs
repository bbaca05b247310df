//! `cargo xtask fetch` against a local HTTP server (there is no network here), and its refusals.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use xtask::spec::{CACHE_PATH, LOCK_PATH, Lock};

/// Serve `body` with `status` to each of `requests` connections, then stop.
fn serve(status: &'static str, body: &'static [u8], requests: usize) -> String {
    serve_with(status, "", body, requests)
}

/// As [`serve`], with extra header lines (each ending in `\r\n`).
fn serve_with(status: &'static str, headers: &'static str, body: &'static [u8], requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = format!("HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
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
    let url = serve_with("200 OK", "Last-Modified: Sat, 22 Aug 2026 10:00:00 GMT\r\n", DOC, 1);
    let root = scratch_root("ok");
    let lock = xtask::fetch::fetch(&root, Some(&url), None).unwrap();
    assert_eq!((lock.operations, lock.schemas), (2, 1));
    assert_eq!((lock.date.as_str(), lock.date_from.as_str()), ("2026-08-22", "Last-Modified"), "the server's date, not the clock's");
    assert_eq!(lock.source, url);
    assert_eq!(lock.sha256, xtask::spec::sha256_hex(DOC));
    assert_eq!(std::fs::read(root.join(CACHE_PATH)).unwrap(), DOC);
    assert_eq!(Lock::read(&root).unwrap(), Some(lock));
    assert!(root.join(LOCK_PATH).exists());
}

#[test]
fn refuses_what_is_not_openapi_3() {
    let url = serve("200 OK", b"swagger: '2.0'\npaths: {}\n", 1);
    let err = xtask::fetch::fetch(&scratch_root("swagger"), Some(&url), None).unwrap_err();
    assert!(format!("{err:#}").contains("Swagger 2.0"), "{err:#}");

    let url = serve("200 OK", b"<html>maintenance</html>", 1);
    let err = xtask::fetch::fetch(&scratch_root("html"), Some(&url), None).unwrap_err();
    assert!(format!("{err:#}").contains("not an OpenAPI 3.x document"), "{err:#}");

    let url = serve("404 Not Found", b"nope", 1);
    let err = xtask::fetch::fetch(&scratch_root("404"), Some(&url), None).unwrap_err();
    assert!(format!("{err:#}").contains("404"), "{err:#}");
    assert!(!scratch_root("404").join(LOCK_PATH).exists());
}

#[test]
fn local_file_records_only_its_name() {
    let root = scratch_root("local");
    let file = root.join("openrouter-2026-01-02.yaml");
    std::fs::write(&file, DOC).unwrap();
    let lock = xtask::fetch::fetch(&root, Some(file.to_str().unwrap()), None).unwrap();
    assert_eq!(lock.source, "openrouter-2026-01-02.yaml");
    assert_eq!((lock.date.as_str(), lock.date_from.as_str()), ("2026-01-02", "file name"));
}

#[test]
fn a_document_without_a_date_is_refused_unless_one_is_given() {
    let root = scratch_root("undated");
    let file = root.join("openapi.yaml");
    std::fs::write(&file, DOC).unwrap();
    let err = xtask::fetch::fetch(&root, Some(file.to_str().unwrap()), None).unwrap_err();
    assert!(format!("{err:#}").contains("--date"), "{err:#}");
    assert!(!root.join(LOCK_PATH).exists(), "nothing pinned");
    let lock = xtask::fetch::fetch(&root, Some(file.to_str().unwrap()), Some("2026-05-04")).unwrap();
    assert_eq!((lock.date.as_str(), lock.date_from.as_str()), ("2026-05-04", "--date"));
    assert!(xtask::fetch::fetch(&root, Some(file.to_str().unwrap()), Some("May 4th")).is_err());

    // A date the document states is its own.
    let dated = root.join("dated.yaml");
    std::fs::write(&dated, String::from_utf8_lossy(DOC).replace("version: '1'", "version: '2026-07-01'")).unwrap();
    let lock = xtask::fetch::fetch(&root, Some(dated.to_str().unwrap()), None).unwrap();
    assert_eq!((lock.date.as_str(), lock.date_from.as_str()), ("2026-07-01", "info.version"));
}
