//! The app as a `tower::Service` (the `tower` feature): mounted in an axum router or served by
//! hyper, behind tower-http's layers, in a container as well as on Lambda.
//!
//! Design note: the HTTP request becomes a [`Request`] directly, with no Lambda event in
//! between (there is none to shape a reply for), and goes through [`App::call`], so routing,
//! extractors, middleware, CORS and error answers are those of Lambda. A streamed body passes
//! through as the response body's frames.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::App;
use crate::chunks::BoxError;
use crate::error::HttpError;
use crate::request::Request;
use crate::response::{IntoResponse, Response};
use crate::stream::hyper_body::{HttpBody, http_response};

/// The body of the app's HTTP responses as a `tower::Service`.
pub type ServiceBody = UnsyncBoxBody<Bytes, BoxError>;

/// The future of an answer.
type Answer = Pin<Box<dyn Future<Output = Result<http::Response<ServiceBody>, Infallible>> + Send>>;

/// The app answers HTTP requests as a `tower::Service` (the `tower` feature), the same way it
/// answers Lambda events: same routes, extractors, middleware, CORS and errors, and streamed
/// bodies sent as they are produced. Cloning the app is cheap: every clone shares it.
///
/// The body is read up to the largest `max_body` of the routes file (a larger one is a
/// 413). Handlers see a request that came from no Lambda event: [`Request::source`] is `None`,
/// [`Request::event`] is `null`, [`Request::context`] is an empty Lambda context and
/// [`Request::request_id`] is `None`; the client's address is not known to the app
/// ([`Request::source_ip`] is `None`: read `X-Forwarded-For` behind a proxy). The routes
/// file's `base_path` is removed from the path when it is there, as on Lambda. Bodies
/// stream whatever the file's `invoke_mode` (which is the Lambda function's), but `build()`
/// still asks for `invoke_mode = "stream"` when a handler's type streams.
///
/// # Examples
///
/// ```
/// use tower::ServiceExt;
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let app = minik::App::from_toml("routes.toml", "[[route]]\npath = \"/hello/{name}\"\nhandler = \"hello\"")
///     .handler("hello", |minik::Path(name): minik::Path<String>| format!("hello {name}"))
///     .build()?;
/// let request = http::Request::get("/hello/ada").body(http_body_util::Empty::<bytes::Bytes>::new())?;
/// let response = app.oneshot(request).await?;
/// assert_eq!(response.status(), 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<B> tower_service::Service<http::Request<B>> for App
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<ServiceBody>;
    type Error = Infallible;
    type Future = Answer;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Answer {
        let app = self.clone();
        Box::pin(async move {
            let response = app.serve_http(request).await;
            Ok(http_response(response).map(|body: HttpBody| body.boxed_unsync()))
        })
    }
}

impl App {
    /// Answers one HTTP request.
    async fn serve_http<B>(&self, request: http::Request<B>) -> Response
    where
        B: http_body::Body,
        B::Error: Into<BoxError>,
    {
        let (parts, body) = request.into_parts();
        let limit = self.table.largest_body();
        let body = match Limited::new(body, limit).collect().await {
            Ok(body) => body.to_bytes(),
            Err(error) => {
                let error = if error.is::<LengthLimitError>() {
                    let len = parts
                        .headers
                        .get(http::header::CONTENT_LENGTH)
                        .and_then(|v| v.to_str().ok()?.parse().ok())
                        .unwrap_or(limit + 1);
                    HttpError::body_too_large(len, limit)
                } else {
                    HttpError::bad_request(format!("the request body could not be read: {error}"))
                };
                let mut response = error.into_response();
                self.finish(&mut response, false);
                return response;
            }
        };
        let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut request = Request::new(parts.method, target)
            .with_headers(parts.headers)
            .with_body(body.to_vec());
        if let Some(base) = self.table.settings.base_path.as_deref() {
            request.route_start = prefix_len(&request.raw_path, base);
        }
        self.call(request).await
    }
}

/// The length of `base` at the start of `path`, as whole segments; 0 when it is not there.
fn prefix_len(path: &str, base: &str) -> usize {
    let base = base.trim_end_matches('/');
    match path.strip_prefix(base) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => base.len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_len;

    #[test]
    fn the_base_path_is_removed_only_as_whole_segments() {
        assert_eq!(prefix_len("/api/items", "/api"), 4);
        assert_eq!(prefix_len("/api", "/api/"), 4);
        assert_eq!(prefix_len("/apiary/items", "/api"), 0);
        assert_eq!(prefix_len("/items", "/api"), 0);
    }
}
