//! Hostile routes files: `minik check` runs on pull requests, so the file can be written by
//! someone else. Each shape gets diagnostics (never a panic or an abort), printed in bounded
//! size, and is read in time and memory that grow with the file no faster than its length.

use minik::{DiagnosticKind, Diagnostics, RouteTable};

fn check(text: &str) -> Diagnostics {
    RouteTable::from_toml("hostile.toml", text).expect_err("a hostile file is refused")
}

fn kinds(diagnostics: &Diagnostics) -> Vec<DiagnosticKind> {
    let mut kinds: Vec<DiagnosticKind> = diagnostics.iter().map(|d| d.kind()).collect();
    kinds.dedup();
    kinds
}

/// The rendering of `diagnostics`, checked to be at most `most` bytes.
fn rendered(diagnostics: &Diagnostics, most: usize) -> String {
    let text = diagnostics.to_string();
    assert!(text.len() <= most, "{} bytes rendered", text.len());
    text
}

// A regression test for issue 17: 24,577 distinct names panicked in `http`'s header map.
#[test]
fn more_default_headers_than_a_response_holds_are_a_diagnostic() {
    let mut text = String::from("[app.headers]\n");
    for i in 0..40_000 {
        text.push_str(&format!("x-h{i} = \"v\"\n"));
    }
    text.push_str("[[route]]\npath = \"/\"\nhandler = \"h\"\n");
    let diagnostics = check(&text);
    assert_eq!(kinds(&diagnostics), [DiagnosticKind::Limit]);
    assert!(
        diagnostics
            .iter()
            .next()
            .unwrap()
            .message()
            .contains("more headers")
    );
}

// A regression test for issue 17: deep trees were dropped recursively and overflowed the
// stack (a header of ~75,000 dotted keys in release builds, ~33,500 in debug ones).
#[test]
fn deeply_nested_tables_are_reported_without_running_out_of_stack() {
    let deep = vec!["a"; 100_000].join(".");
    for text in [
        format!("[{deep}]\nx = 1\n"),
        format!("[[{deep}]]\nx = 1\n"),
        format!("{deep} = 1\n"),
        format!("[app]\n[app.{deep}]\n"),
    ] {
        // toml refuses some of them (its recursion limit), minik the others (unknown keys).
        let diagnostics = check(&text);
        assert_eq!(diagnostics.len(), 1, "{diagnostics}");
        rendered(&diagnostics, 4_096);
    }
    // Arrays and inline tables nest under toml's own limit.
    for text in [
        format!("x = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = {}1{}\n", "{a = ".repeat(100_000), "}".repeat(100_000)),
    ] {
        let diagnostics = check(&text);
        assert!(!diagnostics.is_empty());
        rendered(&diagnostics, 4_096);
    }
}

// A regression test for issue 17: each diagnostic reprinted its whole line, so 10,000 unknown
// parameters on one line of 149 KB printed 2.2 GB.
#[test]
fn diagnostics_on_one_long_line_print_a_bounded_excerpt_each() {
    let params: Vec<String> = (0..10_000).map(|i| format!("p{i} = \"int\"")).collect();
    let text = format!(
        "[[route]]\npath = \"/a\"\nhandler = \"h\"\nparams = {{ {} }}\n",
        params.join(", ")
    );
    let diagnostics = check(&text);
    assert_eq!(diagnostics.len(), 10_000);
    assert_eq!(kinds(&diagnostics), [DiagnosticKind::UnknownParam]);
    let text = rendered(&diagnostics, 64 * 1024);
    assert!(text.contains("... and 9950 more not shown"), "{text}");
    assert!(text.ends_with("error: 10000 problems found"));
    // The excerpt still shows what the caret points at.
    let first = text.lines().nth(2).unwrap();
    assert!(first.contains("p0 = \"int\""), "{first}");
}

// A regression test for issue 17: 20,000 duplicate routes took 8.4 s, 100,000 more than 60 s
// (every diagnostic counted the lines before it again).
#[test]
fn many_mistakes_are_reported_in_time_linear_in_their_number() {
    let route = "[[route]]\npath = \"/same\"\nhandler = \"h\"\n";
    let diagnostics = check(&route.repeat(20_001));
    assert_eq!(diagnostics.len(), 20_000);
    assert_eq!(kinds(&diagnostics), [DiagnosticKind::DuplicateRoute]);
    let last = diagnostics.iter().last().unwrap();
    assert_eq!(last.line_column(), Some((60_002, 8)));

    let mut text = String::from("[app]\n");
    for i in 0..20_000 {
        text.push_str(&format!("unknown_{i} = 1\n"));
    }
    let diagnostics = check(&text);
    assert_eq!(diagnostics.len(), 20_000);
    rendered(&diagnostics, 64 * 1024);
}

// A regression test for issue 17: a `middleware` list of 100,000 names took 10 s (50,000 fit
// in the file twice).
#[test]
fn long_middleware_lists_stop_at_the_limit_of_a_chain() {
    let names: Vec<String> = (0..50_000).map(|i| format!("\"m{i}\"")).collect();
    let text = format!(
        "[app]\nmiddleware = [{}]\n[[route]]\npath = \"/\"\nhandler = \"h\"\nskip_middleware = [{}]\n",
        names.join(", "),
        names.join(", ")
    );
    let diagnostics = check(&text);
    let limit = diagnostics
        .iter()
        .find(|d| d.kind() == DiagnosticKind::Limit)
        .unwrap();
    assert!(
        limit.message().contains("at most 32 hooks per route"),
        "{}",
        limit.message()
    );
    rendered(&diagnostics, 64 * 1024);
}

// A regression test for issue 17: a "did you mean" for an unknown key of 10 MB took 1.76 GB.
#[test]
fn names_too_long_to_be_typos_get_no_did_you_mean() {
    let name = "x".repeat(1 << 19);
    let diagnostics = check(&format!("[app]\n{name} = 1\n"));
    let message = diagnostics.iter().next().unwrap().message();
    assert!(
        message.len() < 1_000 && message.ends_with("..."),
        "{message}"
    );
    assert!(!message.contains("did you mean"));
    let diagnostics = check(&format!(
        "[[route]]\npath = \"/{{a}}\"\nhandler = \"h\"\nparams = {{ a = \"{name}\" }}\n"
    ));
    assert_eq!(kinds(&diagnostics), [DiagnosticKind::UnknownType]);
    rendered(&diagnostics, 4_096);
}

#[test]
fn files_larger_than_minik_reads_are_refused_whole() {
    let text = format!("# {}\n", "x".repeat(2 << 20));
    let diagnostics = check(&text);
    assert_eq!(kinds(&diagnostics), [DiagnosticKind::Limit]);
    let message = diagnostics.iter().next().unwrap().message();
    assert!(
        message.contains("more than minik reads (1048576 bytes)"),
        "{message}"
    );

    let path = std::env::temp_dir().join(format!("minik-large-{}.toml", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let diagnostics = RouteTable::from_file(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(kinds(&diagnostics), [DiagnosticKind::Limit]);
}

// A regression test for issue 17: invalid UTF-8 got a diagnostic without line and column.
#[test]
fn a_file_that_is_not_utf8_is_located_at_its_first_invalid_byte() {
    let path = std::env::temp_dir().join(format!("minik-latin1-{}.toml", std::process::id()));
    std::fs::write(&path, b"[[route]]\npath = \"/caf\xe9\"\nhandler = \"h\"\n").unwrap();
    let diagnostics = RouteTable::from_file(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    let diagnostic = diagnostics.iter().next().unwrap();
    assert_eq!(diagnostic.kind(), DiagnosticKind::Syntax);
    assert_eq!(diagnostic.line_column(), Some((2, 13)));
    assert!(
        diagnostic.to_string().contains("is not UTF-8"),
        "{diagnostic}"
    );
}
