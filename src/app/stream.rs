//! What the app does for streamed bodies: collecting them where a reply is buffered, and
//! answering an event without collecting them, for `run`'s streaming mode and local mode.

use super::App;
use crate::response::{Body, Response, internal_error};
use crate::stream::collect;

/// The largest reply payload Lambda accepts from a buffered invocation: a streamed body is
/// collected up to it.
const LAMBDA_MAX_REPLY: usize = 6 << 20;

impl App {
    /// `response` with a streamed body collected into one, for a buffered reply. A stream that
    /// fails, panics or outgrows Lambda's reply limit before its end gives a 500 in the app's
    /// error shape, since nothing was sent yet; the reason goes to the log.
    pub(crate) async fn buffer(&self, mut response: Response) -> Response {
        let Body::Stream(stream) = response.body() else {
            return response;
        };
        match collect(stream, LAMBDA_MAX_REPLY).await {
            Ok(body) => {
                response.set_body(body);
                response
            }
            Err(error) => {
                tracing::error!(%error, "the response stream could not be sent, answered 500");
                let mut failed =
                    internal_error(serde_json::json!({ "error": [error.to_string()] }));
                self.finish(&mut failed, false);
                failed
            }
        }
    }
}

impl App {
    /// Whether the routes file says `[app] invoke_mode = "stream"`: only streaming mode and
    /// local mode ask.
    #[cfg(any(feature = "local", feature = "stream"))]
    pub(crate) fn streams(&self) -> bool {
        self.table.settings.invoke_mode == crate::spec::InvokeMode::Stream
    }
}
