//! minik's integration tests, in one binary to keep link time low.

/// The quickstart example's app, shared by the tests that exercise it.
#[path = "../../examples/quickstart/app.rs"]
#[allow(dead_code, unreachable_pub)]
mod quickstart_app;

/// The middleware example's app.
#[path = "../../examples/middleware/app.rs"]
#[allow(dead_code, unreachable_pub)]
mod middleware_app;

mod app;
mod contract;
mod cors;
mod diagnostics;
mod events;
mod examples;
mod golden;
mod hostile;
mod hostile_routes;
mod lambda_streaming;
mod matching;
mod middleware;
mod mutation;
mod observability;
mod properties;
mod quickstart;
mod responses;
mod streaming;
mod test_client;
mod tower;
