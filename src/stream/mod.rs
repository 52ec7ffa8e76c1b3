//! Streaming responses: a body sent chunk by chunk as it is produced, and server-sent events.
//!
//! A handler returns [`Streaming`] (any `Stream` of byte chunks) or [`Sse`] (a `Stream` of
//! [`Event`]s); both declare in their type that they stream, so that `build()` can refuse them
//! in an app whose routes file does not say `[app] invoke_mode = "stream"`. A [`Response`] built
//! with [`Response::stream`] streams too, but its type does not say so: in a buffered app its
//! chunks are collected into one body before the reply is sent.
//!
//! How the chunks travel depends on where the app runs. On Lambda in streaming mode (the
//! routes file's `invoke_mode`, with minik's `stream` feature), a Function URL or a REST API
//! gets them as they come, after a prelude with the status, headers and cookies; the other
//! sources cannot stream and get one buffered reply. Local `serve --source url` (or `rest`)
//! sends them as they come, an app served as a `tower::Service` always does, and the
//! [test client](crate::TestClient) collects them.
//!
//! Where a reply is buffered, the stream is collected until it ends, up to Lambda's 6 MB
//! reply limit (beyond it, or if the stream fails first, the answer is a 500): a stream that
//! never ends (live events) belongs to an app in streaming mode behind a Function URL.
//!
//! # Examples
//!
//! ```
//! use std::convert::Infallible;
//! use minik::stream::{Event, Sse, Streaming};
//!
//! fn export() -> Streaming<impl futures_core::Stream<Item = Result<String, Infallible>> + Send> {
//!     let rows = (0..3).map(|n| Ok(format!("{n},row {n}\n")));
//!     Streaming(futures_util::stream::iter(rows))
//! }
//!
//! fn ticks() -> Sse<impl futures_core::Stream<Item = Result<Event, Infallible>> + Send> {
//!     let events = (0..3).map(|n| Ok(Event::default().event("tick").data(n.to_string())));
//!     Sse::new(futures_util::stream::iter(events))
//! }
//! # let _ = minik::App::from_toml("r", "").handler("export", export).handler("ticks", ticks);
//! ```

#[cfg(any(feature = "local", feature = "tower"))]
pub(crate) mod hyper_body;
mod sse;

use std::fmt;
use std::pin::Pin;

use bytes::Bytes;
use futures_core::Stream;
use http::HeaderValue;
use http::header::CONTENT_TYPE;

pub use self::sse::{Event, KeepAlive, Sse};
pub(crate) use crate::chunks::BoxError;
pub use crate::chunks::StreamBody;
use crate::chunks::StreamError;
use crate::response::{Body, IntoResponse, Response};

/// Why a stream could not be collected into one body.
#[derive(Debug)]
pub(crate) enum CollectError {
    /// The stream failed or panicked.
    Stream(StreamError),
    /// The chunks add up to more than the limit.
    TooLarge(usize),
}

impl fmt::Display for CollectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CollectError::Stream(error) => error.fmt(f),
            CollectError::TooLarge(limit) => write!(
                f,
                "the streamed response is larger than {limit} bytes, the most a buffered reply carries; set `[app] invoke_mode = \"stream\"` and stream it from a Function URL"
            ),
        }
    }
}

/// Collects the chunks of `body` into one buffered body (text if they are UTF-8), refusing
/// more than `limit` bytes. A body already taken is empty.
pub(crate) async fn collect(body: &StreamBody, limit: usize) -> Result<Body, CollectError> {
    let Some(mut chunks) = body.take() else {
        return Ok(Body::Empty);
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut chunks).poll_next(cx)).await {
        let chunk = chunk.map_err(CollectError::Stream)?;
        if bytes.len() + chunk.len() > limit {
            return Err(CollectError::TooLarge(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) if text.is_empty() => Body::Empty,
        Ok(text) => Body::Text(text),
        Err(error) => Body::Binary(error.into_bytes()),
    })
}

/// A handler's answer whose body is streamed: the chunks of `S` as they are produced, sent
/// with `Content-Type: application/octet-stream` unless headers in front of it say otherwise
/// (`([(header::CONTENT_TYPE, "text/csv")], Streaming(rows))`).
///
/// The type says that the handler streams, so that `build()` refuses it in an app that is not
/// in streaming mode (`[app] invoke_mode = "stream"`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Streaming<S>(pub S);

impl<S, D, E> IntoResponse for Streaming<S>
where
    S: Stream<Item = Result<D, E>> + Send + 'static,
    D: Into<Bytes>,
    E: Into<BoxError>,
{
    #[doc(hidden)]
    const STREAMS: bool = true;

    fn into_response(self) -> Response {
        Response::stream(self.0)
    }
}

impl Response {
    /// A 200 response whose body is the chunks of `stream`, sent as they are produced where
    /// the app streams (see [`minik::stream`](crate::stream)), with `Content-Type:
    /// application/octet-stream`. An `Err` item ends the body.
    ///
    /// A handler returning this `Response` does not say in its type that it streams; return
    /// [`Streaming`] so that `build()` can check the app's invoke mode.
    pub fn stream<S, D, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<D, E>> + Send + 'static,
        D: Into<Bytes>,
        E: Into<BoxError>,
    {
        const OCTETS: HeaderValue = HeaderValue::from_static("application/octet-stream");
        Response::new(Body::Stream(StreamBody::new(stream))).with_header(CONTENT_TYPE, OCTETS)
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::task::Poll;

    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn a_stream_is_collected_into_text_or_binary_within_the_limit() {
        let text = StreamBody::new(futures_util::stream::iter(
            ["a,b\n", "1,2\n"].map(Ok::<_, Infallible>),
        ));
        assert_eq!(
            block_on(collect(&text, 100)).unwrap(),
            Body::Text("a,b\n1,2\n".into())
        );
        // Taken once: a clone sent again is empty.
        assert_eq!(block_on(collect(&text.clone(), 100)).unwrap(), Body::Empty);
        let binary = StreamBody::new(futures_util::stream::iter([Ok::<_, Infallible>(vec![
            0xff, 0,
        ])]));
        assert_eq!(
            block_on(collect(&binary, 100)).unwrap(),
            Body::Binary(vec![0xff, 0])
        );
        let large = StreamBody::new(futures_util::stream::iter(
            ["12345", "67890"].map(Ok::<_, Infallible>),
        ));
        assert!(matches!(
            block_on(collect(&large, 8)),
            Err(CollectError::TooLarge(8))
        ));
    }

    #[test]
    fn an_error_or_a_panic_ends_the_stream_once() {
        let failing = StreamBody::new(futures_util::stream::iter([
            Ok("first"),
            Err("disk gone"),
            Ok("never"),
        ]));
        let error = block_on(collect(&failing, 100)).unwrap_err();
        assert_eq!(error.to_string(), "the response stream failed: disk gone");
        let panicking = StreamBody::new(futures_util::stream::poll_fn(
            |_| -> Poll<Option<Result<Bytes, Infallible>>> { panic!("row 7 is broken") },
        ));
        let mut chunks = panicking.take().unwrap();
        let first = block_on(std::future::poll_fn(|cx| {
            Pin::new(&mut chunks).poll_next(cx)
        }));
        assert_eq!(
            first.unwrap().unwrap_err().to_string(),
            "the response stream panicked: row 7 is broken"
        );
        let after = block_on(std::future::poll_fn(|cx| {
            Pin::new(&mut chunks).poll_next(cx)
        }));
        assert!(after.is_none());
    }
}
