//! The `shootout` command line.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

use laplace_shootout::list;

/// Races one Laplace-equation kernel across Rust, C and Fortran, verified
/// against a reference of its own scheme before any time is reported.
#[derive(Debug, Parser)]
#[command(name = "shootout", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every registered kernel with its scheme and compile flags.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// An aligned text table.
    Table,
    /// A JSON array of objects.
    Json,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::List { format } => {
            match format {
                Format::Table => print!("{}", list::table()),
                Format::Json => println!("{}", serde_json::to_string_pretty(&list::rows())?),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
