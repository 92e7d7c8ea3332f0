//! The run's spawned work: every lookup, fetch and handshake runs as its own
//! tokio task (so they proceed in parallel on every worker, and speculative
//! work proceeds while nobody waits for it), shared by whoever needs its
//! result, and aborted when the run ends or is dropped.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::future::{BoxFuture, FutureExt, Shared};
use tokio::task::AbortHandle;

/// A result that may still be on its way; clones share one task.
pub(crate) type Pending<T> = Shared<BoxFuture<'static, T>>;

/// Spawns tasks and remembers how to abort them.
#[derive(Clone, Default)]
pub(crate) struct Tasks {
    handles: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Tasks {
    /// Spawns `work`; `died` turns a task that panicked or was aborted into
    /// a result (an observation that says so).
    pub(crate) fn spawn<T, F>(&self, work: F, died: fn(String) -> T) -> Pending<T>
    where
        F: Future<Output = T> + Send + 'static,
        T: Clone + Send + Sync + 'static,
    {
        let handle = tokio::spawn(work);
        self.remember(handle.abort_handle());
        async move {
            match handle.await {
                Ok(value) => value,
                Err(e) => died(e.to_string()),
            }
        }
        .boxed()
        .shared()
    }

    /// Spawns work nobody waits for (speculation).
    pub(crate) fn spawn_detached<F>(&self, work: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(work);
        self.remember(handle.abort_handle());
    }

    fn remember(&self, handle: AbortHandle) {
        if let Ok(mut handles) = self.handles.lock() {
            handles.retain(|h| !h.is_finished());
            handles.push(handle);
        }
    }

    pub(crate) fn abort_all(&self) {
        if let Ok(mut handles) = self.handles.lock() {
            for h in handles.drain(..) {
                h.abort();
            }
        }
    }

    /// Aborts every task of the run when dropped: held by the run's future
    /// alone, so dropping that future (cancellation) or finishing it stops
    /// all work, speculative work included.
    pub(crate) fn guard(&self) -> AbortOnDrop {
        AbortOnDrop(self.clone())
    }
}

pub(crate) struct AbortOnDrop(Tasks);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort_all();
    }
}

/// Results by key: the first request for a key spawns the work, later ones
/// share it (a speculative lookup and the one discovery later needs).
pub(crate) struct Memo<T> {
    map: Mutex<HashMap<String, Pending<T>>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            map: Mutex::new(HashMap::new()),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> Memo<T> {
    pub(crate) fn get_or_spawn<F>(
        &self,
        tasks: &Tasks,
        key: String,
        work: impl FnOnce() -> F,
        died: fn(String) -> T,
    ) -> Pending<T>
    where
        F: Future<Output = T> + Send + 'static,
    {
        let Ok(mut map) = self.map.lock() else {
            // A poisoned map only means another task panicked: run uncached.
            return tasks.spawn(work(), died);
        };
        map.entry(key)
            .or_insert_with(|| tasks.spawn(work(), died))
            .clone()
    }
}
