//! Reading `routes.toml`: TOML text to spanned declarations, with no routing semantics.
//!
//! Design note: the file is read into a tree that keeps a byte span for every key and value
//! ([`tree`]: from `toml_parser`'s events, or from toml's `DeTable::parse_recoverable` for files
//! outside the plain subset of TOML routes files use, which also reports every syntax error in
//! one pass), and then walked by hand rather than through serde's `deny_unknown_fields`, because
//! serde stops at the first unknown key while minik reports all of them, each with a "did you
//! mean" where one is close.
//! What the values *mean* (templates, types, methods, duplicates) is the router's business.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

mod tree;

use toml::de::DeTable;

use self::tree::{Item, Key, Table, Value};
use crate::diagnostic::{Diagnostic, DiagnosticKind, Source};

/// A string value from the file with the span of its TOML literal (quotes included).
///
/// The value borrows the file's text when it is written there as it is (most strings of a
/// routes file): reading a declaration allocates nothing for it, and the router copies only
/// what it keeps.
#[derive(Debug, Clone)]
pub(crate) struct Located<'i> {
    pub(crate) value: Cow<'i, str>,
    pub(crate) span: Range<usize>,
}

impl Located<'_> {
    /// A copy that owns its text, for what outlives the file's text.
    pub(crate) fn into_owned(self) -> Located<'static> {
        Located {
            value: Cow::Owned(self.value.into_owned()),
            span: self.span,
        }
    }
}

/// `[app]`: settings for the whole application.
#[derive(Debug, Default)]
pub(crate) struct AppDecl<'i> {
    pub(crate) debug: bool,
    pub(crate) base_path: Option<Located<'i>>,
    /// `[app.cors]`.
    pub(crate) cors: Option<CorsDecl<'i>>,
    /// `[app.headers]`: name and value of each default response header.
    pub(crate) headers: Vec<(Located<'i>, Located<'i>)>,
    /// `middleware`: the hooks every route runs, in order.
    pub(crate) middleware: Vec<Located<'i>>,
}

/// The declared type of a path parameter, as written in `params`.
#[derive(Debug, Clone)]
pub(crate) enum TypeDecl<'i> {
    /// `"int"`, `"str"`, ...: the name as written (it may be unknown).
    Named(Cow<'i, str>),
    /// `{ regex = "..." }`.
    Regex(Cow<'i, str>),
}

/// One entry of a route's `params` table.
#[derive(Debug, Clone)]
pub(crate) struct ParamDecl<'i> {
    pub(crate) name: Cow<'i, str>,
    pub(crate) name_span: Range<usize>,
    pub(crate) ty: TypeDecl<'i>,
    /// The span of the type's value: the string, or the regex string inside the table.
    pub(crate) ty_span: Range<usize>,
}

/// One `[[route]]` table. Routes missing `path` or `handler` are reported and not kept.
#[derive(Debug, Clone)]
pub(crate) struct RouteDecl<'i> {
    pub(crate) path: Located<'i>,
    pub(crate) handler: Located<'i>,
    /// `None` when the key is absent: every method is accepted.
    pub(crate) methods: Option<Vec<Located<'i>>>,
    /// The span of the `methods` array, when present.
    pub(crate) methods_span: Range<usize>,
    /// `cors = false` or `cors = { ... }`; `None` inherits `[app.cors]`.
    pub(crate) cors: Option<CorsDecl<'i>>,
    pub(crate) params: Vec<ParamDecl<'i>>,
    /// `middleware`: the route's own hooks, run after the app's.
    pub(crate) middleware: Vec<Located<'i>>,
    /// `skip_middleware`: hooks of `[app] middleware` this route does not run.
    pub(crate) skip_middleware: Vec<Located<'i>>,
}

/// `[app.cors]`, or a route's `cors`: the CORS policy as written.
#[derive(Debug, Clone, Default)]
pub(crate) struct CorsDecl<'i> {
    /// `cors = false` on a route: no CORS headers for it.
    pub(crate) disabled: bool,
    pub(crate) span: Range<usize>,
    pub(crate) allow_origins: Option<Vec<Located<'i>>>,
    pub(crate) allow_methods: Option<Vec<Located<'i>>>,
    pub(crate) allow_headers: Option<Vec<Located<'i>>>,
    pub(crate) expose_headers: Option<Vec<Located<'i>>>,
    pub(crate) allow_credentials: bool,
    pub(crate) max_age: Option<(i64, Range<usize>)>,
}

/// A routes file read into declarations.
#[derive(Debug)]
pub(crate) struct Document<'i> {
    pub(crate) source: Arc<Source>,
    pub(crate) app: AppDecl<'i>,
    pub(crate) routes: Vec<RouteDecl<'i>>,
}

const TOP_KEYS: &[&str] = &["app", "route"];
const APP_KEYS: &[&str] = &["debug", "base_path", "headers", "cors", "middleware"];
const ROUTE_KEYS: &[&str] = &[
    "path",
    "handler",
    "methods",
    "params",
    "cors",
    "middleware",
    "skip_middleware",
];
const CORS_KEYS: &[&str] = &[
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "allow_credentials",
    "max_age",
];
const TYPE_KEYS: &[&str] = &["regex"];

impl<'i> Document<'i> {
    /// Reads the declarations of `text`; every problem found is pushed to `diagnostics`.
    ///
    /// When the text is not valid TOML only the syntax errors are reported: checks run on a
    /// half-recovered document would report mistakes the user did not make.
    pub(crate) fn parse(name: &str, text: &'i str, diagnostics: &mut Vec<Diagnostic>) -> Self {
        let source = Arc::new(Source {
            name: name.to_owned(),
            text: text.to_owned(),
        });
        let mut file = Document {
            source: Arc::clone(&source),
            app: AppDecl::default(),
            routes: Vec::new(),
        };
        let root = match tree::read(text) {
            Some(root) => root,
            None => {
                let (root, errors) = DeTable::parse_recoverable(text);
                if !errors.is_empty() {
                    for error in errors {
                        let span = error.span().unwrap_or(0..0);
                        diagnostics.push(Diagnostic::at(
                            DiagnosticKind::Syntax,
                            &source,
                            span,
                            error.message(),
                        ));
                    }
                    return file;
                }
                tree::from_de(root.get_ref())
            }
        };
        let mut reader = Reader {
            source: &source,
            diagnostics,
        };
        for (key, value) in root.iter() {
            match key.name.as_ref() {
                "app" => {
                    if let Some(table) = reader.table(value, "`[app]`") {
                        file.app = reader.app(table);
                    }
                }
                "route" => file.routes = reader.routes(value),
                other => reader.unknown_key(key, other, TOP_KEYS, "at the top level"),
            }
        }
        file
    }
}

struct Reader<'a> {
    source: &'a Arc<Source>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, kind: DiagnosticKind, span: Range<usize>, message: String) {
        self.diagnostics
            .push(Diagnostic::at(kind, self.source, span, message));
    }

    fn unknown_key(&mut self, key: &Key<'_>, name: &str, known: &[&str], place: &str) {
        let mut message = format!("unknown key `{name}` {place}");
        let expected = || format!(", expected one of {}", list(known));
        message.push_str(&suggestion(name, known).unwrap_or_else(expected));
        self.error(DiagnosticKind::UnknownKey, key.span.clone(), message);
    }

    fn wrong_type(&mut self, value: &Item<'_>, what: &str) {
        let found = value.value.type_str();
        self.error(
            DiagnosticKind::InvalidValue,
            value.span.clone(),
            format!("expected {what}, found {found}"),
        );
    }

    fn table<'v, 'i>(&mut self, value: &'v Item<'i>, what: &str) -> Option<&'v Table<'i>> {
        match &value.value {
            Value::Table(table) => Some(table),
            _ => {
                self.wrong_type(value, &format!("a table {what}"));
                None
            }
        }
    }

    fn string<'i>(&mut self, value: &Item<'i>, what: &str) -> Option<Located<'i>> {
        match &value.value {
            Value::String(s) => Some(Located {
                value: s.clone(),
                span: value.span.clone(),
            }),
            _ => {
                self.wrong_type(value, what);
                None
            }
        }
    }

    fn app<'i>(&mut self, table: &Table<'i>) -> AppDecl<'i> {
        let mut app = AppDecl::default();
        for (key, value) in table.iter() {
            match key.name.as_ref() {
                "debug" => match &value.value {
                    Value::Boolean(debug) => app.debug = *debug,
                    _ => self.wrong_type(value, "a boolean (`true` or `false`) for `debug`"),
                },
                "base_path" => {
                    app.base_path = self.string(value, "a string path prefix for `base_path`")
                }
                "headers" => {
                    let Some(headers) =
                        self.table(value, "of header names and values for `[app.headers]`")
                    else {
                        continue;
                    };
                    for (name, value) in headers.iter() {
                        if let Some(value) = self.string(value, "a string header value") {
                            let name = Located {
                                value: name.name.clone(),
                                span: name.span.clone(),
                            };
                            app.headers.push((name, value));
                        }
                    }
                }
                "cors" => app.cors = self.cors(value, false),
                "middleware" => app.middleware = self.names(value, "middleware"),
                other => self.unknown_key(key, other, APP_KEYS, "in `[app]`"),
            }
        }
        app
    }

    fn routes<'i>(&mut self, value: &Item<'i>) -> Vec<RouteDecl<'i>> {
        let Value::Array(items) = &value.value else {
            self.wrong_type(value, "an array of tables `[[route]]`");
            return Vec::new();
        };
        let mut routes = Vec::with_capacity(items.len());
        for item in items.iter() {
            if let Some(table) = self.table(item, "for each `[[route]]`") {
                if let Some(route) = self.route(item.span.clone(), table) {
                    routes.push(route);
                }
            }
        }
        routes
    }

    fn route<'i>(&mut self, header: Range<usize>, table: &Table<'i>) -> Option<RouteDecl<'i>> {
        let (mut path, mut handler, mut methods, mut params) = (None, None, None, Vec::new());
        let mut methods_span = header.clone();
        let mut cors = None;
        let (mut middleware, mut skip_middleware) = (Vec::new(), Vec::new());
        for (key, value) in table.iter() {
            match key.name.as_ref() {
                "path" => path = self.string(value, "a string path template for `path`"),
                "handler" => handler = self.string(value, "a string handler name for `handler`"),
                "methods" => {
                    methods = self.methods(value);
                    methods_span = value.span.clone();
                }
                "params" => params = self.params(value),
                "cors" => cors = self.cors(value, true),
                "middleware" => middleware = self.names(value, "middleware"),
                "skip_middleware" => skip_middleware = self.names(value, "skip_middleware"),
                other => self.unknown_key(key, other, ROUTE_KEYS, "in `[[route]]`"),
            }
        }
        let mut missing = |present: bool, key: &str| {
            if !present {
                let message = format!("missing key `{key}` in `[[route]]`");
                self.error(DiagnosticKind::MissingKey, header.clone(), message);
            }
        };
        // A key present with the wrong type was reported already; report only absent keys.
        missing(table.contains_key("path"), "path");
        missing(table.contains_key("handler"), "handler");
        Some(RouteDecl {
            path: path?,
            handler: handler?,
            methods,
            methods_span,
            params,
            cors,
            middleware,
            skip_middleware,
        })
    }

    /// `[app.cors]` (a table) or a route's `cors` (a table, or `false` to turn CORS off).
    fn cors<'i>(&mut self, value: &Item<'i>, on_route: bool) -> Option<CorsDecl<'i>> {
        let mut cors = CorsDecl {
            span: value.span.clone(),
            ..CorsDecl::default()
        };
        let table = match &value.value {
            Value::Boolean(false) if on_route => {
                cors.disabled = true;
                return Some(cors);
            }
            Value::Table(table) => table,
            Value::Boolean(true) if on_route => {
                let message = "`cors = true` is what a route has without the key (the app's policy); write `false` to turn CORS off, or a table to override it";
                self.error(
                    DiagnosticKind::InvalidValue,
                    value.span.clone(),
                    message.to_owned(),
                );
                return None;
            }
            _ => {
                let what = if on_route {
                    "`false` or a table of CORS settings"
                } else {
                    "a table of CORS settings"
                };
                self.wrong_type(value, what);
                return None;
            }
        };
        let strings = |reader: &mut Self, value: &Item<'i>, key: &str| {
            reader.strings(
                value,
                &format!("an array of strings for `{key}`"),
                "a string",
            )
        };
        for (key, value) in table.iter() {
            match key.name.as_ref() {
                "allow_origins" => cors.allow_origins = strings(self, value, "allow_origins"),
                "allow_methods" => cors.allow_methods = strings(self, value, "allow_methods"),
                "allow_headers" => cors.allow_headers = strings(self, value, "allow_headers"),
                "expose_headers" => cors.expose_headers = strings(self, value, "expose_headers"),
                "allow_credentials" => match &value.value {
                    Value::Boolean(b) => cors.allow_credentials = *b,
                    _ => self.wrong_type(value, "a boolean for `allow_credentials`"),
                },
                "max_age" => match &value.value {
                    Value::Integer(Some(seconds)) => {
                        cors.max_age = Some((*seconds, value.span.clone()));
                    }
                    _ => self.wrong_type(value, "a number of seconds for `max_age`"),
                },
                other => self.unknown_key(key, other, CORS_KEYS, "in a CORS table"),
            }
        }
        Some(cors)
    }

    fn methods<'i>(&mut self, value: &Item<'i>) -> Option<Vec<Located<'i>>> {
        let what = "an array of method names for `methods`, such as `[\"GET\"]`";
        self.strings(value, what, "a string method name")
    }

    /// A list of middleware names for `key`.
    fn names<'i>(&mut self, value: &Item<'i>, key: &str) -> Vec<Located<'i>> {
        let what =
            format!("an array of middleware names for `{key}`, such as `[\"require_api_key\"]`");
        self.strings(value, &what, "a string middleware name")
            .unwrap_or_default()
    }

    /// An array of strings; `what` and `item` name what was expected, for the diagnostics.
    fn strings<'i>(
        &mut self,
        value: &Item<'i>,
        what: &str,
        item: &str,
    ) -> Option<Vec<Located<'i>>> {
        let Value::Array(items) = &value.value else {
            self.wrong_type(value, what);
            return None;
        };
        Some(
            items
                .iter()
                .filter_map(|element| self.string(element, item))
                .collect(),
        )
    }

    fn params<'i>(&mut self, value: &Item<'i>) -> Vec<ParamDecl<'i>> {
        let Some(table) = self.table(value, "of parameter types for `params`") else {
            return Vec::new();
        };
        let mut params = Vec::new();
        for (name, value) in table.iter() {
            let ty = match &value.value {
                Value::String(ty) => Some((TypeDecl::Named(ty.clone()), value.span.clone())),
                Value::Table(spec) => self.regex_spec(value.span.clone(), spec),
                _ => {
                    self.wrong_type(
                        value,
                        "a type name such as `\"int\"` or a table `{ regex = \"...\" }`",
                    );
                    None
                }
            };
            if let Some((ty, ty_span)) = ty {
                params.push(ParamDecl {
                    name: name.name.clone(),
                    name_span: name.span.clone(),
                    ty,
                    ty_span,
                });
            }
        }
        params
    }

    fn regex_spec<'i>(
        &mut self,
        span: Range<usize>,
        spec: &Table<'i>,
    ) -> Option<(TypeDecl<'i>, Range<usize>)> {
        let mut regex = None;
        let mut unknown = false;
        for (key, value) in spec.iter() {
            match key.name.as_ref() {
                "regex" => regex = self.string(value, "a string regular expression for `regex`"),
                other => {
                    self.unknown_key(key, other, TYPE_KEYS, "in a parameter type");
                    unknown = true;
                }
            }
        }
        // `{ regx = ".." }` is one mistake, already reported as an unknown key.
        if !spec.contains_key("regex") && !unknown {
            self.error(
                DiagnosticKind::MissingKey,
                span,
                "missing key `regex` in the parameter type table".into(),
            );
        }
        regex.map(|regex| (TypeDecl::Regex(regex.value), regex.span))
    }
}

/// `` `a`, `b` or `c` ``.
pub(crate) fn list(names: &[&str]) -> String {
    list_with(names, None)
}

/// `` `a`, `b`, `c` or <last> ``: a list of names with a last alternative written out.
pub(crate) fn list_with(names: &[&str], last: Option<&str>) -> String {
    let mut quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    quoted.extend(last.map(str::to_owned));
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// `, did you mean `close`?` for the known name closest to `name`, when it is close enough to
/// be a typo: the end of every "unknown ..." message.
pub(crate) fn suggestion(name: &str, known: &[&str]) -> Option<String> {
    did_you_mean(name, known).map(|close| format!(", did you mean `{close}`?"))
}

/// The known name closest to `name`, when it is close enough to be a typo.
fn did_you_mean<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let name = name.to_ascii_lowercase();
    let distance = |candidate: &str| edit_distance(&name, &candidate.to_ascii_lowercase());
    let close = known
        .iter()
        .map(|candidate| (distance(candidate), *candidate))
        .filter(|(d, candidate)| *d <= (candidate.len().max(name.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate);
    // `integer` for `int`, `boolean` for `bool`: a longer spelling of a known name.
    close.or_else(|| {
        let prefix = |k: &&str| k.len() >= 3 && name.starts_with(&k.to_ascii_lowercase());
        known.iter().copied().filter(prefix).max_by_key(|k| k.len())
    })
}

/// Edit distance in characters, counting a swap of two neighbours as one edit (`GTE` is one
/// edit from `GET`): optimal string alignment.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The span of the characters `range` of a string value whose TOML literal spans `literal`.
///
/// Exact when the literal holds the characters as written (no escapes); otherwise the whole
/// literal, which is still the right line.
pub(crate) fn inner_span(
    source: &Source,
    literal: &Range<usize>,
    value: &str,
    range: Range<usize>,
) -> Range<usize> {
    let raw = source.text.get(literal.clone()).unwrap_or_default();
    let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else {
        1
    };
    let start = literal.start + quote;
    match source.text.get(start..start + value.len()) {
        Some(written) if written == value => start + range.start..start + range.end,
        _ => literal.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_matched_to_known_names() {
        assert_eq!(did_you_mean("handlr", ROUTE_KEYS), Some("handler"));
        assert_eq!(did_you_mean("method", ROUTE_KEYS), Some("methods"));
        assert_eq!(did_you_mean("Path", ROUTE_KEYS), Some("path"));
        assert_eq!(did_you_mean("colour", ROUTE_KEYS), None);
        assert_eq!(did_you_mean("GTE", &["GET", "PUT"]), Some("GET"));
        assert_eq!(did_you_mean("integer", &["str", "int"]), Some("int"));
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
