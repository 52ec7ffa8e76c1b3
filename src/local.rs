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
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use tokio::io::AsyncReadExt;

use crate::app::App;
use crate::event::Source;
use crate::runtime::RunError;

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
            let event = read_event(&file).await?;
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
                "ok: {} routes, every handler registered and used",
                app.routes().routes().count()
            );
            for route in app.routes().routes() {
                println!("{route}");
            }
            Ok(())
        }
    }
}

async fn read_event(file: &OsString) -> Result<Vec<u8>, RunError> {
    let name = file.to_string_lossy();
    if file == "-" {
        let mut event = Vec::new();
        tokio::io::stdin()
            .read_to_end(&mut event)
            .await
            .map_err(|e| RunError::new(format!("cannot read the event from stdin: {e}")))?;
        return Ok(event);
    }
    tokio::fs::read(file)
        .await
        .map_err(|e| RunError::new(format!("cannot read event file `{name}`: {e}")))
}

async fn serve(app: App, addr: SocketAddr, source: Source) -> Result<(), RunError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| RunError::new(format!("cannot listen on {addr}: {e}")))?;
    let addr = listener.local_addr().unwrap_or(addr);
    eprintln!("minik: serving http://{addr} as {source} events (Ctrl-C stops)");
    let app = Arc::new(app);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    continue;
                }
            },
            _ = tokio::signal::ctrl_c() => return Ok(()),
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
    let event = to_event(&parts, &body, source, peer);
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

static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

/// The event `source` would send for this request, following AWS's documented shapes.
fn to_event(parts: &http::request::Parts, body: &[u8], source: Source, peer: SocketAddr) -> Value {
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let raw_query = parts.uri.query().unwrap_or("");
    let request_id = format!("local-{}", REQUEST_IDS.fetch_add(1, Ordering::Relaxed));
    let (body, is_base64) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => (base64::engine::general_purpose::STANDARD.encode(body), true),
    };
    let ip = peer.ip().to_string();
    let mut single = Map::new();
    let mut multi = Map::new();
    for name in parts.headers.keys() {
        let values: Vec<String> = parts
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        single.insert(name.as_str().to_owned(), json!(values.last()));
        multi.insert(name.as_str().to_owned(), json!(values));
    }
    let query_pairs: Vec<(String, String)> = form_urlencoded::parse(raw_query.as_bytes())
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    match source {
        Source::RestApi => {
            let (mut q, mut mq) = (Map::new(), Map::new());
            for (name, value) in &query_pairs {
                q.insert(name.clone(), json!(value));
                if let Some(values) = mq
                    .entry(name.clone())
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                {
                    values.push(json!(value));
                }
            }
            let none_if_empty = |map: Map<String, Value>| {
                if map.is_empty() {
                    Value::Null
                } else {
                    Value::Object(map)
                }
            };
            json!({
                "resource": "/{proxy+}",
                "path": path,
                "httpMethod": method,
                "headers": single,
                "multiValueHeaders": multi,
                "queryStringParameters": none_if_empty(q),
                "multiValueQueryStringParameters": none_if_empty(mq),
                "pathParameters": { "proxy": path.trim_start_matches('/') },
                "stageVariables": null,
                "requestContext": {
                    "accountId": "123456789012", "apiId": "local", "stage": "local", "requestId": request_id,
                    "resourcePath": "/{proxy+}", "httpMethod": method, "path": path,
                    "domainName": "localhost", "protocol": "HTTP/1.1", "identity": { "sourceIp": ip },
                },
                "body": body,
                "isBase64Encoded": is_base64,
            })
        }
        Source::Alb => {
            // ALB passes the query through undecoded, and in single-value mode keeps one value.
            let mut q = Map::new();
            for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                q.insert(name.to_owned(), json!(value));
            }
            json!({
                "requestContext": { "elb": { "targetGroupArn": "arn:aws:elasticloadbalancing:local:123456789012:targetgroup/minik/local" } },
                "httpMethod": method,
                "path": path,
                "queryStringParameters": q,
                "headers": single,
                "body": body,
                "isBase64Encoded": is_base64,
            })
        }
        _ => {
            // HTTP API and Function URL (payload 2.0): lowercase names, repeats joined, cookies apart.
            let mut headers = Map::new();
            let mut cookies = Vec::new();
            for (name, values) in &multi {
                let values: Vec<&str> = values
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if name == "cookie" {
                    cookies.extend(values.iter().flat_map(|v| v.split("; ")).map(str::to_owned));
                } else {
                    headers.insert(name.clone(), json!(values.join(",")));
                }
            }
            let url = source == Source::FunctionUrl;
            // An HTTP API delivers `rawPath` decoded; a Function URL keeps the encoding.
            let raw_path = if url {
                path.to_owned()
            } else {
                percent_encoding::percent_decode_str(path)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            let domain = if url {
                "local.lambda-url.localhost.on.aws"
            } else {
                "local.execute-api.localhost"
            };
            json!({
                "version": "2.0",
                "routeKey": "$default",
                "rawPath": raw_path,
                "rawQueryString": raw_query,
                "cookies": cookies,
                "headers": headers,
                "requestContext": {
                    "accountId": "123456789012", "apiId": "local", "domainName": domain, "requestId": request_id,
                    "routeKey": "$default", "stage": "$default",
                    "http": { "method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": ip,
                              "userAgent": single.get("user-agent").cloned().unwrap_or_default() },
                },
                "body": body,
                "isBase64Encoded": is_base64,
            })
        }
    }
}

/// The HTTP response a reply payload stands for.
fn from_reply(reply: &[u8]) -> hyper::Response<Full<Bytes>> {
    let Ok(reply) = serde_json::from_slice::<Value>(reply) else {
        return plain(502, "the app's reply is not JSON");
    };
    let status = reply["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(502);
    let body = reply["body"].as_str().unwrap_or_default();
    let body = if reply["isBase64Encoded"] == true {
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap_or_default()
    } else {
        body.as_bytes().to_vec()
    };
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_GATEWAY);
    let headers = response.headers_mut();
    let mut add = |name: &str, value: &Value| {
        if let (Ok(name), Some(Ok(value))) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            value.as_str().map(http::HeaderValue::from_str),
        ) {
            headers.append(name, value);
        }
    };
    for (name, value) in reply["headers"].as_object().into_iter().flatten() {
        add(name, value);
    }
    for (name, values) in reply["multiValueHeaders"].as_object().into_iter().flatten() {
        for value in values.as_array().into_iter().flatten() {
            add(name, value);
        }
    }
    for cookie in reply["cookies"].as_array().into_iter().flatten() {
        add("set-cookie", cookie);
    }
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
