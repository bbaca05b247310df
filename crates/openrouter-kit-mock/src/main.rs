//! The mock as a standalone server, for tests in any language (as stripe-mock is for Stripe):
//!
//! ```sh
//! cargo run -p openrouter-kit-mock -- --port 12111 [--script FILE] [--fidelity service|document]
//! ```
//!
//! It prints its base URL (`http://127.0.0.1:12111`, to use in place of
//! `https://openrouter.ai/api/v1`) on the first line of its output and serves until Ctrl-C or
//! SIGTERM. `--script` mounts the routes of a JSON script file (see
//! `openrouter_kit_mock::script_file` for the format) over the default answers.

use std::net::SocketAddr;
use std::process::ExitCode;

use openrouter_kit_mock::{Fidelity, MockOpenRouter};

const USAGE: &str = "usage: openrouter-kit-mock [--port PORT] [--host ADDR] [--script FILE] [--fidelity service|document]";

struct Options {
    listen: SocketAddr,
    script: Option<String>,
    fidelity: Fidelity,
}

fn options(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let (mut host, mut port) = ("127.0.0.1".to_string(), 12111u16);
    let (mut script, mut fidelity) = (None, Fidelity::Service);
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--host" => host = value()?,
            "--script" => script = Some(value()?),
            "--fidelity" => {
                fidelity = match value()?.as_str() {
                    "service" => Fidelity::Service,
                    "document" => Fidelity::Document,
                    other => {
                        return Err(format!("--fidelity is service or document, not {other:?}"));
                    }
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let listen = format!("{host}:{port}").parse().map_err(|e| format!("{host}:{port} is not an address: {e}"))?;
    Ok(Options { listen, script, fidelity })
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match options(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("openrouter-kit-mock: {why}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mock = match MockOpenRouter::start_on(options.listen, options.fidelity).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("openrouter-kit-mock: cannot listen on {}: {e}", options.listen);
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &options.script {
        let loaded = match std::fs::read_to_string(path) {
            Ok(text) => mock.load_script(&text).await.map_err(|e| e.to_string()),
            Err(e) => Err(format!("cannot read {path}: {e}")),
        };
        match loaded {
            Ok(n) => eprintln!("openrouter-kit-mock: {n} scripted route(s) from {path}"),
            Err(e) => {
                eprintln!("openrouter-kit-mock: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    // The URL alone on the first line of stdout, for scripts that start the server and read it.
    println!("{}", mock.uri());
    eprintln!("openrouter-kit-mock: {} operations, {:?} answers; Ctrl-C stops", openrouter_kit_mock::operations().len(), options.fidelity);
    wait_for_stop().await;
    eprintln!("openrouter-kit-mock: stopped");
    ExitCode::SUCCESS
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
