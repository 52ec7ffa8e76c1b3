//! Running an app: on Lambda through the official runtime, or in local mode outside it.

use std::sync::Arc;

use lambda_runtime::{Diagnostic as LambdaDiagnostic, LambdaEvent, service_fn};
use serde_json::value::RawValue;

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

/// The default subscriber `run` installs: see there.
fn init_subscriber<W>(writer: W)
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
    let _ = if json {
        subscriber.json().try_init()
    } else {
        subscriber.try_init()
    };
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

/// Answers Lambda invocations with the official runtime.
async fn serve_lambda(app: App) -> Result<(), RunError> {
    let app = Arc::new(app);
    let handler = service_fn(move |event: LambdaEvent<Box<RawValue>>| {
        let app = Arc::clone(&app);
        async move {
            let context = Arc::new(event.context);
            let reply = app
                .respond_with_context(event.payload.get().as_bytes(), Some(context))
                .await?;
            // The reply is JSON minik serialized itself: handing it over as a raw value spares
            // the runtime a parse and a second serialization.
            let reply = String::from_utf8(reply).unwrap_or_default();
            let reply = RawValue::from_string(reply).map_err(|e| EventError::new(e.to_string()))?;
            Ok::<_, EventError>(reply)
        }
    });
    lambda_runtime::run(handler)
        .await
        .map_err(|error| RunError::new(format!("the Lambda runtime stopped: {error}")))
}
