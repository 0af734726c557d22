//! Shared by the web benchmarks (a module, not an example of its own).

use sightline_domain::ids::{OrgId, UserId};
use sightline_storage::{Db, NewSession};

/// A new signed-in session for `user` of `org` (two-factor passed, an hour long):
/// the token to send as the `sl_session` cookie.
pub async fn signed_in(db: &Db, org: OrgId, user: UserId, now: time::OffsetDateTime) -> String {
    let token = format!("bench-session-token-{}", uuid::Uuid::now_v7().simple());
    db.create_session(
        &NewSession {
            id_hash: sightline_web::hash_token(&token),
            user_id: user,
            org_id: org,
            csrf_token: "x".into(),
            two_factor_passed: true,
            second_factor_by_provider: false,
            expires_at: now + time::Duration::hours(1),
        },
        now,
    )
    .await
    .unwrap();
    token
}
