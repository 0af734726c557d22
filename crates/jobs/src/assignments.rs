//! Assigned training falling due: each person covered by an assignment is e-mailed at
//! the organisation's reminder offsets (60, 30 and 7 days before the due date and on
//! the day it becomes overdue, unless the organisation set others), in their
//! language, once each — the claim is a unique row per (person, assignment, due
//! date, offset) written with the e-mail, so two nodes never both send one. Then the
//! organisation's admins get one digest of the people newly overdue. Organisations
//! and people are read page by page until none is left.

use sightline_domain::assign::{due_for, reminder_due};
use sightline_domain::ids::OrgId;
use sightline_storage::{ReminderClaim, StorageError};

use crate::{AssignmentDue, Context};

/// How many organisations, and how many people, one page holds.
const ORG_PAGE: i64 = 100;
const PEOPLE_PAGE: i64 = 500;

/// What one pass queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Queued {
    /// Reminder e-mails to people.
    pub reminders: usize,
    /// People named in the admins' digests.
    pub overdue: usize,
}

/// One pass over every organisation with assignments: their compliance rows are
/// brought up to date (so the dashboard finds little left to do), then reminders.
/// Without an SMTP relay nothing is queued, so nobody is marked reminded.
///
/// # Errors
/// The database failed (what was queued before stays queued, once).
pub async fn run_once(ctx: &Context) -> Result<Queued, StorageError> {
    let mut queued = Queued::default();
    let mut after = None;
    loop {
        let orgs = ctx.db.orgs_with_assignments(after, ORG_PAGE).await?;
        for org in &orgs {
            ctx.db.refresh_standings(*org, ctx.now()).await?;
            if ctx.smtp.is_none() {
                continue;
            }
            let q = remind_org(ctx, *org).await?;
            queued.reminders += q.reminders;
            queued.overdue += q.overdue;
        }
        if i64::try_from(orgs.len()).unwrap_or(i64::MAX) < ORG_PAGE {
            break;
        }
        after = orgs.last().copied();
    }
    Ok(queued)
}

async fn remind_org(ctx: &Context, org: OrgId) -> Result<Queued, StorageError> {
    let now = ctx.now();
    let assignments = ctx.db.assignments(org).await?;
    let settings = ctx.db.training_settings(org).await?;
    let org_name = ctx.db.get_org(org).await?.name;
    let mut queued = Queued::default();
    let mut after = None;
    loop {
        let people = ctx.db.trained_people(org, after, PEOPLE_PAGE).await?;
        for p in &people {
            for a in assignments.iter().filter(|a| a.terms.covers(p.position, p.base.as_deref())) {
                let (due_at, _) = due_for(&a.terms, p.joined, p.completions.iter().map(|(c, t)| (c.as_str(), *t)), now);
                let Some(offset_days) = reminder_due(due_at, now, &settings.offsets) else { continue };
                let due = AssignmentDue { org, org_name: &org_name, course_id: &a.terms.course, due_at, offset_days };
                match ctx.letters.assignment_reminder(p, &due) {
                    Ok(mail) => {
                        let claim =
                            ReminderClaim { org_id: org, user_id: p.id, assignment_id: a.id, due_at, offset_days };
                        // False: sent before (here or on another node).
                        if ctx.db.claim_assignment_reminder(&claim, &mail, now).await? {
                            queued.reminders += 1;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot write a training reminder"),
                }
            }
        }
        if i64::try_from(people.len()).unwrap_or(i64::MAX) < PEOPLE_PAGE {
            break;
        }
        after = people.last().map(|p| p.id);
    }
    queued.overdue = ctx
        .db
        .digest_overdue(org, now, |admins, overdue| {
            admins.iter().map(|a| ctx.letters.overdue_digest(org, &org_name, a, overdue)).collect()
        })
        .await?;
    Ok(queued)
}
