//! A client for users' tests: requests of any source, answered through the real event path.

use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::app::App;
use crate::event::EventError;
use crate::event::synth::{self, HttpRequest};
use crate::source::Source;

/// Builds requests for an app, as [`App::test`] returns it.
///
/// Each request becomes the event its source would send (an HTTP API event unless
/// [`TestRequest::source`] says otherwise), goes through [`App::respond`] exactly as on Lambda,
/// and the reply is read back into a [`TestResponse`]. No events written by hand.
///
/// # Examples
///
/// ```
/// use minik::{App, Json, Path, Source};
/// use serde_json::{Value, json};
///
/// fn hello(Path(name): Path<String>) -> Json<Value> {
///     Json(json!({ "hello": name }))
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let app = App::from_toml("routes.toml", "[[route]]\npath = \"/hello/{name}\"\nhandler = \"hello\"")
///     .handler("hello", hello)
///     .build()?;
///
/// let response = app.test().get("/hello/ada").source(Source::Alb).send().await?;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.json::<Value>()?, json!({ "hello": "ada" }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TestClient<'a> {
    app: &'a App,
}

impl<'a> TestClient<'a> {
    pub(crate) fn new(app: &'a App) -> Self {
        TestClient { app }
    }

    /// A request with any method; `path` is what a client sends (percent-encoded, and with a
    /// query string if any).
    pub fn request(&self, method: Method, path: &str) -> TestRequest<'a> {
        TestRequest {
            app: self.app,
            method,
            path: path.to_owned(),
            headers: HeaderMap::new(),
            body: Vec::new(),
            source: Source::HttpApi,
            multi_value: false,
        }
    }

    /// A GET request.
    pub fn get(&self, path: &str) -> TestRequest<'a> {
        self.request(Method::GET, path)
    }

    /// A POST request.
    pub fn post(&self, path: &str) -> TestRequest<'a> {
        self.request(Method::POST, path)
    }

    /// A PUT request.
    pub fn put(&self, path: &str) -> TestRequest<'a> {
        self.request(Method::PUT, path)
    }

    /// A PATCH request.
    pub fn patch(&self, path: &str) -> TestRequest<'a> {
        self.request(Method::PATCH, path)
    }

    /// A DELETE request.
    pub fn delete(&self, path: &str) -> TestRequest<'a> {
        self.request(Method::DELETE, path)
    }

    /// A HEAD request.
    pub fn head(&self, path: &str) -> TestRequest<'a> {
        self.request(Method::HEAD, path)
    }
}

/// A request being built by a [`TestClient`].
#[derive(Debug)]
#[must_use = "a TestRequest does nothing until `.send()` is awaited"]
pub struct TestRequest<'a> {
    app: &'a App,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
    source: Source,
    multi_value: bool,
}

impl TestRequest<'_> {
    /// The source the request comes from (an HTTP API unless set).
    pub fn source(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    /// For [`Source::Alb`]: a target group with multi-value headers turned on, which sends
    /// `multiValueHeaders` and takes the reply in them (every `Set-Cookie` included). Off by
    /// default, as on a new target group: its replies carry one value per header. Other
    /// sources have one mode and ignore it.
    ///
    /// # Examples
    ///
    /// ```
    /// use minik::cookie::Cookie;
    /// use minik::{App, Response, Source};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let app = App::from_toml("routes.toml", "[[route]]\npath = \"/login\"\nhandler = \"login\"")
    ///     .handler("login", || Response::default().with_cookie(("a", "1")).with_cookie(("b", "2")))
    ///     .build()?;
    ///
    /// let single = app.test().post("/login").source(Source::Alb).send().await?;
    /// assert_eq!(single.headers().get_all("set-cookie").iter().count(), 1); // b=2 only
    /// let multi = app.test().post("/login").source(Source::Alb).multi_value(true).send().await?;
    /// assert_eq!(multi.headers().get_all("set-cookie").iter().count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn multi_value(mut self, on: bool) -> Self {
        self.multi_value = on;
        self
    }

    /// Adds a header.
    ///
    /// # Panics
    ///
    /// When `name` or `value` is not valid HTTP: a mistake in the test itself.
    #[track_caller]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        let value = HeaderValue::from_str(value).expect("a valid header value");
        self.headers.append(name, value);
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets the body to `value` as JSON, and `Content-Type: application/json`.
    ///
    /// # Panics
    ///
    /// When `value` cannot be serialized (a map with non-string keys).
    #[track_caller]
    pub fn json(mut self, value: &impl Serialize) -> Self {
        self.body = serde_json::to_vec(value).expect("a value that serializes to JSON");
        self.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        self
    }

    /// Sends the request as its source's event and reads the reply.
    ///
    /// # Errors
    ///
    /// The app's [`EventError`] if it refused the event (which a request built here is not).
    pub async fn send(self) -> Result<TestResponse, EventError> {
        let (path, query) = self.path.split_once('?').unwrap_or((&self.path, ""));
        let request = HttpRequest {
            method: &self.method,
            path,
            query,
            headers: &self.headers,
            body: &self.body,
            source_ip: "127.0.0.1",
            multi_value: self.multi_value,
        };
        let event =
            serde_json::to_vec(&synth::event_for(self.source, &request)).unwrap_or_default();
        let reply = self.app.respond(&event).await?;
        let (status, headers, body) = synth::read_reply(&reply)
            .ok_or_else(|| EventError::new("the app's reply could not be read back"))?;
        let reply = serde_json::from_slice(&reply).unwrap_or_default();
        Ok(TestResponse {
            status,
            headers,
            body,
            reply,
        })
    }
}

/// The response to a [`TestRequest`], read back from the reply payload.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    reply: serde_json::Value,
}

impl TestResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers, `Set-Cookie` included whatever field the source carries it in.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name`, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body, base64-decoded if the reply was.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of type `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The reply payload as the source receives it (`statusCode`, `headers`, ...).
    pub fn reply(&self) -> &serde_json::Value {
        &self.reply
    }
}
