//! Users and their roles.

use std::collections::HashMap;

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::Audience;
use sightline_domain::roster::RosterRow;
use sightline_domain::user::{Email, PersonName, Role, Roles};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, StorageError, from_micros, to_micros};

/// A user about to be created.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: PersonName,
    pub email: Email,
    pub roles: Roles,
    pub base: Option<String>,
    pub employee_id: Option<String>,
    /// An Argon2id PHC string, or `None` for a user who will set a password through a
    /// reset link.
    pub password_hash: Option<String>,
    /// The job the person does (decides their course); optional.
    pub position: Option<Audience>,
}

/// A first-password link for one imported person, and the e-mail that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WelcomeLink {
    pub token_hash: Vec<u8>,
    pub mail: crate::NewMail,
}

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub org_id: OrgId,
    pub name: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub base: Option<String>,
    pub employee_id: Option<String>,
    pub locale: Option<String>,
    pub active: bool,
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub created_at: OffsetDateTime,
    pub position: Option<Audience>,
    pub roles: Roles,
}

impl UserRecord {
    #[must_use]
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(role)
    }
    #[must_use]
    pub const fn two_factor_enabled(&self) -> bool {
        self.totp_secret.is_some()
    }

    /// An audit entry for what this person did to their own account.
    #[must_use]
    pub fn own_audit(&self, action: AuditAction, ip: Option<String>) -> NewAuditEntry {
        NewAuditEntry::new(action).org(self.org_id).actor(self.id).target("user", self.id).ip(ip)
    }
}

/// A `users` row as [`USER_COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    org_id: Uuid,
    name: String,
    email: String,
    password_hash: Option<String>,
    base: Option<String>,
    employee_id: Option<String>,
    locale: Option<String>,
    active: bool,
    totp_secret: Option<String>,
    totp_pending_secret: Option<String>,
    totp_last_step: Option<i64>,
    created_at: i64,
    position: Option<String>,
}

/// A user with one of their roles, as a query that joins [`ROLES_JOIN`] and selects
/// [`USER_COLUMNS`] and `r.role` reads it: one row per role, and one with no role for
/// a user who has none. [`user_of_rows`] folds them into the user, so a user and their
/// roles cost one query.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRoleRow {
    #[sqlx(flatten)]
    user: UserRow,
    role: Option<String>,
}

/// Join a query's `u` (users) to the roles, for [`UserRoleRow`].
pub(crate) const ROLES_JOIN: &str = "LEFT JOIN user_roles r ON r.user_id = u.id";

/// The user whose [`UserRoleRow`]s these are, or `None` when there are none.
pub(crate) fn user_of_rows(rows: Vec<UserRoleRow>) -> Result<Option<UserRecord>> {
    let mut roles = Vec::with_capacity(rows.len());
    let mut user = None;
    for r in rows {
        roles.extend(r.role);
        user.get_or_insert(r.user);
    }
    user.map(|u| to_user(u, parse_roles(roles)?)).transpose()
}

/// A `user_roles` row.
#[derive(sqlx::FromRow)]
struct RoleRow {
    user_id: Uuid,
    role: String,
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.org_id, u.name, u.email, u.password_hash, u.base, u.employee_id, \
     u.locale, u.active, u.totp_secret, u.totp_pending_secret, u.totp_last_step, u.created_at, u.position";

fn to_user(r: UserRow, roles: Roles) -> Result<UserRecord> {
    Ok(UserRecord {
        id: UserId::from_uuid(r.id),
        org_id: OrgId::from_uuid(r.org_id),
        name: r.name,
        email: r.email,
        password_hash: r.password_hash,
        base: r.base,
        employee_id: r.employee_id,
        locale: r.locale,
        active: r.active,
        totp_secret: r.totp_secret,
        totp_pending_secret: r.totp_pending_secret,
        totp_last_step: r.totp_last_step,
        created_at: from_micros(r.created_at),
        position: r.position.as_deref().map(|p| stored("position", p)).transpose()?,
        roles,
    })
}

fn parse_roles(names: Vec<String>) -> Result<Roles> {
    names.iter().map(|r| stored::<Role>("role", r)).collect::<Result<Vec<_>>>().map(Roles::of)
}

/// Insert a user and their roles inside an open transaction.
macro_rules! insert_user_in_tx {
    ($tx:expr, $id:expr, $org:expr, $user:expr, $now:expr) => {{
        let user: &$crate::NewUser = $user;
        sqlx::query(
            "INSERT INTO users (id, org_id, name, email, password_hash, base, employee_id, active, created_at, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9)",
        )
        .bind($id.as_uuid())
        .bind($org.as_uuid())
        .bind(user.name.as_str())
        .bind(user.email.as_str())
        .bind(user.password_hash.as_deref())
        .bind(user.base.as_deref())
        .bind(user.employee_id.as_deref())
        .bind($crate::to_micros($now))
        .bind(user.position.map(|p| p.as_str()))
        .execute(&mut *$tx)
        .await
        .map_err(StorageError::unique("email"))?;
        for role in user.roles.iter() {
            exec_in_tx!($tx, "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", $id.as_uuid(), role.as_str());
        }
    }};
}
pub(crate) use insert_user_in_tx;

impl Db {
    /// Create a user in `org` and audit it.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `email` if the address has an account.
    pub async fn create_user(
        &self,
        org: OrgId,
        user: &NewUser,
        audit: NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<UserId> {
        let id = UserId::new();
        let roles: Vec<&str> = user.roles.iter().map(Role::as_str).collect();
        let audit = audit.org(org).target("user", id).detail(format!("roles: {}", roles.join(",")));
        audited_tx!(self, &audit, now, |tx| {
            insert_user_in_tx!(tx, id, org, user, now);
        });
        Ok(id)
    }

    /// Import a roster: every row or none. Rows whose e-mail already has an account
    /// fail the whole import with [`StorageError::RosterConflicts`].
    ///
    /// # Errors
    /// [`StorageError::RosterConflicts`], or a database error; nothing is written.
    pub async fn import_roster(
        &self,
        org: OrgId,
        rows: &[RosterRow],
        audit: NewAuditEntry,
        welcome: &[WelcomeLink],
        now: OffsetDateTime,
    ) -> Result<usize> {
        if !welcome.is_empty() && welcome.len() != rows.len() {
            return Err(StorageError::Batch("one welcome link per roster row".into()));
        }
        let audit = audit.org(org).target("organisation", org).detail(format!("{} users", rows.len()));
        audited_tx!(self, &audit, now, |tx| {
            let mut conflicts = Vec::new();
            for row in rows {
                let taken: Option<Uuid> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                    .bind(row.email.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if taken.is_some() {
                    conflicts.push((row.line, row.email.as_str().to_owned()));
                }
            }
            if !conflicts.is_empty() {
                tx.rollback().await?;
                return Err(StorageError::RosterConflicts(conflicts));
            }
            for (i, row) in rows.iter().enumerate() {
                let id = UserId::new();
                let new = NewUser {
                    name: row.name.clone(),
                    email: row.email.clone(),
                    roles: row.roles.clone(),
                    base: row.base.clone(),
                    employee_id: row.employee_id.clone(),
                    password_hash: None,
                    position: row.position,
                };
                insert_user_in_tx!(tx, id, org, &new, now);
                if let Some(w) = welcome.get(i) {
                    exec_in_tx!(
                        tx,
                        "INSERT INTO password_resets (id, org_id, user_id, token_hash, created_by, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        Uuid::now_v7(),
                        org.as_uuid(),
                        id.as_uuid(),
                        &w.token_hash,
                        audit.actor.map(|a| a.as_uuid()),
                        to_micros(now),
                        to_micros(w.mail.expires_at)
                    );
                    mail_in_tx!(tx, org, &w.mail, now);
                }
            }
        });
        Ok(rows.len())
    }

    async fn user_where(&self, clause: &str, bind: UserKey) -> Result<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS}, r.role FROM users u {ROLES_JOIN} WHERE {clause}");
        let rows: Vec<UserRoleRow> = db_run!(self, |p| {
            let q = sqlx::query_as(&sql);
            let q = match &bind {
                UserKey::Email(e) => q.bind(e.clone()),
                UserKey::Id(id) => q.bind(*id),
                UserKey::OrgAndId(org, id) => q.bind(*org).bind(*id),
            };
            q.fetch_all(p).await?
        });
        user_of_rows(rows)
    }

    /// Look a user up by e-mail (sign-in is the one place that searches across
    /// organisations).
    ///
    /// # Errors
    /// The database failed.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>> {
        self.user_where("u.email = $1", UserKey::Email(email.as_str().to_owned())).await
    }

    /// A user of `org`.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if there is no such user in this organisation.
    pub async fn get_user(&self, org: OrgId, id: UserId) -> Result<UserRecord> {
        self.user_where("u.org_id = $1 AND u.id = $2", UserKey::OrgAndId(org.as_uuid(), id.as_uuid()))
            .await?
            .ok_or(StorageError::NotFound)
    }

    /// A user by id alone, for code that has just authenticated them (sessions,
    /// tokens) and so learns their organisation from the row.
    ///
    /// # Errors
    /// [`StorageError::NotFound`].
    pub async fn get_user_by_id(&self, id: UserId) -> Result<UserRecord> {
        self.user_where("u.id = $1", UserKey::Id(id.as_uuid())).await?.ok_or(StorageError::NotFound)
    }

    /// The users of one organisation, by name.
    ///
    /// # Errors
    /// The database failed.
    pub async fn list_users(&self, org: OrgId) -> Result<Vec<UserRecord>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.org_id = $1 AND NOT u.tip_line ORDER BY u.name, u.email"
        );
        let (rows, role_rows): (Vec<UserRow>, Vec<RoleRow>) = db_run!(self, |p| {
            let rows = sqlx::query_as(&sql).bind(org.as_uuid()).fetch_all(p).await?;
            let roles = sqlx::query_as(
                "SELECT r.user_id, r.role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.org_id = $1",
            )
            .bind(org.as_uuid())
            .fetch_all(p)
            .await?;
            (rows, roles)
        });
        let mut by_user: HashMap<Uuid, Vec<String>> = HashMap::new();
        for r in role_rows {
            by_user.entry(r.user_id).or_default().push(r.role);
        }
        rows.into_iter()
            .map(|r| {
                let roles = parse_roles(by_user.remove(&r.id).unwrap_or_default())?;
                to_user(r, roles)
            })
            .collect()
    }

    /// How many platform administrators exist (zero means the setup link is needed).
    ///
    /// # Errors
    /// The database failed.
    pub async fn count_platform_admins(&self) -> Result<i64> {
        let n: i64 = fetch!(
            self,
            query_scalar.fetch_one,
            "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id \
             WHERE r.role = 'platform_admin' AND u.active"
        );
        Ok(n)
    }

    /// Replace a user's roles and audit the change.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if the user is not in `org`.
    pub async fn set_roles(
        &self,
        org: OrgId,
        user: UserId,
        roles: &Roles,
        audit: NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        let before = self.get_user(org, user).await?;
        let names = |r: &Roles| r.iter().map(Role::as_str).collect::<Vec<_>>().join(",");
        let audit = audit.org(org).target("user", user).detail(format!("{} -> {}", names(&before.roles), names(roles)));
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let found: Option<Uuid> = sqlx::query_scalar("SELECT id FROM users WHERE org_id = $1 AND id = $2")
                .bind(org.as_uuid())
                .bind(user.as_uuid())
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(StorageError::NotFound);
            }
            exec_in_tx!(tx, "DELETE FROM user_roles WHERE user_id = $1", user.as_uuid());
            for role in roles.iter() {
                exec_in_tx!(
                    tx,
                    "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)",
                    user.as_uuid(),
                    role.as_str()
                );
            }
            audit_in_tx!(tx, &audit, now);
            // Tokens were made for the old roles: they stop working with them.
            if before.roles != *roles {
                revoke_tokens_in_tx!(tx, org, user, audit.actor, "role change", now);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Set the job a person does (their course audience).
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if the user is not in `org`.
    pub async fn set_position(&self, org: OrgId, user: UserId, position: Option<Audience>) -> Result<()> {
        let n = exec!(
            self,
            "UPDATE users SET position = $1 WHERE org_id = $2 AND id = $3",
            position.map(|a| a.as_str()),
            org.as_uuid(),
            user.as_uuid()
        );
        if n == 1 { Ok(()) } else { Err(StorageError::NotFound) }
    }

    /// Remember a user's language.
    ///
    /// # Errors
    /// The database failed.
    pub async fn set_locale(&self, org: OrgId, user: UserId, locale: &str) -> Result<()> {
        self.set_user_text("UPDATE users SET locale = $1 WHERE org_id = $2 AND id = $3", org, user, locale).await
    }

    /// Set one text column of one of `org`'s users; `sql` names the column and binds
    /// the value, the organisation and the user as `$1`, `$2`, `$3`.
    pub(crate) async fn set_user_text(&self, sql: &'static str, org: OrgId, user: UserId, value: &str) -> Result<()> {
        exec!(self, sql, value, org.as_uuid(), user.as_uuid());
        Ok(())
    }

    /// Set a new password hash and end all the user's sessions.
    ///
    /// # Errors
    /// The database failed.
    pub async fn set_password(&self, org: OrgId, user: UserId, hash: &str) -> Result<()> {
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            exec_in_tx!(
                tx,
                "UPDATE users SET password_hash = $1 WHERE org_id = $2 AND id = $3",
                hash,
                org.as_uuid(),
                user.as_uuid()
            );
            exec_in_tx!(tx, "DELETE FROM sessions WHERE user_id = $1", user.as_uuid());
            tx.commit().await?;
        });
        Ok(())
    }

    /// Audit a user-related event that changes no other row.
    ///
    /// # Errors
    /// The database failed.
    pub async fn audit_user_event(
        &self,
        user: &UserRecord,
        action: AuditAction,
        ip: Option<String>,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.append_audit(&user.own_audit(action, ip), now).await.map(|_| ())
    }
}

enum UserKey {
    Email(String),
    Id(Uuid),
    OrgAndId(Uuid, Uuid),
}
