//! The store from async handlers: a small pool of [`Store`]s (one SQLite connection each; a `Store` is not
//! `Sync`), each call run on tokio's blocking pool so a slow disk never stalls the accept loop. The pool
//! size bounds the connections; the semaphore bounds the waiters' work, not their number.

use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use super::error::{ApiError, ApiResult};
use crate::store::{MasterKeyMode, Store, StorePaths};

pub struct Db {
    paths: StorePaths,
    idle: Mutex<Vec<Store>>,
    permits: Semaphore,
}

impl Db {
    /// Opens `size` connections (at least one) to the store at `paths`, which must already exist with its
    /// master key (the server opened it first).
    pub fn open(paths: &StorePaths, size: usize) -> Result<Arc<Db>, crate::store::StoreError> {
        let size = size.max(1);
        let stores =
            (0..size).map(|_| Store::open_with(paths, MasterKeyMode::MustExist)).collect::<Result<Vec<_>, _>>()?;
        Ok(Arc::new(Db { paths: paths.clone(), idle: Mutex::new(stores), permits: Semaphore::new(size) }))
    }

    /// Runs `f` with a connection on the blocking pool.
    pub async fn call<T, F>(self: &Arc<Self>, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> T + Send + 'static,
    {
        let _permit = self.permits.acquire().await.map_err(|_| ApiError::unavailable("Shutting down", 5))?;
        let db = Arc::clone(self);
        let joined = tokio::task::spawn_blocking(move || {
            let store = db.take()?;
            let out = f(&store);
            db.give_back(store);
            Ok::<T, crate::store::StoreError>(out)
        })
        .await;
        match joined {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(e)) => Err(ApiError::unavailable_store(&e)),
            // A panic inside `f` lost that connection; the next `take` opens a new one.
            Err(e) => Err(ApiError::internal(&e)),
        }
    }

    fn take(&self) -> Result<Store, crate::store::StoreError> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match idle {
            Some(store) => Ok(store),
            None => Store::open_with(&self.paths, MasterKeyMode::MustExist),
        }
    }

    fn give_back(&self, store: Store) {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(store);
    }
}

impl ApiError {
    /// The store could not be opened: 503 (api.md §8), the cause in the log only.
    pub fn unavailable_store(cause: &crate::store::StoreError) -> ApiError {
        eprintln!("cadlens serve: store unavailable: {cause}");
        ApiError::unavailable("The store is not available", 5)
    }
}
