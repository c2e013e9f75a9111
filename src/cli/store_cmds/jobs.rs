//! `cadlens jobs list|show|delete`, `cadlens usage` and `cadlens gc`: the server's jobs and usage, on the
//! same store `cadlens serve` uses (safe while it runs: SQLite WAL and the store's transactions).

use clap::Subcommand;
use serde_json::{Value, json};

use super::{ACTOR, CmdResult, Failure, StoreOpts, open, opt_time, print_json, print_table};
use crate::cli::{GlobalArgs, exit};
use crate::store::{Job, time};

#[derive(Debug, clap::Args)]
pub struct JobsArgs {
    #[command(flatten)]
    store: StoreOpts,
    #[command(subcommand)]
    cmd: JobsCmd,
}

#[derive(Debug, Subcommand)]
enum JobsCmd {
    /// List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)
    List {
        /// Only this account's jobs
        #[arg(long, value_name = "EMAIL")]
        account: Option<String>,
        /// At most this many
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Show one job as JSON on stdout
    Show {
        #[arg(value_name = "JOB-ID")]
        id: String,
    },
    /// Delete a job: its record, original, results and previews (a running parse is stopped by the server
    /// when it next looks)
    Delete {
        #[arg(value_name = "JOB-ID")]
        id: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct UsageArgs {
    #[command(flatten)]
    store: StoreOpts,
    /// Only this account (default: every account)
    #[arg(long, value_name = "EMAIL")]
    account: Option<String>,
    /// JSON lines on stdout instead of a table
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct GcArgs {
    #[command(flatten)]
    store: StoreOpts,
}

fn job_value(job: &Job) -> Value {
    json!({
        "id": job.id,
        "status": job.status.as_str(),
        "fileName": job.file_name,
        "fileSize": job.file_size,
        "format": job.format,
        "keyId": job.key_id,
        "createdAt": time::rfc3339(job.created_at),
        "startedAt": job.started_at.map(time::rfc3339),
        "completedAt": job.completed_at.map(time::rfc3339),
        "expiresAt": time::rfc3339(job.expires_at),
        "errorMsg": job.error_msg,
        "entityCount": job.entity_count,
        "layerCount": job.layer_count,
        "resultDeliveredAt": job.result_delivered_at.map(time::rfc3339),
        "originalDeletedAt": job.original_deleted_at.map(time::rfc3339),
    })
}

pub fn run(args: JobsArgs, global: &GlobalArgs) -> CmdResult {
    let store = open(&args.store)?;
    match args.cmd {
        JobsCmd::List { account, limit, json } => {
            let jobs = store.jobs(account.as_deref(), limit)?;
            if json {
                for j in &jobs {
                    print_json(&job_value(j))?;
                }
            } else {
                let rows: Vec<Vec<String>> = jobs
                    .iter()
                    .map(|j| {
                        vec![
                            j.id.clone(),
                            j.status.as_str().to_owned(),
                            j.format.clone(),
                            j.file_size.to_string(),
                            time::rfc3339(j.created_at),
                            opt_time(j.completed_at),
                            j.file_name.chars().filter(|c| !c.is_control()).collect(),
                        ]
                    })
                    .collect();
                print_table(&["ID", "STATUS", "FORMAT", "BYTES", "CREATED", "COMPLETED", "FILE"], &rows);
            }
            Ok(exit::OK)
        }
        JobsCmd::Show { id } => match store.job(&id)? {
            Some(job) => print_json(&job_value(&job)),
            None => Err(Failure::NotFound(format!("no job {id}"))),
        },
        JobsCmd::Delete { id } => {
            if store.delete_job(ACTOR, &id, None, time::now_ms())? {
                if !global.quiet {
                    eprintln!("deleted {id}");
                }
                Ok(exit::OK)
            } else {
                Err(Failure::NotFound(format!("no job {id}")))
            }
        }
    }
}

pub fn usage(args: UsageArgs, _global: &GlobalArgs) -> CmdResult {
    let store = open(&args.store)?;
    let accounts = match &args.account {
        Some(email) => vec![store.account(email)?],
        None => store.accounts()?,
    };
    let now = time::now_ms();
    let mut rows = Vec::new();
    for a in &accounts {
        let u = store.usage(a.id, now)?;
        let (_, _, period) = time::month_of(now);
        let value = json!({
            "account": a.email, "period": period, "parses": u.parses, "bytesUploaded": u.bytes,
            "jobs": { "PENDING": u.pending, "PROCESSING": u.processing, "COMPLETED": u.completed, "FAILED": u.failed },
        });
        if args.json {
            print_json(&value)?;
        }
        rows.push(vec![
            a.email.clone(),
            period,
            u.parses.to_string(),
            u.bytes.to_string(),
            u.completed.to_string(),
            u.failed.to_string(),
        ]);
    }
    if !args.json {
        print_table(&["ACCOUNT", "MONTH", "PARSES", "BYTES", "COMPLETED", "FAILED"], &rows);
    }
    Ok(exit::OK)
}

pub fn gc(args: GcArgs, global: &GlobalArgs) -> CmdResult {
    let store = open(&args.store)?;
    let purged = store.purge_jobs(ACTOR, time::now_ms())?;
    if !global.quiet {
        eprintln!("purged {purged} expired job(s)");
    }
    Ok(exit::OK)
}
