//! The notes API's handlers. None of them mentions CORS: `routes.toml` declares it, and minik
//! adds the headers to every response, errors included, and answers preflight requests.
//!
//! A module of its own so that the tests can build the same app (`tests/integration`).

use minik::http::{HeaderValue, StatusCode, header};
use minik::{App, AppBuilder, HttpError, Json, Path, Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

const NOTES: [&str; 2] = ["buy milk", "call Ada"];

/// `GET /notes`.
pub(crate) fn list_notes() -> Json<Value> {
    let notes: Vec<Value> = (1..)
        .zip(NOTES)
        .map(|(id, text)| json!({ "id": id, "text": text }))
        .collect();
    Json(json!({ "notes": notes }))
}

#[derive(Deserialize)]
pub(crate) struct NewNote {
    text: String,
}

/// `POST /notes`: 201 with a `Location` header, which `[app.cors] expose_headers` lets the
/// page read.
pub(crate) fn create_note(Json(note): Json<NewNote>) -> minik::Result<Response> {
    if note.text.trim().is_empty() {
        return Err(HttpError::bad_request("A note needs some text.").into());
    }
    let id = NOTES.len() + 1;
    let location = HeaderValue::try_from(format!("/notes/{id}"))?;
    Ok(Response::json(&json!({ "id": id, "text": note.text }))
        .with_status(StatusCode::CREATED)
        .with_header(header::LOCATION, location))
}

/// `GET /notes/{id}`, `id` an `int`.
pub(crate) fn get_note(Path(id): Path<usize>) -> Result<Json<Value>, HttpError> {
    let text = id
        .checked_sub(1)
        .and_then(|index| NOTES.get(index))
        .ok_or_else(|| HttpError::not_found(format!("No note {id}.")))?;
    Ok(Json(json!({ "id": id, "text": text })))
}

/// `GET /session`: reads the session cookie, which a browser sends cross-origin only when the
/// route allows credentials.
pub(crate) fn session(request: Request) -> Result<Json<Value>, HttpError> {
    let user = request
        .cookie("session")
        .ok_or_else(|| HttpError::unauthorized("Sign in first."))?;
    Ok(Json(json!({ "user": user })))
}

/// `GET /health`: readable by any page.
pub(crate) fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `POST /webhooks/payments`: server to server, so `cors = false`.
pub(crate) fn payment_webhook() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// The app: the routes file embedded in the binary, each handler registered by name.
pub(crate) fn app() -> AppBuilder {
    App::from_toml("examples/cors/routes.toml", include_str!("routes.toml"))
        .handler("list_notes", list_notes)
        .handler("create_note", create_note)
        .handler("get_note", get_note)
        .handler("session", session)
        .handler("health", health)
        .handler("payment_webhook", payment_webhook)
}
