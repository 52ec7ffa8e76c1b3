//! The app as a `tower::Service`, mounted in an axum router: the answers are those it gives
//! on Lambda, streamed bodies pass through, and handlers see a request from no Lambda event.

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use futures_util::stream;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use minik::stream::{Event, Sse};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::quickstart_app;

fn router() -> Router {
    let app = quickstart_app::app().build().unwrap();
    Router::new().nest_service("/api", app)
}

/// Status, headers and body of `request` answered by the router.
async fn send(router: Router, request: Request<Body>) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let response = router.oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, body)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn the_app_mounted_in_axum_answers_as_on_lambda() {
    let (status, headers, body) = send(router(), get("/api/hello/ada")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    // `[app.headers]` of the routes file.
    assert_eq!(headers["x-service"], "minik-example");
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "hello": "ada" })
    );

    // The same answers as the quickstart's events give on Lambda.
    let (status, _, body) = send(router(), get("/api/hello/FINDME")).await;
    assert_eq!(status, 400);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "error_message": "This is not a supported name." })
    );
    let (status, _, _) = send(router(), get("/api/articles/ada/recent")).await;
    assert_eq!(status, 404);
    let delete = Request::delete("/api/greetings")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(router(), delete).await;
    assert_eq!(
        (status, &headers["allow"]),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            &"GET, HEAD".parse().unwrap()
        )
    );
    let post = Request::post("/api/events")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"name": "granfondo MD"}"#))
        .unwrap();
    let (status, _, body) = send(router(), post).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, br#"{"result":"complete"}"#.to_vec())
    );
    let malformed = Request::post("/api/events").body(Body::from("{")).unwrap();
    assert_eq!(send(router(), malformed).await.0, 400);
    // A panic is a 500, and the service goes on answering.
    assert_eq!(send(router(), get("/api/panic")).await.0, 500);
    assert_eq!(send(router(), get("/api/hello/bob")).await.0, 200);
    // Outside `/api`, axum answers.
    assert_eq!(send(router(), get("/hello/ada")).await.0, 404);
}

#[tokio::test]
async fn handlers_see_no_lambda_event_and_streamed_bodies_pass_through() {
    let routes = "[app]\nmax_body = \"16B\"\ninvoke_mode = \"stream\"\n\n[[route]]\npath = \"/who\"\nmethods = [\"POST\"]\nhandler = \"who\"\n\n[[route]]\npath = \"/ticks\"\nhandler = \"ticks\"\n";
    let app = minik::App::from_toml("routes.toml", routes)
        .handler("who", |request: minik::Request| {
            minik::Json(json!({
                "source": request.source().map(|s| s.to_string()),
                "event": request.event(),
                "request_id": request.request_id(),
                "function": request.context().invoked_function_arn,
                "query": request.query("q"),
                "body": request.text().unwrap_or_default(),
            }))
        })
        .handler("ticks", || {
            let events = (1..=2).map(|n| Ok::<_, Infallible>(Event::default().data(n.to_string())));
            Sse::new(stream::iter(events))
        })
        .build()
        .unwrap();
    let router = Router::new().nest_service("/api", app.clone());
    let who = Request::post("/api/who?q=caf%C3%A9")
        .body(Body::from("hi"))
        .unwrap();
    let (status, _, body) = send(router.clone(), who).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "source": null, "event": null, "request_id": null, "function": "", "query": "café", "body": "hi" })
    );
    // Larger than the routes file's `max_body`.
    let large = Request::post("/api/who")
        .body(Body::from("x".repeat(17)))
        .unwrap();
    assert_eq!(send(router.clone(), large).await.0, 413);

    // The SSE body arrives as its chunks, one frame per event.
    let response = router.oneshot(get("/api/ticks")).await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().await {
        frames.push(frame.unwrap().into_data().unwrap());
    }
    assert_eq!(frames, ["data: 1\n\n", "data: 2\n\n"]);
}
