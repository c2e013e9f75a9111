//! Library tests of the store on real files in temporary directories (never the user's data dir).

use std::os::unix::fs::PermissionsExt;

use super::*;

const PW: &str = "correct horse battery staple";

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn open(dir: &std::path::Path) -> Store {
    Store::open(&StorePaths::in_dir(dir.join("data"))).expect("the store opens")
}

fn with_key(store: &Store, expires_in: Option<i64>) -> CreatedKey {
    if store.account("ann@example.com").is_err() {
        store.create_account("test", "ann@example.com", Role::Member, PW).expect("account");
    }
    let new = NewKey { account: "ann@example.com", name: "ci", scopes: vec![], env: KeyEnv::Live, expires_in };
    store.create_key("test", &new).expect("key")
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0)
}

#[test]
fn first_use_creates_private_files_wal_and_foreign_keys() {
    let dir = temp();
    let store = open(dir.path());
    let data = dir.path().join("data");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join(DB_FILE)), 0o600);
    assert_eq!(mode(&data.join(MASTER_KEY_FILE)), 0o600);
    with_key(&store, None);
    for side in ["cadlens.db-wal", "cadlens.db-shm"] {
        assert_eq!(mode(&data.join(side)), 0o600, "{side}");
    }
    let journal: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("pragma");
    assert_eq!(journal, "wal");
    let fk: i64 = store.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).expect("pragma");
    assert_eq!(fk, 1);
}

#[test]
fn an_existing_data_dir_is_not_chmod_ed_but_the_files_are_private() {
    let dir = temp();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).expect("dir");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    drop(Store::open(&StorePaths::in_dir(&shared)).expect("opens"));
    assert_eq!(mode(&shared), 0o755, "left as it was");
    assert_eq!(mode(&shared.join(DB_FILE)), 0o600);
    assert_eq!(mode(&shared.join(MASTER_KEY_FILE)), 0o600);
}

#[test]
fn migrations_run_once_from_every_earlier_version() {
    for start in 0..=schema::latest() {
        let dir = temp();
        let paths = StorePaths::in_dir(dir.path().join("data"));
        std::fs::create_dir_all(&paths.data_dir).expect("dir");
        {
            let mut conn = rusqlite::Connection::open(paths.db()).expect("db");
            schema::migrate_to(&mut conn, start).expect("partial migration");
            assert_eq!(schema::version(&conn).ok(), Some(start));
            if start >= 1 {
                conn.execute(
                    "INSERT INTO accounts (email, role, password_hash, created_at) VALUES ('old@example.com', 'viewer', 'x', 1)",
                    [],
                )
                .expect("old row");
            }
        }
        let store = Store::open(&paths).expect("opens and migrates");
        assert_eq!(schema::version(&store.conn).ok(), Some(schema::latest()), "from {start}");
        assert_eq!(store.accounts().map(|a| a.len()).ok(), Some(usize::from(start >= 1)), "data kept from {start}");
        drop(store);
        let mut conn = rusqlite::Connection::open(paths.db()).expect("db");
        assert_eq!(schema::migrate(&mut conn).ok(), Some(0), "nothing runs twice (from {start})");
    }
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = temp();
    let paths = StorePaths::in_dir(dir.path().join("data"));
    drop(Store::open(&paths).expect("opens"));
    let conn = rusqlite::Connection::open(paths.db()).expect("db");
    conn.pragma_update(None, "user_version", schema::latest() + 1).expect("bump");
    drop(conn);
    assert!(matches!(Store::open(&paths), Err(StoreError::SchemaTooNew { .. })));
}

#[test]
fn a_different_or_missing_master_key_is_refused() {
    let dir = temp();
    let paths = StorePaths::in_dir(dir.path().join("data"));
    let store = Store::open(&paths).expect("opens");
    with_key(&store, None);
    drop(store);
    std::fs::remove_file(&paths.master_key).expect("rm");
    assert!(matches!(Store::open(&paths), Err(StoreError::MasterKey { .. })), "missing key is not re-created");
    let other = temp();
    let other_paths = StorePaths::in_dir(other.path());
    drop(Store::open(&other_paths).expect("another store"));
    std::fs::copy(&other_paths.master_key, &paths.master_key).expect("copy");
    assert!(matches!(Store::open(&paths), Err(StoreError::MasterKeyMismatch)));
    std::fs::set_permissions(&paths.master_key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    assert!(matches!(Store::open(&paths), Err(StoreError::MasterKey { .. })), "0644 key refused");
}

#[test]
fn accounts_lifecycle_and_login() {
    let dir = temp();
    let store = open(dir.path());
    let ann = store.create_account("test", " Ann@Example.com", Role::Admin, PW).expect("create");
    assert_eq!(ann.email, "ann@example.com");
    assert!(matches!(
        store.create_account("test", "ann@example.com", Role::Viewer, PW),
        Err(StoreError::AccountExists(_))
    ));
    let hash: String = store.conn.query_row("SELECT password_hash FROM accounts", [], |r| r.get(0)).expect("hash");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(store.login("test", "ann@example.com", PW).expect("login").is_some());
    assert!(store.login("test", "ann@example.com", "wrong password").expect("login").is_none());
    assert!(store.login("test", "bob@example.com", PW).expect("login").is_none());
    store.set_account_disabled("test", "ann@example.com", true).expect("disable");
    assert!(store.login("test", "ann@example.com", PW).expect("login").is_none());
    store.set_account_disabled("test", "ann@example.com", false).expect("enable");
    store.set_password("test", "ann@example.com", "another long password").expect("passwd");
    assert!(store.login("test", "ann@example.com", "another long password").expect("login").is_some());
}

#[test]
fn login_replaces_a_weaker_hash() {
    let dir = temp();
    let store = open(dir.path());
    store.create_account("test", "ann@example.com", Role::Member, PW).expect("create");
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(8192, 1, 1, Some(32)).expect("params"),
    );
    let weak = argon2::PasswordHasher::hash_password(&weak, PW.as_bytes()).expect("weak hash").to_string();
    store.conn.execute("UPDATE accounts SET password_hash = ?1", [&weak]).expect("plant a weak hash");
    assert!(store.login("test", "ann@example.com", PW).expect("login").is_some());
    let hash: String = store.conn.query_row("SELECT password_hash FROM accounts", [], |r| r.get(0)).expect("hash");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    assert!(store.login("test", "ann@example.com", PW).expect("login").is_some());
}

#[test]
fn delete_removes_keys_and_jobs() {
    let dir = temp();
    let store = open(dir.path());
    let key = with_key(&store, None);
    let account = store.account("ann@example.com").expect("account").id;
    store.create_job("test", &new_job(&key, account), time::now_ms()).expect("job");
    store.delete_account("test", "ann@example.com").expect("delete");
    for table in ["accounts", "api_keys", "jobs", "usage"] {
        let n: i64 = store.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count");
        assert_eq!(n, 0, "{table}");
    }
    assert!(matches!(store.verify(&key.raw), Err(VerifyError::Unknown)));
}

#[test]
fn malformed_keys_never_reach_the_database() {
    let dir = temp();
    let store = open(dir.path());
    let key = with_key(&store, None);
    let mut changed: Vec<char> = key.raw.chars().collect();
    changed[20] = if changed[20] == 'a' { 'b' } else { 'a' };
    let changed: String = changed.into_iter().collect();
    let audit_rows = store.audit_list(None).expect("audit").len();
    assert!(matches!(store.verify(&changed), Err(VerifyError::Malformed)));
    assert!(matches!(store.verify(""), Err(VerifyError::Malformed)));
    assert_eq!(store.key_lookups(), 0);
    assert_eq!(store.audit_list(None).expect("audit").len(), audit_rows, "no write either");
    let ok = store.verify(&key.raw).expect("the real key verifies");
    assert_eq!((ok.email.as_str(), ok.scopes.as_slice()), ("ann@example.com", &[Scope::Parse][..]));
    assert_eq!(store.key_lookups(), 1);
}

#[test]
fn revoke_takes_effect_on_the_next_verification() {
    let dir = temp();
    let store = open(dir.path());
    let key = with_key(&store, None);
    store.verify(&key.raw).expect("works");
    store.revoke_key("test", &key.key.id).expect("revoke");
    assert!(matches!(store.verify(&key.raw), Err(VerifyError::Revoked)));
    let last = store.audit_list(None).expect("audit").pop().expect("a row");
    assert_eq!((last.action.as_str(), last.detail.as_str()), ("key.rejected", "revoked key"));
}

#[test]
fn rotation_grace_then_only_the_new_key() {
    let dir = temp();
    let store = open(dir.path());
    let old = with_key(&store, None);
    let t0 = time::now_ms();
    let new = store.rotate_key_at("test", &old.key.id, 24 * time::HOUR, t0).expect("rotate");
    assert_ne!(new.raw.as_str(), old.raw.as_str());
    for t in [t0, t0 + 23 * time::HOUR] {
        store.verify_at(&old.raw, t).expect("old key works in the grace period");
        store.verify_at(&new.raw, t).expect("new key works");
    }
    let after = t0 + 24 * time::HOUR;
    assert!(matches!(store.verify_at(&old.raw, after), Err(VerifyError::Expired)));
    store.verify_at(&new.raw, after).expect("new key still works");
    assert!(matches!(store.rotate_key("test", &old.key.id, 0), Err(StoreError::KeyNotActive(_))));
    let newer = store.rotate_key("test", &new.key.id, 0).expect("rotate with no grace");
    assert!(matches!(store.verify(&new.raw), Err(VerifyError::Expired)));
    store.verify(&newer.raw).expect("newest works");
}

#[test]
fn expiry_is_honoured_and_disabled_accounts_refused() {
    let dir = temp();
    let store = open(dir.path());
    let key = with_key(&store, Some(90 * time::DAY));
    let now = time::now_ms();
    store.verify_at(&key.raw, now + 89 * time::DAY).expect("before expiry");
    assert!(matches!(store.verify_at(&key.raw, now + 91 * time::DAY), Err(VerifyError::Expired)));
    store.set_account_disabled("test", "ann@example.com", true).expect("disable");
    assert!(matches!(store.verify(&key.raw), Err(VerifyError::AccountDisabled)));
}

#[test]
fn audit_chain_detects_edit_delete_and_reorder() {
    let dir = temp();
    let store = open(dir.path());
    for i in 0..5 {
        store.record("test", "job.create", &format!("job_{i}"), "ok", "").expect("record");
    }
    assert!(store.audit_verify().expect("verify").ok());

    store.conn.execute("UPDATE audit SET target = 'job_x' WHERE seq = 3", []).expect("edit");
    let report = store.audit_verify().expect("verify");
    assert_eq!(report.problems.iter().map(|p| p.seq).collect::<Vec<_>>(), [3], "{:?}", report.problems);
    store.conn.execute("UPDATE audit SET target = 'job_2' WHERE seq = 3", []).expect("undo");
    assert!(store.audit_verify().expect("verify").ok());

    store.conn.execute("DELETE FROM audit WHERE seq = 2", []).expect("delete");
    let report = store.audit_verify().expect("verify");
    assert_eq!(report.problems.first().map(|p| p.seq), Some(3), "{:?}", report.problems);

    let dir = temp();
    let store = open(dir.path());
    for i in 0..4 {
        store.record("test", "job.create", &format!("job_{i}"), "ok", "").expect("record");
    }
    store.conn.execute_batch("UPDATE audit SET seq = 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 100;").expect("swap");
    let seqs: Vec<i64> = store.audit_verify().expect("verify").problems.iter().map(|p| p.seq).collect();
    assert!(seqs.contains(&2) && seqs.contains(&3), "{seqs:?}");

    store.conn.execute("DELETE FROM audit WHERE seq = 4", []).expect("cut the tail");
    let problems = store.audit_verify().expect("verify").problems;
    assert!(problems.iter().any(|p| p.message.contains("missing from the end")), "{problems:?}");
}

#[test]
fn backup_round_trip_and_tamper_refusal() {
    let dir = temp();
    let paths = StorePaths { data_dir: dir.path().join("data"), master_key: dir.path().join("master.key") };
    let store = Store::open(&paths).expect("opens");
    let key = with_key(&store, None);
    let file = dir.path().join("store.bak");
    store.backup("test", &file).expect("backup");
    assert_eq!(mode(&file), 0o600);
    let before = store.audit_list(None).expect("audit").len();
    drop(store);
    std::fs::remove_dir_all(&paths.data_dir).expect("rm data dir");

    let bytes = std::fs::read(&file).expect("read");
    for at in [0, 9, 20, bytes.len() / 2, bytes.len() - 1] {
        let mut bad = bytes.clone();
        bad[at] ^= 1;
        let bad_file = dir.path().join(format!("bad{at}.bak"));
        std::fs::write(&bad_file, bad).expect("write");
        let mut store = Store::open_with(&paths, MasterKeyMode::MustExist).expect("fresh store");
        assert!(store.restore("test", &bad_file).is_err(), "flipped byte {at} refused");
        assert!(store.accounts().expect("list").is_empty(), "nothing replaced");
    }

    let mut store = Store::open_with(&paths, MasterKeyMode::MustExist).expect("fresh store");
    let restored = store.restore("test", &file).expect("restore");
    assert_eq!((restored.accounts, restored.keys), (1, 1));
    assert_eq!(store.audit_list(None).expect("audit").len(), before + 1, "all rows back, plus the restore");
    assert!(store.audit_verify().expect("verify").ok());
    store.verify(&key.raw).expect("the key works after restore");
}

mod chain_properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Any single-field edit of any one row is reported at exactly that row.
        #[test]
        fn any_single_edit_is_named(rows in 2i64..12, pick in 0i64..1000, field in 0usize..6, value in "[a-z0-9]{1,12}") {
            let dir = temp();
            let store = open(dir.path());
            for i in 0..rows {
                store.record("prop", "job.create", &format!("job_{i}"), "ok", "").expect("record");
            }
            let seq = 1 + pick % rows;
            let column = ["actor", "action", "target", "outcome", "detail", "at"][field];
            let sql = if column == "at" {
                format!("UPDATE audit SET at = at + {} WHERE seq = ?1", 1 + value.len())
            } else {
                format!("UPDATE audit SET {column} = {column} || '{value}' WHERE seq = ?1")
            };
            store.conn.execute(&sql, [seq]).expect("edit");
            let report = store.audit_verify().expect("verify");
            prop_assert_eq!(report.problems.iter().map(|p| p.seq).collect::<Vec<_>>(), vec![seq]);
        }
    }
}

fn new_job<'a>(key: &'a CreatedKey, account_id: i64) -> NewJob<'a> {
    NewJob {
        account_id,
        key_id: &key.key.id,
        file_name: "bracket.dxf",
        file_size: 1234,
        format: "DXF",
        webhook_url: None,
        result_schema: None,
        retention_ms: time::DAY,
    }
}

#[test]
fn jobs_move_forward_only_and_belong_to_their_key() {
    let dir = temp();
    let store = open(dir.path());
    let a = with_key(&store, None);
    let b = with_key(&store, None);
    let account = store.account("ann@example.com").expect("account").id;
    let now = time::now_ms();
    let job = store.create_job("test", &new_job(&a, account), now).expect("job");
    assert!(is_job_id(&job.id), "{}", job.id);
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.expires_at, now + time::DAY);
    assert!(store.job_for_key(&job.id, &b.key.id).expect("query").is_none(), "another key sees nothing");
    assert_eq!(store.jobs_for_key(&b.key.id, None, 100).expect("list").len(), 0);
    assert_eq!(store.jobs_for_key(&a.key.id, Some(JobStatus::Pending), 100).expect("list").len(), 1);
    assert!(store.start_job(&job.id, now + 1).expect("start"));
    assert!(!store.start_job(&job.id, now + 2).expect("start twice"), "only a pending job starts");
    let done = JobEnd::Completed { entity_count: 5, layer_count: 2, preview_count: 1 };
    assert!(store.finish_job(&job.id, &done, now + 3).expect("finish"));
    let failed = JobEnd::Failed { message: "late".into(), billable: false };
    assert!(!store.finish_job(&job.id, &failed, now + 4).expect("no second end"), "terminal states never change");
    let got = store.job_for_key(&job.id, &a.key.id).expect("query").expect("found");
    assert_eq!((got.status, got.entity_count, got.completed_at), (JobStatus::Completed, Some(5), Some(now + 3)));
    assert!(store.mark_result_delivered(&job.id, now + 5).expect("deliver"));
    assert!(!store.mark_result_delivered(&job.id, now + 6).expect("deliver again"));
    assert!(!store.delete_job("test", &job.id, Some(&b.key.id), now).expect("foreign delete"));
    assert!(store.delete_job("test", &job.id, Some(&a.key.id), now).expect("delete"));
    assert!(store.job(&job.id).expect("query").is_none());
}

#[test]
fn usage_counts_accepted_jobs_and_refunds_server_side_failures() {
    let dir = temp();
    let store = open(dir.path());
    let a = with_key(&store, None);
    let account = store.account("ann@example.com").expect("account").id;
    let now = time::now_ms();
    let ids: Vec<String> =
        (0..3).map(|_| store.create_job("test", &new_job(&a, account), now).expect("job").id).collect();
    for id in &ids {
        assert!(store.start_job(id, now).expect("start"));
    }
    let crash = JobEnd::Failed { message: "The parser crashed.".into(), billable: false };
    let bad_input = JobEnd::Failed { message: "DXF: bad".into(), billable: true };
    store.finish_job(&ids[0], &crash, now).expect("finish");
    store.finish_job(&ids[1], &bad_input, now).expect("finish");
    store.delete_job("test", &ids[2], None, now).expect("delete");
    let usage = store.usage(account, now).expect("usage");
    assert_eq!((usage.parses, usage.bytes, usage.failed, usage.processing), (2, 3 * 1234, 2, 0));
}

#[test]
fn job_files_are_encrypted_bound_to_their_job_and_purged_with_it() {
    let dir = temp();
    let store = open(dir.path());
    let a = with_key(&store, None);
    let account = store.account("ann@example.com").expect("account").id;
    let now = time::now_ms();
    let one = store.create_job("test", &new_job(&a, account), now).expect("job");
    let two = store.create_job("test", &new_job(&a, account), now).expect("job");
    let marker = b"PLAINTEXT-MARKER-0123456789";
    store.put_job_file(&one.id, ORIGINAL, marker).expect("put");
    let path = store.jobs_dir().join(&one.id).join(ORIGINAL);
    let raw = std::fs::read(&path).expect("file");
    assert!(!raw.windows(marker.len()).any(|w| w == marker), "no plaintext on disk");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(store.job_file_bytes(&one.id, ORIGINAL).expect("get").as_deref().map(|v| &v[..]), Some(&marker[..]));
    std::fs::create_dir_all(store.jobs_dir().join(&two.id)).expect("dir");
    std::fs::copy(&path, store.jobs_dir().join(&two.id).join(ORIGINAL)).expect("copy");
    assert!(store.job_file_bytes(&two.id, ORIGINAL).is_err(), "a file moved to another job fails authentication");
    assert!(store.job_file_bytes(&one.id, "../x").is_err());
    assert_eq!(store.purge_jobs("test", now + time::DAY).expect("purge"), 2);
    assert!(!store.jobs_dir().join(&one.id).exists());
    assert!(store.job(&two.id).expect("query").is_none());
}

#[test]
fn recovery_requeues_interrupted_jobs_and_fails_them_after_two_retries() {
    let dir = temp();
    let store = open(dir.path());
    let a = with_key(&store, None);
    let account = store.account("ann@example.com").expect("account").id;
    let now = time::now_ms();
    let job = store.create_job("test", &new_job(&a, account), now).expect("job");
    for round in 1..=3 {
        assert!(store.start_job(&job.id, now).expect("start"), "round {round}");
        let pending = store.recover_jobs(3, now).expect("recover");
        let status = store.job(&job.id).expect("query").map(|j| j.status);
        if round < 3 {
            assert_eq!((pending, status), (vec![job.id.clone()], Some(JobStatus::Pending)));
        } else {
            assert_eq!((pending.len(), status), (0, Some(JobStatus::Failed)));
        }
    }
}

#[test]
fn webhook_secrets_are_sealed_per_key_and_open_only_under_their_own_key_id() {
    let dir = temp();
    let store = open(dir.path());
    let a = with_key(&store, None);
    let b = with_key(&store, None);
    assert!(a.key.has_webhook_secret);
    let text = a.webhook_secret.expose_text().to_owned();
    assert!(text.starts_with("whsec_"));
    let back = store.webhook_secret(&a.key.id).expect("read").expect("a secret");
    assert_eq!(back.expose_text(), text);
    assert_ne!(store.webhook_secret(&b.key.id).expect("read").expect("b").expose_text(), text);
    // Neither the whsec_ text nor the raw bytes are anywhere in the database files.
    let raw = a.webhook_secret.bytes().to_vec();
    store.conn.execute_batch("PRAGMA wal_checkpoint(FULL)").expect("checkpoint");
    for f in [DB_FILE, "cadlens.db-wal"] {
        let bytes = std::fs::read(dir.path().join("data").join(f)).unwrap_or_default();
        assert!(!bytes.windows(text.len()).any(|w| w == text.as_bytes()), "{f} holds the text");
        assert!(!bytes.windows(raw.len()).any(|w| w == raw.as_slice()), "{f} holds the bytes");
    }
    // A's sealed secret copied onto B's row does not open (the key id is associated data).
    store
        .conn
        .execute(
            "UPDATE api_keys SET webhook_secret = (SELECT webhook_secret FROM api_keys WHERE id = ?1) WHERE id = ?2",
            [&a.key.id, &b.key.id],
        )
        .expect("copy");
    assert!(matches!(store.webhook_secret(&b.key.id), Err(StoreError::Crypto(_))));
    // A key from before webhooks has none, and says so in its listing.
    store.conn.execute("UPDATE api_keys SET webhook_secret = NULL WHERE id = ?1", [&a.key.id]).expect("clear");
    assert!(store.webhook_secret(&a.key.id).expect("read").is_none());
    assert!(!store.key(&a.key.id).expect("key").has_webhook_secret);
    // Rotation gives the successor a fresh secret.
    let rotated = store.rotate_key("test", &a.key.id, 0).expect("rotate");
    assert!(rotated.key.has_webhook_secret);
    assert_ne!(rotated.webhook_secret.expose_text(), text);
    // Signing uses the predecessor's secret too only while it still works (grace 0: not at all).
    let signing = store.webhook_signing_secrets(&rotated.key.id, time::now_ms()).expect("secrets");
    assert_eq!(
        signing.iter().map(|s| s.expose_text().to_owned()).collect::<Vec<_>>(),
        [rotated.webhook_secret.expose_text()]
    );
    let t0 = time::now_ms();
    let graced = store.rotate_key_at("test", &rotated.key.id, time::HOUR, t0).expect("rotate with grace");
    let texts = |at: i64| -> Vec<String> {
        let got = store.webhook_signing_secrets(&graced.key.id, at).expect("secrets");
        got.iter().map(|s| s.expose_text().to_owned()).collect()
    };
    assert_eq!(texts(t0 + 1), [graced.webhook_secret.expose_text(), rotated.webhook_secret.expose_text()]);
    assert_eq!(texts(t0 + time::HOUR), [graced.webhook_secret.expose_text()], "grace over");
}

#[test]
fn webhook_events_are_numbered_per_job_delivered_in_order_and_deleted_with_the_job() {
    let dir = temp();
    let store = open(dir.path());
    let key = with_key(&store, None);
    let account = store.account("ann@example.com").expect("account").id;
    let now = time::now_ms();
    let mut new = new_job(&key, account);
    new.webhook_url = Some("https://hooks.example.com/cad");
    let job = store.create_job("test", &new, now).expect("job");
    let first = store.add_webhook_event(&job.id, "job.processing", now, |seq, id| format!("{seq} {id}").into_bytes());
    let first = first.expect("event 1");
    let second = store.add_webhook_event(&job.id, "job.completed", now, |seq, _| seq.to_string().into_bytes());
    let second = second.expect("event 2");
    assert_eq!((first.sequence, second.sequence), (1, 2));
    let body = store.webhook_body(&job.id, 1).expect("read").expect("body");
    assert_eq!(String::from_utf8_lossy(&body), format!("1 {}", first.event_id));
    // Only the first is claimable while it is pending; claiming leases it.
    let due = store.claim_webhook_deliveries(now, now + 30_000, 10).expect("claim");
    assert_eq!(due.iter().map(|d| d.delivery.sequence).collect::<Vec<_>>(), vec![1]);
    assert_eq!(due[0].url, "https://hooks.example.com/cad");
    assert_eq!(store.next_webhook_due().expect("next"), Some(now + 30_000));
    assert!(store.claim_webhook_deliveries(now, now + 30_000, 10).expect("claim").is_empty());
    // A start releases the claim of an attempt a crash cut off; a recorded attempt is no longer leased.
    assert_eq!(store.release_webhook_leases(now + 5).expect("release"), 1);
    assert_eq!(store.next_webhook_due().expect("next"), Some(now + 5));
    assert_eq!(store.claim_webhook_deliveries(now + 5, now + 30_000, 10).expect("claim").len(), 1);
    let failed = WebhookAttempt {
        at: now,
        status: Some(500),
        error: Some("HTTP 500"),
        delivered: false,
        retry_at: Some(now + 2_000),
    };
    assert!(store.record_webhook_attempt(&first.event_id, &failed).expect("record"));
    assert_eq!(store.release_webhook_leases(now + 6).expect("release"), 0, "a backoff is not a lease");
    let ok = WebhookAttempt { at: now + 2_000, status: Some(204), error: None, delivered: true, retry_at: None };
    assert!(store.record_webhook_attempt(&first.event_id, &ok).expect("record"));
    let rows = store.webhook_deliveries(&job.id).expect("list");
    assert_eq!((rows[0].attempts, rows[0].last_status, rows[0].delivered_at), (2, Some(204), Some(now + 2_000)));
    assert_eq!(rows[0].next_attempt_at, None);
    // Now the second is due.
    let due = store.claim_webhook_deliveries(now + 2_000, now + 32_000, 10).expect("claim");
    assert_eq!(due.iter().map(|d| d.delivery.sequence).collect::<Vec<_>>(), vec![2]);
    // Deleting the job stops it: the rows are gone and a late attempt records nothing.
    assert!(store.delete_job("test", &job.id, None, now).expect("delete"));
    assert!(store.webhook_deliveries(&job.id).expect("list").is_empty());
    assert!(!store.record_webhook_attempt(&second.event_id, &ok).expect("record"));
    assert_eq!(store.next_webhook_due().expect("next"), None);
}

/// Job bookkeeping commits without an fsync (`synchronous=NORMAL`), and every other write — a revocation
/// here — is back at FULL, so it survives a power cut and syncs the job commits before it with it.
#[test]
fn job_writes_are_unsynced_and_everything_else_stays_durable() {
    let dir = temp();
    let store = open(dir.path());
    let a = with_key(&store, None);
    let account = store.account("ann@example.com").expect("account").id;
    // A transaction derefs to its connection, so one reader serves inside and outside a write.
    let level =
        |c: &rusqlite::Connection| -> rusqlite::Result<i64> { c.pragma_query_value(None, "synchronous", |r| r.get(0)) };
    let synchronous = |s: &Store| level(&s.conn).expect("pragma");
    const NORMAL: i64 = 1;
    const FULL: i64 = 2;
    assert_eq!(synchronous(&store), FULL, "a fresh connection is durable");
    let inside = store.write_job(|tx| Ok(level(tx)?));
    assert_eq!(inside.expect("job write"), NORMAL);
    assert_eq!(synchronous(&store), FULL, "back to FULL after a job write");
    let now = time::now_ms();
    let job = store.create_job("test", &new_job(&a, account), now).expect("job");
    assert!(store.start_job(&job.id, now).expect("start"));
    assert_eq!(synchronous(&store), FULL);
    // A failed restore is repaired by the next durable write.
    store.set_durability(Durability::Job).expect("relax");
    let seen = store.write(|tx| Ok(level(tx)?));
    assert_eq!(seen.expect("write"), FULL);
    store.revoke_key("test", &a.key.id).expect("revoke");
    assert_eq!(synchronous(&store), FULL);
}
