//! The command line: clap definitions and the dispatch to each command. Only the edge knows exit codes.

mod client_cmds;
mod info;
mod parse;
mod progress;
mod remote;
mod serve;
mod shell;
mod store_cmds;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes of cli.md.
pub mod exit {
    pub const OK: u8 = 0;
    /// At least one file failed to parse, or an operation failed.
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    /// Unsupported or unrecognised format (by content).
    pub const UNSUPPORTED: u8 = 3;
    /// I/O error: missing input, unwritable output.
    pub const IO: u8 = 4;
    /// Authentication or remote error (`--server`, `login`, `whoami`).
    pub const REMOTE: u8 = 5;
}

#[derive(Debug, Parser)]
#[command(
    name = "cadlens",
    version,
    about = "Read CAD files (DXF, DWG, DWF, DGN, PDF, STEP, STL) locally: JSON results and previews",
    long_about = None,
    propagate_version = true,
    after_help = "Examples:\n  cadlens info drawing.dxf part.step\n  cadlens info --json *.dxf"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// No progress, no summary, no hints: only results and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail on stderr (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Colour in output for people: auto (terminal and NO_COLOR unset), always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl GlobalArgs {
    /// Whether to colour text written to stderr: `--color`, then NO_COLOR (any non-empty value), then
    /// whether stderr is a terminal.
    pub fn colour_stderr(&self) -> bool {
        use std::io::IsTerminal;
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse CAD files into result documents (<stem>.json), from one parse per file
    Parse(parse::ParseArgs),
    /// Name the format, version and producer of files from their magic bytes and header alone
    #[command(after_help = "Examples:\n  cadlens info drawing.dxf part.step\n  cadlens info --json *.dwg")]
    Info(info::InfoArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    #[command(after_help = "Example:\n  cadlens completions bash > ~/.local/share/bash-completion/completions/cadlens")]
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff), or write one per command into a directory
    #[command(after_help = "Example:\n  cadlens man | man -l -")]
    Man(shell::ManArgs),
    #[command(flatten)]
    Store(store_cmds::StoreCommand),
    /// Serve the CADLens v1 HTTP API (api.md) on this machine
    #[command(
        after_help = "Examples:\n  cadlens serve\n  cadlens serve --listen 127.0.0.1:9000 --data-dir /srv/cadlens --workers 4\n\n\
        Create an account and a key first: cadlens account create … ; KEY=$(cadlens key create --account … --name …)"
    )]
    Serve(serve::ServeArgs),
    /// Keep the API key of a server (or the hosted API) in the OS keyring, checked against the server first
    Login(client_cmds::LoginArgs),
    /// Remove the stored API key of a server from the OS keyring
    Logout(client_cmds::LoginArgs),
    /// Show which server and key the client side uses, and that the server accepts the key
    Whoami(client_cmds::WhoamiArgs),
}

/// The internal subcommand that runs one sandboxed parse for `cadlens serve` (`src/worker`). It is matched
/// before clap, so it appears in no help, completion or manual page, and takes no arguments: everything
/// arrives framed on stdin.
const WORKER_SUBCOMMAND: &str = "worker";

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|a| a == WORKER_SUBCOMMAND) && args.next().is_none() {
        return ExitCode::from(crate::worker::run_worker());
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version on stdout with success, usage errors on stderr with exit 2.
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Info(args) => info::info(&args),
        Command::Parse(args) => parse::run(&args, &cli.global),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&args),
        Command::Store(cmd) => store_cmds::run(cmd, &cli.global),
        Command::Serve(args) => serve::run(args, &cli.global),
        Command::Login(args) => client_cmds::login(&args, &cli.global),
        Command::Logout(args) => client_cmds::logout(&args, &cli.global),
        Command::Whoami(args) => client_cmds::whoami(&args),
    };
    ExitCode::from(code)
}
