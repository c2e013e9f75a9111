//! `cadlens backup <FILE>` and `cadlens restore <FILE>`.

use std::path::PathBuf;

use super::{ACTOR, CmdResult, StoreOpts, open, open_with};
use crate::cli::{GlobalArgs, exit};
use crate::store::MasterKeyMode;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    store: StoreOpts,
    /// Where to write the encrypted backup (mode 0600; replaced atomically)
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    store: StoreOpts,
    /// A backup made by `cadlens backup` with the same master key
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

pub fn backup(args: BackupArgs, global: &GlobalArgs) -> CmdResult {
    let store = open(&args.store)?;
    let bytes = store.backup(ACTOR, &args.file)?;
    if !global.quiet {
        eprintln!(
            "wrote {} ({bytes} bytes, encrypted); restoring it needs the master key {}: keep a copy apart from the backup",
            args.file.display(),
            store.paths().master_key.display()
        );
    }
    Ok(exit::OK)
}

pub fn restore(args: RestoreArgs, global: &GlobalArgs) -> CmdResult {
    // Never create a master key here: a new one could not decrypt the backup.
    let mut store = open_with(&args.store, MasterKeyMode::MustExist)?;
    let restored = store.restore(ACTOR, &args.file)?;
    if !global.quiet {
        eprintln!(
            "restored {}: {} accounts, {} keys, {} audit rows",
            args.file.display(),
            restored.accounts,
            restored.keys,
            restored.audit_rows
        );
    }
    Ok(exit::OK)
}
