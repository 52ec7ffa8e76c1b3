//! Walking toml's spanned document into declarations, reporting every unknown key and every
//! value of the wrong type.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::{
    APP_KEYS, AppDecl, BODY_KEYS, BodyDecl, CORS_KEYS, CorsDecl, Document, Located, ParamDecl,
    QUERY_KEYS, QueryDecl, ROUTE_KEYS, RouteDecl, ScalarDecl, TOP_KEYS, TYPE_KEYS, TypeDecl,
};
use crate::diagnostic::{Diagnostic, DiagnosticKind, SourceFile, list, suggestion};

type Key<'i> = Spanned<DeString<'i>>;
type Item<'i> = Spanned<DeValue<'i>>;

/// Reads the root table of a routes file into `document`.
pub(super) fn document<'i>(
    source: &Arc<SourceFile>,
    root: &DeTable<'i>,
    document: &mut Document<'i>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut reader = Reader {
        source,
        diagnostics,
    };
    for (key, value) in entries(root) {
        match key.get_ref().as_ref() {
            "app" => {
                if let Some(table) = reader.table(value, "`[app]`") {
                    document.app = reader.app(table);
                }
            }
            "route" => document.routes = reader.routes(value),
            other => reader.unknown_key(key, other, TOP_KEYS, "at the top level"),
        }
    }
}

/// A table's entries in the order their keys appear in the file (toml keeps them sorted by
/// name), so that diagnostics and routes come in file order.
fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Key<'i>, &'t Item<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

fn contains_key(table: &DeTable<'_>, name: &str) -> bool {
    table.keys().any(|key| key.get_ref() == name)
}

struct Reader<'a> {
    source: &'a Arc<SourceFile>,
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
        self.error(DiagnosticKind::UnknownKey, key.span(), message);
    }

    fn wrong_type(&mut self, value: &Item<'_>, what: &str) {
        let found = value.get_ref().type_str();
        self.error(
            DiagnosticKind::InvalidValue,
            value.span(),
            format!("expected {what}, found {found}"),
        );
    }

    fn table<'v, 'i>(&mut self, value: &'v Item<'i>, what: &str) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => {
                self.wrong_type(value, &format!("a table {what}"));
                None
            }
        }
    }

    fn string<'i>(&mut self, value: &Item<'i>, what: &str) -> Option<Located<'i>> {
        match value.get_ref() {
            DeValue::String(s) => Some(Located {
                value: s.clone(),
                span: value.span(),
            }),
            _ => {
                self.wrong_type(value, what);
                None
            }
        }
    }

    fn app<'i>(&mut self, table: &DeTable<'i>) -> AppDecl<'i> {
        let mut app = AppDecl::default();
        for (key, value) in entries(table) {
            match key.get_ref().as_ref() {
                "debug" => match value.get_ref() {
                    DeValue::Boolean(debug) => app.debug = *debug,
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
                    for (name, value) in entries(headers) {
                        if let Some(value) = self.string(value, "a string header value") {
                            let name = Located {
                                value: name.get_ref().clone(),
                                span: name.span(),
                            };
                            app.headers.push((name, value));
                        }
                    }
                }
                "cors" => app.cors = self.cors(value, false),
                "middleware" => app.middleware = self.names(value, "middleware"),
                "max_body" => app.max_body = self.size(value),
                "errors" => {
                    app.errors = self.string(value, "`\"minik\"` or `\"problem\"` for `errors`")
                }
                "invoke_mode" => {
                    app.invoke_mode =
                        self.string(value, "`\"buffered\"` or `\"stream\"` for `invoke_mode`")
                }
                other => self.unknown_key(key, other, APP_KEYS, "in `[app]`"),
            }
        }
        app
    }

    fn routes<'i>(&mut self, value: &Item<'i>) -> Vec<RouteDecl<'i>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, "an array of tables `[[route]]`");
            return Vec::new();
        };
        let mut routes = Vec::with_capacity(items.len());
        for item in items {
            if let Some(table) = self.table(item, "for each `[[route]]`") {
                if let Some(route) = self.route(item.span(), table) {
                    routes.push(route);
                }
            }
        }
        routes
    }

    fn route<'i>(&mut self, header: Range<usize>, table: &DeTable<'i>) -> Option<RouteDecl<'i>> {
        let (mut path, mut handler, mut methods, mut params) = (None, None, None, Vec::new());
        let mut methods_span = header.clone();
        let mut cors = None;
        let (mut middleware, mut skip_middleware) = (Vec::new(), Vec::new());
        let mut max_body = None;
        let (mut query, mut body) = (Vec::new(), None);
        for (key, value) in entries(table) {
            match key.get_ref().as_ref() {
                "path" => path = self.string(value, "a string path template for `path`"),
                "handler" => handler = self.string(value, "a string handler name for `handler`"),
                "methods" => {
                    methods = self.methods(value);
                    methods_span = value.span();
                }
                "params" => params = self.params(value),
                "cors" => cors = self.cors(value, true),
                "middleware" => middleware = self.names(value, "middleware"),
                "skip_middleware" => skip_middleware = self.names(value, "skip_middleware"),
                "max_body" => max_body = self.size(value),
                "query" => query = self.query(value),
                "body" => body = self.body(value),
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
        missing(contains_key(table, "path"), "path");
        missing(contains_key(table, "handler"), "handler");
        Some(RouteDecl {
            path: path?,
            handler: handler?,
            methods,
            methods_span,
            params,
            cors,
            middleware,
            skip_middleware,
            max_body,
            query,
            body,
        })
    }

    /// A route's `query` table.
    fn query<'i>(&mut self, value: &Item<'i>) -> Vec<QueryDecl<'i>> {
        let Some(table) = self.table(value, "of query parameters for `query`") else {
            return Vec::new();
        };
        let mut params = Vec::new();
        for (name, value) in entries(table) {
            let mut param = QueryDecl {
                name: name.get_ref().clone(),
                ty: TypeDecl::Named("str".into()),
                ty_span: value.span(),
                required: false,
                repeated: false,
                default: None,
            };
            match value.get_ref() {
                DeValue::String(ty) => param.ty = TypeDecl::Named(ty.clone()),
                DeValue::Table(spec) => {
                    if !self.query_spec(spec, &mut param) {
                        continue;
                    }
                }
                _ => {
                    self.wrong_type(
                        value,
                        "a type name such as `\"int\"` or a table such as `{ type = \"int\", required = true }`",
                    );
                    continue;
                }
            }
            params.push(param);
        }
        params
    }

    /// The keys of a query parameter's table; `false` when its type is missing or wrong.
    fn query_spec<'i>(&mut self, spec: &DeTable<'i>, param: &mut QueryDecl<'i>) -> bool {
        let mut typed = false;
        for (key, value) in entries(spec) {
            match key.get_ref().as_ref() {
                "type" => {
                    if let Some(ty) = self.string(value, "a type name for `type`") {
                        (param.ty, param.ty_span, typed) =
                            (TypeDecl::Named(ty.value), ty.span, true);
                    }
                }
                "regex" => {
                    if let Some(regex) =
                        self.string(value, "a string regular expression for `regex`")
                    {
                        (param.ty, param.ty_span, typed) =
                            (TypeDecl::Regex(regex.value), regex.span, true);
                    }
                }
                "required" => param.required = self.boolean(value, "required"),
                "repeated" => param.repeated = self.boolean(value, "repeated"),
                "default" => {
                    let scalar = match value.get_ref() {
                        DeValue::String(text) => Some(ScalarDecl::String(text.clone())),
                        DeValue::Integer(integer) => Some(ScalarDecl::Integer(decimal(integer))),
                        DeValue::Float(float) => float.as_str().parse().ok().map(ScalarDecl::Float),
                        DeValue::Boolean(b) => Some(ScalarDecl::Boolean(*b)),
                        _ => None,
                    };
                    match scalar {
                        Some(scalar) => param.default = Some((scalar, value.span())),
                        None => self.wrong_type(value, "a string, number or boolean for `default`"),
                    }
                }
                other => self.unknown_key(key, other, QUERY_KEYS, "in a query parameter"),
            }
        }
        // Without `type` or `regex`, a parameter is a string, as in `params`.
        typed || !contains_key(spec, "type") && !contains_key(spec, "regex")
    }

    fn boolean(&mut self, value: &Item<'_>, key: &str) -> bool {
        match value.get_ref() {
            DeValue::Boolean(b) => *b,
            _ => {
                self.wrong_type(value, &format!("a boolean (`true` or `false`) for `{key}`"));
                false
            }
        }
    }

    /// A route's `body`: a kind, or a table with `type`, `schema` and `required`.
    fn body<'i>(&mut self, value: &Item<'i>) -> Option<BodyDecl<'i>> {
        let what = "`\"json\"`, `\"form\"`, `\"text\"`, `\"binary\"` or a table such as `{ type = \"json\", schema = \"schemas/todo.json\" }` for `body`";
        let table = match value.get_ref() {
            DeValue::String(_) => {
                let kind = self.string(value, what)?;
                return Some(BodyDecl {
                    kind,
                    schema: None,
                    required: false,
                });
            }
            DeValue::Table(table) => table,
            _ => {
                self.wrong_type(value, what);
                return None;
            }
        };
        let (mut kind, mut schema, mut required) = (None, None, false);
        for (key, value) in entries(table) {
            match key.get_ref().as_ref() {
                "type" => kind = self.string(value, "a body kind such as `\"json\"` for `type`"),
                "schema" => {
                    schema = self.string(value, "a path to a JSON Schema file for `schema`")
                }
                "required" => required = self.boolean(value, "required"),
                other => self.unknown_key(key, other, BODY_KEYS, "in a body table"),
            }
        }
        if !contains_key(table, "type") {
            let message = "missing key `type` in the body table".to_owned();
            self.error(DiagnosticKind::MissingKey, value.span(), message);
        }
        Some(BodyDecl {
            kind: kind?,
            schema,
            required,
        })
    }

    /// A size: a number of bytes, or a string such as `"64KB"` (its meaning is checked later).
    fn size<'i>(&mut self, value: &Item<'i>) -> Option<Located<'i>> {
        let what = "a size such as `\"64KB\"`, `\"6MB\"` or a number of bytes for `max_body`";
        match value.get_ref() {
            DeValue::Integer(bytes) if decimal(bytes).is_some() => Some(Located {
                value: bytes.as_str().to_owned().into(),
                span: value.span(),
            }),
            _ => self.string(value, what),
        }
    }

    /// `[app.cors]` (a table) or a route's `cors` (a table, or `false` to turn CORS off).
    fn cors<'i>(&mut self, value: &Item<'i>, on_route: bool) -> Option<CorsDecl<'i>> {
        let mut cors = CorsDecl {
            span: value.span(),
            ..CorsDecl::default()
        };
        let table = match value.get_ref() {
            DeValue::Boolean(false) if on_route => {
                cors.disabled = true;
                return Some(cors);
            }
            DeValue::Table(table) => table,
            DeValue::Boolean(true) if on_route => {
                let message = "`cors = true` is what a route has without the key (the app's policy); write `false` to turn CORS off, or a table to override it";
                self.error(
                    DiagnosticKind::InvalidValue,
                    value.span(),
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
        for (key, value) in entries(table) {
            match key.get_ref().as_ref() {
                "allow_origins" => cors.allow_origins = strings(self, value, "allow_origins"),
                "allow_methods" => cors.allow_methods = strings(self, value, "allow_methods"),
                "allow_headers" => cors.allow_headers = strings(self, value, "allow_headers"),
                "expose_headers" => cors.expose_headers = strings(self, value, "expose_headers"),
                "allow_credentials" => match value.get_ref() {
                    DeValue::Boolean(b) => cors.allow_credentials = *b,
                    _ => self.wrong_type(value, "a boolean for `allow_credentials`"),
                },
                "max_age" => match value.get_ref() {
                    DeValue::Integer(seconds) => match decimal(seconds) {
                        Some(seconds) => cors.max_age = Some((seconds, value.span())),
                        None => self.wrong_type(value, "a number of seconds for `max_age`"),
                    },
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
        let DeValue::Array(items) = value.get_ref() else {
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
        for (name, value) in entries(table) {
            let ty = match value.get_ref() {
                DeValue::String(ty) => Some((TypeDecl::Named(ty.clone()), value.span())),
                DeValue::Table(spec) => self.regex_spec(value.span(), spec),
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
                    name: name.get_ref().clone(),
                    name_span: name.span(),
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
        spec: &DeTable<'i>,
    ) -> Option<(TypeDecl<'i>, Range<usize>)> {
        let mut regex = None;
        let mut unknown = false;
        for (key, value) in entries(spec) {
            match key.get_ref().as_ref() {
                "regex" => regex = self.string(value, "a string regular expression for `regex`"),
                other => {
                    self.unknown_key(key, other, TYPE_KEYS, "in a parameter type");
                    unknown = true;
                }
            }
        }
        // `{ regx = ".." }` is one mistake, already reported as an unknown key.
        if !contains_key(spec, "regex") && !unknown {
            self.error(
                DiagnosticKind::MissingKey,
                span,
                "missing key `regex` in the parameter type table".into(),
            );
        }
        regex.map(|regex| (TypeDecl::Regex(regex.value), regex.span))
    }
}

/// A decimal integer that fits an `i64`; `None` for the other radixes TOML allows.
fn decimal(integer: &toml::de::DeInteger<'_>) -> Option<i64> {
    (integer.radix() == 10)
        .then(|| integer.as_str().parse().ok())
        .flatten()
}
