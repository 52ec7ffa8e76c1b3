//! The cors, openapi and observability examples: each shipped event gets the answer the
//! example documents, and what each example shows (CORS headers, the served document, the
//! log lines) is checked. The testing example runs its own tests (`test = true`).

use std::path::Path;

use minik::{App, Source};
use serde_json::{Value, json};

#[path = "../../examples/cors/app.rs"]
#[allow(dead_code, unreachable_pub)]
mod cors_app;
#[path = "../../examples/observability/app.rs"]
#[allow(dead_code, unreachable_pub)]
mod observability_app;
#[path = "../../examples/openapi/app.rs"]
#[allow(dead_code, unreachable_pub)]
mod openapi_app;

const SOURCES: [Source; 4] = [
    Source::RestApi,
    Source::HttpApi,
    Source::Alb,
    Source::FunctionUrl,
];

/// The example's shipped events, `(source, request name, reply)`, answered by `app`.
pub(crate) fn replies(app: &App, example: &str) -> Vec<(String, String, Value)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(example)
        .join("events");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            let (source, name) = stem.split_once('-').unwrap();
            let reply = runtime
                .block_on(app.respond(&std::fs::read(&file).unwrap()))
                .unwrap();
            let reply = serde_json::from_slice(&reply).unwrap();
            (source.to_owned(), name.to_owned(), reply)
        })
        .collect()
}

/// A header of a reply payload, single- or multi-value, whatever the source.
fn header<'a>(reply: &'a Value, name: &str) -> Option<&'a str> {
    reply["headers"][name]
        .as_str()
        .or(reply["multiValueHeaders"][name][0].as_str())
}

#[test]
fn cors_events_get_the_documented_headers() {
    let app = cors_app::app().build().unwrap();
    let replies = replies(&app, "cors");
    assert_eq!(replies.len(), 28, "7 requests for each of 4 sources");
    let app_origin = Some("https://notes.example");
    for (source, name, reply) in replies {
        let at = format!("{source}-{name}: {reply}");
        let acao = header(&reply, "access-control-allow-origin");
        let (status, origin) = match name.as_str() {
            "notes" => (200, app_origin),
            "notes-other-origin" => (200, None),
            "create-note" => (201, app_origin),
            "notes-preflight" => (204, app_origin),
            "session" => (200, app_origin),
            "health" => (200, Some("*")),
            "webhook-preflight" => (405, None),
            other => panic!("no expectation for cors event {other}"),
        };
        assert_eq!(
            (reply["statusCode"].as_u64(), acao),
            (Some(status), origin),
            "{at}"
        );
        match name.as_str() {
            "notes" | "notes-other-origin" => {
                assert_eq!(header(&reply, "vary"), Some("Origin"), "{at}");
            }
            "create-note" => {
                assert_eq!(header(&reply, "location"), Some("/notes/3"), "{at}");
                let exposed = header(&reply, "access-control-expose-headers");
                assert_eq!(exposed, Some("location"), "{at}");
            }
            "notes-preflight" => {
                let allow = |name| header(&reply, name);
                assert_eq!(allow("access-control-allow-methods"), Some("POST"), "{at}");
                let headers = allow("access-control-allow-headers");
                assert_eq!(headers, Some("content-type, authorization"), "{at}");
                assert_eq!(allow("access-control-max-age"), Some("600"), "{at}");
            }
            "session" => {
                let credentials = header(&reply, "access-control-allow-credentials");
                assert_eq!(credentials, Some("true"), "{at}");
                assert_eq!(reply["body"], r#"{"user":"ada"}"#, "{at}");
            }
            "health" => assert_eq!(header(&reply, "vary"), None, "{at}"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn cors_errors_carry_the_headers_too() {
    let app = cors_app::app().build().unwrap();
    // A 404 from the handler, a 404 from the router (`id` is an `int`), a 400 from minik: the
    // page can read every one of them.
    for (path, body, status) in [
        ("/notes/9", None, 404),
        ("/notes/latest", None, 404),
        ("/notes", Some("not json"), 400),
    ] {
        for source in SOURCES {
            let request = match body {
                Some(body) => app.test().post(path).body(body),
                None => app.test().get(path),
            };
            let response = request
                .header("origin", "http://localhost:5173")
                .source(source)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), status, "{source} {path}");
            assert_eq!(
                response.header("access-control-allow-origin"),
                Some("http://localhost:5173"),
                "{source} {path}"
            );
        }
    }
}

#[tokio::test]
async fn openapi_serves_the_document_of_its_routes() {
    let app = openapi_app::app().unwrap();
    // What `minik openapi examples/openapi/routes.toml --title Bookshelf` prints.
    let cli = minik::RouteTable::from_file(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/openapi/routes.toml"),
    )
    .unwrap()
    .openapi("Bookshelf", None);
    for source in SOURCES {
        let response = app
            .test()
            .get("/openapi.json")
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{source}");
        assert_eq!(
            response.header("content-type"),
            Some("application/json"),
            "{source}"
        );
        let served: Value = response.json().unwrap();
        assert_eq!(served["paths"], cli["paths"], "{source}");
        assert_eq!(served["info"]["title"], "Bookshelf");
        assert_eq!(served["info"]["version"], env!("CARGO_PKG_VERSION"));
    }
    let paths = &cli["paths"];
    let isbn = &paths["/books/{isbn}"]["get"]["parameters"][0]["schema"];
    assert_eq!(isbn["pattern"], r"^(?:97[89]-?[0-9]{10})$");
    let loan = &paths["/loans/{id}"]["delete"]["parameters"][0]["schema"];
    assert_eq!(*loan, json!({ "type": "string", "format": "uuid" }));
    let mut ids: Vec<&str> = paths
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["get_book", "list_books", "loan", "loan_delete", "openapi"]
    );
}

#[test]
fn openapi_events_get_the_documented_answers() {
    let app = openapi_app::app().unwrap();
    let replies = replies(&app, "openapi");
    assert_eq!(replies.len(), 8, "2 requests for each of 4 sources");
    for (source, name, reply) in replies {
        assert_eq!(reply["statusCode"], 200, "{source}-{name}: {reply}");
        let body: Value = serde_json::from_str(reply["body"].as_str().unwrap()).unwrap();
        match name.as_str() {
            "openapi" => assert_eq!(body["openapi"], "3.0.1", "{source}"),
            "book" => assert_eq!(body["title"], "Pride and Prejudice", "{source}"),
            other => panic!("no expectation for openapi event {other}"),
        }
    }
}

#[test]
fn observability_logs_name_the_request() {
    let app = observability_app::app().build().unwrap();
    let logs = crate::observability::Logs::default();
    let writer = logs.clone();
    let subscriber = observability_app::logs(move || writer.clone());
    let replies =
        crate::observability::with_subscriber(subscriber, || replies(&app, "observability"));
    assert_eq!(replies.len(), 20, "5 requests for each of 4 sources");
    for (source, name, reply) in &replies {
        let status = match name.as_str() {
            "order" | "create-order" => 200,
            "order-missing" => 404,
            "create-order-invalid" => 400,
            "report" => 500,
            other => panic!("no expectation for observability event {other}"),
        };
        assert_eq!(reply["statusCode"], status, "{source}-{name}: {reply}");
    }
    let logs = logs.text();
    // Only the first request the process serves is a cold start, whichever test sends it.
    let colds = logs.matches(" cold_start=true ").count();
    assert!(colds <= 1, "{colds} cold starts in\n{logs}");
    assert_eq!(
        logs.matches(" cold_start=").count(),
        logs.matches("request{").count()
    );
    let logs = logs.replace(" cold_start=true ", " cold_start=false ");
    // The lines main.rs shows, for the REST API events (whose request id is fixed).
    let rest = r#"request{request_id="deef4878-7910-11e6-8f14-25afc3e9ae33" method="GET" cold_start=false"#;
    for line in [
        r#" INFO {rest} route="/orders/{id}"}: order found order_id=42"#,
        r#" WARN {rest} route="/orders/{id}"}: no such order order_id=7"#,
        r#" INFO {rest} route="/report"}:query{table="orders"}: querying sql="SELECT item, count(*) FROM orders GROUP BY item""#,
        r#"ERROR {rest} route="/report"}: handler failed, answered 500 handler="report" details={"error":["the reporting database did not answer"]}"#,
    ] {
        let line = line.replace("{rest}", rest);
        assert!(logs.lines().any(|l| l == line), "missing {line} in\n{logs}");
    }
    // One closing line per request, with its status and duration: 20 requests.
    let closes: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains(" duration_us=") && l.ends_with("}: close"))
        .collect();
    assert_eq!(closes.len(), 20, "{logs}");
    for status in [200, 404, 400, 500] {
        let count = closes
            .iter()
            .filter(|l| l.contains(&format!(" status={status} duration_us=")))
            .count();
        assert_eq!(count, if status == 200 { 8 } else { 4 }, "{status}: {logs}");
    }
}
