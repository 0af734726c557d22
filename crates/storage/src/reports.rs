//! Crew reports: idempotent ingest keyed by the device's id, and the reporter's own
//! list. Sensitive text arrives already sealed; this module never sees it in clear.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::report::{Awareness, Phase, ReporterRole};
use sightline_domain::triage::CaseStatus;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, StorageError, from_micros, to_micros};

/// A report ready to store (validated, sealed).
#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: Uuid,
    pub org_id: OrgId,
    pub reporter_id: UserId,
    pub reference: String,
    /// SHA-256 of the canonical validated report: the same id with another hash is a
    /// conflict, never an overwrite.
    pub content_hash: Vec<u8>,
    pub client_created_at: Option<String>,
    pub reporter_role: ReporterRole,
    pub phase: Phase,
    pub flight: String,
    pub flight_date: String,
    pub origin: String,
    pub destination: String,
    pub scheduled_arrival: Option<OffsetDateTime>,
    /// Where in the terminal (an incident with no flight); empty on a flight.
    pub place: String,
    /// Problems of an urgent report kept for the desk (`field:code …`).
    pub flags: String,
    pub seats: String,
    pub potential_victims: i32,
    pub companions: i32,
    pub indicators: String,
    /// The regions of the route's airports (`origin>destination`, see
    /// `sightline_domain::stats::Regions::route`), counted in the statistics.
    pub route_region: String,
    pub disclosed: bool,
    pub companion_aware: Awareness,
    pub immediate_danger: bool,
    pub gate_passed: bool,
    pub relay_message: String,
    pub sealed: Vec<u8>,
    pub wrapped_key: Vec<u8>,
}

/// What a stored report shows without opening its sealed part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    pub id: Uuid,
    pub reference: String,
    pub received_at: OffsetDateTime,
    pub status: CaseStatus,
    pub flight: String,
    pub flight_date: String,
    pub origin: String,
    pub destination: String,
    pub relay_message: String,
    pub gate_passed: bool,
    pub immediate_danger: bool,
}

/// The outcome of a PUT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingest {
    /// Stored now.
    Created(ReportSummary),
    /// Already stored with exactly this content (a retry).
    Replayed(ReportSummary),
}

/// A `reports` row as [`SUMMARY`] reads it.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    reference: String,
    received_at: i64,
    status: String,
    flight: String,
    flight_date: String,
    origin: String,
    destination: String,
    relay_message: String,
    gate_passed: bool,
    immediate_danger: bool,
}

const SUMMARY: &str = "SELECT id, reference, received_at, status, flight, flight_date, origin, destination, \
     relay_message, gate_passed, immediate_danger FROM reports";

impl TryFrom<SummaryRow> for ReportSummary {
    type Error = StorageError;
    fn try_from(r: SummaryRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            reference: r.reference,
            received_at: from_micros(r.received_at),
            status: stored("case status", &r.status)?,
            flight: r.flight,
            flight_date: r.flight_date,
            origin: r.origin,
            destination: r.destination,
            relay_message: r.relay_message,
            gate_passed: r.gate_passed,
            immediate_danger: r.immediate_danger,
        })
    }
}

/// The `INSERT` of reports (either engine), one row each, as a query builder to
/// `build()`: `$rows` yields `(&NewReport, reporter UUID, public tip?)`. `ON CONFLICT
/// (id) DO NOTHING`: a single-row caller reads `rows_affected` to tell a new report
/// from a replay; a multi-row one reads the ids it `RETURNING`s.
macro_rules! insert_reports {
    ($rows:expr, $now:expr) => {{
        let now: time::OffsetDateTime = $now;
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO reports (id, org_id, reporter_id, reference, content_hash, received_at, client_created_at, \
        reporter_role, phase, flight, flight_date, origin, destination, scheduled_arrival, seats, \
        potential_victims, companions, indicators, disclosed, companion_aware, immediate_danger, gate_passed, \
        relay_message, sealed, wrapped_key, arrival_key, place, flags, public_tip, route_region, stats_month) ",
        );
        q.push_values($rows, |mut b, (r, reporter, public): (&$crate::NewReport, uuid::Uuid, bool)| {
            b.push_bind(r.id)
                .push_bind(r.org_id.as_uuid())
                .push_bind(reporter)
                .push_bind(&r.reference)
                .push_bind(&r.content_hash)
                .push_bind($crate::to_micros(now))
                .push_bind(r.client_created_at.as_deref())
                .push_bind(r.reporter_role.as_str())
                .push_bind(r.phase.as_str())
                .push_bind(&r.flight)
                .push_bind(&r.flight_date)
                .push_bind(&r.origin)
                .push_bind(&r.destination)
                .push_bind(r.scheduled_arrival.map($crate::to_micros))
                .push_bind(&r.seats)
                .push_bind(i64::from(r.potential_victims))
                .push_bind(i64::from(r.companions))
                .push_bind(&r.indicators)
                .push_bind(r.disclosed)
                .push_bind(r.companion_aware.as_str())
                .push_bind(r.immediate_danger)
                .push_bind(r.gate_passed)
                .push_bind(&r.relay_message)
                .push_bind(&r.sealed)
                .push_bind(&r.wrapped_key)
                .push_bind(r.scheduled_arrival.map_or(i64::MAX, $crate::to_micros))
                .push_bind(&r.place)
                .push_bind(&r.flags)
                .push_bind(public)
                .push_bind(&r.route_region)
                .push_bind(sightline_domain::stats::month_of(now));
        });
        q.push(" ON CONFLICT (id) DO NOTHING");
        q
    }};
}
pub(crate) use insert_reports;

impl Db {
    /// Store a report once. The same id with the same content returns the stored
    /// report; with different content (or from another organisation) it is a
    /// [`StorageError::Conflict`] on `id` and nothing changes. The insert and its
    /// audit entry commit together, before this returns.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `id`; a database error.
    pub async fn put_report(&self, r: &NewReport, now: OffsetDateTime) -> Result<Ingest> {
        self.put_reports(std::slice::from_ref(r), now)
            .await?
            .pop()
            .unwrap_or(Err(StorageError::Corrupt("empty batch result".into())))
    }

    /// Store several reports in one transaction (group commit): one durable commit
    /// acknowledges them all, each with its own audit entry, and each report gets
    /// its own outcome, as [`Db::put_report`] describes.
    ///
    /// A report that fails fails alone: the batch is first written in one
    /// transaction; if the database refuses a report in it, the batch is written
    /// again with each insert in its own savepoint, so the refused report is rolled
    /// back to its savepoint and the others commit. Lock order is the same in every batch, so two
    /// writers (two server nodes) do not deadlock: reports are inserted in ascending
    /// id order (stable, so of two reports with one id the earlier in `batch` wins),
    /// and the audit entries, which lock `audit_head`, go last.
    ///
    /// # Errors
    /// A database error for the whole batch (nothing is written); per report,
    /// [`StorageError::Conflict`] on `id`, [`StorageError::Busy`] (try again) or
    /// another database error.
    pub async fn put_reports(&self, batch: &[NewReport], now: OffsetDateTime) -> Result<Vec<Result<Ingest>>> {
        let at = crate::from_micros(to_micros(now));
        let mut order: Vec<usize> = (0..batch.len()).collect();
        order.sort_by_key(|&i| batch[i].id);
        let inserted: Vec<Result<bool>> = db_run!(self, |p| {
            let row = |i: usize| (&batch[i], batch[i].reporter_id.as_uuid(), false);
            // First the whole batch in one transaction, a few multi-row statements for
            // all of it. Only if a report in it is refused is the batch written again
            // with a savepoint around each report, so the refused one fails alone and
            // the rest commit.
            let mut written = None;
            for isolated in [false, true] {
                let mut tx = p.begin().await?;
                let mut inserted: Vec<Result<bool>> = batch.iter().map(|_| Ok(false)).collect();
                let mut refused = None;
                if isolated {
                    for &i in &order {
                        let mut one = sqlx::Acquire::begin(&mut *tx).await?;
                        match insert_reports!(std::iter::once(row(i)), now).build().execute(&mut *one).await {
                            Ok(d) => {
                                one.commit().await?;
                                inserted[i] = Ok(d.rows_affected() == 1);
                            }
                            Err(e) => {
                                one.rollback().await?;
                                inserted[i] = Err(StorageError::from(e));
                            }
                        }
                    }
                } else {
                    // 31 values a row: 128 rows stay far below either engine's limit
                    // on binds. The ids a statement returns are the rows it inserted;
                    // of two reports with one id only the first in key order is.
                    for chunk in order.chunks(128) {
                        let mut q = insert_reports!(chunk.iter().map(|&i| row(i)), now);
                        q.push(" RETURNING id");
                        match q.build_query_scalar::<Uuid>().fetch_all(&mut *tx).await {
                            Ok(ids) => {
                                let mut ids: std::collections::HashSet<Uuid> = ids.into_iter().collect();
                                for &i in chunk {
                                    inserted[i] = Ok(ids.remove(&batch[i].id));
                                }
                            }
                            Err(e) => {
                                refused = Some(StorageError::from(e));
                                break;
                            }
                        }
                    }
                }
                if let Some(e) = refused {
                    tx.rollback().await?;
                    if e.is_retryable() {
                        return Err(e);
                    }
                    continue;
                }
                // Then the statistics, in key order, and the audit entries last, so the
                // chain's lock is held only briefly.
                let counted = order.iter().filter(|&&i| matches!(inserted[i], Ok(true))).map(|&i| &batch[i]);
                count_reports_in_tx!(tx, counted, sightline_domain::stats::month_of(now));
                let audits: Vec<NewAuditEntry> = order
                    .iter()
                    .filter(|&&i| matches!(inserted[i], Ok(true)))
                    .map(|&i| {
                        let r = &batch[i];
                        NewAuditEntry::new(AuditAction::ReportReceived)
                            .org(r.org_id)
                            .actor(r.reporter_id)
                            .target("report", r.id)
                            .detail(format!("{} {} {}-{}", r.reference, r.flight, r.origin, r.destination))
                    })
                    .collect();
                audit_many_in_tx!(tx, &audits, now);
                // The live queue's change rows, one statement for the batch, after the
                // audit entries (whose lock orders the change ids by commit).
                let new = order
                    .iter()
                    .filter(|&&i| matches!(inserted[i], Ok(true)))
                    .map(|&i| (batch[i].org_id, batch[i].id, crate::QueueChangeKind::New));
                queue_changes_in_tx!(tx, new, now);
                tx.commit().await?;
                written = Some(inserted);
                break;
            }
            written.unwrap_or_default()
        });
        if inserted.iter().any(|i| matches!(i, Ok(true))) {
            self.queue_changed();
        }
        let mut out = Vec::with_capacity(batch.len());
        for (r, ins) in batch.iter().zip(inserted) {
            let ins = match ins {
                Ok(ins) => ins,
                Err(e) => {
                    out.push(Err(e));
                    continue;
                }
            };
            if ins {
                out.push(Ok(Ingest::Created(ReportSummary {
                    id: r.id,
                    reference: r.reference.clone(),
                    received_at: at,
                    status: CaseStatus::Received,
                    flight: r.flight.clone(),
                    flight_date: r.flight_date.clone(),
                    origin: r.origin.clone(),
                    destination: r.destination.clone(),
                    relay_message: r.relay_message.clone(),
                    gate_passed: r.gate_passed,
                    immediate_danger: r.immediate_danger,
                })));
                continue;
            }
            // The batch has committed: from here a failure is this report's alone.
            let existing: Result<Option<Stored>> =
                db_run!(self, |p| sqlx::query_as("SELECT org_id, content_hash FROM reports WHERE id = $1")
                    .bind(r.id)
                    .fetch_optional(p)
                    .await
                    .map_err(StorageError::from));
            out.push(match existing {
                Err(e) => Err(e),
                Ok(Some(s)) if s.org_id == r.org_id.as_uuid() && s.content_hash == r.content_hash => {
                    self.report_summary(r.org_id, r.id).await.map(Ingest::Replayed)
                }
                Ok(_) => Err(StorageError::Conflict { field: "id" }),
            });
        }
        Ok(out)
    }

    /// One report of the organisation, without its sealed part.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it is not this organisation's.
    pub async fn report_summary(&self, org: OrgId, id: Uuid) -> Result<ReportSummary> {
        let sql = format!("{SUMMARY} WHERE org_id = $1 AND id = $2");
        let row: Option<SummaryRow> = fetch!(self, query_as.fetch_optional, &sql, org.as_uuid(), id);
        row.ok_or(StorageError::NotFound)?.try_into()
    }

    /// A reporter's own reports, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn reports_of(&self, org: OrgId, reporter: UserId, limit: i64) -> Result<Vec<ReportSummary>> {
        let sql =
            format!("{SUMMARY} WHERE org_id = $1 AND reporter_id = $2 ORDER BY received_at DESC, id DESC LIMIT $3");
        let rows: Vec<SummaryRow> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid(), reporter.as_uuid(), limit);
        rows.into_iter().map(ReportSummary::try_from).collect()
    }

    /// The sealed part of a report of `org` (body, wrapped key).
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it is not this organisation's.
    pub async fn report_sealed(&self, org: OrgId, id: Uuid) -> Result<(Vec<u8>, Vec<u8>)> {
        let row: Option<Sealed> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT sealed, wrapped_key FROM reports WHERE org_id = $1 AND id = $2",
            org.as_uuid(),
            id
        );
        row.map(|r| (r.sealed, r.wrapped_key)).ok_or(StorageError::NotFound)
    }

    /// The organisation's relay-message codeword (`None`: the default header).
    ///
    /// # Errors
    /// The database failed.
    pub async fn relay_codeword(&self, org: OrgId) -> Result<Option<String>> {
        let v: Option<Option<String>> = fetch!(
            self,
            query_scalar.fetch_optional,
            "SELECT relay_codeword FROM organisations WHERE id = $1",
            org.as_uuid()
        );
        Ok(v.flatten())
    }

    /// Set (or, with `None`, clear) the organisation's relay-message codeword, with
    /// its audit entry.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] for an unknown organisation; the database failed.
    pub async fn set_relay_codeword(
        &self,
        org: OrgId,
        codeword: Option<&str>,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query("UPDATE organisations SET relay_codeword = $1 WHERE id = $2")
                .bind(codeword)
                .bind(org.as_uuid())
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                return Err(StorageError::NotFound);
            }
            audit_in_tx!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// How many reports the organisation holds.
    ///
    /// # Errors
    /// The database failed.
    pub async fn count_reports(&self, org: OrgId) -> Result<i64> {
        let n: i64 =
            fetch!(self, query_scalar.fetch_one, "SELECT COUNT(*) FROM reports WHERE org_id = $1", org.as_uuid());
        Ok(n)
    }
}

/// Who stored a report id already, and with which content.
#[derive(sqlx::FromRow)]
struct Stored {
    org_id: Uuid,
    content_hash: Vec<u8>,
}

/// A report's sealed part.
#[derive(sqlx::FromRow)]
struct Sealed {
    sealed: Vec<u8>,
    wrapped_key: Vec<u8>,
}
