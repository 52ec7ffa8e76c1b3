//! `minik`: start a minik project, validate its routes file in CI, print its route table.
//!
//! ```text
//! minik new hello             # a ready project in ./hello: routes, handlers, tests, SAM, CI
//! minik check routes.toml     # exit 0 when valid, 1 with every diagnostic on stderr
//! minik routes routes.toml    # the table in precedence order
//! minik openapi routes.toml   # an OpenAPI 3 document (--aws-integration ARN for API Gateway)
//! ```
//!
//! Exit codes: 0 success, 1 failure (an invalid file, a directory that is not empty), 2 a bad
//! command line. `check` covers what the file alone decides. Handler names and `Path<T>` types
//! are checked by building the app, for example in a `#[test]` of your crate:
//! `App::from_file("routes.toml").handler(...).build().unwrap()`.

mod new;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use minik::RouteTable;

#[derive(Parser)]
#[command(
    name = "minik",
    version,
    about = "Start a minik project, check its routes file, list its routes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a project: Cargo.toml, routes.toml, handlers, tests, a SAM template and CI.
    New {
        /// The directory to create (or an empty one); its name is the package's.
        path: PathBuf,
        /// A checkout of the minik repository to depend on by path. Default: the checkout this
        /// binary was built from, if it is still there; otherwise minik from crates.io.
        #[arg(long, value_name = "DIR")]
        minik_path: Option<PathBuf>,
    },
    /// Validate a routes file: exit 0 when it is valid, 1 with every problem on stderr.
    Check {
        /// The routes file.
        #[arg(default_value = "routes.toml")]
        file: PathBuf,
    },
    /// Print the compiled route table in precedence order: methods, path, handler, parameters.
    Routes {
        /// The routes file.
        #[arg(default_value = "routes.toml")]
        file: PathBuf,
    },
    /// Print the routes as an OpenAPI 3 document (JSON).
    Openapi {
        /// The routes file.
        #[arg(default_value = "routes.toml")]
        file: PathBuf,
        /// The API's title.
        #[arg(long, default_value = "minik API")]
        title: String,
        /// A Lambda function ARN: adds API Gateway's proxy integration to every operation.
        #[arg(long, value_name = "ARN")]
        aws_integration: Option<String>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::New { path, minik_path } => create(&path, minik_path.as_deref()),
        Command::Check { file } => with_table(&file, |table| {
            // Warnings name what only the app can settle (a parameter type it may register):
            // printed for the reader, not a failure.
            for warning in table.warnings() {
                eprintln!("{warning}");
            }
            let count = table.routes().count();
            println!(
                "{}: ok, {count} route{}",
                file.display(),
                if count == 1 { "" } else { "s" }
            );
        }),
        Command::Routes { file } => with_table(&file, |table| {
            for route in table.routes() {
                println!("{route}");
            }
        }),
        Command::Openapi {
            file,
            title,
            aws_integration,
        } => with_table(&file, |table| {
            let document = table.openapi(&title, aws_integration.as_deref());
            println!(
                "{}",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            );
        }),
    }
}

/// Reads and compiles a routes file and hands it to `then` (exit 0); on failure, prints every
/// diagnostic (exit 1).
fn with_table(file: &Path, then: impl FnOnce(RouteTable)) -> ExitCode {
    match RouteTable::from_file(file) {
        Ok(table) => {
            then(table);
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            ExitCode::from(1)
        }
    }
}

/// `minik new`: writes the project and says what to run next.
fn create(path: &Path, minik_path: Option<&Path>) -> ExitCode {
    let minik = match minik_path {
        Some(dir) => {
            new::MinikSource::Path(fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned()))
        }
        None => new::MinikSource::default_for_this_build(),
    };
    match new::create(path, &minik) {
        Ok(files) => {
            for file in files {
                println!("created {}", file.display());
            }
            match minik {
                new::MinikSource::Path(dir) => println!("minik from {}", dir.display()),
                new::MinikSource::Registry => println!("minik from crates.io"),
            }
            println!(
                "next: cd {} && cargo test && minik check routes.toml && cargo lambda build --release",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
