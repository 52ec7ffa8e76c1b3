//! The contract beyond the path (issue 15): typed query parameters, request bodies and their
//! JSON Schemas, and parameter types registered by name; checked against the handlers when the
//! app is built, and against each request through the real event path.

use minik::{
    App, AppBuilder, DiagnosticKind, Form, HttpError, Json, Path, Query, Request, RouteTable,
    Source,
};
use serde::Deserialize;
use serde_json::{Value, json};

/// The routes file of `tests/fixtures/routes/valid/`, whose schema paths are relative to it.
const FILE: &str = "tests/fixtures/routes/valid/contract.toml";

#[derive(Debug, Deserialize)]
struct ListTodos {
    limit: i64,
    done: Option<bool>,
    q: String,
    tag: Vec<String>,
    after: Option<uuid::Uuid>,
    sort: Option<String>,
}

fn list_todos(Query(query): Query<ListTodos>) -> Json<Value> {
    Json(json!({
        "limit": query.limit,
        "done": query.done,
        "q": query.q,
        "tag": query.tag,
        "after": query.after,
        "sort": query.sort,
    }))
}

#[derive(Debug, Deserialize)]
struct NewTodo {
    title: String,
    done: Option<bool>,
}

fn create_todo(Json(todo): Json<NewTodo>) -> Json<Value> {
    Json(json!({ "title": todo.title, "done": todo.done.unwrap_or(false) }))
}

#[derive(Debug, Deserialize)]
struct Signup {
    email: String,
}

fn is_slug(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn app() -> AppBuilder {
    App::from_file(FILE)
        .param_type("slug", is_slug)
        .handler("list_todos", list_todos)
        .handler("create_todo", create_todo)
        .handler(
            "replace_todo",
            |Path(slug): Path<String>, Json(body): Json<Value>| {
                Json(json!({ "slug": slug, "body": body }))
            },
        )
        .handler("signup", |Form(signup): Form<Signup>| signup.email)
        .handler("put_note", |request: Request| {
            request.text().map(str::to_owned)
        })
        .handler("put_avatar", |request: Request| {
            request.body().len().to_string()
        })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

const SOURCES: [Source; 3] = [Source::RestApi, Source::HttpApi, Source::Alb];

#[test]
fn declared_query_parameters_are_typed_on_every_source() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        let path = "/todos?q=caf%C3%A9+cr%C3%A8me&tag=a&tag=b%2Fc&done=true&extra=1";
        for source in SOURCES {
            for multi in [false, true] {
                let reply = app.test().get(path).source(source).multi_value(multi).send().await.unwrap();
                let body: Value = reply.json().unwrap();
                // ALB in single-value mode keeps the last value of a repeated name.
                let tags = if source == Source::Alb && !multi { json!(["b/c"]) } else { json!(["a", "b/c"]) };
                assert_eq!(
                    body,
                    json!({ "limit": 20, "done": true, "q": "café crème", "tag": tags, "after": null, "sort": null }),
                    "{source} {multi}"
                );
            }
        }
    });
}

#[test]
fn undeclared_query_parameters_are_left_to_request_query() {
    #[derive(Deserialize)]
    struct Limit {
        limit: i64,
    }
    let routes = "[[route]]\npath = \"/items\"\nhandler = \"items\"\nquery = { limit = { type = \"int\", default = 5 } }\n";
    let app = App::from_toml("items.toml", routes)
        .handler("items", |Query(query): Query<Limit>, request: Request| {
            Json(json!({ "limit": query.limit, "extra": request.query("extra") }))
        })
        .build()
        .unwrap();
    runtime().block_on(async {
        for source in SOURCES {
            let reply = app
                .test()
                .get("/items?extra=a%20b&limit=3")
                .source(source)
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 200, "{source}");
            assert_eq!(
                reply.json::<Value>().unwrap(),
                json!({ "limit": 3, "extra": "a b" }),
                "{source}"
            );
        }
    });
}

#[test]
fn every_query_parameter_that_does_not_fit_is_named_in_one_400() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        let path = "/todos?limit=ten&done=maybe&after=not-a-uuid&sort=colour&tag=ok";
        for source in SOURCES {
            let reply = app.test().get(path).source(source).send().await.unwrap();
            assert_eq!(reply.status(), 400, "{source}");
            assert_eq!(
                reply.header("content-type"),
                Some("application/problem+json")
            );
            let body: Value = reply.json().unwrap();
            assert_eq!(body["detail"], "5 query parameters are invalid");
            let named: Vec<&str> = body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["name"].as_str().unwrap())
                .collect();
            assert_eq!(named, ["limit", "done", "q", "after", "sort"], "{source}");
            assert_eq!(
                body["errors"][2],
                json!({ "in": "query", "name": "q", "message": "a required parameter is missing" })
            );
            assert_eq!(
                body["errors"][0]["message"],
                "expected an integer, got `ten`"
            );
        }
    });
}

#[test]
fn bodies_are_checked_against_their_declaration() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        for source in SOURCES {
            let post = || app.test().post("/todos").source(source);
            let created = post()
                .json(&json!({ "title": "milk", "done": true }))
                .send()
                .await
                .unwrap();
            assert_eq!(
                (
                    created.status().as_u16(),
                    created.json::<Value>().unwrap()["title"].clone()
                ),
                (200, json!("milk"))
            );

            let missing = post().send().await.unwrap();
            assert_eq!(missing.status(), 400, "{source}");
            assert_eq!(
                missing.json::<Value>().unwrap()["detail"],
                "a request body is required"
            );

            let form = post()
                .body("title=milk")
                .header("content-type", "application/x-www-form-urlencoded");
            let form = form.send().await.unwrap();
            assert_eq!(form.status(), 415, "{source}");

            let invalid = json!({ "title": "", "priority": 9, "colour": "red" });
            let invalid = post().json(&invalid).send().await.unwrap();
            assert_eq!(invalid.status(), 422, "{source}");
            let body: Value = invalid.json().unwrap();
            let mut pointers: Vec<&str> = body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    assert_eq!(e["in"], "body");
                    e["name"].as_str().unwrap()
                })
                .collect();
            pointers.sort_unstable();
            assert_eq!(pointers, ["", "/priority", "/title"], "{body}");

            let signup = app
                .test()
                .post("/signup")
                .source(source)
                .body("email=ada%40example.com");
            let signup = signup.header("content-type", "application/x-www-form-urlencoded");
            assert_eq!(signup.send().await.unwrap().text(), "ada@example.com");
            let json_signup = app
                .test()
                .post("/signup")
                .source(source)
                .json(&json!({ "email": "x" }));
            assert_eq!(json_signup.send().await.unwrap().status(), 415);

            let note = app
                .test()
                .put("/notes/1")
                .source(source)
                .body("remember")
                .header("content-type", "text/plain; charset=utf-8");
            assert_eq!(note.send().await.unwrap().text(), "remember");
            let avatar = app
                .test()
                .put("/avatars/67e55044-10b1-426f-9247-bb680e5fe0c8")
                .source(source);
            let avatar = avatar
                .body(vec![0xff_u8, 0xd8, 0xff])
                .header("content-type", "image/jpeg");
            assert_eq!(avatar.send().await.unwrap().text(), "3");
        }
    });
}

#[test]
fn a_route_s_max_body_overrides_the_app_s_in_either_direction() {
    let routes = r#"[app]
max_body = "1KB"

[[route]]
path = "/upload"
methods = ["POST"]
handler = "size"
max_body = "4KB"

[[route]]
path = "/note"
methods = ["POST"]
handler = "size"
max_body = "100B"

[[route]]
path = "/other"
methods = ["POST"]
handler = "size"
"#;
    let app = App::from_toml("sizes.toml", routes)
        .handler("size", |request: Request| request.body().len().to_string())
        .build()
        .unwrap();
    runtime().block_on(async {
        for source in SOURCES {
            for (path, len, status) in [
                ("/upload", 2048, 200),
                ("/upload", 4097, 413),
                ("/other", 1024, 200),
                ("/other", 2048, 413),
                ("/note", 100, 200),
                ("/note", 101, 413),
            ] {
                // Binary bodies travel base64-encoded in the event; text ones as they are.
                for body in [vec![b'x'; len], vec![0xff; len]] {
                    let reply = app
                        .test()
                        .post(path)
                        .body(body)
                        .source(source)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(reply.status(), status, "{source} {path} {len}");
                    if status == 200 {
                        assert_eq!(reply.text(), len.to_string());
                    } else {
                        let error: Value = reply.json().unwrap();
                        assert!(error["error_message"].as_str().is_some(), "{error}");
                    }
                }
            }
        }
    });
}

#[test]
fn registered_types_match_path_segments() {
    let app = app().build().unwrap();
    runtime().block_on(async {
        let put = |path: &'static str| app.test().put(path).json(&json!({ "x": 1 })).send();
        let ok = put("/todos/buy-milk").await.unwrap();
        assert_eq!(ok.json::<Value>().unwrap()["slug"], "buy-milk");
        assert_eq!(put("/todos/Buy_Milk").await.unwrap().status(), 404);
    });
}

/// The rendered diagnostics of building `builder`, whose messages must each contain one of
/// `expected`, in order.
fn build_errors(builder: AppBuilder) -> Vec<(DiagnosticKind, String)> {
    let diagnostics = builder.build().expect_err("the build fails");
    diagnostics
        .iter()
        .map(|d| (d.kind(), d.message().to_owned()))
        .collect()
}

#[test]
fn handlers_that_disagree_with_the_contract_are_reported_at_build() {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct WrongQuery {
        limit: String,
        done: bool,
        q: Option<String>,
        tag: String,
        page: Option<i64>,
        sort: Vec<String>,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct WrongTodo {
        title: i64,
        done: bool,
        colour: Option<String>,
    }
    let builder = App::from_file(FILE)
        .param_type("slug", is_slug)
        .handler("list_todos", |Query(_): Query<WrongQuery>| "")
        .handler("create_todo", |Json(_): Json<WrongTodo>| "")
        .handler("replace_todo", |Form(_): Form<Signup>| "")
        .handler("signup", |Json(_): Json<Signup>| "")
        .handler("put_note", |request: Request| {
            request.text().map(str::to_owned)
        })
        .handler("put_avatar", || "");
    let messages: Vec<String> = build_errors(builder)
        .into_iter()
        .map(|(kind, message)| {
            assert_eq!(kind, DiagnosticKind::ContractMismatch, "{message}");
            message
        })
        .collect();
    let expected = [
        "handler `list_todos` does not fit route `/todos`: its `Query` takes `limit` as `str` but the routes file declares `int`",
        "its `Query` takes `done` as always present, but the route's `query` makes it optional without a default",
        "the route's `query` says `tag` is `repeated`, but its `Query` takes one value: take a `Vec`",
        "its `Query` takes `page`, which the route's `query` does not declare",
        "its `Query` takes `sort` as a list, but the route's `query` does not say `repeated = true`",
        "its `Json` takes `title` as `int`, but the schema says `string`",
        "its `Json` takes `done` as always present, but the schema does not require it: take an `Option`",
        "its `Json` takes `colour`, which the body's schema does not describe",
        "its `Form` reads a form body, but the route declares `body = \"json\"`",
        "its `Json` reads a json body, but the route declares `body = \"form\"`",
    ];
    assert_eq!(messages.len(), expected.len(), "{messages:#?}");
    for (message, expected) in messages.iter().zip(expected) {
        assert!(
            message.contains(expected),
            "{message}\nexpected: {expected}"
        );
    }
}

#[test]
fn registered_types_are_checked_like_handlers() {
    let routes = "[[route]]\npath = \"/a/{x}\"\nhandler = \"a\"\nparams = { x = \"slugg\" }\n";
    let builder = App::from_toml("types.toml", routes)
        .param_type("slug", is_slug)
        .param_type("slug", is_slug)
        .param_type("int", is_slug)
        .handler("a", || "a");
    let errors = build_errors(builder);
    let kinds: Vec<DiagnosticKind> = errors.iter().map(|(kind, _)| *kind).collect();
    assert_eq!(
        kinds,
        [
            DiagnosticKind::UnknownType,
            // In code, by call site: the first `slug` is unused, the second a duplicate, and
            // `int` is minik's own.
            DiagnosticKind::UnusedType,
            DiagnosticKind::DuplicateType,
            DiagnosticKind::DuplicateType,
        ],
        "{errors:#?}"
    );
    assert!(
        errors[0].1.ends_with("did you mean `slug`?"),
        "{}",
        errors[0].1
    );
    assert!(
        errors[3]
            .1
            .contains("`int` is one of minik's parameter types"),
        "{}",
        errors[3].1
    );
}

#[test]
fn minik_check_warns_about_types_only_the_code_can_register() {
    let table = RouteTable::from_file(FILE).unwrap();
    let warnings: Vec<String> = table.warnings().iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(&format!("{FILE}:24:")),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("warning: `slug` is not one of minik's parameter types"));
    // A typo of one of minik's own is an error even so.
    let typo = "[[route]]\npath = \"/a\"\nhandler = \"a\"\nquery = { n = \"integer\" }\n";
    let error = RouteTable::from_toml("r.toml", typo).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown parameter type `integer`, did you mean `int`?")
    );
}

#[test]
fn minik_check_reads_every_schema_file() {
    let dir = "tests/fixtures/routes/schemas";
    let routes = "[[route]]\npath = \"/a\"\nhandler = \"a\"\nbody = { type = \"json\", schema = \"missing.json\" }\n\n\
         [[route]]\npath = \"/b\"\nhandler = \"b\"\nbody = { type = \"json\", schema = \"invalid.json\" }\n\n\
         [[route]]\npath = \"/c\"\nhandler = \"c\"\nbody = { type = \"json\", schema = \"not_json.json\" }\n\n\
         [[route]]\npath = \"/d\"\nhandler = \"d\"\nbody = { type = \"form\", schema = \"invalid.json\" }\n";
    let diagnostics = RouteTable::from_toml(&format!("{dir}/routes.toml"), routes).unwrap_err();
    type Found = (DiagnosticKind, Option<(usize, usize)>, String);
    let found: Vec<Found> = diagnostics
        .iter()
        .map(|d| (d.kind(), d.line_column(), d.message().to_owned()))
        .collect();
    assert_eq!(found.len(), 4, "{diagnostics}");
    for (kind, _, _) in &found {
        assert_eq!(*kind, DiagnosticKind::InvalidSchema);
    }
    assert_eq!(found[0].1, Some((4, 34)), "at the `schema` value");
    assert!(
        found[0].2.starts_with(
            "cannot read the schema file `tests/fixtures/routes/schemas/missing.json`"
        )
    );
    assert!(
        found[1]
            .2
            .contains("invalid.json` is not a valid JSON Schema"),
        "{}",
        found[1].2
    );
    assert!(
        found[2].2.contains("not_json.json` is not JSON"),
        "{}",
        found[2].2
    );
    assert!(
        found[3]
            .2
            .contains("a JSON Schema describes a JSON body, and this one is `form`")
    );
}

#[test]
fn the_openapi_document_describes_the_whole_contract() {
    let table = RouteTable::from_file(FILE).unwrap();
    let document = table.openapi("Todos", None);
    let list = &document["paths"]["/todos"]["get"];
    let query: Vec<&Value> = list["parameters"].as_array().unwrap().iter().collect();
    assert_eq!(
        query[0],
        &json!({ "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "format": "int64", "default": 20 } })
    );
    assert_eq!(query[3]["style"], "form");
    assert_eq!(
        query[3]["schema"],
        json!({ "type": "array", "items": { "type": "string" } })
    );
    assert_eq!(query[2]["required"], true);
    assert!(list["responses"]["400"].is_object());
    let create = &document["paths"]["/todos"]["post"];
    assert_eq!(create["requestBody"]["required"], true);
    let schema = &create["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(schema["$ref"], "#/components/schemas/new_todo");
    let component = &document["components"]["schemas"]["new_todo"];
    assert_eq!(component["required"], json!(["title"]));
    assert!(component.get("$schema").is_none());
    for status in ["413", "415", "422"] {
        let error = &create["responses"][status]["content"]["application/problem+json"]["schema"];
        assert_eq!(error["$ref"], "#/components/schemas/Error", "{status}");
    }
    assert!(document["paths"]["/signup"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object());
    assert_eq!(
        document["components"]["schemas"]["Error"]["required"],
        json!(["type", "title", "status", "detail"])
    );
    assert!(document["paths"]["/avatars/{id}"]["put"]["responses"]["404"].is_object());
    let slug = &document["paths"]["/todos/{slug}"]["put"]["parameters"][0]["schema"];
    assert_eq!(slug, &json!({ "type": "string", "x-minik-type": "slug" }));
}

#[test]
fn a_handler_error_can_name_fields_too() {
    let routes = "[[route]]\npath = \"/a\"\nhandler = \"a\"\n";
    let app = App::from_toml("r.toml", routes)
        .handler("a", || -> Result<&'static str, HttpError> {
            Err(HttpError::unprocessable("taken")
                .with_errors([minik::FieldError::body("/email", "already registered")]))
        })
        .build()
        .unwrap();
    runtime().block_on(async {
        let reply = app.test().get("/a").send().await.unwrap();
        let body: Value = reply.json().unwrap();
        assert_eq!(
            body["errors"],
            json!([{ "in": "body", "name": "/email", "message": "already registered" }])
        );
    });
}
