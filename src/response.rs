//! Responses: status 200 and `Content-Type: application/json` unless the handler says otherwise.

use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

use crate::error::{Error, HttpError};

/// The body of a [`Response`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// Text (JSON included), sent as is.
    Text(String),
    /// Bytes, sent base64-encoded where the source needs it.
    Binary(Vec<u8>),
}

impl Body {
    /// The body as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Empty => &[],
            Body::Text(text) => text.as_bytes(),
            Body::Binary(bytes) => bytes,
        }
    }
}

/// An HTTP response, before it is shaped for the source that sent the request.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Body,
    /// The error chain of a 500, kept out of the body until the app decides (debug mode only).
    pub(crate) internal: Option<serde_json::Value>,
}

const JSON: HeaderValue = HeaderValue::from_static("application/json");

impl Default for Response {
    fn default() -> Self {
        Response::new(Body::Empty)
    }
}

impl Response {
    /// A 200 response with `Content-Type: application/json` and the given body.
    pub fn new(body: Body) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, JSON);
        Response {
            status: StatusCode::OK,
            headers,
            body,
            internal: None,
        }
    }

    /// A 200 response whose body is `value` serialized as JSON.
    ///
    /// A value that cannot be serialized (a map with non-string keys) gives a 500.
    pub fn json(value: &impl Serialize) -> Self {
        match serde_json::to_string(value) {
            Ok(text) => Response::new(Body::Text(text)),
            Err(error) => Error::from(error).into_response(),
        }
    }

    /// Sets the status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Sets a header, replacing any value it had (use [`Response::headers_mut`] to append).
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to change.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// Replaces the body.
    pub fn set_body(&mut self, body: Body) {
        self.body = body;
    }

    /// The error answer minik gives for `status` with `message`: `{"error_message": "..."}`.
    pub(crate) fn error(
        status: StatusCode,
        message: &str,
        details: Option<serde_json::Value>,
    ) -> Self {
        let mut body = serde_json::json!({ "error_message": message });
        if let Some(details) = details {
            body["details"] = details;
        }
        Response::new(Body::Text(body.to_string())).with_status(status)
    }
}

/// Anything a handler can return.
///
/// Implemented for [`Response`], [`Json`], `serde_json::Value` (JSON), `String` and `&'static str`
/// (text), `Vec<u8>` (binary), `()` (empty), [`StatusCode`], `(StatusCode, T)`, [`HttpError`],
/// [`Error`] and `Result<T, E>` of any of these.
pub trait IntoResponse {
    /// Converts `self` into a response.
    fn into_response(self) -> Response;
}

/// A value serialized as a JSON response body (and, as an extractor, a JSON request body).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        Response::json(&self.0)
    }
}

impl IntoResponse for serde_json::Value {
    fn into_response(self) -> Response {
        Response::new(Body::Text(self.to_string()))
    }
}

const TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

impl IntoResponse for String {
    fn into_response(self) -> Response {
        Response::new(Body::Text(self)).with_header(CONTENT_TYPE, TEXT)
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        self.to_owned().into_response()
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        let octets = HeaderValue::from_static("application/octet-stream");
        Response::new(Body::Binary(self)).with_header(CONTENT_TYPE, octets)
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(Body::Empty)
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        Response::new(Body::Empty).with_status(self)
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        self.1.into_response().with_status(self.0)
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        Response::error(self.status(), self.message(), None)
    }
}

impl IntoResponse for Error {
    /// An `HttpError` keeps its status; anything else is a 500 whose details the app adds in
    /// debug mode (see [`App`](crate::App)), so they are never sent by accident.
    fn into_response(self) -> Response {
        match self.as_http() {
            Some(http) => http.clone().into_response(),
            None => {
                let mut response = internal_error(None);
                response.internal = Some(serde_json::json!({ "error": self.chain() }));
                response
            }
        }
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

/// minik's answer to a failure it will not describe: 500 `Internal server error.`
pub(crate) fn internal_error(details: Option<serde_json::Value>) -> Response {
    Response::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal server error.",
        details,
    )
}
