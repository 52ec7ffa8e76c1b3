//! How the subscriber [`run`](crate::run) installs writes the fields of spans and events in its
//! text format: as tracing-subscriber's default format does (`method="GET" cold_start=false`),
//! with plain text, flags and numbers written directly.
//!
//! The request span's fields are written for every invocation. The default format writes each
//! through `core::fmt` (the name and `=` as styled pieces, the text through `Debug`, which
//! checks every character for escapes); for a small event that was more than a tenth of the
//! whole invocation. Anything the direct path does not cover (the message, text that needs
//! escaping, other value types, ANSI colours) goes to the default format itself, so the output
//! is the same, byte for byte.

use std::fmt::{self, Write as _};

use lambda_runtime::tracing::subscriber::field::{RecordFields, VisitOutput};
use lambda_runtime::tracing::subscriber::fmt::FormatFields;
use lambda_runtime::tracing::subscriber::fmt::format::{DefaultVisitor, Writer};
use tracing::field::{Field, Visit};

/// The field formatter of `run`'s text logs.
pub(crate) struct Fields;

impl<'w> FormatFields<'w> for Fields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> fmt::Result {
        let mut visitor = Visitor {
            direct: !writer.has_ansi_escapes(),
            out: Buffered {
                writer,
                buffer: [0; BUFFER],
                len: 0,
            },
            is_empty: true,
            result: Ok(()),
        };
        fields.record(&mut visitor);
        let flushed = visitor.out.flush();
        visitor.result.and(flushed)
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

impl Buffered<'_> {
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

struct Visitor<'w> {
    out: Buffered<'w>,
    /// Whether fields may be written directly: the default format styles names with ANSI
    /// escapes when they are on.
    direct: bool,
    is_empty: bool,
    result: fmt::Result,
}

impl Visitor<'_> {
    /// Whether `field` is one the default format writes as `name=value` with the name as is.
    fn plain_name(&self, field: &Field) -> bool {
        let name = field.name();
        self.direct && name != "message" && !name.starts_with("r#")
    }

    /// Writes `name=` and the value, separated from the previous field by a space.
    fn write(&mut self, field: &Field, value: impl FnOnce(&mut Buffered<'_>) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        let separator = if self.is_empty { "" } else { " " };
        self.is_empty = false;
        let out = &mut self.out;
        self.result = out
            .write_str(separator)
            .and_then(|()| out.write_str(field.name()))
            .and_then(|()| out.write_char('='))
            .and_then(|()| value(out));
    }

    /// Hands one field to the default format.
    fn default(&mut self, record: impl FnOnce(&mut DefaultVisitor<'_>)) {
        if self.result.is_err() {
            return;
        }
        if let Err(error) = self.out.flush() {
            self.result = Err(error);
            return;
        }
        let mut visitor = DefaultVisitor::new(self.out.writer.by_ref(), self.is_empty);
        record(&mut visitor);
        self.result = visitor.finish();
        self.is_empty = false;
    }
}

/// Text that `Debug` writes as it is, between quotes: printable ASCII other than `"` and `\`.
fn needs_no_escape(text: &str) -> bool {
    text.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
}

impl Visit for Visitor<'_> {
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use lambda_runtime::tracing::subscriber::fmt::MakeWriter;
    use lambda_runtime::tracing::subscriber::fmt::format::DefaultFields;

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
        let ours = logs(Fields);
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
}
