//! Handlers: plain or async functions whose arguments are extractors.
//!
//! Design note: `Handler<M>` is implemented for every `Fn` of up to six extractor arguments,
//! sync or async; `M` is only a marker that keeps those implementations apart (axum's
//! technique). A sync handler is called in place and its response is ready at once, so it costs
//! no allocation. Both the call and every poll of an async handler's future run under
//! `catch_unwind`: a panic becomes a 500 and the function keeps serving (lambda_runtime would
//! turn it into a failed invocation, which API Gateway reports as a 502).

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::extract::{
    BodyExtractor, FieldShape, FromRequest, FromRequestParts, Rejection, Schema, StateNeed,
};
use crate::request::Request;
use crate::response::{IntoResponse, Response, internal_error};

/// A handler's (or a middleware hook's) answer: ready at once (sync functions, rejections,
/// panics) or to await, so that sync functions cost no allocation.
#[allow(unreachable_pub, missing_debug_implementations)]
pub enum Reply<T = Response> {
    /// The answer.
    Ready(T),
    /// An async function's future, panics already caught.
    Pending(Pin<Box<dyn Future<Output = T> + Send>>),
}

impl<T> Reply<T> {
    pub(crate) async fn resolve(self) -> T {
        match self {
            Reply::Ready(answer) => answer,
            Reply::Pending(future) => future.await,
        }
    }
}

/// What a panic becomes: a 500 wherever a response is expected.
pub(crate) trait FromPanic {
    fn from_panic(payload: Box<dyn Any + Send>) -> Self;
}

impl FromPanic for Response {
    fn from_panic(payload: Box<dyn Any + Send>) -> Self {
        panic_response(payload)
    }
}

/// A `before` hook that panics answers 500 in place of the request going on.
impl FromPanic for Result<Request, Response> {
    fn from_panic(payload: Box<dyn Any + Send>) -> Self {
        Err(panic_response(payload))
    }
}

/// Runs `call` (a sync function, or the start of an async one) answering 500 if it panics.
pub(crate) fn catching<T: FromPanic>(call: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(T::from_panic)
}

/// Starts an async function: `start` calls it and returns the future to await, boxed with
/// every poll under `catch_unwind`. A panic while starting answers 500 as one while polling.
pub(crate) fn start_async<T, F>(start: impl FnOnce() -> F) -> Reply<T>
where
    T: FromPanic + Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    match catch_unwind(AssertUnwindSafe(start)) {
        Ok(future) => pending(future),
        Err(payload) => Reply::Ready(T::from_panic(payload)),
    }
}

/// An async function's future, boxed, with every poll under `catch_unwind`.
fn pending<T, F>(future: F) -> Reply<T>
where
    T: FromPanic + Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    Reply::Pending(Box::pin(CatchPanic(Box::pin(future))))
}

/// A function that can handle requests: sync or async, taking up to six extractors (the last
/// may consume the request) and returning anything [`IntoResponse`].
///
/// ```
/// use minik::{HttpError, Json, Path, Request};
///
/// fn hello(Path(name): Path<String>) -> Result<Json<serde_json::Value>, HttpError> {
///     Ok(Json(serde_json::json!({ "hello": name })))
/// }
///
/// async fn echo(request: Request) -> Vec<u8> {
///     request.body().to_vec()
/// }
/// # let _ = minik::App::from_toml("r", "").handler("hello", hello).handler("echo", echo);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a minik handler",
    note = "a handler is a function or async function taking extractors (`Request`, `Path<T>`, `Json<T>`) and returning something `IntoResponse`"
)]
pub trait Handler<M>: Send + Sync + 'static {
    /// Calls the handler, answering 500 if it panics.
    #[doc(hidden)]
    fn call(&self, request: Request) -> Reply;

    /// The path parameters the handler expects, from its `Path<T>` argument if any.
    #[doc(hidden)]
    fn path_schema() -> Option<Schema>
    where
        Self: Sized;

    /// The shared state the handler reads, from its `State<T>` arguments.
    #[doc(hidden)]
    fn state_needs() -> Vec<StateNeed>
    where
        Self: Sized,
    {
        Vec::new()
    }

    /// The query parameters the handler reads, from its `Query<T>` argument if any.
    #[doc(hidden)]
    fn query_fields() -> Option<Vec<FieldShape>>
    where
        Self: Sized,
    {
        None
    }

    /// The body the handler reads, from its `Json<T>` or `Form<T>` argument if any.
    #[doc(hidden)]
    fn body_extractor() -> Option<BodyExtractor>
    where
        Self: Sized,
    {
        None
    }

    /// Whether the handler's return type streams its body, which needs a streaming app.
    #[doc(hidden)]
    fn streams() -> bool
    where
        Self: Sized,
    {
        false
    }
}

/// A registered handler, its type erased.
pub(crate) type BoxedHandler = Arc<dyn Fn(Request) -> Reply + Send + Sync>;

pub(crate) fn boxed<M, H: Handler<M>>(handler: H) -> BoxedHandler {
    Arc::new(move |request| handler.call(request))
}

thread_local! {
    /// Where the last panic on this thread happened, recorded by minik's panic hook.
    static PANIC_LOCATION: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs, once per process, a panic hook that records where a panic happened (a panic's
/// payload has only its message) and then runs the hook that was there before, so panics are
/// still logged as usual.
pub(crate) fn record_panic_locations() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            // `try_with`: a panic while the thread-local is being destroyed records nothing.
            let _ = PANIC_LOCATION.try_with(|cell| cell.replace(location));
            previous(info);
        }));
    });
}

/// The 500 for a panic; its message and location go to the response's debug details only.
fn panic_response(payload: Box<dyn Any + Send>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-string payload".to_owned());
    let location = PANIC_LOCATION.try_with(|cell| cell.take()).ok().flatten();
    internal_error(serde_json::json!({ "panic": message, "location": location }))
}

/// Polls an async function's future, turning a panic into a 500.
struct CatchPanic<F>(Pin<Box<F>>);

impl<T: FromPanic, F: Future<Output = T>> Future for CatchPanic<F> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(T::from_panic(payload)),
        }
    }
}

/// Markers keeping the sync and async implementations apart.
#[doc(hidden)]
#[allow(missing_debug_implementations, unreachable_pub)]
pub mod marker {
    /// The handler is an `async fn`.
    pub enum IsAsync {}
    /// The handler is a plain `fn`.
    pub enum IsSync {}
}

macro_rules! impl_handler {
    ($($part:ident),*) => {
        #[allow(non_snake_case, unused_variables)]
        impl<F, Fut, R, M, $($part,)* L> Handler<(marker::IsAsync, M, $($part,)* L)> for F
        where
            F: Fn($($part,)* L) -> Fut + Send + Sync + 'static,
            Fut: Future<Output = R> + Send + 'static,
            R: IntoResponse,
            $($part: FromRequestParts,)*
            L: FromRequest<M>,
        {
            fn call(&self, request: Request) -> Reply {
                let started = catch_unwind(AssertUnwindSafe(|| {
                    $(let $part = $part::from_request_parts(&request)?;)*
                    let last = L::from_request(request)?;
                    Ok::<_, Rejection>(self($($part,)* last))
                }));
                match started {
                    Ok(Ok(future)) => pending(async move { future.await.into_response() }),
                    Ok(Err(rejection)) => Reply::Ready(rejection.into_response()),
                    Err(payload) => Reply::Ready(panic_response(payload)),
                }
            }

            fn path_schema() -> Option<Schema> {
                None$(.or_else(<$part as FromRequestParts>::path_schema))*.or_else(<L as FromRequest<M>>::path_schema)
            }

            fn state_needs() -> Vec<StateNeed> {
                [$(<$part as FromRequestParts>::state_need(),)* <L as FromRequest<M>>::state_need()]
                    .into_iter()
                    .flatten()
                    .collect()
            }

            fn query_fields() -> Option<Vec<FieldShape>> {
                None$(.or_else(<$part as FromRequestParts>::query_fields))*.or_else(<L as FromRequest<M>>::query_fields)
            }

            fn body_extractor() -> Option<BodyExtractor> {
                <L as FromRequest<M>>::body_extractor()
            }

            fn streams() -> bool {
                R::STREAMS
            }
        }

        #[allow(non_snake_case, unused_variables)]
        impl<F, R, M, $($part,)* L> Handler<(marker::IsSync, M, $($part,)* L)> for F
        where
            F: Fn($($part,)* L) -> R + Send + Sync + 'static,
            R: IntoResponse,
            $($part: FromRequestParts,)*
            L: FromRequest<M>,
        {
            fn call(&self, request: Request) -> Reply {
                let answered = catch_unwind(AssertUnwindSafe(|| {
                    $(let $part = $part::from_request_parts(&request)?;)*
                    let last = L::from_request(request)?;
                    Ok::<_, Rejection>(self($($part,)* last).into_response())
                }));
                Reply::Ready(match answered {
                    Ok(Ok(response)) => response,
                    Ok(Err(rejection)) => rejection.into_response(),
                    Err(payload) => panic_response(payload),
                })
            }

            fn path_schema() -> Option<Schema> {
                None$(.or_else(<$part as FromRequestParts>::path_schema))*.or_else(<L as FromRequest<M>>::path_schema)
            }

            fn state_needs() -> Vec<StateNeed> {
                [$(<$part as FromRequestParts>::state_need(),)* <L as FromRequest<M>>::state_need()]
                    .into_iter()
                    .flatten()
                    .collect()
            }

            fn query_fields() -> Option<Vec<FieldShape>> {
                None$(.or_else(<$part as FromRequestParts>::query_fields))*.or_else(<L as FromRequest<M>>::query_fields)
            }

            fn body_extractor() -> Option<BodyExtractor> {
                <L as FromRequest<M>>::body_extractor()
            }

            fn streams() -> bool {
                R::STREAMS
            }
        }
    };
}

impl_handler!();
impl_handler!(T1);
impl_handler!(T1, T2);
impl_handler!(T1, T2, T3);
impl_handler!(T1, T2, T3, T4);
impl_handler!(T1, T2, T3, T4, T5);

impl<F, Fut, R> Handler<(marker::IsAsync,)> for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    fn call(&self, _: Request) -> Reply {
        start_async(|| {
            let future = self();
            async move { future.await.into_response() }
        })
    }

    fn path_schema() -> Option<Schema> {
        None
    }

    fn streams() -> bool {
        R::STREAMS
    }
}

impl<F, R> Handler<(marker::IsSync,)> for F
where
    F: Fn() -> R + Send + Sync + 'static,
    R: IntoResponse,
{
    fn call(&self, _: Request) -> Reply {
        Reply::Ready(catching(|| self().into_response()))
    }

    fn path_schema() -> Option<Schema> {
        None
    }

    fn streams() -> bool {
        R::STREAMS
    }
}
