//! A streamed body's chunks: the stream a handler gives, kept in the response until it is
//! sent, and taken out with every poll guarded.
//!
//! Design note: the stream sits behind an `Arc<Mutex<Option<..>>>` so that a response stays
//! `Clone` and cheap to move, as it is with a buffered body; whoever sends the response takes
//! the stream out once. Every poll runs under `catch_unwind`, as every poll of a handler's
//! future does: a panic mid-stream ends that response, not the function.

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

/// The error a stream may end with, boxed.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A body produced chunk by chunk: the `Stream` a [`Body::Stream`](crate::Body::Stream)
/// holds.
///
/// Clones share the stream, which is sent once: the clone that is sent takes it, and the
/// others are then empty.
#[derive(Clone)]
pub struct StreamBody {
    chunks: Arc<Mutex<Option<BoxStream>>>,
}

impl StreamBody {
    /// A body of the chunks of `stream`. An `Err` item ends the body: see
    /// `minik::stream` for what the client sees then.
    pub fn new<S, D, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<D, E>> + Send + 'static,
        D: Into<Bytes>,
        E: Into<BoxError>,
    {
        let chunks = MapChunks(Box::pin(stream));
        StreamBody {
            chunks: Arc::new(Mutex::new(Some(Box::pin(chunks)))),
        }
    }

    /// Takes the stream out, guarded against errors and panics; `None` once it was taken.
    pub(crate) fn take(&self) -> Option<Chunks> {
        let mut slot = match self.chunks.lock() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        slot.take().map(|inner| Chunks { inner, done: false })
    }
}

impl fmt::Debug for StreamBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StreamBody")
    }
}

/// Two stream bodies are equal when they share one stream.
impl PartialEq for StreamBody {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chunks, &other.chunks)
    }
}

impl Eq for StreamBody {}

/// A user's stream with its chunks and errors converted.
struct MapChunks<S>(Pin<Box<S>>);

impl<S, D, E> Stream for MapChunks<S>
where
    S: Stream<Item = Result<D, E>>,
    D: Into<Bytes>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|chunk| chunk.map(Into::into).map_err(Into::into)))
    }
}

/// Why a stream ended before its end.
#[derive(Debug)]
pub(crate) enum StreamError {
    /// The stream gave an error.
    Failed(BoxError),
    /// Polling the stream panicked.
    Panicked(String),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Failed(error) => write!(f, "the response stream failed: {error}"),
            StreamError::Panicked(message) => {
                write!(f, "the response stream panicked: {message}")
            }
        }
    }
}

impl std::error::Error for StreamError {}

/// A handler's stream taken out of its body: every poll under `catch_unwind`; an error or a
/// panic is given once, and the stream ends after it.
pub(crate) struct Chunks {
    inner: BoxStream,
    done: bool,
}

impl Stream for Chunks {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let polled = catch_unwind(AssertUnwindSafe(|| self.inner.as_mut().poll_next(cx)));
        match polled {
            Ok(Poll::Ready(Some(Ok(chunk)))) => Poll::Ready(Some(Ok(chunk))),
            Ok(Poll::Ready(Some(Err(error)))) => {
                self.done = true;
                Poll::Ready(Some(Err(StreamError::Failed(error))))
            }
            Ok(Poll::Ready(None)) => {
                self.done = true;
                Poll::Ready(None)
            }
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => {
                self.done = true;
                Poll::Ready(Some(Err(StreamError::Panicked(panic_message(&*payload)))))
            }
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-string payload".to_owned())
}
