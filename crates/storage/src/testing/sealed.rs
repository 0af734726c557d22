//! One row in every sealed column (for the key rotation tests), each sealed by the
//! caller's functions to the organisation and record the product seals it to.

use sightline_domain::ids::{OrgId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, to_micros};

/// Seals `text` for (organisation, record): (body, wrapped key).
pub type SealBlob<'a> = &'a dyn Fn(OrgId, Uuid, &str) -> (Vec<u8>, Vec<u8>);
/// Seals `text` for (organisation, record) in the `sealed:v1:` text form.
pub type SealText<'a> = &'a dyn Fn(OrgId, Uuid, &str) -> String;

/// Write a value into every sealed column but the reports' (the caller stores
/// reports as the product does) and the derived secrets (made by the product): a note on
/// `report`, a tip message, a mail, a referral from `org` to `partner` and a message on
/// it, `user`'s two-factor secrets, and `org`'s four organisation secrets. Each
/// plaintext is `canary <table.column>`.
///
/// # Errors
/// The database failed.
#[allow(clippy::too_many_lines, clippy::too_many_arguments)]
pub async fn seal_every_column(
    db: &Db,
    org: OrgId,
    partner: OrgId,
    report: Uuid,
    user: UserId,
    blob: SealBlob<'_>,
    text: SealText<'_>,
    now: OffsetDateTime,
) -> Result<()> {
    let at = to_micros(now);
    let (o, u) = (org.as_uuid(), user.as_uuid());
    let (note_b, note_k) = blob(org, report, "canary case_events.sealed");
    let (mail_id, tip_id, ref_id, msg_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (mail_b, mail_k) = blob(org, mail_id, "canary mail_outbox.sealed_body");
    let (tip_b, tip_k) = blob(org, tip_id, "canary tip_messages.sealed");
    let (ref_b, ref_k) = blob(org, ref_id, "canary referrals.sealed");
    let (msg_b, msg_k) = blob(org, msg_id, "canary referral_messages.sealed");
    let totp = text(org, u, "canary users.totp_secret");
    let pending = text(org, u, "canary users.totp_pending_secret");
    let alert = text(org, o, "canary org_alerts.webhook_secret");
    let hook = text(org, o, "canary org_referral_hooks.webhook_secret");
    let sso = text(org, o, "canary org_sso.client_secret");
    let lrs = text(org, o, "canary org_xapi.auth_secret");
    db_run!(db, |p| {
        let mut tx = p.begin().await?;
        exec_in_tx!(
            tx,
            "INSERT INTO case_events (id, org_id, report_id, at, actor_id, kind, sealed, wrapped_key) \
             VALUES ($1, $2, $3, $4, $5, 'note', $6, $7)",
            Uuid::now_v7(),
            o,
            report,
            at,
            u,
            &note_b,
            &note_k
        );
        exec_in_tx!(
            tx,
            "INSERT INTO mail_outbox (id, org_id, to_addr, kind, subject, sealed_body, wrapped_key, created_at, \
             expires_at, next_attempt_at) VALUES ($1, $2, 'x@example.org', 'reminder', 's', $3, $4, $5, $6, $7)",
            mail_id,
            o,
            &mail_b,
            &mail_k,
            at,
            at + 86_400_000_000,
            at + 86_400_000_000
        );
        exec_in_tx!(
            tx,
            "INSERT INTO tip_messages (id, org_id, report_id, at, from_desk, actor_id, sealed, wrapped_key) \
             VALUES ($1, $2, $3, $4, FALSE, NULL, $5, $6)",
            tip_id,
            o,
            report,
            at,
            &tip_b,
            &tip_k
        );
        exec_in_tx!(
            tx,
            "INSERT INTO referrals (id, org_id, report_id, recipient_org_id, recipient_name, recipient_kind, consent, \
             lawful_basis, reason, profile, sealed, wrapped_key, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 'Partner', 'ngo', 'given', 'consent', 'support', 'ngo', $5, $6, 'sent', $7, $8)",
            ref_id,
            o,
            report,
            partner.as_uuid(),
            &ref_b,
            &ref_k,
            u,
            at
        );
        exec_in_tx!(
            tx,
            "INSERT INTO referral_messages (id, referral_id, at, from_partner, actor_id, sealed, wrapped_key) \
             VALUES ($1, $2, $3, FALSE, $4, $5, $6)",
            msg_id,
            ref_id,
            at,
            u,
            &msg_b,
            &msg_k
        );
        exec_in_tx!(
            tx,
            "UPDATE users SET totp_secret = $1, totp_pending_secret = $2 WHERE id = $3",
            &totp,
            &pending,
            u
        );
        for (table, secret) in [("org_alerts", &alert), ("org_referral_hooks", &hook)] {
            exec_in_tx!(
                tx,
                &format!(
                    "INSERT INTO {table} (org_id, webhook_url, webhook_secret, updated_at) \
                 VALUES ($1, 'https://hooks.example.org/x', $2, $3) ON CONFLICT (org_id) DO UPDATE \
                 SET webhook_secret = excluded.webhook_secret"
                ),
                o,
                secret,
                at
            );
        }
        exec_in_tx!(
            tx,
            "INSERT INTO org_sso (org_id, issuer, client_id, client_secret, email_domain, updated_at) \
             VALUES ($1, 'https://id.example.org', 'client', $2, NULL, $3)",
            o,
            &sso,
            at
        );
        exec_in_tx!(
            tx,
            "INSERT INTO org_xapi (org_id, enabled, endpoint, auth_key, auth_secret, actor_form, home_page, \
             activity_base, updated_at) VALUES ($1, FALSE, 'https://lrs.example.org/xapi', 'key', $2, 'account', \
             'https://example.org', 'https://example.org/a', $3)",
            o,
            &lrs,
            at
        );
        tx.commit().await?;
    });
    Ok(())
}
