//! What the benchmarks race: the same routes and handlers written once with minik and once
//! with lambda_http + axum (as their documentation shows), and the same route set in matchit.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde_json::{Value, json};

/// Polls a future to completion on this thread with a no-op waker: the cheapest executor, the
/// same for every contender. The handlers here never wait, so it never spins.
pub fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// The routes of the per-event benchmark, in minik's format (axum's are the same, below).
pub const EVENT_ROUTES: &str = r#"
[[route]]
path = "/"
handler = "message"

[[route]]
path = "/my/path"
handler = "message"

[[route]]
path = "/hello/{name}"
handler = "hello"

[[route]]
path = "/events/{location}"
handler = "events"

[[route]]
path = "/events"
methods = ["POST", "PUT"]
handler = "post_events"

[[route]]
path = "/articles/{author}/{year}"
methods = ["GET"]
handler = "articles"
params = { year = "int" }

[[route]]
path = "/{rest+}"
handler = "rest"
"#;

pub mod minik_app {
    use minik::{App, Json, Path};
    use serde_json::{Value, json};

    fn message() -> Json<Value> {
        Json(json!({ "message": "hello", "ok": true }))
    }

    fn hello(Path(name): Path<String>) -> Json<Value> {
        Json(json!({ "hello": name }))
    }

    fn events(Path(_location): Path<String>) -> Json<Value> {
        Json(json!({ "data": ["granfondo MD", "Silver Spring Century"] }))
    }

    fn post_events(Json(_event): Json<Value>) -> Json<Value> {
        Json(json!({ "result": "complete" }))
    }

    fn articles(Path((author, year)): Path<(String, i64)>) -> Json<Value> {
        Json(json!({ "author_name": author, "year": year }))
    }

    fn rest(Path(rest): Path<String>) -> Json<Value> {
        Json(json!({ "path": rest }))
    }

    pub fn app() -> App {
        App::from_toml("bench.toml", super::EVENT_ROUTES)
            .handler("message", message)
            .handler("hello", hello)
            .handler("events", events)
            .handler("post_events", post_events)
            .handler("articles", articles)
            .handler("rest", rest)
            .build()
            .unwrap()
    }
}

pub mod axum_app {
    use axum::Json;
    use axum::Router;
    use axum::extract::Path;
    use axum::routing::{any, get, post};
    use serde_json::{Value, json};

    async fn message() -> Json<Value> {
        Json(json!({ "message": "hello", "ok": true }))
    }

    async fn hello(Path(name): Path<String>) -> Json<Value> {
        Json(json!({ "hello": name }))
    }

    async fn events(Path(_location): Path<String>) -> Json<Value> {
        Json(json!({ "data": ["granfondo MD", "Silver Spring Century"] }))
    }

    async fn post_events(Json(_event): Json<Value>) -> Json<Value> {
        Json(json!({ "result": "complete" }))
    }

    async fn articles(Path((author, year)): Path<(String, i64)>) -> Json<Value> {
        Json(json!({ "author_name": author, "year": year }))
    }

    async fn rest(Path(rest): Path<String>) -> Json<Value> {
        Json(json!({ "path": rest }))
    }

    pub fn router() -> Router {
        // lambda_http puts the REST API stage in front of the path unless told not to; minik
        // routes on the path the client sent. Ask lambda_http for the same.
        // SAFETY: set before any thread that reads the environment is started.
        unsafe { std::env::set_var("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true") };
        Router::new()
            .route("/", any(message))
            .route("/my/path", any(message))
            .route("/hello/{name}", any(hello))
            .route("/events/{location}", any(events))
            .route("/events", post(post_events).put(post_events))
            .route("/articles/{author}/{year}", get(articles))
            .route("/{*rest}", any(rest))
    }

    /// One event through lambda_http exactly as `lambda_http::run` does it: the event bytes
    /// parsed as `LambdaRequest`, the axum router called through lambda_http's adapter, the
    /// `LambdaResponse` serialized.
    pub fn respond(router: &Router, event: &[u8]) -> Vec<u8> {
        try_respond(router, event).expect("lambda_http parses the event")
    }

    /// As [`respond`], `None` for an event lambda_http does not read (VPC Lattice's) or
    /// panics on (the runtime would then fail the invocation).
    pub fn try_respond(router: &Router, event: &[u8]) -> Option<Vec<u8>> {
        use lambda_http::request::LambdaRequest;
        use lambda_http::{Adapter, LambdaEvent, Service};
        let request: LambdaRequest = serde_json::from_slice(event).ok()?;
        let mut adapter: Adapter<'_, _, Router> = Adapter::from(router.clone());
        let event = LambdaEvent::new(request, lambda_http::Context::default());
        let call = std::panic::AssertUnwindSafe(|| super::ready(adapter.call(event)));
        let response = std::panic::catch_unwind(call).ok()?.expect("axum answers");
        Some(serde_json::to_vec(&response).expect("the response serializes"))
    }
}

/// The three events of the per-event benchmark: REST v1, HTTP API v2 and ALB multi-value, all
/// written by AWS or lambda_http (see `tests/fixtures/events/README.md`).
pub fn events() -> Vec<(&'static str, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/events");
    [
        ("rest-v1", "aws_lambda_events/example-apigw-request.json"),
        (
            "http-api-v2",
            "aws_lambda_events/example-apigw-v2-request-iam.json",
        ),
        (
            "alb-multi-value",
            "lambda_http/alb_multi_value_request.json",
        ),
    ]
    .into_iter()
    .map(|(name, file)| {
        (
            name,
            std::fs::read(format!("{dir}/{file}")).expect("fixture"),
        )
    })
    .collect()
}

/// Every event of `tests/fixtures/events` (all sources, all sizes, HTTP or not), as
/// `(directory/file, bytes)`, in a stable order.
pub fn all_fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/events");
    let mut files = Vec::new();
    for sub in std::fs::read_dir(&dir).expect("the fixtures") {
        let sub = sub.expect("a directory entry").path();
        if !sub.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&sub).expect("a fixture directory") {
            let file = file.expect("a directory entry").path();
            if file.extension().is_some_and(|e| e == "json") {
                let name = format!(
                    "{}/{}",
                    sub.file_name().unwrap().to_string_lossy(),
                    file.file_name().unwrap().to_string_lossy()
                );
                files.push((name, std::fs::read(&file).expect("a fixture")));
            }
        }
    }
    files.sort();
    files
}

/// Installs the subscriber `minik::run` installs on Lambda (its format, `AWS_LAMBDA_LOG_FORMAT=JSON`
/// for Lambda's JSON logs, `INFO`), writing to nowhere: the run path is measured with the request
/// span enabled, as it is on Lambda.
pub fn install_run_subscriber() {
    minik::init_subscriber(std::io::sink);
}

/// The JSON body a handler gives for each event, to check every contender's reply.
pub fn expected_body(event: &str) -> Value {
    match event {
        "rest-v1" => json!({ "hello": "world" }),
        _ => json!({ "message": "hello", "ok": true }),
    }
}

/// `(method, path)` of every route of the GitHub API set, params written `:name`.
pub fn github_routes() -> Vec<(String, String)> {
    include_str!("../data/github_routes.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (method, path) = line.split_once(' ').expect("METHOD PATH");
            (method.to_owned(), path.trim().to_owned())
        })
        .collect()
}

/// Typed parameters of the GitHub set: ids and numbers are integers, so minik parses them.
fn github_param_type(name: &str) -> Option<&'static str> {
    matches!(name, "id" | "number").then_some("int")
}

/// The GitHub set as a minik routes file, one `[[route]]` per line.
pub fn github_routes_file() -> String {
    let mut file = String::new();
    for (i, (method, path)) in github_routes().iter().enumerate() {
        let mut params = Vec::new();
        let template: Vec<String> = path
            .split('/')
            .map(|segment| match segment.strip_prefix(':') {
                Some(name) => {
                    if let Some(ty) = github_param_type(name) {
                        params.push(format!("{name} = \"{ty}\""));
                    }
                    format!("{{{name}}}")
                }
                None => segment.to_owned(),
            })
            .collect();
        file.push_str(&format!(
            "[[route]]\npath = \"{}\"\nmethods = [\"{method}\"]\nhandler = \"h{i}\"\n",
            template.join("/")
        ));
        if !params.is_empty() {
            file.push_str(&format!("params = {{ {} }}\n", params.join(", ")));
        }
        file.push('\n');
    }
    file
}

/// A GitHub path (`:name` parameters) in the `{name}` syntax that minik, matchit and axum share.
fn braced(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        match segment.strip_prefix(':') {
            Some(name) => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
            None => out.push_str(segment),
        }
    }
    out
}

/// The GitHub set by path: each path's methods, in the order of the list.
pub fn github_paths() -> Vec<(String, Vec<String>)> {
    let mut order = Vec::new();
    let mut by_path: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for (method, path) in github_routes() {
        let path = braced(&path);
        by_path
            .entry(path.clone())
            .or_insert_with(|| {
                order.push(path);
                Vec::new()
            })
            .push(method);
    }
    order
        .into_iter()
        .map(|path| {
            let methods = by_path.remove(&path).unwrap();
            (path, methods)
        })
        .collect()
}

/// The GitHub set in matchit, as its documentation shows: the routes grouped by path in a
/// `HashMap`, then one `insert` per path, its value the methods the path accepts.
pub fn github_matchit() -> matchit::Router<Vec<String>> {
    let mut by_path: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for (method, path) in github_routes() {
        by_path.entry(braced(&path)).or_default().push(method);
    }
    let mut router = matchit::Router::new();
    for (path, methods) in by_path {
        router
            .insert(path, methods)
            .expect("matchit accepts the GitHub set");
    }
    router
}

/// The GitHub set as an axum `Router`, as axum's documentation shows: one `route` per path,
/// with a handler for each of its methods.
pub fn github_axum() -> axum::Router {
    use axum::routing::{MethodFilter, MethodRouter};
    async fn handler() {}
    let mut router = axum::Router::new();
    for (path, methods) in github_paths() {
        let mut on = MethodRouter::new();
        for method in methods {
            let method: axum::http::Method = method.parse().expect("a method");
            let filter = MethodFilter::try_from(method).expect("a method axum routes");
            on = on.on(filter, handler);
        }
        router = router.route(&path, on);
    }
    router
}

/// A request path for a route path: parameters filled in (`42` for the `int` ones).
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.strip_prefix('{') {
            Some(name) if github_param_type(name.trim_end_matches('}')).is_some() => "42".into(),
            Some(name) => format!("v-{}", name.trim_end_matches('}')),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Requests over every route of the GitHub set: a hit for every route; misses for every path,
/// its first segment changed and one segment added (those that no route takes); and a 405 for
/// every path, with a method it does not accept.
pub struct GithubRequests {
    pub hits: Vec<(String, String)>,
    pub misses: Vec<(String, String)>,
    pub not_allowed: Vec<(String, String)>,
}

pub fn github_requests() -> GithubRequests {
    let router = github_matchit();
    let paths = github_paths();
    let mut hits = Vec::new();
    let mut misses = Vec::new();
    let mut not_allowed = Vec::new();
    for (path, methods) in &paths {
        let request = concrete(path);
        for method in methods {
            hits.push((method.clone(), request.clone()));
        }
        let first_changed = match request.split_once('/').map(|(_, rest)| rest) {
            Some(rest) => format!("/x{rest}"),
            None => continue,
        };
        for miss in [first_changed, format!("{request}/extra")] {
            if router.at(&miss).is_err() {
                misses.push(("GET".to_owned(), miss));
            }
        }
        let other = ["GET", "POST", "PUT", "PATCH", "DELETE"]
            .into_iter()
            .find(|m| !methods.iter().any(|x| x == m));
        if let Some(method) = other {
            not_allowed.push((method.to_owned(), request));
        }
    }
    GithubRequests {
        hits,
        misses,
        not_allowed,
    }
}

/// Twenty requests over the GitHub set, from shallow to deep, static and with parameters.
pub const GITHUB_HITS: [(&str, &str); 20] = [
    ("GET", "/authorizations"),
    ("GET", "/authorizations/12345"),
    ("GET", "/user/repos"),
    ("GET", "/users/octocat"),
    ("GET", "/users/octocat/received_events/public"),
    ("GET", "/orgs/rust-lang/members/ibraheemdev"),
    ("GET", "/repos/rust-lang/rust"),
    ("GET", "/repos/rust-lang/rust/issues/42"),
    ("GET", "/repos/rust-lang/rust/issues/42/comments"),
    ("GET", "/repos/rust-lang/rust/pulls/9001/files"),
    (
        "GET",
        "/repos/rust-lang/rust/git/commits/7638417db6d59f3c431d3e1f261cc637155684cd",
    ),
    (
        "GET",
        "/repos/rust-lang/rust/commits/7638417db6d59f3c431d3e1f261cc637155684cd/comments",
    ),
    ("GET", "/repos/rust-lang/rust/stats/contributors"),
    ("GET", "/gists/777"),
    ("GET", "/gists/777/star"),
    ("GET", "/legacy/issues/search/rust-lang/rust/open/panic"),
    ("GET", "/search/repositories"),
    ("GET", "/notifications/threads/12"),
    ("GET", "/teams/99/repos/rust-lang/rust"),
    ("GET", "/user/following/octocat"),
];

/// Paths that no GitHub route matches, at several depths.
pub const GITHUB_MISSES: [(&str, &str); 10] = [
    ("GET", "/nowhere"),
    ("GET", "/users/octocat/repos/extra"),
    ("GET", "/users/octocat/unknown"),
    ("GET", "/repos/rust-lang"),
    ("GET", "/repos/rust-lang/rust/issues/42/unknown"),
    ("GET", "/repos/rust-lang/rust/unknown/deep/path"),
    ("GET", "/gists/777/unknown"),
    ("GET", "/authorizations/12345/x"),
    ("GET", "/search/unknown"),
    ("GET", "/orgs/rust-lang/members/a/b/c"),
];

/// A synthetic table of `n` routes: `n/4` resources of four routes each (list, item by `int`
/// id, sub-list, sub-item), sharing prefixes as real APIs do.
pub fn scaled_routes_file(n: usize) -> String {
    let mut file = String::new();
    for i in 0..n {
        let resource = i / 4;
        let (path, params) = match i % 4 {
            0 => (format!("/api/r{resource}"), ""),
            1 => (
                format!("/api/r{resource}/{{id}}"),
                "params = { id = \"int\" }\n",
            ),
            2 => (
                format!("/api/r{resource}/{{id}}/items"),
                "params = { id = \"int\" }\n",
            ),
            _ => (
                format!("/api/r{resource}/{{id}}/items/{{item}}"),
                "params = { id = \"int\" }\n",
            ),
        };
        file.push_str(&format!(
            "[[route]]\npath = \"{path}\"\nmethods = [\"GET\"]\nhandler = \"h\"\n{params}\n"
        ));
    }
    file
}
