//! Middleware: hooks registered by name, like handlers, and listed in the routes file.
//!
//! ```toml
//! [app]
//! middleware = ["security_headers", "require_api_key"]   # every route, in this order
//!
//! [[route]]
//! path = "/health"
//! handler = "health"
//! skip_middleware = ["require_api_key"]                  # but not this one
//!
//! [[route]]
//! path = "/admin/{action}"
//! handler = "admin"
//! middleware = ["require_admin"]                         # after the app's
//! ```
//!
//! Three kinds of hook, registered with [`AppBuilder::before`](crate::AppBuilder::before),
//! [`after`](crate::AppBuilder::after) and [`around`](crate::AppBuilder::around):
//!
//! - a **before** hook takes the request and gives it back to go on (it may change it, or add
//!   an [extension](crate::Request::extensions_mut) for the handler), or answers in its place
//!   with an error, such as a 401;
//! - an **after** hook takes the response and returns the one to send;
//! - an **around** hook takes the request and [`Next`], the rest of the chain, and decides what
//!   happens before and after it (timing, replacing a status, answering without running it).
//!
//! Design note: the hooks of a route form one chain, `[app] middleware` (less the route's
//! `skip_middleware`) then the route's own `middleware`, and run like the layers of an onion:
//! the request goes through the list in order to the handler, the response comes back through
//! it in reverse. A hook that answers early sends its response back through the hooks listed
//! before it only, which is what "before it" means in the file. The chain of each route is
//! resolved once when the app is built; a route without middleware pays nothing per request.
//! Requests that match no route (404, 405) and CORS preflights do not run middleware: there is
//! no route whose list would apply.

// Results here carry a `Response` (or a `Request`) by value on purpose: each is moved once per
// hook, where a box would cost an allocation on every early answer.
#![allow(clippy::result_large_err)]

use std::future::Future;
use std::sync::Arc;

use crate::handler::{BoxedHandler, Reply, catching, marker, start_async};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// A function that can run before a handler: it takes the request and returns
/// `Ok(request)` to go on, or `Err(answer)` to answer in the handler's place (anything
/// [`IntoResponse`], such as an [`HttpError`](crate::HttpError)). Sync or async.
///
/// ```
/// use minik::{HttpError, Request};
///
/// fn require_api_key(request: Request) -> Result<Request, HttpError> {
///     match request.header("x-api-key") {
///         Some("let-me-in") => Ok(request),
///         _ => Err(HttpError::unauthorized("A valid x-api-key header is required.")),
///     }
/// }
/// # let _ = minik::App::from_toml("r", "").before("require_api_key", require_api_key);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a minik `before` hook",
    note = "a `before` hook is a function or async function taking a `Request` and returning `Result<Request, E>` where `E: IntoResponse` (such as `HttpError` or `Response`)"
)]
pub trait Before<M>: Send + Sync + 'static {
    /// Runs the hook, answering 500 if it panics.
    #[doc(hidden)]
    fn call(&self, request: Request) -> Reply<Result<Request, Response>>;
}

impl<F, E> Before<(marker::IsSync, E)> for F
where
    F: Fn(Request) -> Result<Request, E> + Send + Sync + 'static,
    E: IntoResponse,
{
    fn call(&self, request: Request) -> Reply<Result<Request, Response>> {
        Reply::Ready(catching(|| self(request).map_err(E::into_response)))
    }
}

impl<F, Fut, E> Before<(marker::IsAsync, E)> for F
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Request, E>> + Send + 'static,
    E: IntoResponse,
{
    fn call(&self, request: Request) -> Reply<Result<Request, Response>> {
        start_async(|| {
            let future = self(request);
            async move { future.await.map_err(E::into_response) }
        })
    }
}

/// A function that can run after a handler: it takes the response and returns the one to
/// send (anything [`IntoResponse`]). Sync or async.
///
/// ```
/// use minik::Response;
/// use minik::http::{HeaderValue, header};
///
/// fn security_headers(response: Response) -> Response {
///     response.with_header(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"))
/// }
/// # let _ = minik::App::from_toml("r", "").after("security_headers", security_headers);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a minik `after` hook",
    note = "an `after` hook is a function or async function taking a `Response` and returning something `IntoResponse`"
)]
pub trait After<M>: Send + Sync + 'static {
    /// Runs the hook, answering 500 if it panics.
    #[doc(hidden)]
    fn call(&self, response: Response) -> Reply;
}

impl<F, R> After<(marker::IsSync, R)> for F
where
    F: Fn(Response) -> R + Send + Sync + 'static,
    R: IntoResponse,
{
    fn call(&self, response: Response) -> Reply {
        Reply::Ready(catching(|| self(response).into_response()))
    }
}

impl<F, Fut, R> After<(marker::IsAsync, R)> for F
where
    F: Fn(Response) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    fn call(&self, response: Response) -> Reply {
        start_async(|| {
            let future = self(response);
            async move { future.await.into_response() }
        })
    }
}

/// An async function that wraps the rest of the chain: it takes the request and [`Next`],
/// and returns the response (anything [`IntoResponse`]), usually after awaiting
/// [`Next::run`].
///
/// ```
/// use minik::http::{HeaderName, HeaderValue};
/// use minik::{Next, Request, Response};
///
/// async fn server_timing(request: Request, next: Next) -> Response {
///     let started = std::time::Instant::now();
///     let response = next.run(request).await;
///     let timing = format!("app;dur={}", started.elapsed().as_millis());
///     match HeaderValue::from_str(&timing) {
///         Ok(value) => response.with_header(HeaderName::from_static("server-timing"), value),
///         Err(_) => response,
///     }
/// }
/// # let _ = minik::App::from_toml("r", "").around("server_timing", server_timing);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a minik `around` hook",
    note = "an `around` hook is an async function taking a `Request` and a `Next`, and returning something `IntoResponse`"
)]
pub trait Around<M>: Send + Sync + 'static {
    /// Runs the hook, answering 500 if it panics.
    #[doc(hidden)]
    fn call(&self, request: Request, next: Next) -> Reply;
}

impl<F, Fut, R> Around<(marker::IsAsync, R)> for F
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    fn call(&self, request: Request, next: Next) -> Reply {
        start_async(|| {
            let future = self(request, next);
            async move { future.await.into_response() }
        })
    }
}

/// A registered hook, its type erased.
#[derive(Clone)]
pub(crate) enum Hook {
    Before(Arc<dyn Fn(Request) -> Reply<Result<Request, Response>> + Send + Sync>),
    After(Arc<dyn Fn(Response) -> Reply + Send + Sync>),
    Around(Arc<dyn Fn(Request, Next) -> Reply + Send + Sync>),
}

impl Hook {
    pub(crate) fn before<M, H: Before<M>>(hook: H) -> Self {
        Hook::Before(Arc::new(move |request| hook.call(request)))
    }

    pub(crate) fn after<M, H: After<M>>(hook: H) -> Self {
        Hook::After(Arc::new(move |response| hook.call(response)))
    }

    pub(crate) fn around<M, H: Around<M>>(hook: H) -> Self {
        Hook::Around(Arc::new(move |request, next| hook.call(request, next)))
    }
}

/// The rest of a route's chain, handed to an [`Around`] hook: the hooks listed after it, then
/// the handler.
pub struct Next {
    hooks: Arc<[Hook]>,
    /// The first hook of `hooks` still to run.
    at: usize,
    handler: BoxedHandler,
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("hooks_left", &(self.hooks.len() - self.at))
            .finish_non_exhaustive()
    }
}

impl Next {
    /// A route's whole chain: its hooks, then its handler.
    pub(crate) fn chain(hooks: Arc<[Hook]>, handler: BoxedHandler) -> Self {
        Next {
            hooks,
            at: 0,
            handler,
        }
    }

    /// Runs the rest of the chain and returns its response.
    ///
    /// `before` hooks run in order until one answers; an `around` hook takes over the rest;
    /// the handler answers if every hook let the request through. The response then goes back
    /// through the `after` hooks that were passed, last listed first.
    pub async fn run(self, request: Request) -> Response {
        // Hooks `at..passed` are the ones the request went through; the response goes back
        // through them.
        let mut passed = self.at;
        let mut response = match self.forward(request, &mut passed).await {
            Ok(request) => (self.handler)(request).resolve().await,
            Err(answer) => answer,
        };
        for hook in self.hooks[self.at..passed].iter().rev() {
            if let Hook::After(after) = hook {
                response = after(response).resolve().await;
            }
        }
        response
    }

    /// Takes the request through the hooks from `passed` on: the request for the handler, or
    /// the answer of a `before` hook (not counted as passed: its answer does not go back
    /// through it) or of an `around` hook (counted: the hooks after it were `next`'s).
    async fn forward(&self, mut request: Request, passed: &mut usize) -> Result<Request, Response> {
        while let Some(hook) = self.hooks.get(*passed) {
            match hook {
                Hook::Before(before) => request = before(request).resolve().await?,
                Hook::After(_) => {}
                Hook::Around(around) => {
                    *passed += 1;
                    let next = Next {
                        hooks: Arc::clone(&self.hooks),
                        at: *passed,
                        handler: Arc::clone(&self.handler),
                    };
                    return Err(around(request, next).resolve().await);
                }
            }
            *passed += 1;
        }
        Ok(request)
    }
}
