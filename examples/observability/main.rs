//! Logging with `tracing` from handlers, inside minik's per-request span.
//!
//! ```sh
//! cargo run --example observability -- invoke examples/observability/events/rest-order.json
//! cargo run --example observability -- invoke examples/observability/events/http-report.json
//! AWS_LAMBDA_LOG_FORMAT=JSON cargo run --example observability -- serve   # then:
//! curl -i localhost:3000/orders/42
//! ```
//!
//! Each line names its request, whatever the handler wrote: the `request` span's fields
//! (`request_id` from the event, or the Lambda request id when the event has none, as behind
//! an ALB; `cold_start`, true for the first request of the process; `xray_trace_id` on Lambda),
//! then the handler's own spans, then its event. `rest-order.json` logs:
//!
//! ```text
//!  INFO request{request_id="deef4878-7910-11e6-8f14-25afc3e9ae33" method="GET" cold_start=true route="/orders/{id}"}: order found order_id=42
//!  INFO request{request_id="deef4878-7910-11e6-8f14-25afc3e9ae33" method="GET" cold_start=true route="/orders/{id}" status=200 duration_us=376}: close
//! ```
//!
//! and `http-report.json`, whose handler fails (the client gets a bare 500; the log has why):
//!
//! ```text
//!  INFO request{request_id="LV7fzho-PHcEJPw=" method="GET" cold_start=true route="/report"}:query{table="orders"}: querying sql="SELECT item, count(*) FROM orders GROUP BY item"
//!  INFO request{request_id="LV7fzho-PHcEJPw=" method="GET" cold_start=true route="/report"}:query{table="orders"}: close
//! ERROR request{request_id="LV7fzho-PHcEJPw=" method="GET" cold_start=true route="/report"}: handler failed, answered 500 handler="report" details={"error":["the reporting database did not answer"]}
//!  INFO request{request_id="LV7fzho-PHcEJPw=" method="GET" cold_start=true route="/report" status=500 duration_us=474}: close
//! ```
//!
//! On Lambda the runtime's own span comes first on each line,
//! `Lambda runtime invoke{requestId=".." xrayTraceId=".."}:request{..}: ..`, and closes with a
//! line of its own. With `AWS_LAMBDA_LOG_FORMAT=JSON` (Lambda's "log format: JSON" setting)
//! each line is an object for CloudWatch Logs Insights: the failed requests are
//! `filter span.name = "request" and span.status >= 500`.
//!
//! ```text
//! {"level":"INFO","fields":{"message":"close"},"span":{"cold_start":true,"duration_us":799,"method":"GET","request_id":"LV7fzho-PHcEJPw=","route":"/report","status":500,"name":"request"},"spans":[]}
//! ```
//!
//! The events in `events/` are real events of each source with the request changed
//! (`python3 examples/events.py` writes them).

mod app;

use minik::tracing::subscriber::util::SubscriberInitExt;

#[tokio::main]
async fn main() -> Result<(), minik::RunError> {
    // Standard error: `invoke` prints the reply on standard output, and on Lambda both go to
    // the function's log stream. `minik::run` keeps a subscriber installed before it.
    app::logs(std::io::stderr).init();
    minik::run(app::app()).await
}
