//! `minik new`: a ready project — the routes file, its handlers, the build test, a SAM template
//! and a CI workflow — from the templates in `templates/`, compiled into the binary.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The minik release the generated `Cargo.toml` asks for.
const MINIK_VERSION: &str = "0.1";

/// Each generated file: its path in the project and its template.
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../templates/Cargo.toml.tmpl")),
    ("routes.toml", include_str!("../templates/routes.toml.tmpl")),
    ("src/lib.rs", include_str!("../templates/lib.rs.tmpl")),
    ("src/main.rs", include_str!("../templates/main.rs.tmpl")),
    (
        "tests/routes.rs",
        include_str!("../templates/routes.rs.tmpl"),
    ),
    (
        "template.yaml",
        include_str!("../templates/template.yaml.tmpl"),
    ),
    (
        ".github/workflows/ci.yml",
        include_str!("../templates/ci.yml.tmpl"),
    ),
    (".gitignore", include_str!("../templates/gitignore.tmpl")),
];

/// Where the generated project takes minik from.
#[derive(Debug)]
pub(crate) enum MinikSource {
    /// A checkout of the minik repository (a `path` dependency, with the version beside it).
    Path(PathBuf),
    /// crates.io.
    Registry,
}

impl MinikSource {
    /// The checkout this binary was built from, when it is still there (`cargo install --path
    /// minik-cli` from a clone); crates.io otherwise.
    pub(crate) fn default_for_this_build() -> Self {
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        match fs::read_to_string(checkout.join("Cargo.toml")) {
            Ok(manifest) if manifest.contains("\nname = \"minik\"\n") => {
                Self::Path(fs::canonicalize(&checkout).unwrap_or(checkout))
            }
            _ => Self::Registry,
        }
    }

    /// The `[dependencies]` line.
    fn dependency(&self) -> String {
        match self {
            Self::Path(path) => {
                let path = path.display().to_string();
                // A TOML basic string: escape what would end or break it (Windows backslashes).
                let path = path.replace('\\', "\\\\").replace('"', "\\\"");
                format!("minik = {{ version = \"{MINIK_VERSION}\", path = \"{path}\" }}")
            }
            Self::Registry => format!("minik = \"{MINIK_VERSION}\""),
        }
    }
}

/// Why a project could not be written.
#[derive(Debug)]
pub(crate) enum NewError {
    /// The directory's name is not a valid package name.
    InvalidName(String, &'static str),
    /// The directory exists and has files in it.
    NotEmpty(PathBuf),
    /// `--minik-path` does not hold minik's `Cargo.toml`.
    NotMinik(PathBuf),
    /// Writing a file (or reading a directory) failed.
    Io(PathBuf, io::Error),
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidName(name, why) => {
                write!(f, "`{name}` is not a valid package name: {why}")
            }
            Self::NotEmpty(dir) => write!(
                f,
                "{}: the directory exists and is not empty; choose a new name",
                dir.display()
            ),
            Self::NotMinik(path) => write!(
                f,
                "{}: no minik Cargo.toml there (--minik-path takes a checkout of the minik repository)",
                path.display()
            ),
            Self::Io(path, error) => write!(f, "{}: {error}", path.display()),
        }
    }
}

/// Writes a project in `dir` (created, or existing and empty), named after its last component.
/// Returns the files written, in order.
pub(crate) fn create(dir: &Path, minik: &MinikSource) -> Result<Vec<PathBuf>, NewError> {
    // `minik new .` names the project after the current directory.
    let named = match dir.file_name() {
        Some(_) => dir.to_owned(),
        None => fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned()),
    };
    let name = named
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    check_name(&name)?;
    if let MinikSource::Path(path) = minik {
        let manifest = fs::read_to_string(path.join("Cargo.toml")).unwrap_or_default();
        if !manifest.contains("\nname = \"minik\"\n") {
            return Err(NewError::NotMinik(path.clone()));
        }
    }
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(NewError::NotEmpty(dir.to_owned()));
            }
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(NewError::Io(dir.to_owned(), error)),
    }
    let crate_name = name.replace('-', "_");
    let dependency = minik.dependency();
    let mut written = Vec::new();
    for (file, template) in FILES {
        let path = dir.join(file);
        let text = template
            .replace("{{name}}", &name)
            .replace("{{crate}}", &crate_name)
            .replace("{{minik}}", &dependency);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|error| NewError::Io(parent.to_owned(), error))?;
        }
        fs::write(&path, text).map_err(|error| NewError::Io(path.clone(), error))?;
        written.push(path);
    }
    Ok(written)
}

/// Cargo's rules for a package name that is also a library's name: ASCII letters, digits, `-`
/// and `_`, not starting with a digit, and not a name Rust or Cargo reserve.
fn check_name(name: &str) -> Result<(), NewError> {
    let invalid = |why| Err(NewError::InvalidName(name.to_owned(), why));
    if name.is_empty() {
        return invalid("it is empty");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return invalid("use ASCII letters, digits, `-` and `_` only");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return invalid("it cannot start with a digit");
    }
    const RESERVED: &[&str] = &[
        "test",
        "std",
        "core",
        "alloc",
        "proc_macro",
        "proc-macro",
        "self",
        "super",
        "crate",
        "minik",
        "as",
        "async",
        "await",
        "break",
        "const",
        "continue",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "pub",
        "ref",
        "return",
        "static",
        "struct",
        "trait",
        "true",
        "type",
        "unsafe",
        "use",
        "where",
        "while",
        "abstract",
        "become",
        "box",
        "do",
        "final",
        "gen",
        "macro",
        "override",
        "priv",
        "try",
        "typeof",
        "unsized",
        "virtual",
        "yield",
    ];
    if RESERVED.contains(&name) {
        return invalid("it is a Rust keyword or a name Cargo reserves");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_cargo_rules() {
        for name in ["hello", "hello-api", "hello_api", "api2"] {
            assert!(check_name(name).is_ok(), "{name}");
        }
        for name in ["", "2fast", "héllo", "my api", "test", "minik", "fn", "a.b"] {
            assert!(check_name(name).is_err(), "{name}");
        }
    }

    #[test]
    fn the_dependency_line_is_valid_toml_for_either_source() {
        let path = MinikSource::Path(PathBuf::from(r#"C:\src\"minik""#)).dependency();
        assert_eq!(
            path,
            r#"minik = { version = "0.1", path = "C:\\src\\\"minik\"" }"#
        );
        assert_eq!(MinikSource::Registry.dependency(), r#"minik = "0.1""#);
    }
}
