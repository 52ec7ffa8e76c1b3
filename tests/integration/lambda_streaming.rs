//! `run` in streaming mode against a fake Lambda Runtime API on the loopback: the streaming
//! example runs as a child process, as on Lambda, and the fake API hands it Function URL and
//! HTTP API events and reads each streamed POST frame by frame, noting when each arrives.
//! Local `serve` is checked the same way, from a TCP client.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::sync::mpsc;

/// What the function posted for one invocation: the request's headers, and the body's frames
/// with the time each arrived.
struct Posted {
    path: String,
    headers: http::HeaderMap,
    frames: Vec<(Instant, Bytes)>,
    ended: Instant,
}

impl Posted {
    fn body(&self) -> Vec<u8> {
        self.frames.iter().flat_map(|(_, b)| b.to_vec()).collect()
    }

    /// When the first byte at or after `offset` in the body arrived.
    fn arrival_of(&self, offset: usize) -> Instant {
        let mut seen = 0;
        for (at, bytes) in &self.frames {
            seen += bytes.len();
            if seen > offset {
                return *at;
            }
        }
        panic!("the body has no byte {offset}");
    }
}

/// The fake Runtime API: the next event for each `GET .../invocation/next` (none left: the
/// request waits), and every POST sent to `posts`.
async fn runtime_api(events: Vec<Value>) -> (SocketAddr, mpsc::UnboundedReceiver<Posted>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let events = Arc::new(Mutex::new(VecDeque::from(events)));
    let (posts, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (events, posts) = (Arc::clone(&events), posts.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let (events, posts) = (Arc::clone(&events), posts.clone());
                    answer(request, events, posts)
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, received)
}

async fn answer(
    request: hyper::Request<Incoming>,
    events: Arc<Mutex<VecDeque<Value>>>,
    posts: mpsc::UnboundedSender<Posted>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path().to_owned();
    if path.ends_with("/invocation/next") {
        let next = events.lock().unwrap().pop_front();
        let Some(event) = next else {
            // No more events: the function waits, as on Lambda between invocations.
            std::future::pending::<()>().await;
            unreachable!();
        };
        let id = event["requestContext"]["requestId"]
            .as_str()
            .unwrap()
            .to_owned();
        let deadline = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
            + 60_000;
        let response = hyper::Response::builder()
            .header("lambda-runtime-aws-request-id", id)
            .header("lambda-runtime-deadline-ms", deadline.to_string())
            .header(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:streaming",
            )
            .header(
                "lambda-runtime-trace-id",
                "Root=1-5759e988-bd862e3fe1be46a994272793",
            )
            .body(Full::new(Bytes::from(event.to_string())))
            .unwrap();
        return Ok(response);
    }
    let (parts, mut body) = request.into_parts();
    let mut frames = Vec::new();
    while let Some(Ok(frame)) = body.frame().await {
        if let Ok(data) = frame.into_data() {
            frames.push((Instant::now(), data));
        }
    }
    let _ = posts.send(Posted {
        path,
        headers: parts.headers,
        frames,
        ended: Instant::now(),
    });
    Ok(hyper::Response::builder()
        .status(202)
        .body(Full::new(Bytes::new()))
        .unwrap())
}

/// A Function URL event (Powertools' fixture) for `path`, with request id `id`.
fn url_event(path: &str, id: &str) -> Value {
    let text =
        include_str!("../fixtures/events/powertools-lambda-python/lambdaFunctionUrlEvent.json");
    let mut event: Value = serde_json::from_str(text).unwrap();
    event["rawPath"] = path.into();
    event["requestContext"]["http"]["path"] = path.into();
    event["requestContext"]["requestId"] = id.into();
    event
}

/// The streaming example, built as `cargo test` builds examples.
fn example_binary() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", "streaming"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    // The test binary is in target/<profile>/deps; examples in target/<profile>/examples.
    let deps = std::env::current_exe().unwrap();
    let profile = deps.parent().unwrap().parent().unwrap();
    profile.join("examples").join("streaming")
}

struct Function(Child);

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const NULS: &[u8] = &[0; 8];

#[test]
fn the_function_streams_the_prelude_then_chunks_as_they_come_and_survives_a_panic() {
    let binary = example_binary();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut http_event: Value = serde_json::from_str(include_str!(
            "../../examples/streaming/events/http-ticks.json"
        ))
        .unwrap();
        http_event["rawPath"] = "/ticks/1".into();
        http_event["requestContext"]["requestId"] = "inv-4".into();
        // A REST API streams too (response transfer mode STREAM).
        let mut rest_event: Value = serde_json::from_str(include_str!(
            "../fixtures/events/aws_lambda_events/example-apigw-request.json"
        ))
        .unwrap();
        rest_event["path"] = "/ticks/1".into();
        rest_event["httpMethod"] = "GET".into();
        rest_event["body"] = Value::Null;
        rest_event["requestContext"]["requestId"] = "inv-5".into();
        let events = vec![
            url_event("/ticks/2", "inv-1"),
            url_event("/broken", "inv-2"),
            url_event("/ticks/1", "inv-3"),
            http_event,
            rest_event,
        ];
        let (addr, mut posts) = runtime_api(events).await;
        let logs = std::env::temp_dir().join(format!("minik-streaming-{}.log", std::process::id()));
        let function = Command::new(&binary)
            .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "streaming")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/streaming")
            .env_remove("RUST_LOG")
            .env_remove("AWS_LAMBDA_LOG_LEVEL")
            .env_remove("RUST_BACKTRACE")
            .stdout(std::fs::File::create(&logs).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let function = Function(function);
        let mut next = async || {
            tokio::time::timeout(Duration::from_secs(30), posts.recv())
                .await
                .expect("the function answers within 30 s")
                .unwrap()
        };

        // 1. Two events a second apart: the prelude, eight NULs, then each event as it comes.
        let ticks = next().await;
        assert_eq!(ticks.path, "/2018-06-01/runtime/invocation/inv-1/response");
        assert_eq!(ticks.headers["lambda-runtime-function-response-mode"], "streaming");
        assert_eq!(
            ticks.headers["content-type"],
            "application/vnd.awslambda.http-integration-response"
        );
        let prelude = br#"{"statusCode":200,"headers":{"content-type":"text/event-stream","cache-control":"no-cache"},"cookies":["ticks=2; Path=/ticks"]}"#;
        let events = b"event: tick\nid: 1\ndata: 1\n\nevent: tick\nid: 2\ndata: 2\n\n";
        assert_eq!(
            String::from_utf8_lossy(&ticks.body()),
            String::from_utf8_lossy(&[&prelude[..], NULS, events].concat())
        );
        // The handler waits a second between the events: the first arrived well before the end.
        let first_event = ticks.arrival_of(prelude.len() + NULS.len());
        let early = ticks.ended.duration_since(first_event);
        assert!(
            early >= Duration::from_millis(600),
            "the first event arrived only {early:?} before the end of the body"
        );

        // 2. A panic after the first chunk: what was sent stays sent, and the body ends.
        let broken = next().await;
        assert_eq!(broken.path, "/2018-06-01/runtime/invocation/inv-2/response");
        let prelude = br#"{"statusCode":200,"headers":{"content-type":"application/octet-stream"},"cookies":[]}"#;
        assert_eq!(broken.body(), [&prelude[..], NULS, b"first chunk\n"].concat());

        // 3. The function goes on serving.
        let after = next().await;
        assert_eq!(after.path, "/2018-06-01/runtime/invocation/inv-3/response");
        assert!(after.body().ends_with(b"event: tick\nid: 1\ndata: 1\n\n"));

        // 4. An HTTP API cannot stream: one buffered reply.
        let buffered = next().await;
        assert_eq!(buffered.path, "/2018-06-01/runtime/invocation/inv-4/response");
        assert!(!buffered.headers.contains_key("lambda-runtime-function-response-mode"));
        let reply: Value = serde_json::from_slice(&buffered.body()).unwrap();
        assert_eq!(reply["statusCode"], 200);
        assert_eq!(reply["body"], "event: tick\nid: 1\ndata: 1\n\n");
        assert_eq!(reply["cookies"][0], "ticks=1; Path=/ticks");

        // 5. A REST API event: streamed, with the prelude.
        let rest = next().await;
        assert_eq!(rest.path, "/2018-06-01/runtime/invocation/inv-5/response");
        assert_eq!(rest.headers["lambda-runtime-function-response-mode"], "streaming");
        let prelude = br#"{"statusCode":200,"headers":{"content-type":"text/event-stream","cache-control":"no-cache"},"cookies":["ticks=1; Path=/ticks"]}"#;
        let event = b"event: tick\nid: 1\ndata: 1\n\n";
        assert_eq!(rest.body(), [&prelude[..], NULS, event].concat());

        drop(function);
        let logs_text = std::fs::read_to_string(&logs).unwrap();
        let _ = std::fs::remove_file(&logs);
        assert!(
            logs_text.contains("the response stream ended early")
                && logs_text.contains("the export lost its database connection")
                && logs_text.contains("inv-2"),
            "{logs_text}"
        );
    });
}

#[test]
fn local_serve_sends_a_function_urls_chunks_as_they_come() {
    let binary = example_binary();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let server = Command::new(&binary)
        .args(["serve", "--source", "url", "--addr", &addr])
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Function(server);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = None;
        for _ in 0..100 {
            if let Ok(connected) = tokio::net::TcpStream::connect(&addr).await {
                stream = Some(connected);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut stream = stream.expect("serve listens within 10 s");
        let request = "GET /ticks/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut received = Vec::new();
        let mut first_event = None;
        let mut buffer = [0; 4096];
        loop {
            let read = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buffer))
                .await
                .expect("serve answers within 30 s")
                .unwrap();
            if read == 0 {
                break;
            }
            received.extend_from_slice(&buffer[..read]);
            let text = String::from_utf8_lossy(&received);
            if first_event.is_none() && text.contains("data: 1\n\n") {
                first_event = Some(Instant::now());
            }
        }
        let ended = Instant::now();
        let text = String::from_utf8_lossy(&received);
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("transfer-encoding: chunked\r\n"), "{text}");
        assert!(
            text.contains("set-cookie: ticks=2; Path=/ticks\r\n"),
            "{text}"
        );
        assert!(text.contains("data: 2\n\n"), "{text}");
        let early = ended.duration_since(first_event.expect("the first event arrives"));
        assert!(
            early >= Duration::from_millis(600),
            "the first event arrived only {early:?} before the end of the body"
        );
    });
}
