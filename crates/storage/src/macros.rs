//! The crate's own macros: one query body expanded per engine, and the steps that
//! several writes share inside an open transaction. None leaves this crate.

/// Run the same body against whichever pool `db` holds. The body is expanded once
/// per engine, so it is type-checked against both drivers.
macro_rules! db_run {
    ($db:expr, |$pool:ident| $body:expr) => {
        match &$db.0 {
            $crate::Inner::Sqlite($pool) => $body,
            $crate::Inner::Pg($pool) => $body,
        }
    };
}

/// Run one statement with these values on `db`'s pool (either engine); its value is the
/// number of rows it touched.
macro_rules! exec {
    ($db:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        db_run!($db, |p| sqlx::query($sql)$(.bind($bind))*.execute(p).await?.rows_affected())
    };
}

/// One audited write: open a transaction on `db`'s pool, run `$body` (which writes
/// through `$tx` and may roll back and `return` early), append `$audit`, commit. The
/// body's value is the macro's.
///
/// With `queue = $changes` (an iterator of `(OrgId, Uuid, QueueChangeKind)`), the
/// live queue's change rows are written after the audit entry, and this process's
/// feed is woken after the commit.
macro_rules! audited_tx {
    ($db:expr, $audit:expr, $now:expr, |$tx:ident| $body:block) => {
        db_run!($db, |p| {
            let mut $tx = p.begin().await?;
            #[allow(clippy::let_unit_value)]
            let out = $body;
            audit_in_tx!($tx, $audit, $now);
            $tx.commit().await?;
            out
        })
    };
    ($db:expr, $audit:expr, $now:expr, queue = $changes:expr, |$tx:ident| $body:block) => {{
        let out = db_run!($db, |p| {
            let mut $tx = p.begin().await?;
            #[allow(clippy::let_unit_value)]
            let out = $body;
            audit_in_tx!($tx, $audit, $now);
            queue_changes_in_tx!($tx, $changes, $now);
            $tx.commit().await?;
            out
        });
        $db.queue_changed();
        out
    }};
}

/// Run one statement with these values inside the open transaction `$tx` (either
/// engine); its value is the driver's result (rows touched).
macro_rules! exec_in_tx {
    ($tx:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        sqlx::query($sql)$(.bind($bind))*.execute(&mut *$tx).await?
    };
}

/// One audited statement: run `$sql` with these values and append `$audit` in one
/// transaction.
macro_rules! audited_exec {
    ($db:expr, $audit:expr, $now:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        audited_tx!($db, $audit, $now, |tx| {
            exec_in_tx!(tx, $sql $(, $bind)*);
        })
    };
}

/// One audited change of exactly one row: run `$sql` with these values and append
/// `$audit` in one transaction; unless it touched exactly one row, roll back and
/// return [`StorageError::NotFound`] from the enclosing function (nothing written,
/// nothing audited).
macro_rules! audited_one_row {
    ($db:expr, $audit:expr, $now:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        audited_tx!($db, $audit, $now, |tx| {
            one_row_or!(tx, $crate::StorageError::NotFound, sqlx::query($sql)$(.bind($bind))*);
        })
    };
}

/// Read with one query on `db`'s pool (either engine): `$ctor` is `query_as` (rows)
/// or `query_scalar` (one column), `$how` is `fetch_all`, `fetch_one` or
/// `fetch_optional`; the type read is the one the caller asks for.
/// `fetch!(self, query_as.fetch_optional, "SELECT … WHERE org_id = $1 AND id = $2", org.as_uuid(), id)`
macro_rules! fetch {
    ($db:expr, $ctor:ident . $how:ident, $sql:expr $(, $bind:expr)* $(,)?) => {
        db_run!($db, |p| sqlx::$ctor($sql)$(.bind($bind))*.$how(p).await?)
    };
}

/// Spend something once inside an open transaction `$tx` (a link, a recovery code, a
/// token): run the guarded `UPDATE … WHERE … IS NULL`; when it touched no row, roll
/// back and return `$gone` from the enclosing function.
macro_rules! spend_once_in_tx {
    ($tx:ident, $gone:expr, $sql:literal $(, $bind:expr)* $(,)?) => {
        let done = sqlx::query($sql)$(.bind($bind))*.execute(&mut *$tx).await?;
        if done.rows_affected() != 1 {
            $tx.rollback().await?;
            return $gone;
        }
    };
}

/// Append an audit entry inside an open transaction `$tx` (either engine): take the
/// chain's tip (locking it), hash the entry onto it, insert it, move the tip; its
/// sequence number. One entry of [`audit_many_in_tx!`].
macro_rules! audit_in_tx {
    ($tx:expr, $entry:expr, $now:expr) => {{
        let entry: &sightline_domain::audit::NewAuditEntry = $entry;
        audit_many_in_tx!($tx, std::slice::from_ref(entry), $now)
    }};
}

/// Append several audit entries inside an open transaction `$tx` (either engine), in
/// the order given, with three statements however many there are: take `n` sequence
/// numbers from the chain's tip at once (locking it), hash each entry onto the one
/// before it, insert them all in one multi-row statement per chunk, move the tip. Its
/// value is the last entry's sequence number (0 when there are none: nothing is written).
macro_rules! audit_many_in_tx {
    ($tx:expr, $entries:expr, $now:expr) => {{
        let entries: &[sightline_domain::audit::NewAuditEntry] = $entries;
        let mut last_seq: i64 = 0;
        if !entries.is_empty() {
            let at = sightline_domain::audit::audit_time($now);
            let n = i64::try_from(entries.len()).unwrap_or(i64::MAX);
            let head: $crate::audit::Head =
                sqlx::query_as("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, last_hash")
                    .bind(n)
                    .fetch_one(&mut *$tx)
                    .await?;
            let mut seq = head.seq - n;
            let mut last = head.last_hash;
            let mut rows = Vec::with_capacity(entries.len());
            for entry in entries {
                seq += 1;
                let hash = sightline_domain::audit::entry_hash(
                    &last,
                    seq,
                    at,
                    entry.org_id,
                    entry.actor,
                    entry.action.as_str(),
                    entry.target_kind,
                    entry.target_id.as_deref(),
                    &entry.detail,
                    entry.ip.as_deref(),
                );
                let prev = std::mem::replace(&mut last, hash.to_vec());
                rows.push((seq, entry, prev, hash.to_vec()));
            }
            // 11 values a row: 90 rows stay far below either engine's limit on binds.
            for chunk in rows.chunks(90) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO audit_log (seq, at, org_id, actor_id, action, target_kind, target_id, detail, ip, \
                     prev_hash, hash) ",
                );
                q.push_values(chunk, |mut b, (seq, entry, prev, hash)| {
                    b.push_bind(*seq)
                        .push_bind($crate::to_micros(at))
                        .push_bind(entry.org_id.map(|o| o.as_uuid()))
                        .push_bind(entry.actor.map(|a| a.as_uuid()))
                        .push_bind(entry.action.as_str())
                        .push_bind(entry.target_kind)
                        .push_bind(entry.target_id.as_deref())
                        .push_bind(&entry.detail)
                        .push_bind(entry.ip.as_deref())
                        .push_bind(&prev[..])
                        .push_bind(&hash[..]);
                });
                q.build().execute(&mut *$tx).await?;
            }
            exec_in_tx!($tx, "UPDATE audit_head SET last_hash = $1 WHERE id = 1", &last[..]);
            last_seq = seq;
        }
        last_seq
    }};
}

/// Run a version-guarded `UPDATE … WHERE … AND version = $n` inside the open
/// transaction `$tx`. If it changed no row, someone else saved first: roll back and
/// return [`StorageError::Conflict`] on `version`, so nothing is overwritten.
macro_rules! update_if_version {
    ($tx:ident, $query:expr) => {
        one_row_or!($tx, $crate::StorageError::Conflict { field: "version" }, $query)
    };
}

/// Run `$query` inside the open transaction `$tx`; unless it touched exactly one row,
/// roll back and return `Err($err)` from the enclosing function.
macro_rules! one_row_or {
    ($tx:ident, $err:expr, $query:expr) => {{
        let done = $query.execute(&mut *$tx).await?.rows_affected();
        if done != 1 {
            $tx.rollback().await?;
            return Err($err);
        }
    }};
}

/// Queue an e-mail inside an open transaction (the link it carries commits with it).
macro_rules! mail_in_tx {
    ($tx:expr, $org:expr, $mail:expr, $now:expr) => {{
        let m: &$crate::NewMail = $mail;
        exec_in_tx!(
            $tx,
            "INSERT INTO mail_outbox (id, org_id, to_addr, kind, subject, sealed_body, wrapped_key, created_at, \
             expires_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8)",
            m.id,
            $org.as_uuid(),
            &m.to,
            m.kind.as_str(),
            &m.subject,
            &m.sealed.0,
            &m.sealed.1,
            $crate::to_micros($now),
            $crate::to_micros(m.expires_at)
        );
    }};
}

/// Revoke every live API token of `$user` inside an open transaction `$tx`, and, when
/// there were any, audit it once with the count and the reason (`$actor` did it).
/// Used where a person's credentials or rights change: a password reset, a role change.
macro_rules! revoke_tokens_in_tx {
    ($tx:expr, $org:expr, $user:expr, $actor:expr, $reason:expr, $now:expr) => {{
        let org: sightline_domain::ids::OrgId = $org;
        let user: sightline_domain::ids::UserId = $user;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind($crate::to_micros($now))
        .bind(org.as_uuid())
        .bind(user.as_uuid())
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if n > 0 {
            let mut entry =
                sightline_domain::audit::NewAuditEntry::new(sightline_domain::audit::AuditAction::ApiTokenRevoked)
                    .org(org)
                    .target("user", user)
                    .detail(format!("{n} token{}: {}", if n == 1 { "" } else { "s" }, $reason));
            if let Some(actor) = $actor {
                entry = entry.actor(actor);
            }
            audit_in_tx!($tx, &entry, $now);
        }
    }};
}

/// Insert a certificate inside an open transaction.
macro_rules! insert_cert {
    ($tx:expr, $c:expr, $org:expr, $user:expr) => {{
        let c: &$crate::NewCertificate = $c;
        sqlx::query(
            "INSERT INTO certificates (id, code, attempt_id, org_id, user_id, name, course_id, lang, issued_at, valid_until, \
             holder_position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (SELECT position FROM users WHERE id = $5))",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(&c.code)
        .bind(c.attempt_id)
        .bind($org)
        .bind($user)
        .bind(&c.name)
        .bind(&c.course_id)
        .bind(&c.lang)
        .bind($crate::to_micros(c.issued_at))
        .bind($crate::to_micros(c.valid_until))
        .execute(&mut *$tx)
        .await
        .map_err(StorageError::unique("certificate"))?;
        count_certificate_in_tx!($tx, &c.code, 1);
    }};
}

/// One write, the e-mail carrying its link (if any) and its audit entry, in one
/// transaction: the link is never sent without its record, nor stored unaudited.
macro_rules! write_with_mail {
    ($db:expr, $org:expr, $mail:expr, $audit:expr, $now:expr, $query:expr) => {{
        db_run!($db, |p| {
            let mut tx = p.begin().await?;
            $query.execute(&mut *tx).await?;
            if let Some(m) = $mail {
                mail_in_tx!(tx, $org, m, $now);
            }
            audit_in_tx!(tx, $audit, $now);
            tx.commit().await?;
        });
    }};
}
