//! The quickstart (`examples/quickstart/`), built by SAM from `examples/template.yaml`:
//!
//! ```sh
//! sam build --beta-features --template-file examples/template.yaml
//! ```

#[path = "../../quickstart/app.rs"]
mod app;

#[tokio::main]
async fn main() -> Result<(), minik::RunError> {
    minik::run(app::app()).await
}
