//! The minik documentation as a minik app.
//!
//! ```sh
//! cargo run --example quickstart -- invoke examples/quickstart/events/rest-hello.json
//! cargo run --example quickstart -- serve      # then: curl localhost:3000/hello/ada
//! cargo run --example quickstart -- check
//! ```
//!
//! On Lambda (or under `cargo lambda watch`) the same binary answers invocations.

mod app;

#[tokio::main]
async fn main() -> Result<(), minik::RunError> {
    minik::run(app::app()).await
}
