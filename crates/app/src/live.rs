//! The live queue (issue 16, item 2): a desk's open queue page hears of a change
//! within a second instead of polling.
//!
//! One feed task per process ([`LiveQueue`], started with the first subscriber)
//! reads the change table (`queue_changes`, written in each change's transaction)
//! after its cursor whenever something may have changed: this process committed one
//! (the storage's hook), PostgreSQL notified one (`--live-feed notify`), or the poll
//! interval passed (every 250 ms with `--live-feed poll`, every 2 s otherwise as a
//! safety net). It hands each change to a broadcast channel of its organisation, so
//! a subscriber only ever receives its own organisation's changes. A change carries
//! ids and a kind, never a report's text.
//!
//! [`App::desk_events`] authorises the caller once (a desk analyst past two-factor,
//! as the queue requires), replays what a reconnecting browser missed
//! (`Last-Event-ID`) from the table or tells it to re-read the queue
//! ([`LiveEvent::Reset`]), and re-checks the session every [`RECHECK`]: a session
//! signed out, expired or stripped of the role ends the stream, and so does
//! [`LiveQueue::close`] (the server shutting down).

use std::collections::{HashMap, VecDeque};
use std::str::FromStr;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::user::Role;
use sightline_storage::{Db, QueueChange, QueueListener, QueueWake};
use tokio::sync::{Notify, broadcast};

use crate::{App, AppError, Caller, Clock, Result};

/// Changes a reconnecting browser is sent from the table; beyond that it re-reads
/// the whole queue.
pub const REPLAY_LIMIT: i64 = 200;
/// How often an open stream checks that its session still stands.
pub const RECHECK: Duration = Duration::from_secs(10);
/// How often the feed reads the table in poll mode.
pub const POLL_EVERY: Duration = Duration::from_millis(250);
/// How often the feed reads the table anyway in the other modes (a missed
/// notification, a write by another process on SQLite).
pub const SAFETY_EVERY: Duration = Duration::from_secs(2);
/// Changes the feed reads per query.
const READ_BATCH: i64 = 500;
/// Changes an organisation's channel holds for a slow subscriber (it then catches up
/// from the table).
const CHANNEL_CAPACITY: usize = 256;

/// How a node hears of changes made by other nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedMode {
    /// PostgreSQL `LISTEN/NOTIFY` (on SQLite: this process's own commits).
    #[default]
    Notify,
    /// Read the change table every [`POLL_EVERY`] (engines without `NOTIFY`).
    Poll,
}

impl FeedMode {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Notify => "notify",
            Self::Poll => "poll",
        }
    }
}

impl FromStr for FeedMode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "notify" => Ok(Self::Notify),
            "poll" => Ok(Self::Poll),
            other => Err(format!("unknown live feed mode {other:?} (notify or poll)")),
        }
    }
}

/// How many event streams one node serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    /// All streams of this process.
    pub per_node: usize,
    /// One person's streams (tabs) on this process.
    pub per_user: usize,
    /// How often an open stream checks its session ([`RECHECK`]).
    pub recheck: Duration,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self { per_node: 1000, per_user: 8, recheck: RECHECK }
    }
}

/// What an open stream sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A case of the organisation changed.
    Change(QueueChange),
    /// Too much was missed (or pruned): re-read the whole queue. `id` is where the
    /// stream goes on from.
    Reset { id: i64 },
}

impl LiveEvent {
    /// The event's id (`Last-Event-ID` when the browser reconnects).
    #[must_use]
    pub const fn id(&self) -> i64 {
        match self {
            Self::Change(c) => c.id,
            Self::Reset { id } => *id,
        }
    }
}

/// This process's feed and its subscribers.
#[derive(Clone)]
pub struct LiveQueue(Arc<Hub>);

impl std::fmt::Debug for LiveQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveQueue").field("mode", &self.0.mode).field("limits", &self.0.limits).finish_non_exhaustive()
    }
}

struct Hub {
    db: Db,
    mode: FeedMode,
    limits: StreamLimits,
    /// Set once the feed task runs (its cursor read before any subscriber reads its own).
    started: tokio::sync::OnceCell<()>,
    orgs: Mutex<HashMap<OrgId, broadcast::Sender<QueueChange>>>,
    streams: Mutex<Streams>,
    /// Ends the feed task when the last handle is dropped.
    stop: Arc<Notify>,
    /// Bumped by [`LiveQueue::close`]: every stream open then ends.
    closing: tokio::sync::watch::Sender<u64>,
}

#[derive(Default)]
struct Streams {
    total: usize,
    per_user: HashMap<UserId, usize>,
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

impl LiveQueue {
    /// A feed over `db`; its task starts with the first subscriber.
    #[must_use]
    pub fn new(db: Db, mode: FeedMode, limits: StreamLimits) -> Self {
        Self(Arc::new(Hub {
            db,
            mode,
            limits,
            started: tokio::sync::OnceCell::new(),
            orgs: Mutex::new(HashMap::new()),
            streams: Mutex::new(Streams::default()),
            stop: Arc::new(Notify::new()),
            closing: tokio::sync::watch::Sender::new(0),
        }))
    }

    /// End every stream open now (a server shutting down: its graceful shutdown waits
    /// for open connections, and an event stream never ends by itself). Streams
    /// opened later are served as usual.
    pub fn close(&self) {
        self.0.closing.send_modify(|n| *n += 1);
    }

    #[must_use]
    pub fn mode(&self) -> FeedMode {
        self.0.mode
    }

    /// Open streams on this process.
    #[must_use]
    pub fn open_streams(&self) -> usize {
        self.0.streams.lock().map(|s| s.total).unwrap_or(0)
    }

    /// Start the feed task once (needs a running tokio runtime). Its cursor is read
    /// here, before the first subscriber reads where it starts, so every change after
    /// a subscriber's start is after the feed's too.
    async fn start(&self) -> Result<()> {
        self.0
            .started
            .get_or_try_init(|| async {
                let cursor = self.0.db.latest_queue_change_any().await?;
                let wake = Arc::new(Notify::new());
                let hook = Arc::clone(&wake);
                self.0.db.on_queue_change(Arc::new(move || hook.notify_one()));
                let feed = Feed {
                    db: self.0.db.clone(),
                    mode: self.0.mode,
                    wake,
                    stop: Arc::clone(&self.0.stop),
                    hub: Arc::downgrade(&self.0),
                };
                tokio::spawn(feed.run(cursor));
                Ok::<(), AppError>(())
            })
            .await?;
        Ok(())
    }

    /// A place for one more stream of `user`, or the limit it meets.
    fn reserve(&self, user: UserId) -> Result<Slot> {
        let mut s = self.0.streams.lock().map_err(|_| AppError::Internal("stream count poisoned".into()))?;
        if s.total >= self.0.limits.per_node {
            return Err(AppError::Full("live-streams"));
        }
        let mine = s.per_user.entry(user).or_insert(0);
        if *mine >= self.0.limits.per_user {
            return Err(AppError::TooMany("live-streams"));
        }
        *mine += 1;
        s.total += 1;
        Ok(Slot { hub: Arc::clone(&self.0), user })
    }

    async fn subscribe(&self, org: OrgId) -> Result<broadcast::Receiver<QueueChange>> {
        self.start().await?;
        let mut orgs = self.0.orgs.lock().map_err(|_| AppError::Internal("live channels poisoned".into()))?;
        Ok(orgs.entry(org).or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0).subscribe())
    }
}

impl Hub {
    /// Hand a change to its organisation's subscribers only.
    fn publish(&self, change: QueueChange) {
        if let Ok(mut orgs) = self.orgs.lock() {
            let org = change.org_id;
            if let Some(tx) = orgs.get(&org)
                && tx.send(change).is_err()
            {
                // Nobody of this organisation is listening any more.
                orgs.remove(&org);
            }
        }
    }
}

/// One stream's place in the limits, given back when the stream ends.
struct Slot {
    hub: Arc<Hub>,
    user: UserId,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut s) = self.hub.streams.lock() {
            s.total = s.total.saturating_sub(1);
            if let Some(n) = s.per_user.get_mut(&self.user) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    s.per_user.remove(&self.user);
                }
            }
        }
    }
}

/// The feed task of one process.
struct Feed {
    db: Db,
    mode: FeedMode,
    wake: Arc<Notify>,
    stop: Arc<Notify>,
    hub: Weak<Hub>,
}

impl Feed {
    async fn run(self, mut cursor: i64) {
        let mut listener: Option<QueueListener> = None;
        // SQLite has no listener; PostgreSQL in poll mode does not use one.
        let mut listen = self.mode == FeedMode::Notify;
        let tick = if self.mode == FeedMode::Poll { POLL_EVERY } else { SAFETY_EVERY };
        loop {
            if listen && listener.is_none() {
                match self.db.queue_listener().await {
                    Ok(Some(l)) => listener = Some(l),
                    Ok(None) => listen = false,
                    Err(e) => tracing::warn!(error = %e, "live feed: LISTEN failed; reading the table meanwhile"),
                }
            }
            tokio::select! {
                () = self.stop.notified() => return,
                () = self.wake.notified() => {}
                woke = recv(&mut listener) => match woke {
                    Ok(QueueWake::Changed { id, .. }) if id <= cursor => continue,
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "live feed: the notification connection failed");
                        listener = None;
                    }
                },
                () = tokio::time::sleep(tick) => {}
            }
            loop {
                match self.db.queue_changes_since(cursor, READ_BATCH).await {
                    Ok(changes) => {
                        let Some(hub) = self.hub.upgrade() else { return };
                        let full = i64::try_from(changes.len()).unwrap_or(i64::MAX) >= READ_BATCH;
                        for c in changes {
                            cursor = cursor.max(c.id);
                            hub.publish(c);
                        }
                        if !full {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "live feed: reading the change table failed");
                        break;
                    }
                }
            }
        }
    }
}

async fn recv(listener: &mut Option<QueueListener>) -> sightline_storage::Result<QueueWake> {
    match listener {
        Some(l) => l.recv().await,
        None => std::future::pending().await,
    }
}

/// An open stream of one desk analyst's organisation's queue changes.
pub struct QueueEvents {
    db: Db,
    clock: Clock,
    org: OrgId,
    user: UserId,
    session_hash: Vec<u8>,
    rx: broadcast::Receiver<QueueChange>,
    last: i64,
    pending: VecDeque<LiveEvent>,
    recheck: tokio::time::Interval,
    closing: tokio::sync::watch::Receiver<u64>,
    _slot: Slot,
}

impl std::fmt::Debug for QueueEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueEvents").field("org", &self.org).field("last", &self.last).finish_non_exhaustive()
    }
}

impl QueueEvents {
    /// The next event, or `None` when the stream ends (the session no longer stands,
    /// or the feed stopped).
    pub async fn next(&mut self) -> Option<LiveEvent> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Some(e);
            }
            tokio::select! {
                got = self.rx.recv() => match got {
                    Ok(c) if c.id > self.last => {
                        self.last = c.id;
                        return Some(LiveEvent::Change(c));
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if self.catch_up().await.is_err() {
                            return None;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = self.closing.changed() => return None,
                _ = self.recheck.tick() => {
                    if !self.still_allowed().await {
                        return None;
                    }
                }
            }
        }
    }

    /// Queue what the table holds after `self.last` (or a reset when that is too much
    /// or was pruned).
    async fn catch_up(&mut self) -> Result<()> {
        let missed = self.db.queue_changes_after(self.org, self.last, REPLAY_LIMIT).await?;
        if missed.complete {
            for c in missed.changes {
                self.last = self.last.max(c.id);
                self.pending.push_back(LiveEvent::Change(c));
            }
        } else {
            self.last = self.last.max(self.db.latest_queue_change(self.org).await?);
            self.pending.push_back(LiveEvent::Reset { id: self.last });
        }
        Ok(())
    }

    /// The session still stands and its person is still this organisation's desk
    /// analyst past two-factor.
    async fn still_allowed(&self) -> bool {
        match self.db.session(&self.session_hash, self.clock.now()).await {
            Ok(Some(s)) => {
                s.user.id == self.user
                    && s.user.org_id == self.org
                    && Caller::signed_in_with(s.user, s.two_factor_passed, s.second_factor_by_provider, None)
                        .is_ok_and(|c| c.has(Role::DeskAnalyst))
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "live stream: the session could not be checked; ending the stream");
                false
            }
        }
    }
}

impl App {
    /// Open a stream of the caller's organisation's queue changes: desk analysts
    /// only (as the queue), the session `session_hash` re-checked every
    /// [`StreamLimits::recheck`].
    /// With `last_event_id` (a reconnect), what was missed since comes first, or a
    /// [`LiveEvent::Reset`].
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::TooMany`] when the person has
    /// [`StreamLimits::per_user`] streams open here; [`AppError::Full`] when the
    /// server has [`StreamLimits::per_node`]; the database failed.
    pub async fn desk_events(
        &self,
        caller: &Caller,
        session_hash: &[u8],
        last_event_id: Option<i64>,
    ) -> Result<QueueEvents> {
        let me = caller.require(Role::DeskAnalyst)?;
        let slot = self.live.reserve(me.id())?;
        // Subscribe first, then read the table: nothing falls between the two.
        let rx = self.live.subscribe(me.org()).await?;
        let mut recheck = tokio::time::interval(self.live.0.limits.recheck.max(Duration::from_millis(10)));
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        recheck.reset();
        let mut events = QueueEvents {
            db: self.db.clone(),
            clock: self.clock.clone(),
            org: me.org(),
            user: me.id(),
            session_hash: session_hash.to_vec(),
            rx,
            last: 0,
            pending: VecDeque::new(),
            recheck,
            closing: self.live.0.closing.subscribe(),
            _slot: slot,
        };
        match last_event_id {
            Some(last) if last >= 0 => {
                events.last = last;
                events.catch_up().await?;
            }
            _ => events.last = self.db.latest_queue_change(me.org()).await?,
        }
        Ok(events)
    }
}
