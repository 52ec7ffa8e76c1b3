//! The request a handler sees, whatever source sent it.

use std::sync::{Arc, LazyLock, OnceLock};

use http::{HeaderMap, Method, header};
use lambda_runtime::Context;
use serde::de::DeserializeOwned;

use crate::error::HttpError;
use crate::router::ParamValue;
use crate::source::Source;

mod pairs;

pub(crate) use self::pairs::TextPairs;

/// An HTTP request routed to a handler: the same type for API Gateway (REST and HTTP APIs),
/// ALB, Function URLs and VPC Lattice.
///
/// Handlers take it whole (`fn(Request)`) or through extractors such as
/// [`Path`](crate::Path) and [`Json`](crate::Json). The raw event ([`Request::event`]) and the
/// Lambda context ([`Request::context`]) stay reachable, as minik's `aws_event` and
/// `aws_context` are.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    /// The path as the event carried it.
    pub(crate) raw_path: String,
    /// Where the path minik routes on starts in `raw_path`: after the stage an HTTP API puts
    /// in front of it and the base path (an offset, where a copy of the rest would cost an
    /// allocation per event). See [`Request::route_path`].
    pub(crate) route_start: usize,
    pub(crate) path_decoded: bool,
    pub(crate) headers: HeaderMap,
    /// Decoded query parameters, in order, repeats kept.
    pub(crate) query: TextPairs,
    pub(crate) body: Vec<u8>,
    /// Set by routing: the matched parameters, in template order.
    pub(crate) params: Vec<(String, ParamValue<'static>)>,
    /// Set by routing, for a route that declares `query`: the declared parameters, parsed.
    pub(crate) query_values: QueryValues,
    pub(crate) source: Option<Source>,
    pub(crate) request_id: Option<String>,
    pub(crate) source_ip: Option<String>,
    pub(crate) stage: Option<String>,
    pub(crate) stage_variables: TextPairs,
    pub(crate) event: Option<Arc<EventBytes>>,
    pub(crate) context: Option<Arc<Context>>,
    /// Values middleware leaves for the handler (the authenticated user, say).
    pub(crate) extensions: http::Extensions,
    /// The app's shared state (`AppBuilder::state`), when it has some.
    pub(crate) state: Option<Arc<http::Extensions>>,
}

/// The values of a route's declared query parameters, by name, parsed as their types (the
/// default where absent; none for an absent optional one), for `Query<T>`.
pub(crate) type QueryValues = Vec<(String, Vec<ParamValue<'static>>)>;

/// The event's bytes as Lambda delivered them, parsed into JSON only if a handler asks for it
/// ([`Request::event`]).
#[derive(Debug)]
pub(crate) struct EventBytes {
    pub(crate) bytes: bytes::Bytes,
    pub(crate) json: OnceLock<serde_json::Value>,
}

impl Request {
    /// A request with no headers, query or body, as if from no particular source: for tests.
    /// `path` is the path as a client sends it: percent-encoded, with an optional query string.
    ///
    /// # Examples
    ///
    /// ```
    /// use minik::{Method, Request};
    ///
    /// let request = Request::new(Method::GET, "/search?q=caf%C3%A9&page=2");
    /// assert_eq!(request.path(), "/search");
    /// assert_eq!(request.query("q"), Some("café"));
    /// ```
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let mut path = path.into();
        let query = match path.split_once('?') {
            Some((_, query)) => parse_query(query),
            None => TextPairs::default(),
        };
        if let Some(at) = path.find('?') {
            path.truncate(at);
        }
        Request {
            method,
            raw_path: path,
            route_start: 0,
            path_decoded: false,
            headers: HeaderMap::new(),
            query,
            body: Vec::new(),
            params: Vec::new(),
            query_values: Vec::new(),
            source: None,
            request_id: None,
            source_ip: None,
            stage: None,
            stage_variables: TextPairs::default(),
            event: None,
            context: None,
            extensions: http::Extensions::new(),
            state: None,
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

    /// The path the request was routed on, percent-decoded (`/my%20path` is `/my path`):
    /// without the stage an HTTP API puts in front of it, nor the `[app] base_path`.
    pub fn path(&self) -> std::borrow::Cow<'_, str> {
        if self.path_decoded {
            std::borrow::Cow::Borrowed(self.route_path())
        } else {
            percent_encoding::percent_decode_str(self.route_path()).decode_utf8_lossy()
        }
    }

    /// The path minik routes on: stage and base path removed, still percent-encoded unless
    /// `path_decoded` (HTTP APIs deliver `rawPath` already decoded).
    pub(crate) fn route_path(&self) -> &str {
        routed(&self.raw_path, self.route_start)
    }

    /// The path exactly as the event carried it (for HTTP APIs, already decoded by API
    /// Gateway; elsewhere percent-encoded), stage and base path included.
    pub fn raw_path(&self) -> &str {
        &self.raw_path
    }

    /// The headers (case-insensitive names, several values per name).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to change: a `before` hook can set one for the handler (a header the
    /// client must not send, such as one carrying the caller's verified identity).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The first value of header `name`, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The first value of query parameter `name`, decoded.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name)
    }

    /// Every value of query parameter `name`, in order.
    pub fn query_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query.values(name)
    }

    /// All query parameters as `(name, value)`, decoded, in order, repeats included.
    pub fn query_pairs(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone {
        self.query.iter()
    }

    /// The cookies of the `Cookie` headers, as `(name, value)`.
    pub fn cookies(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
    }

    /// The value of cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The body as bytes (base64-decoded when the event said `isBase64Encoded`).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text.
    ///
    /// # Errors
    ///
    /// A 400 when the body is not UTF-8.
    pub fn text(&self) -> Result<&str, HttpError> {
        std::str::from_utf8(&self.body)
            .map_err(|_| HttpError::bad_request("the body is not valid UTF-8 text"))
    }

    /// The body parsed as JSON into `T` (`serde_json::Value` for any JSON).
    ///
    /// # Errors
    ///
    /// A 400 whose message names the problem, such as
    /// `invalid JSON body: expected value at line 1 column 1`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body)
            .map_err(|error| HttpError::bad_request(format!("invalid JSON body: {error}")))
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

    /// Values attached to the request by middleware, by type: a `before` hook that
    /// authenticates the caller can leave the user here for the handler, which reads it with
    /// [`extensions`](Request::extensions) or the [`Extension`](crate::Extension) extractor.
    pub fn extensions(&self) -> &http::Extensions {
        &self.extensions
    }

    /// The request's extensions, to add to. See [`Request::extensions`].
    ///
    /// # Examples
    ///
    /// ```
    /// use minik::{HttpError, Request};
    ///
    /// #[derive(Clone)]
    /// struct User(String);
    ///
    /// fn authenticate(mut request: Request) -> Result<Request, HttpError> {
    ///     let user = match request.header("authorization") {
    ///         Some("Bearer ada-token") => User("ada".to_owned()),
    ///         _ => return Err(HttpError::unauthorized("Unknown token.")),
    ///     };
    ///     request.extensions_mut().insert(user);
    ///     Ok(request)
    /// }
    /// # let _ = minik::App::from_toml("r", "").before("authenticate", authenticate);
    /// ```
    pub fn extensions_mut(&mut self) -> &mut http::Extensions {
        &mut self.extensions
    }

    /// The app's shared state of type `T`, given with
    /// [`AppBuilder::state`](crate::AppBuilder::state); handlers usually take
    /// [`State<T>`](crate::State) instead, which `build()` checks. For middleware hooks.
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.state.as_ref()?.get::<T>()
    }

    /// Which service sent the request; `None` for a request built in code.
    pub fn source(&self) -> Option<Source> {
        self.source
    }

    /// The request id of the source (`requestContext.requestId`), or else the Lambda request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref().or_else(|| {
            self.context
                .as_deref()
                .map(|c| c.request_id.as_str())
                .filter(|id| !id.is_empty())
        })
    }

    /// The client's IP address as the source reports it (API Gateway's `sourceIp`, or the
    /// first address of `X-Forwarded-For` behind an ALB or VPC Lattice).
    pub fn source_ip(&self) -> Option<&str> {
        self.source_ip.as_deref()
    }

    /// The API Gateway stage (`prod`, `$default`), for the sources that have one.
    pub fn stage(&self) -> Option<&str> {
        self.stage.as_deref()
    }

    /// The API Gateway stage variable `name`.
    pub fn stage_variable(&self, name: &str) -> Option<&str> {
        self.stage_variables.get(name)
    }

    /// The raw event, as JSON (minik's `aws_event`); `Value::Null` for a request built in code.
    pub fn event(&self) -> &serde_json::Value {
        static NULL: serde_json::Value = serde_json::Value::Null;
        match &self.event {
            Some(event) => event
                .json
                .get_or_init(|| serde_json::from_slice(&event.bytes).unwrap_or_default()),
            None => &NULL,
        }
    }

    /// The raw event's bytes, exactly as Lambda delivered them.
    pub fn event_bytes(&self) -> &[u8] {
        self.event.as_ref().map_or(&[], |event| &event.bytes)
    }

    /// The authorizer's output (`requestContext.authorizer`), when the API has an authorizer.
    pub fn authorizer(&self) -> Option<&serde_json::Value> {
        self.event()
            .pointer("/requestContext/authorizer")
            .filter(|v| !v.is_null())
    }

    /// The claims of a JWT or Cognito authorizer (`authorizer.jwt.claims` on HTTP APIs,
    /// `authorizer.claims` on REST APIs).
    pub fn claims(&self) -> Option<&serde_json::Value> {
        let authorizer = self.authorizer()?;
        authorizer
            .pointer("/jwt/claims")
            .or_else(|| authorizer.get("claims"))
            .filter(|v| v.is_object())
    }

    /// The Lambda context of the invocation (minik's `aws_context`); an empty one outside Lambda.
    pub fn context(&self) -> &Context {
        static EMPTY: LazyLock<Context> = LazyLock::new(Context::default);
        self.context.as_deref().unwrap_or(&EMPTY)
    }
}

/// Decodes a query string: `a=1&b=x%20y&a=2`, `+` as a space, as browsers send forms.
pub(crate) fn parse_query(query: &str) -> TextPairs {
    let mut pairs = TextPairs::with_capacity(0, query.len());
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        pairs.push(&name, &value);
    }
    pairs
}

/// `raw_path` from `start`, the offset of the path to route on; `/` when the prefixes removed
/// took all of it (`/prod` without the stage `prod`).
pub(crate) fn routed(raw_path: &str, start: usize) -> &str {
    match raw_path.get(start..) {
        None | Some("") => "/",
        Some(path) => path,
    }
}
