//! Building an app: handlers and hooks registered by name, checked against the routes file.
//!
//! Design note: [`AppBuilder::build`] compiles the routes file ([`spec::compile`]) and checks
//! what was registered against it, reporting every mismatch at once with the file's own
//! diagnostics: names the file gives that nothing registered, registrations the file never
//! names, a `Path<T>` that does not fit a route's parameters, `State<T>` nobody gave. Each
//! route is then bound to its handler and its middleware chain.

use std::collections::{HashMap, HashSet};
use std::panic::Location;
use std::sync::Arc;

use super::contract;
use super::errors::{self, ErrorHandler, ErrorWriter};
use super::{App, Bound};
use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, suggestion};
use crate::error::HttpError;
use crate::extract::{BodyExtractor, FieldShape, Kind, Schema, StateNeed};
use crate::handler::{BoxedHandler, Handler, boxed};
use crate::middleware::{After, Around, Before, Hook};
use crate::response::IntoResponse;
use crate::router::{CustomType, ParamType};
use crate::spec::{self, References, Registry, Route, RouteTable};

/// An [`App`] being assembled: the routes file and the handlers registered so far.
#[must_use = "an AppBuilder does nothing until `.build()` is called"]
pub struct AppBuilder {
    file: Result<(String, String), Diagnostic>,
    registrations: Vec<Registration>,
    hooks: Vec<HookRegistration>,
    state: http::Extensions,
    /// The type of each `.state(..)` value, where it was given.
    state_types: Vec<(StateNeed, &'static Location<'static>)>,
    error_handler: Option<ErrorHandler>,
    types: Vec<TypeRegistration>,
    /// Schema files embedded with `.schema(..)`, by the path the routes file gives.
    schemas: HashMap<String, String>,
}

struct Registration {
    name: String,
    handler: BoxedHandler,
    schema: Option<Schema>,
    states: Vec<StateNeed>,
    query: Option<Vec<FieldShape>>,
    body: Option<BodyExtractor>,
    /// The handler's return type streams its body.
    streams: bool,
    caller: &'static Location<'static>,
}

struct TypeRegistration {
    custom: Arc<CustomType>,
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

impl AppBuilder {
    pub(super) fn new(file: Result<(String, String), Diagnostic>) -> Self {
        AppBuilder {
            file,
            registrations: Vec::new(),
            hooks: Vec::new(),
            state: http::Extensions::new(),
            state_types: Vec::new(),
            error_handler: None,
            types: Vec::new(),
            schemas: HashMap::new(),
        }
    }

    /// Gives the text of a JSON Schema file that a route's `body` names as `path`, so that an
    /// app whose routes file is embedded in the binary (`App::from_toml(.., include_str!(..))`)
    /// can embed its schemas too: on Lambda, only what the binary holds is certain to be there.
    /// A schema file not given here is read from the disk, relative to the routes file.
    ///
    /// # Examples
    ///
    /// ```
    /// let routes = r#"
    ///     [[route]]
    ///     path = "/todos"
    ///     methods = ["POST"]
    ///     handler = "create"
    ///     body = { type = "json", schema = "schemas/new_todo.json" }
    /// "#;
    /// let app = minik::App::from_toml("routes.toml", routes)
    ///     // In an app: `include_str!("../schemas/new_todo.json")`.
    ///     .schema("schemas/new_todo.json", r#"{"type": "object", "required": ["title"]}"#)
    ///     .handler("create", |minik::Json(todo): minik::Json<serde_json::Value>| minik::Json(todo))
    ///     .build()?;
    /// # Ok::<(), minik::Diagnostics>(())
    /// ```
    pub fn schema(mut self, path: &str, json: &str) -> Self {
        self.schemas.insert(path.to_owned(), json.to_owned());
        self
    }

    /// Registers a parameter type under `name`, which the routes file then uses like one of
    /// minik's own, for path and query parameters: `params = { slug = "slug" }`. `accepts`
    /// says whether a segment (percent-decoded) or a query value is of the type; a path segment
    /// it refuses matches no route (a 404 if nothing else takes the path), a query value a 400.
    /// Handlers take the value as a `String`.
    ///
    /// Registered types rank with regexes among typed parameters, in the order of the file.
    /// [`AppBuilder::build`] reports a name the file uses that nothing registered, a type
    /// registered twice or used by no route, and a name that is one of minik's own.
    ///
    /// # Examples
    ///
    /// ```
    /// fn is_slug(segment: &str) -> bool {
    ///     !segment.is_empty()
    ///         && segment.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    /// }
    ///
    /// let app = minik::App::from_toml("routes.toml", r#"
    ///     [[route]]
    ///     path = "/posts/{slug}"
    ///     handler = "post"
    ///     params = { slug = "slug" }
    /// "#)
    /// .param_type("slug", is_slug)
    /// .handler("post", |minik::Path(slug): minik::Path<String>| slug)
    /// .build()?;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// assert_eq!(app.test().get("/posts/hello-world").send().await?.status(), 200);
    /// assert_eq!(app.test().get("/posts/Hello_World").send().await?.status(), 404);
    /// # Ok::<(), minik::EventError>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn param_type(
        mut self,
        name: &str,
        accepts: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.types.push(TypeRegistration {
            custom: Arc::new(CustomType {
                name: name.to_owned(),
                accepts: Box::new(accepts),
            }),
            caller: Location::caller(),
        });
        self
    }

    /// Writes every error answer of the app: the 400s, 404s, 405s, 413s of minik, the errors
    /// handlers and hooks return, extractors' rejections and the 500s of failures and panics.
    /// `handler` gets the error (its status, message and [field errors](HttpError::errors))
    /// and, in debug mode only, the details of a 500; what it returns is sent, with the
    /// headers the error had (`Allow`, CORS) unless it sets them itself.
    ///
    /// Without it, errors are `{"error_message": "..."}` (with `errors` when the error names
    /// fields), or RFC 9457 problem details with `[app] errors = "problem"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use minik::{HttpError, Json};
    /// use serde_json::json;
    ///
    /// let app = minik::App::from_toml("routes.toml", "[[route]]\npath = \"/a\"\nhandler = \"a\"")
    ///     .handler("a", || "a")
    ///     .error_handler(|error: &HttpError, _details: Option<&serde_json::Value>| {
    ///         let body = json!({ "error": { "code": error.status().as_u16(), "text": error.message() } });
    ///         (error.status(), Json(body))
    ///     })
    ///     .build()?;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let response = app.test().get("/nowhere").send().await?;
    /// assert_eq!(response.status(), 404);
    /// assert_eq!(response.text(), r#"{"error":{"code":404,"text":"Not Found"}}"#);
    /// # Ok::<(), minik::EventError>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn error_handler<F, R>(mut self, handler: F) -> Self
    where
        F: Fn(&HttpError, Option<&serde_json::Value>) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.error_handler = Some(errors::handler(handler));
        self
    }

    /// Gives a value every handler can take as [`State<T>`](crate::State) (and hooks read with
    /// [`Request::state`](crate::Request::state)): an SDK client, a connection pool, configuration read at cold start.
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
            query: H::query_fields(),
            body: H::body_extractor(),
            streams: H::streams(),
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
    /// [`Next`](crate::Next), the rest of the chain. See [`Around`] and [`AppBuilder::before`].
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
        let mut registry = check_types(&self.types, &mut diagnostics);
        registry.schemas = self.schemas;
        let (table, references) = spec::compile(&name, &text, &registry, &mut diagnostics);
        check_unused_types(&self.types, &references, &mut diagnostics);
        let handlers = check_handlers(
            &self.registrations,
            &table,
            &references,
            &name,
            &mut diagnostics,
        );
        let registered: Vec<&str> = self.registrations.iter().map(|r| r.name.as_str()).collect();
        let hooks = check_hooks(&self.hooks, &references, &registered, &mut diagnostics);
        check_states(&self.registrations, &self.state_types, &mut diagnostics);
        if !diagnostics.is_empty() {
            return Err(Diagnostics::new(diagnostics));
        }
        let bound: Arc<[Bound]> = table
            .routes_by_id()
            .iter()
            .map(|route| Bound {
                handler: handlers[route.handler()].handler.clone(),
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
        let errors = ErrorWriter {
            style: table.settings.errors,
            handler: self.error_handler,
            debug: table.settings.debug,
        };
        Ok(App {
            table: Arc::new(table),
            bound,
            state,
            errors,
        })
    }
}

/// Checks the registered handlers against the routes file's `handler` keys, and returns them by
/// name: every name the file gives must be registered, every registration used, and a
/// handler's `Path<T>` must fit each route that names it.
fn check_handlers<'r>(
    registrations: &'r [Registration],
    table: &RouteTable,
    references: &References,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<&'r str, &'r Registration> {
    let by_name = index_by_name(
        registrations,
        |r| (&r.name, r.caller),
        (DiagnosticKind::DuplicateHandler, "handler"),
        diagnostics,
    );
    let registered: Vec<&str> = registrations.iter().map(|r| r.name.as_str()).collect();
    let source = &references.source;
    for reference in &references.handlers {
        let (handler, span) = (reference.name.value.as_ref(), &reference.name.span);
        let Some(registration) = by_name.get(handler) else {
            let mut message = format!("no handler named `{handler}` is registered");
            let register = || format!(", register it with `.handler(\"{handler}\", {handler})`");
            message.push_str(&suggestion(handler, &registered).unwrap_or_else(register));
            let diagnostic = Diagnostic::at(
                DiagnosticKind::UnknownHandler,
                source,
                span.clone(),
                message,
            );
            diagnostics.push(diagnostic);
            continue;
        };
        if registration.streams && table.settings.invoke_mode != spec::InvokeMode::Stream {
            let message = format!(
                "handler `{handler}` streams its reply, but the app sends buffered replies: set `[app] invoke_mode = \"stream\"` (minik's `stream` feature) and the function's invoke mode to RESPONSE_STREAM"
            );
            let diagnostic = Diagnostic::at(
                DiagnosticKind::StreamingHandler,
                source,
                span.clone(),
                message,
            )
            .with_code_note(registration.caller, "handler registered here");
            diagnostics.push(diagnostic);
        }
        let Some(route) = reference.route else {
            continue;
        };
        let route = table.route(route);
        let path = registration
            .schema
            .as_ref()
            .map(|schema| disagreements(schema, route));
        let query = registration
            .query
            .as_ref()
            .map(|fields| contract::query(fields, route));
        let body = registration
            .body
            .as_ref()
            .map(|body| contract::body(body, route));
        for (kind, problem) in path
            .into_iter()
            .flatten()
            .map(|problem| (DiagnosticKind::ParamMismatch, problem))
            .chain(
                query
                    .into_iter()
                    .chain(body)
                    .flatten()
                    .map(|p| (DiagnosticKind::ContractMismatch, p)),
            )
        {
            let message = format!(
                "handler `{}` does not fit route `{}`: {problem}",
                route.handler(),
                route.template()
            );
            let diagnostic = Diagnostic::at(kind, source, span.clone(), message)
                .with_code_note(registration.caller, "handler registered here");
            diagnostics.push(diagnostic);
        }
    }
    let used: HashSet<&str> = references
        .handlers
        .iter()
        .map(|reference| reference.name.value.as_ref())
        .collect();
    report_unused(
        registrations,
        |r| (&r.name, r.caller),
        &used,
        DiagnosticKind::UnusedHandler,
        |name| format!("handler `{name}` is registered but no route in {file} uses it"),
        diagnostics,
    );
    by_name
}

/// One diagnostic of `kind` for each registered name outside `used` (a name registered twice is
/// reported as a duplicate, and unused once).
fn report_unused<'r, R>(
    registrations: &'r [R],
    name_and_caller: impl Fn(&'r R) -> (&'r str, &'static Location<'static>),
    used: &HashSet<&str>,
    kind: DiagnosticKind,
    message: impl Fn(&str) -> String,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut reported = HashSet::new();
    for registration in registrations {
        let (name, caller) = name_and_caller(registration);
        if !used.contains(name) && reported.insert(name) {
            diagnostics.push(Diagnostic::in_code(kind, caller, message(name)));
        }
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

/// The registered parameter types by name, the first of each; a name registered twice, or one
/// of minik's own, is a diagnostic.
fn check_types(types: &[TypeRegistration], diagnostics: &mut Vec<Diagnostic>) -> Registry {
    let by_name = index_by_name(
        types,
        |r| (&r.custom.name, r.caller),
        (DiagnosticKind::DuplicateType, "parameter type"),
        diagnostics,
    );
    let mut registry = Registry {
        complete: true,
        ..Registry::default()
    };
    for (name, registration) in by_name {
        if ParamType::from_name(name).is_some() {
            let message = format!(
                "`{name}` is one of minik's parameter types: register yours under another name"
            );
            diagnostics.push(Diagnostic::in_code(
                DiagnosticKind::DuplicateType,
                registration.caller,
                message,
            ));
            continue;
        }
        registry
            .custom
            .insert(name.to_owned(), Arc::clone(&registration.custom));
    }
    registry
}

/// Registered types the routes file never names.
fn check_unused_types(
    types: &[TypeRegistration],
    references: &References,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // A registration under one of minik's own names is reported as such, not as unused.
    let builtin = types
        .iter()
        .map(|r| r.custom.name.as_str())
        .filter(|name| ParamType::from_name(name).is_some());
    let used: HashSet<&str> = references
        .types
        .iter()
        .map(|t| t.value.as_ref())
        .chain(builtin)
        .collect();
    report_unused(
        types,
        |r| (&r.custom.name, r.caller),
        &used,
        DiagnosticKind::UnusedType,
        |name| format!("parameter type `{name}` is registered but no route uses it"),
        diagnostics,
    );
}

/// Checks the registered hooks against the names the routes file lists, and returns them by
/// name. `handlers` are the registered handlers' names, to point out a hook registered as one.
fn check_hooks<'r>(
    registrations: &'r [HookRegistration],
    references: &References,
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
    for name in &references.middleware {
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
            &references.source,
            span,
            message,
        );
        diagnostics.push(diagnostic);
    }
    let listed: HashSet<&str> = references
        .middleware
        .iter()
        .map(|name| name.value.as_ref())
        .collect();
    report_unused(
        registrations,
        |r| (&r.name, r.caller),
        &listed,
        DiagnosticKind::UnusedMiddleware,
        |name| format!("middleware `{name}` is registered but the routes file never lists it"),
        diagnostics,
    );
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

/// Whether a handler field of `kind` can take a parameter declared `ty`.
pub(super) fn fits(kind: Kind, ty: &ParamType) -> bool {
    match kind {
        Kind::Unknown => true,
        Kind::Text => matches!(
            ty,
            ParamType::Str | ParamType::Path | ParamType::Regex(_) | ParamType::Custom(_)
        ),
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
