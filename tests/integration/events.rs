//! Every HTTP source, against the real events in `tests/fixtures/events` (written by AWS,
//! lambda_http and Powertools; see the README there for provenance and licences).

use std::path::{Path, PathBuf};

use minik::{App, Json, Request, Source};
use serde_json::{Value, json};

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = [
        "aws_lambda_events",
        "lambda_http",
        "powertools-lambda-python",
    ]
    .iter()
    .map(|dir| events_dir().join(dir).join(name))
    .find(|path| path.exists())
    .unwrap_or_else(|| panic!("no fixture {name}"));
    std::fs::read(path).unwrap()
}

/// `(file, kind)` for every fixture, from the provenance table in the fixtures' README.
fn catalogue() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(events_dir().join("README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| {
            let mut cells = line.split('|').map(str::trim).skip(1);
            let file = cells.next()?.strip_prefix('`')?.strip_suffix(".json`")?;
            let kind = cells.next()?.split_whitespace().next()?;
            Some((format!("{file}.json"), kind.to_owned()))
        })
        .collect()
}

/// A handler that answers with what it saw of the request.
fn echo(request: Request) -> Json<Value> {
    Json(json!({
        "source": request.source().map(Source::name),
        "method": request.method().as_str(),
        "path": request.path(),
        "query": request.query_pairs().collect::<Vec<_>>(),
        "cookies": request.cookies().collect::<Vec<_>>(),
        "body": String::from_utf8_lossy(request.body()),
        "source_ip": request.source_ip(),
        "request_id": request.request_id(),
        "stage": request.stage(),
        "host": request.header("host"),
        "cookie_header": request.header("cookie"),
    }))
}

pub(crate) fn echo_app(extra: &str) -> App {
    let routes = format!(
        "{extra}\n[[route]]\npath = \"/\"\nhandler = \"echo\"\n\n[[route]]\npath = \"/{{rest+}}\"\nhandler = \"echo\"\n"
    );
    App::from_toml("routes.toml", &routes)
        .handler("echo", echo)
        .build()
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// The reply payload and the request as the handler saw it (`Value::Null` when the handler
/// was not called).
fn respond(app: &App, event: &[u8]) -> Result<(Value, Value), minik::EventError> {
    let reply = runtime().block_on(app.respond(event))?;
    let reply: Value = serde_json::from_slice(&reply).expect("the reply is JSON");
    let seen =
        serde_json::from_str(reply["body"].as_str().unwrap_or_default()).unwrap_or(Value::Null);
    Ok((reply, seen))
}

fn expected_source(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "apigw-v1" => "rest",
        "apigw-v2" => "http",
        "function-url" => "url",
        "alb" | "alb-multivalue" => "alb",
        "lattice-v1" => "lattice-v1",
        "lattice-v2" => "lattice-v2",
        _ => return None,
    })
}

/// The top-level keys each source's reply has, exactly.
fn reply_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "apigw-v1" => &[
            "body",
            "headers",
            "isBase64Encoded",
            "multiValueHeaders",
            "statusCode",
        ],
        "apigw-v2" | "function-url" => &[
            "body",
            "cookies",
            "headers",
            "isBase64Encoded",
            "statusCode",
        ],
        "alb" => &[
            "body",
            "headers",
            "isBase64Encoded",
            "statusCode",
            "statusDescription",
        ],
        "alb-multivalue" => &[
            "body",
            "isBase64Encoded",
            "multiValueHeaders",
            "statusCode",
            "statusDescription",
        ],
        _ => &["body", "headers", "isBase64Encoded", "statusCode"],
    }
}

#[test]
fn every_fixture_is_detected_and_answered_in_its_format() {
    let app = echo_app("");
    let catalogue = catalogue();
    assert!(
        catalogue.len() >= 85,
        "the catalogue lists {} fixtures",
        catalogue.len()
    );
    let mut failures = Vec::new();
    for (file, kind) in &catalogue {
        let event = fixture(file);
        let raw: Value = serde_json::from_slice(&event).unwrap();
        let result = respond(&app, &event);
        let Some(source) = expected_source(kind) else {
            match result {
                Err(error) if error.to_string().contains("not an HTTP request") => {}
                other => failures.push(format!(
                    "{file} ({kind}): expected an event error, got {other:?}"
                )),
            }
            continue;
        };
        let (reply, seen) = match result {
            Ok(answer) => answer,
            Err(error) => {
                failures.push(format!("{file} ({kind}): {error}"));
                continue;
            }
        };
        let mut keys: Vec<&str> = reply
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        if keys != reply_keys(kind) {
            failures.push(format!("{file} ({kind}): reply keys {keys:?}"));
        }
        // A body flagged base64 that is not base64 is the client's mistake: 400, shaped the same.
        let flagged = raw["isBase64Encoded"]
            .as_bool()
            .or(raw["is_base64_encoded"].as_bool())
            == Some(true);
        let decodable = raw["body"].as_str().is_none_or(|body| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .is_ok()
        });
        if flagged && !decodable {
            let body: Value = serde_json::from_str(reply["body"].as_str().unwrap()).unwrap();
            let expected = json!({ "error_message": "the body is marked `isBase64Encoded` but is not valid base64" });
            if reply["statusCode"] != 400 || body != expected {
                failures.push(format!("{file} ({kind}): expected a 400, got {reply}"));
            }
            continue;
        }
        if reply["statusCode"] != 200 || seen["source"] != source {
            failures.push(format!(
                "{file} ({kind}): status {} source {}",
                reply["statusCode"], seen["source"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What `minik::run` does per invocation (the payload's bytes in, the reply's bytes out, as the
/// Lambda runtime posts them) gives what `App::respond` gives, on every fixture, HTTP or not.
#[test]
fn the_run_path_answers_every_fixture_as_respond_does() {
    let app = echo_app("");
    for (file, _) in catalogue() {
        let event = fixture(&file);
        let by_run = runtime().block_on(minik::answer_invocation(&app, event.clone().into()));
        let by_respond = runtime().block_on(app.respond(&event));
        assert_eq!(by_run, by_respond, "{file}");
    }
    for event in [&b"[1, 2]"[..], b"", b"not json", b"{\"httpMethod\": 5}"] {
        let by_run = runtime().block_on(minik::answer_invocation(&app, event.to_vec().into()));
        assert_eq!(by_run, runtime().block_on(app.respond(event)));
        assert!(by_run.is_err(), "{}", String::from_utf8_lossy(event));
    }
}

#[test]
fn non_http_payloads_are_clean_invocation_errors() {
    let app = echo_app("");
    let cases: &[(&[u8], &str)] = &[
        (b"[1, 2]", "the event is a JSON array, not an HTTP request"),
        (
            b"\"hello\"",
            "the event is a JSON string, not an HTTP request",
        ),
        (b"null", "the event is JSON null, not an HTTP request"),
        (b"", "the event is an empty payload, not an HTTP request"),
        (
            b"\x00\xff garbage",
            "the event is not JSON, not an HTTP request",
        ),
        // Text that starts as a JSON literal would is still not JSON.
        (b"not json", "the event is not JSON, not an HTTP request"),
        (b"truthy", "the event is not JSON, not an HTTP request"),
        (
            b" true ",
            "the event is a JSON boolean, not an HTTP request",
        ),
        (
            b"{\"Records\": []}",
            "the event is a JSON object of no known HTTP shape, not an HTTP request",
        ),
        (
            b"{\"httpMethod\": \"GET\"",
            "the event is not a valid HTTP event: EOF while parsing an object at line 1 column 20",
        ),
        (
            b"{\"httpMethod\": 5, \"path\": \"/\"}",
            "the event is not a valid HTTP event: invalid type: integer `5`, expected a string at line 1 column 16",
        ),
    ];
    for (event, expected) in cases {
        let error = runtime().block_on(app.respond(event)).unwrap_err();
        assert!(
            error.to_string().starts_with(expected),
            "{:?}: {error}",
            String::from_utf8_lossy(event)
        );
    }
    let error = runtime()
        .block_on(app.respond(&fixture("example-apigw-custom-auth-request.json")))
        .unwrap_err();
    assert!(error.to_string().contains("authorizer"), "{error}");
    let error = runtime()
        .block_on(app.respond(&fixture("example-apigw-websocket-request.json")))
        .unwrap_err();
    assert!(error.to_string().contains("WebSocket"), "{error}");
}

#[test]
fn rest_requests_keep_every_header_and_query_value() {
    // `headers` says `headerValue2`; `multiValueHeaders` has both values: the multi map wins.
    let (_, seen) = respond(
        &echo_app(""),
        &fixture("example-apigw-request-multi-value-parameters.json"),
    )
    .unwrap();
    assert_eq!(seen["source"], "rest");
    assert_eq!(seen["query"], json!([["name", "me"], ["name", "me2"]]));
    let app = App::from_toml("r.toml", "[[route]]\npath = \"/{p+}\"\nhandler = \"h\"")
        .handler("h", |request: Request| {
            let values: Vec<_> = request
                .headers()
                .get_all("headername")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect();
            Json(json!(values))
        })
        .build()
        .unwrap();
    let (reply, _) = respond(
        &app,
        &fixture("example-apigw-request-multi-value-parameters.json"),
    )
    .unwrap();
    assert_eq!(reply["body"], "[\"headerValue\",\"headerValue2\"]");
}

#[test]
fn http_api_requests_read_raw_query_cookies_and_stage() {
    let app = echo_app("");
    let (_, seen) = respond(&app, &fixture("example-apigw-v2-request-iam.json")).unwrap();
    assert_eq!(
        seen["query"],
        json!([
            ["parameter1", "value1"],
            ["parameter1", "value2"],
            ["parameter2", "value"]
        ])
    );
    // HTTP APIs move cookies out of the headers; minik gives them back as one `Cookie` header.
    assert_eq!(seen["cookie_header"], "cookie1; cookie2");
    // The stage in `rawPath` is not part of the route.
    let (_, seen) = respond(
        &app,
        &fixture("apigw_v2_proxy_request_with_stage_in_path.json"),
    )
    .unwrap();
    assert_eq!(
        (seen["path"].as_str(), seen["stage"].as_str()),
        (Some("/my/path"), Some("Prod"))
    );
    // HTTP APIs deliver `rawPath` decoded: a space arrives as a space.
    let (reply, seen) = respond(&app, &fixture("apigw_request_path_with_space.json")).unwrap();
    assert_eq!(
        (reply["statusCode"].as_u64(), seen["path"].as_str()),
        (Some(200), Some("/my/path-with space"))
    );
    // Function URLs: `cookies[]` and a `cookie` header both present; the header is kept.
    let (_, seen) = respond(&app, &fixture("lambda_function_url_request.json")).unwrap();
    assert_eq!(
        (seen["source"].as_str(), seen["cookies"].clone()),
        (Some("url"), json!([["test", "hi"]]))
    );
    assert_eq!(seen["source_ip"], "65.78.31.245");
}

#[test]
fn alb_queries_are_decoded_once() {
    let app = echo_app("");
    let (_, seen) = respond(&app, &fixture("alb_request_encoded_query_parameters.json")).unwrap();
    assert_eq!(seen["query"], json!([["myKey", "?showAll=true"]]));
    let (reply, seen) = respond(
        &app,
        &fixture("alb_multi_value_request_encoded_query_parameters.json"),
    )
    .unwrap();
    assert!(
        seen["query"]
            .as_array()
            .unwrap()
            .contains(&json!(["myKey", "?showAll=true"])),
        "{seen}"
    );
    assert!(reply.get("multiValueHeaders").is_some() && reply.get("headers").is_none());
}

#[test]
fn lattice_bodies_and_queries() {
    let app = echo_app("");
    let (_, seen) = respond(&app, &fixture("example-vpc-lattice-v2-request.json")).unwrap();
    assert_eq!(
        seen["query"],
        json!([
            ["state", "prod"],
            ["multi", "a"],
            ["multi", "DEF"],
            ["multi", "g"]
        ])
    );
    assert_eq!(seen["source_ip"], "10.0.2.100");
    let (_, seen) = respond(&app, &fixture("vpcLatticeEvent.json")).unwrap();
    assert_eq!(seen["source"], "lattice-v1");
    assert!(
        seen["body"].as_str().unwrap().starts_with('{'),
        "base64 body decoded: {seen}"
    );
}

#[test]
fn the_raw_event_authorizer_and_context_stay_reachable() {
    let app = App::from_toml("r.toml", "[[route]]\npath = \"/{p+}\"\nhandler = \"h\"")
        .handler("h", |request: Request| {
            Json(json!({
                "resource": request.event()["resource"],
                "claims": request.claims(),
                "principal": request.authorizer().and_then(|a| a.get("principalId")),
                "lambda_request_id": request.context().request_id,
                "request_id": request.request_id(),
            }))
        })
        .build()
        .unwrap();
    let mut context = lambda_runtime::Context::default();
    context.request_id = "lambda-id".into();
    let event = fixture("example-apigw-v2-request-jwt-authorizer.json");
    let reply = runtime()
        .block_on(app.respond_with_context(&event, Some(context.into())))
        .unwrap();
    let reply: Value = serde_json::from_slice(&reply).unwrap();
    let seen: Value = serde_json::from_str(reply["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        seen["resource"],
        Value::Null,
        "HTTP API events have no `resource`"
    );
    assert_eq!(
        seen["claims"],
        json!({ "claim1": "value1", "claim2": "value2" })
    );
    assert_eq!(seen["lambda_request_id"], "lambda-id");
    assert_eq!(
        seen["request_id"], "id",
        "the source's request id comes first"
    );
    let (_, seen) = respond(&app, &fixture("example-apigw-request.json")).unwrap();
    assert_eq!(
        (seen["principal"].as_str(), seen["resource"].as_str()),
        (Some("admin"), Some("/{proxy+}"))
    );
    // Without a Lambda context (local mode, tests), the context is empty rather than missing.
    assert_eq!(seen["lambda_request_id"], "");
}

#[test]
fn a_base_path_is_removed_before_routing() {
    let app = App::from_toml(
        "r.toml",
        "[app]\nbase_path = \"/hello\"\n\n[[route]]\npath = \"/{who}\"\nhandler = \"h\"",
    )
    .handler("h", |minik::Path(who): minik::Path<String>| who)
    .build()
    .unwrap();
    // The canonical REST event's path is `/hello/world`.
    let (reply, _) = respond(&app, &fixture("example-apigw-request.json")).unwrap();
    assert_eq!(
        (reply["statusCode"].as_u64(), reply["body"].as_str()),
        (Some(200), Some("world"))
    );
}
