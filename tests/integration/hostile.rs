//! Hostile and broken inputs: every byte of an event is chosen by someone else. Each case has
//! its expected outcome, a defined HTTP answer or a clean invocation error, and after each one
//! the same app answers a healthy event normally.

use minik::http::HeaderValue;
use minik::{App, Json, Path, Request};
use serde_json::{Value, json};

const ROUTES: &str = r#"
[[route]]
path = "/hello/{name}"
handler = "hello"

[[route]]
path = "/files/{key+}"
handler = "file"

[[route]]
path = "/items/{id}"
methods = ["GET"]
handler = "item"
params = { id = "int" }

[[route]]
path = "/echo"
handler = "echo"

[[route]]
path = "/upload"
handler = "echo"
max_body = "6MB"

[[route]]
path = "/json"
methods = ["POST"]
handler = "json"

[[route]]
path = "/bad-header"
handler = "bad_header"

[[route]]
path = "/panic"
handler = "panic"

[[route]]
path = "/panic-any"
handler = "panic_any"

[[route]]
path = "/secret"
handler = "secret"
"#;

fn app() -> App {
    App::from_toml("hostile.toml", ROUTES)
        .handler("hello", |Path(name): Path<String>| {
            Json(json!({ "hello": name }))
        })
        .handler("file", |Path(key): Path<String>| {
            Json(json!({ "key": key, "segments": key.split('/').count() }))
        })
        .handler("item", |Path(id): Path<i64>| Json(json!({ "id": id })))
        .handler("echo", |request: Request| {
            Json(json!({
                "body_len": request.body().len(),
                "query_len": request.query_pairs().len(),
                "a": request.query_all("a").collect::<Vec<_>>(),
                "header_count": request.headers().len(),
                "x_dup": request.headers().get_all("x-dup").iter().count(),
                "ua": request.header("user-agent"),
            }))
        })
        .handler("json", |Json(body): Json<Value>| {
            Json(json!({ "kind": if body.is_object() { "object" } else { "other" } }))
        })
        .handler("bad_header", || -> minik::Result<minik::Response> {
            // A handler cannot smuggle CR/LF into a header: the value is refused, and the
            // error it returns is a 500.
            let value = HeaderValue::from_str("ok\r\nSet-Cookie: stolen=1")?;
            Ok(minik::Response::default().with_header(minik::http::header::LOCATION, value))
        })
        .handler("panic", || -> &'static str { panic!("boom") })
        .handler("panic_any", || -> &'static str {
            std::panic::panic_any(42_u32)
        })
        .handler("secret", || -> minik::Result<String> {
            Err(std::io::Error::other(
                "password=hunter2 at db.internal:5432",
            ))?
        })
        .build()
        .unwrap()
}

/// An HTTP API v2 event for `method path?query` with optional headers and body.
fn v2(method: &str, path: &str, query: &str) -> Value {
    json!({
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
        "headers": { "user-agent": "curl/8" },
        "requestContext": { "http": { "method": method, "path": path, "sourceIp": "1.2.3.4" },
                            "stage": "$default", "requestId": "r1", "domainName": "x.execute-api.us-east-1.amazonaws.com" },
        "isBase64Encoded": false,
    })
}

/// A REST v1 event (paths stay percent-encoded, as API Gateway sends them).
fn rest(method: &str, path: &str) -> Value {
    json!({
        "resource": "/{proxy+}", "path": path, "httpMethod": method,
        "headers": null, "multiValueHeaders": null, "queryStringParameters": null,
        "multiValueQueryStringParameters": null, "pathParameters": null, "stageVariables": null,
        "requestContext": { "apiId": "a", "stage": "prod", "requestId": "r", "identity": { "sourceIp": "1.2.3.4" } },
        "body": null, "isBase64Encoded": false,
    })
}

fn with(mut event: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        &mut event
    } else {
        event.pointer_mut(parent).unwrap()
    };
    target[key] = value;
    event
}

fn bytes(event: Value) -> Vec<u8> {
    serde_json::to_vec(&event).unwrap()
}

enum Outcome {
    /// Answered with this status; the body, parsed, must contain this text (or "" for any).
    Status(u16, &'static str),
    /// The invocation fails with an error containing this text.
    Refused(&'static str),
}
use Outcome::*;

fn cases() -> Vec<(&'static str, Vec<u8>, Outcome)> {
    let long_path = format!("/hello/{}", "a".repeat(64 * 1024));
    let deep_path = format!("/files{}", "/x".repeat(10_000));
    let deep_unknown = format!("/nowhere{}", "/x".repeat(10_000));
    let many_params: String = (0..100_000)
        .map(|i| format!("p{i}=v"))
        .collect::<Vec<_>>()
        .join("&");
    let nested = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let many_headers: serde_json::Map<String, Value> = (0..10_000)
        .map(|i| (format!("x-h{i}"), json!("v")))
        .collect();
    let too_many_headers: serde_json::Map<String, Value> = (0..40_000)
        .map(|i| (format!("x-h{i}"), json!("v")))
        .collect();
    let big_body = "x".repeat(5 * 1024 * 1024);
    vec![
        // Not JSON, or not an object.
        (
            "truncated JSON",
            b"{\"httpMethod\": ".to_vec(),
            Refused("not a valid HTTP event"),
        ),
        (
            "JSON array",
            b"[{\"httpMethod\": \"GET\"}]".to_vec(),
            Refused("a JSON array"),
        ),
        (
            "JSON string",
            b"\"GET /\"".to_vec(),
            Refused("a JSON string"),
        ),
        ("JSON number", b"42".to_vec(), Refused("a JSON number")),
        ("JSON null", b"null".to_vec(), Refused("JSON null")),
        ("empty payload", Vec::new(), Refused("an empty payload")),
        (
            "whitespace only",
            b"  \n ".to_vec(),
            Refused("an empty payload"),
        ),
        (
            "binary garbage",
            vec![0xff, 0xfe, 0x00, 0x9f, 0x92],
            Refused("not JSON"),
        ),
        (
            "invalid UTF-8 inside JSON",
            b"{\"path\": \"\xff\"}".to_vec(),
            Refused("not a valid HTTP event"),
        ),
        (
            "nested 10,000 deep in an unknown field",
            format!("{{\"extra\": {nested}}}").into_bytes(),
            Refused("no known HTTP shape"),
        ),
        (
            "nested 10,000 deep in a header",
            format!(
                "{{\"httpMethod\": \"GET\", \"path\": \"/\", \"headers\": {{\"a\": {nested}}}}}"
            )
            .into_bytes(),
            Refused("not a valid HTTP event"),
        ),
        (
            "duplicate key",
            b"{\"path\": \"/a\", \"path\": \"/b\", \"httpMethod\": \"GET\"}".to_vec(),
            Refused("duplicate field"),
        ),
        (
            "wrong type for httpMethod",
            bytes(with(rest("GET", "/x"), "/httpMethod", json!(5))),
            Refused("invalid type"),
        ),
        (
            "headers as a list",
            bytes(with(rest("GET", "/x"), "/headers", json!(["a"]))),
            Refused("invalid type"),
        ),
        // JSON objects that are not HTTP requests.
        (
            "S3 notification",
            bytes(json!({ "Records": [{ "eventSource": "aws:s3" }] })),
            Refused("no known HTTP shape"),
        ),
        (
            "TOKEN authorizer",
            bytes(json!({ "type": "TOKEN", "authorizationToken": "x", "methodArn": "arn" })),
            Refused("authorizer"),
        ),
        (
            "WebSocket $connect",
            bytes(json!({ "requestContext": { "eventType": "CONNECT", "connectionId": "c" } })),
            Refused("WebSocket"),
        ),
        (
            "a response",
            bytes(json!({ "statusCode": 200, "body": "" })),
            Refused("a response"),
        ),
        // HTTP requests with what AWS documents as optional left out or null.
        (
            "REST with every map null",
            bytes(rest("GET", "/hello/ada")),
            Status(200, "ada"),
        ),
        (
            "an HTTP event with a field minik does not read nested 10,000 deep",
            {
                let event = String::from_utf8(bytes(v2("GET", "/hello/ada", ""))).unwrap();
                let event = event.strip_suffix('}').unwrap();
                format!("{event},\"unread\":{{\"deep\":{nested}}}}}").into_bytes()
            },
            Status(200, "ada"),
        ),
        (
            "v2 without headers, cookies or body",
            bytes(json!({ "version": "2.0", "rawPath": "/hello/ada",
            "requestContext": { "http": { "method": "GET" } } })),
            Status(200, "ada"),
        ),
        (
            "v2 without a method",
            bytes(with(
                v2("GET", "/hello/a", ""),
                "/requestContext/http/method",
                Value::Null,
            )),
            Status(400, "no HTTP method"),
        ),
        (
            "invalid method",
            bytes(v2("GE T", "/hello/a", "")),
            Status(400, "invalid HTTP method"),
        ),
        (
            "REST path without a leading slash",
            bytes(rest("GET", "hello/ada")),
            Status(400, "does not start with"),
        ),
        (
            "body marked base64 that is not",
            bytes(with(
                with(v2("POST", "/echo", ""), "/body", json!("not base64!")),
                "/isBase64Encoded",
                json!(true),
            )),
            Status(400, "not valid base64"),
        ),
        (
            "malformed JSON body",
            bytes(with(
                v2("POST", "/json", ""),
                "/body",
                json!("{\"a\": [1, }"),
            )),
            Status(400, "invalid JSON body"),
        ),
        (
            "JSON body nested 10,000 deep",
            bytes(with(v2("POST", "/json", ""), "/body", json!(nested))),
            Status(400, "recursion limit"),
        ),
        (
            "a 5 MB body to a route that takes 6 MB",
            bytes(with(v2("POST", "/upload", ""), "/body", json!(big_body))),
            Status(200, "5242880"),
        ),
        // A regression test for issue 17: a 6 MB body of nested arrays, parsed into a
        // `Json<Value>`, peaked at 451 MB; routes take 512 KiB unless they say otherwise.
        (
            "a 5 MB body to a route with the default limit",
            bytes(with(v2("POST", "/json", ""), "/body", json!(big_body))),
            Status(413, "more than the 524288 bytes accepted"),
        ),
        (
            "a base64 body over the largest limit, refused before it is decoded",
            bytes(with(
                with(v2("POST", "/echo", ""), "/body", json!("A".repeat(9 << 20))),
                "/isBase64Encoded",
                json!(true),
            )),
            Status(413, "more than the 6291456 bytes accepted"),
        ),
        (
            "a body just under the default limit",
            bytes(with(
                v2("POST", "/echo", ""),
                "/body",
                json!("x".repeat(512 << 10)),
            )),
            Status(200, "524288"),
        ),
        // Paths.
        (
            "a 64 KB path",
            bytes(v2("GET", &long_path, "")),
            Status(200, "aaaa"),
        ),
        (
            "10,000 segments under a greedy route",
            bytes(rest("GET", &deep_path)),
            Status(200, "10000"),
        ),
        (
            "10,000 segments matching nothing",
            bytes(rest("GET", &deep_unknown)),
            Status(404, "Not Found"),
        ),
        (
            "invalid percent-encoding",
            bytes(rest("GET", "/hello/%zz%")),
            Status(200, "%zz%"),
        ),
        (
            "percent-encoded invalid UTF-8",
            bytes(rest("GET", "/hello/%FF%FE")),
            Status(404, "Not Found"),
        ),
        (
            "encoded slash stays in its segment",
            bytes(rest("GET", "/hello/a%2Fb")),
            Status(200, "a/b"),
        ),
        (
            "encoded dots are not resolved",
            bytes(rest("GET", "/files/%2E%2E/etc/passwd")),
            Status(200, "../etc/passwd"),
        ),
        // A regression test for issue 17: CR, LF and NUL decoded from a path reached handlers.
        (
            "NUL byte, encoded",
            bytes(rest("GET", "/hello/a%00b")),
            Status(404, "Not Found"),
        ),
        (
            "CR and LF, encoded",
            bytes(rest("GET", "/hello/a%0D%0ASet-Cookie:%20x=1")),
            Status(404, "Not Found"),
        ),
        (
            "LF, encoded, under a greedy route",
            bytes(rest("GET", "/files/a/b%0A")),
            Status(404, "Not Found"),
        ),
        (
            "CR in a path delivered decoded",
            bytes(v2("GET", "/hello/a\rb", "")),
            Status(404, "Not Found"),
        ),
        (
            "empty segments",
            bytes(rest("GET", "//hello//ada")),
            Status(404, "Not Found"),
        ),
        (
            "a non-integer id",
            bytes(rest("GET", "/items/1e3")),
            Status(404, "Not Found"),
        ),
        (
            "an id past i64",
            bytes(rest("GET", "/items/99999999999999999999")),
            Status(404, "Not Found"),
        ),
        (
            "an unknown method on a GET route",
            bytes(rest("PROPFIND", "/items/1")),
            Status(405, "Method Not Allowed"),
        ),
        // Headers and query strings.
        (
            "header name with a space",
            bytes(with(
                v2("GET", "/echo", ""),
                "/headers",
                json!({ "bad name": "x" }),
            )),
            Status(400, "invalid header name"),
        ),
        (
            "header value with CR/LF",
            bytes(with(
                v2("GET", "/echo", ""),
                "/headers",
                json!({ "x-a": "a\r\nb: c" }),
            )),
            Status(400, "invalid value for header"),
        ),
        (
            "header value with NUL",
            bytes(with(
                v2("GET", "/echo", ""),
                "/headers",
                json!({ "x-a": "a\u{0}" }),
            )),
            Status(400, "invalid value for header"),
        ),
        (
            "non-ASCII header value",
            bytes(with(
                v2("GET", "/echo", ""),
                "/headers",
                json!({ "user-agent": "café" }),
            )),
            Status(200, "header_count"),
        ),
        (
            "cookie with CR/LF",
            bytes(with(
                v2("GET", "/echo", ""),
                "/cookies",
                json!(["a=b\r\nc"]),
            )),
            Status(400, "cookies"),
        ),
        (
            "1,024 headers",
            bytes(with(
                v2("GET", "/echo", ""),
                "/headers",
                Value::Object(many_headers.clone().into_iter().take(1_024).collect()),
            )),
            Status(200, "\"header_count\":1024"),
        ),
        (
            "10,000 headers",
            bytes(with(
                v2("GET", "/echo", ""),
                "/headers",
                Value::Object(many_headers),
            )),
            Status(400, "too many headers"),
        ),
        // A regression test for issue 17: the limit counted names, not values.
        (
            "one header name with 40,000 values",
            bytes(with(
                rest("GET", "/echo"),
                "/multiValueHeaders",
                json!({ "x-dup": vec!["v"; 40_000] }),
            )),
            Status(400, "too many headers"),
        ),
        (
            "40,000 headers, past what an HTTP header map holds",
            bytes(with(
                v2("GET", "/echo", ""),
                "/headers",
                Value::Object(too_many_headers),
            )),
            Status(400, "too many headers"),
        ),
        (
            "repeated headers",
            bytes(with(
                with(
                    rest("GET", "/echo"),
                    "/multiValueHeaders",
                    json!({ "x-dup": ["1", "2", "3"] }),
                ),
                "/headers",
                json!({ "x-dup": "3" }),
            )),
            Status(200, "\"x_dup\":3"),
        ),
        (
            "repeated query keys",
            bytes(v2("GET", "/echo", "a=1&a=2&a=%33")),
            Status(200, "[\"1\",\"2\",\"3\"]"),
        ),
        (
            "a query of 100,000 parameters",
            bytes(v2("GET", "/echo", &many_params)),
            Status(200, "100000"),
        ),
        (
            "query with invalid encodings",
            bytes(v2("GET", "/echo", "a=%zz&a=%FF&&=&a")),
            Status(200, "query_len"),
        ),
        // Handlers that misbehave.
        (
            "handler builds a header with CR/LF",
            bytes(v2("GET", "/bad-header", "")),
            Status(500, "Internal server error."),
        ),
        (
            "handler panics",
            bytes(v2("GET", "/panic", "")),
            Status(500, "Internal server error."),
        ),
        (
            "handler panics with a non-string",
            bytes(v2("GET", "/panic-any", "")),
            Status(500, "Internal server error."),
        ),
        (
            "handler error with secrets, debug off",
            bytes(v2("GET", "/secret", "")),
            Status(500, "Internal server error."),
        ),
    ]
}

#[test]
fn every_hostile_input_gets_its_defined_outcome_and_the_next_event_is_served() {
    let app = app();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let healthy = bytes(v2("GET", "/hello/next", ""));
    let cases = cases();
    assert!(cases.len() >= 40, "the catalogue has {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, event, expected) in cases {
        let result = runtime.block_on(app.respond(&event));
        match (&result, expected) {
            (Err(error), Refused(text)) if error.to_string().contains(text) => {}
            (Ok(reply), Status(status, text)) => {
                let reply: Value = serde_json::from_slice(reply).unwrap();
                let body = reply["body"].as_str().unwrap_or_default();
                let leaked = ["hunter2", "boom", "stolen", "42"]
                    .iter()
                    .any(|s| status == 500 && body.contains(s));
                if reply["statusCode"] != status || !body.contains(text) || leaked {
                    failures.push(format!(
                        "{name}: got {} {}",
                        reply["statusCode"],
                        &body[..body.len().min(200)]
                    ));
                }
            }
            (other, _) => failures.push(format!(
                "{name}: got {:?}",
                other
                    .as_ref()
                    .map(|r| String::from_utf8_lossy(&r[..r.len().min(200)]).into_owned())
            )),
        }
        let next = runtime.block_on(app.respond(&healthy)).unwrap();
        let next: Value = serde_json::from_slice(&next).unwrap();
        if next["statusCode"] != 200 {
            failures.push(format!("after {name}: the next event got {next}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
