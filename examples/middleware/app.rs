//! The handlers and hooks of the middleware example, bound by name to `routes.toml`.
//!
//! A module of its own so that the tests can build the same app (`tests/integration`).

use std::time::Instant;

use minik::http::{HeaderName, HeaderValue, header};
use minik::{App, AppBuilder, Extension, HttpError, Json, Next, Path, Request, Response};
use serde_json::{Value, json};

/// Who called, as `require_api_key` found out; handlers take it as `Extension<Caller>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    pub(crate) name: &'static str,
    pub(crate) admin: bool,
}

/// The keys this example knows. A real app would look them up (Secrets Manager, DynamoDB): a
/// `before` hook may be async.
fn caller_of(key: &str) -> Option<Caller> {
    match key {
        "ada-key" => Some(Caller {
            name: "ada",
            admin: true,
        }),
        "bob-key" => Some(Caller {
            name: "bob",
            admin: false,
        }),
        _ => None,
    }
}

/// `before`, every route but `/health`: a 401 without a known `x-api-key`, otherwise the
/// caller is left in the request for the handler.
pub(crate) async fn require_api_key(mut request: Request) -> Result<Request, HttpError> {
    let caller = request.header("x-api-key").and_then(caller_of);
    let Some(caller) = caller else {
        return Err(HttpError::unauthorized(
            "A valid x-api-key header is required.",
        ));
    };
    request.extensions_mut().insert(caller);
    Ok(request)
}

/// `before`, the admin routes: listed after the app's hooks, so the caller is known.
pub(crate) fn require_admin(request: Request) -> Result<Request, HttpError> {
    match request.extensions().get::<Caller>() {
        Some(caller) if caller.admin => Ok(request),
        _ => Err(HttpError::forbidden("This needs an admin key.")),
    }
}

/// `after`, every route: listed first, so it also sees the 401s and 403s of the hooks after it.
pub(crate) fn security_headers(response: Response) -> Response {
    response
        .with_header(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        )
        .with_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
}

/// `around`, the admin routes: how long the rest took, in a `Server-Timing` header.
pub(crate) async fn server_timing(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    let timing = format!("app;dur={:.3}", started.elapsed().as_secs_f64() * 1000.0);
    match HeaderValue::from_str(&timing) {
        Ok(value) => response.with_header(HeaderName::from_static("server-timing"), value),
        Err(_) => response,
    }
}

/// `GET /health`.
pub(crate) fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /me`: the caller `require_api_key` found.
pub(crate) fn me(Extension(caller): Extension<Caller>) -> Json<Value> {
    Json(json!({ "name": caller.name, "admin": caller.admin }))
}

/// `POST /admin/{action}`.
pub(crate) fn admin(
    Path(action): Path<String>,
    Extension(caller): Extension<Caller>,
) -> Json<Value> {
    Json(json!({ "action": action, "by": caller.name, "result": "started" }))
}

/// The app: the routes file, embedded, and every handler and hook by name.
pub(crate) fn app() -> AppBuilder {
    App::from_toml("routes.toml", include_str!("routes.toml"))
        .handler("health", health)
        .handler("me", me)
        .handler("admin", admin)
        .before("require_api_key", require_api_key)
        .before("require_admin", require_admin)
        .after("security_headers", security_headers)
        .around("server_timing", server_timing)
}
