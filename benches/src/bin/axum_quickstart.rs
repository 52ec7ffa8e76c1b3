//! The quickstart written with lambda_http + axum, as their documentation shows: the peer of
//! `minik_quickstart` in the size comparison. Same routes and answers; axum's own rejections
//! (a 400 for a non-integer year where minik gives 404) are left as axum makes them.

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Value, json};

async fn hello(Path(name): Path<String>) -> Response {
    if name == "FINDME" {
        let body = Json(json!({ "error_message": "This is not a supported name." }));
        return (StatusCode::BAD_REQUEST, body).into_response();
    }
    Json(json!({ "hello": name })).into_response()
}

async fn events(Path(_location): Path<String>) -> Json<Value> {
    Json(json!({ "data": ["granfondo MD", "Silver Spring Century"] }))
}

async fn post_events(Json(_event): Json<Value>) -> Json<Value> {
    Json(json!({ "result": "complete" }))
}

async fn get_articles(Path((author, year)): Path<(String, i64)>) -> Json<Value> {
    Json(json!({ "author_name": author, "year": year }))
}

async fn get_articles_html(Path((author, year)): Path<(String, i64)>) -> Response {
    let html = format!("<html><body><h1>{author}</h1><p>Articles of {year}</p></body></html>");
    ([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Html(html)).into_response()
}

async fn greetings() -> Html<&'static str> {
    Html(
        "<!DOCTYPE html><html><head><title>Greetings</title></head><body><h1>Hello World</h1></body></html>",
    )
}

async fn fail() -> Response {
    let body = Json(json!({ "error_message": "Internal server error." }));
    (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
}

pub(crate) fn router() -> Router {
    Router::new()
        .route("/hello/{name}", any(hello))
        .route("/events/{location}", any(events))
        .route("/events", post(post_events).put(post_events))
        .route("/articles/{author}/{year}", get(get_articles))
        .route("/html/articles/{author}/{year}", get(get_articles_html))
        .route("/greetings", get(greetings))
        .route("/fail", any(fail))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    // As lambda_http's examples start: logs through tracing, as minik::run sets up too.
    lambda_http::tracing::init_default_subscriber();
    lambda_http::run(router()).await
}
