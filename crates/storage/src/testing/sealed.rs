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
        sqlx::query(
            "INSERT INTO case_events (id, org_id, report_id, at, actor_id, kind, sealed, wrapped_key) \
             VALUES ($1, $2, $3, $4, $5, 'note', $6, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(o)
        .bind(report)
        .bind(at)
        .bind(u)
        .bind(&note_b)
        .bind(&note_k)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO mail_outbox (id, org_id, to_addr, kind, subject, sealed_body, wrapped_key, created_at, \
             expires_at, next_attempt_at) VALUES ($1, $2, 'x@example.org', 'reminder', 's', $3, $4, $5, $6, $7)",
        )
        .bind(mail_id)
        .bind(o)
        .bind(&mail_b)
        .bind(&mail_k)
        .bind(at)
        .bind(at + 86_400_000_000)
        .bind(at + 86_400_000_000)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO tip_messages (id, org_id, report_id, at, from_desk, actor_id, sealed, wrapped_key) \
             VALUES ($1, $2, $3, $4, FALSE, NULL, $5, $6)",
        )
        .bind(tip_id)
        .bind(o)
        .bind(report)
        .bind(at)
        .bind(&tip_b)
        .bind(&tip_k)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO referrals (id, org_id, report_id, recipient_org_id, recipient_name, recipient_kind, consent, \
             lawful_basis, reason, profile, sealed, wrapped_key, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 'Partner', 'ngo', 'given', 'consent', 'support', 'ngo', $5, $6, 'sent', $7, $8)",
        )
        .bind(ref_id)
        .bind(o)
        .bind(report)
        .bind(partner.as_uuid())
        .bind(&ref_b)
        .bind(&ref_k)
        .bind(u)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO referral_messages (id, referral_id, at, from_partner, actor_id, sealed, wrapped_key) \
             VALUES ($1, $2, $3, FALSE, $4, $5, $6)",
        )
        .bind(msg_id)
        .bind(ref_id)
        .bind(at)
        .bind(u)
        .bind(&msg_b)
        .bind(&msg_k)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET totp_secret = $1, totp_pending_secret = $2 WHERE id = $3")
            .bind(&totp)
            .bind(&pending)
            .bind(u)
            .execute(&mut *tx)
            .await?;
        for (table, secret) in [("org_alerts", &alert), ("org_referral_hooks", &hook)] {
            sqlx::query(&format!(
                "INSERT INTO {table} (org_id, webhook_url, webhook_secret, updated_at) \
                 VALUES ($1, 'https://hooks.example.org/x', $2, $3) ON CONFLICT (org_id) DO UPDATE \
                 SET webhook_secret = excluded.webhook_secret"
            ))
            .bind(o)
            .bind(secret)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO org_sso (org_id, issuer, client_id, client_secret, email_domain, updated_at) \
             VALUES ($1, 'https://id.example.org', 'client', $2, NULL, $3)",
        )
        .bind(o)
        .bind(&sso)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO org_xapi (org_id, enabled, endpoint, auth_key, auth_secret, actor_form, home_page, \
             activity_base, updated_at) VALUES ($1, FALSE, 'https://lrs.example.org/xapi', 'key', $2, 'account', \
             'https://example.org', 'https://example.org/a', $3)",
        )
        .bind(o)
        .bind(&lrs)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    });
    Ok(())
}
