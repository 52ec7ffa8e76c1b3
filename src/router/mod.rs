//! The route table: templates compiled into a segment tree, matched with typed parameters.
//!
//! Design note: routes are inserted into a tree with one level per path segment. At each node
//! the children are tried in precedence order (static, typed, `str`, greedy `path`) and the
//! first route that accepts the whole path and the method wins. Every tree node sits at one
//! depth, so a lookup visits each node at most once whatever backtracking a typed parameter
//! causes: the cost is bounded by the table, never exponential, and recursion is no deeper than
//! the longest template.

mod method;
mod param;
mod statics;
mod template;
mod tree;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use http::Method;

pub(crate) use self::method::MethodSet;
use self::param::{Matcher, compile_regex};
pub use self::param::{ParamType, ParamValue};
use self::template::Segment;
use self::tree::{Node, Values, Wanted, pick, walk};
use crate::config::{Document, Located, RouteDecl, TypeDecl};
use crate::cors::{Cors, RouteCors};
use crate::diagnostic::{
    Diagnostic, DiagnosticKind, Diagnostics, SourceFile, list, list_with, suggestion,
};

/// One route of the table, as declared in the routes file.
#[derive(Clone)]
pub struct Route {
    /// The template, then the handler's name: one allocation for both (a table is built at
    /// every cold start), split at `handler_at`.
    names: String,
    handler_at: usize,
    methods: MethodSet,
    params: Vec<(String, ParamType)>,
    path_span: Range<usize>,
    handler_span: Range<usize>,
    cors: RouteCors,
    /// The route's middleware chain, resolved: `[app] middleware` less `skip_middleware`, then
    /// the route's own.
    middleware: Vec<String>,
}

impl Route {
    /// The route's CORS policy, given the app's.
    pub(crate) fn cors<'a>(&'a self, app: Option<&'a Arc<Cors>>) -> Option<&'a Arc<Cors>> {
        self.cors.resolve(app)
    }

    /// Whether the route lists OPTIONS itself (and so answers preflight requests).
    pub(crate) fn lists_options(&self) -> bool {
        !self.methods.is_any() && self.methods.contains(&Method::OPTIONS)
    }

    /// The path template as written in the file, such as `/articles/{author}/{year}`.
    pub fn template(&self) -> &str {
        &self.names[..self.handler_at]
    }

    /// The declared methods, or `None` when the route accepts every method.
    pub fn methods(&self) -> Option<Vec<Method>> {
        if self.methods.is_any() {
            None
        } else {
            Some(
                method::KNOWN
                    .iter()
                    .filter(|m| self.methods.contains(m))
                    .cloned()
                    .collect(),
            )
        }
    }

    /// The name of the handler the route is bound to.
    pub fn handler(&self) -> &str {
        &self.names[self.handler_at..]
    }

    /// The path parameters in template order, with their declared types.
    pub fn params(&self) -> &[(String, ParamType)] {
        &self.params
    }

    /// The names of the middleware the route runs, in order: `[app] middleware` less the
    /// route's `skip_middleware`, then the route's own `middleware`.
    pub fn middleware(&self) -> &[String] {
        &self.middleware
    }
}

impl fmt::Debug for Route {
    /// The template and the handler as fields of their own, as they read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("template", &self.template())
            .field("methods", &self.methods)
            .field("handler", &self.handler())
            .field("params", &self.params)
            .field("path_span", &self.path_span)
            .field("handler_span", &self.handler_span)
            .field("cors", &self.cors)
            .field("middleware", &self.middleware)
            .finish()
    }
}

impl fmt::Display for Route {
    /// `GET,HEAD  /articles/{author}/{year}  -> get_articles  (author: str, year: int)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let methods = if self.methods.is_any() {
            "*".to_owned()
        } else {
            self.methods.allow_list()
        };
        write!(
            f,
            "{methods:<12} {:<40} -> {}",
            self.template(),
            self.handler()
        )?;
        if !self.params.is_empty() {
            let params: Vec<String> = self
                .params
                .iter()
                .map(|(n, t)| format!("{n}: {t}"))
                .collect();
            write!(f, "  ({})", params.join(", "))?;
        }
        if !self.middleware.is_empty() {
            write!(f, "  [{}]", self.middleware.join(", "))?;
        }
        Ok(())
    }
}

impl MethodSet {
    fn allow_list(&self) -> String {
        self.allow()
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }
}

type RouteId = usize;

/// Why a request found no route.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchError {
    /// No route matches the path, or a parameter does not parse as its declared type: 404.
    NotFound,
    /// Routes match the path but none accepts the method: 405, with the `Allow` list.
    MethodNotAllowed {
        /// The methods the matching routes accept, for the `Allow` header.
        allow: Vec<Method>,
    },
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchError::NotFound => f.write_str("no route matches the path"),
            MatchError::MethodNotAllowed { .. } => {
                f.write_str("the method is not allowed on this path")
            }
        }
    }
}

impl std::error::Error for MatchError {}

/// The route a request matched, with its path parameters parsed as their declared types.
#[derive(Debug)]
pub struct Match<'t, 'p> {
    route: &'t Route,
    index: usize,
    values: Values<'p>,
}

impl<'t, 'p> Match<'t, 'p> {
    /// The route that matched.
    pub fn route(&self) -> &'t Route {
        self.route
    }

    /// The value of the parameter named `name`, if the route has one.
    pub fn param(&self, name: &str) -> Option<&ParamValue<'p>> {
        self.route
            .params
            .iter()
            .position(|(n, _)| n == name)
            .and_then(|i| self.values.get(i))
    }

    /// The parameters in template order, as `(name, value)`.
    pub fn params(&self) -> impl ExactSizeIterator<Item = (&'t str, &ParamValue<'p>)> {
        self.route
            .params
            .iter()
            .map(|(name, _)| name.as_str())
            .zip(self.values.iter())
    }

    /// The position of the route in the table (its index in [`RouteTable::routes`]).
    pub(crate) fn index(&self) -> usize {
        self.index
    }

    pub(crate) fn into_values(self) -> Vec<ParamValue<'p>> {
        self.values.into_vec()
    }
}

/// A routes file compiled into matchers: everything the file alone decides.
///
/// [`App`](crate::App) builds one and adds the handlers; `minik check` builds one to validate a
/// file in CI. Build it once at startup: a lookup never walks the list of routes.
#[derive(Debug)]
pub struct RouteTable {
    routes: Vec<Route>,
    /// The method set of each route, by index, kept apart for the lookup's sake.
    sets: Vec<MethodSet>,
    root: Node,
    pub(crate) settings: Settings,
    pub(crate) source: Arc<SourceFile>,
    /// The `handler` of every route, valid or not, so that a route with a bad template does not
    /// also make its handler look unused ([`RouteTable::handler_refs`]).
    handler_refs: Vec<HandlerRef>,
    /// Every middleware name the file lists (`[app]` and routes), valid routes or not.
    pub(crate) middleware_refs: Vec<Located<'static>>,
}

/// A route's `handler` key. A route in the table keeps its handler's name and span itself; only
/// the name of a route left out of it is copied.
#[derive(Debug)]
enum HandlerRef {
    Route(RouteId),
    Invalid(Located<'static>),
}

/// `[app]` settings, validated.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) debug: bool,
    /// `[app] base_path`: a prefix removed from request paths before routing.
    pub(crate) base_path: Option<String>,
    pub(crate) headers: http::HeaderMap,
    /// `[app.cors]`.
    pub(crate) cors: Option<Arc<Cors>>,
}

impl RouteTable {
    /// Reads and compiles a routes file.
    ///
    /// # Errors
    ///
    /// Every problem the file alone can have: unreadable file, TOML syntax, unknown keys,
    /// invalid templates, unknown types and methods, invalid regexes, duplicate routes.
    ///
    /// # Examples
    ///
    /// ```
    /// let table = minik::RouteTable::from_file("routes.example.toml")?;
    /// assert!(table.routes().any(|route| route.handler() == "hello"));
    /// # Ok::<(), minik::Diagnostics>(())
    /// ```
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<RouteTable, Diagnostics> {
        let path = path.as_ref();
        let name = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => RouteTable::from_toml(&name, &text),
            Err(error) => Err(Diagnostics::new(vec![Diagnostic::io(&name, &error)])),
        }
    }

    /// Compiles routes from TOML text; `name` is the file name used in diagnostics.
    ///
    /// # Errors
    ///
    /// As [`RouteTable::from_file`].
    ///
    /// # Examples
    ///
    /// ```
    /// use minik::{Method, RouteTable};
    ///
    /// let table = RouteTable::from_toml("routes.toml", r#"
    ///     [[route]]
    ///     path = "/articles/{author}/{year}"
    ///     methods = ["GET"]
    ///     handler = "get_articles"
    ///     params = { year = "int" }
    /// "#)?;
    /// let found = table.at(&Method::GET, "/articles/ada/1843").unwrap();
    /// assert_eq!(found.route().handler(), "get_articles");
    /// assert_eq!(found.param("year"), Some(&minik::ParamValue::Int(1843)));
    /// # Ok::<(), minik::Diagnostics>(())
    /// ```
    pub fn from_toml(name: &str, text: &str) -> Result<RouteTable, Diagnostics> {
        let mut diagnostics = Vec::new();
        let table = RouteTable::compile(name, text, &mut diagnostics);
        if diagnostics.is_empty() {
            Ok(table)
        } else {
            Err(Diagnostics::new(diagnostics))
        }
    }

    /// Compiles what can be compiled and pushes a diagnostic for everything else.
    pub(crate) fn compile(name: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) -> RouteTable {
        let document = Document::parse(name, text, diagnostics);
        let mut compiler = Compiler {
            source: &document.source,
            diagnostics,
            regexes: HashMap::new(),
            app_middleware: Vec::new(),
        };
        let settings = compiler.settings(&document);
        let mut table = RouteTable {
            routes: Vec::with_capacity(document.routes.len()),
            sets: Vec::new(),
            root: Node::default(),
            settings,
            source: Arc::clone(&document.source),
            handler_refs: Vec::with_capacity(document.routes.len()),
            middleware_refs: owned(&document.app.middleware),
        };
        // Each route's segments, parsed and then resolved: the buffers serve every route.
        let (mut segments, mut compiled) = (Vec::new(), Vec::new());
        for decl in &document.routes {
            let route = compiler.route(decl, &mut segments, &mut compiled);
            let id = route.and_then(|route| {
                let id = table.routes.len();
                let inserted = table.insert(id, &route, &compiled, compiler.diagnostics);
                inserted.then(|| table.routes.push(route)).map(|()| id)
            });
            table.handler_refs.push(match id {
                Some(id) => HandlerRef::Route(id),
                None => HandlerRef::Invalid(decl.handler.clone().into_owned()),
            });
            table.middleware_refs.extend(owned(&decl.middleware));
        }
        table.root.seal();
        table.sets = table.routes.iter().map(|route| route.methods).collect();
        table
    }

    /// Adds a compiled route to the tree, or reports the route it duplicates.
    fn insert(
        &mut self,
        id: RouteId,
        route: &Route,
        segments: &[Compiled<'_>],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool {
        let mut node = &mut self.root;
        let mut ids_greedy = false;
        for segment in segments {
            node = match segment {
                Compiled::Static(text) => node.static_child_mut(text),
                Compiled::Typed(matcher) => {
                    let at = match node.typed.iter().position(|(m, _)| m.same_as(matcher)) {
                        Some(at) => at,
                        None => {
                            let at = node
                                .typed
                                .iter()
                                .take_while(|(m, _)| m.rank() <= matcher.rank())
                                .count();
                            node.typed.insert(at, (matcher.clone(), Node::default()));
                            at
                        }
                    };
                    &mut node.typed[at].1
                }
                Compiled::Str => node.string.get_or_insert_with(Box::default),
                Compiled::Greedy => {
                    ids_greedy = true;
                    break;
                }
            };
        }
        let ids = if ids_greedy {
            &mut node.greedy
        } else {
            &mut node.routes
        };
        if let Some(&first) = ids
            .iter()
            .find(|&&other| self.routes[other].methods.overlaps(&route.methods))
        {
            let first = &self.routes[first];
            let shared = if route.methods.is_any() || first.methods.is_any() {
                "both accept every method".to_owned()
            } else {
                let both: Vec<&str> = method::KNOWN
                    .iter()
                    .filter(|m| route.methods.contains(m) && first.methods.contains(m))
                    .map(Method::as_str)
                    .collect();
                format!("both accept {}", both.join(", "))
            };
            let message = format!(
                "duplicate route: `{}` matches the same requests as `{}` with the same specificity ({shared})",
                route.template(),
                first.template()
            );
            let diagnostic = Diagnostic::at(
                DiagnosticKind::DuplicateRoute,
                &self.source,
                route.path_span.clone(),
                message,
            )
            .with_note(&self.source, first.path_span.clone(), "first defined here");
            diagnostics.push(diagnostic);
            return false;
        }
        ids.push(id);
        true
    }

    /// The routes in precedence order: the order in which a lookup tries them.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        let mut order = Vec::with_capacity(self.routes.len());
        fn visit(node: &Node, order: &mut Vec<RouteId>) {
            order.extend(&node.routes);
            for (_, child) in &node.statics {
                visit(child, order);
            }
            for (_, child) in &node.typed {
                visit(child, order);
            }
            if let Some(child) = &node.string {
                visit(child, order);
            }
            order.extend(&node.greedy);
        }
        visit(&self.root, &mut order);
        order.into_iter().map(|id| &self.routes[id])
    }

    /// The `handler` of every route in file order, valid or not: its name, the span of its
    /// value, and the route when it is in the table.
    pub(crate) fn handler_refs(
        &self,
    ) -> impl Iterator<Item = (&str, &Range<usize>, Option<RouteId>)> {
        self.handler_refs.iter().map(|handler| match handler {
            HandlerRef::Route(id) => {
                let route = &self.routes[*id];
                (route.handler(), &route.handler_span, Some(*id))
            }
            HandlerRef::Invalid(name) => (name.value.as_ref(), &name.span, None),
        })
    }

    /// The routes in the order of the file (a route's index is its position here).
    pub(crate) fn routes_by_index(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter()
    }

    pub(crate) fn route(&self, id: RouteId) -> &Route {
        &self.routes[id]
    }

    /// Finds the route for a request: `path` is the path as the client sent it (still
    /// percent-encoded, without the query string).
    ///
    /// # Errors
    ///
    /// [`MatchError::NotFound`] when no route matches the path with parameters of the declared
    /// types; [`MatchError::MethodNotAllowed`] when routes match the path but none accepts the
    /// method.
    pub fn at<'t, 'p>(
        &'t self,
        method: &Method,
        path: &'p str,
    ) -> Result<Match<'t, 'p>, MatchError> {
        self.lookup(method, path, false)
    }

    /// As [`RouteTable::at`]; `decoded` says the path was percent-decoded already (HTTP APIs
    /// deliver `rawPath` decoded), so that a `%` in it is not decoded twice.
    pub(crate) fn lookup<'t, 'p>(
        &'t self,
        method: &Method,
        path: &'p str,
        decoded: bool,
    ) -> Result<Match<'t, 'p>, MatchError> {
        let Some(rest) = path.strip_prefix('/') else {
            return Err(MatchError::NotFound);
        };
        // One trailing slash is not significant: `/events/` is `/events`.
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let rest = (!rest.is_empty()).then_some(rest);
        let bit = MethodSet::bit_of(method);
        let wanted = Wanted {
            bit,
            head: bit == MethodSet::HEAD_BIT,
        };
        let mut values = Values::default();
        let (mut found, mut reached) = (None, false);
        let sets = &self.sets;
        walk(&self.root, rest, decoded, &mut values, &mut |ids| {
            reached = true;
            found = pick(sets, ids, wanted);
            found.is_some()
        });
        if let Some(index) = found {
            let route = &self.routes[index];
            return Ok(Match {
                route,
                index,
                values,
            });
        }
        if !reached {
            return Err(MatchError::NotFound);
        }
        // Routes match the path but none takes the method: collect what they take, for a 405.
        let mut allowed = MethodSet::EMPTY;
        values.truncate(0);
        walk(&self.root, rest, decoded, &mut values, &mut |ids| {
            allowed = ids.iter().fold(allowed, |set, &id| set.union(sets[id]));
            false
        });
        if allowed == MethodSet::EMPTY {
            Err(MatchError::NotFound)
        } else {
            Err(MatchError::MethodNotAllowed {
                allow: allowed.allow(),
            })
        }
    }
}

/// A template segment resolved against `params`, borrowing the template's text.
#[derive(Debug)]
enum Compiled<'t> {
    Static(&'t str),
    Typed(Matcher),
    Str,
    Greedy,
}

/// Copies of names the table keeps past the file's text.
fn owned(names: &[Located<'_>]) -> Vec<Located<'static>> {
    names.iter().map(|name| name.clone().into_owned()).collect()
}

struct Compiler<'a, 'd> {
    source: &'a Arc<SourceFile>,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// One compiled regex per distinct pattern.
    regexes: HashMap<String, Arc<(String, regex_lite::Regex)>>,
    /// `[app] middleware`, each name once.
    app_middleware: Vec<Located<'d>>,
}

impl<'d> Compiler<'_, 'd> {
    fn error(&mut self, kind: DiagnosticKind, span: Range<usize>, message: String) {
        self.diagnostics
            .push(Diagnostic::at(kind, self.source, span, message));
    }

    fn settings(&mut self, document: &Document<'d>) -> Settings {
        let mut settings = Settings {
            debug: document.app.debug,
            ..Settings::default()
        };
        if let Some(cors) = &document.app.cors {
            if let RouteCors::Own(cors) = Cors::compile(cors, self.source, self.diagnostics) {
                settings.cors = Some(cors);
            }
        }
        if let Some(base) = &document.app.base_path {
            let valid = match template::parse(&base.value) {
                Ok(segments) => {
                    !segments.is_empty() && segments.iter().all(|s| matches!(s, Segment::Static(_)))
                }
                Err(_) => false,
            };
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
        for name in &document.app.middleware {
            if let Some(first) = self.app_middleware.iter().find(|m| m.value == name.value) {
                let message = format!("middleware `{}` is listed twice", name.value);
                let note = (first.span.clone(), "first listed here");
                self.duplicate_middleware(name.span.clone(), message, note);
            } else {
                self.app_middleware.push(name.clone());
            }
        }
        for (name, value) in &document.app.headers {
            let parsed_name = http::HeaderName::from_bytes(name.value.as_bytes());
            let parsed_value = http::HeaderValue::from_str(&value.value);
            match (parsed_name, parsed_value) {
                (Ok(n), Ok(v)) => {
                    settings.headers.append(n, v);
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

    /// A route's middleware chain: `[app] middleware` less `skip_middleware`, then its own.
    fn middleware(&mut self, decl: &RouteDecl<'d>) -> Vec<String> {
        let skipped = |name: &str| decl.skip_middleware.iter().any(|s| s.value == name);
        for skip in &decl.skip_middleware {
            if !self.app_middleware.iter().any(|m| m.value == skip.value) {
                let mut message = format!(
                    "`skip_middleware` names `{}`, which is not in `[app] middleware`",
                    skip.value
                );
                let listed: Vec<&str> = self
                    .app_middleware
                    .iter()
                    .map(|m| m.value.as_ref())
                    .collect();
                message.push_str(&suggestion(&skip.value, &listed).unwrap_or_default());
                self.error(
                    DiagnosticKind::UnknownMiddleware,
                    skip.span.clone(),
                    message,
                );
            }
        }
        let mut chain: Vec<Located<'d>> = self
            .app_middleware
            .iter()
            .filter(|m| !skipped(&m.value))
            .cloned()
            .collect();
        let from_app = chain.len();
        for own in &decl.middleware {
            match chain.iter().position(|m| m.value == own.value) {
                Some(at) => {
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
                None => chain.push(own.clone()),
            }
        }
        chain.into_iter().map(|m| m.value.into_owned()).collect()
    }

    /// Resolves one declaration into a route and the segments to insert (`compiled`); `None`
    /// when it has any error (all of them reported). `segments` is a buffer for the template's.
    fn route<'r>(
        &mut self,
        decl: &'r RouteDecl<'d>,
        segments: &mut Vec<Segment<'r>>,
        compiled: &mut Vec<Compiled<'r>>,
    ) -> Option<Route> {
        let errors_before = self.diagnostics.len();
        let path = &decl.path;
        let mut template_ok = true;
        compiled.clear();
        if let Err(errors) = template::parse_into(&path.value, segments) {
            template_ok = false;
            segments.clear();
            for error in errors {
                let span = self.source.inner_span(&path.span, &path.value, error.range);
                self.error(DiagnosticKind::InvalidTemplate, span, error.message);
            }
        }
        let methods = self.methods(decl);
        let middleware = self.middleware(decl);
        let names = || {
            segments.iter().filter_map(|s| match s {
                Segment::Param { name, .. } => Some(*name),
                Segment::Static(_) => None,
            })
        };
        let mut params = Vec::with_capacity(names().count());
        let last = segments.len().saturating_sub(1);
        for (i, segment) in segments.iter().enumerate() {
            match segment {
                Segment::Static(text) => compiled.push(Compiled::Static(text)),
                Segment::Param {
                    name,
                    greedy,
                    range,
                } => {
                    let ty = self.param_type(decl, name, *greedy, i == last, range);
                    compiled.push(match &ty {
                        ParamType::Str => Compiled::Str,
                        ParamType::Path => Compiled::Greedy,
                        ParamType::Int => Compiled::Typed(Matcher::Int),
                        ParamType::Float => Compiled::Typed(Matcher::Float),
                        ParamType::Bool => Compiled::Typed(Matcher::Bool),
                        ParamType::Uuid => Compiled::Typed(Matcher::Uuid),
                        ParamType::Regex(pattern) => match self.regexes.get(pattern) {
                            Some(regex) => Compiled::Typed(Matcher::Regex(Arc::clone(regex))),
                            None => Compiled::Str, // reported by param_type
                        },
                    });
                    params.push(((*name).to_owned(), ty));
                }
            }
        }
        for param in &decl.params {
            if template_ok && !names().any(|name| name == param.name) {
                let mut message = format!(
                    "`params` names `{}`, which is not a parameter of `{}`",
                    param.name, path.value
                );
                let names: Vec<&str> = names().collect();
                message.push_str(&suggestion(&param.name, &names).unwrap_or_default());
                self.error(
                    DiagnosticKind::UnknownParam,
                    param.name_span.clone(),
                    message,
                );
            }
        }
        if self.diagnostics.len() > errors_before {
            return None;
        }
        let route = Route {
            names: [path.value.as_ref(), decl.handler.value.as_ref()].concat(),
            handler_at: path.value.len(),
            methods,
            params,
            path_span: path.span.clone(),
            handler_span: decl.handler.span.clone(),
            cors: decl
                .cors
                .as_ref()
                .map(|cors| Cors::compile(cors, self.source, self.diagnostics))
                .unwrap_or_default(),
            middleware,
        };
        if self.diagnostics.len() > errors_before {
            return None;
        }
        Some(route)
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
                    let expected = || format!(", expected one of {}", list(method::NAMES));
                    message
                        .push_str(&suggestion(&name.value, method::NAMES).unwrap_or_else(expected));
                    self.error(DiagnosticKind::UnknownMethod, name.span.clone(), message);
                }
            }
        }
        set
    }

    /// The type of parameter `name` from `params` (default `str`, or `path` for `{name+}`).
    fn param_type(
        &mut self,
        decl: &RouteDecl<'_>,
        name: &str,
        greedy: bool,
        last: bool,
        range: &Range<usize>,
    ) -> ParamType {
        let Some(param) = decl.params.iter().find(|p| p.name == name) else {
            return if greedy {
                ParamType::Path
            } else {
                ParamType::Str
            };
        };
        let span = param.ty_span.clone();
        let ty = match &param.ty {
            TypeDecl::Named(type_name) => match ParamType::from_name(type_name) {
                Some(ty) => ty,
                None => {
                    let mut message = format!("unknown parameter type `{type_name}`");
                    let expected = || {
                        let regex = Some("a table `{ regex = \"...\" }`");
                        format!(", expected {}", list_with(ParamType::NAMES, regex))
                    };
                    message.push_str(
                        &suggestion(type_name, ParamType::NAMES).unwrap_or_else(expected),
                    );
                    self.error(DiagnosticKind::UnknownType, span, message);
                    return ParamType::Str;
                }
            },
            TypeDecl::Regex(pattern) => {
                if !self.regexes.contains_key(pattern.as_ref()) {
                    match compile_regex(pattern) {
                        Ok(regex) => {
                            self.regexes.insert(
                                pattern.to_string(),
                                Arc::new((pattern.to_string(), regex)),
                            );
                        }
                        Err(error) => {
                            let span = match error.range {
                                Some(range) => self.source.inner_span(&span, pattern, range),
                                None => span,
                            };
                            self.error(
                                DiagnosticKind::InvalidRegex,
                                span,
                                format!("invalid regex: {}", error.message),
                            );
                            return ParamType::Str;
                        }
                    }
                }
                ParamType::Regex(pattern.to_string())
            }
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
        ty
    }
}
