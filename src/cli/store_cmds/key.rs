//! `cadlens key create|list|revoke|rotate`. The raw key goes to stdout once, alone on its line, so
//! `KEY=$(cadlens key create …)` works; everything for people goes to stderr.

use clap::{Subcommand, ValueEnum};

use super::{ACTOR, CmdResult, StoreOpts, duration_arg, open, opt_time, print_json, print_table};
use crate::cli::{GlobalArgs, exit};
use crate::store::{ApiKey, CreatedKey, KeyEnv, NewKey, Scope, time};

#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    #[command(flatten)]
    store: StoreOpts,
    #[command(subcommand)]
    cmd: KeyCmd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScopeArg {
    /// Job routes and usage
    Parse,
    /// Key management
    Admin,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EnvArg {
    Live,
    Test,
}

#[derive(Debug, Subcommand)]
enum KeyCmd {
    /// Create an API key and print it once on stdout
    Create {
        /// The account the key acts for
        #[arg(long, value_name = "EMAIL")]
        account: String,
        /// A name to recognise the key by (1-64 characters)
        #[arg(long)]
        name: String,
        /// Scopes, comma-separated
        #[arg(long, value_enum, value_delimiter = ',', default_value = "parse", value_name = "S,...")]
        scope: Vec<ScopeArg>,
        /// Live or test data
        #[arg(long, value_enum, default_value_t = EnvArg::Live)]
        env: EnvArg,
        /// Lifetime, e.g. 90d, 24h (default: never expires)
        #[arg(long, value_name = "DURATION", value_parser = duration_arg)]
        expires: Option<i64>,
    },
    /// List keys (prefix and metadata only; never the key)
    List {
        #[arg(long, value_name = "EMAIL")]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key; the next request with it is refused
    Revoke {
        #[arg(value_name = "KEY-ID")]
        id: String,
    },
    /// Make a replacement key (printed once on stdout); the old key keeps working for the grace period
    Rotate {
        #[arg(value_name = "KEY-ID")]
        id: String,
        /// How long the old key still works, e.g. 24h, 1s, 0
        #[arg(long, value_name = "DURATION", value_parser = duration_arg, default_value = "24h")]
        grace: i64,
    },
}

pub fn run(args: KeyArgs, global: &GlobalArgs) -> CmdResult {
    let store = open(&args.store)?;
    let say = |msg: String| {
        if !global.quiet {
            eprintln!("{msg}");
        }
    };
    match args.cmd {
        KeyCmd::Create { account, name, scope, env, expires } => {
            let scopes =
                scope.iter().map(|s| if *s == ScopeArg::Admin { Scope::Admin } else { Scope::Parse }).collect();
            let env = match env {
                EnvArg::Live => KeyEnv::Live,
                EnvArg::Test => KeyEnv::Test,
            };
            let new = NewKey { account: &account, name: &name, scopes, env, expires_in: expires };
            let created = store.create_key(ACTOR, &new)?;
            show_once(&created);
            say(format!(
                "created {} ({}…) for {}, scopes {}, expires {}; the key above is shown only now",
                created.key.id,
                created.key.key_prefix,
                created.key.account,
                scope_list(&created.key),
                opt_time(created.key.expires_at)
            ));
        }
        KeyCmd::List { account, json } => {
            let keys = store.keys(account.as_deref())?;
            if json {
                for k in &keys {
                    print_json(k)?;
                }
            } else {
                let now = time::now_ms();
                let rows: Vec<Vec<String>> = keys.iter().map(|k| row(k, now)).collect();
                print_table(
                    &["ID", "PREFIX", "ACCOUNT", "NAME", "SCOPES", "ENV", "STATUS", "LAST USED", "EXPIRES"],
                    &rows,
                );
            }
        }
        KeyCmd::Revoke { id } => {
            let key = store.revoke_key(ACTOR, &id)?;
            say(format!("revoked {} ({}…)", key.id, key.key_prefix));
        }
        KeyCmd::Rotate { id, grace } => {
            let created = store.rotate_key(ACTOR, &id, grace)?;
            show_once(&created);
            let old = store.key(&id)?;
            say(format!(
                "rotated {id} -> {} ({}…); the old key works until {}; the key above is shown only now",
                created.key.id,
                created.key.key_prefix,
                opt_time(old.expires_at)
            ));
        }
    }
    Ok(exit::OK)
}

/// The one place a raw key and its webhook secret are ever printed. The key is alone on stdout so
/// `KEY=$(cadlens key create …)` keeps working; the secret goes to stderr, even with `--quiet`, because
/// this is the only moment it exists in clear (the store keeps it sealed).
fn show_once(created: &CreatedKey) {
    println!("{}", created.raw.as_str());
    eprintln!(
        "webhook secret (signs the webhooks of this key's jobs; shown only now): {}",
        created.webhook_secret.expose_text()
    );
}

fn scope_list(k: &ApiKey) -> String {
    k.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

fn row(k: &ApiKey, now: i64) -> Vec<String> {
    vec![
        k.id.clone(),
        k.key_prefix.clone(),
        k.account.clone(),
        k.name.clone(),
        scope_list(k),
        k.env.as_str().to_owned(),
        k.status(now).to_owned(),
        opt_time(k.last_used_at),
        opt_time(k.expires_at),
    ]
}
