//! `run` in streaming mode (`[app] invoke_mode = "stream"`): replies to a Function URL or a
//! REST API go through the runtime's streaming response, every other source's are buffered.
//!
//! Design note: lambda_runtime writes a streaming response as Lambda's HTTP integration
//! expects it: the metadata prelude (JSON: `statusCode`, `headers`, `cookies`), eight NUL
//! bytes, then each chunk as it comes. Chunks reach it from [`Outgoing`], which never gives
//! the runtime an error: the runtime would write an error item into the body as text. A
//! stream that fails or panics after the prelude has gone cannot change its status any
//! more, so the reason is logged and the body ends there; the function goes on serving.
//! HTTP APIs, ALBs and VPC Lattice cannot stream: their replies are collected and sent as
//! one payload, as in buffered mode.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http::header::SET_COOKIE;
use lambda_runtime::{MetadataPrelude, StreamResponse};

use crate::app::App;
use crate::chunks::Chunks;
use crate::error::RunError;
use crate::event;
use crate::response::{Body, Response};
use crate::source::Source;

/// Answers Lambda invocations with the official runtime, streaming where the source can.
#[cfg(feature = "stream")]
pub(crate) async fn serve(app: App) -> Result<(), RunError> {
    use std::sync::Arc;

    use lambda_runtime::{FunctionResponse, LambdaEvent, service_fn};
    use serde_json::value::RawValue;

    use crate::event::EventError;

    let app = Arc::new(app);
    let handler = service_fn(move |event: LambdaEvent<Box<RawValue>>| {
        let app = Arc::clone(&app);
        async move {
            let request_id = event.context.request_id.clone();
            let context = Arc::new(event.context);
            let payload = Bytes::copy_from_slice(event.payload.get().as_bytes());
            let (shape, answering) = app.answer(&payload, Some(context), true)?;
            let response = answering.await;
            if matches!(shape.source(), Source::FunctionUrl | Source::RestApi) {
                return Ok(FunctionResponse::StreamingResponse(streaming(
                    response, request_id,
                )));
            }
            // As in buffered mode: the reply is serialized once, by the runtime.
            let response = app.buffer(response).await;
            let reply = event::ReplyPayload { shape, response };
            Ok::<_, EventError>(FunctionResponse::BufferedResponse(reply))
        }
    });
    lambda_runtime::run(handler)
        .await
        .map_err(|error| RunError::new(format!("the Lambda runtime stopped: {error}")))
}

/// The streaming response for `response`: its status, headers and cookies in the prelude,
/// its body as it comes (a buffered body in one chunk).
pub(crate) fn streaming(response: Response, request_id: String) -> StreamResponse<Outgoing> {
    let mut headers = response.headers().clone();
    let cookies = headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect();
    headers.remove(SET_COOKIE);
    let prelude = MetadataPrelude {
        status_code: response.status(),
        headers,
        cookies,
    };
    let body = match response.body() {
        Body::Empty => Outgoing::Done,
        Body::Text(text) => Outgoing::Once(Bytes::from(text.clone())),
        Body::Binary(bytes) => Outgoing::Once(Bytes::from(bytes.clone())),
        Body::Stream(stream) => match stream.take() {
            Some(chunks) => Outgoing::Chunks { chunks, request_id },
            None => Outgoing::Done,
        },
    };
    StreamResponse {
        metadata_prelude: prelude,
        stream: body,
    }
}

/// The body of a streaming response: errors and panics logged, and the end of the body.
pub(crate) enum Outgoing {
    /// A buffered body, in one chunk.
    Once(Bytes),
    /// A handler's stream, with the request id for the log.
    Chunks { chunks: Chunks, request_id: String },
    /// Sent.
    Done,
}

impl Stream for Outgoing {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut *self {
            Outgoing::Once(bytes) => {
                let bytes = std::mem::take(bytes);
                *self = Outgoing::Done;
                Poll::Ready(Some(Ok(bytes)))
            }
            Outgoing::Chunks { chunks, request_id } => match Pin::new(chunks).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(chunk))),
                Poll::Ready(Some(Err(error))) => {
                    tracing::error!(
                        request_id = request_id.as_str(),
                        %error,
                        "the response stream ended early: its status and first chunks were sent already"
                    );
                    *self = Outgoing::Done;
                    Poll::Ready(None)
                }
                Poll::Ready(None) => {
                    *self = Outgoing::Done;
                    Poll::Ready(None)
                }
                Poll::Pending => Poll::Pending,
            },
            Outgoing::Done => Poll::Ready(None),
        }
    }
}

/// Local `invoke` in streaming mode: answers `event` as [`serve`] would, and writes to `out`
/// what the source gets: for a Function URL or a REST API, the prelude (one line of JSON) and
/// then each chunk as it comes; for the others, the buffered reply, pretty-printed.
#[cfg(feature = "local")]
pub(crate) async fn invoke(
    app: &App,
    event: &[u8],
    out: &mut impl std::io::Write,
) -> Result<(), RunError> {
    let (shape, answering) = app
        .answer(&Bytes::copy_from_slice(event), None, false)
        .map_err(|e| RunError::new(format!("invalid event: {e}")))?;
    let response = answering.await;
    let failed = |e: std::io::Error| RunError::new(format!("cannot write the reply: {e}"));
    if !matches!(shape.source(), Source::FunctionUrl | Source::RestApi) {
        let response = app.buffer(response).await;
        let reply: serde_json::Value =
            serde_json::from_slice(&event::reply(shape, response)).unwrap_or_default();
        let reply = serde_json::to_string_pretty(&reply).unwrap_or_default();
        return writeln!(out, "{reply}").map_err(failed);
    }
    let StreamResponse {
        metadata_prelude,
        mut stream,
    } = streaming(response, "-".to_owned());
    let prelude = serde_json::to_string(&metadata_prelude).unwrap_or_default();
    writeln!(out, "{prelude}").map_err(failed)?;
    out.flush().map_err(failed)?;
    while let Some(Ok(chunk)) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await
    {
        out.write_all(&chunk).map_err(failed)?;
        out.flush().map_err(failed)?;
    }
    Ok(())
}
