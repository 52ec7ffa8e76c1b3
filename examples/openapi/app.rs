//! The bookshelf's handlers, and the OpenAPI document of its routes, served at
//! `GET /openapi.json`.
//!
//! A module of its own so that the tests can build the same app (`tests/integration`).

use std::sync::{Arc, OnceLock};

use minik::http::StatusCode;
use minik::{App, Body, Diagnostics, HttpError, Json, Path, Request, Response};
use serde_json::{Value, json};
use uuid::Uuid;

const BOOKS: [(&str, &str); 2] = [
    ("9780141439518", "Pride and Prejudice"),
    ("9780199536559", "Frankenstein"),
];

/// `GET /books`.
pub(crate) fn list_books() -> Json<Value> {
    let books: Vec<Value> = BOOKS
        .iter()
        .map(|(isbn, title)| json!({ "isbn": isbn, "title": title }))
        .collect();
    Json(json!({ "books": books }))
}

/// `GET /books/{isbn}`: the routes file's regex has checked the ISBN's shape already.
pub(crate) fn get_book(Path(isbn): Path<String>) -> Result<Json<Value>, HttpError> {
    let isbn = isbn.replace('-', "");
    let (isbn, title) = BOOKS
        .into_iter()
        .find(|(known, _)| *known == isbn)
        .ok_or_else(|| HttpError::not_found(format!("No book {isbn}.")))?;
    Ok(Json(json!({ "isbn": isbn, "title": title })))
}

/// `GET`/`DELETE /loans/{id}`, `id` a `uuid`.
pub(crate) fn loan(Path(id): Path<Uuid>, request: Request) -> Result<Response, HttpError> {
    if request.method() == minik::Method::DELETE {
        return Ok(Response::new(Body::Empty).with_status(StatusCode::NO_CONTENT));
    }
    Err(HttpError::not_found(format!("No loan {id}.")))
}

/// `GET /openapi.json`: the document computed at startup.
fn openapi(document: &OnceLock<String>) -> Result<Response, HttpError> {
    let document = document
        .get()
        .ok_or_else(|| HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "The app is starting."))?;
    // `Response::new` sends `Content-Type: application/json`, minik's default.
    Ok(Response::new(Body::Text(document.clone())))
}

/// The app, with its OpenAPI document ready to serve.
///
/// The document is `App::routes().openapi(..)`: the table the app routes with, so it cannot
/// drift from the routes file. A handler cannot reach the app it belongs to, so the document
/// is written once the app is built, into a cell its handler shares.
pub(crate) fn app() -> Result<App, Diagnostics> {
    let document = Arc::new(OnceLock::new());
    let served = Arc::clone(&document);
    let app = App::from_toml("examples/openapi/routes.toml", include_str!("routes.toml"))
        .handler("list_books", list_books)
        .handler("get_book", get_book)
        .handler("loan", loan)
        .handler("openapi", move || openapi(&served))
        .build()?;
    // The document is JSON to edit like any other before it is served.
    let mut spec = app.routes().openapi("Bookshelf", None);
    spec["info"]["version"] = env!("CARGO_PKG_VERSION").into();
    spec["info"]["description"] = "Served by the minik openapi example.".into();
    let _ = document.set(spec.to_string());
    Ok(app)
}
