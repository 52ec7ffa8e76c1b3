//! How the subscriber [`run`](crate::run) installs writes the fields of spans: as
//! tracing-subscriber's own formats do, with plain values written directly.
//!
//! The request span's fields are written for every invocation. The text format writes each
//! field through `core::fmt` (the name and `=` as styled pieces, the text through `Debug`,
//! which checks every character for escapes): for a small event, more than a tenth of the whole
//! invocation. The JSON format gathers the fields in a `BTreeMap` of `serde_json::Value`s and
//! serializes the map: more than a quarter.
//!
//! - [`Text`]: `method="GET" cold_start=false`. Anything the direct path does not cover (the
//!   message, text that needs escaping, other value types, ANSI colours) goes to the default
//!   format itself, so the output is the same, byte for byte.
//! - [`Json`]: `{"method":"GET","cold_start":false}`, in the order the fields come. The
//!   formatter of JSON events reads a span's fields back as a JSON object (which keeps the last
//!   of a repeated name, as the `BTreeMap` did), so the log lines are the same as with
//!   tracing-subscriber's `JsonFields`, byte for byte.

use std::fmt::{self, Write as _};

use lambda_runtime::tracing::subscriber::field::{RecordFields, VisitOutput};
use lambda_runtime::tracing::subscriber::fmt::format::{DefaultVisitor, Writer};
use lambda_runtime::tracing::subscriber::fmt::{FormatFields, FormattedFields};
use tracing::field::{Field, Visit};
use tracing::span::Record;

/// The field formatter of `run`'s text logs.
pub(crate) struct Text;

impl<'w> FormatFields<'w> for Text {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> fmt::Result {
        let mut visitor = TextVisitor {
            direct: !writer.has_ansi_escapes(),
            fields: FieldWriter::new(writer, true),
        };
        fields.record(&mut visitor);
        visitor.fields.finish(None)
    }
}

/// What a span's fields usually take, written at once.
const BUFFER: usize = 256;

/// The writer, behind a buffer on the stack: the writer is a new `String` for every span, and
/// written to piece by piece it would grow (and move) several times.
struct Buffered<'w> {
    writer: Writer<'w>,
    buffer: [u8; BUFFER],
    len: usize,
}

impl<'w> Buffered<'w> {
    fn new(writer: Writer<'w>) -> Self {
        Buffered {
            writer,
            buffer: [0; BUFFER],
            len: 0,
        }
    }

    fn flush(&mut self) -> fmt::Result {
        let len = std::mem::take(&mut self.len);
        match std::str::from_utf8(&self.buffer[..len]) {
            Ok(text) if !text.is_empty() => self.writer.write_str(text),
            // Only whole `str`s are copied in, so the buffer always holds UTF-8.
            _ => Ok(()),
        }
    }
}

impl fmt::Write for Buffered<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.len + text.len() > BUFFER {
            self.flush()?;
            if text.len() > BUFFER {
                return self.writer.write_str(text);
            }
        }
        self.buffer[self.len..self.len + text.len()].copy_from_slice(text.as_bytes());
        self.len += text.len();
        Ok(())
    }
}

/// Fields written one after another into a [`Buffered`] writer, the first error kept (every
/// write after it is skipped).
struct FieldWriter<'w> {
    out: Buffered<'w>,
    is_empty: bool,
    result: fmt::Result,
}

impl<'w> FieldWriter<'w> {
    /// `is_empty`: no field is written yet, so the first one takes no separator.
    fn new(writer: Writer<'w>, is_empty: bool) -> Self {
        FieldWriter {
            out: Buffered::new(writer),
            is_empty,
            result: Ok(()),
        }
    }

    /// Writes `opening` before any field: the counterpart of [`FieldWriter::finish`]'s closing.
    fn open(&mut self, opening: char) {
        if self.result.is_ok() {
            self.result = self.out.write_char(opening);
        }
    }

    /// Writes one field: `separator` unless it is the first, then its name and value as
    /// `name` and `value` write them.
    fn push(
        &mut self,
        separator: char,
        name: impl FnOnce(&mut Buffered<'_>) -> fmt::Result,
        value: impl FnOnce(&mut Buffered<'_>) -> fmt::Result,
    ) {
        if self.result.is_err() {
            return;
        }
        let first = std::mem::replace(&mut self.is_empty, false);
        let out = &mut self.out;
        let separated = if first {
            Ok(())
        } else {
            out.write_char(separator)
        };
        self.result = separated.and_then(|()| name(out)).and_then(|()| value(out));
    }

    /// Writes one field with `write`, which gets the writer itself (what is buffered written out
    /// first) and whether the field is the first: for a field another formatter writes.
    fn write_through(&mut self, write: impl FnOnce(Writer<'_>, bool) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        let first = std::mem::replace(&mut self.is_empty, false);
        let out = &mut self.out;
        self.result = out.flush().and_then(|()| write(out.writer.by_ref(), first));
    }

    /// Writes `closing` if given, then whatever is buffered: the result of the whole. By
    /// reference: the writer holds its buffer, which a move would copy.
    fn finish(&mut self, closing: Option<char>) -> fmt::Result {
        let closed = closing.map_or(Ok(()), |c| self.out.write_char(c));
        let flushed = self.out.flush();
        self.result.and(closed).and(flushed)
    }
}

struct TextVisitor<'w> {
    fields: FieldWriter<'w>,
    /// Whether fields may be written directly: the default format styles names with ANSI
    /// escapes when they are on.
    direct: bool,
}

impl TextVisitor<'_> {
    /// Whether `field` is one the default format writes as `name=value` with the name as is.
    fn plain_name(&self, field: &Field) -> bool {
        let name = field.name();
        self.direct && name != "message" && !name.starts_with("r#")
    }

    /// Writes `name=` and the value, separated from the previous field by a space.
    fn write(&mut self, field: &Field, value: impl FnOnce(&mut Buffered<'_>) -> fmt::Result) {
        let name = |out: &mut Buffered<'_>| {
            out.write_str(field.name())?;
            out.write_char('=')
        };
        self.fields.push(' ', name, value);
    }

    /// Hands one field to the default format.
    fn default(&mut self, record: impl FnOnce(&mut DefaultVisitor<'_>)) {
        self.fields.write_through(|writer, first| {
            let mut visitor = DefaultVisitor::new(writer, first);
            record(&mut visitor);
            visitor.finish()
        });
    }
}

/// Text that `Debug` writes as it is, between quotes: printable ASCII other than `"` and `\`.
fn needs_no_escape(text: &str) -> bool {
    text.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
}

impl Visit for TextVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if self.plain_name(field) && needs_no_escape(value) {
            self.write(field, |out| {
                out.write_char('"')?;
                out.write_str(value)?;
                out.write_char('"')
            });
        } else {
            self.default(|v| v.record_str(field, value));
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        if self.plain_name(field) {
            self.write(field, |out| {
                out.write_str(if value { "true" } else { "false" })
            });
        } else {
            self.default(|v| v.record_bool(field, value));
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if self.plain_name(field) {
            self.write(field, |out| write!(out, "{value}"));
        } else {
            self.default(|v| v.record_u64(field, value));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if self.plain_name(field) {
            self.write(field, |out| write!(out, "{value}"));
        } else {
            self.default(|v| v.record_i64(field, value));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.default(|v| v.record_error(field, value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.default(|v| v.record_debug(field, value));
    }
}

/// The field formatter of `run`'s JSON logs.
pub(crate) struct Json;

impl<'w> FormatFields<'w> for Json {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> fmt::Result {
        let mut visitor = JsonVisitor(FieldWriter::new(writer, true));
        visitor.0.open('{');
        fields.record(&mut visitor);
        visitor.0.finish(Some('}'))
    }

    /// Fields recorded on a span after it was made: written into its object, before the `}`.
    /// A name recorded again appears twice; the reader keeps the last, as a map would.
    fn add_fields(
        &self,
        current: &'w mut FormattedFields<Self>,
        fields: &Record<'_>,
    ) -> fmt::Result {
        if current.fields.is_empty() {
            return self.format_fields(current.as_writer(), fields);
        }
        if !current.fields.ends_with('}') {
            return Err(fmt::Error);
        }
        current.fields.pop();
        let is_empty = current.fields == "{";
        let mut visitor = JsonVisitor(FieldWriter::new(current.as_writer(), is_empty));
        fields.record(&mut visitor);
        visitor.0.finish(Some('}'))
    }
}

struct JsonVisitor<'w>(FieldWriter<'w>);

impl JsonVisitor<'_> {
    /// Writes `"name":` and the value, after a comma unless it is the first field.
    fn write(&mut self, name: &str, value: impl FnOnce(&mut Buffered<'_>) -> fmt::Result) {
        let key = |out: &mut Buffered<'_>| {
            json_string(out, name)?;
            out.write_char(':')
        };
        self.0.push(',', key, value);
    }

    /// Writes a value as `serde_json` serializes it (floats, byte arrays: rare in spans).
    fn write_value(&mut self, name: &str, value: serde_json::Value) {
        self.write(name, |out| match serde_json::to_string(&value) {
            Ok(json) => out.write_str(&json),
            Err(_) => Err(fmt::Error),
        });
    }
}

/// Writes `text` as a JSON string, escaped as `serde_json` escapes it.
fn json_string(out: &mut Buffered<'_>, text: &str) -> fmt::Result {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.write_char('"')?;
        out.write_str(text)?;
        return out.write_char('"');
    }
    match serde_json::to_string(text) {
        Ok(json) => out.write_str(&json),
        Err(_) => Err(fmt::Error),
    }
}

/// As `JsonFields` records each kind of value; the defaults of `Visit` (errors, 128-bit
/// integers) come to `record_debug`, as they do there.
impl Visit for JsonVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.write(field.name(), |out| json_string(out, value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.write(field.name(), |out| {
            out.write_str(if value { "true" } else { "false" })
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.write(field.name(), |out| write!(out, "{value}"));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.write(field.name(), |out| write!(out, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.write_value(field.name(), serde_json::Value::from(value));
    }

    fn record_bytes(&mut self, field: &Field, value: &[u8]) {
        self.write_value(field.name(), serde_json::Value::from(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // As `JsonFields`: a raw identifier loses its `r#` here (and only here).
        let name = field.name();
        let name = name.strip_prefix("r#").unwrap_or(name);
        let text = format!("{value:?}");
        self.write(name, |out| json_string(out, &text));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use lambda_runtime::tracing::subscriber::fmt::MakeWriter;
    use lambda_runtime::tracing::subscriber::fmt::format::{DefaultFields, JsonFields};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Captured {
        type Writer = Captured;
        fn make_writer(&'w self) -> Self::Writer {
            self.clone()
        }
    }

    /// Spans and events with every kind of field, logged through `fields`.
    fn logs<F>(fields: F) -> String
    where
        F: for<'w> FormatFields<'w> + Send + Sync + 'static,
    {
        let captured = Captured::default();
        let subscriber = lambda_runtime::tracing::subscriber::fmt()
            .with_target(false)
            .without_time()
            .fmt_fields(fields)
            .with_writer(captured.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!(
                "request",
                method = "GET",
                cold_start = false,
                route = "/orders/{id}",
                r#type = "raw name",
                status = tracing::field::Empty,
            );
            let _entered = span.enter();
            span.record("status", 404_u64);
            let error = std::io::Error::other("disk full");
            tracing::info!(
                count = 3_u64,
                delta = -2_i64,
                ratio = 0.5,
                quoted = "say \"hi\"",
                newline = "a\nb",
                accent = "café",
                control = "\u{7f}",
                empty = "",
                flag = true,
                "handled {} items",
                3
            );
            tracing::error!(
                error = &error as &(dyn std::error::Error + 'static),
                "failed"
            );
            tracing::warn!(details = ?vec!["a", "b"], "no message fields after this");
            tracing::info!("only a message");
            // Longer than the buffer, alone and after other fields.
            let long = "x".repeat(300);
            tracing::info!(long = long.as_str(), "long");
            tracing::info!(
                a = "a",
                b = 1_u64,
                long = long.as_str(),
                c = false,
                "after others"
            );
        });
        let logs = captured.0.lock().unwrap().clone();
        String::from_utf8(logs).unwrap()
    }

    #[test]
    fn the_output_is_the_default_format_byte_for_byte() {
        let ours = logs(Text);
        assert_eq!(ours, logs(DefaultFields::new()));
        // The span's fields, the recorded status and the events' fields all reached the output.
        assert!(
            ours.contains(r#"request{method="GET" cold_start=false route="/orders/{id}" type="raw name" status=404}"#),
            "{ours}"
        );
        assert!(
            ours.contains(r#"quoted="say \"hi\"" newline="a\nb" accent="café""#),
            "{ours}"
        );
    }

    /// Spans with every kind of field, fields recorded later, nested spans and events in them,
    /// logged as JSON lines through `fields`.
    fn json_logs<F>(fields: F) -> String
    where
        F: for<'w> FormatFields<'w> + Send + Sync + 'static,
    {
        let captured = Captured::default();
        let subscriber = lambda_runtime::tracing::subscriber::fmt()
            .json()
            .with_target(false)
            .without_time()
            .fmt_fields(fields)
            .with_writer(captured.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let error = std::io::Error::other("disk \"full\"");
            let outer = tracing::info_span!(
                "request",
                method = "GET",
                cold_start = true,
                route = "/orders/{id}",
                r#type = "raw name",
                count = 3_u64,
                delta = -2_i64,
                ratio = 0.5,
                nan = f64::NAN,
                quoted = "say \"hi\" \\ back",
                control = "a\nb\t\u{1}\u{7f}",
                accent = "café ☕",
                debug = ?vec!["a", "b"],
                display = %"shown",
                error = &error as &(dyn std::error::Error + 'static),
                status = tracing::field::Empty,
                duration_us = tracing::field::Empty,
            );
            let _outer = outer.enter();
            tracing::info!("inside the outer span");
            outer.record("status", 404_u64);
            outer.record("status", 500_u64);
            outer.record("duration_us", 12_u64);
            // A span without fields, given some later, and one given none at all.
            let inner = tracing::info_span!("inner", later = tracing::field::Empty);
            let _inner = inner.enter();
            tracing::warn!(answer = 42_u64, "in both spans, before the record");
            inner.record("later", "now");
            let empty = tracing::info_span!("empty");
            let _empty = empty.enter();
            tracing::error!(quoted = "\"", "in three spans, after the records");
        });
        let logs = captured.0.lock().unwrap().clone();
        String::from_utf8(logs).unwrap()
    }

    #[test]
    fn json_lines_are_those_of_json_fields_byte_for_byte() {
        let ours = json_logs(Json);
        assert_eq!(ours, json_logs(JsonFields::new()));
        // Every line is JSON, and the spans' fields, recorded ones included, reached them.
        let lines: Vec<serde_json::Value> = ours
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{ours}");
        let outer = &lines[2]["spans"][0];
        assert_eq!(outer["status"], 500, "{ours}");
        assert_eq!(outer["duration_us"], 12);
        assert_eq!(outer["quoted"], "say \"hi\" \\ back");
        assert_eq!(outer["type"], "raw name");
        assert_eq!(outer["debug"], r#"["a", "b"]"#);
        assert_eq!(outer["nan"], serde_json::Value::Null);
        assert_eq!(lines[2]["spans"][1]["later"], "now");
    }
}
