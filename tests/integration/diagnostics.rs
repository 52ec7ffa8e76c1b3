//! Every diagnostic of a routes file, rendered: each `tests/fixtures/routes/invalid/NAME.toml`
//! is checked against the exact text in `NAME.stderr` next to it.
//!
//! To accept new renderings after a deliberate change: `MINIK_BLESS=1 cargo test`, then review
//! the diff of the `.stderr` files.

use std::path::Path;

use minik::{DiagnosticKind, RouteTable};

fn fixtures(dir: &str, extension: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/routes")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

#[test]
fn invalid_files_render_the_expected_diagnostics() {
    let bless = std::env::var_os("MINIK_BLESS").is_some();
    let mut failures = Vec::new();
    let files = fixtures("invalid", "toml");
    assert!(files.len() >= 14, "fixtures missing: {files:?}");
    for file in files {
        let name = format!("invalid/{}", file.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&file).unwrap();
        let rendered = match RouteTable::from_toml(&name, &text) {
            Ok(_) => format!("{name}: no diagnostics\n"),
            Err(diagnostics) => format!("{diagnostics}\n"),
        };
        // A file whose diagnostics depend on minik's `unicode` feature has a second answer.
        let unicode_file = file.with_extension("unicode.stderr");
        let expected_file = if cfg!(feature = "unicode") && unicode_file.exists() {
            unicode_file
        } else {
            file.with_extension("stderr")
        };
        if bless {
            std::fs::write(&expected_file, &rendered).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if rendered != expected {
            failures.push(format!(
                "--- {name}: expected\n{expected}--- got\n{rendered}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_files_compile() {
    let mut files = fixtures("valid", "toml");
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("routes.example.toml"));
    for file in files {
        if let Err(diagnostics) = RouteTable::from_file(&file) {
            panic!("{}: {diagnostics}", file.display());
        }
    }
}

#[test]
fn each_kind_of_mistake_is_classified() {
    let kinds = |file: &str| -> Vec<DiagnosticKind> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/routes/invalid")
            .join(file);
        RouteTable::from_file(path)
            .unwrap_err()
            .iter()
            .map(|d| d.kind())
            .collect()
    };
    use DiagnosticKind::*;
    assert_eq!(kinds("syntax.toml"), [Syntax, Syntax]);
    assert!(kinds("unknown_keys.toml").iter().all(|k| *k == UnknownKey));
    assert!(kinds("missing_keys.toml").iter().all(|k| *k == MissingKey));
    assert!(kinds("wrong_types.toml").iter().all(|k| *k == InvalidValue));
    assert_eq!(kinds("base_path.toml"), [InvalidValue]);
    assert_eq!(kinds("too_deep.toml"), [InvalidTemplate]);
    assert!(
        kinds("templates.toml")
            .iter()
            .all(|k| *k == InvalidTemplate)
    );
    assert_eq!(kinds("unknown_types.toml"), [UnknownType; 3]);
    assert_eq!(kinds("regexes.toml"), [InvalidRegex; 3]);
    #[cfg(not(feature = "unicode"))]
    assert_eq!(kinds("unicode_regexes.toml"), [InvalidRegex; 5]);
    assert_eq!(kinds("unknown_params.toml"), [UnknownParam; 2]);
    assert_eq!(
        kinds("methods.toml"),
        [UnknownMethod, UnknownMethod, InvalidValue]
    );
    assert_eq!(kinds("duplicates.toml"), [DuplicateRoute; 3]);
    assert_eq!(
        kinds("middleware.toml"),
        [
            DuplicateMiddleware,
            DuplicateMiddleware,
            DuplicateMiddleware,
            UnknownMiddleware,
            InvalidValue,
            InvalidValue
        ]
    );
    assert_eq!(
        kinds("many.toml"),
        [UnknownType, DuplicateRoute, InvalidTemplate, UnknownMethod]
    );
}

#[test]
fn a_missing_file_is_a_diagnostic() {
    let diagnostics = RouteTable::from_file("does/not/exist.toml").unwrap_err();
    let first = diagnostics.iter().next().unwrap();
    assert_eq!(first.kind(), DiagnosticKind::Io);
    assert!(
        diagnostics
            .to_string()
            .starts_with("does/not/exist.toml: error: cannot read the routes file")
    );
}
