//! `minik`: validate a minik routes file in CI, and print its compiled route table.
//!
//! ```text
//! minik check routes.toml     # exit 0 when valid, 1 with every diagnostic on stderr
//! minik routes routes.toml    # the table in precedence order
//! minik openapi routes.toml   # an OpenAPI 3 document (--aws-integration ARN for API Gateway)
//! ```
//!
//! These checks cover what the file alone decides. Handler names and `Path<T>` types are
//! checked by building the app, for example in a `#[test]` of your crate:
//! `App::from_file("routes.toml").handler(...).build().unwrap()`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use minik::RouteTable;

#[derive(Parser)]
#[command(
    name = "minik",
    version,
    about = "Check and list the routes of a minik routes file"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    let cli = Cli::parse();
    let (Command::Check { file } | Command::Routes { file } | Command::Openapi { file, .. }) =
        &cli.command;
    let table = match RouteTable::from_file(file) {
        Ok(table) => table,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::from(1);
        }
    };
    match cli.command {
        Command::Check { file } => {
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
        }
        Command::Routes { .. } => {
            for route in table.routes() {
                println!("{route}");
            }
        }
        Command::Openapi {
            title,
            aws_integration,
            ..
        } => {
            let document = table.openapi(&title, aws_integration.as_deref());
            println!(
                "{}",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            );
        }
    }
    ExitCode::SUCCESS
}
