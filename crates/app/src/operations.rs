//! What the operator's monitoring reads (`/metrics`). No caller: the endpoint is
//! guarded by its own token, and nothing here names a person or shows report text.

use sightline_storage::{Operations, PoolUse};

use crate::{App, Result};

impl App {
    /// Open reports per organisation id and every outbox's counts.
    ///
    /// # Errors
    /// The database failed.
    pub async fn operations(&self) -> Result<Operations> {
        Ok(self.db.operations().await?)
    }

    /// The database pool now.
    #[must_use]
    pub fn pool_use(&self) -> PoolUse {
        self.db.pool_use()
    }

    /// Reports this process stored since it started (replays not counted).
    #[must_use]
    pub fn reports_stored(&self) -> u64 {
        self.ingest.stored()
    }
}
