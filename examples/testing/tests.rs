//! The orders API's tests. `app.test()` turns each request into the event its source would
//! send and answers it through the same code as on Lambda (`App::respond`): no server, no
//! AWS account, no event written by hand.

use minik::{App, Source};
use serde_json::{Value, json};

use crate::app::{self, NewOrder, Order};

/// The HTTP sources of a Lambda function; the test client writes the events of each.
const SOURCES: [Source; 4] = [
    Source::RestApi,
    Source::HttpApi,
    Source::Alb,
    Source::FunctionUrl,
];

fn test_app() -> App {
    app::app().build().unwrap()
}

#[test]
fn routes_and_handlers_agree() {
    // A handler name the routes file does not know, a handler no route uses, a `Path` type
    // that disagrees with the file: build errors, every one printed with file and line.
    app::app().build().unwrap();
}

#[tokio::test]
async fn every_source_gets_the_same_answer() {
    let app = test_app();
    for source in SOURCES {
        let response = app
            .test()
            .get("/orders/1")
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{source}");
        assert_eq!(
            response.header("content-type"),
            Some("application/json"),
            "{source}"
        );
        let order: Order = response.json().unwrap();
        let tea = Order {
            id: 1,
            item: "tea".to_owned(),
            quantity: 2,
        };
        assert_eq!(order, tea, "{source}");
    }
}

#[tokio::test]
async fn a_json_body_in_and_out() {
    let app = test_app();
    let cake = NewOrder {
        item: "cake".to_owned(),
        quantity: 3,
    };
    // `.json(..)` serializes the body and sets `Content-Type: application/json`.
    let response = app.test().post("/orders").json(&cake).send().await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.header("location"), Some("/orders/3"));
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({ "id": 3, "item": "cake", "quantity": 3 })
    );
}

#[tokio::test]
async fn bad_requests_are_400s() {
    let app = test_app();
    // The handler's own 400, with its message.
    let response = app
        .test()
        .post("/orders")
        .json(&json!({ "item": "cake", "quantity": 0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({ "error_message": "Order at least one." })
    );
    // minik's 400: a body that is not JSON never reaches the handler.
    let response = app
        .test()
        .post("/orders")
        .header("content-type", "application/json")
        .body(r#"{"item": "cake""#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // minik's 422: a body that does not fit the route's schema, every field named.
    let response = app
        .test()
        .post("/orders")
        .json(&json!({ "item": "", "quantity": 1000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let errors = response.json::<Value>().unwrap()["errors"].take();
    let mut fields: Vec<&str> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["name"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["/item", "/quantity"], "{errors}");
}

#[tokio::test]
async fn query_parameters_are_typed_and_checked() {
    let app = test_app();
    for source in SOURCES {
        let response = app
            .test()
            .get("/orders?item=tea&limit=5")
            .source(source)
            .send()
            .await
            .unwrap();
        let orders: Vec<Order> = response
            .json()
            .unwrap_or_else(|_| panic!("{source}: {}", response.text()));
        assert_eq!(orders.len(), 1, "{source}");
        assert_eq!(orders[0].item, "tea");
        let all = app
            .test()
            .get("/orders")
            .source(source)
            .send()
            .await
            .unwrap();
        let all: Vec<Order> = all
            .json()
            .unwrap_or_else(|_| panic!("{source}: {}", all.text()));
        assert_eq!(all.len(), 2);
        let response = app
            .test()
            .get("/orders?limit=many")
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let error = response.json::<Value>().unwrap()["errors"][0].take();
        assert_eq!(
            error,
            json!({ "in": "query", "name": "limit", "message": "expected an integer, got `many`" })
        );
    }
}

#[tokio::test]
async fn a_parameter_that_does_not_parse_is_a_404() {
    let app = test_app();
    // `id` is declared `int`: `/orders/latest` matches no route, so minik answers 404 (never
    // a 400, and the handler is not called).
    let response = app.test().get("/orders/latest").send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({ "error_message": "Not Found" })
    );
    // An `int` the handler's `u32` cannot hold: a 404 from minik as well.
    let response = app.test().get("/orders/-1").send().await.unwrap();
    assert_eq!(response.status(), 404);
    // An id that parses but names no order: the handler's own 404.
    let response = app.test().get("/orders/99").send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({ "error_message": "No order 99." })
    );
}

#[tokio::test]
async fn headers_in_and_out() {
    let app = test_app();
    for source in SOURCES {
        let response = app
            .test()
            .get("/me")
            .header("authorization", "Bearer ada")
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{source}");
        assert_eq!(
            response.json::<Value>().unwrap(),
            json!({ "user": "ada", "via": source.name() })
        );
    }
    let response = app.test().get("/me").send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn what_the_source_receives() {
    let app = test_app();
    // A method the routes do not list: 405, with `Allow` (a GET route answers HEAD too).
    let response = app
        .test()
        .delete("/orders/1")
        .source(Source::Alb)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.header("allow"), Some("GET, HEAD"));
    // `reply()` is the payload Lambda hands back to the source, for what a test of the
    // response alone cannot see: here the status line an ALB needs.
    assert_eq!(
        response.reply()["statusDescription"],
        "405 Method Not Allowed"
    );
}

#[tokio::test]
async fn cookies_reach_the_browser_on_every_source() {
    let app = test_app();
    for source in SOURCES {
        let response = app
            .test()
            .post("/login")
            .source(source)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{source}");
        let cookies: Vec<&str> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|value| value.to_str().unwrap())
            .collect();
        if source == Source::Alb {
            // A new ALB target group sends one value per header: only the last cookie.
            // Turn multi-value headers on for the target group (and test it that way, below).
            assert_eq!(cookies, ["theme=dark"]);
        } else {
            assert_eq!(
                cookies,
                [
                    "session=s3cr3t; HttpOnly; SameSite=Lax; Secure; Path=/",
                    "theme=dark"
                ],
                "{source}"
            );
        }
    }
    let alb = app
        .test()
        .post("/login")
        .source(Source::Alb)
        .multi_value(true);
    let response = alb.send().await.unwrap();
    assert_eq!(response.headers().get_all("set-cookie").iter().count(), 2);
}
