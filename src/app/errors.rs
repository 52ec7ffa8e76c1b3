//! Every error answer in one shape: minik's `{"error_message": ...}`, RFC 9457's
//! `application/problem+json` (`[app] errors = "problem"`), or the app's own
//! ([`AppBuilder::error_handler`](crate::AppBuilder::error_handler)).
//!
//! Design note: an error answer is made where the error happens (a 404 in routing, a 400 in an
//! extractor, a handler's `HttpError`, a panic's 500), in minik's shape, and keeps its parts
//! ([`Failure`]) until the app finishes the response. Only then is it written in the app's
//! shape, so that one setting changes them all, 404s and 405s that match no route included, and
//! the details of a 500 reach the body only in debug mode.

use std::sync::Arc;

use http::header::{CONTENT_TYPE, HeaderValue};
use serde_json::{Value, json};

use crate::error::{FieldError, HttpError};
use crate::response::{Body, Failure, IntoResponse, Response, minik_error_body};
use crate::spec::ErrorStyle;

/// An app's own writer of error answers.
pub(crate) type ErrorHandler = Arc<dyn Fn(&HttpError, Option<&Value>) -> Response + Send + Sync>;

/// How an app writes its error answers.
#[derive(Clone, Default)]
pub(crate) struct ErrorWriter {
    pub(crate) style: ErrorStyle,
    pub(crate) handler: Option<ErrorHandler>,
    /// `[app] debug`: the details of a 500 go into the body.
    pub(crate) debug: bool,
}

impl std::fmt::Debug for ErrorWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErrorWriter")
            .field("style", &self.style)
            .field("handler", &self.handler.is_some())
            .field("debug", &self.debug)
            .finish()
    }
}

const PROBLEM: HeaderValue = HeaderValue::from_static("application/problem+json");

impl ErrorWriter {
    /// Writes `response`, an error answer made with these parts, in the app's shape. The
    /// headers it had (`Allow`, CORS, a handler's own) stay unless the new answer sets them.
    pub(crate) fn write(&self, response: &mut Response, failure: Failure) {
        let Failure { mut error, details } = failure;
        // A handler may have changed the status of its error, with `(StatusCode, HttpError)`.
        error.set_status(response.status());
        let details = details.filter(|_| self.debug);
        let written = match (&self.handler, self.style) {
            (Some(handler), _) => handler(&error, details.as_ref()),
            (None, ErrorStyle::Problem) => problem(&error, details.as_ref()),
            (None, ErrorStyle::Minik) if details.is_some() => {
                let body = minik_error_body(&error, details.as_ref());
                Response::new(Body::Text(body)).with_status(error.status())
            }
            // Made in this shape already.
            (None, ErrorStyle::Minik) => return,
        };
        let made = std::mem::replace(response, written);
        for name in made.headers().keys() {
            if name != CONTENT_TYPE && !response.headers().contains_key(name) {
                for value in made.headers().get_all(name) {
                    let _ = response.headers_mut().try_append(name, value.clone());
                }
            }
        }
    }
}

/// RFC 9457's problem details: `type` (`about:blank`: the status says it all), `title` (the
/// status's reason), `status`, `detail` (the message), and the extension members `errors`
/// (the fields that did not fit) and, in debug mode, `details`.
fn problem(error: &HttpError, details: Option<&Value>) -> Response {
    let status = error.status();
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": error.message(),
    });
    if !error.errors().is_empty() {
        body["errors"] = error.errors().iter().map(FieldError::to_json).collect();
    }
    if let Some(details) = details {
        body["details"] = details.clone();
    }
    let mut response = Response::new(Body::Text(body.to_string())).with_status(status);
    response.headers_mut().insert(CONTENT_TYPE, PROBLEM);
    response
}

/// Wraps an app's error handler, whatever it returns.
pub(crate) fn handler<F, R>(f: F) -> ErrorHandler
where
    F: Fn(&HttpError, Option<&Value>) -> R + Send + Sync + 'static,
    R: IntoResponse,
{
    Arc::new(move |error, details| {
        let mut response = f(error, details).into_response();
        // An error the handler itself returns is not written again.
        response.failure = None;
        response
    })
}
