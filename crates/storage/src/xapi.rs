//! xAPI statements to an organisation's Learning Record Store (issue 14, item 4).
//! Where the LRS is and how people are named in it (`org_xapi`, set through
//! [`Db::set_xapi_settings`], audited); an outbox of statements (`xapi_statements`)
//! written in the same transaction as the learning event they record
//! ([`Db::mark_lesson_done_queued`], [`Db::submit_attempt_queued`]) when the
//! organisation has xAPI on. The sender leases a batch of one organisation's due
//! statements ([`Db::claim_xapi_batch`]: one guarded `UPDATE`, so a statement is in
//! at most one sender's batch on any number of nodes), posts it, and marks the batch
//! sent or failed; statements that fail too often are dead letters until an
//! administrator sends them again ([`Db::retry_xapi_statements`], audited).

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::ids::OrgId;
use sightline_domain::xapi::{ActorForm, Naming, Verb};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::referral_hooks::DeliveryCounts;
use crate::{Db, Result, StorageError, from_micros, to_micros};

/// An organisation's LRS settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XapiSettings {
    pub enabled: bool,
    /// Without a trailing slash; statements go to `{endpoint}/statements`.
    pub endpoint: String,
    /// The Basic auth user name (key).
    pub auth_key: String,
    /// The Basic auth secret, sealed (the sender opens it with the master key).
    pub sealed_secret: String,
    pub naming: Naming,
}

/// A statement to queue with a learning event: its id (the statement's) and its JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatement {
    pub id: Uuid,
    pub verb: Verb,
    pub body: String,
}

/// A leased batch of one organisation's statements, with where they go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XapiBatch {
    /// The lease: [`Db::xapi_batch_sent`] and [`Db::xapi_batch_failed`] take it.
    pub token: Uuid,
    pub org_id: OrgId,
    pub endpoint: String,
    pub auth_key: String,
    pub sealed_secret: String,
    /// (statement id, JSON), oldest first.
    pub statements: Vec<(Uuid, String)>,
    /// The fewest attempts of any statement in the batch, this one included.
    pub attempts: i64,
}

/// A statement given up, as its organisation's administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XapiDeadLetter {
    pub id: Uuid,
    pub verb: Verb,
    pub attempts: i64,
    pub created_at: OffsetDateTime,
    pub dead_at: OffsetDateTime,
    pub last_error: Option<String>,
}

/// How an organisation's statements stand: the counts, the oldest waiting and the
/// last failure (an HTTP status or a connection error; no payload).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XapiBacklog {
    pub counts: DeliveryCounts,
    pub oldest_pending: Option<OffsetDateTime>,
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    enabled: bool,
    endpoint: String,
    auth_key: String,
    auth_secret: String,
    actor_form: String,
    home_page: String,
    activity_base: String,
}

#[derive(sqlx::FromRow)]
struct BatchRow {
    id: Uuid,
    org_id: Uuid,
    body: String,
    attempts: i64,
    endpoint: String,
    auth_key: String,
    auth_secret: String,
}

#[derive(sqlx::FromRow)]
struct DeadRow {
    id: Uuid,
    verb: String,
    attempts: i64,
    created_at: i64,
    dead_at: Option<i64>,
    last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct BacklogRow {
    oldest: Option<i64>,
    last_error: Option<String>,
}

/// Queue `$statements` (`&[NewStatement]`) of organisation `$org` inside an open
/// transaction — only while its xAPI is on (otherwise nothing is written).
macro_rules! xapi_in_tx {
    ($tx:expr, $org:expr, $statements:expr, $now:expr) => {{
        let statements: &[$crate::NewStatement] = $statements;
        for s in statements {
            exec_in_tx!(
                $tx,
                "INSERT INTO xapi_statements (id, org_id, verb, body, state, created_at, lease_until, attempts) \
                 SELECT $1, org_id, $2, $3, 'pending', $4, $4, 0 FROM org_xapi WHERE org_id = $5 AND enabled",
                s.id,
                s.verb.as_str(),
                &s.body,
                $crate::to_micros($now),
                $org.as_uuid()
            );
        }
    }};
}

impl Db {
    /// The organisation's LRS settings, if it set any.
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn xapi_settings(&self, org: OrgId) -> Result<Option<XapiSettings>> {
        let row: Option<SettingsRow> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT enabled, endpoint, auth_key, auth_secret, actor_form, home_page, activity_base \
             FROM org_xapi WHERE org_id = $1",
            org.as_uuid()
        );
        row.map(|r| {
            Ok(XapiSettings {
                enabled: r.enabled,
                endpoint: r.endpoint,
                auth_key: r.auth_key,
                sealed_secret: r.auth_secret,
                naming: Naming {
                    actor_form: stored::<ActorForm>("actor form", &r.actor_form)?,
                    home_page: r.home_page,
                    activity_base: r.activity_base,
                },
            })
        })
        .transpose()
    }

    /// Set or replace the organisation's LRS settings, audited, one transaction.
    ///
    /// # Errors
    /// The database failed.
    pub async fn set_xapi_settings(
        &self,
        org: OrgId,
        s: &XapiSettings,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        audited_exec!(
            self,
            audit,
            now,
            "INSERT INTO org_xapi (org_id, enabled, endpoint, auth_key, auth_secret, actor_form, home_page, \
             activity_base, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (org_id) DO UPDATE SET enabled = excluded.enabled, endpoint = excluded.endpoint, \
             auth_key = excluded.auth_key, auth_secret = excluded.auth_secret, actor_form = excluded.actor_form, \
             home_page = excluded.home_page, activity_base = excluded.activity_base, updated_at = excluded.updated_at",
            org.as_uuid(),
            s.enabled,
            &s.endpoint,
            &s.auth_key,
            &s.sealed_secret,
            s.naming.actor_form.as_str(),
            &s.naming.home_page,
            &s.naming.activity_base,
            to_micros(now)
        );
        Ok(())
    }

    /// Lease up to `limit` due statements of one organisation (the one whose statement
    /// has waited longest) until `lease_until`, counting an attempt on each. `None`
    /// when nothing is due. Of any number of senders, each statement goes to one: the
    /// guarded `UPDATE` re-checks that it is still due under the row lock.
    ///
    /// # Errors
    /// The database failed.
    pub async fn claim_xapi_batch(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
    ) -> Result<Option<XapiBatch>> {
        let token = Uuid::now_v7();
        exec!(
            self,
            "UPDATE xapi_statements SET lease_token = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE state = 'pending' AND lease_until <= $3 AND id IN ( \
               SELECT s.id FROM xapi_statements s WHERE s.state = 'pending' AND s.lease_until <= $3 AND s.org_id = ( \
                 SELECT d.org_id FROM xapi_statements d JOIN org_xapi x ON x.org_id = d.org_id AND x.enabled \
                 WHERE d.state = 'pending' AND d.lease_until <= $3 ORDER BY d.lease_until, d.id LIMIT 1) \
               ORDER BY s.lease_until, s.id LIMIT $4)",
            token,
            to_micros(lease_until),
            to_micros(now),
            limit
        );
        let rows: Vec<BatchRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT s.id, s.org_id, s.body, s.attempts, x.endpoint, x.auth_key, x.auth_secret \
             FROM xapi_statements s JOIN org_xapi x ON x.org_id = s.org_id \
             WHERE s.lease_token = $1 AND s.state = 'pending' ORDER BY s.created_at, s.id",
            token
        );
        let Some(first) = rows.first() else { return Ok(None) };
        Ok(Some(XapiBatch {
            token,
            org_id: OrgId::from_uuid(first.org_id),
            endpoint: first.endpoint.clone(),
            auth_key: first.auth_key.clone(),
            sealed_secret: first.auth_secret.clone(),
            attempts: rows.iter().map(|r| r.attempts).min().unwrap_or(1),
            statements: rows.into_iter().map(|r| (r.id, r.body)).collect(),
        }))
    }

    /// Give each statement of a leased batch a lease of its own, under the same expiry
    /// and attempt count, so each can be sent and recorded alone (an LRS refuses a
    /// whole batch for one statement it will not take). Statements no longer pending
    /// under `batch`'s lease are left out.
    ///
    /// # Errors
    /// The database failed.
    pub async fn split_xapi_batch(&self, batch: &XapiBatch) -> Result<Vec<XapiBatch>> {
        let mut alone = Vec::with_capacity(batch.statements.len());
        for (id, body) in &batch.statements {
            let token = Uuid::now_v7();
            let moved = exec!(
                self,
                "UPDATE xapi_statements SET lease_token = $1 WHERE lease_token = $2 AND id = $3 AND state = 'pending'",
                token,
                batch.token,
                *id
            );
            if moved == 1 {
                alone.push(XapiBatch { token, statements: vec![(*id, body.clone())], ..batch.clone() });
            }
        }
        Ok(alone)
    }

    /// The LRS accepted a leased batch: its statements are never sent again.
    ///
    /// # Errors
    /// The database failed.
    pub async fn xapi_batch_sent(&self, token: Uuid, now: OffsetDateTime) -> Result<u64> {
        Ok(exec!(
            self,
            "UPDATE xapi_statements SET state = 'sent', sent_at = $1, last_error = NULL \
             WHERE lease_token = $2 AND state = 'pending'",
            to_micros(now),
            token
        ))
    }

    /// A leased batch failed with `error`: each statement waits until `retry_at`, or,
    /// once it has had `max_attempts`, goes to the dead-letter list. Only the lease
    /// that sent it counts: a batch claimed again by another sender (its lease ran
    /// out) is theirs.
    ///
    /// # Errors
    /// The database failed.
    pub async fn xapi_batch_failed(
        &self,
        token: Uuid,
        error: &str,
        retry_at: OffsetDateTime,
        max_attempts: i64,
        now: OffsetDateTime,
    ) -> Result<()> {
        let error: String = error.chars().take(300).collect();
        exec!(
            self,
            "UPDATE xapi_statements SET \
               state = CASE WHEN attempts >= $1 THEN 'dead' ELSE 'pending' END, \
               dead_at = CASE WHEN attempts >= $1 THEN $2 ELSE NULL END, \
               lease_until = $3, last_error = $4 \
             WHERE lease_token = $5 AND state = 'pending'",
            max_attempts,
            to_micros(now),
            to_micros(retry_at),
            &error,
            token
        );
        Ok(())
    }

    /// How the organisation's statements stand.
    ///
    /// # Errors
    /// The database failed.
    pub async fn xapi_backlog(&self, org: OrgId) -> Result<XapiBacklog> {
        let counts = self.outbox_counts("xapi_statements", org).await?;
        let row: BacklogRow = db_run!(self, |p| {
            sqlx::query_as(
            "SELECT (SELECT MIN(created_at) FROM xapi_statements WHERE org_id = $1 AND state = 'pending') AS oldest, \
             (SELECT last_error FROM xapi_statements WHERE org_id = $1 AND last_error IS NOT NULL AND state <> 'sent' \
              ORDER BY lease_until DESC, id LIMIT 1) AS last_error"
        )
        .bind(org.as_uuid())
        .fetch_one(p)
        .await?
        });
        Ok(XapiBacklog { counts, oldest_pending: row.oldest.map(from_micros), last_error: row.last_error })
    }

    /// The organisation's dead letters, newest first (at most
    /// [`crate::MAX_DEAD_LETTERS`]).
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn xapi_dead_letters(&self, org: OrgId) -> Result<Vec<XapiDeadLetter>> {
        let rows: Vec<DeadRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT id, verb, attempts, created_at, dead_at, last_error FROM xapi_statements \
             WHERE org_id = $1 AND state = 'dead' ORDER BY dead_at DESC, id LIMIT $2",
            org.as_uuid(),
            crate::MAX_DEAD_LETTERS
        );
        rows.into_iter()
            .map(|r| {
                Ok(XapiDeadLetter {
                    id: r.id,
                    verb: stored("xapi verb", &r.verb)?,
                    attempts: r.attempts,
                    created_at: from_micros(r.created_at),
                    dead_at: from_micros(r.dead_at.unwrap_or(r.created_at)),
                    last_error: r.last_error,
                })
            })
            .collect()
    }

    /// Send every dead letter of the organisation again (same statement ids, a fresh
    /// count of attempts); audited, one transaction. Returns how many.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it has none; the database failed.
    pub async fn retry_xapi_statements(&self, org: OrgId, audit: &NewAuditEntry, now: OffsetDateTime) -> Result<u64> {
        Ok(audited_tx!(self, audit, now, |tx| {
            let n = sqlx::query(
                "UPDATE xapi_statements SET state = 'pending', attempts = 0, lease_until = $1, dead_at = NULL \
                 WHERE org_id = $2 AND state = 'dead'",
            )
            .bind(to_micros(now))
            .bind(org.as_uuid())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                tx.rollback().await?;
                return Err(StorageError::NotFound);
            }
            n
        }))
    }
}
