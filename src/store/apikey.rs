//! API keys in the hosted format (api.md §2): `cadl_` + 40 lowercase hex digits from the CSPRNG + 8 hex
//! digits of the CRC-32 of those 40 digits (as ASCII). The checksum refuses typos and made-up keys before
//! any lookup. The store keeps only a keyed BLAKE3 hash (looked up by that hash) and the 12-character
//! prefix for display; the raw key exists only in the return value of `create_key`/`rotate_key`.
//!
//! A fast keyed hash is right here (security.md S-KEY-2): the key has 160 random bits, so there is nothing
//! to brute-force, and argon2 would make every API request a CPU and memory lever.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::account::{Role, ser_opt_time, ser_time};
use super::audit::Event;
use super::error::{Result, StoreError};
use super::secrets::{fill_random, to_hex};
use super::{Store, time};
use crate::webhook::WebhookSecret;

const PREFIX: &str = "cadl_";
const RANDOM_HEX: usize = 40;
/// `cadl_` + 40 + 8.
pub const KEY_LEN: usize = PREFIX.len() + RANDOM_HEX + 8;
/// `keyPrefix`: `cadl_` and the first 7 random digits; public, shown in listings.
pub const DISPLAY_PREFIX_LEN: usize = 12;
/// Verifications refresh `last_used_at` at most this often, so the hot path is one indexed read.
const LAST_USED_GRANULARITY: i64 = time::MINUTE;

/// The key format alone: generating and checking, with no store involved.
pub struct ApiKeyFormat;

impl ApiKeyFormat {
    /// A new raw key from the OS CSPRNG.
    pub fn generate() -> Result<Zeroizing<String>> {
        let mut random = Zeroizing::new([0u8; RANDOM_HEX / 2]);
        fill_random(random.as_mut())?;
        let digits = Zeroizing::new(to_hex(random.as_ref()));
        let crc = crc32fast::hash(digits.as_bytes());
        Ok(Zeroizing::new(format!("{PREFIX}{}{crc:08x}", digits.as_str())))
    }

    /// Whether `raw` has the exact shape and a matching checksum. Touches nothing but `raw`.
    pub fn is_well_formed(raw: &str) -> bool {
        let Some(rest) = raw.strip_prefix(PREFIX) else { return false };
        if rest.len() != RANDOM_HEX + 8 || !rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return false;
        }
        let (digits, check) = rest.split_at(RANDOM_HEX);
        u32::from_str_radix(check, 16).is_ok_and(|c| c == crc32fast::hash(digits.as_bytes()))
    }

    /// The public display prefix of a raw key (`cadl_` + 7 hex).
    pub fn display_prefix(raw: &str) -> &str {
        raw.get(..DISPLAY_PREFIX_LEN).unwrap_or(raw)
    }
}

/// What a key may be used for (api.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Parse,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Parse => "parse",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Scope> {
        match s.trim() {
            "parse" => Ok(Scope::Parse),
            "admin" => Ok(Scope::Admin),
            other => Err(StoreError::invalid("scope", other, "parse or admin")),
        }
    }
}

/// Whether a key works on live or test data (kept for the server's tenancy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyEnv {
    Live,
    Test,
}

impl KeyEnv {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyEnv::Live => "live",
            KeyEnv::Test => "test",
        }
    }

    fn from_db(s: &str) -> KeyEnv {
        if s == "test" { KeyEnv::Test } else { KeyEnv::Live }
    }
}

fn scopes_to_db(scopes: &[Scope]) -> String {
    let mut names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

fn scopes_from_db(s: &str) -> Vec<Scope> {
    s.split(',').filter_map(|n| Scope::parse(n).ok()).collect()
}

/// What `create_key` needs.
#[derive(Debug, Clone)]
pub struct NewKey<'a> {
    pub account: &'a str,
    pub name: &'a str,
    pub scopes: Vec<Scope>,
    pub env: KeyEnv,
    /// Lifetime in milliseconds; `None` never expires.
    pub expires_in: Option<i64>,
}

/// A key's metadata, as listed: never the key or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: String,
    pub account: String,
    pub name: String,
    pub key_prefix: String,
    pub scopes: Vec<Scope>,
    pub env: KeyEnv,
    #[serde(serialize_with = "ser_time")]
    pub created_at: i64,
    #[serde(serialize_with = "ser_opt_time")]
    pub last_used_at: Option<i64>,
    #[serde(serialize_with = "ser_opt_time")]
    pub expires_at: Option<i64>,
    #[serde(serialize_with = "ser_opt_time")]
    pub revoked_at: Option<i64>,
    pub rotated_to: Option<String>,
    /// Whether deliveries for this key's jobs can be signed: keys made before webhooks existed have no
    /// secret (rotating one gives its successor a secret).
    pub has_webhook_secret: bool,
}

impl ApiKey {
    /// `active`, `revoked`, `expired` or `rotating` (old key of a rotation, still in its grace period).
    pub fn status(&self, now: i64) -> &'static str {
        if self.revoked_at.is_some() {
            "revoked"
        } else if self.expires_at.is_some_and(|e| e <= now) {
            "expired"
        } else if self.rotated_to.is_some() {
            "rotating"
        } else {
            "active"
        }
    }
}

/// A freshly made key: the raw key and its webhook signing secret are here and nowhere else in clear;
/// show them once and drop them.
pub struct CreatedKey {
    pub key: ApiKey,
    pub raw: Zeroizing<String>,
    pub webhook_secret: WebhookSecret,
}

impl std::fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedKey")
            .field("key", &self.key)
            .field("raw", &"<redacted>")
            .field("webhook_secret", &self.webhook_secret)
            .finish()
    }
}

/// Who a verified key belongs to and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedKey {
    pub key_id: String,
    pub account_id: i64,
    pub email: String,
    pub role: Role,
    pub scopes: Vec<Scope>,
    pub env: KeyEnv,
}

/// Why a key was refused. The server answers all of them with the same 401 (api.md §2); the variants
/// exist for the audit log and tests.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("malformed key")]
    Malformed,
    #[error("unknown key")]
    Unknown,
    #[error("revoked key")]
    Revoked,
    #[error("expired key")]
    Expired,
    #[error("account disabled")]
    AccountDisabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for VerifyError {
    fn from(e: rusqlite::Error) -> Self {
        VerifyError::Store(e.into())
    }
}

const KEY_COLUMNS: &str = "k.id, a.email, k.name, k.prefix, k.scopes, k.env, k.created_at, k.last_used_at,
    k.expires_at, k.revoked_at, k.rotated_to, k.webhook_secret IS NOT NULL";

fn key_from_row(r: &Row<'_>) -> rusqlite::Result<ApiKey> {
    let scopes: String = r.get(4)?;
    let env: String = r.get(5)?;
    Ok(ApiKey {
        id: r.get(0)?,
        account: r.get(1)?,
        name: r.get(2)?,
        key_prefix: r.get(3)?,
        scopes: scopes_from_db(&scopes),
        env: KeyEnv::from_db(&env),
        created_at: r.get(6)?,
        last_used_at: r.get(7)?,
        expires_at: r.get(8)?,
        revoked_at: r.get(9)?,
        rotated_to: r.get(10)?,
        has_webhook_secret: r.get(11)?,
    })
}

/// `key_` + 24 base62 characters (api.md's key id form), by rejection sampling so every character is uniform.
fn new_key_id() -> Result<String> {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut id = String::from("key_");
    while id.len() < 28 {
        let mut buf = [0u8; 32];
        fill_random(&mut buf)?;
        for b in buf.into_iter().filter(|b| *b < 248) {
            if id.len() < 28 {
                id.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
    }
    Ok(id)
}

fn check_name(name: &str) -> Result<()> {
    let n = name.chars().count();
    if (1..=64).contains(&n) && !name.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(StoreError::invalid("key name", name, "1 to 64 characters, no control characters"))
    }
}

/// One row for inserting a key.
struct KeyRow<'a> {
    id: &'a str,
    account_id: i64,
    name: &'a str,
    scopes: &'a str,
    env: &'a str,
    expires_at: Option<i64>,
}

impl Store {
    fn key_hash(&self, raw: &str) -> [u8; 32] {
        *blake3::keyed_hash(&self.keys.key_hash, raw.as_bytes()).as_bytes()
    }

    /// Makes a raw key and its webhook secret, stores the key's hash and the sealed secret, and returns
    /// both (once).
    fn insert_key(
        &self,
        tx: &rusqlite::Connection,
        row: &KeyRow<'_>,
        now: i64,
    ) -> Result<(Zeroizing<String>, WebhookSecret)> {
        let raw = ApiKeyFormat::generate()?;
        let hash = self.key_hash(&raw);
        let secret = WebhookSecret::generate().map_err(|_| StoreError::Crypto("the random generator failed"))?;
        let sealed = self.seal_webhook_secret(row.id, &secret)?;
        tx.execute(
            "INSERT INTO api_keys (id, account_id, name, prefix, hash, scopes, env, created_at, expires_at,
                                   webhook_secret)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                row.id,
                row.account_id,
                row.name,
                ApiKeyFormat::display_prefix(&raw),
                &hash[..],
                row.scopes,
                row.env,
                now,
                row.expires_at,
                sealed
            ],
        )?;
        Ok((raw, secret))
    }

    /// Creates a key for an account. Scopes default to `parse` when empty.
    pub fn create_key(&self, actor: &str, new: &NewKey<'_>) -> Result<CreatedKey> {
        check_name(new.name)?;
        let account = self.account(new.account)?;
        let scopes = if new.scopes.is_empty() { vec![Scope::Parse] } else { new.scopes.clone() };
        let scopes = scopes_to_db(&scopes);
        let id = new_key_id()?;
        let now = time::now_ms();
        let expires_at = new.expires_in.map(|d| now.saturating_add(d));
        let row = KeyRow {
            id: &id,
            account_id: account.id,
            name: new.name,
            scopes: &scopes,
            env: new.env.as_str(),
            expires_at,
        };
        let (raw, webhook_secret) = self.write(|tx| {
            let made = self.insert_key(tx, &row, now)?;
            let detail = format!("name={} scopes={scopes} env={}", new.name, new.env.as_str());
            let ev = Event { actor, action: "key.create", target: &id, outcome: "ok", detail: &detail };
            self.audit(tx, now, &ev)?;
            Ok(made)
        })?;
        Ok(CreatedKey { key: self.key(&id)?, raw, webhook_secret })
    }

    pub fn key(&self, id: &str) -> Result<ApiKey> {
        let sql =
            format!("SELECT {KEY_COLUMNS} FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.id = ?1");
        self.conn.query_row(&sql, [id], key_from_row).optional()?.ok_or_else(|| StoreError::KeyNotFound(id.to_owned()))
    }

    /// All keys, or one account's, newest first.
    pub fn keys(&self, account: Option<&str>) -> Result<Vec<ApiKey>> {
        let email = account.map(|a| self.account(a)).transpose()?.map(|a| a.email);
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys k JOIN accounts a ON a.id = k.account_id
             WHERE ?1 IS NULL OR a.email = ?1 ORDER BY k.created_at DESC, k.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([email], key_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Revokes a key; the very next verification of it fails (there is no cache).
    pub fn revoke_key(&self, actor: &str, id: &str) -> Result<ApiKey> {
        let now = time::now_ms();
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, now],
            )?;
            if changed == 0 {
                let exists: bool =
                    tx.query_row("SELECT count(*) > 0 FROM api_keys WHERE id = ?1", [id], |r| r.get(0))?;
                return Err(if exists {
                    StoreError::KeyNotActive(id.to_owned())
                } else {
                    StoreError::KeyNotFound(id.to_owned())
                });
            }
            self.audit(tx, now, &Event { actor, action: "key.revoke", target: id, outcome: "ok", detail: "" })
        })?;
        self.key(id)
    }

    /// Rotates a key: the new key (same account, name, scopes, env and lifetime) is made first, in the same
    /// transaction the old key gets `expires_at = now + grace` (0 = at once), so there is no moment when
    /// neither works. The old key's jobs move to the new key (api.md §3.8).
    pub fn rotate_key(&self, actor: &str, id: &str, grace_ms: i64) -> Result<CreatedKey> {
        self.rotate_key_at(actor, id, grace_ms, time::now_ms())
    }

    /// [`Store::rotate_key`] at a given instant (tests use it to step through the grace period).
    pub fn rotate_key_at(&self, actor: &str, id: &str, grace_ms: i64, now: i64) -> Result<CreatedKey> {
        let old = self.key(id)?;
        if old.status(now) != "active" {
            return Err(StoreError::KeyNotActive(id.to_owned()));
        }
        let grace_ms = grace_ms.max(0);
        let new_id = new_key_id()?;
        let scopes = scopes_to_db(&old.scopes);
        let expires_at = old.expires_at.map(|e| now.saturating_add(e - old.created_at));
        let old_until = now.saturating_add(grace_ms).min(old.expires_at.unwrap_or(i64::MAX));
        let (raw, webhook_secret) = self.write(|tx| {
            let account_id: i64 = tx.query_row("SELECT account_id FROM api_keys WHERE id = ?1", [id], |r| r.get(0))?;
            let row =
                KeyRow { id: &new_id, account_id, name: &old.name, scopes: &scopes, env: old.env.as_str(), expires_at };
            let made = self.insert_key(tx, &row, now)?;
            tx.execute(
                "UPDATE api_keys SET expires_at = ?2, rotated_to = ?3 WHERE id = ?1",
                params![id, old_until, new_id],
            )?;
            tx.execute("UPDATE jobs SET key_id = ?2 WHERE key_id = ?1", params![id, new_id])?;
            let detail = format!("new={new_id} grace_ms={grace_ms}");
            self.audit(tx, now, &Event { actor, action: "key.rotate", target: id, outcome: "ok", detail: &detail })?;
            Ok(made)
        })?;
        Ok(CreatedKey { key: self.key(&new_id)?, raw, webhook_secret })
    }

    /// Checks a raw key as `serve` will on every request: shape and checksum first (no database access at
    /// all for a malformed key), then one indexed lookup by keyed hash, a constant-time comparison of the
    /// hash, and the revoked/expired/disabled checks. Refusals after the lookup are audited.
    pub fn verify(&self, raw: &str) -> std::result::Result<VerifiedKey, VerifyError> {
        self.verify_at(raw, time::now_ms())
    }

    /// [`Store::verify`] at a given instant (the server passes its request time; tests step the clock).
    pub fn verify_at(&self, raw: &str, now: i64) -> std::result::Result<VerifiedKey, VerifyError> {
        if !ApiKeyFormat::is_well_formed(raw) {
            return Err(VerifyError::Malformed);
        }
        let hash = self.key_hash(raw);
        self.lookups.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let found = self
            .conn
            .prepare_cached(
                "SELECT k.hash, k.id, k.account_id, k.scopes, k.env, k.expires_at, k.revoked_at, k.last_used_at,
                        a.email, a.role, a.disabled_at
                 FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.hash = ?1",
            )?
            .query_row([&hash[..]], |r| {
                let stored: Vec<u8> = r.get(0)?;
                let role: String = r.get(9)?;
                let scopes: String = r.get(3)?;
                let env: String = r.get(4)?;
                let key = VerifiedKey {
                    key_id: r.get(1)?,
                    account_id: r.get(2)?,
                    email: r.get(8)?,
                    role: Role::parse(&role).unwrap_or(Role::Viewer),
                    scopes: scopes_from_db(&scopes),
                    env: KeyEnv::from_db(&env),
                };
                let times: (Option<i64>, Option<i64>, Option<i64>, Option<i64>) =
                    (r.get(5)?, r.get(6)?, r.get(7)?, r.get(10)?);
                Ok((stored, key, times))
            })
            .optional()?;
        let Some((stored, key, (expires_at, revoked_at, last_used_at, disabled_at))) = found else {
            return Err(self.refuse(now, ApiKeyFormat::display_prefix(raw), VerifyError::Unknown));
        };
        if !bool::from(stored.as_slice().ct_eq(&hash[..])) {
            return Err(self.refuse(now, ApiKeyFormat::display_prefix(raw), VerifyError::Unknown));
        }
        let refusal = if revoked_at.is_some() {
            Some(VerifyError::Revoked)
        } else if expires_at.is_some_and(|e| e <= now) {
            Some(VerifyError::Expired)
        } else if disabled_at.is_some() {
            Some(VerifyError::AccountDisabled)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            return Err(self.refuse(now, &key.key_id, refusal));
        }
        if last_used_at.is_none_or(|t| now - t >= LAST_USED_GRANULARITY) {
            self.conn
                .prepare_cached("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1")?
                .execute(params![key.key_id, now])?;
        }
        Ok(key)
    }

    /// Audits a refused key (`key.rejected`, reason in `detail`) and hands the refusal back. A failure to
    /// write the audit row wins, so a refusal is never silently unrecorded.
    fn refuse(&self, now: i64, target: &str, why: VerifyError) -> VerifyError {
        let detail = why.to_string();
        let ev = Event { actor: "api", action: "key.rejected", target, outcome: "denied", detail: &detail };
        match self.write(|tx| self.audit(tx, now, &ev)) {
            Ok(_) => why,
            Err(e) => VerifyError::Store(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_well_formed_and_distinct() {
        let a = ApiKeyFormat::generate().map(|k| k.to_string()).unwrap_or_default();
        let b = ApiKeyFormat::generate().map(|k| k.to_string()).unwrap_or_default();
        assert_eq!(a.len(), KEY_LEN);
        assert_ne!(a, b);
        assert!(ApiKeyFormat::is_well_formed(&a));
        assert_eq!(ApiKeyFormat::display_prefix(&a).len(), 12);
    }

    #[test]
    fn every_single_character_change_is_refused_by_the_checksum() {
        let key = ApiKeyFormat::generate().map(|k| k.to_string()).unwrap_or_default();
        for i in PREFIX.len()..key.len() {
            for c in "0123456789abcdefA".chars() {
                let mut changed: Vec<char> = key.chars().collect();
                if changed[i] == c {
                    continue;
                }
                changed[i] = c;
                let changed: String = changed.into_iter().collect();
                assert!(!ApiKeyFormat::is_well_formed(&changed), "{i} {c}");
            }
        }
        assert!(!ApiKeyFormat::is_well_formed(&key[..KEY_LEN - 1]));
        assert!(!ApiKeyFormat::is_well_formed(&format!("{key}0")));
        assert!(!ApiKeyFormat::is_well_formed(&key.replacen("cadl_", "cadx_", 1)));
    }

    #[test]
    fn key_ids_have_the_documented_shape() {
        let id = new_key_id().unwrap_or_default();
        assert_eq!(id.len(), 28);
        assert!(id.starts_with("key_") && id[4..].chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
