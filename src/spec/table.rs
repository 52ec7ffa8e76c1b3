//! The route table: the public face of a compiled routes file.

use std::fmt;
use std::sync::Arc;

use http::Method;

use super::{Cors, Settings};
use crate::diagnostic::Diagnostics;
use crate::router::{Allow, Lookup, MethodSet, ParamType, ParamValue, Params, RouteId, Router};

/// One route of the table, as declared in the routes file.
#[derive(Debug, Clone)]
pub struct Route {
    pub(super) template: String,
    pub(super) handler: String,
    pub(super) methods: MethodSet,
    pub(super) params: Vec<(String, ParamType)>,
    /// The route's middleware chain, resolved: `[app] middleware` less `skip_middleware`, then
    /// the route's own.
    pub(super) middleware: Vec<String>,
    /// The CORS policy that applies to the route: its own, the app's, or none.
    pub(super) cors: Option<Arc<Cors>>,
    /// The largest request body the route accepts, in bytes.
    pub(super) max_body: usize,
    /// `query`: the declared query parameters.
    pub(super) query: Vec<super::QueryParam>,
    /// `body`: the declared body.
    pub(super) body: Option<super::BodySpec>,
}

impl Route {
    /// The path template as written in the file, such as `/articles/{author}/{year}`.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The declared methods, or `None` when the route accepts every method.
    pub fn methods(&self) -> Option<Vec<Method>> {
        if self.methods.is_any() {
            None
        } else {
            let known = crate::router::KNOWN_METHODS.iter();
            Some(
                known
                    .filter(|m| self.methods.contains(m))
                    .cloned()
                    .collect(),
            )
        }
    }

    /// The name of the handler the route is bound to.
    pub fn handler(&self) -> &str {
        &self.handler
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

    /// The largest request body the route accepts, in bytes: its `max_body`, else the app's,
    /// else 512 KiB.
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    /// The declared query parameters.
    pub(crate) fn query(&self) -> &[super::QueryParam] {
        &self.query
    }

    /// The declared body.
    pub(crate) fn body(&self) -> Option<&super::BodySpec> {
        self.body.as_ref()
    }

    /// The CORS policy of the route.
    pub(crate) fn cors(&self) -> Option<&Arc<Cors>> {
        self.cors.as_ref()
    }

    /// Whether the route lists OPTIONS itself (and so answers preflight requests).
    pub(crate) fn lists_options(&self) -> bool {
        !self.methods.is_any() && self.methods.contains(&Method::OPTIONS)
    }
}

impl fmt::Display for Route {
    /// `GET,HEAD     /articles/{author}/{year}   -> get_articles  (author: str, year: int)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let methods = self.methods.to_string();
        write!(f, "{methods:<12} {:<40} -> {}", self.template, self.handler)?;
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

/// Why a request found no route.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchError {
    /// No route matches the path, or a parameter does not parse as its declared type: 404.
    NotFound,
    /// Routes match the path but none accepts the method: 405, with the `Allow` list.
    MethodNotAllowed {
        /// The methods the matching routes accept, for the `Allow` header.
        allow: Allow,
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
    values: Params<'p>,
}

impl<'t, 'p> Match<'t, 'p> {
    /// The route that matched.
    pub fn route(&self) -> &'t Route {
        self.route
    }

    /// The value of the parameter named `name`, if the route has one.
    pub fn param(&self, name: &str) -> Option<&ParamValue<'p>> {
        let at = self.route.params.iter().position(|(n, _)| n == name)?;
        self.values.get(at)
    }

    /// The parameters in template order, as `(name, value)`.
    pub fn params(&self) -> impl ExactSizeIterator<Item = (&'t str, &ParamValue<'p>)> {
        self.route
            .params
            .iter()
            .map(|(name, _)| name.as_str())
            .zip(self.values.iter())
    }
}

/// A routes file compiled into matchers: everything the file alone decides.
///
/// [`App`](crate::App) builds one and adds the handlers; `minik check` builds one to validate a
/// file in CI. Build it once at startup: a lookup never walks the list of routes.
#[derive(Debug)]
pub struct RouteTable {
    /// By [`RouteId`]: the routes in file order, less those with errors.
    pub(super) routes: Vec<Route>,
    pub(super) router: Router,
    pub(crate) settings: Settings,
    /// The largest `max_body` of the app and its routes.
    pub(super) largest_body: usize,
    /// What the file may have wrong but only the code can tell (see [`RouteTable::warnings`]).
    pub(super) warnings: Vec<crate::diagnostic::Diagnostic>,
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
        match crate::config::read_file(path.as_ref()) {
            Ok((name, text)) => RouteTable::from_toml(&name, &text),
            Err(diagnostic) => Err(Diagnostics::new(vec![diagnostic])),
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
        let (mut table, _) =
            super::compile(name, text, &super::Registry::unknown(), &mut diagnostics);
        if diagnostics.iter().any(|d| !d.is_warning()) {
            return Err(Diagnostics::new(diagnostics));
        }
        table.warnings = diagnostics;
        Ok(table)
    }

    /// What may be a mistake but only the code can tell, found reading the file alone: a
    /// parameter type that is not minik's, which the app may register with
    /// [`AppBuilder::param_type`](crate::AppBuilder::param_type). `minik check` prints them;
    /// [`AppBuilder::build`](crate::AppBuilder::build), which knows the registrations, turns
    /// the real mistakes among them into errors.
    pub fn warnings(&self) -> &[crate::diagnostic::Diagnostic] {
        &self.warnings
    }

    /// The routes in precedence order: the order in which a lookup tries them.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.router
            .in_order()
            .into_iter()
            .map(|id| &self.routes[id])
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
        let mut params = Params::new();
        match self.lookup(method, path, false, &mut params) {
            Lookup::Found { route, .. } => Ok(Match {
                route: &self.routes[route],
                values: params,
            }),
            Lookup::MethodNotAllowed { routes } => Err(MatchError::MethodNotAllowed {
                allow: self.router.allow(&routes),
            }),
            Lookup::NotFound => Err(MatchError::NotFound),
        }
    }

    /// The router's answer for a request, its parameters left in `params`; `decoded` when the
    /// source percent-decoded the path.
    pub(crate) fn lookup<'p>(
        &self,
        method: &Method,
        path: &'p str,
        decoded: bool,
        params: &mut Params<'p>,
    ) -> Lookup {
        self.router.lookup(method, path, decoded, params)
    }

    /// The route numbered `id` by a lookup.
    pub(crate) fn route(&self, id: RouteId) -> &Route {
        &self.routes[id]
    }

    /// The routes in the order of the file (a route's id is its position here).
    pub(crate) fn routes_by_id(&self) -> &[Route] {
        &self.routes
    }

    /// The largest request body any route accepts: a body over it is refused before it is
    /// decoded, whatever route it is for.
    pub(crate) fn largest_body(&self) -> usize {
        self.largest_body
    }

    /// The first of `routes` (as a lookup returns them) that takes `method`.
    pub(crate) fn pick(&self, routes: &[RouteId], method: &Method) -> Option<&Route> {
        let id = self.router.pick(routes, method)?;
        Some(&self.routes[id])
    }

    /// The methods `routes` answer together, for an `Allow` header.
    pub(crate) fn allow(&self, routes: &[RouteId]) -> Allow {
        self.router.allow(routes)
    }
}
