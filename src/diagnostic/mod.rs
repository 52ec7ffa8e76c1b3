//! Located diagnostics for routes files, rendered like rustc and toml.
//!
//! Design note: a diagnostic stores a byte span into the source it is about, never a line and
//! column; those are computed only when the diagnostic is rendered (as toml's `de::Error` does).
//! Diagnostics about Rust code (a handler registered but never routed) carry the caller's
//! location, captured with `#[track_caller]`, instead of a span.

mod suggest;

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

pub(crate) use self::suggest::{list, list_with, suggestion};

/// The longest message a diagnostic keeps, in bytes. Messages quote the names they are about,
/// and a hostile file can hold a name of megabytes.
const LONGEST_MESSAGE: usize = 400;

/// `message`, cut to [`LONGEST_MESSAGE`] bytes with `...` when longer.
fn bounded(mut message: String) -> String {
    if message.len() > LONGEST_MESSAGE {
        let cut = floor_char_boundary(&message, LONGEST_MESSAGE);
        message.truncate(cut);
        message.push_str("...");
    }
    message
}

/// The text of a routes file and the name it is reported under.
#[derive(Debug)]
pub(crate) struct SourceFile {
    pub(crate) name: String,
    pub(crate) text: String,
    /// Where each line starts, so that locating a diagnostic does not count the lines before
    /// it again: a file with thousands of mistakes is reported in time linear in its length.
    /// Found when the first diagnostic is located: a file that builds never needs them.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub(crate) fn new(name: &str, text: &str) -> Self {
        SourceFile {
            name: name.to_owned(),
            text: text.to_owned(),
            line_starts: OnceLock::new(),
        }
    }

    /// The 1-based line of a byte offset, and the byte offset where that line starts.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let line_starts = self.line_starts.get_or_init(|| {
            let newlines = self.text.bytes().enumerate().filter(|&(_, b)| b == b'\n');
            std::iter::once(0)
                .chain(newlines.map(|(at, _)| at + 1))
                .collect()
        });
        let line = line_starts.partition_point(|&start| start <= offset);
        (line, line_starts[line.saturating_sub(1)])
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (line, line_start) = self.line_of(offset);
        let column = self.text[line_start..offset].chars().count() + 1;
        (line, column)
    }

    /// The span of the characters `range` of a string value whose TOML literal spans `literal`.
    ///
    /// Exact when the literal holds the characters as written (no escapes); otherwise the whole
    /// literal, which is still the right line.
    pub(crate) fn inner_span(
        &self,
        literal: &Range<usize>,
        value: &str,
        range: Range<usize>,
    ) -> Range<usize> {
        let raw = self.text.get(literal.clone()).unwrap_or_default();
        let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            3
        } else {
            1
        };
        let start = literal.start + quote;
        match self.text.get(start..start + value.len()) {
            Some(written) if written == value => start + range.start..start + range.end,
            _ => literal.clone(),
        }
    }
}

/// Where a diagnostic points.
#[derive(Debug, Clone)]
enum Location {
    /// A byte range of a routes file.
    File {
        source: Arc<SourceFile>,
        span: Range<usize>,
    },
    /// A place in Rust code, such as the call that registered a handler.
    Code(&'static std::panic::Location<'static>),
    /// A whole file that could not be read.
    Path(String),
}

/// What kind of mistake a [`Diagnostic`] reports.
///
/// Tests and tools can match on it; the wording of the message is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The routes file could not be read.
    Io,
    /// The routes file is not valid TOML.
    Syntax,
    /// A key minik does not know, such as `handlr`.
    UnknownKey,
    /// A required key (`path`, `handler`) is missing.
    MissingKey,
    /// A value of the wrong TOML type, such as `methods = "GET"`.
    InvalidValue,
    /// A path template minik cannot parse or API Gateway would reject.
    InvalidTemplate,
    /// A parameter type that is not one of minik's types.
    UnknownType,
    /// A `{ regex = "..." }` that does not compile or is too large.
    InvalidRegex,
    /// A parameter type registered twice with `AppBuilder::param_type`.
    DuplicateType,
    /// A parameter type registered but used by no route.
    UnusedType,
    /// A `body` schema file that is missing or is not a valid JSON Schema.
    InvalidSchema,
    /// A handler whose `Query<T>`, `Json<T>` or `Form<T>` disagrees with the route's `query` or
    /// `body`.
    ContractMismatch,
    /// `params` names a parameter that is not in the path.
    UnknownParam,
    /// A method that is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS.
    UnknownMethod,
    /// Two routes that would match the same request with the same specificity.
    DuplicateRoute,
    /// A route names a handler that was not registered.
    UnknownHandler,
    /// Two handlers were registered under one name.
    DuplicateHandler,
    /// A handler was registered but no route names it.
    UnusedHandler,
    /// A handler's typed path parameters disagree with the routes file.
    ParamMismatch,
    /// A middleware name no hook was registered under, or a `skip_middleware` name that is
    /// not in `[app] middleware`.
    UnknownMiddleware,
    /// A middleware listed twice in one chain, or two hooks registered under one name.
    DuplicateMiddleware,
    /// A middleware hook was registered but the routes file never lists it.
    UnusedMiddleware,
    /// A handler takes a `State<T>` that no `.state(..)` gives.
    MissingState,
    /// A handler whose reply streams (its type is `minik::stream::Streaming` or `Sse`) in an
    /// app whose `[app] invoke_mode` is not `"stream"`.
    StreamingHandler,
    /// Two `.state(..)` calls give values of the same type.
    DuplicateState,
    /// The routes file, or a part of it, is beyond one of minik's limits (its size, for one).
    Limit,
}

/// One located finding about a routes file or the handlers bound to it.
///
/// Its `Display` is the full rendering: `file:line:column: error: message`, the source line
/// and a caret under the span, then any note (such as "first defined here") rendered the same
/// way.
#[derive(Clone)]
pub struct Diagnostic {
    kind: DiagnosticKind,
    message: String,
    location: Location,
    note: Option<(String, Location)>,
    /// A warning: something minik cannot know is a mistake (a type only the code can register,
    /// seen by `minik check`, which has no code).
    warning: bool,
}

impl Diagnostic {
    pub(crate) fn at(
        kind: DiagnosticKind,
        source: &Arc<SourceFile>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            kind,
            message: bounded(message.into()),
            location: Location::File {
                source: Arc::clone(source),
                span,
            },
            note: None,
            warning: false,
        }
    }

    /// The same finding as a warning.
    pub(crate) fn into_warning(mut self) -> Self {
        self.warning = true;
        self
    }

    pub(crate) fn in_code(
        kind: DiagnosticKind,
        caller: &'static std::panic::Location<'static>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            kind,
            message: bounded(message.into()),
            location: Location::Code(caller),
            note: None,
            warning: false,
        }
    }

    pub(crate) fn io(path: &str, error: &std::io::Error) -> Self {
        Diagnostic {
            kind: DiagnosticKind::Io,
            message: format!("cannot read the routes file: {error}"),
            location: Location::Path(path.to_owned()),
            note: None,
            warning: false,
        }
    }

    /// Adds a second location, such as the first definition of a duplicate route.
    pub(crate) fn with_note(
        mut self,
        source: &Arc<SourceFile>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let location = Location::File {
            source: Arc::clone(source),
            span,
        };
        self.note = Some((message.into(), location));
        self
    }

    /// Adds a note pointing at Rust code, such as the registration of a handler.
    pub(crate) fn with_code_note(
        mut self,
        caller: &'static std::panic::Location<'static>,
        message: impl Into<String>,
    ) -> Self {
        self.note = Some((message.into(), Location::Code(caller)));
        self
    }

    /// What kind of mistake this is.
    pub fn kind(&self) -> DiagnosticKind {
        self.kind
    }

    /// Whether this is a warning rather than an error: something that may be right, which
    /// only the code can tell (a parameter type `minik check` does not know, which the app may
    /// register). Warnings alone do not fail a check.
    pub fn is_warning(&self) -> bool {
        self.warning
    }

    /// The message alone, without location or source excerpt.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line and column the diagnostic points at, when it points into a file.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        match &self.location {
            Location::File { source, span } => Some(source.line_column(span.start)),
            Location::Code(caller) => Some((caller.line() as usize, caller.column() as usize)),
            Location::Path(_) => None,
        }
    }

    /// Sort key: file diagnostics by position, then those about code, by call site.
    fn sort_key(&self) -> (u8, &str, usize, usize) {
        match &self.location {
            Location::Path(path) => (0, path, 0, 0),
            Location::File { source, span } => (1, &source.name, span.start, span.end),
            Location::Code(c) => (2, c.file(), c.line() as usize, c.column() as usize),
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn render(
    f: &mut fmt::Formatter<'_>,
    severity: &str,
    message: &str,
    location: &Location,
) -> fmt::Result {
    match location {
        Location::Path(path) => writeln!(f, "{path}: {severity}: {message}"),
        Location::Code(c) => {
            writeln!(
                f,
                "{}:{}:{}: {severity}: {message}",
                c.file(),
                c.line(),
                c.column()
            )
        }
        Location::File { source, span } => {
            let text = &source.text;
            let (line, column) = source.line_column(span.start);
            writeln!(f, "{}:{line}:{column}: {severity}: {message}", source.name)?;
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let (_, line_start) = source.line_of(start);
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let end = floor_char_boundary(text, span.end.clamp(start, line_end));
            let excerpt =
                Excerpt::new(&text[line_start..line_end], start - line_start, end - start);
            let gutter = " ".repeat(line.to_string().len());
            writeln!(f, "{gutter} |")?;
            writeln!(f, "{line} | {}", excerpt.text)?;
            writeln!(
                f,
                "{gutter} | {}{}",
                " ".repeat(excerpt.caret),
                "^".repeat(excerpt.width)
            )
        }
    }
}

/// The part of a source line shown under a diagnostic, and where its caret goes.
struct Excerpt {
    text: String,
    /// Characters before the caret.
    caret: usize,
    /// Characters under it (at least one).
    width: usize,
}

/// The most characters of a source line shown under a diagnostic: a longer line is cut around
/// the span, so that a file written on one line does not print itself once per mistake.
const EXCERPT_CHARS: usize = 120;

impl Excerpt {
    /// `line` with the span of `len` bytes at byte `at` in it.
    fn new(line: &str, at: usize, len: usize) -> Self {
        // Tabs would move the caret away from what it points at: show them as one space.
        let line = line.trim_end_matches('\r');
        let before = line[..at.min(line.len())].chars().count();
        let width = line
            .get(at..at + len)
            .map_or(0, |span| span.chars().count())
            .max(1);
        let total = line.chars().count();
        if total <= EXCERPT_CHARS {
            let text = line.replace('\t', " ");
            return Excerpt {
                text,
                caret: before,
                width,
            };
        }
        // A window around the start of the span, a quarter of it before the span.
        let first = before
            .saturating_sub(EXCERPT_CHARS / 4)
            .min(total - EXCERPT_CHARS);
        let shown: String = line.chars().skip(first).take(EXCERPT_CHARS).collect();
        let (open, close) = (first > 0, first + EXCERPT_CHARS < total);
        let mut text = String::with_capacity(shown.len() + 6);
        if open {
            text.push_str("...");
        }
        text.push_str(&shown.replace('\t', " "));
        if close {
            text.push_str("...");
        }
        let caret = before - first + if open { 3 } else { 0 };
        Excerpt {
            text,
            caret,
            width: width.min(EXCERPT_CHARS - (before - first)).max(1),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = if self.warning { "warning" } else { "error" };
        render(f, severity, &self.message, &self.location)?;
        if let Some((message, location)) = &self.note {
            render(f, "note", message, location)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Diagnostic {
    // `.unwrap()` on a build result should show the readable rendering, not the fields.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n{self}")
    }
}

impl std::error::Error for Diagnostic {}

/// Every finding of one check of a routes file, sorted by position.
///
/// Returned by [`AppBuilder::build`](crate::AppBuilder::build) and
/// [`RouteTable::from_file`](crate::RouteTable::from_file). Its `Display` renders each
/// diagnostic in turn, then a summary line such as `error: 3 problems in routes.toml`.
#[derive(Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn new(mut list: Vec<Diagnostic>) -> Self {
        list.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Diagnostics { list }
    }

    /// The diagnostics, sorted by position.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.list.iter()
    }

    /// How many diagnostics there are (at least one).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Always `false`: a check that finds nothing returns `Ok`, not empty diagnostics.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The diagnostics as a vector, sorted by position.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// The most diagnostics [`Diagnostics`] renders; the count of the others follows them.
const RENDERED: usize = 50;

impl fmt::Display for Diagnostics {
    /// The first 50 diagnostics, then the count of the others if any, then the total.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in self.list.iter().take(RENDERED) {
            writeln!(f, "{diagnostic}")?;
        }
        if let Some(more) = self.list.len().checked_sub(RENDERED).filter(|&n| n > 0) {
            writeln!(f, "... and {more} more not shown\n")?;
        }
        let warnings = self.list.iter().filter(|d| d.warning).count();
        match self.list.len() - warnings {
            0 => write!(f, "warning: {warnings} warning(s), no error")?,
            1 => write!(f, "error: 1 problem found")?,
            n => write!(f, "error: {n} problems found")?,
        }
        match warnings {
            0 => Ok(()),
            n if n == self.list.len() => Ok(()),
            1 => write!(f, " (and 1 warning)"),
            n => write!(f, " (and {n} warnings)"),
        }
    }
}

impl fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n{self}")
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let text = "a = \"é\"\nb = 1\n";
        let source = SourceFile::new("r.toml", text);
        assert_eq!(source.line_column(0), (1, 1));
        assert_eq!(source.line_column(text.find('b').unwrap()), (2, 1));
        assert_eq!(source.line_column(text.find("\"\n").unwrap()), (1, 7));
        // An offset inside a multi-byte character does not panic.
        assert_eq!(source.line_column(6), (1, 6));
        assert_eq!(source.line_column(text.len()), (3, 1));
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let line = format!("{}target{}", "x".repeat(300), "y".repeat(300));
        let excerpt = Excerpt::new(&line, 300, 6);
        assert!(excerpt.text.starts_with("...x") && excerpt.text.ends_with("y..."));
        assert_eq!(excerpt.text.chars().count(), EXCERPT_CHARS + 6);
        let under: String = excerpt
            .text
            .chars()
            .skip(excerpt.caret)
            .take(excerpt.width)
            .collect();
        assert_eq!(under, "target");
        // Near either end, the window stops at the line's end.
        let start = Excerpt::new(&line, 0, 1);
        assert!(!start.text.starts_with("...") && start.caret == 0);
        let end = Excerpt::new(&line, line.len() - 1, 1);
        assert!(!end.text.ends_with("...") && end.text.ends_with('y'));
        let under: String = end.text.chars().skip(end.caret).take(1).collect();
        assert_eq!(under, "y");
    }
}
