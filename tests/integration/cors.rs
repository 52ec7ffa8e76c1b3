//! CORS from the routes file, checked against the browser's rules.

use minik::{App, Source};

const ROUTES: &str = r#"
[app.cors]
allow_origins = ["https://app.example"]
allow_headers = ["content-type", "x-token"]
expose_headers = ["x-request-id"]
max_age = 600

[[route]]
path = "/items"
methods = ["GET", "POST"]
handler = "items"

[[route]]
path = "/fail"
handler = "fail"

[[route]]
path = "/private"
methods = ["GET"]
handler = "items"
cors = false

[[route]]
path = "/public"
methods = ["GET"]
handler = "items"
cors = { allow_origins = ["*"] }

[[route]]
path = "/own-options"
methods = ["GET", "OPTIONS"]
handler = "own_options"
"#;

fn app() -> App {
    App::from_toml("cors.toml", ROUTES)
        .handler("items", || "[]")
        .handler("fail", || -> minik::Result<String> {
            Err(std::io::Error::other("down"))?
        })
        .handler("own_options", || "handled by the route")
        .build()
        .unwrap()
}

const ORIGIN: &str = "https://app.example";

#[tokio::test]
async fn allowed_origins_get_the_headers_and_others_do_not() {
    let app = app();
    for source in [
        Source::RestApi,
        Source::HttpApi,
        Source::Alb,
        Source::FunctionUrl,
    ] {
        let allowed = app
            .test()
            .get("/items")
            .header("origin", ORIGIN)
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(
            allowed.header("access-control-allow-origin"),
            Some(ORIGIN),
            "{source}"
        );
        assert_eq!(
            allowed.header("access-control-expose-headers"),
            Some("x-request-id"),
            "{source}"
        );
        assert_eq!(allowed.header("vary"), Some("Origin"), "{source}");
        let other = app
            .test()
            .get("/items")
            .header("origin", "https://evil.example")
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 200, "{source}");
        assert_eq!(
            other.header("access-control-allow-origin"),
            None,
            "{source}: an origin not allowed gets no ACAO"
        );
        let none = app
            .test()
            .get("/items")
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(none.header("access-control-allow-origin"), None, "{source}");
    }
}

#[tokio::test]
async fn errors_carry_the_cors_headers() {
    let app = app();
    for (method, path, status) in [
        ("GET", "/nowhere", 404),
        ("DELETE", "/items", 405),
        ("GET", "/fail", 500),
    ] {
        let method = method.parse().unwrap();
        let response = app
            .test()
            .request(method, path)
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(
            response.header("access-control-allow-origin"),
            Some(ORIGIN),
            "{path}"
        );
    }
}

#[tokio::test]
async fn preflight_requests_are_answered() {
    let app = app();
    let preflight = |path: &'static str, origin: &'static str| {
        app.test()
            .request(minik::Method::OPTIONS, path)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let ok = preflight("/items", ORIGIN).await.unwrap();
    assert_eq!(ok.status(), 204);
    assert_eq!(ok.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(ok.header("access-control-allow-methods"), Some("GET, POST"));
    assert_eq!(
        ok.header("access-control-allow-headers"),
        Some("content-type, x-token")
    );
    assert_eq!(ok.header("access-control-max-age"), Some("600"));
    assert!(ok.body().is_empty());

    let refused = preflight("/items", "https://evil.example").await.unwrap();
    assert_eq!(refused.header("access-control-allow-origin"), None);

    // `cors = false`: minik does not answer the preflight; the route has no OPTIONS: 405.
    let off = preflight("/private", ORIGIN).await.unwrap();
    assert_eq!(
        (
            off.status().as_u16(),
            off.header("access-control-allow-origin")
        ),
        (405, None)
    );

    // A route that lists OPTIONS answers its own preflight requests.
    let own = app
        .test()
        .request(minik::Method::OPTIONS, "/own-options")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(own.text(), "handled by the route");
}

#[tokio::test]
async fn any_origin_is_a_star_without_credentials() {
    let app = app();
    let response = app
        .test()
        .get("/public")
        .header("origin", "https://anyone.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        response.header("vary"),
        None,
        "the answer does not depend on the origin"
    );
}
