//! Store benchmark (plain binary, `harness = false`): argon2id time per password hash, and API key
//! verifications per second on one thread, the figure `serve` pays on every request.
//!
//! Run: `cargo bench --bench store` (release profile). Uses a temporary data dir, never the user's.

use std::time::{Duration, Instant};

use cadlens::store::{KeyEnv, NewKey, Role, Store, StorePaths, VerifyError, hash_password};

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&StorePaths::in_dir(dir.path().join("data"))).expect("store");

    // argon2id m=19456 KiB, t=2, p=1: the hash alone, then a whole `account passwd` (hash + write + audit).
    let rounds = 20;
    let started = Instant::now();
    for _ in 0..rounds {
        hash_password("correct horse battery staple").expect("hash");
    }
    let per_hash = started.elapsed() / rounds;
    println!("argon2id (m=19456,t=2,p=1) hash: {:.1} ms per password ({rounds} rounds)", ms(per_hash));
    store.create_account("bench", "bench@example.com", Role::Member, "warm-up password").expect("account");
    let started = Instant::now();
    for _ in 0..rounds {
        store.set_password("bench", "bench@example.com", "correct horse battery staple").expect("hash");
    }
    let per_set = started.elapsed() / rounds;
    println!("set_password (hash + update + audit row, fsync): {:.1} ms", ms(per_set));

    let new =
        NewKey { account: "bench@example.com", name: "bench", scopes: vec![], env: KeyEnv::Live, expires_in: None };
    let key = store.create_key("bench", &new).expect("key");
    for _ in 0..999 {
        store.create_key("bench", &new).expect("more keys so the index is not trivial");
    }
    let rate = per_second(Duration::from_secs(2), || {
        store.verify(&key.raw).expect("verifies");
    });
    println!("verify(valid key), 1 thread, 1000 keys stored: {rate:.0} verifications/s");

    let mut bad = key.raw.to_string();
    bad.replace_range(10..11, if &bad[10..11] == "0" { "1" } else { "0" });
    let rate = per_second(Duration::from_secs(1), || {
        assert!(matches!(store.verify(&bad), Err(VerifyError::Malformed)));
    });
    println!("verify(one character changed), refused by checksum: {rate:.0} refusals/s");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Calls `f` repeatedly for about `budget` and returns calls per second.
fn per_second(budget: Duration, mut f: impl FnMut()) -> f64 {
    let started = Instant::now();
    let mut calls = 0u64;
    while started.elapsed() < budget {
        for _ in 0..1000 {
            f();
        }
        calls += 1000;
    }
    calls as f64 / started.elapsed().as_secs_f64()
}
