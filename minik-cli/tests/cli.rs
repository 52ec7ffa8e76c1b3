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
