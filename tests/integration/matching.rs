//! Table-driven tests of matching: precedence, typed parameters, 404 vs 405, trailing slashes,
//! percent-decoding and HEAD.

use minik::{MatchError, Method, RouteTable};

const ROUTES: &str = include_str!("../fixtures/routes/valid/matching.toml");

enum Expect {
    /// The handler and the parameters, each as `name=Debug of the value`.
    Route(&'static str, &'static [&'static str]),
    NotFound,
    /// The `Allow` list.
    NotAllowed(&'static str),
}
use Expect::*;

const CASES: &[(&str, &str, Expect)] = &[
    // Methods on one path, 405 with every method the path accepts.
    ("GET", "/events", Route("list_events", &[])),
    ("POST", "/events", Route("post_event", &[])),
    ("PUT", "/events", Route("post_event", &[])),
    ("DELETE", "/events", NotAllowed("GET, HEAD, POST, PUT")),
    // Trailing slash is not significant; empty segments match nothing.
    ("GET", "/events/", Route("list_events", &[])),
    ("GET", "/events//", NotFound),
    ("GET", "//events", NotFound),
    ("GET", "/events//today", NotFound),
    // Static beats a parameter; static is case-sensitive.
    ("GET", "/events/today", Route("events_today", &[])),
    (
        "GET",
        "/events/Today",
        Route("events_at", &["location=Str(\"Today\")"]),
    ),
    // A route without `methods` takes any method, even one minik does not know.
    (
        "POST",
        "/events/today",
        Route("events_at", &["location=Str(\"today\")"]),
    ),
    (
        "PROPFIND",
        "/events/home",
        Route("events_at", &["location=Str(\"home\")"]),
    ),
    // Typed parameters in precedence order: int, uuid, bool, regex, float, then str, then path.
    ("GET", "/items/42", Route("item_by_int", &["id=Int(42)"])),
    ("GET", "/items/-7", Route("item_by_int", &["id=Int(-7)"])),
    (
        "GET",
        "/items/67E55044-10b1-426f-9247-bb680e5fe0c8",
        Route(
            "item_by_uuid",
            &["uid=Uuid(67e55044-10b1-426f-9247-bb680e5fe0c8)"],
        ),
    ),
    (
        "GET",
        "/items/true",
        Route("item_by_bool", &["flag=Bool(true)"]),
    ),
    (
        "GET",
        "/items/ABC",
        Route("item_by_code", &["code=Str(\"ABC\")"]),
    ),
    (
        "GET",
        "/items/4.5",
        Route("item_by_float", &["x=Float(4.5)"]),
    ),
    (
        "GET",
        "/items/1e3",
        Route("item_by_float", &["x=Float(1000.0)"]),
    ),
    // Too big for an i64, still a finite f64.
    (
        "GET",
        "/items/9223372036854775808",
        Route("item_by_float", &["x=Float(9.223372036854776e18)"]),
    ),
    (
        "GET",
        "/items/inf",
        Route("item_by_name", &["name=Str(\"inf\")"]),
    ),
    (
        "GET",
        "/items/ABCD",
        Route("item_by_name", &["name=Str(\"ABCD\")"]),
    ),
    (
        "GET",
        "/items/a/b",
        Route("item_rest", &["rest=Path(\"a/b\")"]),
    ),
    // Percent-decoding happens per segment, before matching.
    (
        "GET",
        "/items/%34%32",
        Route("item_by_int", &["id=Int(42)"]),
    ),
    (
        "GET",
        "/items/%41BC",
        Route("item_by_code", &["code=Str(\"ABC\")"]),
    ),
    (
        "GET",
        "/items/hello%20world",
        Route("item_by_name", &["name=Str(\"hello world\")"]),
    ),
    (
        "GET",
        "/items/a%2Fb",
        Route("item_by_name", &["name=Str(\"a/b\")"]),
    ),
    (
        "GET",
        "/files/a%2Fb/c%20d",
        Route("get_file", &["key=Path(\"a/b/c d\")"]),
    ),
    // A decoded segment taken by `{name}`, given up, then decoded again by `{rest+}`.
    (
        "GET",
        "/items/a%20b/c",
        Route("item_rest", &["rest=Path(\"a b/c\")"]),
    ),
    ("GET", "/items/%FF", NotFound),
    (
        "GET",
        "/items/%zz",
        Route("item_by_name", &["name=Str(\"%zz\")"]),
    ),
    // A greedy parameter takes one segment at least, and no empty one.
    ("GET", "/files", NotFound),
    ("GET", "/files/", NotFound),
    ("GET", "/files/a//b", NotFound),
    (
        "GET",
        "/files/a/b/",
        Route("get_file", &["key=Path(\"a/b\")"]),
    ),
    // A typed parameter that does not parse is a 404 (minik's rule).
    (
        "GET",
        "/articles/ada/1843",
        Route("get_articles", &["author=Str(\"ada\")", "year=Int(1843)"]),
    ),
    ("GET", "/articles/ada/recent", NotFound),
    ("POST", "/articles/ada/1843", NotAllowed("GET, HEAD")),
    // HEAD: an explicit HEAD route first, else the GET route.
    ("HEAD", "/heads", Route("explicit_head", &[])),
    ("GET", "/heads", Route("heads_get", &[])),
    ("HEAD", "/users/me", Route("me", &[])),
    // The first route that takes the method answers, in precedence order.
    (
        "DELETE",
        "/users/me",
        Route("delete_user", &["id=Str(\"me\")"]),
    ),
    ("POST", "/users/me", NotAllowed("GET, HEAD, DELETE")),
    // Backtracking: a static segment that leads nowhere gives way to a parameter.
    ("GET", "/a/b/c", Route("aby", &["y=Str(\"c\")"])),
    ("GET", "/a/z/c", Route("axc", &["x=Str(\"z\")"])),
    ("GET", "/a/b/c/d", Route("axcd", &["x=Str(\"b\")"])),
    // The root, and paths that are not paths.
    ("GET", "/", Route("root", &[])),
    ("GET", "", NotFound),
    ("GET", "events", NotFound),
    ("GET", "/nowhere", NotFound),
];

#[test]
fn requests_match_as_documented() {
    let table = RouteTable::from_toml("matching.toml", ROUTES).unwrap();
    let mut failures = Vec::new();
    for (method, path, expected) in CASES {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let found = table.at(&method, path);
        let ok = match (&found, expected) {
            (Ok(found), Route(handler, params)) => {
                let got: Vec<String> = found.params().map(|(n, v)| format!("{n}={v:?}")).collect();
                found.route().handler() == *handler && got == *params
            }
            (Err(MatchError::NotFound), NotFound) => true,
            (Err(MatchError::MethodNotAllowed { allow }), NotAllowed(list)) => {
                allow.to_string() == *list
            }
            _ => false,
        };
        if !ok {
            let got = found.map(|m| {
                (
                    m.route().handler().to_owned(),
                    m.params()
                        .map(|(n, v)| format!("{n}={v:?}"))
                        .collect::<Vec<_>>(),
                )
            });
            failures.push(format!("{method} {path}: got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn routes_are_listed_in_precedence_order() {
    let table = RouteTable::from_toml("matching.toml", ROUTES).unwrap();
    let items: Vec<&str> = table
        .routes()
        .map(|r| r.handler())
        .filter(|h| h.starts_with("item"))
        .collect();
    assert_eq!(
        items,
        [
            "item_by_int",
            "item_by_uuid",
            "item_by_bool",
            "item_by_code",
            "item_by_float",
            "item_by_name",
            "item_rest"
        ]
    );
    let listing: Vec<String> = table.routes().map(|r| r.to_string()).collect();
    let articles = listing
        .iter()
        .find(|line| line.contains("get_articles"))
        .unwrap();
    assert_eq!(
        articles,
        "GET,HEAD     /articles/{author}/{year}                -> get_articles  (author: str, year: int)"
    );
}

#[test]
fn a_route_declared_with_a_trailing_slash_matches_without_it() {
    let table =
        RouteTable::from_toml("r.toml", "[[route]]\npath = \"/events/\"\nhandler = \"e\"").unwrap();
    assert!(table.at(&Method::GET, "/events").is_ok());
    assert!(table.at(&Method::GET, "/events/").is_ok());
}
