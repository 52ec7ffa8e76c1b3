//! The request a handler sees, whatever source sent it.

use http::{HeaderMap, Method};

use crate::router::ParamValue;

/// An HTTP request routed to a handler.
///
/// Handlers take it whole (`fn(Request)`) or through extractors such as
/// [`Path`](crate::Path) and [`Json`](crate::Json).
#[derive(Debug, Clone)]
pub struct Request {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
    /// Set by routing: the matched parameters, in template order.
    pub(crate) params: Vec<(String, ParamValue<'static>)>,
}

impl Request {
    /// A request with no headers and no body. `path` is the path as a client sends it:
    /// percent-encoded, without the query string.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            headers: HeaderMap::new(),
            body: Vec::new(),
            params: Vec::new(),
        }
    }

    /// Sets the headers.
    #[must_use]
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path as the client sent it (percent-encoded).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The headers (case-insensitive names, several values per name).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The path parameter `name`, parsed as its declared type.
    pub fn param(&self, name: &str) -> Option<&ParamValue<'static>> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value)
    }

    /// The path parameters in template order.
    pub fn params(&self) -> &[(String, ParamValue<'static>)] {
        &self.params
    }
}
