//! Local mode: the same binary, run outside Lambda, answers one event file (`invoke`), serves
//! HTTP on localhost (`serve`), or checks the app (`check`).
//!
//! Design note: `serve` does not call handlers directly. It turns each HTTP request into the
//! event the chosen source would send, passes it through [`App::respond`] exactly as Lambda
//! would, and turns the reply back into HTTP, so that local runs exercise the same event and
//! reply code as production.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::io::Read;

use crate::app::App;
use crate::error::RunError;
use crate::event::synth;
use crate::source::Source;

const USAGE: &str = "\
usage: <binary> <command>

commands (outside Lambda; on Lambda the binary answers invocations):
  invoke FILE        answer one event (a JSON file, or - for stdin) and print the reply
  serve [--addr ADDR] [--source rest|http|alb|url]
                     serve HTTP on ADDR (default 127.0.0.1:3000); each request is sent to
                     the app as an event of that source (default http)
  check              check the routes file against the handlers and print the route table";

/// Lambda refuses request payloads over 6 MB; so does local mode.
const MAX_BODY: usize = 6 * 1024 * 1024;

fn usage_error(message: impl std::fmt::Display) -> RunError {
    RunError::new(format!("{message}\n\n{USAGE}"))
}

enum Command {
    Invoke(OsString),
    Serve { addr: SocketAddr, source: Source },
    Check,
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, RunError> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let bad = |error: lexopt::Error| usage_error(error);
    let command = match parser.next().map_err(bad)? {
        Some(Value(command)) => command.string().map_err(bad)?,
        Some(Long("help") | Short('h')) => return Err(RunError::new(USAGE)),
        Some(other) => return Err(usage_error(other.unexpected())),
        None => return Err(usage_error("missing command")),
    };
    let command = match command.as_str() {
        "invoke" => match parser.next().map_err(bad)? {
            Some(Value(file)) => Command::Invoke(file),
            // `-` is read as a value by lexopt only after the command: accept it explicitly.
            Some(other) => return Err(usage_error(other.unexpected())),
            None => return Err(usage_error("`invoke` needs an event file, or - for stdin")),
        },
        "serve" => {
            let mut addr: SocketAddr = ([127, 0, 0, 1], 3000).into();
            let mut source = Source::HttpApi;
            while let Some(arg) = parser.next().map_err(bad)? {
                match arg {
                    Long("addr") => {
                        let value = parser.value().map_err(bad)?.string().map_err(bad)?;
                        addr = value.parse().map_err(|_| {
                            usage_error(format!("invalid address `{value}`, expected IP:PORT"))
                        })?;
                    }
                    Long("source") => {
                        let value = parser.value().map_err(bad)?.string().map_err(bad)?;
                        source = match value.as_str() {
                            "rest" => Source::RestApi,
                            "http" => Source::HttpApi,
                            "alb" => Source::Alb,
                            "url" => Source::FunctionUrl,
                            _ => return Err(usage_error(format!("invalid source `{value}`"))),
                        };
                    }
                    other => return Err(usage_error(other.unexpected())),
                }
            }
            Command::Serve { addr, source }
        }
        "check" => Command::Check,
        other => return Err(usage_error(format!("unknown command `{other}`"))),
    };
    if let Some(arg) = parser.next().map_err(bad)? {
        return Err(usage_error(arg.unexpected()));
    }
    Ok(command)
}

pub(crate) async fn main(
    app: App,
    args: impl IntoIterator<Item = OsString>,
) -> Result<(), RunError> {
    match parse_args(args)? {
        Command::Invoke(file) => {
            let event = read_event(&file)?;
            let reply = app
                .respond(&event)
                .await
                .map_err(|e| RunError::new(format!("invalid event: {e}")))?;
            // Pretty-printed for people; the payload Lambda would return is the same JSON.
            let reply: Value = serde_json::from_slice(&reply).unwrap_or_default();
            println!(
                "{}",
                serde_json::to_string_pretty(&reply).unwrap_or_default()
            );
            Ok(())
        }
        Command::Serve { addr, source } => serve(app, addr, source).await,
        Command::Check => {
            println!(
                "ok: {} routes, every handler and middleware registered and used",
                app.routes().routes().count()
            );
            for route in app.routes().routes() {
                println!("{route}");
            }
            Ok(())
        }
    }
}

/// Reads the event to invoke. Blocking reads, on purpose: `invoke` answers one event and
/// exits, so nothing else waits on the runtime, and tokio's `fs` and `io-std` would add their
/// code to every binary built with local mode.
fn read_event(file: &OsString) -> Result<Vec<u8>, RunError> {
    let name = file.to_string_lossy();
    if file == "-" {
        let mut event = Vec::new();
        std::io::stdin()
            .read_to_end(&mut event)
            .map_err(|e| RunError::new(format!("cannot read the event from stdin: {e}")))?;
        return Ok(event);
    }
    std::fs::read(file).map_err(|e| RunError::new(format!("cannot read event file `{name}`: {e}")))
}

async fn serve(app: App, addr: SocketAddr, source: Source) -> Result<(), RunError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| RunError::new(format!("cannot listen on {addr}: {e}")))?;
    let addr = listener.local_addr().unwrap_or(addr);
    // Ctrl-C stops the process the default way: there is nothing to flush, and a signal
    // handler would add tokio's signal driver to every binary built with local mode.
    eprintln!("minik: serving http://{addr} as {source} events (Ctrl-C stops)");
    let app = Arc::new(app);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                continue;
            }
        };
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let app = Arc::clone(&app);
                async move {
                    Ok::<_, std::convert::Infallible>(answer(&app, request, source, peer).await)
                }
            });
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%error, "connection closed");
            }
        });
    }
}

/// One HTTP request through the app, as an event of `source`.
async fn answer(
    app: &App,
    request: hyper::Request<Incoming>,
    source: Source,
    peer: SocketAddr,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return plain(413, "the request body is larger than Lambda's 6 MB limit"),
    };
    let source_ip = peer.ip().to_string();
    let request = synth::HttpRequest {
        method: &parts.method,
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body: &body,
        source_ip: &source_ip,
    };
    let event = synth::event_for(source, &request);
    match app
        .respond(&serde_json::to_vec(&event).unwrap_or_default())
        .await
    {
        Ok(reply) => from_reply(&reply),
        Err(error) => plain(502, &format!("the app refused the event: {error}")),
    }
}

fn plain(status: u16, message: &str) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(format!("{message}\n"))));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_GATEWAY);
    response
}

/// The HTTP response a reply payload stands for.
fn from_reply(reply: &[u8]) -> hyper::Response<Full<Bytes>> {
    let Some((status, headers, body)) = synth::read_reply(reply) else {
        return plain(502, "the app's reply is not a valid reply");
    };
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn commands_parse_and_mistakes_are_explained() {
        assert!(
            matches!(parse_args(args(&["invoke", "event.json"])), Ok(Command::Invoke(f)) if f == "event.json")
        );
        assert!(matches!(parse_args(args(&["invoke", "-"])), Ok(Command::Invoke(f)) if f == "-"));
        assert!(matches!(parse_args(args(&["check"])), Ok(Command::Check)));
        let Ok(Command::Serve { addr, source }) = parse_args(args(&[
            "serve",
            "--addr",
            "127.0.0.1:8080",
            "--source",
            "alb",
        ])) else {
            panic!("serve did not parse");
        };
        assert_eq!((addr.port(), source), (8080, Source::Alb));
        let message = |list: &[&str]| {
            parse_args(args(list))
                .err()
                .map(|e| e.to_string().lines().next().unwrap_or_default().to_owned())
        };
        assert_eq!(message(&[]).as_deref(), Some("missing command"));
        assert_eq!(
            message(&["deploy"]).as_deref(),
            Some("unknown command `deploy`")
        );
        assert_eq!(
            message(&["invoke"]).as_deref(),
            Some("`invoke` needs an event file, or - for stdin")
        );
        assert_eq!(
            message(&["serve", "--source", "sqs"]).as_deref(),
            Some("invalid source `sqs`")
        );
        assert_eq!(
            message(&["serve", "--addr", "localhost"]).as_deref(),
            Some("invalid address `localhost`, expected IP:PORT")
        );
        assert_eq!(
            message(&["check", "extra"]).as_deref(),
            Some("unexpected argument \"extra\"")
        );
    }
}
