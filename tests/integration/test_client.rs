//! The test client: one line per request, any source, answered through the real event path.

use minik::http::{HeaderValue, header};
use minik::{App, Json, Request, Response, Source};
use serde_json::{Value, json};

use crate::quickstart_app as quickstart;

const SOURCES: [Source; 4] = [
    Source::RestApi,
    Source::HttpApi,
    Source::Alb,
    Source::FunctionUrl,
];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

#[test]
fn the_quickstart_answers_the_same_through_every_source() {
    let app = quickstart::app().build().unwrap();
    runtime().block_on(async {
        for source in SOURCES {
            let client = app.test();
            let hello = client
                .get("/hello/caf%C3%A9")
                .source(source)
                .send()
                .await
                .unwrap();
            assert_eq!(hello.status(), 200, "{source}");
            assert_eq!(
                hello.json::<Value>().unwrap(),
                json!({ "hello": "café" }),
                "{source}"
            );
            assert_eq!(hello.header("x-service"), Some("minik-example"), "{source}");

            let posted = client
                .post("/events")
                .json(&json!({ "name": "granfondo MD" }))
                .source(source)
                .send()
                .await
                .unwrap();
            assert_eq!(
                posted.json::<Value>().unwrap(),
                json!({ "result": "complete" }),
                "{source}"
            );

            let refused = client
                .delete("/greetings")
                .source(source)
                .send()
                .await
                .unwrap();
            assert_eq!(
                (refused.status().as_u16(), refused.header("allow")),
                (405, Some("GET, HEAD")),
                "{source}"
            );

            let head = client
                .head("/greetings")
                .source(source)
                .send()
                .await
                .unwrap();
            assert_eq!(
                (head.status().as_u16(), head.body().len()),
                (200, 0),
                "{source}"
            );

            // The reply is the source's own payload.
            let shaped = match source {
                Source::RestApi => "multiValueHeaders",
                Source::Alb => "statusDescription",
                _ => "cookies",
            };
            assert!(
                hello.reply().get(shaped).is_some(),
                "{source}: {}",
                hello.reply()
            );
        }
    });
}

#[test]
fn headers_query_cookies_and_binary_bodies_round_trip() {
    let app = App::from_toml("r.toml", "[[route]]\npath = \"/echo\"\nhandler = \"echo\"")
        .handler("echo", |request: Request| {
            let seen = json!({
                "q": request.query_all("q").collect::<Vec<_>>(),
                "token": request.header("x-token"),
                "session": request.cookie("session"),
                "body": request.body().len(),
            });
            let mut response = Json(seen).into_response_with_cookies();
            if request.query("binary").is_some() {
                response = minik::IntoResponse::into_response(vec![0u8, 255, 7]);
            }
            response
        })
        .build()
        .unwrap();
    runtime().block_on(async {
        for source in SOURCES {
            let response = app
                .test()
                .post("/echo?q=a&q=b%20c")
                .header("x-token", "t1")
                .header("cookie", "session=s1; theme=dark")
                .body(vec![1, 2, 3, 255])
                .source(source)
                .send()
                .await
                .unwrap();
            let seen: Value = response.json().unwrap();
            // An ALB in single-value mode passes one value of a repeated key: the last.
            let q = if source == Source::Alb {
                json!(["b c"])
            } else {
                json!(["a", "b c"])
            };
            assert_eq!(
                seen,
                json!({ "q": q, "token": "t1", "session": "s1", "body": 4 }),
                "{source}"
            );
            let cookies: Vec<&str> = response
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect();
            // An ALB in single-value mode carries one Set-Cookie: the last.
            let expected: &[&str] = if source == Source::Alb {
                &["b=2"]
            } else {
                &["a=1", "b=2"]
            };
            assert_eq!(cookies, expected, "{source}");
            let binary = app
                .test()
                .get("/echo?binary=1")
                .source(source)
                .send()
                .await
                .unwrap();
            assert_eq!(binary.body(), [0, 255, 7], "{source}");
        }
    });
}

trait WithCookies {
    fn into_response_with_cookies(self) -> Response;
}

impl WithCookies for Json<Value> {
    fn into_response_with_cookies(self) -> Response {
        let mut response = minik::IntoResponse::into_response(self);
        response
            .headers_mut()
            .append(header::SET_COOKIE, HeaderValue::from_static("a=1"));
        response
            .headers_mut()
            .append(header::SET_COOKIE, HeaderValue::from_static("b=2"));
        response
    }
}
