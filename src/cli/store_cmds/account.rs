//! `cadlens account create|list|show|disable|enable|passwd|delete`.

use clap::{Subcommand, ValueEnum};

use super::{ACTOR, CmdResult, StoreOpts, open, opt_time, print_json, print_table, read_password};
use crate::cli::{GlobalArgs, exit};
use crate::store::{Account, Role};

#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    #[command(flatten)]
    store: StoreOpts,
    #[command(subcommand)]
    cmd: AccountCmd,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Owner,
    Admin,
    Member,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Owner => Role::Owner,
            RoleArg::Admin => Role::Admin,
            RoleArg::Member => Role::Member,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

#[derive(Debug, Subcommand)]
enum AccountCmd {
    /// Create an account; the password is read from the terminal (no echo) or stdin, never argv
    Create {
        /// Email address (trimmed and lowercased)
        email: String,
        /// What the account may do
        #[arg(long, value_enum, default_value_t = RoleArg::Member)]
        role: RoleArg,
        /// Read the password from stdin (one trailing newline is dropped)
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts (a table on stderr, or JSON lines on stdout with --json)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one account
    Show {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: its API keys stop working at once
    Disable { email: String },
    /// Enable a disabled account
    Enable { email: String },
    /// Set a new password (terminal without echo, or --password-stdin)
    Passwd {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Delete an account with its API keys and jobs
    Delete { email: String },
}

pub fn run(args: AccountArgs, global: &GlobalArgs) -> CmdResult {
    let store = open(&args.store)?;
    let say = |msg: String| {
        if !global.quiet {
            eprintln!("{msg}");
        }
    };
    match args.cmd {
        AccountCmd::Create { email, role, password_stdin } => {
            let password = read_password(password_stdin)?;
            let account = store.create_account(ACTOR, &email, role.into(), &password)?;
            say(format!("created account {} ({})", account.email, account.role.as_str()));
        }
        AccountCmd::List { json } => {
            let accounts = store.accounts()?;
            if json {
                for a in &accounts {
                    print_json(a)?;
                }
            } else {
                print_table(
                    &["EMAIL", "ROLE", "KEYS", "CREATED", "DISABLED"],
                    &accounts.iter().map(row).collect::<Vec<_>>(),
                );
            }
        }
        AccountCmd::Show { email, json } => {
            let account = store.account(&email)?;
            if json {
                return print_json(&account);
            }
            print_table(&["EMAIL", "ROLE", "KEYS", "CREATED", "DISABLED"], &[row(&account)]);
        }
        AccountCmd::Disable { email } => {
            let a = store.set_account_disabled(ACTOR, &email, true)?;
            say(format!("disabled {}; its keys no longer verify", a.email));
        }
        AccountCmd::Enable { email } => {
            let a = store.set_account_disabled(ACTOR, &email, false)?;
            say(format!("enabled {}", a.email));
        }
        AccountCmd::Passwd { email, password_stdin } => {
            store.account(&email)?;
            let password = read_password(password_stdin)?;
            store.set_password(ACTOR, &email, &password)?;
            say(format!("password changed for {}", email.trim().to_lowercase()));
        }
        AccountCmd::Delete { email } => {
            store.delete_account(ACTOR, &email)?;
            say(format!("deleted {} with its keys and jobs", email.trim().to_lowercase()));
        }
    }
    Ok(exit::OK)
}

fn row(a: &Account) -> Vec<String> {
    vec![
        a.email.clone(),
        a.role.as_str().to_owned(),
        a.key_count.to_string(),
        opt_time(Some(a.created_at)),
        opt_time(a.disabled_at),
    ]
}
