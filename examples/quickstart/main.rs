//! The minik documentation as a minik app: `cargo run --example quickstart`.
//!
//! The routes are in `routes.toml` beside this file, embedded in the binary with
//! `include_str!`; each handler below is registered under the name a route gives.

use minik::http::{HeaderValue, header};
use minik::{App, Body, HttpError, Json, Method, Path, Request, Response};
use serde_json::{Value, json};

/// `/hello/{name}`, every method: `{"hello": name}`, and a 400 for `FINDME`.
fn hello(Path(name): Path<String>) -> Result<Json<Value>, HttpError> {
    if name == "FINDME" {
        return Err(HttpError::bad_request("This is not a supported name."));
    }
    Ok(Json(json!({ "hello": name })))
}

/// `/events/{location}`, every method.
fn events(Path(_location): Path<String>) -> Json<Value> {
    Json(json!({ "data": ["granfondo MD", "Silver Spring Century"] }))
}

/// `POST`/`PUT /events`: reads the JSON body (a malformed one is a 400).
async fn post_events(Json(_event): Json<Value>) -> Json<Value> {
    Json(json!({ "result": "complete" }))
}

/// `GET /articles/{author}/{year}`, with `year` an `int`: `/articles/ada/recent` is a 404.
async fn get_articles(Path((author, year)): Path<(String, i64)>) -> Json<Value> {
    Json(json!({ "author_name": author, "year": year }))
}

/// `GET /greetings`: an HTML page.
fn greetings() -> Response {
    let html = "<!DOCTYPE html><html><head><title>Greetings</title></head>\
                <body><h1>Hello World</h1></body></html>";
    Response::new(Body::Text(html.to_owned()))
        .with_header(header::CONTENT_TYPE, HeaderValue::from_static("text/html"))
}

/// `/fail`: an error that is not an `HttpError` answers 500 `Internal server error.`
fn fail() -> minik::Result<String> {
    let year: i64 = "MMXXVI".parse()?;
    Ok(year.to_string())
}

fn app() -> App {
    let built = App::from_toml(
        "examples/quickstart/routes.toml",
        include_str!("routes.toml"),
    )
    .handler("hello", hello)
    .handler("events", events)
    .handler("post_events", post_events)
    .handler("get_articles", get_articles)
    .handler("greetings", greetings)
    .handler("fail", fail)
    .build();
    match built {
        Ok(app) => app,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            std::process::exit(1);
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let app = app();
    let requests = [
        (Method::GET, "/hello/ada", ""),
        (Method::GET, "/hello/FINDME", ""),
        (Method::POST, "/events", r#"{"name": "granfondo MD"}"#),
        (Method::GET, "/articles/ada/1843", ""),
        (Method::GET, "/articles/ada/recent", ""),
        (Method::DELETE, "/articles/ada/1843", ""),
        (Method::GET, "/fail", ""),
    ];
    for (method, path, body) in requests {
        let line = format!("{method} {path}");
        let response = app.call(Request::new(method, path).with_body(body)).await;
        let body = String::from_utf8_lossy(response.body().as_bytes());
        println!("{line:<28} -> {} {body}", response.status().as_u16());
    }
}
