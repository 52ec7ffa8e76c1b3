//! The minik documentation's handlers, bound by name to the routes in `routes.toml`.
//!
//! A module of its own so that the tests can build the same app (`tests/integration`).

use minik::http::header;
use minik::{App, AppBuilder, HttpError, IntoResponse, Json, Path};
use serde_json::{Value, json};

/// `/hello/{name}`, every method: `{"hello": name}`, and a 400 for `FINDME`.
pub(crate) fn hello(Path(name): Path<String>) -> Result<Json<Value>, HttpError> {
    if name == "FINDME" {
        return Err(HttpError::bad_request("This is not a supported name."));
    }
    Ok(Json(json!({ "hello": name })))
}

/// `/events/{location}`, every method.
pub(crate) fn events(Path(_location): Path<String>) -> Json<Value> {
    Json(json!({ "data": ["granfondo MD", "Silver Spring Century"] }))
}

/// `POST`/`PUT /events`: reads the JSON body (a malformed one is a 400).
pub(crate) async fn post_events(Json(_event): Json<Value>) -> Json<Value> {
    Json(json!({ "result": "complete" }))
}

/// `GET /articles/{author}/{year}`, with `year` an `int`: `/articles/ada/recent` is a 404.
pub(crate) async fn get_articles(Path((author, year)): Path<(String, i64)>) -> Json<Value> {
    Json(json!({ "author_name": author, "year": year }))
}

/// `GET /html/articles/{author}/{year}`: the documentation's HTML variant, with its CORS header.
pub(crate) fn get_articles_html(Path((author, year)): Path<(String, i64)>) -> impl IntoResponse {
    let html = format!(
        "<html><body><h1>{}</h1><p>Articles of {year}</p></body></html>",
        escape(&author)
    );
    let headers = [
        (header::CONTENT_TYPE, "text/html"),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    ];
    (headers, html)
}

/// `GET /greetings`: the Hello World page.
pub(crate) fn greetings() -> impl IntoResponse {
    let html = "<!DOCTYPE html><html><head><title>Greetings</title></head>\
                <body><h1>Hello World</h1></body></html>";
    ([(header::CONTENT_TYPE, "text/html")], html)
}

/// `/fail`: an error that is not an `HttpError` answers 500 `Internal server error.`, with the
/// error only in the logs (and in the body with `debug = true`).
pub(crate) fn fail() -> minik::Result<String> {
    let year: i64 = "MMXXVI".parse()?;
    Ok(year.to_string())
}

/// `/panic`: a handler that panics answers 500, and the function keeps serving.
pub(crate) fn panic() -> &'static str {
    panic!("the quickstart's /panic route always panics")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The app: the routes file embedded in the binary, each handler registered by name.
pub(crate) fn app() -> AppBuilder {
    App::from_toml(
        "examples/quickstart/routes.toml",
        include_str!("routes.toml"),
    )
    .handler("hello", hello)
    .handler("events", events)
    .handler("post_events", post_events)
    .handler("get_articles", get_articles)
    .handler("get_articles_html", get_articles_html)
    .handler("greetings", greetings)
    .handler("fail", fail)
    .handler("panic", panic)
}
