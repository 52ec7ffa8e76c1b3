//! Running an app: on Lambda through the official runtime, or in local mode outside it.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;

use lambda_runtime::tower::{Layer, Service};
use lambda_runtime::{Diagnostic as LambdaDiagnostic, LambdaEvent, LambdaInvocation, service_fn};

use crate::app::{App, AppBuilder};
use crate::diagnostic::Diagnostics;
use crate::error::RunError;
use crate::event::EventError;

/// What [`run`] accepts: a built [`App`], or an [`AppBuilder`] that `run` builds (printing
/// every diagnostic if the routes file and the handlers disagree).
pub trait IntoApp {
    /// Builds the app.
    ///
    /// # Errors
    ///
    /// The diagnostics of [`AppBuilder::build`].
    fn into_app(self) -> Result<App, Diagnostics>;
}

impl IntoApp for App {
    fn into_app(self) -> Result<App, Diagnostics> {
        Ok(self)
    }
}

impl IntoApp for AppBuilder {
    fn into_app(self) -> Result<App, Diagnostics> {
        self.build()
    }
}

impl From<EventError> for LambdaDiagnostic {
    fn from(error: EventError) -> Self {
        LambdaDiagnostic {
            error_type: "minik::EventError".into(),
            error_message: error.to_string(),
        }
    }
}

/// Installs the default subscriber `run` installs (see there), unless the process has one.
/// Not API: it is public for minik's benchmarks, which measure what `run` does per invocation
/// with its logging on, and may change at any time.
#[doc(hidden)]
pub fn init_subscriber<W>(writer: W)
where
    W: for<'w> lambda_runtime::tracing::subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use lambda_runtime::tracing::subscriber::filter::LevelFilter;
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|level| level.trim().parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let subscriber = lambda_runtime::tracing::subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_max_level(level)
        .with_writer(writer);
    // `try_init`: a subscriber installed meanwhile by another thread wins, and nothing panics.
    let installed = if json {
        subscriber
            .json()
            .fmt_fields(crate::log_fields::Json)
            .try_init()
    } else {
        subscriber.fmt_fields(crate::log_fields::Text).try_init()
    };
    if installed.is_ok() {
        crate::app::outcome_unread();
    }
}

/// Runs the app: on Lambda, answers invocations until the runtime stops; elsewhere, runs the
/// local mode command given on the command line (`invoke`, `serve`, `check`).
///
/// Lambda is detected by `AWS_LAMBDA_RUNTIME_API`, which Lambda and `cargo lambda watch` set.
/// Unless a `tracing` subscriber is installed already, `run` installs one with the Lambda
/// runtime's format and settings: JSON lines when `AWS_LAMBDA_LOG_FORMAT` is `JSON` (Lambda's
/// advanced logging controls), the level of `AWS_LAMBDA_LOG_LEVEL`, else of `RUST_LOG`, else
/// `INFO`; to stdout on Lambda and to stderr in local mode, so that logs never mix with what
/// `invoke` prints. Handler errors and panics are logged there with the request id, whether or
/// not `debug` sends them in responses.
///
/// `RUST_LOG` is read as one level (`debug`), not as per-target directives
/// (`minik=debug,hyper=warn`): the filter that parses those brings a regex engine, a tenth of a
/// function's binary, to every cold start. For directives, install a subscriber with
/// `minik::tracing::subscriber::EnvFilter` before calling `run`.
///
/// Outside Lambda, `--help` (or `help`) prints the usage and returns; a command line that is
/// not understood prints what is wrong and the usage to stderr, and exits with status 2.
///
/// # Errors
///
/// The app's diagnostics, a local mode command's failure (a missing event file, a port in
/// use), or the runtime's error.
///
/// # Examples
///
/// ```no_run
/// use minik::{App, Path};
///
/// fn hello(Path(name): Path<String>) -> String {
///     format!("hello {name}")
/// }
///
/// #[tokio::main]
/// async fn main() -> Result<(), minik::RunError> {
///     minik::run(App::from_file("routes.toml").handler("hello", hello)).await
/// }
/// ```
pub async fn run(app: impl IntoApp) -> Result<(), RunError> {
    let on_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
    if !tracing::dispatcher::has_been_set() {
        if on_lambda {
            init_subscriber(std::io::stdout);
        } else {
            init_subscriber(std::io::stderr);
        }
    }
    let app = app.into_app()?;
    #[cfg(feature = "stream")]
    if on_lambda && app.streams() {
        return crate::lambda_stream::serve(app).await;
    }
    if on_lambda {
        return serve_lambda(app).await;
    }
    #[cfg(feature = "local")]
    return crate::local::main(app, std::env::args_os().skip(1)).await;
    #[cfg(not(feature = "local"))]
    Err(RunError::new(
        "AWS_LAMBDA_RUNTIME_API is not set: this binary runs on Lambda (or under `cargo lambda watch`); \
         build it with minik's `local` feature to run it locally",
    ))
}

/// Answers Lambda invocations with the official runtime, which stays in charge of the Runtime
/// API (the `next` polls, the response and error posts, the context headers, its tracing
/// span). [`PayloadLayer`] hands the invocation's raw bytes to the handler, which answers with
/// [`App::respond_payload`] on them: the event is read once, and the reply serialized once, by
/// the runtime.
async fn serve_lambda(app: App) -> Result<(), RunError> {
    let app = Arc::new(app);
    let payloads = Payloads::default();
    let taken = payloads.clone();
    let handler = service_fn(move |event: LambdaEvent<()>| {
        let app = Arc::clone(&app);
        let payload = taken.take(&event.context.request_id);
        async move {
            let payload =
                payload.ok_or_else(|| EventError::new("the invocation has no payload"))?;
            app.respond_payload(&payload, Some(Arc::new(event.context)), true)
                .await
        }
    });
    lambda_runtime::Runtime::new(handler)
        .layer(PayloadLayer { payloads })
        .layer(lambda_runtime::layers::TracingLayer::new())
        .run()
        .await
        .map_err(|error| RunError::new(format!("the Lambda runtime stopped: {error}")))
}

/// What [`run`] does with one invocation's payload on Lambda, without the Runtime API: the
/// payload's bytes in, the bytes the runtime posts as the response out (an error when the
/// payload is not an HTTP request). Not API: it is public for minik's benchmarks, which
/// measure the path every invocation takes, and may change at any time. As under `run`, the
/// request span leaves the request id and trace id to lambda_runtime's invocation span.
#[doc(hidden)]
pub async fn answer_invocation(app: &App, payload: bytes::Bytes) -> Result<Vec<u8>, EventError> {
    let reply = app.respond_payload(&payload, None, true).await?;
    // As the runtime writes a buffered response out.
    serde_json::to_vec(&reply).map_err(|error| EventError::new(error.to_string()))
}

/// The raw payloads of the invocations in flight, by request id, from [`PayloadLayer`] to the
/// handler.
#[derive(Clone, Default)]
struct Payloads(Arc<Mutex<Vec<(String, bytes::Bytes)>>>);

impl Payloads {
    fn put(&self, request_id: &str, payload: bytes::Bytes) {
        let mut payloads = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // An invocation the runtime fails before the handler runs never takes its payload:
        // past more invocations than can be in flight at once, the oldest is dropped.
        if payloads.len() >= MAX_IN_FLIGHT {
            payloads.remove(0);
        }
        payloads.push((request_id.to_owned(), payload));
    }

    fn take(&self, request_id: &str) -> Option<bytes::Bytes> {
        let mut payloads = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let index = payloads.iter().position(|(id, _)| id == request_id)?;
        Some(payloads.swap_remove(index).1)
    }
}

/// Far more invocations than one Lambda execution environment runs at once.
const MAX_IN_FLIGHT: usize = 1024;

/// The JSON the runtime reads in place of the payload: the handler's `()` event.
const PLACEHOLDER: &[u8] = b"null";

/// A layer over the runtime's own services that takes each invocation's payload as it came
/// from the Runtime API and leaves `null` in its place, so that the runtime neither parses nor
/// validates it: minik reads it once, in place.
struct PayloadLayer {
    payloads: Payloads,
}

impl<S> Layer<S> for PayloadLayer {
    type Service = PayloadService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        PayloadService {
            inner,
            payloads: self.payloads.clone(),
        }
    }
}

/// The service of [`PayloadLayer`].
struct PayloadService<S> {
    inner: S,
    payloads: Payloads,
}

impl<S: Service<LambdaInvocation>> Service<LambdaInvocation> for PayloadService<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut invocation: LambdaInvocation) -> S::Future {
        let payload =
            std::mem::replace(&mut invocation.body, bytes::Bytes::from_static(PLACEHOLDER));
        self.payloads.put(&invocation.context.request_id, payload);
        self.inner.call(invocation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime's services below the layer see `null`; the handler takes the payload as it
    /// came, by its request id, once.
    #[test]
    fn the_payload_layer_hands_the_raw_payload_to_the_handler() {
        let payloads = Payloads::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let below = {
            let seen = Arc::clone(&seen);
            lambda_runtime::tower::service_fn(move |invocation: LambdaInvocation| {
                seen.lock().unwrap().push(invocation.body.clone());
                std::future::ready(Ok::<(), EventError>(()))
            })
        };
        let mut service = PayloadLayer {
            payloads: payloads.clone(),
        }
        .layer(below);
        let event = br#"{"rawPath": "/", "requestContext": {"http": {"method": "GET"}}}"#;
        for id in ["first", "second"] {
            let mut context = lambda_runtime::Context::default();
            context.request_id = id.to_owned();
            let invocation = LambdaInvocation {
                parts: http::Response::new(()).into_parts().0,
                body: bytes::Bytes::from_static(event),
                context,
            };
            drop(service.call(invocation));
        }
        assert_eq!(*seen.lock().unwrap(), [PLACEHOLDER, PLACEHOLDER]);
        assert_eq!(payloads.take("second").as_deref(), Some(&event[..]));
        assert_eq!(payloads.take("first").as_deref(), Some(&event[..]));
        assert_eq!(payloads.take("first"), None);
    }

    /// Payloads no handler takes (the runtime failed the invocation first) do not pile up.
    #[test]
    fn payloads_never_taken_are_dropped_oldest_first() {
        let payloads = Payloads::default();
        for i in 0..MAX_IN_FLIGHT + 10 {
            payloads.put(&i.to_string(), bytes::Bytes::from(i.to_string()));
        }
        assert_eq!(payloads.take("0"), None);
        assert_eq!(payloads.take("9"), None);
        assert_eq!(payloads.take("10").as_deref(), Some(&b"10"[..]));
        let last = (MAX_IN_FLIGHT + 9).to_string();
        assert_eq!(payloads.take(&last).as_deref(), Some(last.as_bytes()));
    }
}
