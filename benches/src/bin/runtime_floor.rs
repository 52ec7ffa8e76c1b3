//! The cold start's floor: the quickstart's `GET /hello/{name}` answered on lambda_runtime alone,
//! with no framework, no router and no log subscriber: the least any Rust function on the
//! official runtime starts with. BENCHMARKS.md times it beside minik and lambda_http + axum, to
//! show how much of a cold start is the process and the runtime, which no framework can remove.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

async fn hello(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let path = event.payload["rawPath"].as_str().unwrap_or_default();
    let name = path.strip_prefix("/hello/").unwrap_or_default();
    Ok(json!({
        "statusCode": 200,
        "headers": { "content-type": "application/json" },
        "body": json!({ "hello": name }).to_string(),
    }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(hello)).await
}
