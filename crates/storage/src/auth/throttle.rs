//! Sign-in attempts, counted per account and per address, reserved before the
//! secret is checked so that concurrent attempts never pass the limit.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, to_micros};

/// Failed sign-ins in a window, counted per account and per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub for_account: i64,
    pub from_address: i64,
}

/// Failed attempts since a time, per account and per address.
#[derive(sqlx::FromRow)]
struct Failures {
    for_account: i64,
    from_address: i64,
}

impl From<Failures> for LoginFailures {
    fn from(f: Failures) -> Self {
        Self { for_account: f.for_account, from_address: f.from_address }
    }
}

/// Failed (and still reserved) attempts since `$3` for account `$1` and address `$2`.
const FAILURES: &str = "SELECT \
   (SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND at > $3 AND NOT succeeded) AS for_account, \
   (SELECT COUNT(*) FROM login_attempts WHERE ip = $2 AND at > $3 AND NOT succeeded) AS from_address";

impl Db {
    /// Reserve a sign-in attempt before checking the secret, atomically: with the
    /// account's and the address's lock rows held, count the failures since `since`
    /// (reserved attempts count as failures until [`Db::finish_login_attempt`]
    /// records a success), and either refuse (`None`, when `throttled` says so) or
    /// record this attempt as a failure and return its id. Concurrent attempts are
    /// counted one after another, so a burst never checks more than the limit.
    ///
    /// # Errors
    /// The database failed; nothing was reserved.
    pub async fn reserve_login_attempt(
        &self,
        email: &str,
        ip: &str,
        since: OffsetDateTime,
        now: OffsetDateTime,
        throttled: fn(LoginFailures) -> bool,
    ) -> Result<Option<Uuid>> {
        let id = Uuid::now_v7();
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            // Always the account's lock first, then the address's: one order, no deadlock.
            for key in [format!("account:{email}"), format!("address:{ip}")] {
                exec_in_tx!(
                    tx,
                    "INSERT INTO login_throttle_locks (key, at) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET at = excluded.at",
                    key,
                    to_micros(now)
                );
            }
            let failures: Failures =
                sqlx::query_as(FAILURES).bind(email).bind(ip).bind(to_micros(since)).fetch_one(&mut *tx).await?;
            if throttled(failures.into()) {
                tx.rollback().await?;
                return Ok(None);
            }
            exec_in_tx!(
                tx,
                "INSERT INTO login_attempts (id, email, ip, at, succeeded) VALUES ($1, $2, $3, $4, FALSE)",
                id,
                email,
                ip,
                to_micros(now)
            );
            tx.commit().await?;
        });
        Ok(Some(id))
    }

    /// Record how a reserved attempt ended (a reserved attempt counts as a failure
    /// until this marks it a success).
    ///
    /// # Errors
    /// The database failed.
    pub async fn finish_login_attempt(&self, attempt: Uuid, succeeded: bool) -> Result<()> {
        exec!(self, "UPDATE login_attempts SET succeeded = $2 WHERE id = $1", attempt, succeeded);
        Ok(())
    }

    /// Failed (and still reserved) attempts since `since` for this account and from
    /// this address.
    ///
    /// # Errors
    /// The database failed.
    pub async fn login_failures(&self, email: &str, ip: &str, since: OffsetDateTime) -> Result<LoginFailures> {
        let failures: Failures = fetch!(self, query_as.fetch_one, FAILURES, email, ip, to_micros(since));
        Ok(failures.into())
    }
}
