//! Responses as users write them (tuples of status, headers and body; cookies), answers that
//! HTTP says have no body, and one shape for every error answer: minik's, RFC 9457's, or the
//! app's own. Each through the real event path, on every source it touches.

use minik::cookie::{Cookie, SameSite};
use minik::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use minik::{
    App, FieldError, HttpError, IntoResponse, Json, Request, Response, Source, StatusCode,
    TestRequest,
};
use serde_json::{Value, json};

/// Every source, with ALB in both of its modes.
const SOURCES: [(Source, bool); 7] = [
    (Source::RestApi, false),
    (Source::HttpApi, false),
    (Source::FunctionUrl, false),
    (Source::Alb, false),
    (Source::Alb, true),
    (Source::LatticeV1, false),
    (Source::LatticeV2, false),
];

/// `request` as `source` sends it.
fn from(request: TestRequest<'_>, (source, multi): (Source, bool)) -> TestRequest<'_> {
    request.source(source).multi_value(multi)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

const ROUTES: &str = r#"
[[route]]
path = "/todos"
methods = ["POST"]
handler = "create"

[[route]]
path = "/todos/{id}"
methods = ["GET", "DELETE"]
handler = "todo"
params = { id = "int" }

[[route]]
path = "/login"
handler = "login"

[[route]]
path = "/cached"
handler = "cached"

[[route]]
path = "/bad-header"
handler = "bad_header"

[[route]]
path = "/header-map"
handler = "header_map"

[[route]]
path = "/early"
handler = "early"
"#;

fn create(Json(todo): Json<Value>) -> (StatusCode, [(HeaderName, &'static str); 1], Json<Value>) {
    let location = [(header::LOCATION, "/todos/7")];
    (
        StatusCode::CREATED,
        location,
        Json(json!({ "id": 7, "title": todo["title"] })),
    )
}

fn todo(request: Request) -> Response {
    if request.method() == "DELETE" {
        // A 204: no body and no Content-Type, whatever the defaults.
        return StatusCode::NO_CONTENT.into_response();
    }
    (
        [("x-todo", "7"), ("x-todo", "seven")],
        Json(json!({ "id": 7 })),
    )
        .into_response()
}

fn login() -> Response {
    Response::default()
        .with_cookie(
            Cookie::build(("session", "abc"))
                .http_only(true)
                .same_site(SameSite::Lax),
        )
        .with_cookie(("theme", "dark"))
}

fn cached() -> (StatusCode, HeaderMap, &'static str) {
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, HeaderValue::from_static("\"v1\""));
    (StatusCode::NOT_MODIFIED, headers, "ignored")
}

fn bad_header() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-bad", "a\r\nSet-Cookie: stolen=1")], "body")
}

fn early() -> (StatusCode, Json<Value>) {
    // 103 Early Hints: an informational answer, which has no body.
    let early_hints = StatusCode::from_u16(103).unwrap();
    (early_hints, Json(json!({ "ignored": true })))
}

fn header_map() -> (HeaderMap, &'static str) {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"));
    (headers, "a,b\n1,2\n")
}

fn app(debug: bool) -> App {
    App::from_toml(
        "responses.toml",
        &format!("[app]\ndebug = {debug}\n{ROUTES}"),
    )
    .handler("create", create)
    .handler("todo", todo)
    .handler("login", login)
    .handler("cached", cached)
    .handler("bad_header", bad_header)
    .handler("header_map", header_map)
    .handler("early", early)
    .build()
    .unwrap()
}

#[test]
fn tuples_set_the_status_and_headers_on_every_source() {
    let app = app(false);
    runtime().block_on(async {
        for (source, multi) in SOURCES {
            let on = |request| from(request, (source, multi));
            let created = app.test().post("/todos").json(&json!({ "title": "milk" }));
            let created = on(created).send().await.unwrap();
            assert_eq!(created.status(), 201, "{source}");
            assert_eq!(created.header("location"), Some("/todos/7"), "{source}");
            assert_eq!(
                created.json::<Value>().unwrap(),
                json!({ "id": 7, "title": "milk" })
            );

            let got = on(app.test().get("/todos/7")).send().await.unwrap();
            let values: Vec<&str> = got
                .headers()
                .get_all("x-todo")
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect();
            // Single-value replies join repeated headers; the others keep each value.
            match (source, multi) {
                (Source::RestApi, _) | (Source::Alb, true) => assert_eq!(values, ["7", "seven"]),
                _ => assert_eq!(values, ["7, seven"], "{source}"),
            }

            let csv = on(app.test().get("/header-map")).send().await.unwrap();
            assert_eq!(csv.header("content-type"), Some("text/csv"), "{source}");
            assert_eq!(csv.text(), "a,b\n1,2\n");
        }
    });
}

#[test]
fn a_header_that_is_not_valid_http_is_a_500_never_a_panic() {
    runtime().block_on(async {
        let reply = app(false).test().get("/bad-header").send().await.unwrap();
        assert_eq!(reply.status(), 500);
        assert_eq!(
            reply.json::<Value>().unwrap(),
            json!({ "error_message": "Internal server error." })
        );
        assert!(reply.header("x-bad").is_none() && reply.header("set-cookie").is_none());
        let reply = app(true).test().get("/bad-header").send().await.unwrap();
        let details = &reply.json::<Value>().unwrap()["details"]["error"][0];
        assert_eq!(details, "the value of header `x-bad` is not valid HTTP");
    });
}

#[test]
fn answers_without_a_body_carry_no_content_type() {
    let app = App::from_toml(
        "r.toml",
        &format!("[app.headers]\n\"X-Service\" = \"todos\"\n{ROUTES}"),
    )
    .handler("create", create)
    .handler("todo", todo)
    .handler("login", login)
    .handler("cached", cached)
    .handler("bad_header", bad_header)
    .handler("header_map", header_map)
    .handler("early", early)
    .build()
    .unwrap();
    runtime().block_on(async {
        for (source, multi) in SOURCES {
            let deleted = app
                .test()
                .delete("/todos/7")
                .source(source)
                .multi_value(multi);
            let deleted = deleted.send().await.unwrap();
            assert_eq!(deleted.status(), 204);
            assert!(deleted.body().is_empty());
            assert_eq!(deleted.header("content-type"), None, "{source}");
            assert_eq!(deleted.header("x-service"), Some("todos"), "{source}");
            let cached = app.test().get("/cached").source(source).multi_value(multi);
            let cached = cached.send().await.unwrap();
            assert_eq!((cached.status().as_u16(), cached.body()), (304, &b""[..]));
            assert_eq!(cached.header("content-type"), None, "{source}");
            assert_eq!(cached.header("etag"), Some("\"v1\""));
            let early = app.test().get("/early").source(source).multi_value(multi);
            let early = early.send().await.unwrap();
            assert_eq!((early.status().as_u16(), early.body()), (103, &b""[..]));
            assert_eq!(early.header("content-type"), None, "{source}");
        }
    });
}

#[test]
fn cookies_reach_the_client_on_every_source_or_the_log_says_which_did_not() {
    let app = app(false);
    let logs = crate::observability::Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let replies = crate::observability::with_subscriber(subscriber, || {
        runtime().block_on(async {
            let mut replies = Vec::new();
            for (source, multi) in SOURCES {
                let reply = app.test().get("/login").source(source).multi_value(multi);
                replies.push((source, multi, reply.send().await.unwrap()));
            }
            replies
        })
    });
    let session = "session=abc; HttpOnly; SameSite=Lax";
    for (source, multi, reply) in &replies {
        let cookies: Vec<&str> = reply
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        let payload = reply.reply();
        match (source, multi) {
            // A reply with one `Set-Cookie` header: the last cookie.
            (Source::Alb, false) | (Source::LatticeV1 | Source::LatticeV2, _) => {
                assert_eq!(cookies, ["theme=dark"], "{source}");
            }
            _ => assert_eq!(cookies, [session, "theme=dark"], "{source} {multi}"),
        }
        // Where each source carries them.
        match (source, multi) {
            (Source::HttpApi | Source::FunctionUrl, _) => {
                assert_eq!(payload["cookies"], json!([session, "theme=dark"]));
                assert!(payload["headers"].get("set-cookie").is_none());
            }
            (Source::RestApi, _) | (Source::Alb, true) => {
                assert_eq!(
                    payload["multiValueHeaders"]["set-cookie"],
                    json!([session, "theme=dark"])
                );
            }
            _ => assert_eq!(payload["headers"]["set-cookie"], "theme=dark"),
        }
    }
    let logs = logs.text();
    let warnings: Vec<&str> = logs.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(
        warnings.len(),
        3,
        "ALB single-value and both Lattice: {logs}"
    );
    for warning in warnings {
        assert!(
            warning.contains("dropped=\"session\" kept=\"theme\""),
            "{warning}"
        );
    }
}

/// An app whose every kind of error can be asked for, with `[app]` lines of the test's.
fn errors_app(app_lines: &str) -> minik::AppBuilder {
    let routes = format!(
        r#"[app]
{app_lines}
middleware = ["guard"]

[[route]]
path = "/items/{{id}}"
methods = ["GET"]
handler = "item"
params = {{ id = "int" }}

[[route]]
path = "/items"
methods = ["POST"]
handler = "create"
max_body = "1KB"

[[route]]
path = "/invalid"
handler = "invalid"

[[route]]
path = "/panic"
handler = "panic"

[[route]]
path = "/fail"
handler = "fail"
"#
    );
    App::from_toml("errors.toml", &routes)
        .handler("item", |minik::Path(id): minik::Path<i64>| id.to_string())
        .handler("create", |Json(item): Json<Value>| Json(item))
        .handler("invalid", || -> Result<String, HttpError> {
            Err(
                HttpError::unprocessable("2 query parameters are invalid").with_errors([
                    FieldError::query("limit", "expected an integer"),
                    FieldError::query("done", "expected `true` or `false`"),
                ]),
            )
        })
        .handler("panic", || -> &'static str { panic!("boom") })
        .handler("fail", || -> minik::Result<String> {
            Err(std::io::Error::other("db down"))?
        })
        .before("guard", |request: Request| -> Result<Request, HttpError> {
            match request.header("x-deny") {
                Some(_) => Err(HttpError::forbidden("denied by guard")),
                None => Ok(request),
            }
        })
}

/// A request for each kind of error answer, and its status.
fn error_requests(app: &App) -> Vec<(u16, TestRequest<'_>)> {
    let test = app.test();
    vec![
        (400, test.post("/items").json(&json!(1)).body("{not json")),
        (403, test.get("/items/1").header("x-deny", "1")),
        (404, test.get("/nowhere")),
        (404, test.get("/items/not-an-int")),
        (405, test.delete("/items/1")),
        (413, test.post("/items").json(&json!("x".repeat(2_000)))),
        (
            415,
            test.post("/items")
                .body("a=1")
                .header("content-type", "application/x-www-form-urlencoded"),
        ),
        (422, test.get("/invalid")),
        (500, test.get("/panic")),
        (500, test.get("/fail")),
    ]
}

#[test]
fn every_error_answer_has_minik_s_shape_by_default() {
    let app = errors_app("").build().unwrap();
    runtime().block_on(async {
        for (source, multi) in SOURCES {
            for (status, request) in error_requests(&app) {
                let reply = request
                    .source(source)
                    .multi_value(multi)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(reply.status(), status, "{source}");
                assert_eq!(reply.header("content-type"), Some("application/json"));
                let body: Value = reply.json().unwrap();
                let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
                let expected: &[&str] = if status == 422 {
                    &["error_message", "errors"]
                } else {
                    &["error_message"]
                };
                assert_eq!(keys, expected, "{status} {body}");
                if status == 422 {
                    assert_eq!(
                        body["errors"][0],
                        json!({ "in": "query", "name": "limit", "message": "expected an integer" })
                    );
                }
                if status == 405 {
                    assert_eq!(reply.header("allow"), Some("GET, HEAD"));
                }
            }
        }
    });
}

#[test]
fn problem_details_follow_rfc_9457() {
    // RFC 9457, section 3.1: the members, with their types; others are extensions.
    let members = ["type", "status", "title", "detail", "instance"];
    for debug in [false, true] {
        let app = errors_app(&format!("errors = \"problem\"\ndebug = {debug}"))
            .build()
            .unwrap();
        runtime().block_on(async {
            for (status, request) in error_requests(&app) {
                let reply = request.send().await.unwrap();
                assert_eq!(reply.status(), status);
                assert_eq!(
                    reply.header("content-type"),
                    Some("application/problem+json")
                );
                let body: Value = reply.json().unwrap();
                assert_eq!(body["type"], "about:blank", "{body}");
                assert_eq!(
                    body["status"], status,
                    "the member equals the status: {body}"
                );
                let title = StatusCode::from_u16(status)
                    .unwrap()
                    .canonical_reason()
                    .unwrap();
                assert_eq!(body["title"], title);
                assert!(body["detail"].is_string());
                for (name, value) in body.as_object().unwrap() {
                    match name.as_str() {
                        "errors" => assert!(value.is_array() && status == 422, "{body}"),
                        "details" => assert!(debug && status == 500, "{body}"),
                        name => assert!(members.contains(&name), "{name} in {body}"),
                    }
                }
                if status == 500 {
                    assert_eq!(body["detail"], "Internal server error.");
                    assert_eq!(body.get("details").is_some(), debug, "{body}");
                }
            }
        });
    }
}

#[test]
fn an_error_handler_writes_every_error_even_for_requests_no_route_takes() {
    for debug in [false, true] {
        let app = errors_app(&format!("debug = {debug}"))
            .error_handler(|error: &HttpError, details: Option<&Value>| {
                let fields: Vec<&str> = error.errors().iter().map(FieldError::name).collect();
                let body = json!({
                    "code": error.status().as_u16(),
                    "why": error.message(),
                    "fields": fields,
                    "debug": details.is_some(),
                });
                (error.status(), [("x-error", "1")], Json(body))
            })
            .build()
            .unwrap();
        runtime().block_on(async {
            for (status, request) in error_requests(&app) {
                let reply = request.source(Source::RestApi).send().await.unwrap();
                assert_eq!(reply.status(), status);
                assert_eq!(reply.header("x-error"), Some("1"));
                let body: Value = reply.json().unwrap();
                assert_eq!(body["code"], status);
                assert_eq!(body["debug"], debug && status == 500, "{body}");
                if status == 405 {
                    assert_eq!(reply.header("allow"), Some("GET, HEAD"), "kept");
                }
                if status == 422 {
                    assert_eq!(body["fields"], json!(["limit", "done"]));
                }
            }
        });
    }
}

#[test]
fn events_refused_before_any_route_is_looked_up_are_shaped_like_every_other_error() {
    // A header value with a line break: a 400 from reading the event, before routing.
    let event = json!({
        "version": "2.0", "rawPath": "/items/1", "rawQueryString": "",
        "headers": { "x-bad": "a\nb" },
        "requestContext": { "http": { "method": "GET" } },
    });
    let event = serde_json::to_vec(&event).unwrap();
    let problem = errors_app("errors = \"problem\"").build().unwrap();
    let handled = errors_app("")
        .error_handler(|error: &HttpError, _: Option<&Value>| {
            let code = error.status().as_u16();
            (
                error.status(),
                [("x-error", "1")],
                Json(json!({ "code": code })),
            )
        })
        .build()
        .unwrap();
    let body = |reply: &[u8]| -> (Value, Value) {
        let reply: Value = serde_json::from_slice(reply).unwrap();
        let body = serde_json::from_str(reply["body"].as_str().unwrap()).unwrap();
        (reply, body)
    };
    runtime().block_on(async {
        let (reply, problem) = body(&problem.respond(&event).await.unwrap());
        assert_eq!(reply["statusCode"], 400);
        assert_eq!(reply["headers"]["content-type"], "application/problem+json");
        assert_eq!(problem["status"], 400, "{problem}");
        assert_eq!(problem["title"], "Bad Request", "{problem}");
        let (reply, handled) = body(&handled.respond(&event).await.unwrap());
        assert_eq!(reply["statusCode"], 400);
        assert_eq!(
            reply["headers"]["x-error"], "1",
            "the error handler's answer: {reply}"
        );
        assert_eq!(handled, json!({ "code": 400 }));
    });
}

#[test]
fn after_hooks_run_on_routed_requests_only() {
    let routes = "[app]\nmiddleware = [\"stamp\"]\n[[route]]\npath = \"/a\"\nmethods = [\"GET\"]\nhandler = \"a\"\n";
    let app = App::from_toml("r.toml", routes)
        .handler("a", || -> Result<&'static str, HttpError> {
            Err(HttpError::conflict("taken"))
        })
        .after("stamp", |response: Response| {
            response.with_header(
                HeaderName::from_static("x-stamp"),
                HeaderValue::from_static("1"),
            )
        })
        .build()
        .unwrap();
    runtime().block_on(async {
        let routed = app.test().get("/a").send().await.unwrap();
        assert_eq!(
            (routed.status().as_u16(), routed.header("x-stamp")),
            (409, Some("1"))
        );
        let unrouted = app.test().get("/b").send().await.unwrap();
        assert_eq!(
            (unrouted.status().as_u16(), unrouted.header("x-stamp")),
            (404, None)
        );
        let wrong_method = app.test().post("/a").send().await.unwrap();
        assert_eq!(
            (
                wrong_method.status().as_u16(),
                wrong_method.header("x-stamp")
            ),
            (405, None)
        );
    });
}

#[test]
fn json_bodies_are_refused_when_their_content_type_says_otherwise() {
    let app = App::from_toml("r.toml", "[[route]]\npath = \"/j\"\nhandler = \"j\"")
        .handler("j", |Json(value): Json<Value>| Json(value))
        .build()
        .unwrap();
    runtime().block_on(async {
        for (content_type, status) in [
            (Some("application/json"), 200),
            (Some("Application/JSON; charset=utf-8"), 200),
            (Some("application/merge-patch+json"), 200),
            (None, 200),
            (Some("application/x-www-form-urlencoded"), 415),
            (Some("text/plain"), 415),
        ] {
            let mut request = app.test().post("/j").body(r#"{"a":1}"#);
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let reply = request.send().await.unwrap();
            assert_eq!(reply.status(), status, "{content_type:?}");
        }
    });
}
