//! The specification of an app: the routes file's declarations compiled into settings, routes
//! with their methods and typed parameters, CORS policies and middleware chains.
//!
//! Design note: this stage gives every declaration its meaning and reports every mistake the
//! file alone can have, located in the file: templates, types, methods, regexes, duplicate
//! routes, CORS and middleware lists, `[app]` values. Paths go to the [router](crate::router)
//! as parts it matches; what the file says beyond paths (handler names, middleware, CORS) stays
//! here. [`compile`] returns the [`RouteTable`] an app keeps, and apart from it the
//! [`References`] that only the build's checks need: where each handler and middleware name is
//! written.

mod body;
mod cors;
mod query;
mod table;
mod types;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};

pub(crate) use self::body::{BodyKind, BodySpec, is_json};
pub(crate) use self::cors::Cors;
use self::cors::RouteCors;
pub(crate) use self::query::{QueryParam, read as read_query};
pub use self::table::{Match, MatchError, Route, RouteTable};
pub(crate) use self::types::Registry;
use crate::config::{AppDecl, Document, Located, RouteDecl};
use crate::diagnostic::{Diagnostic, DiagnosticKind, SourceFile, list, suggestion};
use crate::router::{
    METHOD_NAMES, Matcher, MethodSet, ParamType, Part, RouteId, Router, Segment, parse_template,
};

/// The most hooks a route runs (`[app] middleware` and its own): more is a mistake, and every
/// route keeps its chain.
const MAX_CHAIN: usize = 32;

/// The largest request body a route accepts unless the routes file says otherwise.
///
/// The worst case of a handler taking `Json<serde_json::Value>` is a body of small arrays
/// nested in arrays, which takes about 75 times its size once parsed: about 38 MB at 512 KiB,
/// under a third of the smallest Lambda's 128 MB. A route that takes larger bodies (uploads,
/// documents) says so with `max_body`.
pub(crate) const DEFAULT_MAX_BODY: usize = 512 << 10;

/// Lambda refuses invocation payloads over 6 MB, so no body beyond it can arrive.
const LAMBDA_MAX_PAYLOAD: usize = 6 << 20;

/// How error answers are written (`[app] errors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ErrorStyle {
    /// `{"error_message": "..."}`, minik's (the default).
    #[default]
    Minik,
    /// RFC 9457's `application/problem+json`.
    Problem,
}

/// How `run` answers Lambda invocations (`[app] invoke_mode`): the function's invoke mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum InvokeMode {
    /// One reply payload per invocation (the default).
    #[default]
    Buffered,
    /// A Function URL's or REST API's reply streamed as it is produced.
    Stream,
}

/// `[app]` settings, validated.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) debug: bool,
    /// `[app] errors`.
    pub(crate) errors: ErrorStyle,
    /// `[app] invoke_mode`.
    pub(crate) invoke_mode: InvokeMode,
    /// `[app] max_body`, or [`DEFAULT_MAX_BODY`].
    pub(crate) max_body: usize,
    /// `[app] base_path`: a prefix removed from request paths before routing.
    pub(crate) base_path: Option<String>,
    pub(crate) headers: HeaderMap,
    /// `[app.cors]`.
    pub(crate) cors: Option<Arc<Cors>>,
}

/// Where the file names handlers and middleware, for the checks against the registered ones.
#[derive(Debug)]
pub(crate) struct References {
    pub(crate) source: Arc<SourceFile>,
    /// The `handler` of every route in file order, valid or not, so that a route with a bad
    /// template does not also make its handler look unused.
    pub(crate) handlers: Vec<HandlerRef>,
    /// Every middleware name the file lists (`[app]` and routes), valid routes or not.
    pub(crate) middleware: Vec<Located<'static>>,
    /// Every use of a registered parameter type's name.
    pub(crate) types: Vec<Located<'static>>,
}

/// A route's `handler` key.
#[derive(Debug)]
pub(crate) struct HandlerRef {
    pub(crate) name: Located<'static>,
    /// The route in the table; `None` for a route left out of it for its errors.
    pub(crate) route: Option<RouteId>,
}

/// Compiles a routes file: what can be compiled is, and a diagnostic is pushed for everything
/// else. `types` are the parameter types the app registered, if known.
pub(crate) fn compile(
    name: &str,
    text: &str,
    types: &Registry,
    diagnostics: &mut Vec<Diagnostic>,
) -> (RouteTable, References) {
    let document = Document::parse(name, text, diagnostics);
    let mut compiler = Compiler {
        source: &document.source,
        diagnostics,
        regexes: HashMap::new(),
        app_middleware: Vec::new(),
        types,
        used_types: Vec::new(),
        schemas: HashMap::new(),
    };
    let settings = compiler.settings(&document.app);
    let mut table = RouteTable {
        routes: Vec::with_capacity(document.routes.len()),
        router: Router::default(),
        largest_body: settings.max_body,
        warnings: Vec::new(),
        settings,
    };
    let mut references = References {
        source: Arc::clone(&document.source),
        handlers: Vec::with_capacity(document.routes.len()),
        middleware: owned(&document.app.middleware),
        types: Vec::new(),
    };
    // The span of each route's `path`, by id, for the "first defined here" of a duplicate.
    let mut paths: Vec<Range<usize>> = Vec::with_capacity(document.routes.len());
    for decl in &document.routes {
        let compiled = compiler.route(decl, &table.settings);
        let id =
            compiled.and_then(
                |(route, parts)| match table.router.insert(&parts, route.methods) {
                    Ok(id) => {
                        table.largest_body = table.largest_body.max(route.max_body);
                        table.routes.push(route);
                        paths.push(decl.path.span.clone());
                        Some(id)
                    }
                    Err(first) => {
                        let first = (&table.routes[first], paths[first].clone());
                        compiler.duplicate_route(decl, &route, first);
                        None
                    }
                },
            );
        references.handlers.push(HandlerRef {
            name: decl.handler.clone().into_owned(),
            route: id,
        });
        references.middleware.extend(owned(&decl.middleware));
    }
    references.types = compiler.used_types;
    (table, references)
}

/// Copies of names kept past the file's text.
fn owned(names: &[Located<'_>]) -> Vec<Located<'static>> {
    names.iter().map(|name| name.clone().into_owned()).collect()
}

struct Compiler<'a, 'd> {
    source: &'a Arc<SourceFile>,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// One compiled regex per distinct pattern.
    regexes: HashMap<String, Arc<(String, crate::router::Regex)>>,
    /// `[app] middleware`, each name once.
    app_middleware: Vec<Located<'d>>,
    /// The parameter types the app registered.
    types: &'a Registry,
    /// Where the file names a registered type.
    used_types: Vec<Located<'static>>,
    /// Each schema file, compiled once.
    schemas: HashMap<std::path::PathBuf, Arc<body::JsonSchema>>,
}

impl<'d> Compiler<'_, 'd> {
    fn error(&mut self, kind: DiagnosticKind, span: Range<usize>, message: String) {
        self.diagnostics
            .push(Diagnostic::at(kind, self.source, span, message));
    }

    fn settings(&mut self, app: &AppDecl<'d>) -> Settings {
        let mut settings = Settings {
            debug: app.debug,
            errors: ErrorStyle::Minik,
            invoke_mode: InvokeMode::Buffered,
            max_body: DEFAULT_MAX_BODY,
            base_path: None,
            headers: HeaderMap::new(),
            cors: None,
        };
        if let Some(max_body) = app.max_body.as_ref().and_then(|size| self.size(size)) {
            settings.max_body = max_body;
        }
        if let Some(errors) = &app.errors {
            const STYLES: &[&str] = &["minik", "problem"];
            match errors.value.as_ref() {
                "minik" => settings.errors = ErrorStyle::Minik,
                "problem" => settings.errors = ErrorStyle::Problem,
                other => {
                    let mut message = format!("unknown error shape `{other}`");
                    let expected = || format!(", expected {}", list(STYLES));
                    message.push_str(&suggestion(other, STYLES).unwrap_or_else(expected));
                    self.error(DiagnosticKind::InvalidValue, errors.span.clone(), message);
                }
            }
        }
        if let Some(mode) = &app.invoke_mode {
            const MODES: &[&str] = &["buffered", "stream"];
            match mode.value.as_ref() {
                "buffered" => settings.invoke_mode = InvokeMode::Buffered,
                "stream" if cfg!(feature = "stream") => settings.invoke_mode = InvokeMode::Stream,
                "stream" => {
                    let message = "`invoke_mode = \"stream\"` needs minik's `stream` feature (`minik = { version = \"0.1\", features = [\"stream\"] }`)".to_owned();
                    self.error(DiagnosticKind::InvalidValue, mode.span.clone(), message);
                }
                other => {
                    let mut message = format!("unknown invoke mode `{other}`");
                    let expected = || format!(", expected {}", list(MODES));
                    message.push_str(&suggestion(other, MODES).unwrap_or_else(expected));
                    self.error(DiagnosticKind::InvalidValue, mode.span.clone(), message);
                }
            }
        }
        if let Some(cors) = &app.cors {
            if let RouteCors::Own(cors) = Cors::compile(cors, self.source, self.diagnostics) {
                settings.cors = Some(cors);
            }
        }
        if let Some(base) = &app.base_path {
            let valid = parse_template(&base.value).is_ok_and(|segments| {
                !segments.is_empty() && segments.iter().all(|s| matches!(s, Segment::Static(_)))
            });
            if valid {
                settings.base_path = Some(base.value.trim_end_matches('/').to_owned());
            } else {
                let message =
                    "`base_path` must be static segments, such as \"/api\" or \"/v1/orders\"";
                self.error(
                    DiagnosticKind::InvalidValue,
                    base.span.clone(),
                    message.to_owned(),
                );
            }
        }
        let mut listed: HashMap<&str, Range<usize>> = HashMap::new();
        for name in &app.middleware {
            if let Some(first) = listed.get(name.value.as_ref()) {
                let message = format!("middleware `{}` is listed twice", name.value);
                let note = (first.clone(), "first listed here");
                self.duplicate_middleware(name.span.clone(), message, note);
            } else if self.app_middleware.len() == MAX_CHAIN {
                self.too_many_middleware(name);
                break;
            } else {
                listed.insert(&name.value, name.span.clone());
                self.app_middleware.push(name.clone());
            }
        }
        for (name, value) in &app.headers {
            let parsed_name = HeaderName::from_bytes(name.value.as_bytes());
            let parsed_value = HeaderValue::from_str(&value.value);
            match (parsed_name, parsed_value) {
                (Ok(n), Ok(v)) => {
                    if settings.headers.try_append(n, v).is_err() {
                        let message = "more headers than a response can hold".to_owned();
                        self.error(DiagnosticKind::Limit, name.span.clone(), message);
                        break;
                    }
                }
                (Err(_), _) => {
                    let message = format!(
                        "`{}` is not a valid HTTP header name",
                        name.value.escape_debug()
                    );
                    self.error(DiagnosticKind::InvalidValue, name.span.clone(), message);
                }
                (_, Err(_)) => {
                    let message =
                        "not a valid HTTP header value (control characters are not allowed)"
                            .to_owned();
                    self.error(DiagnosticKind::InvalidValue, value.span.clone(), message);
                }
            }
        }
        settings
    }

    /// A `max_body`: a number of bytes, or a number followed by `B`, `KB` or `MB` (1,024 and
    /// 1,048,576 bytes; `KiB` and `MiB` are read the same).
    fn size(&mut self, size: &Located<'_>) -> Option<usize> {
        let text = size.value.trim();
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let unit = match text[digits..].trim().to_ascii_uppercase().as_str() {
            "" | "B" => Some(1),
            "KB" | "KIB" => Some(1 << 10),
            "MB" | "MIB" => Some(1 << 20),
            _ => None,
        };
        let bytes = text[..digits]
            .parse::<usize>()
            .ok()
            .zip(unit)
            .and_then(|(n, unit)| n.checked_mul(unit));
        let message = match bytes {
            Some(bytes) if bytes <= LAMBDA_MAX_PAYLOAD => return Some(bytes),
            Some(_) => "`max_body` is larger than the 6 MB payload Lambda accepts".to_owned(),
            None => format!(
                "`{}` is not a size, write a number of bytes or one such as \"64KB\" or \"6MB\"",
                size.value
            ),
        };
        self.error(DiagnosticKind::InvalidValue, size.span.clone(), message);
        None
    }

    fn duplicate_route(
        &mut self,
        decl: &RouteDecl<'_>,
        route: &Route,
        (first, first_span): (&Route, Range<usize>),
    ) {
        let shared = if route.methods.is_any() || first.methods.is_any() {
            "both accept every method".to_owned()
        } else {
            let both: Vec<&str> = crate::router::KNOWN_METHODS
                .iter()
                .filter(|m| route.methods.contains(m) && first.methods.contains(m))
                .map(http::Method::as_str)
                .collect();
            format!("both accept {}", both.join(", "))
        };
        let message = format!(
            "duplicate route: `{}` matches the same requests as `{}` with the same specificity ({shared})",
            route.template, first.template
        );
        let diagnostic = Diagnostic::at(
            DiagnosticKind::DuplicateRoute,
            self.source,
            decl.path.span.clone(),
            message,
        )
        .with_note(self.source, first_span, "first defined here");
        self.diagnostics.push(diagnostic);
    }

    fn duplicate_middleware(
        &mut self,
        span: Range<usize>,
        message: String,
        (first, note): (Range<usize>, &str),
    ) {
        let diagnostic = Diagnostic::at(
            DiagnosticKind::DuplicateMiddleware,
            self.source,
            span,
            message,
        )
        .with_note(self.source, first, note);
        self.diagnostics.push(diagnostic);
    }
    fn too_many_middleware(&mut self, name: &Located<'_>) {
        let message = format!(
            "`{}` would be the route's middleware number {}: minik runs at most {MAX_CHAIN} hooks per route",
            name.value,
            MAX_CHAIN + 1
        );
        self.error(DiagnosticKind::Limit, name.span.clone(), message);
    }

    /// A route's middleware chain: `[app] middleware` less `skip_middleware`, then its own.
    fn middleware(&mut self, decl: &RouteDecl<'d>) -> Vec<String> {
        let app: Vec<&str> = self
            .app_middleware
            .iter()
            .map(|m| m.value.as_ref())
            .collect();
        let in_app: HashSet<&str> = app.iter().copied().collect();
        let skipped: HashSet<&str> = decl
            .skip_middleware
            .iter()
            .map(|s| s.value.as_ref())
            .collect();
        let mut unknown = Vec::new();
        for skip in &decl.skip_middleware {
            if !in_app.contains(skip.value.as_ref()) {
                let mut message = format!(
                    "`skip_middleware` names `{}`, which is not in `[app] middleware`",
                    skip.value
                );
                message.push_str(&suggestion(&skip.value, &app).unwrap_or_default());
                unknown.push((skip.span.clone(), message));
            }
        }
        for (span, message) in unknown {
            self.error(DiagnosticKind::UnknownMiddleware, span, message);
        }
        let mut chain: Vec<Located<'d>> = self
            .app_middleware
            .iter()
            .filter(|m| !skipped.contains(m.value.as_ref()))
            .cloned()
            .collect();
        let from_app = chain.len();
        let mut positions: HashMap<String, usize> = chain
            .iter()
            .enumerate()
            .map(|(at, m)| (m.value.to_string(), at))
            .collect();
        for own in &decl.middleware {
            match positions.get(own.value.as_ref()) {
                Some(&at) => {
                    let (message, note) = if at < from_app {
                        let message = format!(
                            "middleware `{}` already runs for every route: it is in `[app] middleware`",
                            own.value
                        );
                        (message, "listed here")
                    } else {
                        let message = format!("middleware `{}` is listed twice", own.value);
                        (message, "first listed here")
                    };
                    self.duplicate_middleware(
                        own.span.clone(),
                        message,
                        (chain[at].span.clone(), note),
                    );
                }
                None if chain.len() == MAX_CHAIN => {
                    self.too_many_middleware(own);
                    break;
                }
                None => {
                    positions.insert(own.value.to_string(), chain.len());
                    chain.push(own.clone());
                }
            }
        }
        chain.into_iter().map(|m| m.value.into_owned()).collect()
    }

    /// Resolves one declaration into a route and the parts of its path for the router; `None`
    /// when it has any error (all of them reported).
    fn route<'r>(
        &mut self,
        decl: &'r RouteDecl<'d>,
        settings: &Settings,
    ) -> Option<(Route, Vec<Part<'r>>)> {
        let errors_before = self.diagnostics.len();
        let path = &decl.path;
        let segments = match parse_template(&path.value) {
            Ok(segments) => Some(segments),
            Err(errors) => {
                for error in errors {
                    let span = self.source.inner_span(&path.span, &path.value, error.range);
                    self.error(DiagnosticKind::InvalidTemplate, span, error.message);
                }
                None
            }
        };
        let methods = self.methods(decl);
        let middleware = self.middleware(decl);
        let template_ok = segments.is_some();
        let segments = segments.as_deref().unwrap_or_default();
        let mut params = Vec::new();
        let mut parts = Vec::with_capacity(segments.len());
        for (i, segment) in segments.iter().enumerate() {
            match segment {
                Segment::Static(text) => parts.push(Part::Static(text)),
                Segment::Param {
                    name,
                    greedy,
                    range,
                } => {
                    let last = i + 1 == segments.len();
                    let (ty, matcher) = self.param_type(decl, name, *greedy, last, range);
                    parts.push(match (&ty, matcher) {
                        (_, Some(matcher)) => Part::Typed(matcher),
                        (ParamType::Path, None) => Part::Greedy,
                        // `str`, or a type with a mistake (reported).
                        (_, None) => Part::Str,
                    });
                    params.push(((*name).to_owned(), ty));
                }
            }
        }
        if template_ok {
            for param in &decl.params {
                if !params.iter().any(|(name, _)| *name == param.name) {
                    let mut message = format!(
                        "`params` names `{}`, which is not a parameter of `{}`",
                        param.name, path.value
                    );
                    let names: Vec<&str> = params.iter().map(|(name, _)| name.as_str()).collect();
                    message.push_str(&suggestion(&param.name, &names).unwrap_or_default());
                    self.error(
                        DiagnosticKind::UnknownParam,
                        param.name_span.clone(),
                        message,
                    );
                }
            }
        }
        let cors = match &decl.cors {
            None => RouteCors::Inherit,
            Some(cors) => Cors::compile(cors, self.source, self.diagnostics),
        };
        let max_body = decl.max_body.as_ref().map(|size| self.size(size));
        let query = self.query(decl);
        let mut schemas = std::mem::take(&mut self.schemas);
        let body = decl
            .body
            .as_ref()
            .and_then(|body| self.body(body, &mut schemas));
        self.schemas = schemas;
        if self
            .diagnostics
            .iter()
            .skip(errors_before)
            .any(|d| !d.is_warning())
        {
            return None;
        }
        let route = Route {
            query,
            body,
            max_body: max_body.flatten().unwrap_or(settings.max_body),
            template: path.value.clone().into_owned(),
            handler: decl.handler.value.clone().into_owned(),
            methods,
            params,
            middleware,
            cors: cors.resolve(settings.cors.as_ref()).cloned(),
        };
        Some((route, parts))
    }

    fn methods(&mut self, decl: &RouteDecl<'_>) -> MethodSet {
        let Some(names) = &decl.methods else {
            return MethodSet::ANY;
        };
        if names.is_empty() {
            let span = decl.methods_span.clone();
            let message = "`methods` is empty, so the route answers nothing; remove the key to accept every method";
            self.error(DiagnosticKind::InvalidValue, span, message.to_owned());
        }
        let mut set = MethodSet::EMPTY;
        for name in names {
            match MethodSet::parse_one(&name.value) {
                Some(method) => set.insert(&method),
                None => {
                    let mut message = format!("unknown method `{}`", name.value);
                    let expected = || format!(", expected one of {}", list(METHOD_NAMES));
                    message
                        .push_str(&suggestion(&name.value, METHOD_NAMES).unwrap_or_else(expected));
                    self.error(DiagnosticKind::UnknownMethod, name.span.clone(), message);
                }
            }
        }
        set
    }

    /// The type of parameter `name` from `params` (default `str`, or `path` for `{name+}`), and
    /// how the router matches it (`None` for `str` and `path`, and for a type with a mistake).
    fn param_type(
        &mut self,
        decl: &RouteDecl<'_>,
        name: &str,
        greedy: bool,
        last: bool,
        range: &Range<usize>,
    ) -> (ParamType, Option<Matcher>) {
        let Some(param) = decl.params.iter().find(|p| p.name == name) else {
            return match greedy {
                true => (ParamType::Path, None),
                false => (ParamType::Str, None),
            };
        };
        let span = param.ty_span.clone();
        let Some((ty, matcher)) = self.resolve_type(&param.ty, &span) else {
            return (ParamType::Str, None);
        };
        if greedy && ty != ParamType::Path {
            let message =
                format!("`{{{name}+}}` is greedy, so its type is always `path`, not `{ty}`");
            self.error(DiagnosticKind::InvalidTemplate, span, message);
        } else if ty == ParamType::Path && !last {
            let template_span =
                self.source
                    .inner_span(&decl.path.span, &decl.path.value, range.clone());
            let message = format!(
                "parameter `{name}` has type `path`, which is greedy and must be the last segment"
            );
            self.error(DiagnosticKind::InvalidTemplate, template_span, message);
        }
        (ty, matcher)
    }
}
