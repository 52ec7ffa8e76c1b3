//! Reading `routes.toml`: TOML text to spanned declarations, with no routing semantics.
//!
//! Design note: the text is parsed by toml's `DeTable::parse_recoverable`, which keeps a byte
//! span for every key and value and reports every syntax error in one pass. The document is
//! then walked by hand ([`read`]) rather than through serde's `deny_unknown_fields`, because
//! serde stops at the first unknown key while minik reports all of them, each with a "did you
//! mean" where one is close. What the values *mean* (templates, types, methods, duplicates) is
//! the next stage's business (`spec`).

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

mod read;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, DiagnosticKind, SourceFile};

/// A string value from the file with the span of its TOML literal (quotes included).
///
/// The value borrows the file's text when it is written there as it is (most strings of a
/// routes file): reading a declaration allocates nothing for it, and the next stage copies only
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
    /// `max_body`: the largest request body a route accepts, unless it says otherwise.
    pub(crate) max_body: Option<Located<'i>>,
    /// `errors`: the shape of error answers, `"minik"` or `"problem"`.
    pub(crate) errors: Option<Located<'i>>,
    /// `invoke_mode`: how `run` answers Lambda, `"buffered"` or `"stream"`.
    pub(crate) invoke_mode: Option<Located<'i>>,
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

/// A scalar written in the file (a query parameter's `default`), with its span.
#[derive(Debug, Clone)]
pub(crate) enum ScalarDecl<'i> {
    String(Cow<'i, str>),
    /// `None` for an integer that is not a decimal `i64`.
    Integer(Option<i64>),
    Float(f64),
    Boolean(bool),
}

/// One entry of a route's `query` table: `limit = "int"`, or
/// `q = { type = "str", required = true, repeated = true, default = "..." }`.
#[derive(Debug, Clone)]
pub(crate) struct QueryDecl<'i> {
    pub(crate) name: Cow<'i, str>,
    pub(crate) ty: TypeDecl<'i>,
    pub(crate) ty_span: Range<usize>,
    pub(crate) required: bool,
    pub(crate) repeated: bool,
    pub(crate) default: Option<(ScalarDecl<'i>, Range<usize>)>,
}

/// A route's `body`: `body = "json"`, or `body = { type = "json", schema = "...", required =
/// true }`.
#[derive(Debug, Clone)]
pub(crate) struct BodyDecl<'i> {
    /// `json`, `form`, `text` or `binary`, as written (it may be unknown).
    pub(crate) kind: Located<'i>,
    /// A JSON Schema file, relative to the routes file.
    pub(crate) schema: Option<Located<'i>>,
    pub(crate) required: bool,
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
    /// `max_body`: the largest request body the route accepts.
    pub(crate) max_body: Option<Located<'i>>,
    /// `query`: the query parameters the route declares.
    pub(crate) query: Vec<QueryDecl<'i>>,
    /// `body`: what request body the route takes.
    pub(crate) body: Option<BodyDecl<'i>>,
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
    pub(crate) source: Arc<SourceFile>,
    pub(crate) app: AppDecl<'i>,
    pub(crate) routes: Vec<RouteDecl<'i>>,
}

const TOP_KEYS: &[&str] = &["app", "route"];
const APP_KEYS: &[&str] = &[
    "debug",
    "base_path",
    "headers",
    "cors",
    "middleware",
    "max_body",
    "errors",
    "invoke_mode",
];
const ROUTE_KEYS: &[&str] = &[
    "path",
    "handler",
    "methods",
    "params",
    "cors",
    "middleware",
    "skip_middleware",
    "max_body",
    "query",
    "body",
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
const QUERY_KEYS: &[&str] = &["type", "regex", "required", "repeated", "default"];
const BODY_KEYS: &[&str] = &["type", "schema", "required"];

/// The largest routes file minik reads: 10,000 routes fit (the scale benchmark's file of that
/// many is 890 KB), and reading a hostile file of this size takes a fraction of a second and
/// less than 100 MB.
pub(crate) const MAX_FILE_BYTES: usize = 1 << 20;

impl<'i> Document<'i> {
    /// Reads the declarations of `text`; every problem found is pushed to `diagnostics`.
    ///
    /// When the text is not valid TOML only the syntax errors are reported: checks run on a
    /// half-recovered document would report mistakes the user did not make.
    pub(crate) fn parse(name: &str, text: &'i str, diagnostics: &mut Vec<Diagnostic>) -> Self {
        let source = Arc::new(SourceFile::new(name, text));
        let mut document = Document {
            source: Arc::clone(&source),
            app: AppDecl::default(),
            routes: Vec::new(),
        };
        if text.len() > MAX_FILE_BYTES {
            diagnostics.push(too_large(&source, text.len()));
            return document;
        }
        let (root, errors) = DeTable::parse_recoverable(text);
        if errors.is_empty() {
            read::document(&source, root.get_ref(), &mut document, diagnostics);
        }
        for error in errors {
            let span = error.span().unwrap_or(0..0);
            diagnostics.push(Diagnostic::at(
                DiagnosticKind::Syntax,
                &source,
                span,
                error.message(),
            ));
        }
        drop_flat(root.into_inner());
        document
    }
}

fn too_large(source: &Arc<SourceFile>, len: usize) -> Diagnostic {
    let message =
        format!("the routes file is {len} bytes, more than minik reads ({MAX_FILE_BYTES} bytes)");
    Diagnostic::at(DiagnosticKind::Limit, source, 0..0, message)
}

/// Drops a parsed document without recursion. A table header of thousands of dotted keys
/// (`[a.a.a.…]`) nests tables thousands deep, deeper than a recursive drop has stack for.
fn drop_flat(root: DeTable<'_>) {
    let mut stack = vec![DeValue::Table(root)];
    while let Some(value) = stack.pop() {
        match value {
            DeValue::Table(table) => {
                stack.extend(table.into_iter().map(|(_, value)| value.into_inner()));
            }
            DeValue::Array(items) => stack.extend(items.into_iter().map(Spanned::into_inner)),
            _ => {}
        }
    }
}

/// Reads a routes file into its name and text. A file that cannot be read, is larger than
/// minik reads, or is not UTF-8 (located at its first byte that is not) is a diagnostic.
pub(crate) fn read_file(path: &Path) -> Result<(String, String), Diagnostic> {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|file| {
        // One byte past the limit tells a file over it, without reading all of a huge one.
        file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)
    });
    read.map_err(|error| Diagnostic::io(&name, &error))?;
    if bytes.len() > MAX_FILE_BYTES {
        let len = std::fs::metadata(path).map_or(bytes.len(), |m| m.len() as usize);
        return Err(too_large(&Arc::new(SourceFile::new(&name, "")), len));
    }
    String::from_utf8(bytes)
        .map(|text| (name.clone(), text))
        .map_err(|error| {
            let at = error.utf8_error().valid_up_to();
            // The text before the first invalid byte is the same once made lossy.
            let text = String::from_utf8_lossy(error.as_bytes());
            let source = Arc::new(SourceFile::new(&name, &text));
            let message = "the routes file is not UTF-8: this byte starts no UTF-8 character";
            Diagnostic::at(DiagnosticKind::Syntax, &source, at..at + 1, message)
        })
}
