//! Errors: [`HttpError`] for the answers a handler means to give (400, 404, ...), [`Error`] for
//! anything a handler returns with `?`, which answers 500, and [`RunError`] for why
//! [`run`](crate::run) stopped.

use std::fmt;

use http::StatusCode;

use crate::diagnostic::Diagnostics;

/// An HTTP error answer: a status and a message, sent as `{"error_message": "<message>"}`.
///
/// This is minik's `BadRequestError`, `NotFoundError` and friends, as one type.
///
/// # Examples
///
/// ```
/// use minik::HttpError;
///
/// fn find(name: &str) -> Result<String, HttpError> {
///     if name == "FINDME" {
///         return Err(HttpError::bad_request("This is not a supported name."));
///     }
///     Ok(format!("hello {name}"))
/// }
/// assert_eq!(find("FINDME").unwrap_err().status(), 400);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    status: StatusCode,
    message: String,
    errors: Vec<FieldError>,
}

impl HttpError {
    /// An error answer with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        HttpError {
            status,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// The same answer, naming the fields of the request that did not fit: they are sent in
    /// an `errors` list, one object per field (`{"in": "query", "name": "limit", "message":
    /// "..."}`).
    ///
    /// # Examples
    ///
    /// ```
    /// use minik::{FieldError, HttpError};
    ///
    /// let error = HttpError::bad_request("2 query parameters are invalid").with_errors([
    ///     FieldError::query("limit", "expected an integer"),
    ///     FieldError::query("done", "expected `true` or `false`"),
    /// ]);
    /// assert_eq!(error.errors().len(), 2);
    /// ```
    #[must_use]
    pub fn with_errors(mut self, errors: impl IntoIterator<Item = FieldError>) -> Self {
        self.errors.extend(errors);
        self
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 Unauthorized.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403 Forbidden.
    pub fn forbidden(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::NOT_FOUND, message)
    }

    /// 409 Conflict.
    pub fn conflict(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::CONFLICT, message)
    }

    /// 422 Unprocessable Entity.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// 429 Too Many Requests.
    pub fn too_many_requests(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::TOO_MANY_REQUESTS, message)
    }

    /// 413: the body of `len` bytes is more than the `limit` a route accepts.
    pub(crate) fn body_too_large(len: usize, limit: usize) -> Self {
        let message =
            format!("the request body is {len} bytes, more than the {limit} bytes accepted");
        HttpError::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// The status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message sent in `error_message`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The fields of the request that did not fit, if the error names them.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub(crate) fn set_status(&mut self, status: StatusCode) {
        self.status = status;
    }
}

/// Where in the request a [`FieldError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldLocation {
    /// A query parameter, by name.
    Query,
    /// A path parameter, by name.
    Path,
    /// A header, by name.
    Header,
    /// A part of the body, by JSON pointer (`/items/0/title`; empty for the whole body).
    Body,
}

impl FieldLocation {
    /// `query`, `path`, `header` or `body`, as error bodies write it.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldLocation::Query => "query",
            FieldLocation::Path => "path",
            FieldLocation::Header => "header",
            FieldLocation::Body => "body",
        }
    }
}

/// One part of a request that did not fit what the route declares, as an error answer lists
/// it: `{"in": "query", "name": "limit", "message": "expected an integer"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    location: FieldLocation,
    name: String,
    message: String,
}

impl FieldError {
    /// A field error at any location.
    pub fn new(
        location: FieldLocation,
        name: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            location,
            name: name.into(),
            message: message.into(),
        }
    }

    /// A query parameter that did not fit.
    pub fn query(name: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError::new(FieldLocation::Query, name, message)
    }

    /// A part of the body that did not fit, by JSON pointer.
    pub fn body(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError::new(FieldLocation::Body, pointer, message)
    }

    /// Where the field is.
    pub fn location(&self) -> FieldLocation {
        self.location
    }

    /// The field's name (a JSON pointer for the body).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The object an error body lists.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "in": self.location.as_str(), "name": self.name, "message": self.message })
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for HttpError {}

/// Any error a handler returns: an [`HttpError`] answers with its status; anything else answers
/// 500 with a generic message, and with its chain of causes only in debug mode.
///
/// Like `anyhow::Error`, it converts from every `std::error::Error` with `?`, and so does not
/// implement `std::error::Error` itself.
pub struct Error {
    inner: Box<dyn std::error::Error + Send + Sync + 'static>,
}

impl Error {
    /// The `HttpError` this error is, if it is one.
    pub fn as_http(&self) -> Option<&HttpError> {
        self.inner.downcast_ref()
    }

    /// The error and its causes, outermost first.
    pub fn chain(&self) -> Vec<String> {
        let mut chain = vec![self.inner.to_string()];
        let mut source = self.inner.source();
        while let Some(cause) = source {
            chain.push(cause.to_string());
            source = cause.source();
        }
        chain
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(error: E) -> Self {
        Error {
            inner: Box::new(error),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

/// `Result<T, minik::Error>`, the usual return type of a handler.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why [`run`](crate::run) stopped. Its `Debug` is its `Display`, so that `main` returning it
/// prints a readable message.
pub struct RunError {
    message: String,
}

impl RunError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        RunError {
            message: message.into(),
        }
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RunError {}

impl From<Diagnostics> for RunError {
    fn from(diagnostics: Diagnostics) -> Self {
        RunError::new(diagnostics.to_string())
    }
}
