//! Accounts: a normalised email, a role, an argon2id password hash, and a disabled flag.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::audit::Event;
use super::error::{Result, StoreError};
use super::{Store, time};

/// What an account may do (the server enforces it; the store only keeps it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Member,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Owner, Role::Admin, Role::Member, Role::Viewer].into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    #[serde(skip)]
    pub id: i64,
    pub email: String,
    pub role: Role,
    #[serde(serialize_with = "ser_time")]
    pub created_at: i64,
    #[serde(serialize_with = "ser_opt_time")]
    pub disabled_at: Option<i64>,
    pub key_count: i64,
}

pub(crate) fn ser_time<S: serde::Serializer>(ms: &i64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&time::rfc3339(*ms))
}

pub(crate) fn ser_opt_time<S: serde::Serializer>(ms: &Option<i64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => s.serialize_str(&time::rfc3339(*ms)),
        None => s.serialize_none(),
    }
}

/// Trims and lowercases an address and checks its shape (one `@`, non-empty parts, a dot in the domain,
/// no spaces or control characters, at most 254 bytes), so `Ann@Example.com ` and `ann@example.com` are
/// one account.
pub fn normalise_email(raw: &str) -> Result<String> {
    let email = raw.trim().to_lowercase();
    let bad = || StoreError::InvalidEmail(raw.chars().take(80).collect());
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.');
    if local.is_empty() || domain.contains('@') || !domain_ok {
        return Err(bad());
    }
    Ok(email)
}

/// security.md S-PW-2: 8..=1024 bytes, no composition rules; the upper bound bounds hashing cost.
fn check_password(password: &str) -> Result<()> {
    match password.len() {
        0..8 => Err(StoreError::InvalidPassword("shorter than 8 bytes")),
        8..=1024 => Ok(()),
        _ => Err(StoreError::InvalidPassword("longer than 1024 bytes")),
    }
}

/// argon2id with security.md S-PW-1's parameters: m=19456 KiB, t=2, p=1, 32-byte output.
fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(19_456, 2, 1, Some(32)).map_err(|_| StoreError::Crypto("argon2 parameters"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// What every hash made with the current parameters starts with.
const CURRENT_PHC_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String> {
    check_password(password)?;
    let hash = hasher()?.hash_password(password.as_bytes()).map_err(|_| StoreError::Crypto("argon2 hashing"))?;
    Ok(hash.to_string())
}

fn password_matches(password: &str, phc: &str) -> bool {
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), phc).is_ok())
}

/// The hash of a random password nobody knows, made once per process: an unknown email then costs the same
/// argon2 time as a wrong password (S-PW-3), so timing does not tell which accounts exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut secret = [0u8; 24];
        let _ = super::secrets::fill_random(&mut secret);
        hash_password(&super::secrets::to_hex(&secret)).unwrap_or_default()
    })
}

const ACCOUNT_COLUMNS: &str = "a.id, a.email, a.role, a.created_at, a.disabled_at,
    (SELECT count(*) FROM api_keys k WHERE k.account_id = a.id)";

fn account_from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    let role: String = r.get(2)?;
    Ok(Account {
        id: r.get(0)?,
        email: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        created_at: r.get(3)?,
        disabled_at: r.get(4)?,
        key_count: r.get(5)?,
    })
}

impl Store {
    /// Creates an account. The password is hashed before anything is written; it is never stored.
    pub fn create_account(&self, actor: &str, email: &str, role: Role, password: &str) -> Result<Account> {
        let email = normalise_email(email)?;
        let hash = hash_password(password)?;
        let now = time::now_ms();
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT INTO accounts (email, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (email) DO NOTHING",
                params![email, role.as_str(), hash, now],
            )?;
            if inserted == 0 {
                return Err(StoreError::AccountExists(email.clone()));
            }
            let ev = Event { actor, action: "account.create", target: &email, outcome: "ok", detail: role.as_str() };
            self.audit(tx, now, &ev)?;
            Ok(())
        })?;
        self.account(&email)
    }

    /// The account with this email (normalised first).
    pub fn account(&self, email: &str) -> Result<Account> {
        let email = normalise_email(email)?;
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.email = ?1");
        self.conn.query_row(&sql, [&email], account_from_row).optional()?.ok_or(StoreError::AccountNotFound(email))
    }

    pub fn accounts(&self) -> Result<Vec<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.email");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], account_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Disables (`true`) or enables an account. A disabled account's keys stop verifying at once.
    pub fn set_account_disabled(&self, actor: &str, email: &str, disabled: bool) -> Result<Account> {
        let email = normalise_email(email)?;
        let now = time::now_ms();
        let action = if disabled { "account.disable" } else { "account.enable" };
        // Disabling twice keeps the first time; enabling clears it.
        let disabled_at = disabled.then_some(now);
        self.write(|tx| {
            let sql =
                "UPDATE accounts SET disabled_at = CASE WHEN ?2 IS NULL THEN NULL ELSE coalesce(disabled_at, ?2) END
                       WHERE email = ?1";
            if tx.execute(sql, params![email, disabled_at])? == 0 {
                return Err(StoreError::AccountNotFound(email.clone()));
            }
            self.audit(tx, now, &Event { actor, action, target: &email, outcome: "ok", detail: "" })
        })?;
        self.account(&email)
    }

    /// Replaces an account's password hash.
    pub fn set_password(&self, actor: &str, email: &str, password: &str) -> Result<()> {
        let email = normalise_email(email)?;
        let hash = hash_password(password)?;
        let now = time::now_ms();
        self.write(|tx| {
            if tx.execute("UPDATE accounts SET password_hash = ?2 WHERE email = ?1", params![email, hash])? == 0 {
                return Err(StoreError::AccountNotFound(email.clone()));
            }
            self.audit(tx, now, &Event { actor, action: "account.passwd", target: &email, outcome: "ok", detail: "" })
        })?;
        Ok(())
    }

    /// Deletes an account; its API keys and jobs go with it (foreign keys, ON DELETE CASCADE).
    pub fn delete_account(&self, actor: &str, email: &str) -> Result<()> {
        let email = normalise_email(email)?;
        let now = time::now_ms();
        self.write(|tx| {
            let keys: i64 = tx.query_row(
                "SELECT count(*) FROM api_keys WHERE account_id = (SELECT id FROM accounts WHERE email = ?1)",
                [&email],
                |r| r.get(0),
            )?;
            if tx.execute("DELETE FROM accounts WHERE email = ?1", [&email])? == 0 {
                return Err(StoreError::AccountNotFound(email.clone()));
            }
            let detail = format!("{keys} keys removed");
            self.audit(
                tx,
                now,
                &Event { actor, action: "account.delete", target: &email, outcome: "ok", detail: &detail },
            )
        })?;
        Ok(())
    }

    /// Checks an email and password (the server's login). Unknown, disabled and wrong-password all return
    /// `None` after the same argon2 work; each attempt is audited as `login.ok` or `login.failed`.
    pub fn login(&self, actor: &str, email: &str, password: &str) -> Result<Option<Account>> {
        let email = normalise_email(email).unwrap_or_default();
        let found: Option<(String, Option<i64>)> = self
            .conn
            .query_row("SELECT password_hash, disabled_at FROM accounts WHERE email = ?1", [&email], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let matches = match &found {
            Some((phc, _)) => password_matches(password, phc),
            None => password_matches(password, dummy_hash()),
        };
        let ok = matches && found.as_ref().is_some_and(|(_, disabled)| disabled.is_none());
        let (action, outcome) = if ok { ("login.ok", "ok") } else { ("login.failed", "denied") };
        // A hash made with weaker (older) parameters is replaced while the password is at hand (S-PW-1).
        let rehash = match &found {
            Some((phc, _)) if ok && !phc.starts_with(CURRENT_PHC_PREFIX) => Some(hash_password(password)?),
            _ => None,
        };
        let now = time::now_ms();
        self.write(|tx| {
            if let Some(hash) = &rehash {
                tx.execute("UPDATE accounts SET password_hash = ?2 WHERE email = ?1", params![email, hash])?;
            }
            let detail = if rehash.is_some() { "rehashed" } else { "" };
            self.audit(tx, now, &Event { actor, action, target: &email, outcome, detail })
        })?;
        if ok { self.account(&email).map(Some) } else { Ok(None) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(normalise_email("  Ann@Example.COM ").ok().as_deref(), Some("ann@example.com"));
        for bad in ["", "ann", "@example.com", "ann@", "ann@example", "a b@example.com", "a@b@c.com", "ann@.com"] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_policy_and_phc_parameters() {
        assert!(hash_password("short").is_err());
        assert!(hash_password(&"x".repeat(1025)).is_err());
        let phc = hash_password("correct horse battery").unwrap_or_default();
        assert!(phc.starts_with(CURRENT_PHC_PREFIX), "{phc}");
        assert!(password_matches("correct horse battery", &phc));
        assert!(!password_matches("correct horse battery!", &phc));
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!password_matches("anything at all", dummy_hash()));
    }
}
