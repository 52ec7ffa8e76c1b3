//! The quickstart as its own Lambda binary, for the size comparison in BENCHMARKS.md.

#[path = "../../../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), minik::RunError> {
    minik::run(app::app()).await
}
