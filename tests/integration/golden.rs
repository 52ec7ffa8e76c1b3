//! The exact reply payload for each source, pinned in `tests/fixtures/golden/`.
//!
//! The handler sets a status, a header with two values and two cookies, so that each source's
//! rules for multi-valued headers and `Set-Cookie` show. To accept a deliberate change:
//! `MINIK_BLESS=1 cargo test`, then review the diff.

use std::path::Path;

use minik::http::{HeaderValue, StatusCode, header};
use minik::{App, IntoResponse, Request, Response};

const CASES: &[(&str, &str)] = &[
    ("rest", "aws_lambda_events/example-apigw-request.json"),
    (
        "http",
        "aws_lambda_events/example-apigw-v2-request-no-authorizer.json",
    ),
    (
        "url",
        "powertools-lambda-python/lambdaFunctionUrlEvent.json",
    ),
    ("alb", "lambda_http/alb_request.json"),
    (
        "alb-multi-value",
        "aws_lambda_events/example-alb-lambda-target-request-multivalue-headers.json",
    ),
    (
        "lattice-v1",
        "aws_lambda_events/example-vpc-lattice-v1-request.json",
    ),
    (
        "lattice-v2",
        "aws_lambda_events/example-vpc-lattice-v2-request.json",
    ),
];

fn handler(request: Request) -> Response {
    let mut response = match request.query("binary") {
        Some(_) => vec![0, 159, 146, 150].into_response(),
        None => Response::json(&serde_json::json!({ "ok": true })),
    }
    .with_status(StatusCode::CREATED);
    let headers = response.headers_mut();
    headers.append("x-multi", HeaderValue::from_static("a"));
    headers.append("x-multi", HeaderValue::from_static("b"));
    headers.append(
        header::SET_COOKIE,
        HeaderValue::from_static("session=1; HttpOnly"),
    );
    headers.append(header::SET_COOKIE, HeaderValue::from_static("theme=dark"));
    response
}

fn app() -> App {
    let routes = "[app.headers]\n\"X-Service\" = \"golden\"\n\n\
                  [[route]]\npath = \"/\"\nhandler = \"h\"\n\n[[route]]\npath = \"/{rest+}\"\nhandler = \"h\"\n";
    App::from_toml("routes.toml", routes)
        .handler("h", handler)
        .build()
        .unwrap()
}

fn check(name: &str, event: &[u8], failures: &mut Vec<String>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let reply = runtime.block_on(app().respond(event)).unwrap();
    let reply = String::from_utf8(reply).unwrap() + "\n";
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/golden")
        .join(format!("{name}.json"));
    if std::env::var_os("MINIK_BLESS").is_some() {
        std::fs::write(&file, &reply).unwrap();
    } else if std::fs::read_to_string(&file).unwrap_or_default() != reply {
        failures.push(format!("{name}: got\n{reply}"));
    }
}

#[test]
fn replies_are_shaped_for_each_source() {
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events");
    let mut failures = Vec::new();
    for (name, file) in CASES {
        let event = std::fs::read(events.join(file)).unwrap();
        check(name, &event, &mut failures);
    }
    // A binary body, base64-encoded, from an HTTP API.
    let event = br#"{"version": "2.0", "rawPath": "/file", "rawQueryString": "binary=1",
        "requestContext": {"http": {"method": "GET"}, "stage": "$default"}}"#;
    check("http-binary", event, &mut failures);
    // A 404 from the router, answered to an ALB.
    let event = br#"{"requestContext": {"elb": {"targetGroupArn": "arn"}}, "httpMethod": "GET",
        "path": "//nowhere", "headers": {}, "body": "", "isBase64Encoded": false}"#;
    check("alb-not-found", event, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
