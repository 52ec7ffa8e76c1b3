//! The routes file as a tree of spanned values in file order, which `Reader` walks.
//!
//! Design note: building the app parses the routes file at every cold start, and toml's
//! `DeTable` costs as much as the whole build of a router such as matchit (it keeps a sorted
//! map per table, whose entries `Reader` would then sort back into file order). Routes files
//! use a plain subset of TOML: `[table]` and `[[array]]` headers, one key per line, strings,
//! decimal integers, booleans, arrays and inline tables. `read` builds the tree straight from
//! the event stream of `toml_parser` (the lexer and parser toml itself is built on) for that
//! subset, and gives up, returning `None`, on anything else: a syntax error, dotted keys, a
//! table defined twice or extended, floats, dates. The caller then parses the file with
//! `DeTable` as before and converts it with `from_de`, so every file toml accepts is read, and
//! every syntax error is toml's own, word for word. Both paths give the same tree, which the
//! tests check on every routes file in the repository.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use toml_parser::decoder::{Encoding, IntegerRadix, ScalarKind};
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{ParseError, Source, Span};

/// A value with the span of its TOML text (a string's quotes, an array's brackets, a table's
/// header or braces).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item<'i> {
    pub(crate) value: Value<'i>,
    pub(crate) span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'i> {
    String(Cow<'i, str>),
    /// `None` for an integer that is not a decimal `i64`.
    Integer(Option<i64>),
    Float,
    Boolean(bool),
    Datetime,
    Array(Vec<Item<'i>>),
    Table(Table<'i>),
}

impl Value<'_> {
    /// The type's name, as toml's messages say it.
    pub(crate) fn type_str(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Integer(_) => "integer",
            Value::Float => "float",
            Value::Boolean(_) => "boolean",
            Value::Datetime => "datetime",
            Value::Array(_) => "array",
            Value::Table(_) => "table",
        }
    }
}

/// A key, decoded, with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key<'i> {
    pub(crate) name: Cow<'i, str>,
    pub(crate) span: Range<usize>,
}

/// A table's entries in the order their keys appear in the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Table<'i> {
    entries: Vec<(Key<'i>, Item<'i>)>,
}

impl<'i> Table<'i> {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &(Key<'i>, Item<'i>)> {
        self.entries.iter()
    }

    pub(crate) fn contains_key(&self, name: &str) -> bool {
        self.entries.iter().any(|(key, _)| key.name == name)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Item<'i>> {
        self.entries
            .iter_mut()
            .find(|(key, _)| key.name == name)
            .map(|(_, item)| item)
    }
}

/// Converts toml's document, whose tables are sorted by key, into file order.
pub(crate) fn from_de<'i>(table: &DeTable<'i>) -> Table<'i> {
    let mut entries: Vec<(Key<'i>, Item<'i>)> = table
        .iter()
        .map(|(key, value)| {
            let key = Key {
                name: key.get_ref().clone(),
                span: key.span(),
            };
            (key, item_from_de(value))
        })
        .collect();
    entries.sort_by_key(|(key, _)| key.span.start);
    Table { entries }
}

fn item_from_de<'i>(item: &Spanned<DeValue<'i>>) -> Item<'i> {
    let value = match item.get_ref() {
        DeValue::String(s) => Value::String(s.clone()),
        DeValue::Integer(i) => Value::Integer(i.as_str().parse().ok().filter(|_| i.radix() == 10)),
        DeValue::Float(_) => Value::Float,
        DeValue::Boolean(b) => Value::Boolean(*b),
        DeValue::Datetime(_) => Value::Datetime,
        DeValue::Array(items) => Value::Array(items.iter().map(item_from_de).collect()),
        DeValue::Table(table) => Value::Table(from_de(table)),
    };
    Item {
        value,
        span: item.span(),
    }
}

/// How deep arrays and inline tables may nest, as toml allows by default.
const MAX_DEPTH: u32 = 80;

/// Reads `text` into a tree when it keeps to the plain subset of TOML described above, or
/// `None` (then `DeTable` must read it).
pub(crate) fn read(text: &str) -> Option<Table<'_>> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut events = Vec::with_capacity(tokens.len());
    let mut error: Option<ParseError> = None;
    {
        // Whitespace, comments and newlines are of no use once `ValidateWhitespace` has checked
        // them: they are not kept (half the events of a routes file).
        let mut keep = |event: Event| match event.kind() {
            EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
            _ => events.push(event),
        };
        let mut whitespace = ValidateWhitespace::new(&mut keep, source);
        let mut guard = RecursionGuard::new(&mut whitespace, MAX_DEPTH);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut error);
    }
    // The details of an error are for `DeTable` to report.
    if error.is_some() {
        return None;
    }
    let mut builder = Builder {
        source,
        events: &events,
        at: 0,
        path: Vec::new(),
    };
    builder.document()
}

struct Builder<'i, 'e> {
    source: Source<'i>,
    events: &'e [Event],
    at: usize,
    /// The keys of the last header read: one buffer serves every header.
    path: Vec<Key<'i>>,
}

/// A `[table]` or `[[array]]` header; its keys are in `Builder::path`.
struct Header {
    span: Range<usize>,
    is_array: bool,
}

fn range(span: Span) -> Range<usize> {
    span.start()..span.end()
}

impl<'i> Builder<'i, '_> {
    /// The next event (none is whitespace, a comment or a newline).
    fn next(&mut self) -> Option<Event> {
        let event = self.events.get(self.at).copied();
        self.at += 1;
        event
    }

    fn document(&mut self) -> Option<Table<'i>> {
        let mut root = Table::default();
        let mut current = Table::default();
        let mut header: Option<Header> = None;
        let text = self.source.input();
        while let Some(event) = self.next() {
            match event.kind() {
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => {
                    let entries = std::mem::take(&mut current);
                    finish(text, &mut root, header.take(), &mut self.path, entries)?;
                    header = Some(self.header(event)?);
                }
                EventKind::SimpleKey => self.key_value(event, &mut current)?,
                _ => return None,
            }
        }
        finish(text, &mut root, header, &mut self.path, current)?;
        Some(root)
    }

    /// A header, from its opening bracket's event on; its keys go to `self.path`.
    fn header(&mut self, open: Event) -> Option<Header> {
        let is_array = open.kind() == EventKind::ArrayTableOpen;
        let close = if is_array {
            EventKind::ArrayTableClose
        } else {
            EventKind::StdTableClose
        };
        self.path.clear();
        loop {
            let event = self.next()?;
            match event.kind() {
                EventKind::SimpleKey => {
                    let key = self.key(event)?;
                    self.path.push(key);
                }
                EventKind::KeySep => {}
                kind if kind == close => {
                    let span = open.span().start()..event.span().end();
                    return Some(Header { span, is_array });
                }
                _ => return None,
            }
        }
    }

    fn key(&mut self, event: Event) -> Option<Key<'i>> {
        let raw = self.source.get(event)?;
        let name = match plain(raw.as_str(), event.encoding()) {
            Some(name) => Cow::Borrowed(name),
            None => {
                let mut name = Cow::Borrowed("");
                let mut error: Option<ParseError> = None;
                raw.decode_key(&mut name, &mut error);
                if error.is_some() {
                    return None;
                }
                name
            }
        };
        Some(Key {
            name,
            span: range(event.span()),
        })
    }

    /// `key = value`, from its key's event on, into `table`.
    fn key_value(&mut self, key: Event, table: &mut Table<'i>) -> Option<()> {
        let key = self.key(key)?;
        self.expect(EventKind::KeyValSep)?;
        let value = self.value()?;
        insert(table, key, value)
    }

    fn expect(&mut self, kind: EventKind) -> Option<()> {
        (self.next()?.kind() == kind).then_some(())
    }

    fn value(&mut self) -> Option<Item<'i>> {
        let event = self.next()?;
        match event.kind() {
            EventKind::Scalar => self.scalar(event),
            EventKind::ArrayOpen => {
                let mut items = Vec::new();
                loop {
                    // A value, then `,` or `]`; a trailing `,` is allowed.
                    let at = self.at;
                    match self.next()?.kind() {
                        EventKind::ArrayClose => {
                            let span = event.span().start()..self.events[self.at - 1].span().end();
                            return Some(Item {
                                value: Value::Array(items),
                                span,
                            });
                        }
                        EventKind::ValueSep => {}
                        _ => {
                            self.at = at;
                            items.push(self.value()?);
                        }
                    }
                }
            }
            EventKind::InlineTableOpen => {
                let mut table = Table::default();
                loop {
                    let next = self.next()?;
                    match next.kind() {
                        EventKind::InlineTableClose => {
                            let span = event.span().start()..next.span().end();
                            return Some(Item {
                                value: Value::Table(table),
                                span,
                            });
                        }
                        EventKind::ValueSep => {}
                        EventKind::SimpleKey => self.key_value(next, &mut table)?,
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    fn scalar(&mut self, event: Event) -> Option<Item<'i>> {
        let raw = self.source.get(event)?;
        // Strings with nothing to decode, most of a routes file, are borrowed as they are.
        if event.encoding().is_some() {
            if let Some(text) = plain(raw.as_str(), event.encoding()) {
                return Some(Item {
                    value: Value::String(Cow::Borrowed(text)),
                    span: range(event.span()),
                });
            }
        }
        let mut text = Cow::Borrowed("");
        let mut error: Option<ParseError> = None;
        let kind = raw.decode_scalar(&mut text, &mut error);
        if error.is_some() {
            return None;
        }
        let value = match kind {
            ScalarKind::String => Value::String(text),
            ScalarKind::Boolean(b) => Value::Boolean(b),
            // Plain decimals only; `DeTable` reads the rest.
            ScalarKind::Integer(IntegerRadix::Dec) => Value::Integer(Some(text.parse().ok()?)),
            _ => return None,
        };
        Some(Item {
            value,
            span: range(event.span()),
        })
    }
}

/// The text of a key or string when decoding would give it back unchanged: a bare key of the
/// characters TOML allows in one, or a one-line string without escapes or control characters
/// (whose text is then between its quotes). `None` for anything else, which is decoded.
fn plain(raw: &str, encoding: Option<Encoding>) -> Option<&str> {
    let bytes = raw.as_bytes();
    // One load per byte: every key and string of the file goes through here.
    let all =
        |bytes: &[u8], refused: u8| bytes.iter().all(|&b| BYTES[usize::from(b)] & refused == 0);
    match encoding {
        None => (!bytes.is_empty() && all(bytes, NOT_BARE)).then_some(raw),
        Some(quote @ (Encoding::BasicString | Encoding::LiteralString)) => {
            let inner = raw.get(1..raw.len().checked_sub(1)?)?;
            // No control character (a tab is allowed), and no escape in a basic string.
            let refused = if quote == Encoding::BasicString {
                CONTROL | ESCAPE
            } else {
                CONTROL
            };
            all(inner.as_bytes(), refused).then_some(inner)
        }
        Some(_) => None,
    }
}

/// What [`plain`] must know of a byte, as flags: not allowed in a bare key, a control character
/// other than a tab (DEL included), the escape of a basic string.
const NOT_BARE: u8 = 1;
const CONTROL: u8 = 2;
const ESCAPE: u8 = 4;
const BYTES: [u8; 256] = {
    let mut table = [0; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let bare = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        let control = (b < 0x20 && b != b'\t') || b == 0x7f;
        table[i] = if bare { 0 } else { NOT_BARE }
            | if control { CONTROL } else { 0 }
            | if b == b'\\' { ESCAPE } else { 0 };
        i += 1;
    }
    table
};

/// Adds a key to a table; a key already there is for `DeTable` to report.
fn insert<'i>(table: &mut Table<'i>, key: Key<'i>, value: Item<'i>) -> Option<()> {
    if table.contains_key(&key.name) {
        return None;
    }
    table.entries.push((key, value));
    Some(())
}

/// Whether `item` was written as a `[table]` header, or created implicitly on a header's path,
/// rather than as an inline `{ ... }` table, which TOML forbids extending. Told by its span,
/// which is the header's `[`, a key, or the brace.
fn extensible(text: &str, item: &Item<'_>) -> bool {
    text.as_bytes().get(item.span.start) != Some(&b'{')
}

/// Puts the entries read under `header` (whose keys are `path`, emptied here) where the header
/// says: the root's own entries when there is no header, a new table, or a new element of an
/// array of tables. The tables on the way are created (implicit tables) or must be ones created
/// that way.
fn finish<'i>(
    text: &str,
    root: &mut Table<'i>,
    header: Option<Header>,
    path: &mut Vec<Key<'i>>,
    table: Table<'i>,
) -> Option<()> {
    let Some(Header { span, is_array }) = header else {
        // Entries before any header: the root's, and the root is still empty.
        *root = table;
        return Some(());
    };
    let key = path.pop()?;
    let mut parent = root;
    for step in path.drain(..) {
        if parent.get_mut(&step.name).is_none() {
            let implicit = Item {
                span: step.span.clone(),
                value: Value::Table(Table::default()),
            };
            parent.entries.push((step.clone(), implicit));
        }
        // An array of tables, an inline table or a value on the way (`[route.params]`):
        // `DeTable`'s business.
        let item = parent.get_mut(&step.name)?;
        if !extensible(text, item) {
            return None;
        }
        match &mut item.value {
            Value::Table(table) => parent = table,
            _ => return None,
        }
    }
    let table = Item {
        value: Value::Table(table),
        span: span.clone(),
    };
    match (parent.get_mut(&key.name), is_array) {
        (None, false) => parent.entries.push((key, table)),
        (None, true) => {
            let array = Item {
                value: Value::Array(vec![table]),
                span,
            };
            parent.entries.push((key, array));
        }
        // Another `[[route]]`, after an array of tables (its span is the first header's `[`,
        // where an inline array of inline tables, which may not be extended, has its items'
        // braces).
        (Some(existing), true) => match &mut existing.value {
            // The first element tells: every one was added by this same code.
            Value::Array(items)
                if items
                    .first()
                    .is_some_and(|i| matches!(i.value, Value::Table(_)) && extensible(text, i)) =>
            {
                items.push(table)
            }
            _ => return None,
        },
        (Some(_), false) => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree `DeTable` gives, or `None` for a file with a syntax error.
    fn slow(text: &str) -> Option<Table<'_>> {
        let (root, errors) = DeTable::parse_recoverable(text);
        errors.is_empty().then(|| from_de(root.get_ref()))
    }

    /// Every routes file of the repository, valid or not.
    fn routes_files() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("routes.example.toml")];
        for dir in [
            "tests/fixtures/routes/valid",
            "tests/fixtures/routes/invalid",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                files.push(entry.unwrap().path());
            }
        }
        for entry in std::fs::read_dir(root.join("examples")).unwrap() {
            files.push(entry.unwrap().path().join("routes.toml"));
        }
        files
            .into_iter()
            .filter(|path| path.extension().is_some_and(|e| e == "toml") && path.exists())
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                (path, text)
            })
            .collect()
    }

    #[test]
    fn both_readers_give_the_same_tree_for_every_routes_file() {
        let mut fast = 0;
        for (path, text) in routes_files() {
            match read(&text) {
                Some(tree) => {
                    fast += 1;
                    assert_eq!(Some(tree), slow(&text), "{}", path.display());
                }
                // Every routes file in the repository keeps to the plain subset, unless toml
                // refuses it.
                None => assert_eq!(slow(&text), None, "{} took the slow path", path.display()),
            }
        }
        assert!(fast >= 20, "only {fast} files read by the fast path");
    }

    #[test]
    fn everything_outside_the_plain_subset_is_left_to_toml() {
        for text in [
            // Syntax errors, and TOML's rules on defining things once.
            "a = ",
            "a = 1\na = 2",
            "[app]\n[app]",
            "[app.cors]\nx = 1\n[app]\ny = 2",
            "app = { debug = true }\n[app.cors]\nx = 1",
            "route = [{ path = \"/\" }]\n[[route]]\npath = \"/a\"",
            "route = []\n[[route]]\npath = \"/a\"",
            "[app]\nx = 1\n[[app]]",
            "[[route]]\npath = \"/\"\n[route.params]\nid = \"int\"",
            // Constructs routes files do not use.
            "app.debug = true",
            "[app]\nmax = 1.5",
            "[app]\nwhen = 1979-05-27",
            "[app]\nmax = 0x10",
            "[app]\nmax = 99999999999999999999",
        ] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_plain_subset_reads_like_toml() {
        let text = "# comment\ntop = 'literal'\n[app]\ndebug = true\nbase_path = \"/v1\\u0041\"\n\
                    [app.headers]\n\"X-Service\" = \"a\"\n[app.cors]\nmax_age = -600\n\
                    allow_origins = [\n  \"*\", # all\n]\n[[route]]\npath = \"/a\"\n\
                    params = { id = \"int\", code = { regex = \"[A-Z]+\" } }\n[[route]]\n\
                    path = \"/b\"\nmethods = []\n";
        let tree = read(text).expect("the plain subset");
        assert_eq!(Some(tree), slow(text));
    }
}
