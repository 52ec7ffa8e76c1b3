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

use std::time::Duration;

use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use std::io::Read;
use tokio::sync::Semaphore;

use crate::app::App;
use crate::error::RunError;
use crate::event::synth;
use crate::source::Source;
use crate::stream::hyper_body::{HttpBody, http_response};

const USAGE: &str = "\
usage: <binary> <command>

commands (outside Lambda; on Lambda the binary answers invocations):
  invoke FILE        answer one event (a JSON file, or - for stdin) and print the reply
                     (in streaming mode, a Function URL's or REST API's prelude, then the
                     body as it streams)
  serve [--addr ADDR] [--source SOURCE]
                     serve HTTP on ADDR (default 127.0.0.1:3000); each request is sent to
                     the app as an event of SOURCE: rest, http (the default), url, alb,
                     alb-multi (an ALB target group with multi-value headers on),
                     lattice-v1 or lattice-v2
  check              check the routes file against the handlers and print the route table
  help               print this message (also -h, --help)";

/// Lambda refuses request payloads over 6 MB; so does local mode.
const MAX_BODY: usize = 6 * 1024 * 1024;

fn usage_error(message: impl std::fmt::Display) -> RunError {
    RunError::new(format!("{message}\n\n{USAGE}"))
}

enum Command {
    Invoke(OsString),
    Serve { addr: SocketAddr, events: Events },
    Check,
    Help,
}

/// The events `serve` sends the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Events {
    source: Source,
    /// An ALB target group with multi-value headers on.
    multi_value: bool,
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, RunError> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let bad = |error: lexopt::Error| usage_error(error);
    let command = match parser.next().map_err(bad)? {
        Some(Value(command)) => command.string().map_err(bad)?,
        Some(Long("help") | Short('h')) => return Ok(Command::Help),
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
            let mut events = Events {
                source: Source::HttpApi,
                multi_value: false,
            };
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
                        // Every source by its name, and an ALB target group in multi-value mode.
                        let source = match value.as_str() {
                            "alb-multi" => Some(Source::Alb),
                            name => crate::event::sources().find(|s| s.name() == name),
                        };
                        let Some(source) = source else {
                            return Err(usage_error(format!("invalid source `{value}`")));
                        };
                        events = Events {
                            source,
                            multi_value: value == "alb-multi",
                        };
                    }
                    other => return Err(usage_error(other.unexpected())),
                }
            }
            Command::Serve { addr, events }
        }
        "check" => Command::Check,
        "help" => Command::Help,
        other => return Err(usage_error(format!("unknown command `{other}`"))),
    };
    if let Some(arg) = parser.next().map_err(bad)? {
        return Err(usage_error(arg.unexpected()));
    }
    Ok(command)
}

/// Runs the command of `args`. Help goes to stdout; a command line that is not understood
/// prints the problem and the usage to stderr and exits the process with status 2, as command
/// line tools do.
pub(crate) async fn main(
    app: App,
    args: impl IntoIterator<Item = OsString>,
) -> Result<(), RunError> {
    let command = match parse_args(args) {
        Ok(command) => command,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    };
    match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Invoke(file) => {
            let event = read_event(&file)?;
            if app.streams() {
                return crate::lambda_stream::invoke(&app, &event, &mut std::io::stdout()).await;
            }
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
        Command::Serve { addr, events } => serve(app, addr, events).await,
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

/// What `serve` allows a client: local mode is for development, but a CI job may run it
/// where anything can connect.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// How long a client may take to send a request's headers: a connection that sends them
    /// slower is closed, not held.
    headers: Duration,
    /// How long it may take to send a body, after the headers: slower is a 408.
    body: Duration,
    /// The most connections served at once; the next waits to be accepted.
    connections: usize,
    /// The largest body read: Lambda refuses payloads over 6 MB.
    body_bytes: usize,
}

const LIMITS: Limits = Limits {
    headers: Duration::from_secs(10),
    body: Duration::from_secs(30),
    connections: 512,
    body_bytes: MAX_BODY,
};

async fn serve(app: App, addr: SocketAddr, events: Events) -> Result<(), RunError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| RunError::new(format!("cannot listen on {addr}: {e}")))?;
    let addr = listener.local_addr().unwrap_or(addr);
    // Ctrl-C stops the process the default way: there is nothing to flush, and a signal
    // handler would add tokio's signal driver to every binary built with local mode.
    let mode = if events.multi_value {
        " (multi-value headers)"
    } else {
        ""
    };
    eprintln!(
        "minik: serving http://{addr} as {} events{mode} (Ctrl-C stops)",
        events.source
    );
    serve_on(listener, Arc::new(app), events, LIMITS).await
}

/// Serves HTTP on `listener` until it fails for good.
async fn serve_on(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    events: Events,
    limits: Limits,
) -> Result<(), RunError> {
    let connections = Arc::new(Semaphore::new(limits.connections));
    let mut backoff = Duration::ZERO;
    loop {
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else {
            return Err(RunError::new("the connection limit was closed"));
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => {
                backoff = Duration::ZERO;
                accepted
            }
            // Out of file descriptors, say: retrying at once would spin and flood the log.
            Err(error) => {
                backoff = (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                tracing::warn!(%error, retry_in_ms = backoff.as_millis() as u64, "accept failed");
                tokio::time::sleep(backoff).await;
                continue;
            }
        };
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let app = Arc::clone(&app);
                async move {
                    let answer = answer(&app, request, events, peer, limits).await;
                    Ok::<_, std::convert::Infallible>(answer)
                }
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.headers)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection closed");
            }
            drop(permit);
        });
    }
}

/// One HTTP request through the app, as an event of `source`.
async fn answer(
    app: &App,
    request: hyper::Request<Incoming>,
    events: Events,
    peer: SocketAddr,
    limits: Limits,
) -> hyper::Response<HttpBody> {
    let started = std::time::Instant::now();
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let response = answer_inner(app, request, events, peer, limits).await;
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "served"
    );
    response
}

/// [`answer`] without the access log.
async fn answer_inner(
    app: &App,
    request: hyper::Request<Incoming>,
    events: Events,
    peer: SocketAddr,
    limits: Limits,
) -> hyper::Response<HttpBody> {
    let (parts, body) = request.into_parts();
    let read = Limited::new(body, limits.body_bytes).collect();
    let body = match tokio::time::timeout(limits.body, read).await {
        Ok(Ok(body)) => body.to_bytes(),
        Ok(Err(error)) if error.is::<LengthLimitError>() => {
            return plain(413, "the request body is larger than Lambda's 6 MB limit");
        }
        Ok(Err(error)) => {
            return plain(400, &format!("the request body could not be read: {error}"));
        }
        Err(_) => return plain(408, "the request body was not sent in time"),
    };
    let source_ip = peer.ip().to_string();
    let request = synth::HttpRequest {
        method: &parts.method,
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body: &body,
        source_ip: &source_ip,
        multi_value: events.multi_value,
    };
    let event = serde_json::to_vec(&synth::event_for(events.source, &request)).unwrap_or_default();
    // As on Lambda in streaming mode, a Function URL's or a REST API's answer streams.
    if app.streams() && matches!(events.source, Source::FunctionUrl | Source::RestApi) {
        return match app.answer(&event.into(), None, false) {
            Ok((_, answering)) => http_response(answering.await),
            Err(error) => plain(502, &format!("the app refused the event: {error}")),
        };
    }
    match app.respond(&event).await {
        Ok(reply) => from_reply(&reply),
        Err(error) => plain(502, &format!("the app refused the event: {error}")),
    }
}

fn plain(status: u16, message: &str) -> hyper::Response<HttpBody> {
    let mut response = hyper::Response::new(HttpBody::full(format!("{message}\n")));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_GATEWAY);
    response
}

/// The HTTP response a reply payload stands for.
fn from_reply(reply: &[u8]) -> hyper::Response<HttpBody> {
    let Some((status, headers, body)) = synth::read_reply(reply) else {
        return plain(502, "the app's reply is not a valid reply");
    };
    let mut response = hyper::Response::new(HttpBody::full(body));
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
        let Ok(Command::Serve { addr, events }) = parse_args(args(&[
            "serve",
            "--addr",
            "127.0.0.1:8080",
            "--source",
            "alb-multi",
        ])) else {
            panic!("serve did not parse");
        };
        assert_eq!(
            (addr.port(), events.source, events.multi_value),
            (8080, Source::Alb, true)
        );
        let Ok(Command::Serve { events, .. }) =
            parse_args(args(&["serve", "--source", "lattice-v2"]))
        else {
            panic!("serve --source lattice-v2 did not parse");
        };
        assert_eq!(
            (events.source, events.multi_value),
            (Source::LatticeV2, false)
        );
        assert!(matches!(parse_args(args(&["--help"])), Ok(Command::Help)));
        assert!(matches!(parse_args(args(&["-h"])), Ok(Command::Help)));
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

/// `serve` against clients that are slow, lie about their bodies, or send too much.
#[cfg(test)]
mod serve_tests {
    use std::time::Instant;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::*;

    const TEST_LIMITS: Limits = Limits {
        headers: Duration::from_millis(300),
        body: Duration::from_millis(300),
        connections: 4,
        body_bytes: 1_000,
    };

    /// A server on a free port of the loopback, answering `/echo` with the body it got.
    async fn server() -> SocketAddr {
        let routes = "[[route]]\npath = \"/echo\"\nhandler = \"echo\"\n";
        let app = App::from_toml("serve.toml", routes)
            .handler("echo", |request: crate::Request| request.body().to_vec())
            .build()
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let events = Events {
            source: Source::HttpApi,
            multi_value: false,
        };
        tokio::spawn(serve_on(listener, Arc::new(app), events, TEST_LIMITS));
        addr
    }

    /// Sends `request` as it is and returns all the server writes until it closes.
    async fn exchange(addr: SocketAddr, request: &[u8], close_write: bool) -> String {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(request).await.unwrap();
        if close_write {
            stream.shutdown().await.unwrap();
        }
        let mut reply = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut reply));
        read.await.expect("the server closes the connection").ok();
        String::from_utf8_lossy(&reply).into_owned()
    }

    fn status(reply: &str) -> &str {
        reply.get(9..12).unwrap_or(reply)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn clients_slower_than_the_limits_are_cut_off() {
        runtime().block_on(async {
            let addr = server().await;
            // Headers that never end: the connection is closed, not held.
            let started = Instant::now();
            let reply = exchange(addr, b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow:", false).await;
            assert!(started.elapsed() < Duration::from_secs(3));
            assert!(!reply.starts_with("HTTP/1.1 200"), "{reply}");
            // A body announced and not sent: 408.
            let head = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc";
            let reply = exchange(addr, head, false).await;
            assert_eq!(status(&reply), "408", "{reply}");
            // The server still answers.
            let ok = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi";
            let reply = exchange(addr, ok, false).await;
            assert_eq!(status(&reply), "200", "{reply}");
            assert!(reply.ends_with("hi"), "{reply}");
        });
    }

    #[test]
    fn every_request_served_gets_an_access_log_line() {
        let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
        let writer = std::sync::Arc::clone(&logs);
        let subscriber = lambda_runtime::tracing::subscriber::fmt()
            .with_writer(move || Capture(std::sync::Arc::clone(&writer)))
            .with_ansi(false)
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        runtime().block_on(async {
            let addr = server().await;
            let ok = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi";
            assert_eq!(status(&exchange(addr, ok, false).await), "200");
            let missing = b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            assert_eq!(status(&exchange(addr, missing, false).await), "404");
        });
        let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
        let served: Vec<&str> = logs.lines().filter(|l| l.contains(" served ")).collect();
        assert_eq!(served.len(), 2, "{logs}");
        assert!(
            served[0].contains("INFO") && served[0].contains("method=POST path=/echo status=200"),
            "{logs}"
        );
        assert!(
            served[1].contains("method=GET path=/nowhere status=404 duration_ms="),
            "{logs}"
        );
    }

    /// A `tracing` writer into shared memory.
    struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    // A body that cannot be read (cut short, a bad chunk size) is the client's mistake, a 400;
    // only a body over the limit is a 413.
    #[test]
    fn broken_bodies_are_400_and_only_large_ones_413() {
        runtime().block_on(async {
            let addr = server().await;
            let truncated = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc";
            assert_eq!(status(&exchange(addr, truncated, true).await), "400");
            let bad_chunk =
                b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n";
            assert_eq!(status(&exchange(addr, bad_chunk, true).await), "400");
            let large = format!(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n{}",
                "x".repeat(2_000)
            );
            assert_eq!(status(&exchange(addr, large.as_bytes(), false).await), "413");
        });
    }

    #[test]
    fn connections_past_the_limit_wait_to_be_accepted() {
        runtime().block_on(async {
            let addr = server().await;
            // As many idle connections as the limit: the server holds each until its time to
            // send headers runs out.
            let mut idle = Vec::new();
            for _ in 0..TEST_LIMITS.connections {
                idle.push(TcpStream::connect(addr).await.unwrap());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            let started = Instant::now();
            let request = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi";
            let reply = exchange(addr, request, false).await;
            assert_eq!(status(&reply), "200", "{reply}");
            assert!(reply.ends_with("hi"), "{reply}");
            // Accepted only once the idle ones were cut (300 ms after they connected).
            let waited = started.elapsed();
            assert!(waited >= Duration::from_millis(150), "answered after {waited:?}");
            drop(idle);
        });
    }
}
