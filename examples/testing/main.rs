//! How to test your own handlers: the orders API in `app.rs`, and its tests in `tests.rs`,
//! which `cargo test` runs (`test = true` in minik's `Cargo.toml`; in your crate, the
//! `#[cfg(test)] mod tests;` below is all it takes).
//!
//! The tests use the test client, `app.test().get("/orders/1").source(Source::Alb).send()`,
//! which sends each request as the event its source would send and reads the reply back: every
//! source (REST API, HTTP API, ALB, Function URL), JSON bodies, headers, the 400s and 404s.
//!
//! ```sh
//! cargo test --example testing                 # just these tests
//! cargo run --example testing -- serve         # then:
//! curl -i localhost:3000/orders/1              # 200 {"id":1,"item":"tea","quantity":2}
//! curl -i localhost:3000/orders/latest         # 404: `id` is declared `int`
//! curl -i localhost:3000/orders -H 'Content-Type: application/json' -d '{"item": "cake", "quantity": 0}'   # 400
//! curl -i localhost:3000/me -H 'Authorization: Bearer ada'
//! ```

mod app;
#[cfg(test)]
mod tests;

#[tokio::main]
async fn main() -> Result<(), minik::RunError> {
    minik::run(app::app()).await
}
