//! The bookshelf's handlers, and the OpenAPI document of its routes, served at
//! `GET /openapi.json`.
//!
//! A module of its own so that the tests can build the same app (`tests/integration`).

use std::sync::Arc;

use minik::http::StatusCode;
use minik::{App, Body, Diagnostics, HttpError, Json, Path, Request, Response, RouteTable, State};
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

/// The OpenAPI document, computed once at startup and shared by every request.
#[derive(Clone)]
pub(crate) struct OpenApi(Arc<str>);

/// `GET /openapi.json`.
pub(crate) fn openapi(State(OpenApi(document)): State<OpenApi>) -> Response {
    // `Response::new` sends `Content-Type: application/json`, minik's default.
    Response::new(Body::Text(document.to_string()))
}

const ROUTES_NAME: &str = "examples/openapi/routes.toml";
const ROUTES: &str = include_str!("routes.toml");

/// The app, with its OpenAPI document ready to serve.
///
/// The document is `RouteTable::openapi` of the very file the app routes with, so it cannot
/// drift from it: the file is compiled once for the document, once for the app.
pub(crate) fn app() -> Result<App, Diagnostics> {
    // The document is JSON to edit like any other before it is served.
    let mut spec = RouteTable::from_toml(ROUTES_NAME, ROUTES)?.openapi("Bookshelf", None);
    spec["info"]["version"] = env!("CARGO_PKG_VERSION").into();
    spec["info"]["description"] = "Served by the minik openapi example.".into();
    App::from_toml(ROUTES_NAME, ROUTES)
        .state(OpenApi(spec.to_string().into()))
        .handler("list_books", list_books)
        .handler("get_book", get_book)
        .handler("loan", loan)
        .handler("openapi", openapi)
        .build()
}
