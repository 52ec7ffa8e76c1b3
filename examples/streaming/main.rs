//! Response streaming: server-sent events, a token stream and a large CSV export, sent as they
//! are produced. `routes.toml` sets `[app] invoke_mode = "stream"`, and `template.yaml` gives
//! the function a Function URL with `InvokeMode: RESPONSE_STREAM`.
//!
//! ```sh
//! cargo run --example streaming -- serve --source url   # then: curl -N localhost:3000/ticks/5
//! cargo run --example streaming -- invoke examples/streaming/events/url-ticks.json
//! ```

mod app;

#[tokio::main]
async fn main() -> Result<(), minik::RunError> {
    minik::run(app::app()).await
}
