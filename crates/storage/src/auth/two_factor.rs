//! Two-factor sign-in: the TOTP secret (pending until a code confirms it), the last
//! step used (so a code is never accepted twice), and single-use recovery codes.

use sightline_domain::audit::AuditAction;
use sightline_domain::ids::{OrgId, UserId};
use time::OffsetDateTime;

use crate::{Db, Result, UserRecord, to_micros};

impl Db {
    /// Keep a secret the user is enrolling with until they confirm a code.
    ///
    /// # Errors
    /// The database failed.
    pub async fn set_pending_totp(&self, org: OrgId, user: UserId, secret_b32: &str) -> Result<()> {
        self.set_user_text(
            "UPDATE users SET totp_pending_secret = $1 WHERE org_id = $2 AND id = $3",
            org,
            user,
            secret_b32,
        )
        .await
    }

    /// Turn two-factor on with the confirmed secret and store the recovery code
    /// hashes, replacing any earlier ones.
    ///
    /// # Errors
    /// The database failed.
    pub async fn enable_totp(
        &self,
        user: &UserRecord,
        secret_b32: &str,
        step: i64,
        recovery_hashes: &[Vec<u8>],
        ip: Option<String>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let audit = user.own_audit(AuditAction::TwoFactorEnabled, ip);
        audited_tx!(self, &audit, now, |tx| {
            exec_in_tx!(
                tx,
                "UPDATE users SET totp_secret = $1, totp_pending_secret = NULL, totp_last_step = $2 \
                 WHERE org_id = $3 AND id = $4",
                secret_b32,
                step,
                user.org_id.as_uuid(),
                user.id.as_uuid()
            );
            exec_in_tx!(tx, "DELETE FROM recovery_codes WHERE user_id = $1", user.id.as_uuid());
            for h in recovery_hashes {
                exec_in_tx!(
                    tx,
                    "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
                    user.id.as_uuid(),
                    h
                );
            }
        });
        Ok(())
    }

    /// Record that a TOTP step was used. Returns false if that step (or a later one)
    /// was already used: a replayed code.
    ///
    /// # Errors
    /// The database failed.
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool> {
        let done = exec!(
            self,
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            step,
            user.as_uuid()
        );
        Ok(done == 1)
    }

    /// Spend a recovery code. Returns false if no unused code has this hash.
    ///
    /// # Errors
    /// The database failed.
    pub async fn use_recovery_code(&self, user: &UserRecord, hash: &[u8], now: OffsetDateTime) -> Result<bool> {
        let audit = user.own_audit(AuditAction::RecoveryCodeUsed, None);
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            spend_once_in_tx!(
                tx,
                Ok(false),
                "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                to_micros(now),
                user.id.as_uuid(),
                hash
            );
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// How many unused recovery codes a user has left.
    ///
    /// # Errors
    /// The database failed.
    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64> {
        let n: i64 = fetch!(
            self,
            query_scalar.fetch_one,
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
            user.as_uuid()
        );
        Ok(n)
    }
}
