//! `cadlens audit list|verify|export`.

use clap::Subcommand;

use super::{CmdResult, StoreOpts, duration_arg, open, print_json, print_table};
use crate::cli::{GlobalArgs, exit};
use crate::store::time;

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    store: StoreOpts,
    #[command(subcommand)]
    cmd: AuditCmd,
}

#[derive(Debug, Subcommand)]
enum AuditCmd {
    /// List audit rows (a table on stderr, or JSON lines on stdout with --json)
    List {
        /// Only rows this recent, e.g. 7d, 12h
        #[arg(long, value_name = "DURATION", value_parser = duration_arg)]
        since: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Check the hash chain; exits 1 and names each edited, deleted or reordered row
    Verify,
    /// Print every row with its hashes as JSON lines on stdout
    Export,
}

pub fn run(args: AuditArgs, global: &GlobalArgs) -> CmdResult {
    let store = open(&args.store)?;
    match args.cmd {
        AuditCmd::List { since, json } => {
            let rows = store.audit_list(since.map(|d| time::now_ms().saturating_sub(d)))?;
            if json {
                for r in &rows {
                    print_json(r)?;
                }
            } else {
                let table: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| {
                        let cells = [&r.at, &r.actor, &r.action, &r.target, &r.outcome, &r.detail];
                        std::iter::once(r.seq.to_string()).chain(cells.iter().map(|c| escape(c))).collect()
                    })
                    .collect();
                print_table(&["SEQ", "AT", "ACTOR", "ACTION", "TARGET", "OUTCOME", "DETAIL"], &table);
            }
            Ok(exit::OK)
        }
        AuditCmd::Verify => {
            let report = store.audit_verify()?;
            for p in &report.problems {
                eprintln!("{p}");
            }
            if report.ok() {
                if !global.quiet {
                    eprintln!("audit chain intact: {} rows", report.rows);
                }
                Ok(exit::OK)
            } else {
                eprintln!("audit chain BROKEN: {} problem(s) in {} rows", report.problems.len(), report.rows);
                Ok(exit::FAILED)
            }
        }
        AuditCmd::Export => {
            for r in &store.audit_list(None)? {
                print_json(r)?;
            }
            Ok(exit::OK)
        }
    }
}

/// Control characters (a `\n` in an email, say) are shown escaped so one row stays one line.
fn escape(text: &str) -> String {
    text.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}
