//! The application: a compiled route table with a handler bound to every route.
//!
//! Design note: [`App::call`] is a few named steps. [`App::prepare`] does everything that
//! needs no waiting: one router lookup decides where a request goes ([`App::route`]): a route's
//! handler, a CORS preflight minik answers, or a 404 or 405 with the CORS policy that applies;
//! the request's span is made and the handler and its middleware called ([`App::dispatch`]).
//! [`Handling::complete`] then waits for the reply, adds the CORS headers and applies the app's
//! defaults ([`App::finish`]). The split keeps the request out of every future: an
//! invocation's future is moved whole at each level, and it holds only what waiting needs.

mod build;
mod contract;
mod errors;
mod stream;
#[cfg(feature = "tower")]
mod tower;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use http::{HeaderValue, Method, StatusCode, header};
use tracing::Instrument;

pub use self::build::AppBuilder;
use self::errors::ErrorWriter;
#[cfg(feature = "tower")]
pub use self::tower::ServiceBody;
use crate::error::HttpError;
use crate::event::{self, EventError, Parsed, ReplyShape};
use crate::handler::{BoxedHandler, Reply};
use crate::middleware::{Hook, Next};
use crate::request::Request;
use crate::response::{Body, IntoResponse, Response};
use crate::router::{Allow, Lookup, ParamValue, Params, RouteId};
use crate::spec::{self, Cors, Route, RouteTable};

/// A minik application: routes from a TOML file, each bound to a named handler.
///
/// Built with [`App::from_file`] or [`App::from_toml`], then [`AppBuilder::handler`] for each
/// handler and [`AppBuilder::build`], which checks the file and the handlers against each other
/// and reports every mismatch at once.
///
/// Cloning an app is cheap: the clones share it.
#[derive(Debug, Clone)]
pub struct App {
    table: Arc<RouteTable>,
    /// What each route runs, by route id.
    bound: Arc<[Bound]>,
    /// `AppBuilder::state`; `None` when there is none, so that requests do not carry it.
    state: Option<Arc<http::Extensions>>,
    errors: ErrorWriter,
}

/// A route's handler and middleware chain.
struct Bound {
    handler: BoxedHandler,
    /// `None` for a route without middleware, which then costs nothing per request.
    hooks: Option<Arc<[Hook]>>,
}

impl std::fmt::Debug for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bound")
            .field("hooks", &self.hooks.as_ref().map_or(0, |hooks| hooks.len()))
            .finish_non_exhaustive()
    }
}

/// Where one lookup sends a request.
enum Destination<'a> {
    /// A route's handler, with the request's path parameters.
    Route(RouteId, Vec<(String, ParamValue<'static>)>),
    /// A CORS preflight, answered by minik for the route that takes the requested method.
    Preflight(Response),
    /// No route takes the path: 404.
    NotFound,
    /// Routes take the path but not the method: 405, with the CORS policy of one of them.
    MethodNotAllowed {
        allow: Allow,
        cors: Option<&'a Arc<Cors>>,
    },
}

/// A request taken as far as it goes without waiting ([`App::prepare`]): the reply to wait
/// for, and what the response needs once it is there.
struct Handling<'a> {
    reply: Reply,
    span: tracing::Span,
    started: std::time::Instant,
    /// The CORS policy that applies, if any.
    cors: Option<&'a Arc<Cors>>,
    origin: Option<HeaderValue>,
    /// The route whose handler gave the reply.
    dispatched: Option<RouteId>,
    head: bool,
    /// The reply is final as it is (a preflight, a request that could not be read): no CORS
    /// headers, no app defaults.
    finished: bool,
}

impl Handling<'_> {
    /// A response given before any route was looked up.
    fn answered(response: Response) -> Handling<'static> {
        Handling {
            reply: Reply::Ready(response),
            span: tracing::Span::none(),
            started: std::time::Instant::now(),
            cors: None,
            origin: None,
            dispatched: None,
            head: false,
            finished: true,
        }
    }

    /// Waits for the reply, then adds the CORS headers and the app's defaults.
    async fn complete(self, app: &App) -> Response {
        let mut response = match self.reply {
            Reply::Ready(response) => response,
            Reply::Pending(future) => future.instrument(self.span.clone()).await,
        };
        if !self.finished {
            if let Some(id) = self.dispatched {
                app.log_failure(id, &response, &self.span);
            }
            // Errors carry the CORS headers too, or the browser would hide them from the page.
            if let Some(cors) = self.cors {
                cors.apply(self.origin.as_ref(), &mut response);
            }
            app.finish(&mut response, self.head);
        }
        record_outcome(&self.span, &response, self.started);
        response
    }
}

impl App {
    /// Starts an app from a routes file. A file that cannot be read is reported by
    /// [`AppBuilder::build`], with every other problem.
    ///
    /// Relative paths are resolved from the working directory; to ship the file inside the
    /// binary, use `App::from_toml("routes.toml", include_str!("../routes.toml"))`.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> AppBuilder {
        AppBuilder::new(crate::config::read_file(path.as_ref()))
    }

    /// Starts an app from TOML text; `name` is the file name diagnostics report.
    pub fn from_toml(name: &str, text: &str) -> AppBuilder {
        AppBuilder::new(Ok((name.to_owned(), text.to_owned())))
    }

    /// A client for tests: requests of any source, answered through the real event path.
    /// See [`TestClient`](crate::TestClient).
    pub fn test(&self) -> crate::TestClient<'_> {
        crate::TestClient::new(self)
    }

    /// The compiled route table.
    pub fn routes(&self) -> &RouteTable {
        &self.table
    }

    /// Whether error details are sent in responses (`[app] debug = true`).
    pub fn debug(&self) -> bool {
        self.table.settings.debug
    }

    /// Routes a request to its handler and returns the handler's response, with minik's
    /// defaults applied: 404 and 405 from the router, `[app.headers]`, no body for HEAD, and
    /// error details only in debug mode. Never panics, whatever the handler does.
    pub async fn call(&self, request: Request) -> Response {
        self.handle(request, false).await
    }

    /// [`App::call`]; `in_runtime_span` says that the request is answered inside
    /// lambda_runtime's invocation span, as `run` answers on Lambda (see [`request_span`]).
    fn handle(
        &self,
        request: Request,
        in_runtime_span: bool,
    ) -> impl Future<Output = Response> + Send + '_ {
        self.prepare(request, in_runtime_span).complete(self)
    }

    /// Takes a request as far as it goes without waiting: routed, its span made, its handler
    /// called. The request is handed on here and never held in a future: the future of an
    /// invocation is moved whole at every level (the runtime's, the payload's), so it is kept
    /// to what waiting needs.
    fn prepare(&self, mut request: Request, in_runtime_span: bool) -> Handling<'_> {
        let started = std::time::Instant::now();
        let head = request.method() == Method::HEAD;
        // CORS needs the request's `Origin` after the handler has taken the request.
        let origin = request.headers().get(header::ORIGIN).cloned();
        let destination = self.route(&request, origin.as_ref());
        let route = match &destination {
            Destination::Route(id, _) => Some(self.table.route(*id).template()),
            _ => None,
        };
        let span = request_span(&request, route, in_runtime_span);
        let (mut cors, mut dispatched, mut finished) = (None, None, false);
        let reply = match destination {
            Destination::Route(id, params) => {
                let route = self.table.route(id);
                cors = route.cors();
                match check_contract(route, &mut request) {
                    Err(error) => Reply::Ready(error.into_response()),
                    Ok(()) => {
                        request.params = params;
                        request.state.clone_from(&self.state);
                        dispatched = Some(id);
                        self.dispatch(id, request, &span)
                    }
                }
            }
            Destination::Preflight(response) => {
                finished = true;
                Reply::Ready(response)
            }
            Destination::NotFound => {
                cors = self.table.settings.cors.as_ref();
                Reply::Ready(HttpError::not_found("Not Found").into_response())
            }
            Destination::MethodNotAllowed {
                allow,
                cors: policy,
            } => {
                cors = policy;
                Reply::Ready(method_not_allowed(allow))
            }
        };
        Handling {
            reply,
            span,
            started,
            cors,
            origin,
            dispatched,
            head,
            finished,
        }
    }

    /// Looks the request up once and decides where it goes.
    ///
    /// A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is
    /// answered by minik, with the CORS policy of the route that takes the requested method,
    /// unless the route the `OPTIONS` request reaches lists `OPTIONS` itself.
    fn route(&self, request: &Request, origin: Option<&HeaderValue>) -> Destination<'_> {
        let table = &self.table;
        let requested = origin
            .filter(|_| request.method == Method::OPTIONS)
            .and_then(|origin| {
                let requested = request
                    .headers()
                    .get(header::ACCESS_CONTROL_REQUEST_METHOD)?;
                Some((origin, Method::from_bytes(requested.as_bytes()).ok()?))
            });
        let mut params = Params::new();
        let path = request.route_path();
        let lookup = table.lookup(&request.method, path, request.path_decoded, &mut params);
        let headers = request.headers();
        let preflight = |routes: &[RouteId], (origin, requested): (&HeaderValue, Method)| {
            let route = table.pick(routes, &requested)?;
            let cors = route.cors()?;
            let allowed = route.methods().unwrap_or_else(|| vec![requested]);
            Some(Destination::Preflight(
                cors.preflight(origin, &allowed, headers),
            ))
        };
        match lookup {
            Lookup::Found { route, mut passed } => {
                if let Some(requested) = requested {
                    if !table.route(route).lists_options() {
                        passed.push(route);
                        if let Some(preflight) = preflight(&passed, requested) {
                            return preflight;
                        }
                    }
                }
                let names = table
                    .route(route)
                    .params()
                    .iter()
                    .map(|(name, _)| name.clone());
                let values = params.into_iter().map(|value| value.into_owned());
                Destination::Route(route, names.zip(values).collect())
            }
            Lookup::MethodNotAllowed { routes } => {
                if let Some(preflight) =
                    requested.and_then(|requested| preflight(&routes, requested))
                {
                    return preflight;
                }
                let allow = table.allow(&routes);
                // The CORS policy of the route that would take the first allowed method.
                let route = allow
                    .iter()
                    .next()
                    .and_then(|method| table.pick(&routes, &method));
                let cors = match route {
                    Some(route) => route.cors(),
                    None => table.settings.cors.as_ref(),
                };
                Destination::MethodNotAllowed { allow, cors }
            }
            Lookup::NotFound => Destination::NotFound,
        }
    }

    /// Runs route `id`'s middleware and handler, inside the request's span, as far as they go
    /// without waiting: the handler's reply, or the future that will give it.
    fn dispatch(&self, id: RouteId, request: Request, span: &tracing::Span) -> Reply {
        let bound = &self.bound[id];
        match &bound.hooks {
            None => span.in_scope(|| (bound.handler)(request)),
            Some(hooks) => {
                let chain = Next::chain(Arc::clone(hooks), Arc::clone(&bound.handler));
                Reply::Pending(Box::pin(chain.run(request)))
            }
        }
    }

    /// Logs the details of a handler's failure (sent in responses only in debug mode).
    fn log_failure(&self, id: RouteId, response: &Response, span: &tracing::Span) {
        if let Some(details) = response.failure.as_ref().and_then(|f| f.details.as_ref()) {
            let _entered = span.enter();
            let handler = self.table.route(id).handler();
            tracing::error!(handler, %details, "handler failed, answered 500");
        }
    }

    /// Answers one Lambda invocation payload: the event of any HTTP source in, the response
    /// payload for that source out. This is what runs for each invocation on Lambda,
    /// without the Lambda runtime: local mode, tests and benchmarks go through it.
    ///
    /// # Errors
    ///
    /// An [`EventError`] when the payload is not an HTTP request (an authorizer or WebSocket
    /// event, a JSON array, bytes that are not JSON): there is no HTTP client to answer, so
    /// the invocation itself fails. An HTTP request minik cannot read (a body flagged
    /// `isBase64Encoded` that is not base64, an invalid header) is answered with a 400.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio_test(async {
    /// let app = minik::App::from_toml("routes.toml", "[[route]]\npath = \"/hello/{name}\"\nhandler = \"hello\"")
    ///     .handler("hello", |minik::Path(name): minik::Path<String>| name)
    ///     .build()?;
    /// let event = br#"{"version": "2.0", "rawPath": "/hello/ada", "rawQueryString": "",
    ///     "requestContext": {"http": {"method": "GET"}, "stage": "$default"}}"#;
    /// let reply = app.respond(event).await?;
    /// let reply: serde_json::Value = serde_json::from_slice(&reply)?;
    /// assert_eq!(reply["statusCode"], 200);
    /// assert_eq!(reply["body"], "ada");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// # fn tokio_test<F: std::future::Future>(f: F) -> F::Output {
    /// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    /// # }
    /// ```
    pub async fn respond(&self, event: &[u8]) -> Result<Vec<u8>, EventError> {
        self.respond_with_context(event, None).await
    }

    /// As [`App::respond`], with the Lambda context of the invocation, which handlers reach
    /// with [`Request::context`].
    ///
    /// # Errors
    ///
    /// As [`App::respond`].
    pub async fn respond_with_context(
        &self,
        event: &[u8],
        context: Option<Arc<lambda_runtime::Context>>,
    ) -> Result<Vec<u8>, EventError> {
        let event = bytes::Bytes::copy_from_slice(event);
        let payload = self.respond_payload(&event, context, false).await?;
        Ok(event::reply(payload.shape, payload.response))
    }

    /// Answers one invocation payload held in shared bytes (as the Lambda runtime receives
    /// them, which the request then keeps without a copy), with a reply that is serialized
    /// once, by whoever writes it out. A streamed body is collected: this reply is one payload.
    /// `in_runtime_span`: as for [`App::answer`].
    pub(crate) async fn respond_payload(
        &self,
        event: &bytes::Bytes,
        context: Option<Arc<lambda_runtime::Context>>,
        in_runtime_span: bool,
    ) -> Result<event::ReplyPayload, EventError> {
        let (shape, answering) = self.answer(event, context, in_runtime_span)?;
        let mut response = answering.await;
        if let Body::Stream(_) = response.body() {
            response = self.buffer(response).await;
        }
        Ok(event::ReplyPayload { shape, response })
    }

    /// Reads an invocation payload: the shape of its source's reply, and the future of the
    /// response itself, its body not collected (for streaming). `in_runtime_span` is true where
    /// the invocation runs inside lambda_runtime's span (`run` on Lambda). The event is read,
    /// and the request handed on, before the future is made (see [`App::prepare`]).
    pub(crate) fn answer(
        &self,
        event: &bytes::Bytes,
        context: Option<Arc<lambda_runtime::Context>>,
        in_runtime_span: bool,
    ) -> Result<(ReplyShape, impl Future<Output = Response> + Send + '_), EventError> {
        let options = event::Options {
            base_path: self.table.settings.base_path.as_deref(),
            max_body: self.table.largest_body(),
        };
        let Parsed { shape, request } = event::parse_shared(event, options)?;
        let handling = match request {
            Ok(mut request) => {
                request.context = context;
                self.prepare(request, in_runtime_span)
            }
            // A request that cannot be read is answered before any route is looked up.
            Err(error) => {
                let mut response = error.into_response();
                self.finish(&mut response, false);
                Handling::answered(response)
            }
        };
        Ok((shape, handling.complete(self)))
    }

    /// The app's defaults: errors in the app's shape (details only in debug mode),
    /// `[app.headers]`, and no body where HTTP has none (HEAD, 1xx, 204, 304).
    fn finish(&self, response: &mut Response, head: bool) {
        if let Some(failure) = response.failure.take() {
            self.errors.write(response, *failure);
        }
        let settings = &self.table.settings;
        for name in settings.headers.keys() {
            if !response.headers().contains_key(name) {
                for value in settings.headers.get_all(name) {
                    // A full map (32,768 entries, only a handler can do that) keeps what it has.
                    let _ = response.headers_mut().try_append(name, value.clone());
                }
            }
        }
        let status = response.status();
        if status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED
        {
            response.set_body(Body::Empty);
            response.headers_mut().remove(header::CONTENT_TYPE);
        } else if head {
            response.set_body(Body::Empty);
        }
    }
}

/// Checks a routed request against what its route declares: the body's size, then, for a
/// route that declares them, its query parameters (parsed for `Query<T>`) and its body.
fn check_contract(route: &Route, request: &mut Request) -> Result<(), HttpError> {
    if request.body.len() > route.max_body() {
        return Err(HttpError::body_too_large(
            request.body.len(),
            route.max_body(),
        ));
    }
    if !route.query().is_empty() {
        request.query_values = spec::read_query(route.query(), request.query.iter())?;
    }
    if let Some(body) = route.body() {
        body.check(request.header("content-type"), &request.body)?;
    }
    Ok(())
}

/// Whether the process has served a request yet.
static SERVED: AtomicBool = AtomicBool::new(false);

/// The request's span, made once the lookup has named the route, so that every field but the
/// outcome is given at creation: a subscriber formats a span's fields again each time one is
/// recorded, and with JSON logs it re-reads the ones it has. `cold_start` is true for the
/// first request the process serves, as Powertools' logger says it; the X-Ray trace id comes
/// from the Lambda context, or from the environment variable Lambda (and `cargo lambda`) sets.
///
/// Inside lambda_runtime's invocation span (`Lambda runtime invoke`, with `requestId` and
/// `xrayTraceId`: `run` on Lambda), the request id and the trace id are that span's and are
/// not repeated, so that each log line names them once.
fn request_span(request: &Request, route: Option<&str>, in_runtime_span: bool) -> tracing::Span {
    let cold_start = !SERVED.swap(true, Ordering::Relaxed);
    // A field given `None` is left out of the span.
    let ids = !in_runtime_span;
    tracing::info_span!(
        "request",
        request_id = ids.then(|| request.request_id().unwrap_or("-")),
        method = request.method.as_str(),
        cold_start,
        xray_trace_id = if ids { trace_id(request) } else { None }.as_deref(),
        route,
        status = tracing::field::Empty,
        duration_us = tracing::field::Empty,
    )
}

/// Records the answer's status and the time taken on the request's span, unless nothing can
/// read them: the subscriber [`run`](crate::run) installs writes a span's fields only with the
/// events inside it, and none comes after the answer. Any other subscriber gets them (a layer
/// that logs or exports closed spans, as the observability example's does).
fn record_outcome(span: &tracing::Span, response: &Response, started: std::time::Instant) {
    if OUTCOME_UNREAD.load(Ordering::Relaxed) {
        return;
    }
    tracing::record_all!(
        span,
        status = response.status().as_u16(),
        duration_us = started.elapsed().as_micros() as u64
    );
}

/// Set when [`run`](crate::run) installed its own subscriber: see [`record_outcome`].
static OUTCOME_UNREAD: AtomicBool = AtomicBool::new(false);

/// Called by [`run`](crate::run) once its own subscriber is the process's.
pub(crate) fn outcome_unread() {
    OUTCOME_UNREAD.store(true, Ordering::Relaxed);
}

/// The X-Ray trace id of the invocation: the Lambda context's, else `_X_AMZN_TRACE_ID`'s.
fn trace_id(request: &Request) -> Option<std::borrow::Cow<'_, str>> {
    let from_context = request
        .context
        .as_deref()
        .and_then(|c| c.xray_trace_id.as_deref());
    match from_context {
        Some(id) => Some(std::borrow::Cow::Borrowed(id)),
        None => std::env::var("_X_AMZN_TRACE_ID")
            .ok()
            .map(std::borrow::Cow::Owned),
    }
}

/// A 405 with its `Allow` header.
fn method_not_allowed(allow: Allow) -> Response {
    let error = HttpError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    let mut response = error.into_response();
    if let Ok(value) = HeaderValue::from_str(&allow.to_string()) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}
