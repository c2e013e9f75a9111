//! The store through the real binary on a real store in a temporary data dir, with the library's `verify`
//! (what `serve` will call) run against the very file the binary wrote.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use cadlens::store::{Store, StorePaths, VerifyError, time};

/// A temporary store: the data dir, and a master key file outside it (as the README recommends).
struct Env {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = common::temp_dir();
        let root = tmp.path().to_path_buf();
        Env { _tmp: tmp, root }
    }

    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    fn master_key(&self) -> PathBuf {
        self.root.join("keys").join("master.key")
    }

    /// Runs `cadlens ARGS` on this store (CADLENS_HOME and CADLENS_MASTER_KEY_FILE set, never the user's
    /// data dir), with `stdin` piped in when given.
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        std::fs::create_dir_all(self.root.join("keys")).expect("keys dir");
        let mut cmd = common::bin();
        cmd.args(args)
            .current_dir(&self.root)
            .env("CADLENS_HOME", self.data())
            .env("CADLENS_MASTER_KEY_FILE", self.master_key())
            .env_remove("CREDENTIALS_DIRECTORY")
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("cadlens runs");
        if let Some(text) = stdin {
            child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("cadlens finishes")
    }

    fn ok(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let out = self.run(args, stdin);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    fn store(&self) -> Store {
        let paths = StorePaths { data_dir: self.data(), master_key: self.master_key() };
        Store::open(&paths).expect("the library opens the binary's store")
    }

    fn create_account(&self, email: &str, password: &str) {
        self.ok(&["account", "create", email, "--password-stdin"], Some(&format!("{password}\n")));
    }

    /// `key create`; returns (key id, raw key from stdout).
    fn create_key(&self, email: &str, extra: &[&str]) -> (String, String) {
        let mut args = vec!["key", "create", "--account", email, "--name", "ci"];
        args.extend_from_slice(extra);
        let out = self.ok(&args, None);
        let raw = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let id = key_ids(&self.ok(&["key", "list", "--json"], None)).into_iter().next().expect("a key id");
        (id, raw)
    }
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Key ids from `key list --json`, newest first.
fn key_ids(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_owned))
        .collect()
}

fn count(haystack: &[u8], needle: &str) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count()
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(files(&path)) } else { out.push(path) }
    }
    out
}

/// A marker no file could contain by chance.
fn marker(label: &str) -> String {
    format!("{label}-{:x}-{}", std::process::id(), time::now_ms())
}

#[test]
fn raw_key_and_password_never_reach_disk_or_stderr() {
    let env = Env::new();
    let password = marker("MARKpassword");
    env.create_account("ann@example.com", &password);
    let create = env.ok(&["key", "create", "--account", "ann@example.com", "--name", "ci"], None);
    let raw = String::from_utf8_lossy(&create.stdout).trim().to_owned();
    assert!(raw.starts_with("cadl_") && raw.len() == 53, "{raw}");
    assert_eq!(count(&create.stdout, &raw), 1, "the key is on stdout exactly once");

    let mut outputs = vec![create];
    for args in [
        &["key", "list"][..],
        &["key", "list", "--json"],
        &["account", "list", "--json"],
        &["account", "show", "ann@example.com"],
        &["audit", "list"],
        &["audit", "export"],
        &["audit", "verify"],
    ] {
        outputs.push(env.ok(args, None));
    }
    let printed: usize = outputs.iter().map(|o| count(&o.stdout, &raw) + count(&o.stderr, &raw)).sum();
    assert_eq!(printed, 1, "nothing but key create's stdout prints the key");
    for o in &outputs {
        assert_eq!(count(&o.stderr, &password) + count(&o.stdout, &password), 0, "password printed");
    }

    // Keep the store open so the -wal and -shm files exist while they are searched.
    let store = env.store();
    store.verify(&raw).expect("the key verifies");
    let found = files(&env.data());
    let names: Vec<String> =
        found.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
    for side in ["cadlens.db", "cadlens.db-wal", "cadlens.db-shm"] {
        assert!(names.iter().any(|n| n == side), "{side} is there to search: {names:?}");
    }
    for file in found.iter().chain([env.master_key()].iter()) {
        let bytes = std::fs::read(file).expect("readable");
        assert_eq!(count(&bytes, &raw), 0, "raw key in {}", file.display());
        assert_eq!(count(&bytes, &raw[5..]), 0, "key digits in {}", file.display());
        assert_eq!(count(&bytes, &password), 0, "password in {}", file.display());
    }
}

#[test]
fn a_key_with_one_character_changed_is_refused_without_a_lookup() {
    let env = Env::new();
    env.create_account("ann@example.com", "long enough password");
    let (_, raw) = env.create_key("ann@example.com", &[]);
    let store = env.store();
    let audit_rows = store.audit_list(None).expect("audit").len();
    for i in 5..raw.len() {
        let mut chars: Vec<char> = raw.chars().collect();
        chars[i] = if chars[i] == '7' { '8' } else { '7' };
        let changed: String = chars.into_iter().collect();
        assert!(matches!(store.verify(&changed), Err(VerifyError::Malformed)), "position {i}");
    }
    assert_eq!(store.key_lookups(), 0, "no malformed key reached the database");
    assert_eq!(store.audit_list(None).expect("audit").len(), audit_rows, "and nothing was written");
    let verified = store.verify(&raw).expect("the real key verifies");
    assert_eq!(verified.email, "ann@example.com");
    assert_eq!(store.key_lookups(), 1);
}

#[test]
fn revoke_takes_effect_for_the_very_next_verification() {
    let env = Env::new();
    env.create_account("ann@example.com", "long enough password");
    let (id, raw) = env.create_key("ann@example.com", &[]);
    let store = env.store();
    store.verify(&raw).expect("works before");
    env.ok(&["key", "revoke", &id], None);
    assert!(matches!(store.verify(&raw), Err(VerifyError::Revoked)), "same open store, next call");
    let out = env.run(&["key", "revoke", &id], None);
    assert_eq!(out.status.code(), Some(1), "revoking twice fails");
}

#[test]
fn rotate_with_grace_keeps_both_then_only_the_new_key() {
    let env = Env::new();
    env.create_account("ann@example.com", "long enough password");
    let (id, old) = env.create_key("ann@example.com", &["--scope", "parse,admin"]);
    let out = env.ok(&["key", "rotate", &id, "--grace", "1s"], None);
    let (stdout, stderr) = text(&out);
    let new = stdout.trim().to_owned();
    assert!(new.starts_with("cadl_") && new != old);
    assert!(!stderr.contains(&new) && !stderr.contains(&old));
    let store = env.store();
    let started = std::time::Instant::now();
    store.verify(&old).expect("old key works during the grace period");
    let verified = store.verify(&new).expect("new key works at once");
    assert_eq!(verified.scopes.len(), 2, "the new key keeps the scopes");
    assert!(started.elapsed() < std::time::Duration::from_millis(900), "checked inside the grace period");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(matches!(store.verify(&old), Err(VerifyError::Expired)), "old key stops after the grace");
    store.verify(&new).expect("new key still works");
}

#[test]
fn expiry_is_honoured() {
    let env = Env::new();
    env.create_account("ann@example.com", "long enough password");
    let (_, raw) = env.create_key("ann@example.com", &["--expires", "1d"]);
    let store = env.store();
    let now = time::now_ms();
    store.verify_at(&raw, now + 23 * time::HOUR).expect("works before expiry");
    assert!(matches!(store.verify_at(&raw, now + 25 * time::HOUR), Err(VerifyError::Expired)));
}

#[test]
fn audit_verify_names_an_edited_row() {
    let env = Env::new();
    env.create_account("ann@example.com", "long enough password");
    env.create_account("bob@example.com", "long enough password");
    env.create_key("ann@example.com", &[]);
    env.ok(&["account", "disable", "bob@example.com"], None);
    env.ok(&["audit", "verify"], None);
    {
        // The same edit `sqlite3 cadlens.db "UPDATE audit SET target=… WHERE seq=2"` makes.
        let conn = rusqlite::Connection::open(env.data().join("cadlens.db")).expect("db");
        conn.execute("UPDATE audit SET target = 'mallory@example.com' WHERE seq = 2", []).expect("edit");
    }
    let out = env.run(&["audit", "verify"], None);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("audit row 2:") && stderr.contains("edited"), "{stderr}");
    assert!(!stderr.contains("audit row 3:"), "only the edited row is named: {stderr}");
}

#[test]
fn backup_then_restore_into_an_empty_data_dir() {
    let env = Env::new();
    let password = marker("MARKpassword");
    env.create_account("ann@example.com", &password);
    env.create_account("bob@example.com", "long enough password");
    let (_, raw) = env.create_key("ann@example.com", &["--expires", "90d"]);
    let backup = env.root.join("store.bak");
    env.ok(&["backup", backup.to_str().expect("utf-8 path")], None);
    let bytes = std::fs::read(&backup).expect("backup written");
    for secret in [raw.as_str(), &password, "ann@example.com", "SQLite format 3"] {
        assert_eq!(count(&bytes, secret), 0, "{secret} readable in the backup");
    }
    let accounts_before = env.ok(&["account", "list", "--json"], None).stdout;
    let keys_before = env.ok(&["key", "list", "--json"], None).stdout;
    let audit_before = env.ok(&["audit", "export"], None).stdout;

    std::fs::remove_dir_all(env.data()).expect("data dir deleted (the master key is kept apart)");

    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let bad = env.root.join("flipped.bak");
    std::fs::write(&bad, &flipped).expect("write");
    let out = env.run(&["restore", bad.to_str().expect("utf-8 path")], None);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("backup refused"), "{stderr}");
    assert_eq!(env.ok(&["account", "list", "--json"], None).stdout, b"", "nothing was restored");

    env.ok(&["restore", backup.to_str().expect("utf-8 path")], None);
    assert_eq!(env.ok(&["account", "list", "--json"], None).stdout, accounts_before);
    assert_eq!(env.ok(&["key", "list", "--json"], None).stdout, keys_before);
    let audit_after = env.ok(&["audit", "export"], None).stdout;
    assert!(audit_after.starts_with(&audit_before[..audit_before.len() - 1]), "every audit row is back");
    env.ok(&["audit", "verify"], None);
    env.store().verify(&raw).expect("the key verifies after the restore");
}

#[test]
fn restore_without_the_master_key_is_refused() {
    let env = Env::new();
    env.create_account("ann@example.com", "long enough password");
    let backup = env.root.join("store.bak");
    env.ok(&["backup", backup.to_str().expect("utf-8 path")], None);
    std::fs::remove_dir_all(env.data()).expect("rm data");
    std::fs::remove_file(env.master_key()).expect("rm key");
    let out = env.run(&["restore", backup.to_str().expect("utf-8 path")], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("master key"), "{}", text(&out).1);
    assert!(!env.master_key().exists(), "restore never makes a new master key");
}

#[test]
fn no_prompt_without_a_terminal_and_exit_codes() {
    let env = Env::new();
    let out = env.run(&["account", "create", "ann@example.com"], None);
    assert_eq!(out.status.code(), Some(2), "no terminal, no --password-stdin: usage error");
    assert!(text(&out).1.contains("--password-stdin"));
    assert_eq!(
        env.run(&["account", "create", "not-an-email", "--password-stdin"], Some("long enough password")).status.code(),
        Some(2)
    );
    assert_eq!(
        env.run(&["account", "create", "ann@example.com", "--password-stdin"], Some("short")).status.code(),
        Some(2)
    );
    assert_eq!(env.run(&["account", "show", "nobody@example.com"], None).status.code(), Some(1));
    assert_eq!(
        env.run(&["key", "create", "--account", "a@example.com", "--name", "x", "--expires", "soon"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(env.run(&["key", "revoke", "key_doesnotexist"], None).status.code(), Some(1));
    env.create_account("ann@example.com", "long enough password");
    assert_eq!(
        env.run(&["account", "create", "ANN@example.com", "--password-stdin"], Some("long enough password"))
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn delete_removes_the_accounts_keys() {
    let env = Env::new();
    env.create_account("ann@example.com", "long enough password");
    let (_, raw) = env.create_key("ann@example.com", &[]);
    env.ok(&["account", "delete", "ann@example.com"], None);
    assert_eq!(env.ok(&["key", "list", "--json"], None).stdout, b"");
    assert!(matches!(env.store().verify(&raw), Err(VerifyError::Unknown)));
    env.ok(&["audit", "verify"], None);
}

#[test]
fn concurrent_commands_keep_one_unbroken_audit_chain() {
    let env = Env::new();
    // Four processes at once from the very first use (creating the store and the master key together),
    // then writing at once: each write takes the lock before it reads the chain's tail.
    std::thread::scope(|s| {
        for t in 0..4 {
            let env = &env;
            s.spawn(move || {
                let email = format!("user{t}@example.com");
                env.create_account(&email, "long enough password");
                for i in 0..2 {
                    let name = format!("k{t}-{i}");
                    env.ok(&["key", "create", "--account", &email, "--name", &name], None);
                }
            });
        }
    });
    assert_eq!(key_ids(&env.ok(&["key", "list", "--json"], None)).len(), 8);
    let out = env.ok(&["audit", "verify"], None);
    assert!(text(&out).1.contains("12 rows"), "{}", text(&out).1);
}
