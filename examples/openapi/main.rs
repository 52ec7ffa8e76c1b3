//! An app that serves its own OpenAPI document at `GET /openapi.json`, computed at startup from
//! the route table it routes with (`App::routes().openapi(..)`): operation ids from the handler
//! names, path parameters with their types (`int`, `uuid`, regexes as `pattern`).
//!
//! ```sh
//! cargo run --example openapi -- invoke examples/openapi/events/http-openapi.json
//! cargo run --example openapi -- serve         # then:
//! curl -s localhost:3000/openapi.json          # for Swagger UI, Redoc, client generators
//! curl -i localhost:3000/books/978-0141439518
//! ```
//!
//! The same document, without building the app, plus API Gateway's Lambda proxy integration
//! on every operation, to create the API from it (the function also needs a resource policy
//! that lets API Gateway invoke it, `aws lambda add-permission`):
//!
//! ```sh
//! cargo run --bin minik -- openapi examples/openapi/routes.toml --title Bookshelf \
//!     --aws-integration arn:aws:lambda:eu-west-1:123456789012:function:bookshelf > openapi.json
//! ```
//!
//! <!-- not run: creates an API in an AWS account -->
//! ```sh
//! aws apigatewayv2 import-api --body file://openapi.json           # an HTTP API
//! aws apigateway import-rest-api --body fileb://openapi.json       # or a REST API
//! ```
//!
//! The events in `events/` are real events of each source with the request changed
//! (`python3 examples/events.py` writes them).

mod app;

#[tokio::main]
async fn main() -> Result<(), minik::RunError> {
    minik::run(app::app()?).await
}
