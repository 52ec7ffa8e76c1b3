//! Handlers that log with `tracing` (re-exported as `minik::tracing`), and the subscriber that
//! writes the logs.
//!
//! minik runs every request in a `request` span with `request_id`, `method` and `route`, and
//! records `status` and `duration_us` when the response is ready. A handler's events happen
//! inside that span, so each log line names the request it belongs to, without the handler
//! passing anything along.
//!
//! A module of its own so that the tests can build the same app and read the same logs
//! (`tests/integration`).

use minik::tracing::subscriber::fmt::format::FmtSpan;
use minik::tracing::subscriber::fmt::writer::MakeWriter;
use minik::tracing::subscriber::{EnvFilter, filter::LevelFilter};
use minik::tracing::{Instrument, Subscriber, info, info_span, warn};
use minik::{App, AppBuilder, HttpError, Json, Path};
use serde::Deserialize;
use serde_json::{Value, json};

/// `GET /orders/{id}`.
pub(crate) fn get_order(Path(id): Path<u32>) -> Result<Json<Value>, HttpError> {
    if id != 42 {
        // A field, not text in the message: log queries can filter on `order_id`.
        warn!(order_id = id, "no such order");
        return Err(HttpError::not_found(format!("No order {id}.")));
    }
    info!(order_id = id, "order found");
    Ok(Json(json!({ "id": id, "item": "tea" })))
}

#[derive(Deserialize)]
pub(crate) struct NewOrder {
    item: String,
    quantity: u32,
}

/// `POST /orders`.
pub(crate) fn create_order(Json(order): Json<NewOrder>) -> Result<Json<Value>, HttpError> {
    if order.quantity == 0 {
        warn!(item = %order.item, "refused an order of nothing");
        return Err(HttpError::bad_request("Order at least one."));
    }
    info!(item = %order.item, quantity = order.quantity, "order accepted");
    Ok(Json(
        json!({ "id": 43, "item": order.item, "quantity": order.quantity }),
    ))
}

/// `GET /report`: an async handler whose query runs in a span of its own, nested in the
/// request's; `.instrument` keeps it across `.await`s. The query fails: the handler returns
/// the error, the client gets a bare 500 and minik logs the details.
pub(crate) async fn report() -> minik::Result<Json<Value>> {
    let rows = query("SELECT item, count(*) FROM orders GROUP BY item")
        .instrument(info_span!("query", table = "orders"))
        .await?;
    Ok(Json(json!({ "rows": rows })))
}

async fn query(sql: &str) -> std::io::Result<u64> {
    info!(sql, "querying");
    Err(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "the reporting database did not answer",
    ))
}

/// The app: the routes file embedded in the binary, each handler registered by name.
pub(crate) fn app() -> AppBuilder {
    App::from_toml(
        "examples/observability/routes.toml",
        include_str!("routes.toml"),
    )
    .handler("get_order", get_order)
    .handler("create_order", create_order)
    .handler("report", report)
}

/// The logs: the Lambda runtime's default format (text, or JSON when Lambda's
/// `AWS_LAMBDA_LOG_FORMAT` is `JSON`; the level from `RUST_LOG`, `INFO` by default), plus one
/// line when each span closes, so that every request ends with its `status` and
/// `duration_us`: an access log. Without it (`minik::run` installs the runtime's default
/// subscriber), only the handlers' events and minik's errors are logged.
pub(crate) fn logs<W>(writer: W) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .from_env_lossy();
    let logs = minik::tracing::subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .without_time() // CloudWatch times every line
        .with_ansi(false)
        .with_writer(writer);
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    if json {
        Box::new(logs.json().finish())
    } else {
        Box::new(logs.finish())
    }
}
