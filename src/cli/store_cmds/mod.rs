//! The store's commands: `account`, `key`, `audit`, `backup`, `restore`, `jobs`, `usage`, `gc`. Each group has its own file; this
//! one holds what they share: the data-dir flag, opening the store, reading a password, and mapping
//! [`StoreError`] to exit codes (the only place that happens).

mod account;
mod audit;
mod backup;
mod jobs;
mod key;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::Subcommand;
use zeroize::Zeroizing;

use super::{GlobalArgs, exit};
use crate::store::{MasterKeyMode, Store, StoreError, StorePaths};

const STORE_HELP: &str = "The store is cadlens.db in the data directory (--data-dir, else CADLENS_HOME, else \
~/.local/share/cadlens). Its master key is master.key there, or the file CADLENS_MASTER_KEY_FILE names: \
losing it loses every backup and API key.";

/// The store's command groups, flattened into the top-level command list by one line in `cli/mod.rs`.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Manage accounts (email, role, password)
    #[command(after_help = format!("Examples:\n  cadlens account create ann@example.com --role admin\n  \
        printf '%s' \"$PW\" | cadlens account create ci@example.com --password-stdin\n  cadlens account list\n\n{STORE_HELP}"))]
    Account(account::AccountArgs),
    /// Manage API keys (shown once at creation or rotation)
    #[command(after_help = format!("Examples:\n  cadlens key create --account ann@example.com --name ci --expires 90d\n  \
        cadlens key rotate key_8Hq2NcW5tZr1XbL0pVa7Ku4E --grace 24h\n\n{STORE_HELP}"))]
    Key(key::KeyArgs),
    /// List, verify or export the tamper-evident audit log
    #[command(after_help = format!("Examples:\n  cadlens audit list --since 7d\n  cadlens audit verify\n  \
        cadlens audit export > audit.jsonl\n\n{STORE_HELP}"))]
    Audit(audit::AuditArgs),
    /// Write an encrypted, authenticated copy of the store to FILE
    #[command(after_help = format!("Example:\n  cadlens backup /backups/cadlens-$(date +%F).bak\n\n\
        Restoring needs the same master key: keep a copy of it apart from the backups.\n\n{STORE_HELP}"))]
    Backup(backup::BackupArgs),
    /// Replace the store with a backup, after checking the backup's integrity
    #[command(after_help = format!("Example:\n  CADLENS_MASTER_KEY_FILE=/safe/master.key cadlens restore cadlens.bak\n\n{STORE_HELP}"))]
    Restore(backup::RestoreArgs),
    /// List, show or delete the jobs of `cadlens serve`
    #[command(after_help = format!("Examples:\n  cadlens jobs list --account ann@example.com\n  \
        cadlens jobs show job_4fQ9zKc2LmT7vWx8RbN1aHs3\n  cadlens jobs delete job_4fQ9zKc2LmT7vWx8RbN1aHs3\n\n{STORE_HELP}"))]
    Jobs(jobs::JobsArgs),
    /// Show this month's parses and uploaded bytes per account
    #[command(after_help = format!("Examples:\n  cadlens usage\n  cadlens usage --account ann@example.com --json\n\n{STORE_HELP}"))]
    Usage(jobs::UsageArgs),
    /// Apply retention now: delete expired jobs and originals no longer needed
    #[command(after_help = format!("Example:\n  cadlens gc\n\n{STORE_HELP}"))]
    Gc(jobs::GcArgs),
}

/// Where the store is; every store command takes it, before or after its subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreOpts {
    /// The data directory of the store
    #[arg(long, global = true, value_name = "DIR", env = "CADLENS_HOME", hide_env_values = true)]
    pub data_dir: Option<PathBuf>,
}

/// The audit actor for commands run from the command line.
const ACTOR: &str = "cli";

pub fn run(cmd: StoreCommand, global: &GlobalArgs) -> u8 {
    let result = match cmd {
        StoreCommand::Account(args) => account::run(args, global),
        StoreCommand::Key(args) => key::run(args, global),
        StoreCommand::Audit(args) => audit::run(args, global),
        StoreCommand::Backup(args) => backup::backup(args, global),
        StoreCommand::Restore(args) => backup::restore(args, global),
        StoreCommand::Jobs(args) => jobs::run(args, global),
        StoreCommand::Usage(args) => jobs::usage(args, global),
        StoreCommand::Gc(args) => jobs::gc(args, global),
    };
    match result {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

/// Why a store command failed, already mapped to its exit code.
enum Failure {
    Store(StoreError),
    Usage(String),
    /// Something named on the command line does not exist (exit 1).
    NotFound(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

impl Failure {
    fn report(self) -> u8 {
        match self {
            Failure::Usage(msg) => {
                eprintln!("error: {msg}");
                exit::USAGE
            }
            Failure::NotFound(msg) => {
                eprintln!("error: {msg}");
                exit::FAILED
            }
            Failure::Store(e) => {
                eprintln!("error: {e}");
                exit_code(&e)
            }
        }
    }
}

/// Bad input is a usage error (2), unreadable files an I/O error (4), anything else a failure (1).
pub fn exit_code(e: &StoreError) -> u8 {
    if e.is_usage() {
        exit::USAGE
    } else if e.is_io() {
        exit::IO
    } else {
        exit::FAILED
    }
}

type CmdResult = Result<u8, Failure>;

fn open(opts: &StoreOpts) -> Result<Store, Failure> {
    open_with(opts, MasterKeyMode::CreateIfNew)
}

fn open_with(opts: &StoreOpts, mode: MasterKeyMode) -> Result<Store, Failure> {
    let paths = StorePaths::resolve(opts.data_dir.as_deref())?;
    Ok(Store::open_with(&paths, mode)?)
}

/// Reads a password: all of stdin with `--password-stdin` (one trailing newline dropped), else from the
/// terminal without echo (twice, to catch typos). Never a prompt when stdin is not a terminal.
fn read_password(from_stdin: bool) -> Result<Zeroizing<String>, Failure> {
    if from_stdin {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| Failure::Usage(format!("reading the password from stdin: {e}")))?;
        let trimmed = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
        return Ok(Zeroizing::new(trimmed.to_owned()));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage("stdin is not a terminal: pipe the password in with --password-stdin".to_owned()));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|e| Failure::Usage(format!("reading the password from the terminal: {e}")))
    };
    let first = ask("Password: ")?;
    let second = ask("Repeat password: ")?;
    if first != second {
        return Err(Failure::Usage("the two passwords differ".to_owned()));
    }
    Ok(first)
}

/// Prints `value` as one line of JSON on stdout (for programs).
fn print_json(value: &impl serde::Serialize) -> CmdResult {
    let text = serde_json::to_string(value).map_err(|e| Failure::Usage(e.to_string()))?;
    println!("{text}");
    Ok(exit::OK)
}

/// A table for people, on stderr: columns padded to their widest cell.
fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        eprintln!("{}", padded.join("  ").trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

fn opt_time(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".to_owned(), crate::store::time::rfc3339)
}

/// clap value parser for `90d`-style durations.
fn duration_arg(text: &str) -> Result<i64, String> {
    crate::store::time::parse_duration(text).map_err(|e| e.to_string())
}
