//! Serverless HTTP APIs on AWS Lambda, with the routing table in a TOML file that a person can
//! read and review.
//!
//! Routes live in `routes.toml`; handlers are plain or async Rust functions registered by name.
//! [`AppBuilder::build`] checks the two against each other when the app is built and reports
//! every mismatch at once, with file, line and column. `minik check routes.toml` runs the
//! file's own checks in CI.
//!
//! # Quick start
//!
//! ```
//! use minik::{App, HttpError, Json, Path};
//! use serde_json::{Value, json};
//!
//! fn hello(Path(name): Path<String>) -> Result<Json<Value>, HttpError> {
//!     if name == "FINDME" {
//!         return Err(HttpError::bad_request("This is not a supported name."));
//!     }
//!     Ok(Json(json!({ "hello": name })))
//! }
//!
//! async fn get_articles(Path((author, year)): Path<(String, i64)>) -> Json<Value> {
//!     Json(json!({ "author_name": author, "year": year }))
//! }
//!
//! let app = App::from_toml("routes.toml", r#"
//!     [[route]]
//!     path = "/hello/{name}"
//!     handler = "hello"
//!
//!     [[route]]
//!     path = "/articles/{author}/{year}"
//!     methods = ["GET"]
//!     handler = "get_articles"
//!     params = { year = "int" }
//! "#)
//! .handler("hello", hello)
//! .handler("get_articles", get_articles)
//! .build()?;
//!
//! # futures_lite_block_on(async {
//! let response = app.call(minik::Request::new(minik::Method::GET, "/articles/ada/1843")).await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.body().as_bytes(), br#"{"author_name":"ada","year":1843}"#);
//!
//! // `year` is declared `int`: a value that does not parse is a 404, as in minik.
//! let response = app.call(minik::Request::new(minik::Method::GET, "/articles/ada/recent")).await;
//! assert_eq!(response.status(), 404);
//! # });
//! # fn futures_lite_block_on(f: impl std::future::Future<Output = ()>) {
//! #     let waker = std::task::Waker::noop();
//! #     let mut cx = std::task::Context::from_waker(&waker);
//! #     let mut f = std::pin::pin!(f);
//! #     while f.as_mut().poll(&mut cx).is_pending() {}
//! # }
//! # Ok::<(), minik::Diagnostics>(())
//! ```
//!
//! # One handler, every HTTP source
//!
//! The handler code is the same whatever sent the request: minik detects the source from the
//! event and shapes the response for it. [`App::respond`] turns one invocation payload into
//! the response payload, as the Lambda runtime does for each invocation:
//!
//! ```
//! use minik::{App, Json, Path, Request};
//! use serde_json::{Value, json};
//!
//! fn hello(Path(name): Path<String>, request: Request) -> Json<Value> {
//!     Json(json!({ "hello": name, "via": request.source().map(|s| s.name()) }))
//! }
//!
//! let app = App::from_toml("routes.toml", "[[route]]\npath = \"/hello/{name}\"\nhandler = \"hello\"")
//!     .handler("hello", hello)
//!     .build()?;
//!
//! let rest = r#"{"resource": "/hello/{name}", "path": "/hello/ada", "httpMethod": "GET",
//!     "headers": null, "body": null, "requestContext": {"apiId": "a1", "stage": "prod"}}"#;
//! let http_api = r#"{"version": "2.0", "rawPath": "/hello/ada", "rawQueryString": "",
//!     "requestContext": {"http": {"method": "GET"}, "stage": "$default",
//!     "domainName": "a1.execute-api.us-east-1.amazonaws.com"}}"#;
//! let alb = r#"{"requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:..."}},
//!     "httpMethod": "GET", "path": "/hello/ada", "headers": {}, "body": "", "isBase64Encoded": false}"#;
//! let function_url = r#"{"version": "2.0", "rawPath": "/hello/ada", "rawQueryString": "",
//!     "requestContext": {"http": {"method": "GET"}, "domainName": "abc.lambda-url.us-east-1.on.aws"}}"#;
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().build()?;
//! for (event, via, reply_field) in [
//!     (rest, "rest", "multiValueHeaders"),
//!     (http_api, "http", "cookies"),
//!     (alb, "alb", "statusDescription"),
//!     (function_url, "url", "cookies"),
//! ] {
//!     let reply = runtime.block_on(app.respond(event.as_bytes()))?;
//!     let reply: Value = serde_json::from_slice(&reply)?;
//!     assert_eq!(reply["statusCode"], 200);
//!     assert_eq!(reply["body"], json!({ "hello": "ada", "via": via }).to_string());
//!     assert!(reply.get(reply_field).is_some(), "{via} replies have `{reply_field}`");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Routing uses the path the client sent, for every source, never API Gateway's `resource`:
//! the same routes file works behind API Gateway, an ALB and a Function URL.
//!
//! - **HTTP API stages**: on `execute-api` hosts an HTTP API puts a named stage in front of
//!   `rawPath` (`/prod/hello/ada`); minik removes it when it is there (never `$default`).
//!   REST APIs leave the stage out of `path` already.
//! - **Custom domains** keep their API mapping's base path in the path (`/v1/hello/ada`):
//!   declare it with `[app] base_path = "/v1"` and minik removes it when it is there, so the
//!   same function also answers on the `execute-api` host, where it is absent.
//! - **Encoding**: REST APIs, ALB and Function URLs deliver the path percent-encoded; HTTP APIs
//!   deliver `rawPath` decoded. minik decodes each segment exactly once. ALB query strings
//!   arrive undecoded and are decoded; a repeated query key keeps every value.
//!
//! Events that are not HTTP requests (authorizer inputs, WebSocket events, S3 notifications, a
//! JSON array, bytes that are not JSON) fail the invocation with an [`EventError`] that says
//! what was received. An HTTP request minik cannot read (a body flagged `isBase64Encoded` that
//! is not base64, a header that is not valid HTTP) is answered with a 400.
//!
//! # The routes file
//!
//! ```toml
//! [app]                          # optional table
//! debug = false                  # relay error details in responses (never in production)
//!
//! [app.headers]                  # optional: default response headers, added to every response
//! "X-Service" = "articles"       # (Content-Type: application/json is the built-in default)
//!
//! [[route]]
//! path = "/hello/{name}"         # no `methods`: every HTTP method is accepted
//! handler = "hello"
//!
//! [[route]]
//! path = "/articles/{author}/{year}"
//! methods = ["GET"]
//! handler = "get_articles"
//! params = { year = "int" }      # undeclared parameters are `str`
//!
//! [[route]]
//! path = "/files/{key+}"         # API Gateway's greedy syntax: the rest of the path
//! handler = "get_file"
//!
//! [[route]]
//! path = "/codes/{code}"
//! handler = "get_code"
//! params = { code = { regex = "[A-Z]{3}" } }
//! ```
//!
//! | key | meaning |
//! |---|---|
//! | `[app] errors` | `"minik"` (default) or `"problem"`: the shape of every error answer, RFC 9457's `application/problem+json` for `"problem"` |
//! | `path` | required; a template of static segments and whole-segment parameters `{name}`; `{name+}` is greedy |
//! | `handler` | required; the name the handler is registered under |
//! | `methods` | GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, in any case; absent means every method |
//! | `params` | parameter types by name; undeclared parameters are `str` |
//! | `cors` | `false` to turn CORS off for the route, or a table overriding `[app.cors]` |
//! | `middleware` | hooks by registered name, run in order after `[app] middleware` |
//! | `skip_middleware` | names from `[app] middleware` that this route does not run |
//! | `max_body` | the largest request body the route accepts (`"64KB"`, `"6MB"` or bytes); also in `[app]`; default 512 KiB |
//! | `query` | query parameters by name: a type, or `{ type = "int", required = true, repeated = true, default = 1 }`; read with [`Query<T>`] |
//! | `body` | `"json"`, `"form"`, `"text"`, `"binary"`, or `{ type = "json", schema = "schemas/x.json", required = true }` |
//!
//! `[app.cors]` takes `allow_origins` (required: `"*"` or origins such as
//! `"https://app.example"`), `allow_methods` (default: the route's), `allow_headers` (default:
//! what the preflight asks for), `expose_headers`, `allow_credentials` and `max_age`. minik
//! adds the CORS headers to every response, errors included, only for an allowed origin, and
//! answers preflight requests unless the route lists `OPTIONS` itself.
//!
//! Parameter types:
//!
//! | type | accepts | handler type |
//! |---|---|---|
//! | `str` | one non-empty segment | `String` |
//! | `int` | a signed decimal that fits an `i64` | any integer |
//! | `float` | a finite `f64` (`1.5`, `-2`, `1e3`; not `inf` or `NaN`) | `f64`, `f32` |
//! | `bool` | `true` or `false` | `bool` |
//! | `uuid` | canonical hyphenated UUID, any case | `uuid::Uuid` |
//! | `path` | the rest of the path, slashes included; last segment only (`{name+}`) | `String` |
//! | `{ regex = "..." }` | a segment the whole of which matches (see below) | `String` |
//! | a registered name | a segment the function given to [`AppBuilder::param_type`] accepts | `String` |
//!
//! Regexes use the syntax of the `regex` crate: matching is linear in the length of the
//! segment, and patterns are refused above 1 MiB compiled or 64 levels of nesting. Unicode
//! classes (`\w` matching `é` as minik's Python `[\w-]+` does, `\p{Greek}`, case-insensitive
//! `(?i)`, word boundaries) need minik's `unicode` feature, whose tables cost every cold start
//! (see `BENCHMARKS.md`). Without it, a pattern that needs them is a build error pointing to the
//! part that does, with its ASCII form where there is one: `(?-u:\w)` or `[0-9A-Za-z_]` for
//! `\w`, `(?-u:\d)` or `[0-9]` for `\d`, `(?i-u)` for `(?i)`. That holds in every build, even
//! one where another crate links the regex crate's tables.
//!
//! Unknown keys anywhere are errors, with a "did you mean" where one is close.
//!
//! # Matching rules
//!
//! - The path is split on `/` as the client sent it, then each segment is percent-decoded: a
//!   decoded `%2F` stays inside its segment. Static segments are case-sensitive. A segment that
//!   decodes to invalid UTF-8 matches nothing.
//! - One trailing slash is not significant, in templates and in requests: `/events/` is
//!   `/events`. Empty segments (`//`) match nothing. A greedy parameter takes at least one
//!   segment.
//! - Precedence, per segment from left to right: **static > typed > `str` > `path`**. Among
//!   typed parameters at the same position the order is `int`, `uuid`, `bool`, regexes (in file
//!   order), `float`. A value that does not parse as its declared type does not match, and the
//!   next candidate is tried; when none matches, the answer is **404**.
//! - The first route in that order that matches the path *and* accepts the method answers. When
//!   routes match the path but none accepts the method, the answer is **405** with an `Allow`
//!   header listing the methods they accept. A GET route also answers HEAD, without a body.
//! - Two routes that would match the same requests with the same specificity and overlapping
//!   methods (`/a/{x}` and `/a/{y}`, or `/a` and `/a/`) are a build error, never resolved by
//!   order. Two *different* regexes at the same position are allowed and tried in file order:
//!   keep them disjoint.
//!
//! A lookup never tries the routes one by one: the table is a tree with one level per segment,
//! and each node of it is visited at most once per request.
//!
//! # Handlers and build-time checks
//!
//! A handler is a function or async function whose arguments are extractors ([`Request`],
//! [`Path<T>`], [`Query<T>`], [`Json<T>`], [`Form<T>`], [`State<T>`] for what the app shares,
//! [`Extension<T>`] for what middleware found) and whose result is anything [`IntoResponse`]. A handler taking
//! [`Path<T>`] states the parameters it expects: [`AppBuilder::build`] checks them against every
//! route that names the handler, and every `State<T>` against the values given with
//! [`AppBuilder::state`], with every other mistake, sorted by position:
//!
//! ```text
//! routes.toml:9:11: error: handler `get_articles` does not fit route `/articles/{author}/{year}`: its `Path` takes `year` as `str` but the routes file declares `int`
//!   |
//! 9 | handler = "get_articles"
//!   |           ^^^^^^^^^^^^^^
//! src/main.rs:31:10: note: handler registered here
//! ```
//!
//! # Middleware
//!
//! Hooks are registered by name like handlers ([`AppBuilder::before`], [`AppBuilder::after`],
//! [`AppBuilder::around`]) and listed in the file: `[app] middleware = ["require_api_key"]`
//! for every route, `middleware = [...]` on a route for its own, `skip_middleware = [...]` to
//! leave out one of the app's. A `before` hook can answer in the handler's place (a 401) or
//! leave a value for it ([`Extension`]); an `after` hook can change the response; an `around`
//! hook wraps the rest ([`Next`]). Names listed but not registered, registered but never listed,
//! or listed twice are build errors, located like every other. The [`middleware`] module has
//! the details and the order in which hooks run.
//!
//! # Errors and panics
//!
//! A request body larger than its route's `max_body` (512 KiB unless the file says otherwise)
//! is answered **413** before it is decoded or parsed: parsed into a `serde_json::Value`, the
//! worst body takes about 75 times its size in memory, and a Lambda function may have 128 MB.
//!
//! Responses default to status 200 and `Content-Type: application/json` (204, 304 and 1xx
//! answers have no body and no `Content-Type`). An [`HttpError`] answers its status with
//! `{"error_message": "..."}`; any other error, and a panic in a handler, answers 500 with
//! `{"error_message": "Internal server error."}`, plus the details only when `debug = true`.
//! Every error answer, minik's own 404s and 405s included, has that one shape, or RFC 9457's
//! with `[app] errors = "problem"`, or the app's own with [`AppBuilder::error_handler`]. A panicking handler does not stop the app; building with
//! `panic = "abort"` disables that recovery.
//!
//! No request input makes minik panic; routes files give diagnostics, never panics.
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `local` | yes | `invoke`, `serve` and `check` when the binary runs outside Lambda; a Lambda deployment can drop it (`default-features = false`) |
//! | `json-schema` | no | request bodies validated against the JSON Schema a route names; without it, naming one is a build error |
//! | `unicode` | no | Unicode classes in `{ regex = "..." }` patterns; without it, using one is a build error |
//! | `stream` | no | `[app] invoke_mode = "stream"`: responses streamed to Function URLs and REST APIs |
//! | `tower` | no | [`App`] as a `tower::Service` for `http::Request`s, to mount in axum or serve with hyper |
//!
//! Each off-by-default feature is code or data every cold start would otherwise load.
//!
//! # How minik is built
//!
//! In stages, each owning one job. `config` reads the routes file into declarations that keep
//! their place in the file; `spec` compiles them into a [`RouteTable`]: routes, `[app]`
//! settings, CORS policies, middleware chains, and every diagnostic the file alone can have;
//! `router` matches paths, methods and typed parameters and knows nothing else; `app` checks
//! the registered handlers against the table ([`AppBuilder::build`]) and answers requests
//! ([`App::call`]) with one router lookup each. Beside them, `event` has one module per event
//! format, which detects it, reads it into a [`Request`] and shapes the reply. The
//! repository's `ARCHITECTURE.md` says what crosses each boundary and where to add a source, a
//! parameter type or a routes-file key.

#![forbid(unsafe_code)]

mod app;
mod chunks;
mod config;
mod diagnostic;
mod error;
mod event;
pub mod extract;
mod handler;
#[cfg(any(feature = "local", feature = "stream"))]
mod lambda_stream;
#[cfg(feature = "local")]
mod local;
mod log_fields;
pub mod middleware;
mod openapi;
mod request;
mod response;
mod router;
mod runtime;
mod source;
mod spec;
pub mod stream;
mod test_client;

#[cfg(feature = "tower")]
pub use crate::app::ServiceBody;
pub use crate::app::{App, AppBuilder};
pub use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
pub use crate::error::{Error, FieldError, FieldLocation, HttpError, Result, RunError};
pub use crate::event::EventError;
pub use crate::extract::{Extension, Form, Path, Query, State};
pub use crate::handler::Handler;
pub use crate::middleware::Next;
pub use crate::request::Request;
pub use crate::response::{Body, IntoResponse, Json, Response};
pub use crate::router::{Allow, ParamType, ParamValue};
pub use crate::runtime::{IntoApp, run};
#[doc(hidden)]
pub use crate::runtime::{answer_invocation, init_subscriber};
pub use crate::source::Source;
pub use crate::spec::{Match, MatchError, Route, RouteTable};
pub use crate::test_client::{TestClient, TestRequest, TestResponse};
/// Cookies to set with [`Response::with_cookie`], from the `cookie` crate.
#[doc(no_inline)]
pub use cookie;
#[doc(no_inline)]
pub use http::{self, HeaderMap, Method, StatusCode};
/// `tracing` and `tracing_subscriber` (`minik::tracing::subscriber`), as the Lambda runtime
/// re-exports them, for logging from handlers and for apps that install their own subscriber.
pub use lambda_runtime::tracing;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
