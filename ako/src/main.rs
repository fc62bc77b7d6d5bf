//! The `ako` binary: parses the command line and runs one subcommand (see `cli`).

mod cli;
#[cfg(feature = "demo")]
mod demo;

fn main() -> std::process::ExitCode {
    cli::main()
}
