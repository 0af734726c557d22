//! Sightline's application layer: one function per use case.
//!
//! Every use case takes the [`Caller`] (who asks, for which organisation, with which
//! roles, whether their second factor passed), checks authorisation once, applies the
//! domain's rules, calls storage, writes the audit entry, and returns domain types or
//! plain records. Pages, the JSON API, background jobs and the command line call the
//! same function, so a new channel never copies a rule. This crate knows no HTTP
//! (no axum) and no SQL (no sqlx): its errors are [`AppError`], which the web layer
//! maps to HTTP in one place.

pub mod access;
pub mod assign;
mod caller;
mod clock;
pub mod desk;
pub mod directory;
mod error;
pub mod home;
pub mod keys;
pub mod learn;
pub mod links;
pub mod live;
pub mod markdown;
mod operations;
mod orgs;
pub mod partners;
pub mod pdf;
pub mod people;
pub mod public;
pub mod referrals;
pub mod reports;
pub mod retention;
pub mod scorm;
pub mod security;
pub mod settings;
pub mod setup;
pub mod signin;
pub mod sso;
pub mod stats;
pub mod tips;
pub mod token_cache;
pub mod tokens;
mod two_factor;
pub mod xapi;

use std::sync::Arc;

use sightline_content::Library;
use sightline_domain::crypto::MasterKey;
use sightline_storage::Db;
use time::OffsetDateTime;

pub use caller::Caller;
pub use clock::Clock;
pub use error::AppError;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// What every use case can reach: the database, the content, the master key and the
/// clock. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Clock,
    /// Courses, indicators, airports and the routing directory's seed, checked at start.
    pub library: Arc<Library>,
    /// The master key that report text, notes and secrets are sealed under.
    pub keys: Arc<MasterKey>,
    /// Group commit for crew reports.
    pub ingest: reports::IngestQueue,
    /// Public tips' proof-of-work key, receipt pepper and in-memory rate limits.
    pub tips: Arc<tips::TipGuard>,
    /// API tokens read in the last few seconds (emptied by changes made here).
    pub tokens: Arc<token_cache::TokenCache>,
    /// The live queue's feed and its streams (one per process).
    pub live: live::LiveQueue,
}

impl App {
    /// Needs a running tokio runtime (the live queue starts its task there).
    #[must_use]
    pub fn new(db: Db, clock: Clock, keys: MasterKey) -> Self {
        let ingest = reports::IngestQueue::start(db.clone(), clock.clone());
        let tips = Arc::new(tips::TipGuard::new(&keys, tips::TipPolicy::default()));
        let tokens = Arc::new(token_cache::TokenCache::new(token_cache::TOKEN_CACHE_TTL));
        let live = live::LiveQueue::new(db.clone(), live::FeedMode::default(), live::StreamLimits::default());
        Self { db, clock, library: Arc::new(Library::empty()), keys: Arc::new(keys), ingest, tips, tokens, live }
    }

    /// Trust an API token read from the database for `ttl` (zero: read it every time).
    #[must_use]
    pub fn with_token_cache(mut self, ttl: std::time::Duration) -> Self {
        self.tokens = Arc::new(token_cache::TokenCache::new(ttl));
        self
    }

    /// Hear of other nodes' changes this way, and serve at most these live streams
    /// (before the first stream opens).
    #[must_use]
    pub fn with_live_feed(mut self, mode: live::FeedMode, limits: live::StreamLimits) -> Self {
        self.live = live::LiveQueue::new(self.db.clone(), mode, limits);
        self
    }

    /// Apply these anti-abuse settings to public tips (tests lower the work).
    #[must_use]
    pub fn with_tip_policy(mut self, policy: tips::TipPolicy) -> Self {
        self.tips = Arc::new(tips::TipGuard::new(&self.keys, policy));
        self
    }

    /// Serve this content.
    #[must_use]
    pub fn with_library(mut self, library: Library) -> Self {
        self.library = Arc::new(library);
        self
    }

    /// Which engine the database runs on (`sqlite`, `postgres`), for health checks.
    #[must_use]
    pub const fn engine(&self) -> &'static str {
        self.db.engine().as_str()
    }

    /// Whether the database answers (for `/readyz`).
    ///
    /// # Errors
    /// It did not.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    /// Add the content's routing-directory entries that the database has never held
    /// (platform admins' edits and removals stand). Returns how many were added.
    ///
    /// # Errors
    /// The database failed; nothing was added.
    pub async fn seed_directory(&self) -> Result<usize> {
        Ok(self.db.seed_directory(&self.library.directory.entries, self.now()).await?)
    }

    /// The current time, from the configured clock.
    #[must_use]
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
}
