//! The quickstart example answers each of its shipped events, for every source, as the
//! minik documentation says.

use serde_json::{Value, json};

use crate::quickstart_app as app;

/// `(event name, status, body check)`: the body as JSON, or a fragment of text.
fn expected(name: &str) -> (u16, Result<Value, &'static str>) {
    match name {
        "hello" => (200, Ok(json!({ "hello": "ada" }))),
        "hello-findme" => (
            400,
            Ok(json!({ "error_message": "This is not a supported name." })),
        ),
        "events-location" => (
            200,
            Ok(json!({ "data": ["granfondo MD", "Silver Spring Century"] })),
        ),
        "post-events" => (200, Ok(json!({ "result": "complete" }))),
        "articles" => (200, Ok(json!({ "author_name": "ada", "year": 1843 }))),
        "articles-not-an-int" => (404, Ok(json!({ "error_message": "Not Found" }))),
        "articles-html" => (200, Err("<h1>ada</h1>")),
        "greetings" => (200, Err("<h1>Hello World</h1>")),
        "greetings-delete" => (405, Ok(json!({ "error_message": "Method Not Allowed" }))),
        "fail" | "panic" => (
            500,
            Ok(json!({ "error_message": "Internal server error." })),
        ),
        other => panic!("no expectation for quickstart event {other}"),
    }
}

#[test]
fn every_shipped_event_gets_the_documented_answer() {
    let app = app::app().build().unwrap();
    let replies = crate::examples::replies(&app, "quickstart");
    assert_eq!(replies.len(), 44, "11 requests for each of 4 sources");
    for (source, name, reply) in replies {
        let stem = format!("{source}-{name}");
        let name = name.as_str();
        let (status, body) = expected(name);
        assert_eq!(reply["statusCode"], status, "{stem}: {reply}");
        let text = reply["body"].as_str().unwrap();
        match body {
            Ok(json) => assert_eq!(serde_json::from_str::<Value>(text).unwrap(), json, "{stem}"),
            Err(fragment) => assert!(text.contains(fragment), "{stem}: {text}"),
        }
        let header = |name: &str| {
            let single = &reply["headers"][name];
            let multi = &reply["multiValueHeaders"][name][0];
            single.as_str().or(multi.as_str()).map(str::to_owned)
        };
        assert_eq!(
            header("x-service").as_deref(),
            Some("minik-example"),
            "{stem}: [app.headers]"
        );
        if name == "articles-html" {
            assert_eq!(
                header("content-type").as_deref(),
                Some("text/html"),
                "{stem}"
            );
            assert_eq!(
                header("access-control-allow-origin").as_deref(),
                Some("*"),
                "{stem}"
            );
        }
        if name == "greetings-delete" {
            assert_eq!(header("allow").as_deref(), Some("GET, HEAD"), "{stem}");
        }
        let expected_source = match source.as_str() {
            "rest" => reply.get("multiValueHeaders").is_some(),
            "http" | "url" => reply.get("cookies").is_some(),
            "alb" => reply.get("statusDescription").is_some(),
            other => panic!("unknown source {other}"),
        };
        assert!(
            expected_source,
            "{stem}: reply not shaped for {source}: {reply}"
        );
    }
}
