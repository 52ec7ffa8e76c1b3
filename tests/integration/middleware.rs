//! Middleware by name: hooks listed in the routes file, registered like handlers, run as an
//! onion around the handler, and every naming mistake reported by `build()`.

use std::sync::{Arc, Mutex};

use minik::http::{HeaderName, HeaderValue, StatusCode, header};
use minik::{
    App, AppBuilder, DiagnosticKind, Extension, HttpError, Next, Request, Response, Source,
};

const SOURCES: [Source; 4] = [
    Source::RestApi,
    Source::HttpApi,
    Source::Alb,
    Source::FunctionUrl,
];

const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

const ROUTES: &str = r#"
[app]
middleware = ["security_headers", "require_api_key"]

[app.cors]
allow_origins = ["https://app.example.com"]

[[route]]
path = "/health"
methods = ["GET"]
handler = "health"
skip_middleware = ["require_api_key"]

[[route]]
path = "/whoami"
methods = ["GET"]
handler = "whoami"

[[route]]
path = "/orders/{id}"
methods = ["GET"]
handler = "order"
params = { id = "int" }
middleware = ["server_timing", "tenant_only"]
"#;

#[derive(Clone, Debug, PartialEq)]
struct Caller(String);

/// Async, as a real key check (a table lookup) would be.
async fn require_api_key(mut request: Request) -> Result<Request, HttpError> {
    let caller = match request.header("x-api-key") {
        Some("ada-key") => Caller("ada".to_owned()),
        Some("bob-key") => Caller("bob".to_owned()),
        _ => {
            return Err(HttpError::unauthorized(
                "A valid x-api-key header is required.",
            ));
        }
    };
    request.extensions_mut().insert(caller);
    Ok(request)
}

fn security_headers(response: Response) -> Response {
    response.with_header(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    )
}

async fn server_timing(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    response.with_header(SERVER_TIMING, HeaderValue::from_static("app"))
}

/// Only ada may read orders, and order 13 does not exist for anyone.
fn tenant_only(request: Request) -> Result<Request, HttpError> {
    match request.extensions().get::<Caller>() {
        Some(Caller(name)) if name == "ada" => Ok(request),
        _ => Err(HttpError::forbidden("Orders are ada's.")),
    }
}

fn app() -> AppBuilder {
    App::from_toml("routes.toml", ROUTES)
        .handler("health", || "ok")
        .handler("whoami", |Extension(Caller(name)): Extension<Caller>| name)
        .handler("order", |minik::Path(id): minik::Path<i64>| {
            if id == 13 {
                Err(HttpError::not_found("No such order."))
            } else {
                Ok(format!("order {id}"))
            }
        })
        .before("require_api_key", require_api_key)
        .after("security_headers", security_headers)
        .around("server_timing", server_timing)
        .before("tenant_only", tenant_only)
}

#[test]
fn a_before_hook_answers_early_or_hands_the_handler_what_it_found() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        for source in SOURCES {
            let client = app.test();
            let refused = client.get("/whoami").source(source).send().await.unwrap();
            assert_eq!(refused.status(), 401, "{source}");
            assert_eq!(
                refused.json::<serde_json::Value>().unwrap(),
                serde_json::json!({ "error_message": "A valid x-api-key header is required." }),
                "{source}"
            );
            let wrong = client
                .get("/whoami")
                .source(source)
                .header("x-api-key", "nope");
            assert_eq!(wrong.send().await.unwrap().status(), 401, "{source}");
            let allowed = client
                .get("/whoami")
                .source(source)
                .header("x-api-key", "ada-key");
            let allowed = allowed.send().await.unwrap();
            assert_eq!(allowed.status(), 200, "{source}");
            assert_eq!(allowed.text(), "ada", "{source}");
        }
    });
}

#[test]
fn the_early_answer_goes_back_through_the_hooks_listed_before_it() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        let refused = app.test().get("/whoami").send().await.unwrap();
        // `security_headers` is listed before `require_api_key`: it sees the 401.
        assert_eq!(refused.header("x-content-type-options"), Some("nosniff"));
        // So does CORS, or the browser would hide the 401 from the page.
        let refused = app
            .test()
            .get("/whoami")
            .header("origin", "https://app.example.com");
        let refused = refused.send().await.unwrap();
        assert_eq!(refused.status(), 401);
        assert_eq!(
            refused.header("access-control-allow-origin"),
            Some("https://app.example.com")
        );
    });
}

#[test]
fn skip_middleware_leaves_out_an_app_hook_for_one_route() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        let health = app.test().get("/health").send().await.unwrap();
        assert_eq!(health.status(), 200);
        assert_eq!(health.text(), "ok");
        // The app's other hook still runs.
        assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    });
    let table = app.routes();
    let chains: Vec<(&str, &[String])> = table
        .routes()
        .map(|route| (route.handler(), route.middleware()))
        .collect();
    assert!(chains.contains(&("health", &["security_headers".to_owned()][..])));
    let order: Vec<String> = [
        "security_headers",
        "require_api_key",
        "server_timing",
        "tenant_only",
    ]
    .map(str::to_owned)
    .into();
    assert!(chains.contains(&("order", &order[..])));
}

#[test]
fn route_hooks_run_after_the_apps_and_around_wraps_the_rest() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        let client = app.test();
        let ada = client.get("/orders/7").header("x-api-key", "ada-key");
        let ada = ada.send().await.unwrap();
        assert_eq!(
            (ada.status(), ada.text()),
            (StatusCode::OK, "order 7".to_owned())
        );
        assert_eq!(ada.header("server-timing"), Some("app"));
        assert_eq!(ada.header("x-content-type-options"), Some("nosniff"));
        // `tenant_only` runs after `require_api_key` (it needs the caller) and inside
        // `server_timing`, so its 403 is timed too.
        let bob = client.get("/orders/7").header("x-api-key", "bob-key");
        let bob = bob.send().await.unwrap();
        assert_eq!(bob.status(), 403);
        assert_eq!(bob.header("server-timing"), Some("app"));
        // The handler's own errors go back through every hook.
        let missing = client.get("/orders/13").header("x-api-key", "ada-key");
        let missing = missing.send().await.unwrap();
        assert_eq!(missing.status(), 404);
        assert_eq!(missing.header("server-timing"), Some("app"));
        assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    });
}

#[test]
fn requests_that_match_no_route_run_no_middleware() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        // Without a route there is no list to run: a 404, not `require_api_key`'s 401.
        let missing = app.test().get("/nowhere").send().await.unwrap();
        assert_eq!(missing.status(), 404);
        assert_eq!(missing.header("x-content-type-options"), None);
        let not_an_int = app.test().get("/orders/seven").send().await.unwrap();
        assert_eq!(not_an_int.status(), 404);
        let wrong_method = app.test().delete("/whoami").send().await.unwrap();
        assert_eq!(wrong_method.status(), 405);
    });
}

/// Every hook appends its name to the log when it runs, to see the order.
fn logging_app(log: &Arc<Mutex<Vec<String>>>, routes: &str) -> App {
    let entry = |name: &'static str| {
        let log = Arc::clone(log);
        move |label: &str| log.lock().unwrap().push(format!("{name} {label}"))
    };
    let (b1, b2, a1, a2, r1) = (
        entry("before1"),
        entry("before2"),
        entry("after1"),
        entry("after2"),
        entry("around"),
    );
    let handler_log = entry("handler");
    App::from_toml("routes.toml", routes)
        .handler("h", move || {
            handler_log("ran");
            "done"
        })
        .before("before1", move |request: Request| {
            b1("in");
            Ok::<_, HttpError>(request)
        })
        .before("before2", move |request: Request| {
            b2("in");
            if request.header("x-stop").is_some() {
                Err(HttpError::new(StatusCode::IM_A_TEAPOT, "stopped"))
            } else {
                Ok(request)
            }
        })
        .after("after1", move |response: Response| {
            a1("out");
            response
        })
        .after("after2", move |response: Response| {
            a2("out");
            response
        })
        .around("around", move |request: Request, next: Next| {
            r1("in");
            let r1 = r1.clone();
            async move {
                let response = next.run(request).await;
                r1("out");
                response
            }
        })
        .build()
        .unwrap()
}

#[test]
fn hooks_run_like_the_layers_of_an_onion() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let app = logging_app(
        &log,
        r#"
        [app]
        middleware = ["after1", "before1", "around"]
        [[route]]
        path = "/x"
        handler = "h"
        middleware = ["after2", "before2"]
        "#,
    );
    runtime().block_on(async {
        let done = app.test().get("/x").send().await.unwrap();
        assert_eq!(done.text(), "done");
        let expected = [
            "before1 in",
            "around in",
            "before2 in",
            "handler ran",
            "after2 out",
            "around out",
            "after1 out",
        ];
        assert_eq!(*log.lock().unwrap(), expected);
        log.lock().unwrap().clear();

        let stopped = app
            .test()
            .get("/x")
            .header("x-stop", "1")
            .send()
            .await
            .unwrap();
        assert_eq!(stopped.status(), 418);
        let expected = [
            "before1 in",
            "around in",
            "before2 in",
            "after2 out",
            "around out",
            "after1 out",
        ];
        // `after2` is listed before `before2`, so it sees the early answer; the handler never runs.
        assert_eq!(*log.lock().unwrap(), expected);
    });
}

#[test]
fn an_around_hook_may_answer_without_calling_next() {
    let app = App::from_toml(
        "routes.toml",
        "[[route]]\npath = \"/x\"\nhandler = \"h\"\nmiddleware = [\"maintenance\", \"never\"]",
    )
    .handler("h", || -> &'static str {
        panic!("the handler must not run")
    })
    .around("maintenance", |_request: Request, _next: Next| async {
        HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "Down for maintenance.")
    })
    .before("never", |_: Request| -> Result<Request, HttpError> {
        panic!("hooks after the answer must not run")
    })
    .build()
    .unwrap();
    runtime().block_on(async {
        let answer = app.test().get("/x").send().await.unwrap();
        assert_eq!(answer.status(), 503);
        assert_eq!(
            answer.text(),
            r#"{"error_message":"Down for maintenance."}"#
        );
    });
}

#[test]
fn an_after_hook_can_replace_the_response_or_fail() {
    let app = App::from_toml(
        "routes.toml",
        "[app]\nmiddleware = [\"hide_404s\", \"reject_teapots\"]\n[[route]]\npath = \"/{what}\"\nhandler = \"h\"",
    )
    .handler("h", |minik::Path(what): minik::Path<String>| match what.as_str() {
        "tea" => Err(HttpError::new(StatusCode::IM_A_TEAPOT, "tea")),
        "gone" => Err(HttpError::not_found("gone")),
        _ => Ok(what),
    })
    .after("hide_404s", |response: Response| {
        if response.status() == StatusCode::NOT_FOUND {
            Response::new(minik::Body::Empty).with_status(StatusCode::GONE)
        } else {
            response
        }
    })
    .after("reject_teapots", async |response: Response| {
        if response.status() == StatusCode::IM_A_TEAPOT {
            Err(HttpError::bad_request("no teapots"))
        } else {
            Ok(response)
        }
    })
    .build()
    .unwrap();
    runtime().block_on(async {
        let status = async |path: &str| app.test().get(path).send().await.unwrap().status();
        assert_eq!(status("/coffee").await, 200);
        assert_eq!(status("/gone").await, 410);
        assert_eq!(status("/tea").await, 400);
    });
}

#[test]
fn a_panicking_hook_answers_500_and_the_app_keeps_serving() {
    let routes = "[app]\ndebug = true\n[[route]]\npath = \"/{kind}\"\nhandler = \"h\"\nmiddleware = [\"sync_panic\", \"async_panic\", \"after_panic\"]";
    let app = App::from_toml("routes.toml", routes)
        .handler("h", |minik::Path(kind): minik::Path<String>| kind)
        .before("sync_panic", |request: Request| {
            if request.path() == "/sync" {
                panic!("sync hook failed");
            }
            Ok::<_, HttpError>(request)
        })
        .before("async_panic", async |request: Request| {
            if request.path() == "/async" {
                panic!("async hook failed");
            }
            Ok::<_, HttpError>(request)
        })
        .after("after_panic", |response: Response| {
            if response.body().as_bytes() == b"after" {
                panic!("after hook failed");
            }
            response
        })
        .build()
        .unwrap();
    runtime().block_on(async {
        for (path, message) in [
            ("/sync", "sync hook failed"),
            ("/async", "async hook failed"),
            ("/after", "after hook failed"),
        ] {
            let failed = app.test().get(path).send().await.unwrap();
            assert_eq!(failed.status(), 500, "{path}");
            assert!(failed.text().contains(message), "{path}: {}", failed.text());
            let fine = app.test().get("/fine").send().await.unwrap();
            assert_eq!(fine.text(), "fine");
        }
    });
}

#[test]
fn an_extension_no_hook_added_is_a_500_with_the_reason_in_debug_mode() {
    let routes = "[app]\ndebug = true\n[[route]]\npath = \"/whoami\"\nhandler = \"whoami\"";
    let app = App::from_toml("routes.toml", routes)
        .handler("whoami", |Extension(Caller(name)): Extension<Caller>| name)
        .build()
        .unwrap();
    runtime().block_on(async {
        let failed = app.test().get("/whoami").send().await.unwrap();
        assert_eq!(failed.status(), 500);
        assert!(failed.text().contains("Caller"), "{}", failed.text());
    });
}

fn kinds(result: Result<App, minik::Diagnostics>) -> Vec<DiagnosticKind> {
    result.unwrap_err().iter().map(|d| d.kind()).collect()
}

#[test]
fn naming_mistakes_are_reported_together_and_located() {
    let routes = "[app]\nmiddleware = [\"requre_api_key\"]\n[[route]]\npath = \"/x\"\nhandler = \"h\"\nmiddleware = [\"h\", \"audit\"]";
    let build = || {
        App::from_toml("routes.toml", routes)
            .handler("h", || "x")
            .before("require_api_key", |request: Request| {
                Ok::<_, HttpError>(request)
            })
            .after("audit", |response: Response| response)
            .after("audit", |response: Response| response)
            .around("unused", |request: Request, next: Next| next.run(request))
            .build()
    };
    let diagnostics = build().unwrap_err();
    let rendered = diagnostics.to_string();
    use DiagnosticKind::*;
    assert_eq!(
        kinds(build()),
        [
            UnknownMiddleware,
            UnknownMiddleware,
            UnusedMiddleware,
            DuplicateMiddleware,
            UnusedMiddleware
        ],
        "{rendered}"
    );
    for expected in [
        "routes.toml:2:15: error: no middleware named `requre_api_key` is registered, did you mean `require_api_key`?",
        "routes.toml:6:15: error: no middleware named `h` is registered (a handler has that name",
        "error: middleware `audit` is registered twice",
        "first registered here",
        "error: middleware `require_api_key` is registered but the routes file never lists it",
        "error: middleware `unused` is registered but the routes file never lists it",
    ] {
        assert!(
            rendered.contains(expected),
            "missing {expected:?} in:\n{rendered}"
        );
    }
    // Code mistakes point at the registration, in this file.
    assert!(
        rendered.contains("tests/integration/middleware.rs:"),
        "{rendered}"
    );
}

#[test]
fn the_middleware_example_answers_as_its_docs_say() {
    use crate::middleware_app;
    let app = middleware_app::app().build().unwrap();
    runtime().block_on(async {
        for source in SOURCES {
            let client = app.test();
            let send = async |request: minik::TestRequest<'_>| {
                request.source(source).send().await.unwrap()
            };
            let health = send(client.get("/health")).await;
            assert_eq!(health.status(), 200, "{source}");
            assert_eq!(health.header("cache-control"), Some("no-store"), "{source}");

            let anonymous = send(client.get("/me")).await;
            assert_eq!(anonymous.status(), 401, "{source}");
            assert_eq!(
                anonymous.header("x-content-type-options"),
                Some("nosniff"),
                "{source}"
            );

            let ada = send(client.get("/me").header("x-api-key", "ada-key")).await;
            assert_eq!(
                ada.json::<serde_json::Value>().unwrap(),
                serde_json::json!({ "name": "ada", "admin": true }),
                "{source}"
            );

            let bob = send(client.post("/admin/reindex").header("x-api-key", "bob-key")).await;
            assert_eq!(bob.status(), 403, "{source}");
            assert!(
                bob.header("server-timing")
                    .is_some_and(|t| t.starts_with("app;dur=")),
                "{source}"
            );

            let admin = send(client.post("/admin/reindex").header("x-api-key", "ada-key")).await;
            assert_eq!(admin.status(), 200, "{source}");
            assert_eq!(
                admin.json::<serde_json::Value>().unwrap(),
                serde_json::json!({ "action": "reindex", "by": "ada", "result": "started" }),
                "{source}"
            );
            assert!(admin.header("server-timing").is_some(), "{source}");
            assert_eq!(
                admin.header("x-content-type-options"),
                Some("nosniff"),
                "{source}"
            );
        }
    });
}
