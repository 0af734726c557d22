//! Sightline's background work, in one place:
//!
//! - [`runner`]: one job runner. Each job has a name, an interval and a pass; the
//!   runner starts every pass from one loop, never two passes of a job at once, and
//!   stops gracefully (no new passes; the passes in flight finish, up to a timeout).
//! - the jobs: [`alerts`] (desk alerts by webhook and e-mail), [`mail`] (the mail
//!   outbox), [`reminders`] (certificate expiry reminders), [`assignments`] (assigned
//!   courses falling due, and the admins' overdue digest), [`referral_hooks`]
//!   (referrals announced to partners' systems by signed webhook) and [`xapi`]
//!   (learning statements to each organisation's LRS, in batches), and [`retention`]
//!   (closed cases past their retention period become tombstones, one purge at a time
//!   across nodes under a lease). A pass works
//!   through everything due, page by page; each item is leased in storage before it
//!   is sent (`claim_alert`, `claim_mail`, `claim_referral_delivery`, `claim_xapi_batch`), so several
//!   nodes may run the same jobs.
//! - outbound delivery: [`outbound::http`] (signed webhooks through a client that
//!   connects only to checked public addresses and follows no redirect) and
//!   [`outbound::smtp`] (the relay settings and the e-mail client).
//!
//! The jobs read the time only through [`Context::now`], the application's clock.

pub mod alerts;
pub mod assignments;
pub mod live;
pub mod mail;
pub mod outbound;
pub mod referral_hooks;
pub mod referrals;
pub mod reminders;
pub mod retention;
pub mod runner;
pub mod xapi;

use std::sync::Arc;

use sightline_domain::crypto::MasterKey;
use sightline_domain::ids::OrgId;
use sightline_storage::{AdminContact, Db, NewMail, OverduePerson, ReminderDue, TrainedPerson};
use time::OffsetDateTime;

pub use outbound::smtp::Smtp;
pub use runner::{Job, JobStats, Runner, Running};

/// Writes the letters a job queues, in the reader's language (the words live with
/// the pages).
pub trait Letters: Send + Sync {
    /// A reminder that a staff certificate expires soon, sealed for the outbox.
    ///
    /// # Errors
    /// The letter could not be written or sealed.
    fn reminder(&self, due: &ReminderDue, org_name: &str) -> Result<NewMail, String>;

    /// A reminder that an assigned course is due in `offset_days` days (0: it is due
    /// today, so overdue), sealed for the outbox, in the person's language.
    ///
    /// # Errors
    /// The letter could not be written or sealed.
    fn assignment_reminder(&self, to: &TrainedPerson, due: &AssignmentDue<'_>) -> Result<NewMail, String>;

    /// The admins' digest of the people newly overdue, in the admin's language.
    ///
    /// # Errors
    /// The letter could not be written or sealed.
    fn overdue_digest(
        &self,
        org: OrgId,
        org_name: &str,
        to: &AdminContact,
        people: &[OverduePerson],
    ) -> Result<NewMail, String>;
}

/// An assigned course as a reminder names it.
pub struct AssignmentDue<'a> {
    pub org: OrgId,
    pub org_name: &'a str,
    pub course_id: &'a str,
    pub due_at: OffsetDateTime,
    pub offset_days: u32,
}

/// What the jobs reach: the database, the master key, the application's clock and
/// the delivery settings.
#[derive(Clone)]
pub struct Context {
    pub db: Db,
    pub keys: Arc<MasterKey>,
    /// The application's clock (a settable one in tests).
    pub clock: Arc<dyn Fn() -> OffsetDateTime + Send + Sync>,
    /// Where people reach the server, for links in alerts (no trailing slash).
    pub public_url: String,
    /// The relay for e-mail; none: nothing is e-mailed and the outbox waits.
    pub smtp: Option<Smtp>,
    /// Let webhooks reach loopback and private-network addresses.
    pub allow_private_webhooks: bool,
    pub letters: Arc<dyn Letters>,
}

impl Context {
    /// The current time, from the application's clock.
    #[must_use]
    pub fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    /// An absolute link on the server.
    #[must_use]
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }
}

/// Paging through everything due: a pass goes on while pages come back full and
/// each page moved something along (sent, failed for later, or leased by another
/// node). A full page where nothing moved is left for the next pass, so a pass
/// always ends.
#[derive(Clone, Copy)]
pub(crate) struct Pages {
    pub limit: i64,
}

impl Pages {
    /// Whether to fetch another page after one that held `seen` items and moved `moved`.
    pub(crate) fn more(self, seen: usize, moved: usize) -> bool {
        i64::try_from(seen).unwrap_or(i64::MAX) >= self.limit && moved > 0
    }
}
