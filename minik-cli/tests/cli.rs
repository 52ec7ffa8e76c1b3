//! `minik check` and `minik routes`, run as CI runs them.

use std::process::{Command, Output};

fn minik(args: &[&str]) -> Output {
    // Run from the repository root, as the README shows.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    Command::new(env!("CARGO_BIN_EXE_minik"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_accepts_the_example_file() {
    let output = minik(&["check", "routes.example.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "routes.example.toml: ok, 5 routes\n");
}

#[test]
fn check_fails_with_every_diagnostic_on_stderr() {
    let file = "tests/fixtures/routes/invalid/many.toml";
    let output = minik(&["check", file]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    // The same rendering as the library's fixture, under the path given on the command line.
    let stderr_file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/routes/invalid/many.stderr"
    );
    let expected = std::fs::read_to_string(stderr_file)
        .unwrap()
        .replace("invalid/many.toml", file);
    assert_eq!(text(&output.stderr), expected);
}

#[test]
fn check_reports_a_missing_file() {
    let output = minik(&["check", "no-such-routes.toml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("no-such-routes.toml: error: cannot read the routes file:"),
        "{stderr}"
    );
}

#[test]
fn routes_prints_the_table_in_precedence_order() {
    let output = minik(&["routes", "routes.example.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let expected = "\
GET,HEAD     /articles/{author}/{year}                -> get_articles  (author: str, year: int)
POST,PUT     /events                                  -> post_events
*            /events/{location}                       -> events  (location: str)
GET,HEAD     /greetings                               -> greetings
*            /hello/{name}                            -> hello  (name: str)
";
    assert_eq!(text(&output.stdout), expected);
}

#[test]
fn openapi_describes_every_route_with_typed_parameters() {
    let output = minik(&[
        "openapi",
        "tests/fixtures/routes/valid/matching.toml",
        "--title",
        "matching",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["openapi"], "3.0.1");
    assert_eq!(document["info"]["title"], "matching");
    let paths = document["paths"].as_object().unwrap();
    let year = &paths["/articles/{author}/{year}"]["get"]["parameters"][1];
    assert_eq!(
        (year["name"].as_str(), year["schema"]["type"].as_str()),
        (Some("year"), Some("integer"))
    );
    let code = &paths["/items/{code}"]["get"]["parameters"][0]["schema"];
    assert_eq!(code["pattern"], "^(?:[A-Z]{3})$");
    // A route without `methods` takes every method.
    assert_eq!(paths["/events/{location}"].as_object().unwrap().len(), 7);
    // OpenAPI has no greedy parameter: a plain document writes it as any other.
    assert!(
        paths.contains_key("/files/{key}") && paths.contains_key("/items/{rest}"),
        "{:?}",
        paths.keys()
    );
    // Operation ids are unique, named by handler.
    let mut ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "{ids:?}");
    assert!(
        ids.contains(&"events_at") && ids.contains(&"events_at_post"),
        "{ids:?}"
    );
}

#[test]
fn openapi_with_an_aws_integration_imports_into_api_gateway() {
    let arn = "arn:aws:lambda:eu-west-1:123456789012:function:quickstart";
    let output = minik(&["openapi", "routes.example.toml", "--aws-integration", arn]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // A greedy parameter is written as API Gateway writes it.
    let matching = minik(&[
        "openapi",
        "tests/fixtures/routes/valid/matching.toml",
        "--aws-integration",
        arn,
    ]);
    let matching: serde_json::Value = serde_json::from_slice(&matching.stdout).unwrap();
    assert!(
        matching["paths"].get("/files/{key+}").is_some()
            && matching["paths"].get("/items/{rest+}").is_some()
    );
    let hello = &document["paths"]["/hello/{name}"];
    assert_eq!(
        hello.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["x-amazon-apigateway-any-method"]
    );
    let integration = &hello["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"];
    assert_eq!(integration["type"], "aws_proxy");
    assert_eq!(integration["httpMethod"], "POST");
    assert_eq!(
        integration["uri"],
        format!("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{arn}/invocations")
    );
}

#[test]
fn new_writes_a_project_then_refuses_to_write_over_it() {
    let dir = std::env::temp_dir().join(format!("minik-cli-new-{}", std::process::id()));
    let project = dir.join("hello-api");
    let project_arg = project.to_str().unwrap();
    let output = minik(&["new", project_arg, "--minik-path", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"hello-api\""), "{manifest}");
    let root = std::fs::canonicalize(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).unwrap();
    let dependency = format!(
        "minik = {{ version = \"0.1\", path = \"{}\" }}",
        root.display()
    );
    assert!(manifest.contains(&dependency), "{manifest}");
    let main = std::fs::read_to_string(project.join("src/main.rs")).unwrap();
    assert!(main.contains("minik::run(hello_api::app())"), "{main}");
    // The routes file it writes passes `minik check`.
    let routes = project.join("routes.toml");
    let checked = minik(&["check", routes.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked.stderr));

    let again = minik(&["new", project_arg]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("is not empty"),
        "{}",
        text(&again.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn new_refuses_an_invalid_package_name() {
    let dir = std::env::temp_dir().join(format!("minik-cli-bad-{}", std::process::id()));
    let output = minik(&["new", dir.join("my api").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("`my api` is not a valid package name"));
    assert!(!dir.exists());
}

#[test]
fn help_lists_every_command() {
    let output = minik(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    for command in ["new", "check", "routes", "openapi"] {
        assert!(
            text(&output.stdout).contains(&format!("\n  {command} ")),
            "{command}"
        );
    }
}

#[test]
fn help_is_usage_on_stdout_and_an_unknown_command_exit_status_2() {
    for flag in ["--help", "-h"] {
        let output = minik(&[flag]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert!(text(&output.stdout).contains("check"), "{flag}");
    }
    let output = minik(&["deploy"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("deploy") && stderr.contains("Usage"),
        "{stderr}"
    );
}
