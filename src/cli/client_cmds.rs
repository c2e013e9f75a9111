//! `cadlens login`, `logout` and `whoami`: the API key of a server kept in the OS keyring (cli.md "Client
//! side"). A key is checked against the server before it is stored, and never printed whole.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::client::{Client, RemoteError, credentials};
use crate::store::ApiKeyFormat;

use super::{GlobalArgs, exit};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  cadlens login --server http://127.0.0.1:8787\n  \
                        printf '%s\\n' \"$KEY\" | cadlens login --server https://cad.example.com")]
pub struct LoginArgs {
    /// The server (default: the one last logged in to, else the hosted API)
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  cadlens whoami --server http://127.0.0.1:8787")]
pub struct WhoamiArgs {
    /// The server (default: the one last logged in to, else the hosted API)
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Read the API key from this file (else CADLENS_KEY, else the OS keyring)
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

fn server_of(arg: Option<&str>) -> Result<String, String> {
    match arg {
        Some(url) => credentials::normalise_server(url).map_err(|e| e.to_string()),
        None => Ok(credentials::remembered_server()),
    }
}

fn fail(msg: impl std::fmt::Display) -> u8 {
    eprintln!("error: {msg}");
    exit::REMOTE
}

/// The key from the terminal (no echo) or, when stdin is not a terminal, its first line (no prompt).
fn read_key() -> Result<Zeroizing<String>, String> {
    let raw = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("API key: ").map_err(|e| format!("cannot read the key: {e}"))?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the key from stdin: {e}"))?;
        line
    };
    let key = Zeroizing::new(raw.trim().to_owned());
    if ApiKeyFormat::is_well_formed(&key) {
        Ok(key)
    } else {
        Err("that is not a cadlens API key (cadl_ followed by 48 lowercase hex digits, checksum included)".into())
    }
}

pub fn login(args: &LoginArgs, global: &GlobalArgs) -> u8 {
    let server = match server_of(args.server.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let key = match read_key() {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let prefix = ApiKeyFormat::display_prefix(&key).to_owned();
    // Checked before storing, so a typo never lands in the keyring.
    if let Err(e) = Client::new(&server, key.clone()).usage() {
        return fail(refusal(&server, e));
    }
    if let Err(e) = credentials::store_in_keyring(&server, &key) {
        return fail(e);
    }
    if let Err(e) = credentials::remember_server(&server) {
        return fail(e);
    }
    if !global.quiet {
        eprintln!("logged in to {server} with key {prefix}… (kept in the OS keyring)");
    }
    exit::OK
}

pub fn logout(args: &LoginArgs, global: &GlobalArgs) -> u8 {
    let server = match server_of(args.server.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    match credentials::remove_from_keyring(&server) {
        Ok(removed) => {
            if credentials::remembered_server() == server {
                credentials::forget_server();
            }
            if !global.quiet {
                let what = if removed { "removed the key of" } else { "no key was stored for" };
                eprintln!("{what} {server}");
            }
            exit::OK
        }
        Err(e) => fail(e),
    }
}

pub fn whoami(args: &WhoamiArgs) -> u8 {
    let server = match server_of(args.server.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let (key, source) = match credentials::find_key(args.key_file.as_deref(), &server) {
        Ok(found) => found,
        Err(e) => return fail(e),
    };
    let prefix = ApiKeyFormat::display_prefix(&key).to_owned();
    let usage = match Client::new(&server, key).usage() {
        Ok(u) => u,
        Err(e) => return fail(refusal(&server, e)),
    };
    let text = |k: &str| usage.get(k).and_then(serde_json::Value::as_str).unwrap_or("-").to_owned();
    let used = usage.get("used").map_or_else(|| "-".into(), ToString::to_string);
    println!("server  {server}");
    println!("key     {prefix}… (from {})", source.describe());
    println!("plan    {}", text("planLabel"));
    println!("used    {used} parse(s) since {}", text("periodStart"));
    exit::OK
}

fn refusal(server: &str, e: RemoteError) -> String {
    match e {
        RemoteError::Unauthorized(_) => format!("{server} refused the API key (revoked, expired or unknown)"),
        other => other.to_string(),
    }
}
