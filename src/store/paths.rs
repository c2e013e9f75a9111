//! Where the store lives, and creating its directory and files with owner-only permissions.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::error::{Result, StoreError};

/// The database file name inside the data directory.
pub const DB_FILE: &str = "cadlens.db";
/// The default master key file name inside the data directory.
pub const MASTER_KEY_FILE: &str = "master.key";
/// The systemd credential name of the master key (`LoadCredential=cadlens-master-key:/path`).
pub const SYSTEMD_CREDENTIAL: &str = "cadlens-master-key";

/// The files of one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePaths {
    pub data_dir: PathBuf,
    pub master_key: PathBuf,
}

impl StorePaths {
    /// The data directory is `explicit`, else `CADLENS_HOME`, else the platform's data directory
    /// (`directories`: `~/.local/share/cadlens` on Linux). The master key (security.md S-KMS-1) is the
    /// systemd credential `$CREDENTIALS_DIRECTORY/cadlens-master-key` when the service has one, else
    /// `CADLENS_MASTER_KEY_FILE` when set (recommended: outside the data directory, so one copy of the data
    /// dir is not enough to read its secrets), else `master.key` in the data directory.
    pub fn resolve(explicit: Option<&Path>) -> Result<StorePaths> {
        let data_dir = match explicit {
            Some(dir) => dir.to_path_buf(),
            None => match std::env::var_os("CADLENS_HOME").filter(|v| !v.is_empty()) {
                Some(dir) => PathBuf::from(dir),
                None => directories::ProjectDirs::from("", "", "cadlens")
                    .map(|p| p.data_dir().to_path_buf())
                    .ok_or(StoreError::NoDataDir)?,
            },
        };
        let credential = std::env::var_os("CREDENTIALS_DIRECTORY")
            .filter(|v| !v.is_empty())
            .map(|dir| PathBuf::from(dir).join(SYSTEMD_CREDENTIAL))
            .filter(|file| file.is_file());
        let master_key = match (credential, std::env::var_os("CADLENS_MASTER_KEY_FILE").filter(|v| !v.is_empty())) {
            (Some(file), _) => file,
            (None, Some(file)) => PathBuf::from(file),
            (None, None) => data_dir.join(MASTER_KEY_FILE),
        };
        Ok(StorePaths { data_dir, master_key })
    }

    /// Both files under `data_dir`, ignoring the environment (tests and embedding).
    pub fn in_dir(data_dir: impl Into<PathBuf>) -> StorePaths {
        let data_dir = data_dir.into();
        StorePaths { master_key: data_dir.join(MASTER_KEY_FILE), data_dir }
    }

    pub fn db(&self) -> PathBuf {
        self.data_dir.join(DB_FILE)
    }
}

/// Creates `dir` (and parents) as 0700: the store keeps password hashes and key hashes there, which nobody
/// else on the machine needs to read. An existing directory is left as it is (`--data-dir /tmp` must not
/// lock everyone out of /tmp); the store's own files are 0600 whatever the directory allows.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(StoreError::io(dir))
}

/// Creates `file` empty with mode 0600 unless it exists. SQLite then gives its `-wal` and `-shm` files the
/// same mode as the database file, so this one call keeps all three private.
pub fn ensure_private_file(file: &Path) -> Result<()> {
    match OpenOptions::new().write(true).create_new(true).mode(0o600).open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            fs::set_permissions(file, fs::Permissions::from_mode(0o600)).map_err(StoreError::io(file))
        }
        Err(e) => Err(StoreError::io(file)(e)),
    }
}

/// Writes `bytes` to `file` atomically (temporary sibling, fsync, rename) with mode 0600, so a crash never
/// leaves half a backup or a readable one.
pub fn write_private_atomic(file: &Path, bytes: &[u8]) -> Result<()> {
    write_private_replacing(file, bytes, true)
}

/// Writes `bytes` to `file` (0600) through a temporary sibling and a rename, so a reader never sees half a
/// file; fsync'd only when `durable`.
pub fn write_private_replacing(file: &Path, bytes: &[u8], durable: bool) -> Result<()> {
    let parent = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = parent.join(format!(".{name}.{:016x}.tmp", super::secrets::random_u64()?));
    let written = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
        f.write_all(bytes)?;
        if durable {
            f.sync_all()?;
        }
        fs::rename(&tmp, file)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written.map_err(StoreError::io(file))
}
