//! Responses: status 200 and `Content-Type: application/json` unless the handler says otherwise.

use http::header::{CONTENT_TYPE, HeaderName, HeaderValue, SET_COOKIE};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

use crate::chunks::StreamBody;
use crate::error::{Error, FieldError, HttpError};

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
    /// Chunks sent as they are produced, where the app streams; see
    /// `minik::stream`.
    Stream(StreamBody),
}

impl Body {
    /// The body as bytes; empty for a stream, whose chunks are not here yet.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Empty | Body::Stream(_) => &[],
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
    /// The parts of an error answer, so that the app writes it in its error shape.
    pub(crate) failure: Option<Box<Failure>>,
}

/// An error answer's parts, kept with its response until the app finishes it: the app writes
/// every error in one shape (minik's, RFC 9457's, or its own `error_handler`'s), and adds the
/// details of a 500 only in debug mode.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub(crate) error: HttpError,
    /// A 500's error chain or panic, for the log and, in debug mode, the body.
    pub(crate) details: Option<serde_json::Value>,
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
            failure: None,
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

    /// Adds a `Set-Cookie` header for `cookie` (see [`cookie::Cookie`](crate::cookie::Cookie)
    /// for its attributes). Every source gets all of a response's cookies, except an ALB
    /// target group in single-value mode and VPC Lattice, whose replies carry one `Set-Cookie`
    /// header: the last is sent, and the others are named in a warning in the log.
    ///
    /// # Examples
    ///
    /// ```
    /// use minik::cookie::{Cookie, SameSite};
    /// use minik::Response;
    ///
    /// let session = Cookie::build(("session", "abc123"))
    ///     .http_only(true)
    ///     .secure(true)
    ///     .same_site(SameSite::Lax)
    ///     .path("/");
    /// let response = Response::default().with_cookie(session).with_cookie(("theme", "dark"));
    /// let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
    /// assert_eq!(cookies[0], "session=abc123; HttpOnly; SameSite=Lax; Secure; Path=/");
    /// assert_eq!(cookies[1], "theme=dark");
    /// ```
    #[must_use]
    pub fn with_cookie<'c>(mut self, cookie: impl Into<cookie::Cookie<'c>>) -> Self {
        let cookie = cookie.into();
        match HeaderValue::from_str(&cookie.to_string()) {
            Ok(value) => {
                self.headers.append(SET_COOKIE, value);
                self
            }
            Err(_) => invalid_header(format!("cookie `{}`", cookie.name().escape_debug())),
        }
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

    /// The answer for `error`, in minik's shape until the app writes it in its own; `details`
    /// are kept for the log, and for the body in debug mode.
    pub(crate) fn failure(error: HttpError, details: Option<serde_json::Value>) -> Self {
        let body = minik_error_body(&error, None);
        let mut response = Response::new(Body::Text(body)).with_status(error.status());
        response.failure = Some(Box::new(Failure { error, details }));
        response
    }
}

/// Anything a handler can return.
///
/// Implemented for [`Response`], [`Json`], `serde_json::Value` (JSON), `String` and `&'static str`
/// (text), `Vec<u8>` (binary), `()` (empty), [`StatusCode`], [`HttpError`], [`Error`],
/// `Result<T, E>` of any of these, and axum's tuple forms around any of them: `(StatusCode, T)`,
/// headers in front of the body as an array of pairs or a [`HeaderMap`], with and without a
/// status (`([(HeaderName, &str); N], T)`, `(StatusCode, [(HeaderName, &str); N], T)`,
/// `(HeaderMap, T)`, `(StatusCode, HeaderMap, T)`). A header that is not valid HTTP is answered
/// with a 500, its reason in the log.
pub trait IntoResponse {
    /// Whether the type streams its body (`Streaming`,
    /// `Sse`), so that `build()` can check the app's invoke mode.
    #[doc(hidden)]
    const STREAMS: bool = false;

    /// Converts `self` into a response.
    fn into_response(self) -> Response;
}

/// A value serialized as a JSON response body, and, as an extractor, a JSON request body.
///
/// As an extractor it reads the body as JSON into `T`: a body that is not JSON of that shape
/// is a **400** naming the problem (`invalid JSON body: missing field `title` at line 1
/// column 2`). A request whose `Content-Type` says it is something else (a form, text) is a
/// **415**; one without a `Content-Type` is read as JSON, as clients such as `curl -d` often
/// send none. JSON is `application/json` or any `+json` type, parameters and case ignored.
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
    const STREAMS: bool = T::STREAMS;

    fn into_response(self) -> Response {
        self.1.into_response().with_status(self.0)
    }
}

/// Headers in front of a body: `([(header::LOCATION, "/todos/7")], Json(todo))`. A name given
/// once replaces the body's header of that name (its `Content-Type`, say); given several
/// times, it is sent with each value. A name or value that is not valid HTTP is a 500, with
/// the reason in the log.
impl<K, V, const N: usize, T> IntoResponse for ([(K, V); N], T)
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
    T: IntoResponse,
{
    const STREAMS: bool = T::STREAMS;

    fn into_response(self) -> Response {
        with_headers(self.1.into_response(), self.0)
    }
}

/// A status, headers and a body: `(StatusCode::CREATED, [(header::LOCATION, "/todos/7")],
/// Json(todo))`.
impl<K, V, const N: usize, T> IntoResponse for (StatusCode, [(K, V); N], T)
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
    T: IntoResponse,
{
    const STREAMS: bool = T::STREAMS;

    fn into_response(self) -> Response {
        with_headers(self.2.into_response(), self.1).with_status(self.0)
    }
}

/// A header map in front of a body: each of its names replaces the body's header of that name.
impl<T: IntoResponse> IntoResponse for (HeaderMap, T) {
    const STREAMS: bool = T::STREAMS;

    fn into_response(self) -> Response {
        with_header_map(self.1.into_response(), self.0)
    }
}

/// A status, a header map and a body.
impl<T: IntoResponse> IntoResponse for (StatusCode, HeaderMap, T) {
    const STREAMS: bool = T::STREAMS;

    fn into_response(self) -> Response {
        with_header_map(self.2.into_response(), self.1).with_status(self.0)
    }
}

/// `response` with `headers` set: the first value of a name replaces what the response had,
/// the next ones are added.
fn with_headers<K, V>(mut response: Response, headers: impl IntoIterator<Item = (K, V)>) -> Response
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    let mut set = HeaderMap::new();
    for (name, value) in headers {
        let Ok(name) = name.try_into() else {
            return invalid_header("a header name".to_owned());
        };
        let Ok(value) = value.try_into() else {
            return invalid_header(format!("the value of header `{name}`"));
        };
        set.append(name, value);
    }
    with_header_map_in(&mut response, set);
    response
}

fn with_header_map(mut response: Response, headers: HeaderMap) -> Response {
    with_header_map_in(&mut response, headers);
    response
}

fn with_header_map_in(response: &mut Response, headers: HeaderMap) {
    let mut last = None;
    for (name, value) in headers {
        // `HeaderMap`'s iterator gives a name with its first value only.
        match name {
            Some(name) => {
                response.headers.insert(name.clone(), value);
                last = Some(name);
            }
            None => {
                if let Some(name) = &last {
                    response.headers.append(name.clone(), value);
                }
            }
        }
    }
}

/// The 500 for a header a handler built that is not valid HTTP (a value with a line break, a
/// name with a space): `what` it was goes to the log, and to the body in debug mode.
fn invalid_header(what: String) -> Response {
    internal_error(serde_json::json!({ "error": [format!("{what} is not valid HTTP")] }))
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        Response::failure(self, None)
    }
}

impl IntoResponse for Error {
    /// An `HttpError` keeps its status; anything else is a 500 whose details the app adds in
    /// debug mode (see [`App`](crate::App)), so they are never sent by accident.
    fn into_response(self) -> Response {
        match self.as_http() {
            Some(http) => http.clone().into_response(),
            None => internal_error(serde_json::json!({ "error": self.chain() })),
        }
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    const STREAMS: bool = T::STREAMS || E::STREAMS;

    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

/// minik's answer to a failure it will not describe: 500 `Internal server error.`, with
/// `details` for the log (and the body in debug mode).
pub(crate) fn internal_error(details: serde_json::Value) -> Response {
    let error = HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.");
    Response::failure(error, Some(details))
}

/// minik's error body: `{"error_message": "..."}`, with `errors` when the error names fields
/// and `details` when they are given (debug mode).
pub(crate) fn minik_error_body(error: &HttpError, details: Option<&serde_json::Value>) -> String {
    let mut body = serde_json::json!({ "error_message": error.message() });
    if !error.errors().is_empty() {
        body["errors"] = error.errors().iter().map(FieldError::to_json).collect();
    }
    if let Some(details) = details {
        body["details"] = details.clone();
    }
    body.to_string()
}
