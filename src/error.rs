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
}

impl HttpError {
    /// An error answer with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        HttpError {
            status,
            message: message.into(),
        }
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
