//! The application: a compiled route table with a handler bound to every route.

use std::collections::HashMap;
use std::panic::Location;

use std::sync::Arc;

use http::{HeaderValue, Method, StatusCode, header};

use tracing::Instrument;

use crate::cors::Cors;
use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, suggestion};
use crate::event::{self, EventError, Parsed};
use crate::extract::{Kind, Schema, StateNeed};
use crate::handler::{BoxedHandler, Handler, boxed};
use crate::middleware::{After, Around, Before, Hook, Next};
use crate::request::Request;
use crate::response::{Body, IntoResponse, Response};
use crate::router::{MatchError, ParamType, Route, RouteTable};

/// A minik application: routes from a TOML file, each bound to a named handler.
///
/// Built with [`App::from_file`] or [`App::from_toml`], then [`AppBuilder::handler`] for each
/// handler and [`AppBuilder::build`], which checks the file and the handlers against each other
/// and reports every mismatch at once.
#[derive(Debug)]
pub struct App {
    table: RouteTable,
    /// What each route runs, by route index.
    bound: Vec<Bound>,
    /// `AppBuilder::state`; `None` when there is none, so that requests do not carry it.
    state: Option<Arc<http::Extensions>>,
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

/// An [`App`] being assembled: the routes file and the handlers registered so far.
#[must_use = "an AppBuilder does nothing until `.build()` is called"]
pub struct AppBuilder {
    file: Result<(String, String), Diagnostic>,
    registrations: Vec<Registration>,
    hooks: Vec<HookRegistration>,
    state: http::Extensions,
    /// The type of each `.state(..)` value, where it was given.
    state_types: Vec<(StateNeed, &'static Location<'static>)>,
}

struct Registration {
    name: String,
    handler: BoxedHandler,
    schema: Option<Schema>,
    states: Vec<StateNeed>,
    caller: &'static Location<'static>,
}

struct HookRegistration {
    name: String,
    hook: Hook,
    caller: &'static Location<'static>,
}

impl std::fmt::Debug for AppBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.registrations.iter().map(|r| r.name.as_str()).collect();
        let hooks: Vec<&str> = self.hooks.iter().map(|r| r.name.as_str()).collect();
        f.debug_struct("AppBuilder")
            .field("handlers", &names)
            .field("middleware", &hooks)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Starts an app from a routes file. A file that cannot be read is reported by
    /// [`AppBuilder::build`], with every other problem.
    ///
    /// Relative paths are resolved from the working directory; to ship the file inside the
    /// binary, use `App::from_toml("routes.toml", include_str!("../routes.toml"))`.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> AppBuilder {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::read_to_string(path)
            .map(|text| (name.clone(), text))
            .map_err(|e| Diagnostic::io(&name, &e));
        AppBuilder::new(file)
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
    pub async fn call(&self, mut request: Request) -> Response {
        let started = std::time::Instant::now();
        let head = request.method() == Method::HEAD;
        // One span per request; `route`, `status` and `duration_us` are filled in as known.
        let span = tracing::info_span!(
            "request",
            request_id = request.request_id().unwrap_or("-"),
            method = request.method.as_str(),
            route = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_us = tracing::field::Empty,
        );
        let settings = &self.table.settings;
        // CORS needs the request's `Origin` after the handler has taken the request.
        let origin = request.headers().get(header::ORIGIN).cloned();
        if let Some(response) = self.preflight(&request, origin.as_ref()) {
            span.record("status", response.status().as_u16());
            return response;
        }
        let found = self
            .table
            .lookup(&request.method, request.route_path(), request.path_decoded)
            .map(|found| {
                let index = found.index();
                let names = found.route().params().iter().map(|(name, _)| name.clone());
                let values = found
                    .into_values()
                    .into_iter()
                    .map(|value| value.into_owned());
                (index, names.zip(values).collect())
            });
        let (mut response, cors) = match found {
            Ok((index, params)) => {
                request.params = params;
                request.state.clone_from(&self.state);
                let route = self.table.route(index);
                span.record("route", route.template());
                let response = self.dispatch(index, request, &span).await;
                (response, route.cors(settings.cors.as_ref()))
            }
            Err(error) => self.unrouted(error, &request),
        };
        // Errors carry the CORS headers too, or the browser would hide them from the page.
        if let Some(cors) = cors {
            cors.apply(origin.as_ref(), &mut response);
        }
        self.finish(&mut response, head);
        span.record("status", response.status().as_u16());
        span.record("duration_us", started.elapsed().as_micros() as u64);
        response
    }

    /// Runs route `index`'s middleware and handler, inside the request's span.
    async fn dispatch(&self, index: usize, request: Request, span: &tracing::Span) -> Response {
        let bound = &self.bound[index];
        let response = match &bound.hooks {
            None => {
                let reply = span.in_scope(|| (bound.handler)(request));
                reply.resolve().instrument(span.clone()).await
            }
            Some(hooks) => {
                let chain = Next::chain(Arc::clone(hooks), Arc::clone(&bound.handler));
                chain.run(request).instrument(span.clone()).await
            }
        };
        if let Some(details) = &response.internal {
            let _entered = span.enter();
            let handler = self.table.route(index).handler();
            tracing::error!(handler, %details, "handler failed, answered 500");
        }
        response
    }

    /// The 404 or 405 for a request no route takes, with the CORS policy that applies to it:
    /// for a 405, that of a route of the path (it may have its own), else the app's.
    fn unrouted(&self, error: MatchError, request: &Request) -> (Response, Option<&Arc<Cors>>) {
        let app_cors = self.table.settings.cors.as_ref();
        match error {
            MatchError::MethodNotAllowed { allow } => {
                let path_route = allow.first().and_then(|method| {
                    let found =
                        self.table
                            .lookup(method, request.route_path(), request.path_decoded);
                    found.ok().map(|m| m.route())
                });
                let cors = path_route.map_or(app_cors, |route| route.cors(app_cors));
                (method_not_allowed(&allow), cors)
            }
            MatchError::NotFound => (
                Response::error(StatusCode::NOT_FOUND, "Not Found", None),
                app_cors,
            ),
        }
    }

    /// The answer to a CORS preflight request (`OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`) for a path with a CORS policy, unless the route that
    /// would take the requested method lists `OPTIONS` itself.
    fn preflight(&self, request: &Request, origin: Option<&HeaderValue>) -> Option<Response> {
        let origin = origin.filter(|_| request.method == Method::OPTIONS)?;
        let requested = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)?;
        let requested = Method::from_bytes(requested.as_bytes()).ok()?;
        let table = &self.table;
        let found = table
            .lookup(&requested, request.route_path(), request.path_decoded)
            .ok()?;
        let route = found.route();
        if route.lists_options() {
            return None;
        }
        let cors = route.cors(table.settings.cors.as_ref())?;
        let allowed = route.methods().unwrap_or_else(|| vec![requested.clone()]);
        Some(cors.preflight(origin, &allowed, request.headers()))
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
        let Parsed { origin, request } = event::parse(event, &self.table.settings)?;
        let response = match request {
            Ok(mut request) => {
                request.context = context;
                self.call(request).await
            }
            Err(error) => {
                let mut response = error.into_response();
                self.finish(&mut response, false);
                response
            }
        };
        Ok(event::shape(origin, &response))
    }

    fn finish(&self, response: &mut Response, head: bool) {
        let settings = &self.table.settings;
        // A 500's details reach the body only in debug mode; without it they are dropped here.
        if let Some(details) = response.internal.take() {
            if settings.debug {
                *response =
                    Response::error(response.status(), "Internal server error.", Some(details));
            }
        }
        for name in settings.headers.keys() {
            if !response.headers().contains_key(name) {
                for value in settings.headers.get_all(name) {
                    // A full map (32,768 entries, only a handler can do that) keeps what it has.
                    let _ = response.headers_mut().try_append(name, value.clone());
                }
            }
        }
        if head {
            response.set_body(Body::Empty);
        }
    }
}

impl AppBuilder {
    fn new(file: Result<(String, String), Diagnostic>) -> Self {
        AppBuilder {
            file,
            registrations: Vec::new(),
            hooks: Vec::new(),
            state: http::Extensions::new(),
            state_types: Vec::new(),
        }
    }

    /// Gives a value every handler can take as [`State<T>`](crate::State) (and hooks read with
    /// [`Request::state`]): an SDK client, a connection pool, configuration read at cold start.
    /// One value per type; wrap what is costly to clone in an `Arc`.
    ///
    /// [`AppBuilder::build`] reports a handler taking a `State<T>` no call gave, and a type
    /// given twice.
    #[track_caller]
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state_types
            .push((StateNeed::of::<T>(), Location::caller()));
        self.state.insert(value);
        self
    }

    /// Registers `handler` under `name`, the name routes give in `handler = "..."`.
    ///
    /// Mistakes are reported by [`AppBuilder::build`], located at this call: a name registered
    /// twice, a name no route uses, a `Path<T>` that disagrees with a route.
    #[track_caller]
    pub fn handler<M, H: Handler<M>>(mut self, name: &str, handler: H) -> Self {
        self.registrations.push(Registration {
            name: name.to_owned(),
            handler: boxed(handler),
            schema: H::path_schema(),
            states: H::state_needs(),
            caller: Location::caller(),
        });
        self
    }

    /// Registers a `before` hook under `name`, the name the routes file lists in
    /// `middleware = [...]`: it runs before the handler and may answer in its place.
    ///
    /// Mistakes are reported by [`AppBuilder::build`], as for handlers: a name registered
    /// twice, a name the file never lists, a name the file lists but nothing registered.
    /// See [`Before`] and the [middleware guide](crate::middleware).
    ///
    /// # Examples
    ///
    /// ```
    /// use minik::{HttpError, Request};
    ///
    /// fn require_api_key(request: Request) -> Result<Request, HttpError> {
    ///     match request.header("x-api-key") {
    ///         Some("let-me-in") => Ok(request),
    ///         _ => Err(HttpError::unauthorized("A valid x-api-key header is required.")),
    ///     }
    /// }
    ///
    /// let app = minik::App::from_toml("routes.toml", r#"
    ///     [app]
    ///     middleware = ["require_api_key"]
    ///
    ///     [[route]]
    ///     path = "/orders"
    ///     handler = "orders"
    /// "#)
    /// .handler("orders", || "[]")
    /// .before("require_api_key", require_api_key)
    /// .build()?;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// assert_eq!(app.test().get("/orders").send().await?.status(), 401);
    /// let allowed = app.test().get("/orders").header("x-api-key", "let-me-in").send().await?;
    /// assert_eq!(allowed.status(), 200);
    /// # Ok::<(), minik::EventError>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn before<M, H: Before<M>>(self, name: &str, hook: H) -> Self {
        self.hook(name, Hook::before(hook), Location::caller())
    }

    /// Registers an `after` hook under `name`: it runs after the handler (or after a later
    /// hook answered) and returns the response to send. See [`After`] and
    /// [`AppBuilder::before`].
    #[track_caller]
    pub fn after<M, H: After<M>>(self, name: &str, hook: H) -> Self {
        self.hook(name, Hook::after(hook), Location::caller())
    }

    /// Registers an `around` hook under `name`: an async function given the request and
    /// [`Next`], the rest of the chain. See [`Around`] and [`AppBuilder::before`].
    #[track_caller]
    pub fn around<M, H: Around<M>>(self, name: &str, hook: H) -> Self {
        self.hook(name, Hook::around(hook), Location::caller())
    }

    fn hook(mut self, name: &str, hook: Hook, caller: &'static Location<'static>) -> Self {
        self.hooks.push(HookRegistration {
            name: name.to_owned(),
            hook,
            caller,
        });
        self
    }

    /// Checks the routes file and the handlers against each other and builds the app.
    ///
    /// # Errors
    ///
    /// Every problem at once, sorted by position: everything [`RouteTable::from_file`]
    /// reports, plus routes naming an unregistered handler, handlers registered twice or used
    /// by no route, handlers whose `Path<T>` disagrees with a route's parameters, and the same
    /// mistakes for middleware: names listed but not registered, registered twice, or
    /// registered but never listed.
    ///
    /// # Examples
    ///
    /// The one-line test that makes CI check handler names and types (`minik check` checks
    /// the file alone):
    ///
    /// ```
    /// # fn hello() -> &'static str { "hello" }
    /// # fn get_articles() -> &'static str { "articles" }
    /// fn app() -> minik::AppBuilder {
    ///     minik::App::from_file("routes.example.toml")
    ///         .handler("hello", hello)
    ///         # .handler("events", hello).handler("post_events", hello).handler("greetings", hello)
    ///         .handler("get_articles", get_articles)
    /// }
    ///
    /// // In `tests/routes.rs`, or a `#[cfg(test)]` module: mark this function `#[test]`.
    /// fn routes_and_handlers_agree() {
    ///     app().build().unwrap(); // panics with every diagnostic, located
    /// }
    /// # routes_and_handlers_agree();
    /// ```
    pub fn build(self) -> Result<App, Diagnostics> {
        crate::handler::record_panic_locations();
        let (name, text) = match self.file {
            Ok(file) => file,
            Err(diagnostic) => return Err(Diagnostics::new(vec![diagnostic])),
        };
        let mut diagnostics = Vec::new();
        let table = RouteTable::compile(&name, &text, &mut diagnostics);
        let by_name = index_by_name(
            &self.registrations,
            |r| (&r.name, r.caller),
            (DiagnosticKind::DuplicateHandler, "handler"),
            &mut diagnostics,
        );
        let registered: Vec<&str> = self.registrations.iter().map(|r| r.name.as_str()).collect();
        for (handler, span, route) in table.handler_refs() {
            let Some(registration) = by_name.get(handler) else {
                let mut message = format!("no handler named `{handler}` is registered");
                let register =
                    || format!(", register it with `.handler(\"{handler}\", {handler})`");
                message.push_str(&suggestion(handler, &registered).unwrap_or_else(register));
                diagnostics.push(Diagnostic::at(
                    DiagnosticKind::UnknownHandler,
                    &table.source,
                    span.clone(),
                    message,
                ));
                continue;
            };
            if let (Some(schema), Some(route)) = (&registration.schema, route) {
                let route = table.route(route);
                for problem in disagreements(schema, route) {
                    let message = format!(
                        "handler `{}` does not fit route `{}`: {problem}",
                        route.handler(),
                        route.template()
                    );
                    let span = span.clone();
                    let diagnostic =
                        Diagnostic::at(DiagnosticKind::ParamMismatch, &table.source, span, message)
                            .with_code_note(registration.caller, "handler registered here");
                    diagnostics.push(diagnostic);
                }
            }
        }
        for registration in &self.registrations {
            if !table
                .handler_refs()
                .any(|(handler, _, _)| handler == registration.name)
            {
                let message = format!(
                    "handler `{}` is registered but no route in {name} uses it",
                    registration.name
                );
                diagnostics.push(Diagnostic::in_code(
                    DiagnosticKind::UnusedHandler,
                    registration.caller,
                    message,
                ));
            }
        }
        let hooks = check_hooks(&self.hooks, &table, &registered, &mut diagnostics);
        check_states(&self.registrations, &self.state_types, &mut diagnostics);
        if !diagnostics.is_empty() {
            return Err(Diagnostics::new(diagnostics));
        }
        let bound = table
            .routes_by_index()
            .map(|route| Bound {
                handler: by_name[route.handler()].handler.clone(),
                hooks: (!route.middleware().is_empty()).then(|| {
                    let chain = route
                        .middleware()
                        .iter()
                        .map(|name| hooks[name.as_str()].clone());
                    chain.collect()
                }),
            })
            .collect();
        let state = (!self.state_types.is_empty()).then(|| Arc::new(self.state));
        Ok(App {
            table,
            bound,
            state,
        })
    }
}

/// Registrations by name, the first of each; a name registered twice is a diagnostic of
/// `kind` located at both calls.
fn index_by_name<'r, R>(
    registrations: &'r [R],
    name_and_caller: impl Fn(&'r R) -> (&'r str, &'static Location<'static>),
    (kind, what): (DiagnosticKind, &str),
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<&'r str, &'r R> {
    let mut by_name = HashMap::new();
    for registration in registrations {
        let (name, caller) = name_and_caller(registration);
        if let Some(first) = by_name.insert(name, registration) {
            let message = format!("{what} `{name}` is registered twice");
            let (_, first_caller) = name_and_caller(first);
            let diagnostic = Diagnostic::in_code(kind, caller, message)
                .with_code_note(first_caller, "first registered here");
            diagnostics.push(diagnostic);
        }
    }
    by_name
}

/// Checks the registered hooks against the names the routes file lists, and returns them by
/// name. `handlers` are the registered handlers' names, to point out a hook registered as one.
fn check_hooks<'r>(
    registrations: &'r [HookRegistration],
    table: &RouteTable,
    handlers: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<&'r str, Hook> {
    let by_name = index_by_name(
        registrations,
        |r| (&r.name, r.caller),
        (DiagnosticKind::DuplicateMiddleware, "middleware"),
        diagnostics,
    );
    let registered: Vec<&str> = registrations.iter().map(|r| r.name.as_str()).collect();
    for name in &table.middleware_refs {
        if by_name.contains_key(name.value.as_ref()) {
            continue;
        }
        let mut message = format!("no middleware named `{}` is registered", name.value);
        if handlers.contains(&name.value.as_ref()) {
            message.push_str(" (a handler has that name: middleware is registered with `.before`, `.after` or `.around`)");
        } else if let Some(suggestion) = suggestion(&name.value, &registered) {
            message.push_str(&suggestion);
        } else {
            message.push_str(&format!(
                ", register it with `.before(\"{0}\", {0})`, `.after(..)` or `.around(..)`",
                name.value
            ));
        }
        let span = name.span.clone();
        let diagnostic = Diagnostic::at(
            DiagnosticKind::UnknownMiddleware,
            &table.source,
            span,
            message,
        );
        diagnostics.push(diagnostic);
    }
    for registration in registrations {
        if !table
            .middleware_refs
            .iter()
            .any(|name| name.value == registration.name)
        {
            let message = format!(
                "middleware `{}` is registered but the routes file never lists it",
                registration.name
            );
            diagnostics.push(Diagnostic::in_code(
                DiagnosticKind::UnusedMiddleware,
                registration.caller,
                message,
            ));
        }
    }
    by_name
        .into_iter()
        .map(|(name, registration)| (name, registration.hook.clone()))
        .collect()
}

/// Checks that every `State<T>` a handler takes was given, and no type was given twice.
fn check_states(
    registrations: &[Registration],
    given: &[(StateNeed, &'static Location<'static>)],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (at, (need, caller)) in given.iter().enumerate() {
        if let Some((_, first)) = given[..at].iter().find(|(other, _)| other.id == need.id) {
            let message = format!("a `{}` is given twice with `.state(..)`", need.name);
            let diagnostic = Diagnostic::in_code(DiagnosticKind::DuplicateState, caller, message)
                .with_code_note(first, "first given here");
            diagnostics.push(diagnostic);
        }
    }
    for registration in registrations {
        for need in &registration.states {
            if !given.iter().any(|(other, _)| other.id == need.id) {
                let message = format!(
                    "handler `{}` takes `State<{1}>` but no `.state(..)` gives a `{1}`",
                    registration.name, need.name
                );
                let diagnostic =
                    Diagnostic::in_code(DiagnosticKind::MissingState, registration.caller, message);
                diagnostics.push(diagnostic);
            }
        }
    }
}

/// A 405 with its `Allow` header.
fn method_not_allowed(allow: &[Method]) -> Response {
    let allow: Vec<&str> = allow.iter().map(Method::as_str).collect();
    let mut response = Response::error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed", None);
    if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// Whether a handler field of `kind` can take a parameter declared `ty`.
fn fits(kind: Kind, ty: &ParamType) -> bool {
    match kind {
        Kind::Unknown => true,
        Kind::Text => matches!(ty, ParamType::Str | ParamType::Path | ParamType::Regex(_)),
        Kind::Int => *ty == ParamType::Int,
        Kind::Float => *ty == ParamType::Float,
        Kind::Bool => *ty == ParamType::Bool,
        Kind::Uuid => *ty == ParamType::Uuid,
    }
}

/// How a handler's expected parameters differ from a route's, one sentence each.
fn disagreements(schema: &Schema, route: &Route) -> Vec<String> {
    let params = route.params();
    let mismatch = |name: &str, kind: Kind, ty: &ParamType| {
        format!(
            "its `Path` takes `{name}` as `{}` but the routes file declares `{ty}`",
            kind.declared()
        )
    };
    let mut problems = Vec::new();
    match schema {
        Schema::Named(fields) => {
            for (field, kind) in fields {
                match params.iter().find(|(name, _)| name == field) {
                    None => problems.push(format!(
                        "its `Path` takes `{field}`, which the route does not have"
                    )),
                    Some((_, ty)) if !fits(*kind, ty) => problems.push(mismatch(field, *kind, ty)),
                    Some(_) => {}
                }
            }
            for (name, _) in params {
                if !fields.iter().any(|(field, _)| field == name) {
                    problems.push(format!(
                        "the route has `{name}`, which its `Path` does not take"
                    ));
                }
            }
        }
        Schema::Positional(kinds) if kinds.len() != params.len() => problems.push(format!(
            "its `Path` takes {} parameters but the route has {}",
            kinds.len(),
            params.len()
        )),
        Schema::Positional(kinds) => {
            for (kind, (name, ty)) in kinds.iter().zip(params) {
                if !fits(*kind, ty) {
                    problems.push(mismatch(name, *kind, ty));
                }
            }
        }
        Schema::Single(kind) => match params {
            [(name, ty)] if !fits(*kind, ty) => problems.push(mismatch(name, *kind, ty)),
            [_] => {}
            _ => problems.push(format!(
                "its `Path` takes 1 parameter but the route has {}",
                params.len()
            )),
        },
    }
    problems
}
