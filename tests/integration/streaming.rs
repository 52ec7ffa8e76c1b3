//! Streamed bodies where replies are buffered (the test client, Lambda's buffered mode), and
//! `build()`'s check of streaming handlers against `[app] invoke_mode`.

use std::convert::Infallible;

#[path = "../../examples/streaming/app.rs"]
#[allow(dead_code, unreachable_pub)]
mod streaming_app;

use futures_util::stream;
use minik::stream::{Event, Sse, Streaming};
use minik::{App, DiagnosticKind, HttpError, Response, Source};

const ROUTES: &str = r#"
[[route]]
path = "/events"
handler = "events"

[[route]]
path = "/export.csv"
handler = "export"
"#;

fn events() -> Sse<impl futures_core::Stream<Item = Result<Event, Infallible>> + Send> {
    let events = (1..=3).map(|n| {
        Ok(Event::default()
            .event("tick")
            .id(n.to_string())
            .data(n.to_string()))
    });
    Sse::new(stream::iter(events))
}

fn export()
-> Result<Streaming<impl futures_core::Stream<Item = Result<String, Infallible>> + Send>, HttpError>
{
    let rows = (0..3).map(|n| Ok(format!("{n},item {n}\n")));
    Ok(Streaming(stream::iter(rows)))
}

#[test]
fn a_streaming_handler_in_a_buffered_app_is_a_located_build_error() {
    let diagnostics = App::from_toml("streaming.toml", ROUTES)
        .handler("events", events)
        .handler("export", export)
        .build()
        .unwrap_err();
    let rendered = diagnostics.to_string();
    assert_eq!(
        diagnostics.iter().map(|d| d.kind()).collect::<Vec<_>>(),
        [
            DiagnosticKind::StreamingHandler,
            DiagnosticKind::StreamingHandler
        ],
        "{rendered}"
    );
    // At each route's `handler` key, with the fix.
    assert!(
        rendered.starts_with(
            "streaming.toml:4:11: error: handler `events` streams its reply, but the app sends buffered replies: set `[app] invoke_mode = \"stream\"`"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains("streaming.toml:8:11: error: handler `export` streams"),
        "{rendered}"
    );
    assert!(rendered.contains("handler registered here"), "{rendered}");

    let streaming = format!("[app]\ninvoke_mode = \"stream\"\n{ROUTES}");
    let built = App::from_toml("streaming.toml", &streaming)
        .handler("events", events)
        .handler("export", export)
        .build();
    assert!(built.is_ok(), "{}", built.unwrap_err());
}

fn streaming_app() -> App {
    let routes = format!(
        "[app]\ninvoke_mode = \"stream\"\n{ROUTES}\n[[route]]\npath = \"/broken\"\nhandler = \"broken\"\n\n[[route]]\npath = \"/huge\"\nhandler = \"huge\"\n"
    );
    App::from_toml("streaming.toml", &routes)
        .handler("events", events)
        .handler("export", export)
        .handler("broken", || {
            Response::stream(stream::iter([Ok("a,b\n"), Err("the database went away")]))
        })
        .handler("huge", || {
            let megabyte = vec![b'x'; 1 << 20];
            Response::stream(stream::iter(
                (0..7).map(move |_| Ok::<_, Infallible>(megabyte.clone())),
            ))
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn sources_that_cannot_stream_get_the_stream_collected_into_one_reply() {
    let app = streaming_app();
    for source in [
        Source::HttpApi,
        Source::Alb,
        Source::FunctionUrl,
        Source::RestApi,
    ] {
        let response = app
            .test()
            .get("/events")
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{source}");
        assert_eq!(
            response.header("content-type"),
            Some("text/event-stream"),
            "{source}"
        );
        assert_eq!(
            response.header("cache-control"),
            Some("no-cache"),
            "{source}"
        );
        assert_eq!(
            response.text(),
            "event: tick\nid: 1\ndata: 1\n\nevent: tick\nid: 2\ndata: 2\n\nevent: tick\nid: 3\ndata: 3\n\n",
            "{source}"
        );
        assert_eq!(response.reply()["isBase64Encoded"], false, "{source}");
    }
    let csv = app.test().get("/export.csv").send().await.unwrap();
    assert_eq!(csv.header("content-type"), Some("application/octet-stream"));
    assert_eq!(csv.text(), "0,item 0\n1,item 1\n2,item 2\n");
    // HEAD: no body, and the stream is never polled.
    let head = app.test().head("/export.csv").send().await.unwrap();
    assert_eq!((head.status().as_u16(), head.text()), (200, String::new()));
}

#[tokio::test]
async fn a_stream_that_fails_or_outgrows_a_buffered_reply_is_a_500_before_anything_is_sent() {
    let app = streaming_app();
    let broken = app.test().get("/broken").send().await.unwrap();
    assert_eq!(broken.status(), 500);
    assert_eq!(
        broken.json::<serde_json::Value>().unwrap(),
        serde_json::json!({ "error_message": "Internal server error." })
    );
    let huge = app.test().get("/huge").send().await.unwrap();
    assert_eq!(huge.status(), 500);
}

#[test]
fn the_streaming_examples_handlers_say_in_their_types_that_they_stream() {
    // The example's routes without `invoke_mode = "stream"`: every handler is refused, those
    // declared `impl IntoResponse` (headers in front of an `Sse` or a `Streaming`) too.
    let routes = include_str!("../../examples/streaming/routes.toml")
        .replace("invoke_mode = \"stream\"", "");
    let diagnostics = App::from_toml("routes.toml", &routes)
        .handler("ticks", streaming_app::ticks)
        .handler("tokens", streaming_app::tokens)
        .handler("export", streaming_app::export)
        .handler("broken", streaming_app::broken)
        .build()
        .unwrap_err();
    assert_eq!(
        diagnostics
            .iter()
            .filter(|d| d.kind() == DiagnosticKind::StreamingHandler)
            .count(),
        4,
        "{diagnostics}"
    );
    assert!(streaming_app::app().build().is_ok());
}

#[tokio::test]
async fn the_csv_export_is_larger_than_a_buffered_reply_may_be() {
    let app = streaming_app::app().build().unwrap();
    // Through the test client the body is collected, up to Lambda's 6 MB: the export is not.
    let response = app
        .test()
        .get("/export.csv")
        .source(Source::FunctionUrl)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
}
