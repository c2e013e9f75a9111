//! Retention (api.md §10): a sweep at start and every 10 minutes deletes expired jobs (rows, results,
//! previews), originals no longer needed, and job folders a crash left without a row. `cadlens gc` runs
//! the same store call once.

use std::time::Duration;

use super::app::Shared;
use crate::store::time;

/// Between two sweeps.
pub const INTERVAL: Duration = Duration::from_secs(600);

pub fn spawn(st: &Shared) -> tokio::task::JoinHandle<()> {
    let st = std::sync::Arc::clone(st);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // The first tick fires at once: the sweep at start.
            tick.tick().await;
            sweep(&st).await;
        }
    })
}

async fn sweep(st: &Shared) {
    match st.db.call(|s| s.purge_jobs("janitor", time::now_ms())).await {
        Ok(Ok(0)) | Err(_) => {}
        Ok(Ok(n)) => eprintln!("cadlens serve: retention: purged {n} expired job(s)"),
        Ok(Err(e)) => eprintln!("cadlens serve: retention sweep failed: {e}"),
    }
}
