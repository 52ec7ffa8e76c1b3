//! A response body as a hyper body, for local `serve`: a streamed body's chunks are sent as
//! they come.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Frame, SizeHint};

use crate::chunks::{BoxError, Chunks};
use crate::response::Body;

/// A hyper body for a response body. A stream that fails or panics after its first chunks
/// is logged, and the body ends with an error, so that the server cuts the connection and
/// the client sees a truncated answer rather than a complete one.
#[derive(Debug)]
pub(crate) enum HttpBody {
    /// Whole bytes, or none.
    Full(Option<Bytes>),
    /// A stream's chunks.
    Chunks(ChunksBody),
}

/// [`Chunks`] as a body.
pub(crate) struct ChunksBody(Chunks);

impl std::fmt::Debug for ChunksBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChunksBody")
    }
}

impl HttpBody {
    /// The body for `body`.
    pub(crate) fn new(body: &Body) -> Self {
        match body {
            Body::Empty => HttpBody::Full(None),
            Body::Text(text) => HttpBody::Full(Some(Bytes::from(text.clone()))),
            Body::Binary(bytes) => HttpBody::Full(Some(Bytes::from(bytes.clone()))),
            Body::Stream(stream) => match stream.take() {
                Some(chunks) => HttpBody::Chunks(ChunksBody(chunks)),
                None => HttpBody::Full(None),
            },
        }
    }

    /// The body of `bytes`.
    #[cfg(feature = "local")]
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        HttpBody::Full(Some(bytes.into()))
    }
}

impl http_body::Body for HttpBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut *self {
            HttpBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            HttpBody::Chunks(ChunksBody(chunks)) => match Pin::new(chunks).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
                Poll::Ready(Some(Err(error))) => {
                    tracing::error!(%error, "the response stream ended early, the connection is cut");
                    Poll::Ready(Some(Err(error.into())))
                }
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, HttpBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            HttpBody::Full(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            HttpBody::Chunks(_) => SizeHint::default(),
        }
    }
}

/// The HTTP response for `response`, its body streamed.
pub(crate) fn http_response(response: crate::response::Response) -> http::Response<HttpBody> {
    let mut http = http::Response::new(HttpBody::new(response.body()));
    *http.status_mut() = response.status();
    *http.headers_mut() = response.headers().clone();
    http
}
