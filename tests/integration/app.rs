//! Building an app: handler names and `Path<T>` types checked against the routes file; and
//! calling it: minik's defaults, errors, debug mode and panics.

use std::collections::HashMap;

use minik::{App, DiagnosticKind, HttpError, Json, Method, Path, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

const ROUTES: &str = r#"
[app.headers]
"X-Service" = "articles"

[[route]]
path = "/hello/{name}"
handler = "hello"

[[route]]
path = "/articles/{author}/{year}"
methods = ["GET"]
handler = "get_articles"
params = { year = "int" }

[[route]]
path = "/items/{id}"
handler = "get_item"
params = { id = "uuid" }
"#;

#[derive(Deserialize)]
struct Article {
    author: String,
    year: i64,
}

fn hello(Path(name): Path<String>) -> Result<Json<Value>, HttpError> {
    if name == "FINDME" {
        return Err(HttpError::bad_request("This is not a supported name."));
    }
    Ok(Json(json!({ "hello": name })))
}

async fn get_articles(Path(article): Path<Article>) -> Json<Value> {
    Json(json!({ "author_name": article.author, "year": article.year }))
}

fn get_item(Path(id): Path<uuid::Uuid>) -> String {
    id.to_string()
}

fn kinds(result: Result<App, minik::Diagnostics>) -> Vec<DiagnosticKind> {
    result.unwrap_err().iter().map(|d| d.kind()).collect()
}

#[test]
fn matching_handlers_build() {
    App::from_toml("routes.toml", ROUTES)
        .handler("hello", hello)
        .handler("get_articles", get_articles)
        .handler("get_item", get_item)
        .build()
        .unwrap();
}

#[test]
fn unknown_unused_and_twice_registered_handlers_are_reported_together() {
    let line = line!();
    let diagnostics = App::from_toml("routes.toml", ROUTES)
        .handler("helo", hello)
        .handler("get_articles", get_articles)
        .handler("get_articles", get_articles)
        .handler("get_item", get_item)
        .build()
        .unwrap_err();
    let rendered = diagnostics.to_string();
    let expected_file_part = "\
routes.toml:7:11: error: no handler named `hello` is registered, did you mean `helo`?
  |
7 | handler = \"hello\"
  |           ^^^^^^^
";
    assert!(rendered.starts_with(expected_file_part), "{rendered}");
    // Mistakes in Rust code point at the `.handler(..)` call that made them.
    let at = |offset: u32| format!("tests/integration/app.rs:{}:10: ", line + offset);
    let expected_code_part = format!(
        "{}error: handler `helo` is registered but no route in routes.toml uses it\n\n\
         {}error: handler `get_articles` is registered twice\n\
         {}note: first registered here\n\n\
         error: 3 problems found",
        at(2),
        at(4),
        at(3)
    );
    assert!(rendered.ends_with(&expected_code_part), "{rendered}");
    let kinds: Vec<_> = diagnostics.iter().map(|d| d.kind()).collect();
    use DiagnosticKind::*;
    assert_eq!(kinds, [UnknownHandler, UnusedHandler, DuplicateHandler]);
}

#[test]
fn a_path_type_that_disagrees_with_the_file_is_reported() {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct WrongType {
        author: String,
        year: String,
    }
    let diagnostics = App::from_toml("routes.toml", ROUTES)
        .handler("hello", hello)
        .handler("get_articles", |Path(_): Path<WrongType>| "")
        .handler("get_item", get_item)
        .build()
        .unwrap_err();
    let rendered = diagnostics.to_string();
    let expected = "\
routes.toml:12:11: error: handler `get_articles` does not fit route `/articles/{author}/{year}`: its `Path` takes `year` as `str` but the routes file declares `int`
   |
12 | handler = \"get_articles\"
   |           ^^^^^^^^^^^^^^
tests/integration/app.rs:";
    assert!(rendered.starts_with(expected), "{rendered}");
    assert!(
        rendered.contains(": note: handler registered here\n"),
        "{rendered}"
    );
}

#[test]
fn missing_extra_and_miscounted_parameters_are_reported() {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Extra {
        author: String,
        year: i64,
        page: u32,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Missing {
        year: i64,
    }
    let messages = |result: Result<App, minik::Diagnostics>| -> Vec<String> {
        result
            .unwrap_err()
            .iter()
            .map(|d| d.message().to_owned())
            .collect()
    };
    let build = |app: minik::AppBuilder| {
        app.handler("hello", hello)
            .handler("get_item", get_item)
            .build()
    };
    let base = || App::from_toml("routes.toml", ROUTES);

    let found = messages(build(base().handler("get_articles", |_: Path<Extra>| "")));
    assert_eq!(
        found,
        [
            "handler `get_articles` does not fit route `/articles/{author}/{year}`: its `Path` takes `page`, which the route does not have"
        ]
    );
    let found = messages(build(base().handler("get_articles", |_: Path<Missing>| "")));
    assert_eq!(
        found,
        [
            "handler `get_articles` does not fit route `/articles/{author}/{year}`: the route has `author`, which its `Path` does not take"
        ]
    );
    let found = messages(build(
        base().handler("get_articles", |_: Path<(String, i64, bool)>| ""),
    ));
    assert_eq!(
        found,
        [
            "handler `get_articles` does not fit route `/articles/{author}/{year}`: its `Path` takes 3 parameters but the route has 2"
        ]
    );
    let found = messages(build(
        base().handler("get_articles", |_: Path<(String, f64)>| ""),
    ));
    assert_eq!(
        found,
        [
            "handler `get_articles` does not fit route `/articles/{author}/{year}`: its `Path` takes `year` as `float` but the routes file declares `int`"
        ]
    );
    let found = messages(build(base().handler("get_articles", |_: Path<i64>| "")));
    assert_eq!(
        found,
        [
            "handler `get_articles` does not fit route `/articles/{author}/{year}`: its `Path` takes 1 parameter but the route has 2"
        ]
    );
    // A handler whose parameters minik cannot describe is not checked; one taking the whole
    // request states nothing.
    assert!(build(base().handler("get_articles", |_: Path<HashMap<String, String>>| "")).is_ok());
    assert!(build(base().handler("get_articles", |_: Request| "")).is_ok());
    // Other integer widths are `int`.
    assert!(build(base().handler("get_articles", |_: Path<(String, u16)>| "")).is_ok());
}

#[test]
fn routes_file_and_handler_mistakes_come_in_one_report() {
    let routes = "[[route]]\npath = \"/a/{x\"\nhandler = \"a\"\n\n[[route]]\npath = \"/b\"\nhandler = \"b\"\n";
    let found = kinds(
        App::from_toml("routes.toml", routes)
            .handler("c", || "")
            .build(),
    );
    use DiagnosticKind::*;
    assert_eq!(
        found,
        [
            InvalidTemplate,
            UnknownHandler,
            UnknownHandler,
            UnusedHandler
        ]
    );
}

fn app(debug: bool) -> App {
    let routes = format!(
        "[app]\ndebug = {debug}\n{ROUTES}\n{}",
        r#"
[[route]]
path = "/fail"
handler = "fail"

[[route]]
path = "/panic"
handler = "panic"

[[route]]
path = "/panic-async"
handler = "panic_async"

[[route]]
path = "/small/{n}"
handler = "small"
params = { n = "int" }

[[route]]
path = "/echo"
methods = ["POST"]
handler = "echo"

[[route]]
path = "/teapot"
handler = "teapot"
"#
    );
    App::from_toml("routes.toml", &routes)
        .handler("hello", hello)
        .handler("get_articles", get_articles)
        .handler("get_item", get_item)
        .handler("fail", || -> minik::Result<String> {
            let parsed: i32 = "secret-token-123".parse()?;
            Ok(parsed.to_string())
        })
        .handler("panic", || -> &'static str {
            panic!("handler bug: secret-token-123")
        })
        .handler("panic_async", || async {
            if true {
                panic!("async bug");
            }
            ""
        })
        .handler("small", |Path(n): Path<u8>| n.to_string())
        .handler("echo", |Json(body): Json<Value>| {
            Json(json!({ "got": body }))
        })
        .handler("teapot", || {
            let mut response =
                Response::json(&json!({ "short": true })).with_status(StatusCode::IM_A_TEAPOT);
            response
                .headers_mut()
                .insert("x-service", "teapot".parse().unwrap());
            response
        })
        .build()
        .unwrap()
}

async fn call(app: &App, method: Method, path: &str, body: &str) -> (u16, Value, Response) {
    let response = app.call(Request::new(method, path).with_body(body)).await;
    let bytes = response.body().as_bytes();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes).unwrap_or(Value::Null)
    };
    (response.status().as_u16(), json, response)
}

#[tokio::test]
async fn responses_default_to_200_json_with_the_app_headers() {
    let app = app(false);
    let (status, body, response) = call(&app, Method::GET, "/articles/ada/1843", "").await;
    assert_eq!(
        (status, body),
        (200, json!({ "author_name": "ada", "year": 1843 }))
    );
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["x-service"], "articles");
    // A header the handler sets is not overridden by `[app.headers]`.
    let (status, _, response) = call(&app, Method::GET, "/teapot", "").await;
    assert_eq!(status, 418);
    assert_eq!(response.headers()["x-service"], "teapot");
}

#[tokio::test]
async fn router_outcomes_are_json_errors() {
    let app = app(false);
    let (status, body, response) = call(&app, Method::GET, "/nowhere", "").await;
    assert_eq!(
        (status, body),
        (404, json!({ "error_message": "Not Found" }))
    );
    assert_eq!(response.headers()["x-service"], "articles");
    let (status, _, _) = call(&app, Method::GET, "/articles/ada/recent", "").await;
    assert_eq!(status, 404);
    let (status, body, response) = call(&app, Method::POST, "/articles/ada/1843", "").await;
    assert_eq!(
        (status, body),
        (405, json!({ "error_message": "Method Not Allowed" }))
    );
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    // A value the router accepts but the handler's narrower type does not is a 404 too.
    assert_eq!(call(&app, Method::GET, "/small/7", "").await.0, 200);
    assert_eq!(call(&app, Method::GET, "/small/300", "").await.0, 404);
}

#[tokio::test]
async fn head_answers_without_a_body() {
    let app = app(false);
    let (status, _, response) = call(&app, Method::HEAD, "/articles/ada/1843", "").await;
    assert_eq!(status, 200);
    assert!(response.body().as_bytes().is_empty());
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn bad_requests_carry_their_message() {
    let app = app(false);
    let (status, body, _) = call(&app, Method::GET, "/hello/FINDME", "").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "error_message": "This is not a supported name." })
        )
    );
    let (status, body, _) = call(&app, Method::POST, "/echo", "{\"a\": [1, 2]}").await;
    assert_eq!((status, body), (200, json!({ "got": { "a": [1, 2] } })));
    let (status, body, _) = call(&app, Method::POST, "/echo", "{\"a\": ").await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error_message"],
        "invalid JSON body: EOF while parsing a value at line 1 column 6"
    );
}

#[tokio::test]
async fn failures_are_generic_500s_without_debug() {
    let app = app(false);
    for path in ["/fail", "/panic", "/panic-async"] {
        let (status, body, response) = call(&app, Method::GET, path, "").await;
        assert_eq!(
            (status, &body),
            (500, &json!({ "error_message": "Internal server error." })),
            "{path}"
        );
        let raw = String::from_utf8_lossy(response.body().as_bytes()).into_owned();
        assert!(
            !raw.contains("secret-token") && !raw.contains("bug"),
            "{path} leaked: {raw}"
        );
        // The app keeps serving after a failure.
        let (status, body, _) = call(&app, Method::GET, "/hello/ada", "").await;
        assert_eq!((status, body), (200, json!({ "hello": "ada" })));
    }
}

#[tokio::test]
async fn debug_mode_relays_the_details() {
    let app = app(true);
    let (status, body, _) = call(&app, Method::GET, "/fail", "").await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({ "error_message": "Internal server error.", "details": { "error": ["invalid digit found in string"] } })
    );
    let (status, body, _) = call(&app, Method::GET, "/panic", "").await;
    assert_eq!(status, 500);
    assert_eq!(body["details"]["panic"], "handler bug: secret-token-123");
    let location = body["details"]["location"].as_str().unwrap();
    assert!(
        location.starts_with("tests/integration/app.rs:"),
        "{location}"
    );
    let (_, body, _) = call(&app, Method::GET, "/panic-async", "").await;
    assert_eq!(body["details"]["panic"], "async bug");
}

/// A client created once at cold start and shared by every request.
#[derive(Clone)]
struct Counter(std::sync::Arc<std::sync::atomic::AtomicU64>);

#[derive(Clone)]
struct Greeting(&'static str);

fn counting_app() -> minik::AppBuilder {
    let routes = "[[route]]\npath = \"/count\"\nhandler = \"count\"\nmiddleware = [\"greet\"]";
    App::from_toml("routes.toml", routes)
        .handler(
            "count",
            |minik::State(Counter(n)): minik::State<Counter>,
             minik::Extension(greeting): minik::Extension<String>| {
                let seen = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                format!("{greeting} {seen}")
            },
        )
        .before("greet", |mut request: Request| {
            // Hooks read the state from the request.
            let Greeting(text) = request
                .state::<Greeting>()
                .cloned()
                .unwrap_or(Greeting("?"));
            request.extensions_mut().insert(text.to_owned());
            Ok::<_, HttpError>(request)
        })
}

#[test]
fn handlers_and_hooks_share_the_state_given_once() {
    let counter = Counter(Default::default());
    let app = counting_app()
        .state(counter.clone())
        .state(Greeting("hello"))
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        for expected in ["hello 1", "hello 2", "hello 3"] {
            let response = app.test().get("/count").send().await.unwrap();
            assert_eq!(response.text(), expected);
        }
    });
    // The handler's clone shares the `Arc` given at build time.
    assert_eq!(counter.0.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[test]
fn state_a_handler_needs_but_nobody_gave_is_a_build_error() {
    let missing = counting_app().state(Greeting("hello")).build().unwrap_err();
    let rendered = missing.to_string();
    assert_eq!(
        missing.iter().map(|d| d.kind()).collect::<Vec<_>>(),
        [DiagnosticKind::MissingState],
        "{rendered}"
    );
    assert!(
        rendered.contains("handler `count` takes `State<integration::app::Counter>` but no `.state(..)` gives a `integration::app::Counter`"),
        "{rendered}"
    );
    // Located at the handler's registration, in this file.
    assert!(
        rendered.starts_with("tests/integration/app.rs:"),
        "{rendered}"
    );

    let twice = counting_app()
        .state(Counter(Default::default()))
        .state(Counter(Default::default()))
        .build()
        .unwrap_err();
    let rendered = twice.to_string();
    assert_eq!(
        twice.iter().map(|d| d.kind()).collect::<Vec<_>>(),
        [DiagnosticKind::DuplicateState],
        "{rendered}"
    );
    assert!(rendered.contains("first given here"), "{rendered}");
}
