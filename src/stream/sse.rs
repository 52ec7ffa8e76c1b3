//! Server-sent events: the `text/event-stream` format of the HTML standard, written from a
//! stream of [`Event`]s, with optional keep-alive comments.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use futures_core::Stream;
use http::HeaderValue;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};

use super::BoxError;
use crate::response::{IntoResponse, Response};

/// One server-sent event: its fields are written in the order they are set, each on its own
/// line, and the event ends with a blank line.
///
/// Line breaks cannot appear in a field's value; [`Event::data`] and [`Event::comment`] split
/// text on them into one line each (the client joins data lines back with `\n`), and
/// [`Event::event`] and [`Event::id`] drop them.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use minik::stream::Event;
///
/// let event = Event::default()
///     .event("token")
///     .id("7")
///     .retry(Duration::from_secs(3))
///     .data("line one\nline two");
/// assert_eq!(
///     event.to_string(),
///     "event: token\nid: 7\nretry: 3000\ndata: line one\ndata: line two\n\n"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct Event {
    text: String,
}

impl Event {
    /// Adds `data` lines: one per line of `data`.
    pub fn data(mut self, data: impl AsRef<str>) -> Self {
        self.lines("data", data.as_ref());
        self
    }

    /// Adds a `data` line with `value` serialized as JSON (which has no line breaks).
    ///
    /// # Errors
    ///
    /// When `value` cannot be serialized (a map with non-string keys).
    pub fn json_data(self, value: &impl serde::Serialize) -> Result<Self, serde_json::Error> {
        Ok(self.data(serde_json::to_string(value)?))
    }

    /// Sets the event's type (`event:`); the client's `EventSource` dispatches it by that name.
    pub fn event(mut self, name: impl AsRef<str>) -> Self {
        self.field("event", name.as_ref());
        self
    }

    /// Sets the event's id (`id:`), which a reconnecting client sends back as
    /// `Last-Event-ID`.
    pub fn id(mut self, id: impl AsRef<str>) -> Self {
        self.field("id", id.as_ref());
        self
    }

    /// Tells the client how long to wait before reconnecting (`retry:`, in milliseconds).
    pub fn retry(mut self, after: Duration) -> Self {
        let millis = after.as_millis().to_string();
        self.field("retry", &millis);
        self
    }

    /// Adds comment lines (`: text`), which clients ignore.
    pub fn comment(mut self, text: impl AsRef<str>) -> Self {
        self.lines("", text.as_ref());
        self
    }

    fn field(&mut self, name: &str, value: &str) {
        self.text.push_str(name);
        self.text.push_str(": ");
        self.text
            .extend(value.chars().filter(|c| !matches!(c, '\n' | '\r')));
        self.text.push('\n');
    }

    fn lines(&mut self, name: &str, value: &str) {
        // `str::lines` would drop a last empty line, which is data too ("a\n" is two lines).
        let value = value.replace("\r\n", "\n").replace('\r', "\n");
        for line in value.split('\n') {
            self.text.push_str(name);
            self.text.push_str(": ");
            self.text.push_str(line);
            self.text.push('\n');
        }
    }

    fn write(&self, out: &mut BytesMut) {
        out.put_slice(self.text.as_bytes());
        out.put_u8(b'\n');
    }
}

/// The event as it is sent: its lines and the blank line that ends it.
impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)?;
        f.write_str("\n")
    }
}

/// Comments sent while no event is, so that proxies and clients do not close an idle
/// connection. The default sends `: keep-alive` every 15 seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepAlive {
    interval: Duration,
    text: String,
}

impl Default for KeepAlive {
    fn default() -> Self {
        KeepAlive {
            interval: Duration::from_secs(15),
            text: "keep-alive".to_owned(),
        }
    }
}

impl KeepAlive {
    /// The default keep-alive: `: keep-alive` after 15 seconds without an event.
    pub fn new() -> Self {
        KeepAlive::default()
    }

    /// Sends the comment after `interval` without an event.
    #[must_use]
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The comment's text.
    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }
}

/// A server-sent events answer: `Content-Type: text/event-stream`, `Cache-Control: no-cache`,
/// and the events of `S` as they come. An `Err` item ends the stream.
///
/// Like [`Streaming`](super::Streaming), its type says that the handler streams.
#[derive(Debug)]
#[must_use]
pub struct Sse<S> {
    events: S,
    keep_alive: Option<KeepAlive>,
}

impl<S> Sse<S> {
    /// The events of `events`, without keep-alive comments.
    pub fn new(events: S) -> Self {
        Sse {
            events,
            keep_alive: None,
        }
    }

    /// Sends keep-alive comments while no event is sent.
    pub fn keep_alive(mut self, keep_alive: KeepAlive) -> Self {
        self.keep_alive = Some(keep_alive);
        self
    }
}

impl<S, E> IntoResponse for Sse<S>
where
    S: Stream<Item = Result<Event, E>> + Send + 'static,
    E: Into<BoxError>,
{
    #[doc(hidden)]
    const STREAMS: bool = true;

    fn into_response(self) -> Response {
        let keep_alive = self.keep_alive.map(|keep_alive| {
            let mut comment = BytesMut::new();
            Event::default()
                .comment(&keep_alive.text)
                .write(&mut comment);
            let sleep = Box::pin(tokio::time::sleep(keep_alive.interval));
            (keep_alive.interval, comment.freeze(), sleep)
        });
        let body = SseBody {
            events: Box::pin(self.events),
            keep_alive,
        };
        Response::stream(body)
            .with_header(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"))
            .with_header(CACHE_CONTROL, HeaderValue::from_static("no-cache"))
    }
}

/// The bytes of an [`Sse`] answer.
struct SseBody<S> {
    events: Pin<Box<S>>,
    /// The interval, the comment, and the timer that fires when nothing was sent for that long.
    keep_alive: Option<(Duration, Bytes, Pin<Box<tokio::time::Sleep>>)>,
}

impl<S, E> Stream for SseBody<S>
where
    S: Stream<Item = Result<Event, E>>,
{
    type Item = Result<Bytes, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.events.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(event))) => {
                let mut out = BytesMut::with_capacity(event.text.len() + 1);
                event.write(&mut out);
                if let Some((interval, _, sleep)) = &mut self.keep_alive {
                    let deadline = tokio::time::Instant::now() + *interval;
                    sleep.as_mut().reset(deadline);
                }
                Poll::Ready(Some(Ok(out.freeze())))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                let Some((interval, comment, sleep)) = &mut self.keep_alive else {
                    return Poll::Pending;
                };
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        let deadline = tokio::time::Instant::now() + *interval;
                        sleep.as_mut().reset(deadline);
                        Poll::Ready(Some(Ok(comment.clone())))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use super::*;
    use crate::response::Body;

    #[test]
    fn fields_are_written_one_per_line_and_line_breaks_cannot_forge_fields() {
        let event = Event::default()
            .comment("hello\r\nthere")
            .event("up\ndata: forged")
            .id("1\r2")
            .data("a\r\nb\rc\n");
        assert_eq!(
            event.to_string(),
            ": hello\n: there\nevent: updata: forged\nid: 12\ndata: a\ndata: b\ndata: c\ndata: \n\n"
        );
        let json = Event::default()
            .json_data(&serde_json::json!({"n": 1}))
            .unwrap();
        assert_eq!(json.to_string(), "data: {\"n\":1}\n\n");
    }

    #[test]
    fn an_idle_stream_sends_keep_alive_comments_between_events() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            // One event, then nothing for 25 s, then a second event; time is paused, so the
            // 10 s keep-alive timer fires twice in between without the test waiting.
            let events = futures_util::stream::unfold(0, |n| async move {
                match n {
                    0 => Some((Ok::<_, Infallible>(Event::default().data("first")), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_secs(25)).await;
                        Some((Ok(Event::default().data("second")), 2))
                    }
                    _ => None,
                }
            });
            let response = Sse::new(events)
                .keep_alive(
                    KeepAlive::new()
                        .interval(Duration::from_secs(10))
                        .text("ping"),
                )
                .into_response();
            assert_eq!(response.headers()[CONTENT_TYPE], "text/event-stream");
            assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
            let Body::Stream(body) = response.body() else {
                panic!("an SSE body streams");
            };
            let body = crate::stream::collect(body, 1 << 20).await.unwrap();
            assert_eq!(
                body,
                Body::Text("data: first\n\n: ping\n\n: ping\n\ndata: second\n\n".into())
            );
        });
    }
}
