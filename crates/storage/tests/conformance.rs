//! The storage conformance suite: every test runs on SQLite, and on PostgreSQL when
//! `SIGHTLINE_TEST_DATABASE_URL` is set (always in CI). Each test gets a fresh,
//! migrated database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;

use sightline_domain::assign::{AssignmentTerms, Standing};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::directory::ContactKind;
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::Audience;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::roster;
use sightline_domain::triage::{AlertKind, Outcome};
use sightline_domain::user::{Email, PersonName, Role, Roles, Scope, Scopes};
use sightline_storage::testing::{self, PG_ENV};
use sightline_storage::{
    AdminContact, AlertChange, AlertChannel, Contact, Db, Ingest, Learner, MailKind, NewCertificate, NewMail,
    NewReport, NewSession, NewTip, NewTipMessage, NewUser, OverduePerson, QueueFilter, ReminderClaim, StorageError,
    TallyFilter, TrainingSettings, WelcomeLink,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-11-28 10:00:00.123456 UTC);

macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = sightline_storage::testing::sqlite().await.unwrap();
                    super::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(url) = super::pg_url() else { return };
                    let db = sightline_storage::testing::postgres(&url).await.unwrap();
                    super::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
    };
}

fn pg_url() -> Option<String> {
    match testing::postgres_url() {
        Err(e) => panic!("{e}"),
        Ok(None) => {
            // Written past the test harness's capture so that a skip is always seen.
            let _ = writeln!(std::io::stderr(), "SKIPPED PostgreSQL conformance test: {PG_ENV} is not set");
            None
        }
        Ok(url) => url,
    }
}

/// SQLite keeps its page cache in the server's process, one per pooled connection
/// (PostgreSQL's is the server's): every connection the pool opens has the small
/// cache, and a write spills dirty pages only past the threshold it had before.
#[tokio::test]
async fn sqlite_pool_connections_keep_a_small_page_cache() {
    let db = testing::sqlite().await.unwrap();
    let settings = testing::sqlite_cache_settings(&db).await.unwrap().unwrap();
    assert_eq!(settings.len(), 8, "every connection the pool may open");
    for (cache_size, cache_spill) in settings {
        assert_eq!(cache_size, -i64::from(sightline_storage::SQLITE_CACHE_KIB), "KiB, negative");
        assert_eq!(cache_spill, i64::from(sightline_storage::SQLITE_SPILL_PAGES));
    }
    db.cleanup().await;
}

on_both_engines!(
    migrations_are_idempotent,
    organisation_names_are_unique_ignoring_case,
    users_are_isolated_by_organisation,
    duplicate_email_is_a_conflict_and_writes_nothing,
    roster_import_is_all_or_nothing,
    sessions_expire_and_can_be_ended,
    sessions_and_tokens_carry_every_role_of_their_user,
    api_tokens_authenticate_until_revoked_or_expired,
    invitation_can_be_accepted_once,
    password_reset_sets_password_and_ends_sessions,
    a_password_reset_revokes_the_persons_api_tokens_audited,
    a_role_change_revokes_the_persons_api_tokens_audited,
    setup_link_creates_one_platform_admin,
    login_failures_are_counted_per_account_and_address,
    concurrent_sign_in_reservations_never_pass_the_limit,
    totp_steps_and_recovery_codes_cannot_be_reused,
    audit_chain_verifies_and_detects_tampering,
    concurrent_audit_appends_keep_one_chain,
    roles_can_be_changed_within_the_organisation,
    lesson_progress_is_idempotent_and_per_user,
    attempts_belong_to_their_learner_and_submit_once,
    certificates_are_issued_with_the_pass_and_revoked_per_organisation,
    anonymous_learners_get_certificates_only_for_passed_attempts,
    reports_are_stored_once_per_id,
    reports_are_private_to_their_organisation_and_reporter,
    the_owner_of_a_record_is_found_for_cross_organisation_checks,
    a_group_commit_gives_each_report_its_own_outcome,
    a_report_that_fails_in_a_group_commit_fails_alone,
    concurrent_group_commits_of_the_same_ids_never_deadlock,
    the_queue_orders_by_danger_then_landing_then_age,
    an_overnight_flight_orders_by_its_arrival_instant,
    a_terminal_incident_keeps_its_place_and_an_urgent_report_its_flags,
    the_relay_codeword_is_per_organisation_and_audited,
    case_changes_are_versioned_evented_and_audited,
    reports_of_one_event_are_suggested_merged_or_dismissed,
    alerts_go_through_an_outbox_with_a_lease,
    the_escalation_lead_is_per_organisation_and_audited,
    the_directory_is_seeded_once_and_every_change_is_kept,
    entries_from_before_directory_v2_are_read_and_pristine_seeds_corrected,
    only_entries_marked_public_reach_the_public_help_pages,
    e_mails_are_queued_with_their_link_and_delivered_once,
    certificate_holders_are_reminded_once_before_expiry,
    a_contact_takes_the_status_the_domain_rule_gives,
    stored_values_that_do_not_parse_are_corrupt,
    tips_are_stored_with_their_lookup_and_filed_under_the_tip_line,
    tip_threads_stay_in_their_organisation_and_are_audited,
    airports_are_covered_by_one_organisation_and_route_tips,
    the_public_desk_is_made_once,
    referrals_are_read_only_by_their_two_organisations_and_hand_the_case_over,
    an_overdue_referral_is_claimed_once,
    statistics_are_counted_with_the_writes_and_rebuilt_alike,
    partner_pages_belong_to_their_organisation_and_slugs_are_unique,
    partner_pages_refuse_what_the_rules_refuse_at_the_database_too,
    partner_figures_and_referral_statistics_count_the_referrals,
    referral_webhooks_go_through_an_outbox_with_a_lease_and_a_dead_letter_list,
    assignments_are_per_organisation_versioned_and_audited,
    training_people_are_paged_with_their_completions,
    standing_rows_follow_every_change_and_count_by_position_base_and_standing,
    concurrent_standing_refreshes_agree,
    a_reminder_is_claimed_once_and_the_digest_names_each_overdue_person_once,
    concurrent_reminder_claims_queue_one_e_mail,
    sso_settings_belong_to_their_organisation_and_domains_are_unique,
    sso_logins_are_spent_once_and_expire,
    xapi_statements_queue_with_learning_and_go_out_in_leased_batches,
    the_purge_tombstones_due_cases_and_spares_those_under_hold,
    the_purge_works_in_batches_until_nothing_is_due,
    one_purge_holds_the_lease_and_concurrent_purges_remove_each_case_once,
    the_live_queue_feed_is_written_with_its_changes_and_read_per_organisation,
    the_live_queue_feed_is_bounded_and_pruned_without_reusing_ids,
    training_records_of_a_person_who_left_go_after_the_period_and_a_present_persons_stay,
    certificate_tombstones_keep_no_link_to_the_person,
    redaction_keeps_the_audit_chain_verifiable_and_spares_held_cases,
    a_redacted_entry_without_a_covering_record_fails_verification,
    the_database_refuses_any_other_change_to_the_audit_log,
    a_tip_challenge_is_spent_once_by_any_number_of_nodes_and_purged_after_it_expires,
);

// The property test needs a multi-threaded runtime (it blocks inside it).
mod sqlite_property {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn any_sequence_of_submits_replays_and_interruptions_leaves_one_report_per_id() {
        let db = sightline_storage::testing::sqlite().await.unwrap();
        super::ingest_property(&db);
        db.cleanup().await;
    }
}
mod postgres_property {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn any_sequence_of_submits_replays_and_interruptions_leaves_one_report_per_id() {
        let Some(url) = super::pg_url() else { return };
        let db = sightline_storage::testing::postgres(&url).await.unwrap();
        super::ingest_property(&db);
        db.cleanup().await;
    }
}

fn reporting() -> Scopes {
    Scopes::of([Scope::ReportsWrite])
}

async fn org(db: &Db, name: &str) -> OrgId {
    db.create_org(&OrgName::parse(name).unwrap(), OrgKind::Airline, NewAuditEntry::new(AuditAction::OrgCreated), NOW)
        .await
        .unwrap()
}

fn new_user(email: &str, roles: &[Role]) -> NewUser {
    NewUser {
        name: PersonName::parse("Test Person").unwrap(),
        email: Email::parse(email).unwrap(),
        roles: Roles::of(roles.iter().copied()),
        base: Some("HEL".into()),
        employee_id: None,
        password_hash: Some("$argon2id$test".into()),
        position: None,
    }
}

async fn user(db: &Db, org: OrgId, email: &str, roles: &[Role]) -> UserId {
    db.create_user(org, &new_user(email, roles), NewAuditEntry::new(AuditAction::UserCreated), NOW).await.unwrap()
}

async fn migrations_are_idempotent(db: &Db) {
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
    db.ping().await.unwrap();
    assert_eq!(db.count_orgs().await.unwrap(), 0);
}

async fn organisation_names_are_unique_ignoring_case(db: &Db) {
    let id = org(db, "Nordic Air").await;
    let err = db
        .create_org(
            &OrgName::parse("  nordic   AIR ").unwrap(),
            OrgKind::Airport,
            NewAuditEntry::new(AuditAction::OrgCreated),
            NOW,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "name" }), "{err:?}");
    let orgs = db.list_orgs().await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].id, id);
    assert_eq!(orgs[0].kind, OrgKind::Airline);
    assert_eq!(orgs[0].created_at, NOW);
    assert_eq!(db.get_org(id).await.unwrap().name, "Nordic Air");
    assert!(matches!(db.get_org(OrgId::new()).await, Err(StorageError::NotFound)));
}

async fn users_are_isolated_by_organisation(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let ua = user(db, a, "anna@a.example", &[Role::Reporter, Role::Learner]).await;
    let ub = user(db, b, "ben@b.example", &[Role::DeskAnalyst]).await;

    let anna = db.get_user(a, ua).await.unwrap();
    assert_eq!(anna.email, "anna@a.example");
    assert!(anna.has_role(Role::Reporter) && anna.has_role(Role::Learner));
    assert!(!anna.has_role(Role::DeskAnalyst));
    assert_eq!(anna.base.as_deref(), Some("HEL"));

    assert!(matches!(db.get_user(a, ub).await, Err(StorageError::NotFound)));
    assert!(matches!(db.get_user(b, ua).await, Err(StorageError::NotFound)));
    let in_a: Vec<_> = db.list_users(a).await.unwrap().into_iter().map(|u| u.id).collect();
    assert_eq!(in_a, vec![ua]);
    assert_eq!(db.get_org(a).await.unwrap().user_count, 1);
    // Another organisation's user cannot have roles changed through this one.
    let err = db
        .set_roles(a, ub, &Roles::of([Role::OrgAdmin]), NewAuditEntry::new(AuditAction::RolesChanged), NOW)
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::NotFound));
    assert!(db.get_user(b, ub).await.unwrap().has_role(Role::DeskAnalyst));
}

async fn duplicate_email_is_a_conflict_and_writes_nothing(db: &Db) {
    let a = org(db, "Airline A").await;
    user(db, a, "anna@a.example", &[Role::Reporter]).await;
    let audit_before = db.audit_after(0, 1000).await.unwrap().len();
    let err = db
        .create_user(
            a,
            &new_user("ANNA@a.example", &[Role::Learner]),
            NewAuditEntry::new(AuditAction::UserCreated),
            NOW,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "email" }), "{err:?}");
    assert_eq!(db.list_users(a).await.unwrap().len(), 1);
    assert_eq!(db.audit_after(0, 1000).await.unwrap().len(), audit_before, "no audit entry for a failed write");
}

async fn roster_import_is_all_or_nothing(db: &Db) {
    let a = org(db, "Airline A").await;
    user(db, a, "taken@a.example", &[Role::Learner]).await;
    let csv = "name,email,role,base,employee_id\n\
               One,one@a.example,reporter,HEL,1\n\
               Two,taken@a.example,learner,,\n\
               Three,three@a.example,learner;reporter,OUL,3\n";
    let rows = roster::parse(csv.as_bytes()).unwrap();
    let err = db.import_roster(a, &rows, NewAuditEntry::new(AuditAction::RosterImported), &[], NOW).await.unwrap_err();
    match err {
        StorageError::RosterConflicts(c) => assert_eq!(c, vec![(3, "taken@a.example".to_owned())]),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(db.list_users(a).await.unwrap().len(), 1, "nothing of the file was imported");

    let good: Vec<_> = rows.into_iter().filter(|r| r.line != 3).collect();
    assert_eq!(db.import_roster(a, &good, NewAuditEntry::new(AuditAction::RosterImported), &[], NOW).await.unwrap(), 2);
    let users = db.list_users(a).await.unwrap();
    assert_eq!(users.len(), 3);
    let three = users.iter().find(|u| u.email == "three@a.example").unwrap();
    assert!(three.has_role(Role::Reporter) && three.has_role(Role::Learner));
    assert_eq!(three.employee_id.as_deref(), Some("3"));
    assert!(three.password_hash.is_none());
}

/// A session of `user` in `org` until `expires_at`: CSRF token `csrf`, second factor
/// not yet passed.
fn session(id_hash: Vec<u8>, user_id: UserId, org_id: OrgId, expires_at: OffsetDateTime) -> NewSession {
    NewSession {
        id_hash,
        user_id,
        org_id,
        csrf_token: "csrf".into(),
        two_factor_passed: false,
        second_factor_by_provider: false,
        expires_at,
    }
}

async fn sessions_expire_and_can_be_ended(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "anna@a.example", &[Role::Reporter]).await;
    let s = session(vec![1; 32], u, a, NOW + Duration::hours(12));
    db.create_session(&s, NOW).await.unwrap();
    let got = db.session(&s.id_hash, NOW).await.unwrap().unwrap();
    assert_eq!(got.user.id, u);
    assert_eq!(got.csrf_token, "csrf");
    assert!(!got.two_factor_passed);
    db.pass_two_factor(&s.id_hash).await.unwrap();
    assert!(db.session(&s.id_hash, NOW).await.unwrap().unwrap().two_factor_passed);
    assert!(db.session(&s.id_hash, NOW + Duration::hours(13)).await.unwrap().is_none(), "expired");
    assert!(db.session(&[2; 32], NOW).await.unwrap().is_none());
    db.delete_session(&s.id_hash).await.unwrap();
    assert!(db.session(&s.id_hash, NOW).await.unwrap().is_none());
}

/// A session and a token read their user with all of the user's roles in one query
/// (one row per role): several roles, and none, come back whole.
async fn sessions_and_tokens_carry_every_role_of_their_user(db: &Db) {
    let a = org(db, "Airline A").await;
    let many = [Role::Reporter, Role::DeskAnalyst, Role::Learner, Role::OrgAdmin];
    let u = db.get_user(a, user(db, a, "many@a.example", &many).await).await.unwrap();
    let none = db.get_user(a, user(db, a, "none@a.example", &[]).await).await.unwrap();
    assert_eq!(u.roles, Roles::of(many));
    assert_eq!(none.roles, Roles::of([]));
    for (i, who) in [&u, &none].into_iter().enumerate() {
        let hash = vec![u8::try_from(i).unwrap() + 40; 32];
        let s = NewSession {
            csrf_token: format!("csrf{i}"),
            two_factor_passed: i == 0,
            ..session(hash.clone(), who.id, a, NOW + Duration::hours(1))
        };
        db.create_session(&s, NOW).await.unwrap();
        let got = db.session(&hash, NOW).await.unwrap().unwrap();
        assert_eq!((got.user.id, &got.user.roles, got.user.email.as_str()), (who.id, &who.roles, who.email.as_str()));
        assert_eq!((got.csrf_token, got.two_factor_passed), (format!("csrf{i}"), i == 0));
        db.create_api_token(who, "t", &reporting(), &[u8::try_from(i).unwrap() + 50; 32], None, NOW).await.unwrap();
        let (holder, scopes) = db.user_by_api_token(&[u8::try_from(i).unwrap() + 50; 32], NOW).await.unwrap().unwrap();
        assert_eq!((holder.id, &holder.roles, scopes), (who.id, &who.roles, reporting()));
    }
}

async fn api_tokens_authenticate_until_revoked_or_expired(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = db.get_user(a, user(db, a, "anna@a.example", &[Role::Reporter]).await).await.unwrap();
    let t1 = db.create_api_token(&u, "ci", &reporting(), &[9; 32], None, NOW).await.unwrap();
    db.create_api_token(&u, "short", &reporting(), &[8; 32], Some(NOW + Duration::minutes(5)), NOW).await.unwrap();
    let (holder, scopes) = db.user_by_api_token(&[9; 32], NOW).await.unwrap().unwrap();
    assert_eq!((holder.id, scopes), (u.id, reporting()), "the holder and the token's scopes");
    let both = Scopes::of([Scope::ReportsWrite, Scope::Read]);
    db.create_api_token(&u, "both", &both, &[7; 32], None, NOW).await.unwrap();
    assert_eq!(db.user_by_api_token(&[7; 32], NOW).await.unwrap().unwrap().1, both);
    assert!(db.user_by_api_token(&[8; 32], NOW + Duration::minutes(6)).await.unwrap().is_none());
    let listed = db.list_api_tokens(a, u.id).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().any(|t| t.name == "both" && t.scopes == both));
    db.revoke_api_token(&u, t1, NOW).await.unwrap();
    assert!(db.user_by_api_token(&[9; 32], NOW).await.unwrap().is_none());
    assert!(matches!(db.revoke_api_token(&u, t1, NOW).await, Err(StorageError::NotFound)));
}

async fn invitation_can_be_accepted_once(db: &Db) {
    let a = org(db, "Airline A").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let email = Email::parse("new@a.example").unwrap();
    let name = PersonName::parse("New Person").unwrap();
    let roles = Roles::of([Role::DeskAnalyst, Role::Learner]);
    db.create_invitation(a, admin, &email, &name, &roles, &[5; 32], NOW + Duration::days(7), None, NOW).await.unwrap();
    // Inviting an address that already has an account is refused.
    let taken = Email::parse("admin@a.example").unwrap();
    assert!(matches!(
        db.create_invitation(a, admin, &taken, &name, &roles, &[6; 32], NOW + Duration::days(7), None, NOW).await,
        Err(StorageError::Conflict { field: "email" })
    ));
    let inv = db.open_invitation(&[5; 32], NOW).await.unwrap().unwrap();
    assert_eq!(inv.org_name, "Airline A");
    assert_eq!(inv.roles, roles);
    assert!(db.open_invitation(&[5; 32], NOW + Duration::days(8)).await.unwrap().is_none(), "expired");

    let u = db.accept_invitation(&[5; 32], &name, "$argon2id$x", None, NOW).await.unwrap();
    assert_eq!(u.org_id, a);
    assert!(u.has_role(Role::DeskAnalyst));
    assert!(matches!(
        db.accept_invitation(&[5; 32], &name, "$argon2id$x", None, NOW).await,
        Err(StorageError::LinkUsedOrExpired)
    ));
    assert_eq!(db.list_invitations(a).await.unwrap()[0].accepted_at, Some(NOW));
}

async fn password_reset_sets_password_and_ends_sessions(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let u = user(db, a, "anna@a.example", &[Role::Reporter]).await;
    let s = NewSession {
        csrf_token: "x".into(),
        two_factor_passed: true,
        ..session(vec![3; 32], u, a, NOW + Duration::hours(1))
    };
    db.create_session(&s, NOW).await.unwrap();
    // An admin of another organisation cannot issue a link for this user.
    assert!(matches!(
        db.create_password_reset(b, u, admin, &[4; 32], NOW + Duration::hours(24), None, NOW).await,
        Err(StorageError::NotFound)
    ));
    db.create_password_reset(a, u, admin, &[4; 32], NOW + Duration::hours(24), None, NOW).await.unwrap();
    assert_eq!(db.open_password_reset(&[4; 32], NOW).await.unwrap().unwrap().user.id, u);
    db.complete_password_reset(&[4; 32], "$argon2id$new", None, NOW).await.unwrap();
    assert_eq!(db.get_user(a, u).await.unwrap().password_hash.as_deref(), Some("$argon2id$new"));
    assert!(db.session(&s.id_hash, NOW).await.unwrap().is_none(), "sessions ended");
    assert!(matches!(
        db.complete_password_reset(&[4; 32], "$argon2id$again", None, NOW).await,
        Err(StorageError::LinkUsedOrExpired)
    ));
}

async fn a_password_reset_revokes_the_persons_api_tokens_audited(db: &Db) {
    let a = org(db, "Airline A").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let anna = db.get_user(a, user(db, a, "anna@a.example", &[Role::Reporter]).await).await.unwrap();
    let bo = db.get_user(a, user(db, a, "bo@a.example", &[Role::Reporter]).await).await.unwrap();
    db.create_api_token(&anna, "tablet", &reporting(), &[1; 32], None, NOW).await.unwrap();
    db.create_api_token(&anna, "laptop", &reporting(), &[2; 32], None, NOW).await.unwrap();
    db.create_api_token(&bo, "bo's", &reporting(), &[3; 32], None, NOW).await.unwrap();
    db.create_password_reset(a, anna.id, admin, &[4; 32], NOW + Duration::hours(24), None, NOW).await.unwrap();
    db.complete_password_reset(&[4; 32], "$argon2id$new", None, NOW).await.unwrap();
    assert!(db.user_by_api_token(&[1; 32], NOW).await.unwrap().is_none(), "revoked with the reset");
    assert!(db.user_by_api_token(&[2; 32], NOW).await.unwrap().is_none());
    assert!(db.user_by_api_token(&[3; 32], NOW).await.unwrap().is_some(), "only that person's tokens");
    assert!(db.list_api_tokens(a, anna.id).await.unwrap().iter().all(|t| t.revoked_at == Some(NOW)));
    let trail = db.audit_for_org(a, 10).await.unwrap().entries;
    let revoked: Vec<_> = trail.iter().filter(|e| e.action == "api_token.revoked").collect();
    assert_eq!(revoked.len(), 1, "one entry for the reset, with the count");
    assert_eq!(revoked[0].target_id, Some(anna.id.to_string()));
    assert_eq!(revoked[0].detail, "2 tokens: password reset");
    db.verify_audit_chain().await.unwrap();
}

async fn a_role_change_revokes_the_persons_api_tokens_audited(db: &Db) {
    let a = org(db, "Airline A").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let anna = db.get_user(a, user(db, a, "anna@a.example", &[Role::Reporter]).await).await.unwrap();
    db.create_api_token(&anna, "tablet", &reporting(), &[1; 32], None, NOW).await.unwrap();
    let change = |roles: Roles| async move {
        db.set_roles(a, anna.id, &roles, NewAuditEntry::new(AuditAction::RolesChanged).actor(admin), NOW).await
    };
    // Saving the same roles changes nothing and keeps the token.
    change(Roles::of([Role::Reporter])).await.unwrap();
    assert!(db.user_by_api_token(&[1; 32], NOW).await.unwrap().is_some());
    change(Roles::of([Role::Reporter, Role::DeskAnalyst])).await.unwrap();
    assert!(db.user_by_api_token(&[1; 32], NOW).await.unwrap().is_none(), "revoked with the role change");
    let trail = db.audit_for_org(a, 10).await.unwrap().entries;
    let revoked = trail.iter().find(|e| e.action == "api_token.revoked").expect("the revocation is audited");
    assert_eq!((revoked.actor, revoked.target_id.clone()), (Some(admin), Some(anna.id.to_string())));
    assert_eq!(revoked.detail, "1 token: role change");
    // Nothing left to revoke: no second entry.
    change(Roles::of([Role::Reporter])).await.unwrap();
    let n = db.audit_for_org(a, 20).await.unwrap().entries.iter().filter(|e| e.action == "api_token.revoked").count();
    assert_eq!(n, 1);
}

async fn setup_link_creates_one_platform_admin(db: &Db) {
    assert_eq!(db.count_platform_admins().await.unwrap(), 0);
    db.create_setup_token(&[7; 32], NOW, NOW + Duration::hours(24)).await.unwrap();
    assert!(db.setup_token_valid(&[7; 32], NOW).await.unwrap());
    assert!(!db.setup_token_valid(&[7; 32], NOW + Duration::hours(25)).await.unwrap());
    assert!(!db.setup_token_valid(&[1; 32], NOW).await.unwrap());
    let admin = new_user("root@op.example", &[Role::PlatformAdmin, Role::OrgAdmin]);
    let name = OrgName::parse("Sightline Operator").unwrap();
    let (o, u) = db.complete_setup(&[7; 32], &name, OrgKind::Ngo, &admin, None, NOW).await.unwrap();
    assert!(db.get_user(o, u).await.unwrap().has_role(Role::PlatformAdmin));
    assert_eq!(db.count_platform_admins().await.unwrap(), 1);
    // A second token cannot make a second admin once one exists.
    db.create_setup_token(&[8; 32], NOW, NOW + Duration::hours(24)).await.unwrap();
    assert!(!db.setup_token_valid(&[8; 32], NOW).await.unwrap());
    let other = new_user("two@op.example", &[Role::PlatformAdmin]);
    assert!(matches!(
        db.complete_setup(&[8; 32], &OrgName::parse("Other").unwrap(), OrgKind::Ngo, &other, None, NOW).await,
        Err(StorageError::LinkUsedOrExpired)
    ));
    assert_eq!(db.count_orgs().await.unwrap(), 1, "the failed setup wrote nothing");
}

async fn login_failures_are_counted_per_account_and_address(db: &Db) {
    let since = NOW - Duration::minutes(15);
    let never = |_: sightline_storage::LoginFailures| false;
    let attempt = |email: &'static str, ip: &'static str, ok: bool, at: OffsetDateTime| async move {
        let id = db.reserve_login_attempt(email, ip, since, at, never).await.unwrap().unwrap();
        db.finish_login_attempt(id, ok).await.unwrap();
    };
    for i in 0..3 {
        attempt("anna@a.example", "10.0.0.1", false, NOW + Duration::seconds(i)).await;
    }
    attempt("ben@a.example", "10.0.0.1", false, NOW).await;
    attempt("anna@a.example", "10.0.0.2", true, NOW).await;
    let f = db.login_failures("anna@a.example", "10.0.0.1", since).await.unwrap();
    assert_eq!((f.for_account, f.from_address), (3, 4));
    let later = db.login_failures("anna@a.example", "10.0.0.1", NOW + Duration::seconds(1)).await.unwrap();
    assert_eq!((later.for_account, later.from_address), (1, 1));
    // A reserved attempt counts as a failure until it is marked a success.
    let pending = db.reserve_login_attempt("cleo@a.example", "10.0.0.3", since, NOW, never).await.unwrap().unwrap();
    assert_eq!(db.login_failures("cleo@a.example", "10.0.0.3", since).await.unwrap().for_account, 1);
    db.finish_login_attempt(pending, true).await.unwrap();
    assert_eq!(db.login_failures("cleo@a.example", "10.0.0.3", since).await.unwrap().for_account, 0);
    // The policy sees the counts and may refuse; a refusal records nothing.
    let at_three = |f: sightline_storage::LoginFailures| f.for_account >= 3;
    assert_eq!(db.reserve_login_attempt("anna@a.example", "10.0.0.9", since, NOW, at_three).await.unwrap(), None);
    assert_eq!(db.login_failures("anna@a.example", "10.0.0.9", since).await.unwrap().for_account, 3);
    assert_eq!(db.purge_expired(NOW, NOW + Duration::seconds(1)).await.unwrap(), 4);
}

/// Issue 9: concurrent attempts read the count before any was recorded, so all
/// passed the throttle. Reservations under the lock rows are counted one by one.
async fn concurrent_sign_in_reservations_never_pass_the_limit(db: &Db) {
    let since = NOW - Duration::minutes(15);
    let limit = |f: sightline_storage::LoginFailures| f.for_account >= 5 || f.from_address >= 20;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let db = db.clone();
        let ip = if i % 2 == 0 { "10.0.0.1" } else { "10.0.0.2" };
        tasks.push(tokio::spawn(async move {
            db.reserve_login_attempt("anna@a.example", ip, since, NOW, limit).await.unwrap()
        }));
    }
    let mut reserved = 0;
    for t in tasks {
        reserved += usize::from(t.await.unwrap().is_some());
    }
    assert_eq!(reserved, 5, "exactly the account's limit is reserved");
    // Per address too: 30 accounts from one address, at once.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.reserve_login_attempt(&format!("guess{i}@a.example"), "10.9.9.9", since, NOW, limit).await.unwrap()
        }));
    }
    let mut reserved = 0;
    for t in tasks {
        reserved += usize::from(t.await.unwrap().is_some());
    }
    assert_eq!(reserved, 20, "exactly the address's limit is reserved");
}

async fn totp_steps_and_recovery_codes_cannot_be_reused(db: &Db) {
    let a = org(db, "Airline A").await;
    let id = user(db, a, "anna@a.example", &[Role::DeskAnalyst]).await;
    db.set_pending_totp(a, id, "JBSWY3DPEHPK3PXP").await.unwrap();
    let u = db.get_user(a, id).await.unwrap();
    assert_eq!(u.totp_pending_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
    assert!(!u.two_factor_enabled());
    db.enable_totp(&u, "JBSWY3DPEHPK3PXP", 100, &[vec![1; 32], vec![2; 32]], None, NOW).await.unwrap();
    let u = db.get_user(a, id).await.unwrap();
    assert!(u.two_factor_enabled() && u.totp_pending_secret.is_none());
    assert!(!db.use_totp_step(id, 100).await.unwrap(), "the enrolment step is spent");
    assert!(db.use_totp_step(id, 101).await.unwrap());
    assert!(!db.use_totp_step(id, 101).await.unwrap());
    assert_eq!(db.recovery_codes_left(id).await.unwrap(), 2);
    assert!(db.use_recovery_code(&u, &[1; 32], NOW).await.unwrap());
    assert!(!db.use_recovery_code(&u, &[1; 32], NOW).await.unwrap());
    assert!(!db.use_recovery_code(&u, &[3; 32], NOW).await.unwrap());
    assert_eq!(db.recovery_codes_left(id).await.unwrap(), 1);
}

async fn audit_chain_verifies_and_detects_tampering(db: &Db) {
    let a = org(db, "Airline A").await;
    user(db, a, "anna@a.example", &[Role::Reporter]).await;
    db.append_audit(&NewAuditEntry::new(AuditAction::SignIn).org(a).ip(Some("127.0.0.1".into())), NOW).await.unwrap();
    assert_eq!(db.verify_audit_chain().await.unwrap(), 3);
    let page = db.audit_for_org(a, 10).await.unwrap();
    assert_eq!(page.entries.len(), 3);
    assert_eq!(page.entries[0].action, "auth.sign_in");
    assert_eq!(page.entries[0].at, NOW);

    // The log refuses edits through SQL.
    assert!(testing::execute(db, "UPDATE audit_log SET detail = 'x' WHERE seq = 2").await.is_err());
    assert!(testing::execute(db, "DELETE FROM audit_log WHERE seq = 3").await.is_err());

    // Someone with enough access to drop the guard still cannot hide an edit.
    let drop_guard = match db.engine() {
        sightline_storage::Engine::Sqlite => "DROP TRIGGER audit_log_no_update",
        sightline_storage::Engine::Postgres => "DROP TRIGGER audit_log_no_update_delete ON audit_log",
    };
    testing::execute(db, drop_guard).await.unwrap();
    testing::execute(db, "UPDATE audit_log SET detail = 'edited' WHERE seq = 2").await.unwrap();
    let err = db.verify_audit_chain().await.unwrap_err();
    match err {
        StorageError::AuditChain(e) => assert_eq!(e.seq(), 2),
        other => panic!("unexpected {other:?}"),
    }
}

async fn concurrent_audit_appends_keep_one_chain(db: &Db) {
    let mut tasks = Vec::new();
    for i in 0..24 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.append_audit(&NewAuditEntry::new(AuditAction::SignIn).detail(format!("task {i}")), NOW).await.unwrap()
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=24).collect::<Vec<i64>>());
    assert_eq!(db.verify_audit_chain().await.unwrap(), 24);
}

async fn roles_can_be_changed_within_the_organisation(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "anna@a.example", &[Role::Reporter]).await;
    db.set_roles(
        a,
        u,
        &Roles::of([Role::DeskAnalyst, Role::Learner]),
        NewAuditEntry::new(AuditAction::RolesChanged),
        NOW,
    )
    .await
    .unwrap();
    let got = db.get_user(a, u).await.unwrap();
    assert!(got.has_role(Role::DeskAnalyst) && !got.has_role(Role::Reporter));
    let last = &db.audit_for_org(a, 1).await.unwrap().entries[0];
    assert_eq!(last.action, "user.roles_changed");
    assert_eq!(last.detail, "reporter -> learner,desk_analyst");
}

async fn lesson_progress_is_idempotent_and_per_user(db: &Db) {
    let a = org(db, "Airline A").await;
    let u1 = user(db, a, "one@a.example", &[Role::Learner]).await;
    let u2 = user(db, a, "two@a.example", &[Role::Learner]).await;
    db.mark_lesson_done(a, u1, "cabin-crew", "01-intro", NOW).await.unwrap();
    db.mark_lesson_done(a, u1, "cabin-crew", "01-intro", NOW).await.unwrap();
    db.mark_lesson_done(a, u1, "cabin-crew", "02-signs", NOW).await.unwrap();
    assert_eq!(db.lessons_done(a, u1, "cabin-crew").await.unwrap(), vec!["01-intro", "02-signs"]);
    assert!(db.lessons_done(a, u2, "cabin-crew").await.unwrap().is_empty());
    assert!(db.lessons_done(a, u1, "public").await.unwrap().is_empty());
}

fn cert(code: &str, attempt: uuid::Uuid) -> NewCertificate {
    NewCertificate {
        code: code.into(),
        attempt_id: attempt,
        name: "Test Person".into(),
        course_id: "cabin-crew".into(),
        lang: "fi".into(),
        issued_at: NOW,
        valid_until: NOW + Duration::days(365),
    }
}

async fn attempts_belong_to_their_learner_and_submit_once(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u1 = Learner::User { org: a, user: user(db, a, "one@a.example", &[Role::Learner]).await };
    let u2 = Learner::User { org: b, user: user(db, b, "two@b.example", &[Role::Learner]).await };
    let id = db.create_attempt(&u1, "cabin-crew", "fi", "[]", NOW).await.unwrap();
    let got = db.attempt(&u1, id).await.unwrap();
    assert_eq!((got.course_id.as_str(), got.lang.as_str(), got.submitted_at), ("cabin-crew", "fi", None));
    assert!(matches!(db.attempt(&u2, id).await, Err(StorageError::NotFound)));
    assert!(matches!(db.submit_attempt(&u2, id, "[]", 100, true, None, NOW).await, Err(StorageError::NotFound)));
    db.submit_attempt(&u1, id, "[1]", 70, false, None, NOW).await.unwrap();
    let err = db.submit_attempt(&u1, id, "[2]", 100, true, None, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "attempt" }), "{err:?}");
    let got = db.attempt(&u1, id).await.unwrap();
    assert_eq!((got.graded.as_deref(), got.percent, got.passed), (Some("[1]"), Some(70), Some(false)), "unchanged");
    let id2 = db.create_attempt(&u1, "cabin-crew", "fi", "[]", NOW + Duration::seconds(1)).await.unwrap();
    let list = db.attempts(&u1, "cabin-crew").await.unwrap();
    assert_eq!(list.iter().map(|x| x.id).collect::<Vec<_>>(), vec![id2, id]);
}

async fn certificates_are_issued_with_the_pass_and_revoked_per_organisation(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let uid = user(db, a, "one@a.example", &[Role::Learner]).await;
    let admin_a = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let admin_b = user(db, b, "admin@b.example", &[Role::OrgAdmin]).await;
    let learner = Learner::User { org: a, user: uid };
    let id = db.create_attempt(&learner, "cabin-crew", "fi", "[]", NOW).await.unwrap();
    db.submit_attempt(&learner, id, "[]", 90, true, Some(&cert("SL-AAAA-BBBB-CCCC", id)), NOW).await.unwrap();
    let c = db.certificate("SL-AAAA-BBBB-CCCC").await.unwrap();
    assert_eq!((c.org_id, c.user_id, c.attempt_id), (Some(a), Some(uid), Some(id)));
    assert_eq!(c.valid_until, NOW + Duration::days(365));
    assert_eq!(db.certificate_for_attempt(id).await.unwrap().unwrap().code, "SL-AAAA-BBBB-CCCC");
    assert_eq!(db.certificates_for_org(a).await.unwrap().len(), 1);
    assert!(db.certificates_for_org(b).await.unwrap().is_empty());
    assert!(matches!(
        db.revoke_certificate(b, "SL-AAAA-BBBB-CCCC", admin_b, "wrong org", NOW).await,
        Err(StorageError::NotFound)
    ));
    db.revoke_certificate(a, "SL-AAAA-BBBB-CCCC", admin_a, "issued in error", NOW).await.unwrap();
    let c = db.certificate("SL-AAAA-BBBB-CCCC").await.unwrap();
    assert_eq!((c.revoked_at, c.revoke_reason.as_deref()), (Some(NOW), Some("issued in error")));
    let actions: Vec<String> = db.audit_for_org(a, 5).await.unwrap().entries.into_iter().map(|e| e.action).collect();
    assert_eq!(&actions[..2], ["certificate.revoked", "certificate.issued"]);
    assert!(matches!(db.certificate("SL-NONE-NONE-NONE").await, Err(StorageError::NotFound)));
}

async fn anonymous_learners_get_certificates_only_for_passed_attempts(db: &Db) {
    let anon = Learner::Anonymous { hash: vec![7; 32] };
    let other = Learner::Anonymous { hash: vec![8; 32] };
    let failed = db.create_attempt(&anon, "public", "sv", "[]", NOW).await.unwrap();
    db.submit_attempt(&anon, failed, "[]", 50, false, None, NOW).await.unwrap();
    assert!(matches!(
        db.issue_public_certificate(&anon, &cert("SL-FAIL-FAIL-FAIL", failed)).await,
        Err(StorageError::NotFound)
    ));
    let passed = db.create_attempt(&anon, "public", "sv", "[]", NOW).await.unwrap();
    assert!(matches!(db.attempt(&other, passed).await, Err(StorageError::NotFound)));
    db.submit_attempt(&anon, passed, "[]", 100, true, None, NOW).await.unwrap();
    db.issue_public_certificate(&anon, &cert("SL-PUBL-ICOK-0001", passed)).await.unwrap();
    assert!(matches!(
        db.issue_public_certificate(&anon, &cert("SL-PUBL-ICOK-0002", passed)).await,
        Err(StorageError::Conflict { .. })
    ));
    let c = db.certificate("SL-PUBL-ICOK-0001").await.unwrap();
    assert_eq!((c.org_id, c.user_id), (None, None));
}

/// The suite's report: [`testing::report`], landing eight hours after `NOW`.
fn report(id: uuid::Uuid, org: OrgId, reporter: UserId, variant: u8) -> NewReport {
    testing::report(id, org, reporter, variant, Some(NOW + Duration::hours(8)))
}

/// The suite's report `variant` with a fresh id, received at `NOW`; its id.
async fn reported(db: &Db, org: OrgId, reporter: UserId, variant: u8) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    db.put_report(&report(id, org, reporter, variant), NOW).await.unwrap();
    id
}

async fn reports_are_stored_once_per_id(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let ub = user(db, b, "crew@b.example", &[Role::Reporter]).await;
    let id = uuid::Uuid::now_v7();
    let first = db.put_report(&report(id, a, u, 1), NOW).await.unwrap();
    let Ingest::Created(summary) = first else { panic!("first put creates") };
    assert_eq!((summary.status.as_str(), summary.received_at), ("received", NOW));
    let again = db.put_report(&report(id, a, u, 1), NOW + Duration::seconds(5)).await.unwrap();
    assert_eq!(again, Ingest::Replayed(summary.clone()), "a replay returns the stored report");
    let err = db.put_report(&report(id, a, u, 2), NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "id" }), "{err:?}");
    let err = db.put_report(&report(id, b, ub, 1), NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "id" }), "same id from another organisation");
    assert_eq!(db.count_reports(a).await.unwrap(), 1);
    assert_eq!(db.count_reports(b).await.unwrap(), 0);
    assert_eq!(db.report_sealed(a, id).await.unwrap().0, vec![1; 64], "the first content stands");
    let audits = db.audit_for_org(a, 10).await.unwrap().entries;
    assert_eq!(
        audits.iter().filter(|e| e.action == "report.received").count(),
        1,
        "one audit entry, not one per retry"
    );
}

async fn the_owner_of_a_record_is_found_for_cross_organisation_checks(db: &Db) {
    use sightline_storage::Owned;
    let a = org(db, "Airline A").await;
    let u = db.get_user(a, user(db, a, "crew@a.example", &[Role::Reporter, Role::Learner]).await).await.unwrap();
    let report_id = reported(db, a, u.id, 1).await;
    let token = db.create_api_token(&u, "t", &Scopes::of([Scope::Read]), &[1; 32], None, NOW).await.unwrap();
    let learner = Learner::User { org: a, user: u.id };
    let attempt = db.create_attempt(&learner, "cabin-crew", "fi", "[]", NOW).await.unwrap();
    db.submit_attempt(&learner, attempt, "[1]", 100, true, Some(&cert("OWNED-1", attempt)), NOW).await.unwrap();
    let anon = Learner::Anonymous { hash: vec![7; 32] };
    let anon_attempt = db.create_attempt(&anon, "public", "en", "[]", NOW).await.unwrap();
    for target in [
        Owned::Organisation(a),
        Owned::User(u.id),
        Owned::Report(report_id),
        Owned::Certificate("OWNED-1"),
        Owned::ApiToken(token),
        Owned::Attempt(attempt),
    ] {
        assert_eq!(db.owner_of(target).await.unwrap(), Some(a), "{}", target.kind());
    }
    assert_eq!(db.owner_of(Owned::Attempt(anon_attempt)).await.unwrap(), None, "an anonymous learner's");
    assert_eq!(db.owner_of(Owned::Report(uuid::Uuid::now_v7())).await.unwrap(), None, "no such report");
    assert_eq!(db.owner_of(Owned::Certificate("NOPE")).await.unwrap(), None);
    assert_eq!(db.owner_of(Owned::Organisation(OrgId::new())).await.unwrap(), None);
}

async fn reports_are_private_to_their_organisation_and_reporter(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u1 = user(db, a, "one@a.example", &[Role::Reporter]).await;
    let u2 = user(db, a, "two@a.example", &[Role::Reporter]).await;
    let r1 = uuid::Uuid::now_v7();
    let r2 = uuid::Uuid::now_v7();
    db.put_report(&report(r1, a, u1, 1), NOW).await.unwrap();
    db.put_report(&report(r2, a, u2, 3), NOW + Duration::seconds(1)).await.unwrap();
    let mine: Vec<_> = db.reports_of(a, u1, 50).await.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(mine, vec![r1]);
    assert!(matches!(db.report_summary(b, r1).await, Err(StorageError::NotFound)));
    assert!(matches!(db.report_sealed(b, r1).await, Err(StorageError::NotFound)));
    assert_eq!(db.report_summary(a, r2).await.unwrap().reference, "REF3");
}

/// Random sequences of submits, replays of earlier submits, conflicting submits and
/// requests cut off part-way (the future dropped at a random point, as when a
/// connection dies). Afterwards a device flushes every id again: exactly one report
/// per id is stored, holding the first content that committed.
fn ingest_property(db: &Db) {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let rt = tokio::runtime::Handle::current();
    let (a, u) = tokio::task::block_in_place(|| {
        rt.block_on(async {
            let a = org(db, "Airline P").await;
            let u = user(db, a, "crew@p.example", &[Role::Reporter]).await;
            (a, u)
        })
    });
    let ops = proptest::collection::vec((0usize..4, 1u8..=2, 0u8..3, 0u64..400), 1..24);
    let mut runner = TestRunner::new(Config { cases: 24, ..Config::default() });
    runner
        .run(&ops, |ops| {
            let ids: Vec<uuid::Uuid> = (0..4).map(|_| uuid::Uuid::now_v7()).collect();
            tokio::task::block_in_place(|| {
                rt.block_on(async {
                    let mut committed: std::collections::HashMap<usize, u8> = std::collections::HashMap::new();
                    for (i, variant, kind, cut_us) in &ops {
                        let r = report(ids[*i], a, u, *variant);
                        match kind {
                            // A request cut off after `cut_us` microseconds.
                            0 => {
                                let _ = tokio::time::timeout(
                                    std::time::Duration::from_micros(*cut_us),
                                    db.put_report(&r, NOW),
                                )
                                .await;
                            }
                            // A full request; a conflict leaves the first content.
                            _ => match db.put_report(&r, NOW).await {
                                Ok(Ingest::Created(_)) => {
                                    prop_assert!(committed.insert(*i, *variant).is_none(), "created twice");
                                }
                                Ok(Ingest::Replayed(_)) | Err(StorageError::Conflict { .. }) => {}
                                Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
                            },
                        }
                    }
                    // The device flushes everything it still holds.
                    for (i, id) in ids.iter().enumerate() {
                        let _ = db.put_report(&report(*id, a, u, 1), NOW).await;
                        let (sealed, _) =
                            db.report_sealed(a, *id).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
                        if let Some(v) = committed.get(&i) {
                            prop_assert_eq!(sealed[0], *v, "the first committed content stands");
                        }
                    }
                    Ok(())
                })
            })
        })
        .unwrap();
    let total = tokio::task::block_in_place(|| rt.block_on(db.count_reports(a))).unwrap();
    let distinct = tokio::task::block_in_place(|| rt.block_on(db.reports_of(a, u, 10_000))).unwrap();
    assert_eq!(total as usize, distinct.len());
    // Every stored report has exactly one audit entry (no half-written ingest), and
    // the chain survived the interruptions.
    let audits = tokio::task::block_in_place(|| rt.block_on(db.audit_for_org(a, 100_000))).unwrap();
    let received = audits.entries.iter().filter(|e| e.action == "report.received").count();
    assert_eq!(received, distinct.len());
    tokio::task::block_in_place(|| rt.block_on(db.verify_audit_chain())).unwrap();
}

async fn a_group_commit_gives_each_report_its_own_outcome(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let (x, y, z) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    db.put_report(&report(z, a, u, 5), NOW).await.unwrap();
    let batch = vec![
        report(x, a, u, 1),
        report(y, a, u, 2),
        report(x, a, u, 1), // the same report twice in one batch: a replay
        report(y, a, u, 3), // the same id with other content: a conflict
        report(z, a, u, 5), // stored earlier: a replay
    ];
    let out = db.put_reports(&batch, NOW).await.unwrap();
    assert!(matches!(out[0], Ok(Ingest::Created(_))));
    assert!(matches!(out[1], Ok(Ingest::Created(_))));
    assert!(matches!(out[2], Ok(Ingest::Replayed(_))), "{:?}", out[2]);
    assert!(matches!(out[3], Err(StorageError::Conflict { field: "id" })));
    assert!(matches!(out[4], Ok(Ingest::Replayed(_))));
    assert_eq!(db.count_reports(a).await.unwrap(), 3);
    assert_eq!(db.report_sealed(a, y).await.unwrap().0, vec![2; 64]);
    let received =
        db.audit_for_org(a, 50).await.unwrap().entries.iter().filter(|e| e.action == "report.received").count();
    assert_eq!(received, 3);
    assert_eq!(db.verify_audit_chain().await.unwrap() as usize, db.audit_after(0, 1000).await.unwrap().len());
}

/// Issue 9: a report that fails inside a group commit fails alone; the others in its
/// batch commit, each with its audit entry. The poison rows bypass validation here.
async fn a_report_that_fails_in_a_group_commit_fails_alone(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let ids: Vec<uuid::Uuid> = (0..6).map(|_| uuid::Uuid::now_v7()).collect();
    // Its reporter does not exist: a foreign-key violation on both engines.
    let orphan = report(ids[1], a, UserId::new(), 2);
    // PostgreSQL refuses NUL in text; SQLite stores it.
    let mut nul = report(ids[3], a, u, 4);
    nul.client_created_at = Some("\u{0}".into());
    nul.flight = "AY\u{0}1".into();
    let batch = vec![
        report(ids[0], a, u, 1),
        orphan,
        report(ids[2], a, u, 3),
        nul,
        report(ids[4], a, u, 5),
        report(ids[5], a, u, 6),
    ];
    let out = db.put_reports(&batch, NOW).await.expect("the batch commits without its bad reports");
    for i in [0, 2, 4, 5] {
        assert!(matches!(out[i], Ok(Ingest::Created(_))), "report {i}: {:?}", out[i]);
    }
    assert!(out[1].is_err(), "{:?}", out[1]);
    let nul_stored = out[3].is_ok();
    if db.engine() == sightline_storage::Engine::Postgres {
        assert!(!nul_stored, "{:?}", out[3]);
    }
    let stored = 4 + i64::from(nul_stored);
    assert_eq!(db.count_reports(a).await.unwrap(), stored);
    let received =
        db.audit_for_org(a, 50).await.unwrap().entries.iter().filter(|e| e.action == "report.received").count();
    assert_eq!(received as i64, stored, "an audit entry for each stored report, none for a failed one");
    db.verify_audit_chain().await.unwrap();
    // The good ones are really there, and a retry of one is a replay.
    assert!(matches!(db.put_report(&report(ids[2], a, u, 3), NOW).await, Ok(Ingest::Replayed(_))));
}

/// Issue 9: two writers (two server nodes on one database) storing the same ids at
/// once, in opposite orders, never deadlock: each id is created by one of them and
/// is a replay for the other.
async fn concurrent_group_commits_of_the_same_ids_never_deadlock(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let (rounds, per_batch) = (5, 40);
    for _ in 0..rounds {
        let ids: Vec<uuid::Uuid> = (0..per_batch).map(|_| uuid::Uuid::now_v7()).collect();
        let forward: Vec<NewReport> = ids.iter().map(|id| report(*id, a, u, 1)).collect();
        let backward: Vec<NewReport> = forward.iter().rev().cloned().collect();
        let (x, y) = tokio::join!(db.put_reports(&forward, NOW), db.put_reports(&backward, NOW));
        let (x, y) = (x.expect("no deadlock"), y.expect("no deadlock"));
        for i in 0..per_batch {
            let pair = [&x[i], &y[per_batch - 1 - i]];
            let created = pair.iter().filter(|r| matches!(r, Ok(Ingest::Created(_)))).count();
            let replayed = pair.iter().filter(|r| matches!(r, Ok(Ingest::Replayed(_)))).count();
            assert_eq!((created, replayed), (1, 1), "{pair:?}");
        }
    }
    let total = i64::try_from(rounds * per_batch).unwrap();
    assert_eq!(db.count_reports(a).await.unwrap(), total);
    let received =
        db.audit_for_org(a, 1_000).await.unwrap().entries.iter().filter(|e| e.action == "report.received").count();
    assert_eq!(received as i64, total);
    db.verify_audit_chain().await.unwrap();
}

async fn the_queue_orders_by_danger_then_landing_then_age(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let ub = user(db, b, "crew@b.example", &[Role::Reporter]).await;
    let mk = |variant: u8, danger: bool, arrival: Option<i64>, flight: &str| {
        let mut r = report(uuid::Uuid::now_v7(), a, u, variant);
        r.immediate_danger = danger;
        r.scheduled_arrival = arrival.map(|m| NOW + Duration::minutes(m));
        r.flight = flight.into();
        r
    };
    let late_landing = mk(1, false, Some(300), "AY1");
    let soon_landing = mk(3, false, Some(20), "AY2");
    let unknown_landing = mk(5, false, None, "AY3");
    let danger = mk(7, true, Some(600), "AY4");
    for (i, r) in [&late_landing, &soon_landing, &unknown_landing, &danger].into_iter().enumerate() {
        db.put_report(r, NOW + Duration::seconds(i as i64)).await.unwrap();
    }
    reported(db, b, ub, 9).await;
    let q: Vec<_> = db.queue(a, &QueueFilter::default(), 50).await.unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(q, vec![danger.id, soon_landing.id, late_landing.id, unknown_landing.id]);
    let only: Vec<_> = db
        .queue(a, &QueueFilter { flight: Some("AY2".into()), ..QueueFilter::default() }, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(only, vec![soon_landing.id]);
    let by_dest =
        db.queue(a, &QueueFilter { destination: Some("JFK".into()), ..QueueFilter::default() }, 50).await.unwrap();
    assert_eq!(by_dest.len(), 4);
    assert!(matches!(db.case(b, danger.id).await, Err(StorageError::NotFound)), "another organisation's case");
}

/// Issue 11: departure and arrival are separate values and the arrival an instant
/// with its own date, so a flight leaving on 31 Dec and landing on 1 Jan is queued
/// after one landing late on 31 Dec (it was queued first when the arrival took the
/// departure date), and before one landing later on 1 Jan.
async fn an_overnight_flight_orders_by_its_arrival_instant(db: &Db) {
    use sightline_domain::report::{Airport, AirportLookup, IndicatorLookup, ReportInput};
    struct Air(Vec<Airport>);
    impl AirportLookup for Air {
        fn airport(&self, iata: &str) -> Option<&Airport> {
            self.0.iter().find(|a| a.iata == iata)
        }
    }
    struct Ind;
    impl IndicatorLookup for Ind {
        fn short_code(&self, _: &str) -> Option<&str> {
            Some("DOCS")
        }
        fn is_core_four(&self, _: &str) -> bool {
            true
        }
    }
    let air = Air([("HEL", "Europe/Helsinki"), ("JFK", "America/New_York"), ("ATH", "Europe/Athens")]
        .into_iter()
        .map(|(iata, tz)| Airport {
            iata: iata.into(),
            name: iata.into(),
            city: String::new(),
            country: String::new(),
            tz: tz.into(),
        })
        .collect());
    let arrival = |date: &str, from: &str, to: &str, arrival_date: &str, at: &str| {
        let input = ReportInput {
            reporter_role: "cabin_crew".into(),
            phase: "in_flight".into(),
            flight: "AY5".into(),
            date: date.into(),
            origin: from.into(),
            destination: to.into(),
            arrival_date: arrival_date.into(),
            scheduled_arrival: at.into(),
            potential_victims: 1,
            indicators: vec!["DOC-HELD-BY-OTHER".into()],
            companion_aware: "unknown".into(),
            considered_innocent_explanations: true,
            ..ReportInput::default()
        };
        input.parse(&air, &Ind).unwrap().scheduled_arrival
    };
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let mk = |variant: u8, flight: &str, date: &str, at: Option<OffsetDateTime>| {
        let mut r = report(uuid::Uuid::now_v7(), a, u, variant);
        (r.immediate_danger, r.flight, r.flight_date, r.scheduled_arrival) = (false, flight.into(), date.into(), at);
        r
    };
    // Filed first: the overnight flight, departing 31 Dec from New York, landing in Helsinki on 1 Jan.
    let overnight = mk(1, "AY6", "2026-12-31", arrival("2026-12-31", "JFK", "HEL", "2027-01-01", "09:15"));
    let late_evening = mk(3, "AY7", "2026-12-31", arrival("2026-12-31", "HEL", "ATH", "", "23:30"));
    let new_year = mk(5, "AY8", "2027-01-01", arrival("2027-01-01", "ATH", "HEL", "", "10:00"));
    assert_eq!(overnight.scheduled_arrival, Some(datetime!(2027-01-01 07:15 UTC)));
    for (i, r) in [&overnight, &late_evening, &new_year].into_iter().enumerate() {
        db.put_report(r, NOW + Duration::seconds(i as i64)).await.unwrap();
    }
    let q: Vec<_> = db.queue(a, &QueueFilter::default(), 50).await.unwrap().into_iter().map(|c| c.flight).collect();
    assert_eq!(q, vec!["AY7", "AY6", "AY8"], "31 Dec 23:30 Athens, then 1 Jan 09:15 and 10:00 Helsinki");
}

/// An incident in the terminal has no flight and keeps its place; an urgent report
/// keeps its flags for the desk. Reports stored before migration 0017 have neither.
async fn a_terminal_incident_keeps_its_place_and_an_urgent_report_its_flags(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let mut terminal = report(uuid::Uuid::now_v7(), a, u, 1);
    (terminal.flight, terminal.origin, terminal.destination, terminal.place) =
        (String::new(), "HEL".into(), "HEL".into(), "Gate 22".into());
    terminal.flags = "destination:unknown-airport seats:invalid-seat".into();
    db.put_report(&terminal, NOW).await.unwrap();
    let c = db.case(a, terminal.id).await.unwrap();
    assert_eq!((c.flight.as_str(), c.place.as_str()), ("", "Gate 22"));
    assert_eq!(c.flags, "destination:unknown-airport seats:invalid-seat");
    let plain = report(uuid::Uuid::now_v7(), a, u, 3);
    db.put_report(&plain, NOW).await.unwrap();
    let c = db.case(a, plain.id).await.unwrap();
    assert_eq!((c.place.as_str(), c.flags.as_str()), ("", ""));
    // Two terminal incidents at different airports on one day are not the same event.
    let mut elsewhere = terminal.clone();
    (elsewhere.id, elsewhere.origin, elsewhere.destination) = (uuid::Uuid::now_v7(), "ATH".into(), "ATH".into());
    db.put_report(&elsewhere, NOW).await.unwrap();
    assert!(db.merge_suggestions(a, terminal.id).await.unwrap().is_empty());
}

async fn the_relay_codeword_is_per_organisation_and_audited(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    assert_eq!(db.relay_codeword(a).await.unwrap(), None, "the default header until one is set");
    let audit = NewAuditEntry::new(AuditAction::RelayCodewordChanged).org(a).detail("set");
    db.set_relay_codeword(a, Some("BLUE HERON"), &audit, NOW).await.unwrap();
    assert_eq!(db.relay_codeword(a).await.unwrap().as_deref(), Some("BLUE HERON"));
    assert_eq!(db.relay_codeword(b).await.unwrap(), None);
    db.set_relay_codeword(a, None, &audit, NOW).await.unwrap();
    assert_eq!(db.relay_codeword(a).await.unwrap(), None);
    let changes = db.audit_for_org(a, 10).await.unwrap().entries;
    assert_eq!(changes.iter().filter(|e| e.action == "org.relay_codeword_changed").count(), 2);
    assert!(matches!(
        db.set_relay_codeword(OrgId::from_uuid(uuid::Uuid::now_v7()), Some("X Y Z"), &audit, NOW).await,
        Err(StorageError::NotFound)
    ));
}

/// A contact made by phone with `organisation`, under their `reference`.
fn phone_contact(organisation: &str, kind: ContactKind, reference: &str) -> Contact {
    Contact {
        organisation: organisation.into(),
        kind,
        method: "phone".into(),
        reference: reference.into(),
        gate_override: None,
    }
}

async fn case_changes_are_versioned_evented_and_audited(db: &Db) {
    use sightline_domain::triage::{CaseStatus, transition};
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let other = user(db, b, "desk@b.example", &[Role::DeskAnalyst]).await;
    let id = reported(db, a, u, 1).await;
    let c = db.case(a, id).await.unwrap();
    assert_eq!((c.status.as_str(), c.version), ("received", 0));

    let ack = transition(CaseStatus::Received, CaseStatus::Acknowledged, "", None).unwrap();
    let v1 = db.transition_case(a, id, 0, &ack, analyst, NOW).await.unwrap();
    assert_eq!(v1, 1);
    // A second analyst working from the old version gets a conflict; nothing changes.
    let err = db.transition_case(a, id, 0, &ack, analyst, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "version" }), "{err:?}");
    assert!(
        matches!(db.assign_case(a, id, 1, Some(other), analyst, NOW).await, Err(StorageError::NotFound)),
        "not a colleague"
    );
    let v2 = db.assign_case(a, id, v1, Some(analyst), analyst, NOW).await.unwrap();
    db.add_case_note(a, id, (vec![1; 48], vec![2; 72]), analyst, NOW).await.unwrap();
    let contact = phone_contact("Police of Finland", ContactKind::Police, "FI-123");
    let v3 = db.record_contact(a, id, v2, &contact, analyst, NOW + Duration::minutes(3)).await.unwrap();
    let c = db.case(a, id).await.unwrap();
    assert_eq!((c.status.as_str(), c.version, c.assigned_to), ("escalated", v3, Some(analyst)));
    assert_eq!(c.escalated_at, Some(NOW + Duration::minutes(3)));
    let handed = transition(CaseStatus::Escalated, CaseStatus::HandedOver, "", None).unwrap();
    let v4 = db.transition_case(a, id, v3, &handed, analyst, NOW + Duration::minutes(4)).await.unwrap();
    let close = transition(CaseStatus::HandedOver, CaseStatus::Closed, "", Some(Outcome::MetOnArrival)).unwrap();
    db.transition_case(a, id, v4, &close, analyst, NOW + Duration::minutes(5)).await.unwrap();
    let c = db.case(a, id).await.unwrap();
    assert_eq!((c.status.as_str(), c.outcome.map(Outcome::as_str)), ("closed", Some("met_on_arrival")));
    assert_eq!(db.reports_of(a, u, 5).await.unwrap()[0].status.as_str(), "closed", "the reporter sees the status");

    let kinds: Vec<&str> = db.case_events(a, id).await.unwrap().into_iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["transition", "assignment", "note", "contact", "transition", "transition"]);
    let notes = db.case_events(a, id).await.unwrap().into_iter().find(|e| e.kind.as_str() == "note").unwrap();
    assert_eq!(notes.sealed, Some((vec![1; 48], vec![2; 72])));
    let actions: Vec<String> = db.audit_for_org(a, 20).await.unwrap().entries.into_iter().map(|e| e.action).collect();
    for want in ["case.transition", "case.assigned", "case.note_added", "case.escalated"] {
        assert!(actions.iter().any(|x| x == want), "{want}");
    }
    assert!(matches!(db.add_case_note(b, id, (vec![], vec![]), other, NOW).await, Err(StorageError::NotFound)));
    let n = db.notifications(a, NOW - Duration::days(1), NOW + Duration::days(1)).await.unwrap();
    assert_eq!(n.len(), 1);
    let (_, first) = &n[0];
    assert_eq!(first.as_ref().map(|f| (f.0, f.1.as_str())), Some((NOW + Duration::minutes(3), "Police of Finland")));
    db.verify_audit_chain().await.unwrap();
}

async fn reports_of_one_event_are_suggested_merged_or_dismissed(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let ub = user(db, b, "crew@b.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let mk = |variant: u8, seats: &str, flight: &str| {
        let mut r = report(uuid::Uuid::now_v7(), a, u, variant);
        r.seats = seats.into();
        r.flight = flight.into();
        r
    };
    let first = mk(1, "23A", "AY5");
    let near = mk(3, "24C", "AY5");
    let far = mk(5, "41F", "AY5");
    let other_flight = mk(7, "23B", "AY6");
    for r in [&first, &near, &far, &other_flight] {
        db.put_report(r, NOW).await.unwrap();
    }
    let mut foreign = report(uuid::Uuid::now_v7(), b, ub, 9);
    foreign.flight = "AY5".into();
    db.put_report(&foreign, NOW).await.unwrap();
    let s: Vec<_> = db.merge_suggestions(a, first.id).await.unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(s, vec![near.id, far.id], "same flight and date, this organisation only, nearest seats first");
    db.merge_reports(a, first.id, near.id, analyst, NOW).await.unwrap();
    assert!(
        matches!(db.merge_reports(a, far.id, near.id, analyst, NOW).await, Err(StorageError::Conflict { .. })),
        "merged once"
    );
    db.dismiss_merge(a, first.id, far.id).await.unwrap();
    assert!(db.merge_suggestions(a, first.id).await.unwrap().is_empty());
    let queue: Vec<_> = db.queue(a, &QueueFilter::default(), 50).await.unwrap().into_iter().map(|c| c.id).collect();
    assert!(queue.contains(&first.id) && !queue.contains(&near.id), "a merged report leaves the queue");
    assert_eq!(db.merged_reports(a, first.id).await.unwrap()[0].id, near.id);
    assert_eq!(db.report_sealed(a, near.id).await.unwrap().0, vec![3; 64], "the original is kept");
    assert!(matches!(db.merge_reports(a, first.id, foreign.id, analyst, NOW).await, Err(StorageError::NotFound)));
}

async fn alerts_go_through_an_outbox_with_a_lease(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let ub = user(db, b, "crew@b.example", &[Role::Reporter]).await;
    let setup = NewAuditEntry::new(AuditAction::AlertsConfigured).org(a);
    let hook = AlertChange::Webhook { url: "https://desk.a.example/hook", sealed_secret: "sealed:v1:x.y" };
    db.configure_alerts(a, hook, &setup, NOW).await.unwrap();
    db.configure_alerts(a, AlertChange::Email("desk@a.example"), &setup, NOW).await.unwrap();
    // More waiting reports than the old pass looked at (it stopped at 500), received
    // over time; and one of an organisation without alerts.
    let mut ids = Vec::new();
    for chunk in 0..7_i64 {
        let batch: Vec<NewReport> = (0..90).map(|_| report(uuid::Uuid::now_v7(), a, u, 1)).collect();
        ids.extend(batch.iter().map(|r| r.id));
        for r in db.put_reports(&batch, NOW + Duration::seconds(chunk)).await.unwrap() {
            assert!(matches!(r, Ok(Ingest::Created(_))));
        }
    }
    reported(db, b, ub, 1).await;
    let later = NOW + Duration::minutes(1);
    for channel in [AlertChannel::Webhook, AlertChannel::Email] {
        assert_eq!(db.enqueue_alerts(channel, later - Duration::minutes(5), later).await.unwrap(), 630);
        assert_eq!(db.enqueue_alerts(channel, later - Duration::minutes(5), later).await.unwrap(), 0, "once");
        // Page through the outbox as the sender does: every waiting case, oldest first.
        let mut seen = Vec::new();
        loop {
            let page = db.due_alerts(channel, later, 100).await.unwrap();
            if page.is_empty() {
                break;
            }
            for due in page {
                assert_eq!((due.org_id, due.kind.as_str(), due.attempts), (a, "new", 0));
                assert!(
                    db.claim_alert(channel, due.report_id, AlertKind::New, later, later + Duration::minutes(2))
                        .await
                        .unwrap()
                );
                seen.push(due.report_id);
            }
        }
        assert_eq!(seen.len(), 630, "{channel:?}: every waiting case");
        let mut sorted = seen.clone();
        sorted.sort_by_key(|id| ids.iter().position(|x| x == id));
        assert_eq!(seen, sorted, "{channel:?}: oldest first");
        // A leased alert is nobody else's; a sender that died leaves it to the next
        // sender once the lease is over.
        let first = seen[0];
        assert!(!db.claim_alert(channel, first, AlertKind::New, later, later + Duration::minutes(2)).await.unwrap());
        let after_lease = later + Duration::minutes(3);
        let due = db.due_alerts(channel, after_lease, 1000).await.unwrap();
        assert_eq!(due.len(), 630, "{channel:?}: nothing delivered yet, all due again");
        assert_eq!(due[0].attempts, 1);
        // Racing senders: exactly one wins the lease.
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                db.claim_alert(channel, first, AlertKind::New, after_lease, after_lease + Duration::minutes(2))
                    .await
                    .unwrap()
            }));
        }
        let mut winners = 0;
        for t in tasks {
            winners += usize::from(t.await.unwrap());
        }
        assert_eq!(winners, 1, "{channel:?}: one lease");
        db.alert_delivered(channel, first, AlertKind::New, after_lease).await.unwrap();
        assert!(
            !db.claim_alert(channel, first, AlertKind::New, NOW + Duration::days(1), NOW + Duration::days(2))
                .await
                .unwrap()
        );
        // A failed delivery waits for its retry time.
        let second = seen[1];
        assert!(
            db.claim_alert(channel, second, AlertKind::New, after_lease, after_lease + Duration::minutes(2))
                .await
                .unwrap()
        );
        db.alert_failed(channel, second, AlertKind::New, after_lease + Duration::seconds(30)).await.unwrap();
        let due_ids = |d: Vec<sightline_storage::DueAlert>| d.into_iter().map(|x| x.report_id).collect::<Vec<_>>();
        assert!(!due_ids(db.due_alerts(channel, after_lease, 1000).await.unwrap()).contains(&second));
        assert!(
            due_ids(db.due_alerts(channel, after_lease + Duration::seconds(30), 1000).await.unwrap()).contains(&second)
        );
        assert_eq!(db.alert_counts(channel).await.unwrap(), (1, 629));
        // Five minutes after a report arrived it is also due as unacknowledged.
        let much_later = NOW + Duration::minutes(10);
        assert_eq!(db.enqueue_alerts(channel, much_later - Duration::minutes(5), much_later).await.unwrap(), 630);
    }
    db.configure_alerts(a, AlertChange::NoWebhook, &setup, NOW).await.unwrap();
    db.configure_alerts(a, AlertChange::NoEmail, &setup, NOW).await.unwrap();
    let audit = NewAuditEntry::new(AuditAction::AlertsConfigured).org(a);
    db.configure_alerts(a, AlertChange::Email("desk@a.example"), &audit, NOW).await.unwrap();
    db.configure_alerts(a, AlertChange::Email("ops@a.example"), &audit, NOW).await.unwrap();
    assert_eq!(db.alert_emails().await.unwrap(), vec![(a, "ops@a.example".to_owned())], "replaced, not added");
    let hook = AlertChange::Webhook { url: "https://desk.a.example/hook", sealed_secret: "sealed:v1:x.y" };
    db.configure_alerts(a, hook, &audit, NOW).await.unwrap();
    assert_eq!(
        db.alert_settings(a).await.unwrap(),
        (Some("https://desk.a.example/hook".to_owned()), Some("ops@a.example".to_owned()))
    );
    db.configure_alerts(a, AlertChange::NoEmail, &audit, NOW).await.unwrap();
    db.configure_alerts(a, AlertChange::NoWebhook, &audit, NOW).await.unwrap();
    assert_eq!(db.alert_settings(a).await.unwrap(), (None, None), "both stopped");
    assert!(db.alert_targets().await.unwrap().is_empty() && db.alert_emails().await.unwrap().is_empty());
    let audited = db.audit_for_org(a, 2000).await.unwrap().entries;
    assert_eq!(audited.iter().filter(|e| e.action == "org.alerts_configured").count(), 9, "each change audited");
}

async fn the_escalation_lead_is_per_organisation_and_audited(db: &Db) {
    use sightline_domain::triage::EscalationLead;
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    assert_eq!(db.escalation_lead(a).await.unwrap(), EscalationLead::default(), "30 minutes until set");
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    db.set_escalation_lead(a, EscalationLead::from_minutes(45).unwrap(), Some(admin), NOW).await.unwrap();
    db.set_escalation_lead(a, EscalationLead::from_minutes(60).unwrap(), None, NOW).await.unwrap();
    assert_eq!(db.escalation_lead(a).await.unwrap().minutes(), 60, "replaced");
    assert_eq!(db.escalation_lead(b).await.unwrap().minutes(), 30, "another organisation is untouched");
    let audits = db.audit_for_org(a, 10).await.unwrap().entries;
    let changes: Vec<_> = audits.iter().filter(|e| e.action == "org.escalation_lead_changed").collect();
    assert_eq!(changes.len(), 2, "each change is audited");
    assert!(changes.iter().any(|e| e.detail == "60 minutes before landing" && e.actor.is_none()));
    assert!(changes.iter().any(|e| e.detail == "45 minutes before landing" && e.actor == Some(admin)));
    let unknown = OrgId::from_uuid(uuid::Uuid::now_v7());
    let err = db.set_escalation_lead(unknown, EscalationLead::default(), None, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::NotFound), "{err:?}");
}

/// A directory entry answering on 112 around the clock, not public.
fn contact(
    country: &str,
    kind: sightline_domain::directory::ContactKind,
    name: &str,
) -> sightline_domain::directory::DirectoryEntry {
    sightline_domain::directory::DirectoryEntry {
        country: country.into(),
        airport: None,
        organisation: name.into(),
        kind,
        phone: None,
        local_number: Some("112".into()),
        dialable_from_abroad: false,
        email: None,
        hours: sightline_domain::directory::Hours::Always,
        notes: String::new(),
        languages: vec![],
        languages_over: None,
        source: "https://example.org/contacts".into(),
        last_verified: "2026-11-01".into(),
        public: false,
    }
}

async fn the_directory_is_seeded_once_and_every_change_is_kept(db: &Db) {
    use sightline_domain::directory::{ContactKind, DirectoryEntry, E164, Hours};
    let entry = |country: &str, kind: ContactKind, name: &str| DirectoryEntry {
        languages: vec!["fi".into()],
        ..contact(country, kind, name)
    };
    let police = entry("FI", ContactKind::Police, "Finnish police");
    let eu = entry("EU", ContactKind::Emergency, "European emergency number");
    let us = entry("US", ContactKind::NationalHotline, "US hotline");
    assert_eq!(db.seed_directory(&[police.clone(), eu.clone(), us.clone()], NOW).await.unwrap(), 3);
    assert_eq!(db.seed_directory(&[police.clone(), eu.clone(), us.clone()], NOW).await.unwrap(), 0, "seeded once");
    let all = db.directory().await.unwrap();
    assert_eq!(all.iter().map(|e| e.entry.country.as_str()).collect::<Vec<_>>(), vec!["EU", "FI", "US"]);
    assert!(all.iter().all(|e| e.seeded && e.version == 1 && e.updated_by.is_none()));
    let fi = db.directory_for("FI").await.unwrap();
    assert_eq!(fi.len(), 2, "the country's entries and the EU-wide ones");

    let a = org(db, "Platform").await;
    let admin = user(db, a, "admin@platform.example", &[Role::PlatformAdmin]).await;
    let me = (a, admin);
    let police_id = all.iter().find(|e| e.entry.country == "FI").unwrap().id;

    // An edit moves the version; a stale version is refused and writes nothing.
    let mut moved = police.clone();
    moved.phone = Some(E164::parse("+358 295 480 181").unwrap());
    moved.dialable_from_abroad = true;
    moved.last_verified = "2026-11-28".into();
    assert_eq!(db.update_directory_entry(police_id, 1, &moved, me, NOW).await.unwrap(), 2);
    let mut other = police.clone();
    other.hours = Hours::Text("Office hours".into());
    let err = db.update_directory_entry(police_id, 1, &other, me, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "version" }), "{err:?}");
    let now = db.directory_entry(police_id).await.unwrap();
    assert_eq!((now.version, now.entry.clone(), now.updated_by.as_deref()), (2, moved.clone(), Some("Test Person")));
    assert_eq!(db.update_directory_entry(police_id, 2, &moved, me, NOW).await.unwrap(), 2, "no change, no version");

    // A new entry, then a removal with a reason; the removed one is out of routing.
    let hel = DirectoryEntry { airport: Some("HEL".into()), ..entry("FI", ContactKind::BorderGuard, "HEL border") };
    let hel_id = db.create_directory_entry(&hel, me, NOW + Duration::minutes(1)).await.unwrap();
    assert_eq!(db.directory_for("FI").await.unwrap().len(), 3);
    let err = db.set_directory_entry_removed(hel_id, 7, true, "closed", me, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { .. }), "{err:?}");
    db.set_directory_entry_removed(hel_id, 1, true, "closing soon", me, NOW + Duration::minutes(2)).await.unwrap();
    assert_eq!(db.directory_for("FI").await.unwrap().len(), 2);
    assert!(db.directory_entry(hel_id).await.unwrap().removed_at.is_some());
    let err = db.update_directory_entry(hel_id, 2, &hel, me, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::NotFound), "a removed entry cannot be edited: {err:?}");

    let err = db.set_directory_entry_removed(hel_id, 2, true, "again", me, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::NotFound), "removed once: {err:?}");
    assert_eq!(db.removed_directory().await.unwrap().iter().map(|e| e.id).collect::<Vec<_>>(), vec![hel_id]);
    db.set_directory_entry_removed(hel_id, 2, false, "removed by mistake", me, NOW + Duration::minutes(3))
        .await
        .unwrap();
    assert_eq!(db.directory_for("FI").await.unwrap().len(), 3, "back in use");
    assert!(db.removed_directory().await.unwrap().is_empty());
    let err = db.set_directory_entry_removed(hel_id, 3, false, "twice", me, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::NotFound), "only a removed entry can be restored: {err:?}");
    db.set_directory_entry_removed(
        hel_id,
        3,
        true,
        "unit merged into the national one",
        me,
        NOW + Duration::minutes(4),
    )
    .await
    .unwrap();

    // Seeding again brings back neither the edited nor the removed entry.
    assert_eq!(db.seed_directory(&[police, eu, us, hel], NOW).await.unwrap(), 1, "only the new file entry");
    assert_eq!(db.directory_entry(police_id).await.unwrap().entry, moved, "the edit stands");

    // The history keeps every version with who and when; it is append-only.
    let history = db.directory_history(police_id).await.unwrap();
    assert_eq!(
        history.iter().map(|c| (c.version, c.change.as_str())).collect::<Vec<_>>(),
        [(2, "updated"), (1, "seeded")]
    );
    assert_eq!(history[0].actor.as_deref(), Some("Test Person"));
    assert_eq!(history[1].entry.local_number.as_deref(), Some("112"), "the old number is kept");
    assert_eq!(history[0].entry.phone.as_ref().map(E164::as_str), Some("+358295480181"));
    let removed = db.directory_history(hel_id).await.unwrap();
    assert_eq!(removed[0].reason.as_deref(), Some("unit merged into the national one"));
    let changes: Vec<&str> = removed.iter().map(|c| c.change.as_str()).collect();
    assert_eq!(changes, ["removed", "restored", "removed", "created"]);
    let latest = db.directory_changes(2).await.unwrap();
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[0].change.as_str(), "removed", "newest first");
    assert!(testing::execute(db, "UPDATE directory_history SET body = '{}'").await.is_err());
    assert!(testing::execute(db, "DELETE FROM directory_history").await.is_err());

    let audits = db.audit_for_org(a, 20).await.unwrap().entries;
    let changes: Vec<_> = audits.iter().filter(|e| e.action == "directory.changed").collect();
    assert_eq!(changes.len(), 5, "update, create, remove, restore, remove are audited: {changes:?}");
    assert!(changes.iter().all(|e| e.actor == Some(admin)));
    assert!(db.verify_audit_chain().await.is_ok());
    let missing = sightline_domain::ids::DirectoryEntryId::new();
    assert!(matches!(db.directory_entry(missing).await.unwrap_err(), StorageError::NotFound));
}

/// Migration 0018: bodies written before it (schema 1) still read; a seeded entry that
/// nobody changed is replaced by the corrected file's entry or taken out, with history;
/// an entry an administrator changed stays as it is.
async fn entries_from_before_directory_v2_are_read_and_pristine_seeds_corrected(db: &Db) {
    use sightline_domain::directory::{ContactKind, DirectoryEntry, Hours};
    let v1 = |country: &str, kind: &str, name: &str, phone: &str, hours: &str| {
        format!(
            r#"{{"country":"{country}","organisation":"{name}","kind":"{kind}","phone":"{phone}","hours":"{hours}","languages":["uk"],"source":"https://example.org/old","last_verified":"2026-11-28"}}"#
        )
    };
    let seed = |country: &str, kind: ContactKind, name: &str| DirectoryEntry {
        local_number: Some("1547".into()),
        hours: Hours::NotStated,
        source: "https://example.org/new".into(),
        last_verified: "2026-12-02".into(),
        ..contact(country, kind, name)
    };
    let hotline = seed("UA", ContactKind::NationalHotline, "Government counter-trafficking hotline");
    let polaris = seed("US", ContactKind::NationalHotline, "National Human Trafficking Hotline (Polaris)");
    let kept = seed("GR", ContactKind::NationalHotline, "A21 line");
    assert_eq!(db.seed_directory(&[hotline.clone(), polaris.clone(), kept.clone()], NOW).await.unwrap(), 3);
    // Make them look as version 1 wrote them.
    for (key, body) in [
        (
            "UA",
            v1("UA", "national_hotline", "Government counter-trafficking hotline", "527", "24/7; 1547 also answers"),
        ),
        ("US", v1("US", "national_hotline", "National Human Trafficking Hotline (Polaris)", "1-888-373-7888", "24/7")),
        ("GR", v1("GR", "national_hotline", "A21 line", "+30 1109 000", "Check hours")),
    ] {
        let sql = format!("UPDATE directory_entries SET body_schema = 1, body = '{body}' WHERE country = '{key}'");
        testing::execute(db, &sql).await.unwrap();
    }
    let old = db.directory().await.unwrap();
    let us = old.iter().find(|e| e.entry.country == "US").unwrap();
    assert_eq!((us.entry.local_number.as_deref(), us.entry.hours.is_always()), (Some("1-888-373-7888"), true));
    let ua = old.iter().find(|e| e.entry.country == "UA").unwrap();
    assert_eq!((ua.entry.local_number.as_deref(), ua.entry.notes.as_str()), (Some("527"), "1547 also answers"));
    let gr = old.iter().find(|e| e.entry.country == "GR").unwrap().clone();
    assert_eq!(gr.entry.phone.as_ref().map(|p| p.as_str()), Some("+301109000"));

    // An administrator corrects the Greek one: it is theirs now.
    let a = org(db, "Platform").await;
    let admin = user(db, a, "admin@platform.example", &[Role::PlatformAdmin]).await;
    let mut fixed = gr.entry.clone();
    fixed.notes = "checked by phone".into();
    db.update_directory_entry(gr.id, 1, &fixed, (a, admin), NOW).await.unwrap();

    // The corrected file no longer has the Polaris entry; it has the Ukrainian one, corrected.
    let corrected = DirectoryEntry { local_number: Some("1547".into()), ..hotline.clone() };
    let later = NOW + Duration::hours(1);
    assert_eq!(db.seed_directory(&[corrected.clone(), kept], later).await.unwrap(), 0);
    let now = db.directory().await.unwrap();
    assert_eq!(now.iter().map(|e| e.entry.country.as_str()).collect::<Vec<_>>(), vec!["GR", "UA"]);
    let ua_now = now.iter().find(|e| e.entry.country == "UA").unwrap();
    assert_eq!((ua_now.entry.clone(), ua_now.version), (corrected, 2));
    assert_eq!(now.iter().find(|e| e.entry.country == "GR").unwrap().entry, fixed, "the administrator's edit stands");
    let history = db.directory_history(ua.id).await.unwrap();
    assert_eq!(
        history.iter().map(|c| (c.version, c.change.as_str())).collect::<Vec<_>>(),
        [(2, "updated"), (1, "seeded")]
    );
    assert!(history[0].reason.as_deref().unwrap_or_default().contains("corrected"), "{:?}", history[0].reason);
    assert!(history[0].actor.is_none(), "the content file, not a person");
    let gone = db.directory_history(us.id).await.unwrap();
    assert_eq!(gone[0].change.as_str(), "removed");
    assert!(gone[0].reason.as_deref().unwrap_or_default().contains("no longer in the content file"));
    assert_eq!(db.removed_directory().await.unwrap().len(), 1);
    assert_eq!(
        db.seed_directory(std::slice::from_ref(&ua_now.entry), later).await.unwrap(),
        0,
        "nothing left to correct"
    );
    assert_eq!(db.directory_entry(ua.id).await.unwrap().version, 2);
}

/// Migration 0019: the public help pages read only entries marked public; every write
/// keeps the flag, and a pristine seed from before 0019 takes the file's flag.
async fn only_entries_marked_public_reach_the_public_help_pages(db: &Db) {
    use sightline_domain::directory::{ContactKind, DirectoryEntry};
    let entry = |country: &str, kind: ContactKind, name: &str, public: bool| DirectoryEntry {
        public,
        ..contact(country, kind, name)
    };
    let police = entry("FI", ContactKind::Police, "Finnish police", false);
    let emergency = entry("FI", ContactKind::Emergency, "Emergency Response Centre", true);
    let eu = entry("EU", ContactKind::Emergency, "European emergency number", true);
    let se = entry("SE", ContactKind::NationalHotline, "Swedish line", true);
    assert_eq!(db.seed_directory(&[police.clone(), emergency.clone(), eu, se], NOW).await.unwrap(), 4);
    let names =
        |v: &[sightline_storage::StoredEntry]| v.iter().map(|e| e.entry.organisation.clone()).collect::<Vec<_>>();
    let fi = db.public_directory_for("FI").await.unwrap();
    assert_eq!(names(&fi), ["European emergency number", "Emergency Response Centre"], "no police, no Sweden");
    assert!(fi.iter().all(|e| e.entry.public));
    assert_eq!(db.directory_for("FI").await.unwrap().len(), 3, "the desk still sees every entry");
    assert!(
        db.public_directory_for("US")
            .await
            .unwrap()
            .iter()
            .all(|e| e.entry.country == "EU" || e.entry.country == "INT")
    );

    // An administrator makes the police line public, then takes the emergency one out.
    let a = org(db, "Platform").await;
    let admin = user(db, a, "admin@platform.example", &[Role::PlatformAdmin]).await;
    let all = db.directory().await.unwrap();
    let id_of = |name: &str| all.iter().find(|e| e.entry.organisation == name).unwrap().id;
    let public_police = DirectoryEntry { public: true, ..police.clone() };
    db.update_directory_entry(id_of("Finnish police"), 1, &public_police, (a, admin), NOW).await.unwrap();
    assert_eq!(db.public_directory_for("FI").await.unwrap().len(), 3);
    let hidden = DirectoryEntry { public: false, ..emergency.clone() };
    db.update_directory_entry(id_of("Emergency Response Centre"), 1, &hidden, (a, admin), NOW).await.unwrap();
    assert_eq!(names(&db.public_directory_for("FI").await.unwrap()), ["European emergency number", "Finnish police"]);
    db.set_directory_entry_removed(id_of("Finnish police"), 2, true, "line closed", (a, admin), NOW).await.unwrap();
    assert_eq!(names(&db.public_directory_for("FI").await.unwrap()), ["European emergency number"], "removed: gone");
    let created = entry("FI", ContactKind::VictimAssistance, "Assistance system", true);
    db.create_directory_entry(&created, (a, admin), NOW).await.unwrap();
    assert_eq!(db.public_directory_for("FI").await.unwrap().len(), 2, "a created public entry is listed");

    // A pristine seed written before 0019 (shape 2, no flag) takes the file's flag,
    // with a history row; one the file says the same about only changes shape.
    let se_id = id_of("Swedish line");
    let eu_id = id_of("European emergency number");
    let old = r#"{"country":"SE","organisation":"Swedish line","kind":"national_hotline","local_number":"112","hours":"24/7","languages":[],"source":"https://example.org/contacts","last_verified":"2026-11-01"}"#;
    testing::execute(
        db,
        &format!("UPDATE directory_entries SET body_schema = 2, public = FALSE, body = '{old}' WHERE country = 'SE'"),
    )
    .await
    .unwrap();
    testing::execute(db, "UPDATE directory_entries SET body_schema = 2 WHERE country = 'EU'").await.unwrap();
    assert!(db.public_directory_for("SE").await.unwrap().iter().all(|e| e.entry.country != "SE"), "hidden before");
    let se = entry("SE", ContactKind::NationalHotline, "Swedish line", true);
    let eu = entry("EU", ContactKind::Emergency, "European emergency number", true);
    assert_eq!(db.seed_directory(&[se.clone(), eu.clone()], NOW + Duration::hours(1)).await.unwrap(), 0);
    let now = db.directory_entry(se_id).await.unwrap();
    assert_eq!((now.entry.clone(), now.version), (se, 2));
    assert!(db.public_directory_for("SE").await.unwrap().iter().any(|e| e.id == se_id), "public now");
    let history = db.directory_history(se_id).await.unwrap();
    assert!(history[0].reason.as_deref().unwrap_or_default().contains("public"), "{:?}", history[0].reason);
    assert_eq!(db.directory_entry(eu_id).await.unwrap().version, 1, "the same entry: no new version");
    assert_eq!(db.directory_history(eu_id).await.unwrap().len(), 1);
}

fn mail(to: &str, kind: MailKind) -> NewMail {
    NewMail {
        id: uuid::Uuid::now_v7(),
        to: to.into(),
        kind,
        subject: "Your Sightline link".into(),
        sealed: (vec![1, 2, 3], vec![4, 5, 6]),
        expires_at: NOW + Duration::days(7),
    }
}

async fn e_mails_are_queued_with_their_link_and_delivered_once(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let u = user(db, a, "crew@a.example", &[Role::Learner]).await;

    // The e-mail commits with its link, or neither does.
    let email = Email::parse("new@a.example").unwrap();
    let name = PersonName::parse("New Person").unwrap();
    let roles = Roles::of([Role::Learner]);
    let invite = mail("new@a.example", MailKind::Invitation);
    db.create_invitation(a, admin, &email, &name, &roles, &[7; 32], NOW + Duration::days(14), Some(&invite), NOW)
        .await
        .unwrap();
    let taken = Email::parse("crew@a.example").unwrap();
    let refused = mail("crew@a.example", MailKind::Invitation);
    assert!(db.create_invitation(a, admin, &taken, &name, &roles, &[8; 32], NOW, Some(&refused), NOW).await.is_err());
    let reset = mail("crew@a.example", MailKind::Reset);
    db.create_password_reset(a, u, admin, &[9; 32], NOW + Duration::hours(24), Some(&reset), NOW).await.unwrap();
    let rows = roster::parse(b"name,email,role\nAino,aino@a.example,learner\nBo,bo@a.example,learner\n").unwrap();
    let welcome: Vec<WelcomeLink> = ["aino@a.example", "bo@a.example"]
        .iter()
        .enumerate()
        .map(|(i, to)| WelcomeLink {
            token_hash: vec![20 + u8::try_from(i).unwrap(); 32],
            mail: mail(to, MailKind::Welcome),
        })
        .collect();
    let audit = NewAuditEntry::new(AuditAction::RosterImported).actor(admin);
    assert!(db.import_roster(a, &rows, audit.clone(), &welcome[..1], NOW).await.is_err(), "one link per row");
    db.import_roster(a, &rows, audit, &welcome, NOW).await.unwrap();
    let bo = db.user_by_email(&Email::parse("bo@a.example").unwrap()).await.unwrap().unwrap();
    let link = db.open_password_reset(&[21; 32], NOW).await.unwrap().unwrap();
    assert_eq!(link.user.id, bo.id, "Bo's welcome link sets Bo's password");

    let due = db.due_mail(NOW, 10).await.unwrap();
    let to: Vec<&str> = due.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(
        to,
        ["new@a.example", "crew@a.example", "aino@a.example", "bo@a.example"],
        "the refused one is not queued"
    );
    assert!(due.iter().all(|m| m.sealed == (vec![1, 2, 3], vec![4, 5, 6]) && m.attempts == 0));

    // One sender wins each e-mail; a delivered one is done and its body wiped.
    let first = &due[0];
    assert!(db.claim_mail(first.id, NOW, NOW + Duration::minutes(2)).await.unwrap());
    assert!(!db.claim_mail(first.id, NOW, NOW + Duration::minutes(2)).await.unwrap(), "taken");
    db.mail_sent(first.id, NOW).await.unwrap();
    assert!(!db.claim_mail(first.id, NOW + Duration::hours(1), NOW + Duration::hours(2)).await.unwrap(), "done");
    // A failed one comes back at its retry time; a given-up one never does.
    let second = &due[1];
    assert!(db.claim_mail(second.id, NOW, NOW + Duration::minutes(2)).await.unwrap());
    db.mail_failed(second.id, "connection refused", Some(NOW + Duration::minutes(5)), NOW).await.unwrap();
    assert!(!db.due_mail(NOW + Duration::minutes(4), 10).await.unwrap().iter().any(|m| m.id == second.id));
    let again = db.due_mail(NOW + Duration::minutes(5), 10).await.unwrap();
    assert_eq!(again.iter().find(|m| m.id == second.id).unwrap().attempts, 1);
    let third = &due[2];
    db.mail_failed(third.id, "mailbox unavailable", None, NOW).await.unwrap();
    assert!(!db.due_mail(NOW + Duration::days(30), 10).await.unwrap().iter().any(|m| m.id == third.id));

    // Each organisation sees only its own, without bodies.
    let status = db.mail_status(a, 10).await.unwrap();
    assert_eq!(status.len(), 4);
    let of = |to: &str| status.iter().find(|s| s.to == to).unwrap();
    assert!(of("new@a.example").sent_at.is_some());
    assert_eq!(of("crew@a.example").last_error.as_deref(), Some("connection refused"));
    assert!(of("aino@a.example").gave_up_at.is_some());
    assert!(db.mail_status(b, 10).await.unwrap().is_empty());
    assert_eq!(
        testing::execute(db, "UPDATE mail_outbox SET to_addr = to_addr WHERE sealed_body IS NULL").await.unwrap(),
        2,
        "bodies of the sent and the given-up e-mails are wiped"
    );

    // The record of finished e-mails goes after 90 days; waiting ones stay.
    db.purge_expired(NOW + Duration::days(89), NOW).await.unwrap();
    assert_eq!(db.mail_status(a, 10).await.unwrap().len(), 4);
    db.purge_expired(NOW + Duration::days(91), NOW).await.unwrap();
    let mut left: Vec<String> = db.mail_status(a, 10).await.unwrap().into_iter().map(|s| s.to).collect();
    left.sort();
    assert_eq!(left, ["bo@a.example", "crew@a.example"], "the sent and the given-up are gone");
}

async fn certificate_holders_are_reminded_once_before_expiry(db: &Db) {
    let a = org(db, "Airline A").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let issue = async |email: &str, code: &str, at: OffsetDateTime| {
        let uid = match db.user_by_email(&Email::parse(email).unwrap()).await.unwrap() {
            Some(u) => u.id,
            None => user(db, a, email, &[Role::Learner]).await,
        };
        let learner = Learner::User { org: a, user: uid };
        let id = db.create_attempt(&learner, "cabin-crew", "en", "[]", at).await.unwrap();
        let c = NewCertificate { issued_at: at, valid_until: at + Duration::days(365), ..cert(code, id) };
        db.submit_attempt(&learner, id, "[]", 90, true, Some(&c), at).await.unwrap();
    };
    issue("due@a.example", "SL-DUE0-0000-0001", NOW).await;
    issue("later@a.example", "SL-LATE-0000-0001", NOW + Duration::days(60)).await;
    issue("renewed@a.example", "SL-RENE-0000-0001", NOW).await;
    issue("renewed@a.example", "SL-RENE-0000-0002", NOW + Duration::days(300)).await;
    issue("revoked@a.example", "SL-REVO-0000-0001", NOW).await;
    db.revoke_certificate(a, "SL-REVO-0000-0001", admin, "issued in error", NOW).await.unwrap();

    let now = NOW + Duration::days(340);
    let due = db.certificates_due_reminder(now, now + Duration::days(30), 10).await.unwrap();
    let who: Vec<&str> = due.iter().map(|d| d.email.as_str()).collect();
    assert_eq!(who, ["due@a.example"], "not the later, the renewed or the revoked one");
    assert_eq!((due[0].course_id.as_str(), due[0].valid_until), ("cabin-crew", NOW + Duration::days(365)));
    let m = mail("due@a.example", MailKind::Reminder);
    assert!(db.remind_certificate(a, due[0].certificate, &m, now).await.unwrap());
    let again = mail("due@a.example", MailKind::Reminder);
    assert!(!db.remind_certificate(a, due[0].certificate, &again, now).await.unwrap(), "once");
    assert!(db.certificates_due_reminder(now, now + Duration::days(30), 10).await.unwrap().is_empty());
    assert_eq!(db.due_mail(now, 10).await.unwrap().len(), 1, "one e-mail queued with the mark");
    let other = org(db, "Airline B").await;
    let m = mail("x@b.example", MailKind::Reminder);
    assert!(!db.remind_certificate(other, due[0].certificate, &m, now).await.unwrap(), "another organisation's");
    let expired = db.certificates_due_reminder(NOW + Duration::days(366), NOW + Duration::days(400), 10).await.unwrap();
    assert!(!expired.iter().any(|d| d.email == "due@a.example"), "never after expiry");
}

async fn a_contact_takes_the_status_the_domain_rule_gives(db: &Db) {
    use sightline_domain::triage::{CaseStatus, status_after_contact, transition};
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let contact = phone_contact("Hotline", ContactKind::NationalHotline, "H-1");
    // A case handed over keeps its status; the contact is still recorded and versioned.
    let id = reported(db, a, u, 1).await;
    let handed = transition(CaseStatus::Received, CaseStatus::HandedOver, "", None).unwrap();
    let v = db.transition_case(a, id, 0, &handed, analyst, NOW).await.unwrap();
    let v = db.record_contact(a, id, v, &contact, analyst, NOW + Duration::minutes(1)).await.unwrap();
    let c = db.case(a, id).await.unwrap();
    assert_eq!((c.status, c.version), (status_after_contact(CaseStatus::HandedOver), v));
    assert_eq!(c.status, CaseStatus::HandedOver);
    let last = db.case_events(a, id).await.unwrap().pop().unwrap();
    assert_eq!((last.from_status, last.to_status), (Some(CaseStatus::HandedOver), Some(CaseStatus::HandedOver)));
    assert_eq!(last.contact_kind, Some(ContactKind::NationalHotline));
    // From a stale version nothing is written.
    let err = db.record_contact(a, id, v - 1, &contact, analyst, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "version" }), "{err:?}");
    assert_eq!(db.case(a, id).await.unwrap().version, v);
}

async fn stored_values_that_do_not_parse_are_corrupt(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let id = reported(db, a, u, 1).await;
    let contact = phone_contact("Police", ContactKind::Police, "P-1");
    db.record_contact(a, id, 0, &contact, analyst, NOW).await.unwrap();
    // As someone with database access might leave them: values no enum knows.
    testing::execute(db, "UPDATE case_events SET contact_kind = 'carrier_pigeon'").await.unwrap();
    let err = db.case_events(a, id).await.unwrap_err();
    assert!(matches!(&err, StorageError::Corrupt(m) if m.contains("carrier_pigeon")), "{err:?}");
    testing::execute(db, "UPDATE reports SET reporter_role = 'stowaway'").await.unwrap();
    let err = db.case(a, id).await.unwrap_err();
    assert!(matches!(&err, StorageError::Corrupt(m) if m.contains("stowaway")), "{err:?}");
    assert!(matches!(db.queue(a, &QueueFilter::default(), 10).await, Err(StorageError::Corrupt(_))), "never skipped");
}

// ----- public tips (issue 12) ----------------------------------------------------------

fn tip(org: OrgId, lookup: i64) -> NewTip {
    let mut r = report(uuid::Uuid::now_v7(), org, UserId::new(), 3);
    r.origin = "HEL".into();
    r.destination = "HEL".into();
    NewTip { report: r, lookup, receipt_hash: format!("hash-{lookup}"), seen: "2026-11-28 09:30".into() }
}

async fn tips_are_stored_with_their_lookup_and_filed_under_the_tip_line(db: &Db) {
    let a = org(db, "Airport A").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let first = tip(a, 77);
    db.put_tip(&first, NOW).await.unwrap();
    let second = tip(a, 77);
    db.put_tip(&second, NOW).await.unwrap();
    db.put_tip(&tip(a, 78), NOW).await.unwrap();
    // The same id again is a conflict and stores nothing.
    assert!(matches!(db.put_tip(&first, NOW).await, Err(StorageError::Conflict { field: "id" })));
    let found = db.tips_by_lookup(77).await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|k| k.org_id == a));
    assert_eq!(found[0].receipt_hash, "hash-77");
    assert!(db.tips_by_lookup(79).await.unwrap().is_empty());
    // A tip is a case on the desk, marked public, filed under one inactive tip-line account
    // that the organisation's people list does not show.
    let case = db.case(a, first.report.id).await.unwrap();
    assert!(case.public_tip);
    assert_ne!(case.reporter_id, first.report.reporter_id);
    let other = db.case(a, second.report.id).await.unwrap();
    assert_eq!(case.reporter_id, other.reporter_id);
    let people = db.list_users(a).await.unwrap();
    assert_eq!(people.iter().map(|p| p.id).collect::<Vec<_>>(), [admin]);
    let queue = db.queue(a, &QueueFilter::default(), 50).await.unwrap();
    assert_eq!(queue.iter().filter(|c| c.public_tip).count(), 3);
    assert_eq!(db.tip_seen(a, first.report.id).await.unwrap().as_deref(), Some("2026-11-28 09:30"));
    // The audit entries of a tip have no actor and no address.
    let page = db.audit_for_org(a, 50).await.unwrap();
    let tips: Vec<_> = page.entries.iter().filter(|e| e.action == "tip.received").collect();
    assert_eq!(tips.len(), 3);
    assert!(tips.iter().all(|e| e.actor.is_none() && e.ip.is_none()));
}

/// A message `n` on tip `t`'s thread in `org`: from the desk (`analyst`) or from the
/// tipster.
fn tip_message(org: OrgId, t: &NewTip, from_desk: bool, analyst: UserId, n: u8) -> NewTipMessage {
    NewTipMessage {
        id: uuid::Uuid::now_v7(),
        org_id: org,
        report_id: t.report.id,
        from_desk,
        actor_id: from_desk.then_some(analyst),
        sealed: vec![n; 40],
        wrapped_key: vec![n; 72],
    }
}

async fn tip_threads_stay_in_their_organisation_and_are_audited(db: &Db) {
    let a = org(db, "Airport A").await;
    let b = org(db, "Airport B").await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let t = tip(a, 5);
    db.put_tip(&t, NOW).await.unwrap();
    let msg = |org: OrgId, from_desk: bool, n: u8| tip_message(org, &t, from_desk, analyst, n);
    db.add_tip_message(&msg(a, true, 1), NOW).await.unwrap();
    db.add_tip_message(&msg(a, false, 2), NOW + Duration::seconds(1)).await.unwrap();
    // Another organisation cannot write to or read this thread.
    assert!(matches!(db.add_tip_message(&msg(b, true, 3), NOW).await, Err(StorageError::NotFound)));
    assert!(db.tip_messages(b, t.report.id).await.unwrap().is_empty());
    let thread = db.tip_messages(a, t.report.id).await.unwrap();
    assert_eq!(thread.iter().map(|m| (m.from_desk, m.sealed.0[0])).collect::<Vec<_>>(), [(true, 1), (false, 2)]);
    assert_eq!(thread[0].actor_id, Some(analyst));
    assert_eq!(thread[1].actor_id, None);
    // A crew report is no tip: no thread.
    let crew = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let r = report(uuid::Uuid::now_v7(), a, crew, 4);
    db.put_report(&r, NOW).await.unwrap();
    let not_tip = NewTipMessage { report_id: r.id, ..msg(a, true, 4) };
    assert!(matches!(db.add_tip_message(&not_tip, NOW).await, Err(StorageError::NotFound)));
    let page = db.audit_for_org(a, 50).await.unwrap();
    let replied = page.entries.iter().filter(|e| e.action == "tip.replied").count();
    let answered: Vec<_> = page.entries.iter().filter(|e| e.action == "tip.message_received").collect();
    assert_eq!((replied, answered.len()), (1, 1));
    assert!(answered[0].actor.is_none() && answered[0].ip.is_none());
}

async fn airports_are_covered_by_one_organisation_and_route_tips(db: &Db) {
    let a = org(db, "Airport A").await;
    let b = org(db, "Airport B").await;
    let audit = NewAuditEntry::new(AuditAction::OrgAirportsChanged);
    db.set_org_airports(a, &["HEL".into(), "TLL".into()], &audit, NOW).await.unwrap();
    assert_eq!(db.org_airports(a).await.unwrap(), ["HEL", "TLL"]);
    assert_eq!(db.covering_org("HEL").await.unwrap(), Some(a));
    assert_eq!(db.covering_org("JFK").await.unwrap(), None);
    // B cannot take an airport A covers; nothing of B's list is kept.
    let taken = db.set_org_airports(b, &["JFK".into(), "HEL".into()], &audit, NOW).await;
    assert!(matches!(taken, Err(StorageError::Conflict { field: "airports" })));
    assert!(db.org_airports(b).await.unwrap().is_empty());
    assert_eq!(db.covering_org("JFK").await.unwrap(), None);
    // Replacing the list drops what is no longer there.
    db.set_org_airports(a, &["TLL".into()], &audit, NOW).await.unwrap();
    db.set_org_airports(b, &["HEL".into()], &audit, NOW).await.unwrap();
    assert_eq!(db.covering_org("HEL").await.unwrap(), Some(b));
    assert_eq!(db.org_airports(a).await.unwrap(), ["TLL"]);
}

async fn the_public_desk_is_made_once(db: &Db) {
    let a = org(db, "Airport A").await;
    assert!(!db.is_public_desk(a).await.unwrap());
    let desk = db.public_desk(NOW).await.unwrap();
    assert_eq!(db.public_desk(NOW).await.unwrap(), desk);
    assert!(db.is_public_desk(desk).await.unwrap());
    assert_eq!(db.get_org(desk).await.unwrap().name, sightline_storage::PUBLIC_DESK_NAME);
    let made = db.audit_for_org(desk, 10).await.unwrap();
    assert_eq!(made.entries.iter().filter(|e| e.action == "org.created").count(), 1);
}

async fn ngo(db: &Db, name: &str) -> OrgId {
    db.create_org(&OrgName::parse(name).unwrap(), OrgKind::Ngo, NewAuditEntry::new(AuditAction::OrgCreated), NOW)
        .await
        .unwrap()
}

/// A referral of report `report_id` to the organisation `to` (an NGO, "Demo NGO").
fn new_referral(report_id: uuid::Uuid, to: OrgId) -> sightline_storage::NewReferral {
    testing::ngo_referral(report_id, to, "Demo NGO")
}

/// Both sides of a referral: an airline (`a`) with a crew member and a desk analyst,
/// and an NGO (`n`) with a caseworker holding `worker_roles`.
struct Referring {
    a: OrgId,
    n: OrgId,
    crew: UserId,
    desk: UserId,
    worker: UserId,
}

async fn referring(db: &Db, worker_roles: &[Role]) -> Referring {
    let a = org(db, "Airline A").await;
    let n = ngo(db, "Demo NGO").await;
    let crew = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let desk = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let worker = user(db, n, "cw@ngo.example", worker_roles).await;
    Referring { a, n, crew, desk, worker }
}

async fn referrals_are_read_only_by_their_two_organisations_and_hand_the_case_over(db: &Db) {
    use sightline_domain::referral::{ReferralStatus, Support};
    use sightline_storage::{NewReferralMessage, ReferralStep};
    let Referring { a, n, crew, desk, worker } = referring(db, &[Role::Caseworker]).await;
    let b = org(db, "Airline B").await;
    let id = reported(db, a, crew, 1).await;
    let made = NewAuditEntry::new(AuditAction::ReferralMade).org(a).actor(desk);
    let r = new_referral(id, n);
    // Another organisation cannot refer this organisation's case.
    assert!(matches!(db.create_referral(b, &r, desk, &made, NOW).await, Err(StorageError::NotFound)));
    db.create_referral(a, &r, desk, &made, NOW).await.unwrap();

    // Both sides read it; a third organisation does not even learn it exists.
    let mine = db.referral(a, r.id).await.unwrap();
    assert_eq!((mine.status, mine.org_id, mine.case_reference.as_str()), (ReferralStatus::Sent, a, "REF1"));
    assert_eq!(db.referral(n, r.id).await.unwrap(), mine);
    assert!(matches!(db.referral(b, r.id).await, Err(StorageError::NotFound)));
    assert!(matches!(db.referral_sealed(b, r.id).await, Err(StorageError::NotFound)));
    assert_eq!(db.referral_sealed(n, r.id).await.unwrap(), (vec![7; 40], vec![8; 72]));
    assert_eq!(db.referral_inbox(n, 10).await.unwrap().len(), 1);
    assert!(db.referral_inbox(a, 10).await.unwrap().is_empty(), "the referring desk has no inbox entry");
    assert_eq!(db.case_referrals(a, id).await.unwrap().len(), 1);
    assert!(db.case_referrals(b, id).await.unwrap().is_empty());
    assert_eq!(
        db.owner_of(sightline_storage::Owned::Referral(r.id)).await.unwrap(),
        Some(a),
        "the referring organisation owns it"
    );

    // The partner's steps: the referring desk cannot take them; versions guard them.
    let audit = NewAuditEntry::new(AuditAction::ReferralUpdated).org(n).actor(worker);
    let ack = testing::referral_step(ReferralStatus::Acknowledged, "acknowledged", worker);
    assert!(matches!(db.referral_step(a, r.id, 1, &ack, &audit, NOW).await, Err(StorageError::NotFound)));
    let v2 = db.referral_step(n, r.id, 1, &ack, &audit, NOW + Duration::minutes(1)).await.unwrap();
    assert!(matches!(
        db.referral_step(n, r.id, 1, &ack, &audit, NOW).await,
        Err(StorageError::Conflict { field: "version" })
    ));
    let accept =
        ReferralStep { hand_over: true, ..testing::referral_step(ReferralStatus::Accepted, "accepted", worker) };
    let v3 = db.referral_step(n, r.id, v2, &accept, &audit, NOW + Duration::minutes(2)).await.unwrap();
    let support = [Support::Shelter, Support::Medical];
    let record = ReferralStep {
        support: Some(&support),
        ..testing::referral_step(ReferralStatus::Accepted, "support: shelter medical", worker)
    };
    db.referral_step(n, r.id, v3, &record, &audit, NOW + Duration::minutes(3)).await.unwrap();
    let got = db.referral(a, r.id).await.unwrap();
    assert_eq!((got.status, got.support.as_slice(), got.version), (ReferralStatus::Accepted, &support[..], 4));
    assert_eq!(got.acknowledged_at, Some(NOW + Duration::minutes(1)));
    assert_eq!(got.decided_at, Some(NOW + Duration::minutes(2)));

    // The case was handed over, and its history says so; the reporter sees it.
    let c = db.case(a, id).await.unwrap();
    assert_eq!((c.status.as_str(), c.version), ("handed_over", 1));
    let kinds: Vec<&str> = db.case_events(a, id).await.unwrap().into_iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["referral", "referral_update", "referral_update", "transition", "referral_update"]);
    assert_eq!(db.reports_of(a, crew, 5).await.unwrap()[0].status.as_str(), "handed_over");

    // The thread: both sides write and read; a third organisation does neither.
    let said = NewAuditEntry::new(AuditAction::ReferralMessage).org(n).actor(worker);
    let m = NewReferralMessage {
        id: uuid::Uuid::now_v7(),
        from_partner: true,
        actor_id: worker,
        sealed: (vec![1], vec![2]),
    };
    db.add_referral_message(n, r.id, &m, &said, NOW).await.unwrap();
    let m2 = NewReferralMessage {
        id: uuid::Uuid::now_v7(),
        from_partner: false,
        actor_id: desk,
        sealed: (vec![3], vec![4]),
    };
    db.add_referral_message(a, r.id, &m2, &said, NOW + Duration::seconds(1)).await.unwrap();
    assert!(matches!(db.add_referral_message(b, r.id, &m2, &said, NOW).await, Err(StorageError::NotFound)));
    let thread = db.referral_messages(n, r.id).await.unwrap();
    assert_eq!(thread.iter().map(|m| m.from_partner).collect::<Vec<_>>(), [true, false]);
    assert!(matches!(db.referral_messages(b, r.id).await, Err(StorageError::NotFound)));
    let actions: Vec<String> = db.audit_for_org(n, 20).await.unwrap().entries.into_iter().map(|e| e.action).collect();
    assert!(actions.iter().any(|x| x == "referral.updated") && actions.iter().any(|x| x == "referral.message"));
}

async fn an_overdue_referral_is_claimed_once(db: &Db) {
    let a = org(db, "Airline A").await;
    let n = ngo(db, "Demo NGO").await;
    // The partners a desk may choose: the kinds asked for, never the one left out.
    let partners = [OrgKind::Ngo, OrgKind::Authority];
    let names = |v: Vec<sightline_storage::Organisation>| v.into_iter().map(|o| o.id).collect::<Vec<_>>();
    assert_eq!(names(db.orgs_of_kinds(&partners, a).await.unwrap()), [n]);
    assert!(db.orgs_of_kinds(&partners, n).await.unwrap().is_empty());
    assert!(db.orgs_of_kinds(&[], a).await.unwrap().is_empty());
    let crew = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let desk = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let made = NewAuditEntry::new(AuditAction::ReferralMade).org(a).actor(desk);
    let mut ids = Vec::new();
    for i in 0..3u8 {
        let id = reported(db, a, crew, i + 1).await;
        let r = new_referral(id, n);
        db.create_referral(a, &r, desk, &made, NOW + Duration::minutes(i64::from(i))).await.unwrap();
        ids.push(r.id);
    }
    // Only those made before the cut-off, oldest first, bounded by the limit.
    let due = db.overdue_referrals(NOW + Duration::seconds(90), 10).await.unwrap();
    assert_eq!(due.iter().map(|r| r.id).collect::<Vec<_>>(), ids[..2]);
    assert_eq!(db.overdue_referrals(NOW + Duration::hours(1), 1).await.unwrap().len(), 1);
    // Two claimers at once: exactly one wins each referral.
    let audit = NewAuditEntry::new(AuditAction::ReferralOverdue).org(a);
    let first = db.referral(a, ids[0]).await.unwrap();
    assert!(db.waiting_referrals(a).await.unwrap().is_empty());
    let later = NOW + Duration::hours(1);
    let (x, y) = tokio::join!(
        db.claim_overdue_referral(&first, "not acknowledged", &audit, later),
        db.claim_overdue_referral(&first, "not acknowledged", &audit, later)
    );
    assert_eq!(u8::from(x.unwrap()) + u8::from(y.unwrap()), 1);
    let due = db.overdue_referrals(later, 10).await.unwrap();
    assert_eq!(due.iter().map(|r| r.id).collect::<Vec<_>>(), ids[1..]);
    // The desk sees it waiting, and its case says so once, with no actor.
    let waiting = db.waiting_referrals(a).await.unwrap();
    assert_eq!(waiting.iter().map(|r| (r.id, r.overdue_at)).collect::<Vec<_>>(), [(ids[0], Some(later))]);
    assert!(db.waiting_referrals(n).await.unwrap().is_empty(), "only the referring organisation's");
    let events = db.case_events(a, first.report_id).await.unwrap();
    let told: Vec<_> = events.iter().filter(|e| e.reason.as_deref() == Some("not acknowledged")).collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].actor_id, None);
    // Acknowledged, it waits no more.
    let cw = user(db, n, "cw@ngo.example", &[Role::Caseworker]).await;
    let step = testing::referral_step(
        sightline_domain::referral::ReferralStatus::Acknowledged,
        "Partner acknowledged the referral",
        cw,
    );
    let ack = NewAuditEntry::new(AuditAction::ReferralUpdated).org(n).actor(cw);
    db.referral_step(n, ids[0], first.version, &step, &ack, later).await.unwrap();
    assert!(db.waiting_referrals(a).await.unwrap().is_empty());
}

async fn statistics_are_counted_with_the_writes_and_rebuilt_alike(db: &Db) {
    use sightline_domain::learn::Audience;
    use sightline_domain::triage::{CaseStatus, transition};
    use sightline_storage::{ReportCount, SignCount, StatsScope, TrainingCount};
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter, Role::Learner]).await;
    let ub = user(db, b, "crew@b.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let month = 202611;
    let range = (202601, 202612);

    // Reports: a batch of two, one alone with two signs on another route, a replay and
    // a conflict (neither counted), another organisation's, and a tip.
    let (r1, r2, r3) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    db.put_reports(&[report(r1, a, u, 1), report(r2, a, u, 2)], NOW).await.unwrap();
    let mut third = report(r3, a, u, 3);
    third.route_region = "europe>europe".into();
    third.indicators = "DOC-HELD-BY-OTHER SCRIPTED-STORY".into();
    db.put_report(&third, NOW).await.unwrap();
    db.put_report(&report(r1, a, u, 1), NOW).await.unwrap();
    assert!(db.put_report(&report(r1, a, u, 9), NOW).await.is_err());
    reported(db, b, ub, 1).await;
    let mut t = tip(a, 5);
    t.report.route_region = "unknown".into();
    t.report.indicators = String::new();
    db.put_tip(&t, NOW).await.unwrap();

    // Escalations: r1 by a transition, r3 by a contact; a second contact on r3 and a
    // stale (refused) escalation of r2 count nothing.
    let esc = transition(CaseStatus::Received, CaseStatus::Escalated, "", None).unwrap();
    db.transition_case(a, r1, 0, &esc, analyst, NOW).await.unwrap();
    assert!(db.transition_case(a, r2, 7, &esc, analyst, NOW).await.is_err());
    let contact = phone_contact("Police", ContactKind::Police, "P-1");
    let v = db.record_contact(a, r3, 0, &contact, analyst, NOW).await.unwrap();
    db.record_contact(a, r3, v, &contact, analyst, NOW).await.unwrap();

    // Certificates: two in A by a cabin-crew member (one revoked later), one public.
    db.set_position(a, u, Some(Audience::CabinCrew)).await.unwrap();
    let learner = Learner::User { org: a, user: u };
    for code in ["SL-STAT-AAAA-0001", "SL-STAT-AAAA-0002"] {
        let id = db.create_attempt(&learner, "cabin-crew", "en", "[]", NOW).await.unwrap();
        db.submit_attempt(&learner, id, "[]", 90, true, Some(&cert(code, id)), NOW).await.unwrap();
    }
    db.revoke_certificate(a, "SL-STAT-AAAA-0002", admin, "issued in error", NOW).await.unwrap();
    let anon = Learner::Anonymous { hash: vec![7; 32] };
    let id = db.create_attempt(&anon, "public", "en", "[]", NOW).await.unwrap();
    db.submit_attempt(&anon, id, "[]", 100, true, None, NOW).await.unwrap();
    let mut public = cert("SL-STAT-PUBL-0001", id);
    public.course_id = "public".into();
    db.issue_public_certificate(&anon, &public).await.unwrap();

    let sorted = |mut s: sightline_storage::StatsRows| {
        s.training.sort_by(|x, y| (&x.course_id, &x.role).cmp(&(&y.course_id, &y.role)));
        s.reports.sort_by(|x, y| x.route_region.cmp(&y.route_region));
        s.signs.sort_by(|x, y| x.sign.cmp(&y.sign));
        s
    };
    let rc = |route: &str, reports, escalated| ReportCount { month, route_region: route.into(), reports, escalated };
    let sc = |sign: &str, reports, escalated| SignCount { month, sign: sign.into(), reports, escalated };
    let tc =
        |course: &str, role: &str, people| TrainingCount { month, course_id: course.into(), role: role.into(), people };

    let of_a = sorted(db.statistics(StatsScope::Org(a), range.0, range.1).await.unwrap());
    assert_eq!(of_a.reports, vec![rc("europe>europe", 1, 1), rc("europe>northern_america", 2, 1), rc("unknown", 1, 0)]);
    assert_eq!(of_a.signs, vec![sc("DOC-HELD-BY-OTHER", 3, 2), sc("SCRIPTED-STORY", 1, 1)]);
    assert_eq!(of_a.training, vec![tc("cabin-crew", "cabin_crew", 1)], "the revoked one is not counted");
    assert!(of_a.referrals.is_empty());

    let of_b = sorted(db.statistics(StatsScope::Org(b), range.0, range.1).await.unwrap());
    assert_eq!(of_b.reports, vec![rc("europe>northern_america", 1, 0)]);
    assert!(of_b.training.is_empty());

    let all = sorted(db.statistics(StatsScope::Platform, range.0, range.1).await.unwrap());
    assert_eq!(all.reports, vec![rc("europe>europe", 1, 1), rc("europe>northern_america", 3, 1), rc("unknown", 1, 0)]);
    assert_eq!(all.training, vec![tc("cabin-crew", "cabin_crew", 1), tc("public", "public", 1)]);
    assert!(db.statistics(StatsScope::Platform, 202612, 202712).await.unwrap().reports.is_empty(), "months outside");

    // A rebuild from the rows gives the same counts (and works the route regions out
    // again from the airports).
    assert!(!db.statistics_built().await.unwrap());
    let route_of = |o: &str, d: &str| match (o, d) {
        ("HEL", "JFK") => "europe>northern_america".to_owned(),
        ("HEL", "HEL") => "europe>europe".to_owned(),
        _ => "unknown".to_owned(),
    };
    assert_eq!(db.rebuild_statistics(&route_of).await.unwrap(), 5);
    assert!(db.statistics_built().await.unwrap());
    let rebuilt = sorted(db.statistics(StatsScope::Platform, range.0, range.1).await.unwrap());
    // The tip (HEL–HEL) and the third report (HEL–JFK) get the region their airports give.
    assert_eq!(rebuilt.reports, vec![rc("europe>europe", 1, 0), rc("europe>northern_america", 4, 2)]);
    assert_eq!(rebuilt.signs, all.signs);
    assert_eq!(rebuilt.training, all.training);
}

fn partner_profile(slug: &str, published: bool) -> sightline_domain::partner::Profile {
    use sightline_domain::partner::{Profile, ProfileDraft};
    Profile::parse(&ProfileDraft {
        slug: slug.into(),
        about: "We run a shelter. Demo data.".into(),
        services: vec!["shelter".into(), "hotline".into()],
        phone: "+358 40 123 4567".into(),
        website: "https://demo-ngo.example/".into(),
        email: String::new(),
        donation_url: "https://donate.demo-ngo.example/".into(),
        published,
    })
    .unwrap()
}

async fn partner_pages_belong_to_their_organisation_and_slugs_are_unique(db: &Db) {
    let n1 = ngo(db, "Demo NGO").await;
    let n2 = ngo(db, "Other NGO").await;
    let u1 = user(db, n1, "admin@n1.example", &[Role::OrgAdmin]).await;
    let u2 = user(db, n2, "admin@n2.example", &[Role::OrgAdmin]).await;
    let audit = |org: OrgId, actor: UserId| NewAuditEntry::new(AuditAction::PartnerPageChanged).org(org).actor(actor);

    // A draft is the organisation's own and is not public.
    assert!(db.partner_page(n1).await.unwrap().is_none());
    let v1 = db.put_partner_page(n1, &partner_profile("demo-ngo", false), 0, u1, &audit(n1, u1), NOW).await.unwrap();
    assert_eq!(v1, 1);
    let page = db.partner_page(n1).await.unwrap().unwrap();
    assert_eq!((page.org_name.as_str(), page.profile.slug.as_str(), page.version), ("Demo NGO", "demo-ngo", 1));
    assert!(db.partner_page(n2).await.unwrap().is_none(), "another organisation sees no page of its own");
    assert!(matches!(db.published_partner("demo-ngo").await, Err(StorageError::NotFound)), "not published");
    assert!(db.published_partners().await.unwrap().is_empty());

    // Another organisation cannot take the address, nor write this organisation's
    // page: every write names its own organisation (a version it never had is a conflict).
    assert!(matches!(
        db.put_partner_page(n2, &partner_profile("demo-ngo", true), 0, u2, &audit(n2, u2), NOW).await,
        Err(StorageError::Conflict { field: "slug" })
    ));
    assert!(matches!(
        db.put_partner_page(n2, &partner_profile("taken-over", true), 1, u2, &audit(n2, u2), NOW).await,
        Err(StorageError::Conflict { field: "version" })
    ));
    assert!(db.partner_page(n2).await.unwrap().is_none());
    assert_eq!(db.partner_page(n1).await.unwrap().unwrap(), page, "unchanged");

    // Published, it is public; a stale version changes nothing.
    let v2 = db.put_partner_page(n1, &partner_profile("demo-ngo", true), v1, u1, &audit(n1, u1), NOW).await.unwrap();
    assert!(matches!(
        db.put_partner_page(n1, &partner_profile("stale", true), v1, u1, &audit(n1, u1), NOW).await,
        Err(StorageError::Conflict { field: "version" })
    ));
    let public = db.published_partner("demo-ngo").await.unwrap();
    assert_eq!((public.org_id, public.version, public.profile.published), (n1, v2, true));
    assert_eq!(public.profile.donation_url.unwrap().as_str(), "https://donate.demo-ngo.example/");
    db.put_partner_page(n2, &partner_profile("other-ngo", false), 0, u2, &audit(n2, u2), NOW).await.unwrap();
    let listed: Vec<String> = db.published_partners().await.unwrap().into_iter().map(|p| p.org_name).collect();
    assert_eq!(listed, ["Demo NGO"], "only published pages are listed");

    // Every change is audited in its organisation; the refused ones wrote nothing.
    let actions = |org| async move {
        db.audit_for_org(org, 50)
            .await
            .unwrap()
            .entries
            .into_iter()
            .filter(|e| e.action == "org.partner_page_changed")
            .count()
    };
    assert_eq!(actions(n1).await, 2);
    assert_eq!(actions(n2).await, 1);
}

async fn partner_pages_refuse_what_the_rules_refuse_at_the_database_too(db: &Db) {
    let n = ngo(db, "Demo NGO").await;
    let id = n.as_uuid().simple().to_string();
    // The organisation's id as each engine writes a UUID literal.
    let org = match db.engine() {
        sightline_storage::Engine::Sqlite => format!("X'{id}'"),
        sightline_storage::Engine::Postgres => format!("'{id}'"),
    };
    let insert = |slug: &str, column: &str, value: &str| {
        format!(
            "INSERT INTO partner_profiles (org_id, slug, about, {column}, updated_at) VALUES ({org}, '{slug}', 'About', {value}, 1)"
        )
    };
    for (slug, column, value) in [
        ("ok-slug", "donation_url", "'http://donate.example/'"),
        ("ok-slug", "donation_url", "'javascript:alert(1)'"),
        ("ok-slug", "website", "'ftp://x.example'"),
        ("ok-slug", "phone", "'0401234567'"),
        ("ok-slug", "services", "'Shelter;'"),
        ("Bad Slug", "services", "''"),
        ("-dash", "services", "''"),
        ("ab", "services", "''"),
    ] {
        assert!(testing::execute(db, &insert(slug, column, value)).await.is_err(), "{slug} {column} {value}");
    }
    testing::execute(db, &insert("ok-slug", "donation_url", "'https://donate.example/'")).await.unwrap();
    assert!(db.partner_page(n).await.unwrap().is_some());
}

async fn partner_figures_and_referral_statistics_count_the_referrals(db: &Db) {
    use sightline_domain::referral::{ReferralStatus, Support};
    use sightline_storage::{ReferralCount, ReferralStep, StatsScope};
    let Referring { a, n, crew, desk, worker } = referring(db, &[Role::Caseworker, Role::Learner]).await;
    let other = ngo(db, "Other NGO").await;
    let made = NewAuditEntry::new(AuditAction::ReferralMade).org(a).actor(desk);
    let audit = NewAuditEntry::new(AuditAction::ReferralUpdated).org(n).actor(worker);
    let step = |to, support: Option<&'static [Support]>| ReferralStep {
        support,
        ..testing::referral_step(to, "step", worker)
    };
    // Five referrals to the NGO: one waiting, one declined, one accepted, one with
    // shelter recorded, one where the person declined support; one to another NGO.
    let mut ids = Vec::new();
    for i in 0..6u8 {
        let report_id = reported(db, a, crew, i + 1).await;
        let r = new_referral(report_id, if i == 5 { other } else { n });
        db.create_referral(a, &r, desk, &made, NOW).await.unwrap();
        ids.push(r.id);
    }
    db.referral_step(n, ids[1], 1, &step(ReferralStatus::Declined, None), &audit, NOW).await.unwrap();
    db.referral_step(n, ids[2], 1, &step(ReferralStatus::Accepted, None), &audit, NOW).await.unwrap();
    for (id, support) in [(ids[3], &[Support::Shelter][..]), (ids[4], &[Support::DeclinedByPerson][..])] {
        let v = db.referral_step(n, id, 1, &step(ReferralStatus::Accepted, None), &audit, NOW).await.unwrap();
        db.referral_step(n, id, v, &step(ReferralStatus::Accepted, Some(support)), &audit, NOW).await.unwrap();
    }
    // One certificate of the NGO's worker.
    let learner = Learner::User { org: n, user: worker };
    let attempt = db.create_attempt(&learner, "cabin-crew", "en", "[]", NOW).await.unwrap();
    db.submit_attempt(&learner, attempt, "[]", 90, true, Some(&cert("SL-PART-AAAA-0001", attempt)), NOW).await.unwrap();

    let c = db.partner_counts(n).await.unwrap();
    assert_eq!((c.trained, c.referrals, c.supported), (1, 5, 1), "declined by the person is not support");
    assert_eq!(db.partner_counts(other).await.unwrap().referrals, 1);
    assert_eq!(db.partner_counts(a).await.unwrap(), sightline_storage::PartnerCounts::default());

    let rc = |outcome: &str, referrals| ReferralCount {
        month: 202611,
        recipient_kind: "ngo".into(),
        outcome: outcome.into(),
        referrals,
    };
    let mut all = db.statistics(StatsScope::Platform, 202601, 202612).await.unwrap().referrals;
    all.sort_by(|x, y| x.outcome.cmp(&y.outcome));
    assert_eq!(all, vec![rc("accepted", 2), rc("declined", 1), rc("supported", 1), rc("waiting", 2)]);
    let total = |rows: Vec<ReferralCount>| rows.iter().map(|r| r.referrals).sum::<i64>();
    assert_eq!(total(db.statistics(StatsScope::Org(a), 202601, 202612).await.unwrap().referrals), 6, "made");
    assert_eq!(total(db.statistics(StatsScope::Org(n), 202601, 202612).await.unwrap().referrals), 5, "received");
    assert_eq!(total(db.statistics(StatsScope::Org(other), 202601, 202612).await.unwrap().referrals), 1);
    assert!(db.statistics(StatsScope::Platform, 202612, 202712).await.unwrap().referrals.is_empty(), "months outside");
    assert_eq!(total(db.statistics(StatsScope::Platform, 202611, 202611).await.unwrap().referrals), 6, "one month");
}

async fn referral_webhooks_go_through_an_outbox_with_a_lease_and_a_dead_letter_list(db: &Db) {
    use sightline_domain::delivery::{HookEvent, MAX_ATTEMPTS, retry_after};
    use sightline_storage::{DeliveryCounts, NewReferralMessage, Recipient};
    let Referring { a, n, crew, desk, worker } = referring(db, &[Role::Caseworker]).await;
    let quiet = ngo(db, "Quiet NGO").await;
    let case = reported(db, a, crew, 1).await;
    let setup = NewAuditEntry::new(AuditAction::ReferralWebhookConfigured).org(n);
    let hook = AlertChange::ReferralWebhook { url: "https://cms.ngo.example/in", sealed_secret: "sealed:v1:x.y" };
    db.configure_alerts(n, hook, &setup, NOW).await.unwrap();
    assert_eq!(db.referral_webhook(n).await.unwrap().as_deref(), Some("https://cms.ngo.example/in"));
    assert_eq!(db.referral_webhook(quiet).await.unwrap(), None);
    assert_eq!(db.alert_settings(n).await.unwrap(), (None, None), "not the desk-alert webhook");

    // A referral to the partner with a webhook enqueues one delivery with it (same
    // transaction); one to a partner without a webhook enqueues none.
    let made = NewAuditEntry::new(AuditAction::ReferralMade).org(a).actor(desk);
    let r = new_referral(case, n);
    db.create_referral(a, &r, desk, &made, NOW).await.unwrap();
    db.create_referral(a, &new_referral(case, quiet), desk, &made, NOW).await.unwrap();
    let due = db.due_referral_deliveries(NOW, 100).await.unwrap();
    assert_eq!(due.len(), 1);
    let d = due[0].clone();
    assert_eq!((d.org_id, d.referral_id, d.event, d.attempts), (n, r.id, HookEvent::ReferralCreated, 0));
    assert_eq!((d.url.as_str(), d.sealed_secret.as_str()), ("https://cms.ngo.example/in", "sealed:v1:x.y"));
    assert_eq!(r.recipient, Recipient::Org(n));
    // The desk's message is announced; the partner's own is not.
    let said = NewAuditEntry::new(AuditAction::ReferralMessage).org(a).actor(desk);
    let m = |from_partner, actor| NewReferralMessage {
        id: uuid::Uuid::now_v7(),
        from_partner,
        actor_id: actor,
        sealed: (vec![1], vec![2]),
    };
    db.add_referral_message(a, r.id, &m(false, desk), &said, NOW).await.unwrap();
    db.add_referral_message(n, r.id, &m(true, worker), &said, NOW).await.unwrap();
    let due = db.due_referral_deliveries(NOW, 100).await.unwrap();
    assert_eq!(
        due.iter().map(|d| d.event).collect::<Vec<_>>(),
        [HookEvent::ReferralCreated, HookEvent::ReferralMessage]
    );
    assert_eq!(db.referral_delivery_counts(n).await.unwrap(), DeliveryCounts { pending: 2, sent: 0, dead: 0 });

    // Racing senders (spawned, as on several nodes): exactly one wins the lease.
    let lease = NOW + Duration::minutes(2);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move { db.claim_referral_delivery(d.id, NOW, lease).await.unwrap() }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        winners.extend(t.await.unwrap());
    }
    assert_eq!(winners, [1], "one lease, attempt 1");
    // Leased: not due, not claimable, until the lease ends; then the next sender takes it.
    assert!(!db.due_referral_deliveries(NOW, 100).await.unwrap().iter().any(|x| x.id == d.id));
    assert_eq!(db.claim_referral_delivery(d.id, lease - Duration::seconds(1), lease).await.unwrap(), None);
    let after = lease + Duration::seconds(1);
    let again = db.due_referral_deliveries(after, 100).await.unwrap();
    assert_eq!(again.iter().find(|x| x.id == d.id).map(|x| x.attempts), Some(1), "the same delivery, due again");
    assert_eq!(db.claim_referral_delivery(d.id, after, after + Duration::minutes(2)).await.unwrap(), Some(2));
    // The first sender's late failure changes nothing: attempt 2 holds the lease.
    db.referral_delivery_failed(d.id, 1, "late", Some(after), after).await.unwrap();
    assert!(!db.due_referral_deliveries(after, 100).await.unwrap().iter().any(|x| x.id == d.id));

    // Failures back off, and the last one gives it up to the dead-letter list.
    let mut at = after;
    let mut attempt = 2;
    loop {
        let retry = retry_after(attempt).map(|w| at + w);
        db.referral_delivery_failed(d.id, attempt, &format!("HTTP 50{attempt}"), retry, at).await.unwrap();
        let Some(next) = retry else { break };
        assert!(
            !db.due_referral_deliveries(next - Duration::seconds(1), 100).await.unwrap().iter().any(|x| x.id == d.id)
        );
        at = next;
        attempt = db.claim_referral_delivery(d.id, at, at + Duration::minutes(2)).await.unwrap().unwrap();
    }
    assert_eq!(attempt, MAX_ATTEMPTS);
    let far = at + Duration::days(30);
    assert!(!db.due_referral_deliveries(far, 100).await.unwrap().iter().any(|x| x.id == d.id), "dead: not sent");
    assert_eq!(db.claim_referral_delivery(d.id, far, far + Duration::minutes(2)).await.unwrap(), None);
    let dead = db.referral_dead_letters(n).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].id, dead[0].referral_id, dead[0].case_reference.as_str()), (d.id, r.id, "REF1"));
    assert_eq!((dead[0].attempts, dead[0].dead_at, dead[0].last_error.as_deref()), (8, at, Some("HTTP 508")));
    assert!(db.referral_dead_letters(quiet).await.unwrap().is_empty(), "each organisation sees its own");
    assert_eq!(db.referral_delivery_counts(n).await.unwrap(), DeliveryCounts { pending: 1, sent: 0, dead: 1 });

    // Sending again: only the organisation's own dead letter, audited; a fresh count of
    // attempts, the same id, due at once.
    let retried = NewAuditEntry::new(AuditAction::ReferralDeliveryRetried).org(quiet);
    assert!(matches!(db.retry_referral_delivery(quiet, d.id, &retried, far).await, Err(StorageError::NotFound)));
    let retried = NewAuditEntry::new(AuditAction::ReferralDeliveryRetried).org(n).target("referral_delivery", d.id);
    db.retry_referral_delivery(n, d.id, &retried, far).await.unwrap();
    assert!(matches!(db.retry_referral_delivery(n, d.id, &retried, far).await, Err(StorageError::NotFound)));
    let due = db.due_referral_deliveries(far, 100).await.unwrap();
    assert_eq!(due.iter().find(|x| x.id == d.id).map(|x| x.attempts), Some(0));
    assert!(db.referral_dead_letters(n).await.unwrap().is_empty());
    let trail = db.audit_for_org(n, 20).await.unwrap().entries;
    assert_eq!(trail.iter().filter(|e| e.action == "referral.delivery_retried").count(), 1, "the refused one is not");
    // Delivered: never due or claimable again.
    assert_eq!(db.claim_referral_delivery(d.id, far, far + Duration::minutes(2)).await.unwrap(), Some(1));
    db.referral_delivery_sent(d.id, far).await.unwrap();
    let later = far + Duration::days(1);
    assert!(!db.due_referral_deliveries(later, 100).await.unwrap().iter().any(|x| x.id == d.id));
    assert_eq!(db.claim_referral_delivery(d.id, later, later + Duration::minutes(2)).await.unwrap(), None);
    assert_eq!(db.referral_delivery_counts(n).await.unwrap(), DeliveryCounts { pending: 1, sent: 1, dead: 0 });

    // Without a webhook nothing is due (it waits); with one again, it is.
    db.configure_alerts(n, AlertChange::NoReferralWebhook, &setup, NOW).await.unwrap();
    assert!(db.due_referral_deliveries(later, 100).await.unwrap().is_empty());
    assert_eq!(db.referral_webhook(n).await.unwrap(), None);
    db.configure_alerts(n, hook, &setup, NOW).await.unwrap();
    assert_eq!(db.due_referral_deliveries(later, 100).await.unwrap().len(), 1);

    // Many waiting deliveries page through, oldest due first, each returned once.
    for i in 0..230 {
        let r = new_referral(case, n);
        db.create_referral(a, &r, desk, &made, NOW + Duration::microseconds(i)).await.unwrap();
    }
    let mut seen = std::collections::BTreeSet::new();
    loop {
        let page = db.due_referral_deliveries(later, 100).await.unwrap();
        if page.is_empty() {
            break;
        }
        for x in page {
            assert!(db.claim_referral_delivery(x.id, later, later + Duration::minutes(2)).await.unwrap().is_some());
            assert!(seen.insert(x.id), "returned once");
        }
    }
    assert_eq!(seen.len(), 231);
}

fn terms(course: &str, position: Audience, base: Option<&str>) -> AssignmentTerms {
    AssignmentTerms { course: course.into(), position, base: base.map(Into::into), due_days: 30, recur_months: 12 }
}

async fn positioned(db: &Db, org: OrgId, email: &str, position: Audience, base: &str) -> UserId {
    let mut u = new_user(email, &[Role::Learner]);
    u.position = Some(position);
    u.base = Some(base.into());
    db.create_user(org, &u, NewAuditEntry::new(AuditAction::UserCreated), NOW).await.unwrap()
}

async fn assignments_are_per_organisation_versioned_and_audited(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let admin_b = user(db, b, "admin@b.example", &[Role::OrgAdmin]).await;
    let id = db.create_assignment(a, admin, &terms("cabin-crew", Audience::CabinCrew, Some("HEL")), NOW).await.unwrap();
    db.create_assignment(a, admin, &terms("ground", Audience::Ground, None), NOW).await.unwrap();
    let got = db.assignments(a).await.unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].id, got[0].terms.base.as_deref(), got[0].version), (id, Some("HEL"), 1));
    assert!(db.assignments(b).await.unwrap().is_empty());
    assert_eq!(db.orgs_with_assignments(None, 10).await.unwrap(), vec![a]);
    assert!(db.orgs_with_assignments(Some(a), 10).await.unwrap().is_empty());

    let mut changed = terms("cabin-crew", Audience::CabinCrew, None);
    changed.recur_months = 24;
    let err = db.update_assignment(a, id, 7, admin, &changed, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "version" }), "{err:?}");
    let err = db.update_assignment(b, id, 1, admin_b, &changed, NOW).await.unwrap_err();
    assert!(matches!(err, StorageError::Conflict { field: "version" }), "another organisation's: {err:?}");
    db.update_assignment(a, id, 1, admin, &changed, NOW).await.unwrap();
    let got = db.assignments(a).await.unwrap();
    assert_eq!((got[0].terms.recur_months, got[0].terms.base.as_deref(), got[0].version), (24, None, 2));

    assert!(matches!(db.delete_assignment(b, id, admin_b, NOW).await, Err(StorageError::NotFound)));
    db.delete_assignment(a, id, admin, NOW).await.unwrap();
    assert_eq!(db.assignments(a).await.unwrap().len(), 1);
    let audit = db.audit_for_org(a, 3).await.unwrap().entries;
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["training.assignment_changed"; 3]);
    assert!(audit[0].detail.starts_with("removed: cabin-crew for cabin_crew"), "{}", audit[0].detail);
    assert!(audit[1].detail.contains("every 24 months"), "{}", audit[1].detail);

    // Settings: the defaults, then the organisation's own, audited.
    assert_eq!(db.training_settings(a).await.unwrap(), TrainingSettings::default());
    let s = TrainingSettings { offsets: vec![14, 0], fiscal_start_month: 10 };
    db.set_training_settings(a, admin, &s, NOW).await.unwrap();
    db.set_training_settings(a, admin, &s, NOW).await.unwrap();
    assert_eq!(db.training_settings(a).await.unwrap(), s);
    assert_eq!(db.training_settings(b).await.unwrap(), TrainingSettings::default());
    assert_eq!(db.audit_for_org(a, 1).await.unwrap().entries[0].action, "training.settings_changed");
}

async fn training_people_are_paged_with_their_completions(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let base = if i % 2 == 0 { "HEL" } else { "OUL" };
        ids.push(positioned(db, a, &format!("p{i}@a.example"), Audience::CabinCrew, base).await);
    }
    user(db, a, "nopos@a.example", &[Role::Learner]).await;
    positioned(db, b, "other@b.example", Audience::CabinCrew, "TLL").await;
    // Two completions for the second person, one revoked for the third.
    for (n, (who, days, code)) in
        [(1, 400, "SL-AAAA-0000-0001"), (1, 30, "SL-AAAA-0000-0002"), (2, 10, "SL-AAAA-0000-0003")].iter().enumerate()
    {
        let learner = Learner::User { org: a, user: ids[*who] };
        let at = NOW - Duration::days(*days) + Duration::seconds(i64::try_from(n).unwrap());
        let attempt = db.create_attempt(&learner, "cabin-crew", "en", "[]", at).await.unwrap();
        let mut c = cert(code, attempt);
        c.issued_at = at;
        db.submit_attempt(&learner, attempt, "[]", 90, true, Some(&c), at).await.unwrap();
    }
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    db.revoke_certificate(a, "SL-AAAA-0000-0003", admin, "test", NOW).await.unwrap();

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = db.trained_people(a, after, 2).await.unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        seen.extend(page);
    }
    assert_eq!(seen.iter().map(|p| p.id).collect::<Vec<_>>(), ids, "every person with a position, once, by id");
    assert_eq!(seen[1].completions.len(), 2);
    assert_eq!(db.completions_of(a, ids[1]).await.unwrap(), seen[1].completions);
    assert!(db.completions_of(b, ids[1]).await.unwrap().is_empty(), "only within its organisation");
    let want = vec![
        ("cabin-crew".to_owned(), NOW - Duration::days(400)),
        ("cabin-crew".to_owned(), NOW - Duration::days(30) + Duration::seconds(1)),
    ];
    assert_eq!(seen[1].completions, want, "oldest first");
    assert!(seen[2].completions.is_empty(), "a revoked certificate is no completion");
    assert_eq!((seen[0].base.as_deref(), seen[0].position), (Some("HEL"), Some(Audience::CabinCrew)));
    assert_eq!(db.org_bases(a).await.unwrap(), ["HEL", "OUL"]);
}

/// Issue a certificate of `course` to `who`, dated `at`.
async fn complete(db: &Db, org: OrgId, who: UserId, course: &str, code: &str, at: OffsetDateTime) {
    let learner = Learner::User { org, user: who };
    let attempt = db.create_attempt(&learner, course, "en", "[]", at).await.unwrap();
    let mut c = cert(code, attempt);
    c.course_id = course.into();
    c.issued_at = at;
    c.valid_until = at + Duration::days(365);
    db.submit_attempt(&learner, attempt, "[]", 90, true, Some(&c), at).await.unwrap();
}

async fn tally_of(db: &Db, org: OrgId, at: OffsetDateTime) -> (Vec<(Audience, Option<String>, i64, i64)>, Vec<UserId>) {
    let t = db.standing_tally(org, at, &TallyFilter::default(), 100).await.unwrap();
    let mut groups: Vec<_> = t.groups.into_iter().map(|g| (g.position, g.base, g.rank, g.people)).collect();
    groups.sort();
    (groups, t.drill)
}

async fn standing_rows_follow_every_change_and_count_by_position_base_and_standing(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let late = positioned(db, a, "late@a.example", Audience::CabinCrew, "HEL").await;
    let fresh = positioned(db, a, "fresh@a.example", Audience::CabinCrew, "HEL").await;
    let soon = positioned(db, a, "soon@a.example", Audience::CabinCrew, "OUL").await;
    let ground = positioned(db, a, "ground@a.example", Audience::Ground, "HEL").await;
    let other = positioned(db, b, "other@b.example", Audience::CabinCrew, "HEL").await;
    // Everyone joined long ago (created_at is NOW): count 400 days on instead.
    let at = NOW + Duration::days(400);
    complete(db, a, fresh, "cabin-crew", "SL-STND-0000-0001", at - Duration::days(30)).await;
    complete(db, a, soon, "cabin-crew", "SL-STND-0000-0002", at - Duration::days(350)).await;
    db.create_assignment(a, admin, &terms("cabin-crew", Audience::CabinCrew, None), NOW).await.unwrap();

    // The first refresh makes every row.
    let r = db.refresh_standings(a, at).await.unwrap();
    assert!(r.rebuilt && !r.busy, "{r:?}");
    let cc = Audience::CabinCrew;
    let (groups, drill) = tally_of(db, a, at).await;
    assert_eq!(
        groups,
        vec![(cc, Some("HEL".into()), 0, 1), (cc, Some("HEL".into()), 3, 1), (cc, Some("OUL".into()), 1, 1)]
    );
    assert_eq!(drill, vec![late, soon, fresh], "worst first");
    assert_eq!(db.standing_of(a, ground).await.unwrap(), None, "no assignment covers ground staff");
    assert!(db.standing_marks(a, 10).await.unwrap().is_empty(), "the rebuild spent the marks made before it");
    let filtered = db
        .standing_tally(a, at, &TallyFilter { position: Some(cc), base: Some("hel"), rank: Some(3) }, 100)
        .await
        .unwrap();
    assert_eq!(filtered.drill, vec![late], "filters: position, base in any case, standing");
    db.refresh_standings(b, at).await.unwrap();
    assert_eq!(tally_of(db, b, at).await, (vec![], vec![]), "another organisation's people are not counted");
    let _ = other;

    // A certificate marks its holder; the next refresh makes only that row again.
    complete(db, a, late, "cabin-crew", "SL-STND-0000-0003", at).await;
    assert_eq!(db.standing_marks(a, 10).await.unwrap().iter().map(|m| m.user).collect::<Vec<_>>(), vec![late]);
    let r = db.refresh_standings(a, at).await.unwrap();
    assert_eq!((r.rebuilt, r.marked), (false, 1));
    assert_eq!(db.standing_of(a, late).await.unwrap().unwrap().summary.at(at), Standing::Current);

    // A revocation, too.
    db.revoke_certificate(a, "SL-STND-0000-0001", admin, "test", at).await.unwrap();
    db.refresh_standings(a, at).await.unwrap();
    assert_eq!(db.standing_of(a, fresh).await.unwrap().unwrap().summary.at(at), Standing::Overdue);

    // A change of position: the row follows the person (out of the count, and back).
    db.set_position(a, soon, Some(Audience::Ground)).await.unwrap();
    db.refresh_standings(a, at).await.unwrap();
    assert_eq!(db.standing_of(a, soon).await.unwrap(), None);

    // A new assignment makes every row again: ground staff are now counted.
    let before = db.standing_state(a).await.unwrap();
    db.create_assignment(a, admin, &terms("ground", Audience::Ground, None), NOW).await.unwrap();
    assert!(!db.standing_state(a).await.unwrap().is_built(), "{before:?}");
    let r = db.refresh_standings(a, at).await.unwrap();
    assert!(r.rebuilt);
    let (groups, _) = tally_of(db, a, at).await;
    let ground_rows: Vec<_> = groups.iter().filter(|g| g.0 == Audience::Ground).collect();
    let g = Audience::Ground;
    assert_eq!(ground_rows, vec![&(g, Some("HEL".into()), 3, 1), &(g, Some("OUL".into()), 3, 1)], "both overdue");

    // A completion dated after the refresh is left out until its moment comes.
    complete(db, a, ground, "ground", "SL-STND-0000-0004", at + Duration::days(2)).await;
    db.refresh_standings(a, at).await.unwrap();
    let row = db.standing_of(a, ground).await.unwrap().unwrap();
    assert_eq!((row.summary.at(at), row.summary.recheck_at), (Standing::Overdue, Some(at + Duration::days(2))));
    let r = db.refresh_standings(a, at + Duration::days(3)).await.unwrap();
    assert_eq!(r.marked, 1, "the row due for a recheck is made again");
    let row = db.standing_of(a, ground).await.unwrap().unwrap();
    assert_eq!((row.summary.at(at + Duration::days(3)), row.summary.recheck_at), (Standing::Current, None));
}

async fn concurrent_standing_refreshes_agree(db: &Db) {
    let a = org(db, "Airline A").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    for i in 0..30 {
        positioned(db, a, &format!("p{i}@a.example"), Audience::CabinCrew, if i % 3 == 0 { "HEL" } else { "OUL" })
            .await;
    }
    db.create_assignment(a, admin, &terms("cabin-crew", Audience::CabinCrew, None), NOW).await.unwrap();
    let at = NOW + Duration::days(10);
    // Three at once: those that find the lease held say so and try again.
    let until_done = || async {
        let mut rebuilt = 0;
        loop {
            let r = db.refresh_standings(a, at).await.unwrap();
            rebuilt += usize::from(r.rebuilt);
            if !r.busy {
                return rebuilt;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    let (x, y, z) = tokio::join!(until_done(), until_done(), until_done());
    assert_eq!(x + y + z, 1, "one rebuilt, the others found it done");
    let (groups, drill) = tally_of(db, a, at).await;
    let cc = Audience::CabinCrew;
    assert_eq!(groups, vec![(cc, Some("HEL".into()), 2, 10), (cc, Some("OUL".into()), 2, 20)], "not started");
    assert_eq!(drill.len(), 30);
}

async fn a_reminder_is_claimed_once_and_the_digest_names_each_overdue_person_once(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    user(db, b, "admin@b.example", &[Role::OrgAdmin]).await;
    let crew = positioned(db, a, "crew@a.example", Audience::CabinCrew, "HEL").await;
    let late = positioned(db, a, "late@a.example", Audience::CabinCrew, "HEL").await;
    let id = db.create_assignment(a, admin, &terms("cabin-crew", Audience::CabinCrew, None), NOW).await.unwrap();
    let claim = |user, offset_days| ReminderClaim {
        org_id: a,
        user_id: user,
        assignment_id: id,
        due_at: NOW + Duration::days(30),
        offset_days,
    };
    assert!(
        db.claim_assignment_reminder(&claim(crew, 30), &mail("crew@a.example", MailKind::Reminder), NOW).await.unwrap()
    );
    assert!(
        !db.claim_assignment_reminder(&claim(crew, 30), &mail("crew@a.example", MailKind::Reminder), NOW)
            .await
            .unwrap()
    );
    assert!(
        db.claim_assignment_reminder(&claim(crew, 7), &mail("crew@a.example", MailKind::Reminder), NOW).await.unwrap()
    );
    let mut foreign = claim(crew, 60);
    foreign.org_id = b;
    assert!(
        !db.claim_assignment_reminder(&foreign, &mail("crew@a.example", MailKind::Reminder), NOW).await.unwrap(),
        "not under another organisation's name"
    );
    assert!(
        db.claim_assignment_reminder(&claim(late, 0), &mail("late@a.example", MailKind::Reminder), NOW).await.unwrap()
    );
    assert_eq!(db.due_mail(NOW, 10).await.unwrap().len(), 3);

    let digest = |admins: &[AdminContact], people: &[OverduePerson]| {
        assert_eq!(admins.iter().map(|a| a.email.as_str()).collect::<Vec<_>>(), ["admin@a.example"]);
        assert_eq!(people.len(), 1);
        assert_eq!((people[0].course_id.as_str(), people[0].base.as_deref()), ("cabin-crew", Some("HEL")));
        Ok(admins.iter().map(|a| mail(&a.email, MailKind::Reminder)).collect())
    };
    assert_eq!(db.digest_overdue(a, NOW, digest).await.unwrap(), 1);
    assert_eq!(db.digest_overdue(a, NOW, |_, _| panic!("nothing is newly overdue")).await.unwrap(), 0);
    assert_eq!(db.digest_overdue(b, NOW, |_, _| panic!("nothing is overdue in B")).await.unwrap(), 0);
    assert_eq!(db.due_mail(NOW, 10).await.unwrap().len(), 4);

    // A failing letter writes nothing and leaves the people for the next digest.
    assert!(
        db.claim_assignment_reminder(&claim(crew, 0), &mail("crew@a.example", MailKind::Reminder), NOW).await.unwrap()
    );
    assert!(db.digest_overdue(a, NOW, |_, _| Err("no words".into())).await.is_err());
    assert_eq!(
        db.digest_overdue(a, NOW, |_, p| {
            assert_eq!(p.len(), 1);
            Ok(vec![])
        })
        .await
        .unwrap(),
        1
    );

    // Removing the assignment removes its claims.
    db.delete_assignment(a, id, admin, NOW).await.unwrap();
    assert!(
        !db.claim_assignment_reminder(&claim(crew, 30), &mail("crew@a.example", MailKind::Reminder), NOW)
            .await
            .unwrap()
    );
}

async fn concurrent_reminder_claims_queue_one_e_mail(db: &Db) {
    let a = org(db, "Airline A").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let crew = positioned(db, a, "crew@a.example", Audience::CabinCrew, "HEL").await;
    let id = db.create_assignment(a, admin, &terms("cabin-crew", Audience::CabinCrew, None), NOW).await.unwrap();
    let claim =
        ReminderClaim { org_id: a, user_id: crew, assignment_id: id, due_at: NOW + Duration::days(7), offset_days: 7 };
    let tries: Vec<_> = (0..6)
        .map(|_| {
            let (db, claim) = (db.clone(), claim.clone());
            tokio::spawn(async move {
                db.claim_assignment_reminder(&claim, &mail("crew@a.example", MailKind::Reminder), NOW).await
            })
        })
        .collect();
    let mut won = 0;
    for t in tries {
        if t.await.unwrap().unwrap() {
            won += 1;
        }
    }
    assert_eq!(won, 1);
    assert_eq!(db.due_mail(NOW, 10).await.unwrap().len(), 1);
}

fn sso(org: OrgId, domain: Option<&str>) -> sightline_storage::SsoConfig {
    use sightline_domain::oidc::{IssuerUrl, RoleMapping};
    sightline_storage::SsoConfig {
        org_id: org,
        issuer: IssuerUrl::parse("https://idp.example/realms/crew", false).unwrap(),
        client_id: "sightline".into(),
        sealed_secret: "sealed:v1:x.y".into(),
        email_domain: domain.map(str::to_owned),
        role_mapping: RoleMapping::parse("groups = sightline-desk -> desk_analyst").unwrap(),
        mfa_acr: Some("gold".into()),
        password_sign_in: false,
        updated_at: NOW,
    }
}

async fn sso_settings_belong_to_their_organisation_and_domains_are_unique(db: &Db) {
    let (a, b) = (org(db, "SSO A").await, org(db, "SSO B").await);
    assert!(db.sso_config(a).await.unwrap().is_none());
    assert!(db.password_sign_in_allowed(a).await.unwrap());
    let audit = NewAuditEntry::new(AuditAction::SsoConfigured).org(a);
    db.put_sso_config(&sso(a, Some("a.example")), &audit, NOW).await.unwrap();
    assert_eq!(db.sso_config(a).await.unwrap(), Some(sso(a, Some("a.example"))));
    assert_eq!(db.sso_config_by_domain("a.example").await.unwrap().map(|c| c.org_id), Some(a));
    assert!(db.sso_config(b).await.unwrap().is_none());
    assert!(!db.password_sign_in_allowed(a).await.unwrap());
    assert!(db.password_sign_in_allowed(b).await.unwrap());
    // Another organisation cannot take the domain; nothing of it is written.
    let audit_b = NewAuditEntry::new(AuditAction::SsoConfigured).org(b);
    let taken = db.put_sso_config(&sso(b, Some("a.example")), &audit_b, NOW).await.unwrap_err();
    assert!(matches!(taken, StorageError::Conflict { field: "email_domain" }), "{taken:?}");
    assert!(db.sso_config(b).await.unwrap().is_none());
    assert!(db.audit_for_org(b, 10).await.unwrap().entries.iter().all(|e| e.action != "org.sso_configured"));
    // Two organisations without a domain are fine; replacing keeps one row.
    db.put_sso_config(&sso(b, None), &audit_b, NOW).await.unwrap();
    let mut changed = sso(a, None);
    changed.password_sign_in = true;
    db.put_sso_config(&changed, &audit, NOW).await.unwrap();
    assert_eq!(db.sso_config(a).await.unwrap(), Some(changed));
    assert!(db.sso_config_by_domain("a.example").await.unwrap().is_none());
    db.remove_sso_config(a, &audit, NOW).await.unwrap();
    assert!(db.sso_config(a).await.unwrap().is_none());
    assert!(db.sso_config(b).await.unwrap().is_some());
    let n = db.audit_for_org(a, 10).await.unwrap().entries.iter().filter(|e| e.action == "org.sso_configured").count();
    assert_eq!(n, 3);
}

async fn sso_logins_are_spent_once_and_expire(db: &Db) {
    use sightline_storage::{SsoLogin, SsoLoginSpend};
    let a = org(db, "SSO Logins").await;
    let login = SsoLogin { org_id: a, nonce: "n1".into(), pkce_verifier: "v1".into() };
    db.start_sso_login(b"state-1", &login, NOW + Duration::minutes(10), NOW).await.unwrap();
    db.start_sso_login(b"state-2", &login, NOW + Duration::minutes(10), NOW).await.unwrap();
    assert_eq!(db.spend_sso_login(b"state-1", NOW).await.unwrap(), SsoLoginSpend::Fresh(login.clone()));
    assert_eq!(db.spend_sso_login(b"state-1", NOW).await.unwrap(), SsoLoginSpend::Used(a));
    assert_eq!(db.spend_sso_login(b"nope", NOW).await.unwrap(), SsoLoginSpend::Unknown);
    let later = NOW + Duration::minutes(11);
    assert_eq!(db.spend_sso_login(b"state-2", later).await.unwrap(), SsoLoginSpend::Expired(a));
    // Long-expired sign-ins are forgotten when the next one starts.
    db.start_sso_login(b"state-3", &login, later + Duration::days(2), later + Duration::days(2)).await.unwrap();
    assert_eq!(db.spend_sso_login(b"state-2", later).await.unwrap(), SsoLoginSpend::Unknown);
}

async fn xapi_statements_queue_with_learning_and_go_out_in_leased_batches(db: &Db) {
    use sightline_domain::xapi::{ActorForm, Naming, Verb};
    use sightline_storage::{DeliveryCounts, Learner, NewStatement, XapiSettings};
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let crew = user(db, a, "crew@a.example", &[Role::Learner]).await;
    let other = user(db, b, "crew@b.example", &[Role::Learner]).await;
    let st = |verb| NewStatement { id: uuid::Uuid::now_v7(), verb, body: format!("{{\"verb\":\"{verb}\"}}") };
    // No settings: a lesson read queues nothing.
    assert!(db.mark_lesson_done_queued(a, crew, "cabin-crew", "01", &[st(Verb::Experienced)], NOW).await.unwrap());
    assert_eq!(db.xapi_backlog(a).await.unwrap().counts, DeliveryCounts::default());
    assert_eq!(db.xapi_settings(a).await.unwrap(), None);

    let settings = XapiSettings {
        enabled: true,
        endpoint: "https://lrs.a.example/xapi".into(),
        auth_key: "sightline".into(),
        sealed_secret: "sealed:v1:x.y".into(),
        naming: Naming {
            actor_form: ActorForm::Account,
            home_page: "https://sl.example".into(),
            activity_base: "https://sl.example/learn".into(),
        },
    };
    let audit = NewAuditEntry::new(AuditAction::XapiConfigured).org(a);
    db.set_xapi_settings(a, &settings, &audit, NOW).await.unwrap();
    db.set_xapi_settings(b, &XapiSettings { enabled: false, ..settings.clone() }, &audit, NOW).await.unwrap();
    assert_eq!(db.xapi_settings(a).await.unwrap().as_ref(), Some(&settings));
    // Read again: not the first time, nothing queued; a new lesson queues its statement.
    assert!(!db.mark_lesson_done_queued(a, crew, "cabin-crew", "01", &[st(Verb::Experienced)], NOW).await.unwrap());
    assert!(db.mark_lesson_done_queued(a, crew, "cabin-crew", "02", &[st(Verb::Experienced)], NOW).await.unwrap());
    // B has xAPI off: nothing is queued for its people.
    assert!(db.mark_lesson_done_queued(b, other, "cabin-crew", "01", &[st(Verb::Experienced)], NOW).await.unwrap());
    // A submitted check queues its statements with the grade, in one transaction.
    let learner = Learner::User { org: a, user: crew };
    let id = db.create_attempt(&learner, "cabin-crew", "en", "[]", NOW).await.unwrap();
    let passed = [st(Verb::Passed), st(Verb::Completed)];
    db.submit_attempt_queued(&learner, id, ("[]", 90, true), None, &passed, NOW).await.unwrap();
    // Submitting again is refused and queues nothing more.
    let again = db.submit_attempt_queued(&learner, id, ("[]", 90, true), None, &[st(Verb::Passed)], NOW).await;
    assert!(matches!(again, Err(StorageError::Conflict { .. })));
    assert_eq!(db.xapi_backlog(a).await.unwrap().counts, DeliveryCounts { pending: 3, sent: 0, dead: 0 });
    assert_eq!(db.xapi_backlog(b).await.unwrap().counts, DeliveryCounts::default());
    assert_eq!(db.xapi_backlog(a).await.unwrap().oldest_pending, Some(NOW));

    // A batch is leased: a second claim in the lease gets nothing.
    let lease = NOW + Duration::minutes(2);
    let batch = db.claim_xapi_batch(NOW, lease, 2).await.unwrap().unwrap();
    assert_eq!((batch.org_id, batch.statements.len(), batch.attempts), (a, 2, 1));
    assert_eq!(batch.endpoint, "https://lrs.a.example/xapi");
    assert!(batch.statements[0].1.contains("experienced"), "oldest first: {:?}", batch.statements);
    let rest = db.claim_xapi_batch(NOW, lease, 50).await.unwrap().unwrap();
    assert_eq!(rest.statements.len(), 1, "the one not in the first batch");
    assert!(db.claim_xapi_batch(NOW, lease, 50).await.unwrap().is_none(), "all leased");
    // Failed: kept, waiting for the retry time, with the error.
    let retry = NOW + Duration::minutes(1);
    db.xapi_batch_failed(batch.token, "HTTP 503", retry, 8, NOW).await.unwrap();
    db.xapi_batch_sent(rest.token, NOW).await.unwrap();
    let backlog = db.xapi_backlog(a).await.unwrap();
    assert_eq!(backlog.counts, DeliveryCounts { pending: 2, sent: 1, dead: 0 });
    assert_eq!(backlog.last_error.as_deref(), Some("HTTP 503"));
    assert!(db.claim_xapi_batch(NOW + Duration::seconds(59), lease, 50).await.unwrap().is_none(), "not yet");
    // A lease that ran out and was claimed again: the old sender's outcome changes nothing.
    let again = db.claim_xapi_batch(retry, retry + Duration::minutes(2), 50).await.unwrap().unwrap();
    assert_eq!((again.statements.len(), again.attempts), (2, 2));
    db.xapi_batch_sent(batch.token, retry).await.unwrap();
    assert_eq!(db.xapi_backlog(a).await.unwrap().counts.pending, 2, "the stale lease sent nothing");
    // Given up after the most attempts: dead letters, listed, sent again once (audited).
    db.xapi_batch_failed(again.token, "HTTP 500", retry, 2, retry).await.unwrap();
    let dead = db.xapi_dead_letters(a).await.unwrap();
    assert_eq!(dead.len(), 2);
    assert_eq!((dead[0].attempts, dead[0].last_error.as_deref()), (2, Some("HTTP 500")));
    assert!(db.xapi_dead_letters(b).await.unwrap().is_empty(), "each organisation sees its own");
    let retried = NewAuditEntry::new(AuditAction::XapiStatementsRetried).org(b);
    assert!(matches!(db.retry_xapi_statements(b, &retried, retry).await, Err(StorageError::NotFound)));
    let retried = NewAuditEntry::new(AuditAction::XapiStatementsRetried).org(a);
    assert_eq!(db.retry_xapi_statements(a, &retried, retry).await.unwrap(), 2);
    assert!(db.xapi_dead_letters(a).await.unwrap().is_empty());
    let trail = db.audit_for_org(a, 20).await.unwrap().entries;
    assert_eq!(trail.iter().filter(|e| e.action == "xapi.statements_retried").count(), 1, "the refused one is not");
    let back = db.claim_xapi_batch(retry, retry + Duration::minutes(2), 50).await.unwrap().unwrap();
    assert_eq!((back.statements.len(), back.attempts), (2, 1), "a fresh count, the same ids");
    assert_eq!(
        back.statements.iter().map(|s| s.0).collect::<Vec<_>>(),
        again.statements.iter().map(|s| s.0).collect::<Vec<_>>()
    );
    // Refused as a batch: each statement gets a lease of its own, the batch's lease
    // holds none, and each is recorded alone.
    let alone = db.split_xapi_batch(&back).await.unwrap();
    let each: Vec<_> = alone.iter().map(|b| (b.statements.clone(), b.org_id, b.attempts)).collect();
    assert_eq!(each, back.statements.iter().map(|s| (vec![s.clone()], a, 1)).collect::<Vec<_>>());
    assert!(alone[0].token != alone[1].token && alone.iter().all(|b| b.token != back.token));
    assert_eq!(db.xapi_batch_sent(back.token, retry).await.unwrap(), 0, "the batch's lease holds none now");
    assert!(db.split_xapi_batch(&back).await.unwrap().is_empty(), "nothing is left under it");
    db.xapi_batch_failed(alone[1].token, "HTTP 400", retry + Duration::minutes(1), 8, retry).await.unwrap();
    assert_eq!(db.xapi_batch_sent(alone[0].token, retry).await.unwrap(), 1, "one sent alone");
    assert_eq!(db.xapi_backlog(a).await.unwrap().counts, DeliveryCounts { pending: 1, sent: 2, dead: 0 });
    let last =
        db.claim_xapi_batch(retry + Duration::minutes(1), lease + Duration::hours(1), 50).await.unwrap().unwrap();
    assert_eq!(last.statements, vec![back.statements[1].clone()], "only the refused one waits");
    db.xapi_batch_sent(last.token, retry).await.unwrap();
    assert_eq!(db.xapi_backlog(a).await.unwrap().counts, DeliveryCounts { pending: 0, sent: 3, dead: 0 });

    // Turned off: queued statements wait. Many statements page through in batches, two
    // claimers at once never share one.
    db.set_xapi_settings(a, &XapiSettings { enabled: true, ..settings.clone() }, &audit, NOW).await.unwrap();
    for i in 0..130 {
        db.mark_lesson_done_queued(a, crew, "c", &format!("l{i}"), &[st(Verb::Experienced)], NOW).await.unwrap();
    }
    db.set_xapi_settings(a, &XapiSettings { enabled: false, ..settings.clone() }, &audit, NOW).await.unwrap();
    let later = retry + Duration::minutes(10);
    assert!(db.claim_xapi_batch(later, later + Duration::minutes(2), 50).await.unwrap().is_none(), "off: waits");
    db.set_xapi_settings(a, &settings, &audit, NOW).await.unwrap();
    let mut seen = std::collections::BTreeSet::new();
    loop {
        let lease = later + Duration::minutes(2);
        let (x, y) = tokio::join!(db.claim_xapi_batch(later, lease, 25), db.claim_xapi_batch(later, lease, 25));
        let (x, y) = (x.unwrap(), y.unwrap());
        if x.is_none() && y.is_none() {
            break;
        }
        for b in [x, y].into_iter().flatten() {
            assert!(b.statements.len() <= 25);
            for (id, _) in b.statements {
                assert!(seen.insert(id), "in one batch only");
            }
        }
    }
    assert_eq!(seen.len(), 130, "every statement, none left behind");
}

/// A report of `org` closed with `outcome` at `at`; its id.
async fn closed_case(
    db: &Db,
    org: OrgId,
    reporter: UserId,
    analyst: UserId,
    outcome: Outcome,
    at: OffsetDateTime,
) -> uuid::Uuid {
    use sightline_domain::triage::{CaseStatus, transition};
    let id = uuid::Uuid::now_v7();
    db.put_report(&report(id, org, reporter, 1), at).await.unwrap();
    let close = transition(CaseStatus::Received, CaseStatus::Closed, "", Some(outcome)).unwrap();
    db.transition_case(org, id, 0, &close, analyst, at).await.unwrap();
    id
}

fn retention(days: &[(&'static str, &'static str)]) -> sightline_domain::retention::RetentionPolicy {
    sightline_domain::retention::RetentionPolicy::parse(|f| days.iter().find(|(k, _)| *k == f).map_or("", |(_, v)| v))
        .unwrap()
}

async fn the_purge_tombstones_due_cases_and_spares_those_under_hold(db: &Db) {
    use sightline_domain::triage::{CaseStatus, transition};
    use sightline_storage::StatsScope;
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let ub = user(db, b, "crew@b.example", &[Role::Reporter]).await;
    let analyst_b = user(db, b, "desk@b.example", &[Role::DeskAnalyst]).await;
    let set = NewAuditEntry::new(AuditAction::RetentionChanged).org(a).actor(admin);
    assert_eq!(db.retention_policy(a).await.unwrap(), Default::default(), "keep everything until set");
    let policy = retention(&[("no_action_innocent_days", "90"), ("tips_days", "30")]);
    db.set_retention_policy(a, &policy, &set, NOW).await.unwrap();
    assert_eq!(db.retention_policy(a).await.unwrap(), policy);
    assert_eq!(db.retention_policy(b).await.unwrap(), Default::default(), "per organisation");

    let gone = closed_case(db, a, u, analyst, Outcome::NoActionInnocent, NOW).await;
    db.add_case_note(a, gone, (vec![1; 48], vec![2; 72]), analyst, NOW).await.unwrap();
    let held = closed_case(db, a, u, analyst, Outcome::NoActionInnocent, NOW).await;
    let kept = closed_case(db, a, u, analyst, Outcome::MetOnArrival, NOW).await;
    let open = reported(db, a, u, 2).await;
    let other = closed_case(db, b, ub, analyst_b, Outcome::NoActionInnocent, NOW).await;
    let t = tip(a, 5);
    db.put_tip(&t, NOW).await.unwrap();
    for (n, from_desk) in [(1, true), (2, false)] {
        db.add_tip_message(&tip_message(a, &t, from_desk, analyst, n), NOW).await.unwrap();
    }
    let close = transition(CaseStatus::Received, CaseStatus::Closed, "", Some(Outcome::MetOnArrival)).unwrap();
    db.transition_case(a, t.report.id, 0, &close, analyst, NOW).await.unwrap();

    // A hold: who, when, why; audited. Another organisation's case is not found.
    let hold = NewAuditEntry::new(AuditAction::LegalHoldPlaced).org(a).actor(admin).target("report", held);
    db.set_legal_hold(a, held, Some(("Police request 2026/77", admin)), &hold, NOW).await.unwrap();
    let h = db.case(a, held).await.unwrap().hold.unwrap();
    assert_eq!((h.reason.as_str(), h.by, h.at), ("Police request 2026/77", Some(admin), NOW));
    assert!(matches!(db.set_legal_hold(b, held, Some(("x", admin)), &hold, NOW).await, Err(StorageError::NotFound)));
    let lift = NewAuditEntry::new(AuditAction::LegalHoldLifted).org(a).actor(admin).target("report", kept);
    assert!(matches!(db.set_legal_hold(a, kept, None, &lift, NOW).await, Err(StorageError::NotFound)), "not held");

    let scope = (StatsScope::Org(a), 202601, 202712);
    let before = db.statistics(scope.0, scope.1, scope.2).await.unwrap();
    // Due: the tip after 30 days, the case without concern after 90 — not the held
    // one, the one without a period, the open one or another organisation's.
    let ids = |d: Vec<sightline_storage::DuePurge>| d.into_iter().map(|d| d.id).collect::<Vec<_>>();
    assert!(db.due_purges(NOW + Duration::days(29), None, 10).await.unwrap().is_empty());
    assert_eq!(ids(db.due_purges(NOW + Duration::days(30), None, 10).await.unwrap()), [t.report.id]);
    let later = NOW + Duration::days(91);
    let due = db.due_purges(later, None, 10).await.unwrap();
    assert_eq!(ids(due.clone()), [t.report.id, gone]);
    assert_eq!((due[1].org, due[1].outcome, due[1].closed_at), (a, Some(Outcome::NoActionInnocent), NOW));
    assert_eq!(due[1].due_at, NOW + Duration::days(90));
    assert_eq!(ids(db.due_purges(later, Some(&due[0]), 10).await.unwrap()), [gone], "paged after a key");
    assert_eq!(db.case(a, gone).await.unwrap().tombstone, None, "listing changes nothing");

    let purged = db.purge_batch(later, 10).await.unwrap();
    assert_eq!(ids(purged), [t.report.id, gone]);
    assert!(db.purge_batch(later, 10).await.unwrap().is_empty(), "nothing left");

    // The tombstone: id, dates, outcome, counts; no text, no seats, no reporter link.
    let c = db.case(a, gone).await.unwrap();
    let stone = c.tombstone.unwrap();
    assert_eq!((stone.purged_at, stone.notes, stone.messages), (later, 1, 0));
    assert_eq!((c.received_at, c.closed_at, c.outcome), (NOW, Some(NOW), Some(Outcome::NoActionInnocent)));
    assert_eq!((c.seats.as_str(), c.relay_message.as_str(), c.potential_victims), ("", "", 1));
    assert_ne!(c.reporter_id, u, "the reporter's link is cut");
    assert!(db.reports_of(a, u, 10).await.unwrap().iter().all(|r| r.id != gone));
    assert_eq!(db.report_sealed(a, gone).await.unwrap(), (vec![], vec![]));
    assert!(db.case_events(a, gone).await.unwrap().iter().all(|e| e.sealed.is_none() && e.reason.is_none()));
    let tip_stone = db.case(a, t.report.id).await.unwrap().tombstone.unwrap();
    assert_eq!(tip_stone.messages, 2);
    assert!(db.tip_messages(a, t.report.id).await.unwrap().is_empty());
    assert!(db.tips_by_lookup(5).await.unwrap().is_empty(), "the receipt opens nothing");
    // Spared: under hold, no period, open, another organisation's.
    assert_eq!(db.report_sealed(a, held).await.unwrap().0, vec![1; 64]);
    for (o, id) in [(a, held), (a, kept), (a, open), (b, other)] {
        assert_eq!(db.case(o, id).await.unwrap().tombstone, None);
    }
    // Statistics count the tombstones as before, and a rebuild from the rows too.
    assert_eq!(db.statistics(scope.0, scope.1, scope.2).await.unwrap(), before);
    let route = |_: &str, _: &str| "europe>northern_america".to_owned();
    assert_eq!(db.rebuild_statistics(&route).await.unwrap(), 6);
    let rebuilt = db.statistics(scope.0, scope.1, scope.2).await.unwrap();
    assert_eq!(rebuilt.reports.iter().map(|r| r.reports).sum::<i64>(), 5, "tombstones still counted");

    // One audit entry per purged case, none naming anyone; the chain is whole.
    let entries = db.audit_for_org(a, 100).await.unwrap().entries;
    let purges: Vec<_> = entries.iter().filter(|e| e.action == "case.purged").collect();
    assert_eq!(purges.len(), 2);
    assert!(purges.iter().all(|e| e.actor.is_none() && !e.detail.contains("23A")));
    assert!(entries.iter().any(|e| e.action == "case.legal_hold_placed"));
    assert!(entries.iter().any(|e| e.action == "org.retention_changed"));

    // Lifting the hold lets the next purge remove it.
    let lift = NewAuditEntry::new(AuditAction::LegalHoldLifted).org(a).actor(admin).target("report", held);
    db.set_legal_hold(a, held, None, &lift, later).await.unwrap();
    assert_eq!(db.case(a, held).await.unwrap().hold, None);
    assert_eq!(ids(db.purge_batch(later, 10).await.unwrap()), [held]);
    assert_eq!(db.purged_cases().await.unwrap(), 3);
    assert_eq!(db.operations().await.unwrap().purged_cases, 3);
    db.verify_audit_chain().await.unwrap();
}

async fn the_purge_works_in_batches_until_nothing_is_due(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let set = NewAuditEntry::new(AuditAction::RetentionChanged).org(a);
    db.set_retention_policy(a, &retention(&[("other_days", "1")]), &set, NOW).await.unwrap();
    for i in 0..7 {
        closed_case(db, a, u, analyst, Outcome::Other, NOW + Duration::seconds(i)).await;
    }
    let later = NOW + Duration::days(2);
    let sizes: Vec<usize> = {
        let mut sizes = Vec::new();
        loop {
            let n = db.purge_batch(later, 3).await.unwrap().len();
            sizes.push(n);
            if n < 3 {
                break sizes;
            }
        }
    };
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(db.purged_cases().await.unwrap(), 7);
    assert!(db.due_purges(later, None, 10).await.unwrap().is_empty());
}

async fn one_purge_holds_the_lease_and_concurrent_purges_remove_each_case_once(db: &Db) {
    use sightline_storage::PURGE_LEASE;
    let (h1, h2) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let until = NOW + Duration::minutes(10);
    // Two at once: exactly one gets the lease.
    let (x, y) = tokio::join!(db.take_lease(PURGE_LEASE, h1, NOW, until), db.take_lease(PURGE_LEASE, h2, NOW, until));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert!(x ^ y, "one wins: {x} {y}");
    let (winner, loser) = if x { (h1, h2) } else { (h2, h1) };
    assert!(db.take_lease(PURGE_LEASE, winner, NOW, until).await.unwrap(), "the holder renews");
    assert!(!db.take_lease(PURGE_LEASE, loser, NOW + Duration::minutes(9), until).await.unwrap());
    // A holder that died leaves it once the lease ends; one that finished gives it back.
    assert!(db.take_lease(PURGE_LEASE, loser, until, until + Duration::minutes(10)).await.unwrap());
    db.release_lease(PURGE_LEASE, winner).await.unwrap();
    assert!(!db.take_lease(PURGE_LEASE, winner, until, until).await.unwrap(), "not the holder's to give back");
    db.release_lease(PURGE_LEASE, loser).await.unwrap();
    assert!(db.take_lease(PURGE_LEASE, winner, until, until).await.unwrap());

    // Two purges running at once anyway: each case is purged, and audited, once.
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let set = NewAuditEntry::new(AuditAction::RetentionChanged).org(a);
    db.set_retention_policy(a, &retention(&[("other_days", "1")]), &set, NOW).await.unwrap();
    for _ in 0..6 {
        closed_case(db, a, u, analyst, Outcome::Other, NOW).await;
    }
    let later = NOW + Duration::days(2);
    let (p, q) = tokio::join!(db.purge_batch(later, 4), db.purge_batch(later, 4));
    let (p, q) = (p.unwrap(), q.unwrap());
    let mut all: Vec<_> = p.iter().chain(&q).map(|d| d.id).collect();
    all.sort();
    all.dedup();
    assert_eq!((p.len() + q.len(), all.len()), (6, 6), "{} + {}", p.len(), q.len());
    let entries = db.audit_for_org(a, 100).await.unwrap().entries;
    assert_eq!(entries.iter().filter(|e| e.action == "case.purged").count(), 6);
    db.verify_audit_chain().await.unwrap();
}

/// Issue 16, item 2: a report batch writes its change rows in its own transaction (a
/// refused report writes none), so do case changes; an organisation reads only its
/// own, in order; the writer wakes this process's feed after the commit.
async fn the_live_queue_feed_is_written_with_its_changes_and_read_per_organisation(db: &Db) {
    use sightline_domain::triage::{CaseStatus, transition};
    use sightline_storage::QueueChangeKind as Kind;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let woken = std::sync::Arc::new(AtomicUsize::new(0));
    let hook = std::sync::Arc::clone(&woken);
    db.on_queue_change(std::sync::Arc::new(move || {
        hook.fetch_add(1, Ordering::SeqCst);
    }));
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let ua = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let ub = user(db, b, "crew@b.example", &[Role::Reporter]).await;
    let analyst = user(db, a, "desk@a.example", &[Role::DeskAnalyst]).await;
    let (a1, orphan, b1, a2) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let batch =
        vec![report(a1, a, ua, 1), report(orphan, a, UserId::new(), 2), report(b1, b, ub, 3), report(a2, a, ua, 4)];
    let out = db.put_reports(&batch, NOW).await.unwrap();
    assert!(out[1].is_err(), "the orphan is refused");
    assert_eq!(woken.load(Ordering::SeqCst), 1, "one wake-up for the batch, after its commit");

    let mine = db.queue_changes_after(a, 0, 200).await.unwrap();
    assert!(mine.complete);
    let cases: Vec<_> = mine.changes.iter().map(|c| (c.org_id, c.case_id, c.kind)).collect();
    let mut expected = vec![(a, a1, Kind::New), (a, a2, Kind::New)];
    expected.sort_by_key(|c| c.1);
    assert_eq!(cases, expected, "only organisation A's, none for the refused report");
    assert!(mine.changes.windows(2).all(|w| w[0].id < w[1].id), "in id order");
    let theirs = db.queue_changes_after(b, 0, 200).await.unwrap();
    assert_eq!(theirs.changes.iter().map(|c| (c.org_id, c.case_id)).collect::<Vec<_>>(), vec![(b, b1)]);
    // The feed's read sees all three, in order.
    let all = db.queue_changes_since(0, 100).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    assert!(!all.iter().any(|c| c.case_id == orphan));

    // A transition writes one change; a stale one (conflict) writes none.
    let latest = db.latest_queue_change(a).await.unwrap();
    let ack = transition(CaseStatus::Received, CaseStatus::Acknowledged, "", None).unwrap();
    db.transition_case(a, a1, 0, &ack, analyst, NOW).await.unwrap();
    assert!(db.transition_case(a, a1, 0, &ack, analyst, NOW).await.is_err());
    db.assign_case(a, a1, 1, Some(analyst), analyst, NOW).await.unwrap();
    db.merge_reports(a, a1, a2, analyst, NOW).await.unwrap();
    let after = db.queue_changes_after(a, latest, 200).await.unwrap();
    assert!(after.complete);
    let got: Vec<_> = after.changes.iter().map(|c| (c.case_id, c.kind)).collect();
    assert_eq!(
        got,
        vec![(a1, Kind::Updated), (a1, Kind::Updated), (a1, Kind::Updated), (a2, Kind::Removed)],
        "transition, assignment, merge (the case and the report merged into it)"
    );
    assert_eq!(db.latest_queue_change(a).await.unwrap(), after.changes.last().unwrap().id);
    assert_eq!(woken.load(Ordering::SeqCst), 4, "a wake-up per committed change, none for the conflict");
    // Nothing of B's changed.
    assert_eq!(db.queue_changes_after(b, 0, 200).await.unwrap().changes.len(), 1);
    assert!(db.queue_changes_after(b, theirs.changes[0].id, 200).await.unwrap().changes.is_empty());
}

/// Issue 16, item 2: a reader gets at most the limit (and is told to re-read the
/// queue); pruned rows make a reader that missed them re-read too; ids are never reused.
async fn the_live_queue_feed_is_bounded_and_pruned_without_reusing_ids(db: &Db) {
    let a = org(db, "Airline A").await;
    let u = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let batch: Vec<NewReport> = (0..5).map(|i| report(uuid::Uuid::now_v7(), a, u, i)).collect();
    db.put_reports(&batch, NOW).await.unwrap();
    let bounded = db.queue_changes_after(a, 0, 2).await.unwrap();
    assert_eq!(bounded.changes.len(), 2);
    assert!(!bounded.complete, "more than the limit: re-read the queue");
    let all = db.queue_changes_after(a, 0, 200).await.unwrap();
    assert!(all.complete);
    // Any id a browser sends is read safely (the largest too).
    assert!(db.queue_changes_after(a, i64::MAX, 200).await.unwrap().changes.is_empty());
    let ids: Vec<i64> = all.changes.iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), 5);
    let max = *ids.last().unwrap();

    // Rows written before the cut are deleted, oldest first, in bounded batches.
    assert_eq!(db.prune_queue_changes(NOW, 10).await.unwrap(), 0, "none older than NOW");
    assert_eq!(db.prune_queue_changes(NOW + Duration::seconds(1), 2).await.unwrap(), 2);
    let left = db.queue_changes_after(a, 0, 200).await.unwrap();
    assert_eq!(left.changes.iter().map(|c| c.id).collect::<Vec<_>>(), ids[2..].to_vec(), "the oldest went first");
    assert!(!left.complete, "a reader after 0 missed pruned rows: it re-reads the queue");
    assert!(db.queue_changes_after(a, ids[1], 200).await.unwrap().complete, "one that saw them did not");
    assert_eq!(db.prune_queue_changes(NOW + Duration::seconds(1), 100).await.unwrap(), 3);
    assert_eq!(db.latest_queue_change(a).await.unwrap(), 0);
    assert!(!db.queue_changes_after(a, max, 200).await.unwrap().complete, "an empty table: re-read");
    // A new change never takes a pruned id.
    reported(db, a, u, 9).await;
    assert!(db.latest_queue_change(a).await.unwrap() > max);
}

/// A learner of `org` with a passed attempt and its certificate `code`, issued at
/// `issued` and valid a year; one lesson done. Returns (user, attempt).
async fn trained(db: &Db, org: OrgId, email: &str, code: &str, issued: OffsetDateTime) -> (UserId, uuid::Uuid) {
    let u = user(db, org, email, &[Role::Learner]).await;
    let learner = Learner::User { org, user: u };
    db.mark_lesson_done(org, u, "cabin-crew", "one", issued).await.unwrap();
    let id = db.create_attempt(&learner, "cabin-crew", "fi", "[]", issued).await.unwrap();
    let c = NewCertificate { issued_at: issued, valid_until: issued + Duration::days(365), ..cert(code, id) };
    db.submit_attempt(&learner, id, "[]", 90, true, Some(&c), issued).await.unwrap();
    (u, id)
}

async fn training_records_of_a_person_who_left_go_after_the_period_and_a_present_persons_stay(db: &Db) {
    let a = org(db, "Airline A").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let (left, left_attempt) = trained(db, a, "left@a.example", "SL-LEFT-LEFT-LEFT", NOW).await;
    let (stays, stays_attempt) = trained(db, a, "stays@a.example", "SL-STAY-STAY-STAY", NOW).await;
    let set = NewAuditEntry::new(AuditAction::RetentionChanged).org(a).actor(admin);
    db.set_retention_policy(a, &retention(&[("training_days", "30")]), &set, NOW).await.unwrap();
    let leave = NewAuditEntry::new(AuditAction::UserDeactivated).org(a).actor(admin).target("user", left);
    db.deactivate_user(a, left, &leave, NOW).await.unwrap();
    assert!(!db.get_user(a, left).await.unwrap().active);
    assert!(matches!(db.deactivate_user(a, left, &leave, NOW).await, Err(StorageError::NotFound)), "left once");

    // Not before 30 days after leaving.
    assert_eq!(db.due_counts(NOW + Duration::days(29)).await.unwrap().training, 0);
    assert!(db.purge_training_batch(NOW + Duration::days(29), 10).await.unwrap().is_empty());
    let later = NOW + Duration::days(31);
    assert_eq!(db.due_counts(later).await.unwrap().training, 1);
    assert_eq!(db.purge_training_batch(later, 10).await.unwrap(), vec![(a, left)]);
    assert!(db.purge_training_batch(later, 10).await.unwrap().is_empty(), "nothing left");
    assert_eq!(db.due_counts(later).await.unwrap().training, 0);

    // The leaver's progress and attempts are gone; their certificate lost its attempt link.
    assert!(db.lessons_done(a, left, "cabin-crew").await.unwrap().is_empty());
    let gone = Learner::User { org: a, user: left };
    assert!(matches!(db.attempt(&gone, left_attempt).await, Err(StorageError::NotFound)));
    assert_eq!(db.certificate("SL-LEFT-LEFT-LEFT").await.unwrap().attempt_id, None);
    // The present person's stay whole.
    assert_eq!(db.lessons_done(a, stays, "cabin-crew").await.unwrap(), ["one"]);
    let here = Learner::User { org: a, user: stays };
    assert!(db.attempt(&here, stays_attempt).await.is_ok());
    assert_eq!(db.certificate("SL-STAY-STAY-STAY").await.unwrap().attempt_id, Some(stays_attempt));
    let entries = db.audit_for_org(a, 50).await.unwrap().entries;
    let purged: Vec<_> = entries.iter().filter(|e| e.action == "training.purged").collect();
    assert_eq!(purged.len(), 1);
    assert_eq!(purged[0].target_id, Some(left.to_string()));
    assert!(purged[0].actor.is_none() && purged[0].detail.contains("1 check attempt(s), 1 lesson(s)"));
    db.verify_audit_chain().await.unwrap();
}

async fn certificate_tombstones_keep_no_link_to_the_person(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let (holder, attempt) = trained(db, a, "old@a.example", "SL-OLDC-OLDC-OLDC", NOW).await;
    trained(db, a, "new@a.example", "SL-NEWC-NEWC-NEWC", NOW + Duration::days(300)).await;
    trained(db, b, "other@b.example", "SL-OTHB-OTHB-OTHB", NOW).await;
    let set = NewAuditEntry::new(AuditAction::RetentionChanged).org(a).actor(admin);
    db.set_retention_policy(a, &retention(&[("certificates_days", "10")]), &set, NOW).await.unwrap();

    let scope = (sightline_storage::StatsScope::Org(a), 202601, 202812);
    let before = db.statistics(scope.0, scope.1, scope.2).await.unwrap();
    assert_eq!(before.training.iter().map(|t| t.people).sum::<i64>(), 2);
    // Expired at NOW + 365 days; due 10 days later.
    let due_at = NOW + Duration::days(375);
    assert_eq!(db.due_counts(due_at - Duration::seconds(1)).await.unwrap().certificates, 0);
    assert_eq!(db.due_counts(due_at).await.unwrap().certificates, 1);
    let by_org = db.certificates_due_by_org(due_at).await.unwrap();
    assert_eq!(by_org, vec![(a, NOW)]);
    assert_eq!(db.purge_certificates_batch(due_at, 10).await.unwrap().len(), 1);
    assert!(db.purge_certificates_batch(due_at, 10).await.unwrap().is_empty(), "once");

    // The tombstone: course, dates, position; no holder, name, attempt or revoker.
    assert!(matches!(db.certificate("SL-OLDC-OLDC-OLDC").await, Err(StorageError::NotFound)));
    let t = db.certificate_tombstone("SL-OLDC-OLDC-OLDC").await.unwrap().unwrap();
    assert_eq!(
        (t.course_id.as_str(), t.issued_at, t.valid_until, t.purged_at),
        ("cabin-crew", NOW, NOW + Duration::days(365), due_at)
    );
    assert_eq!(db.certificate_tombstone("SL-NEWC-NEWC-NEWC").await.unwrap(), None, "not due yet");
    let rows = testing::dump_text(db).await.unwrap();
    let line = rows.lines().find(|l| l.starts_with("certificates:") && l.contains("SL-OLDC-OLDC-OLDC")).unwrap();
    for (what, needle) in [
        ("holder", holder.to_string()),
        ("holder (hex)", holder.as_uuid().simple().to_string()),
        ("attempt", attempt.to_string()),
        ("attempt (hex)", attempt.simple().to_string()),
        ("name", "Test Person".to_owned()),
    ] {
        assert!(!line.to_lowercase().contains(&needle.to_lowercase()), "the tombstone keeps the {what}: {line}");
    }
    assert!(db.completions_of(a, holder).await.unwrap().is_empty());
    // Statistics count the tombstone as before, and a rebuild from the rows too.
    assert_eq!(db.statistics(scope.0, scope.1, scope.2).await.unwrap(), before);
    db.rebuild_statistics(&|_: &str, _: &str| "europe>europe".to_owned()).await.unwrap();
    assert_eq!(db.statistics(scope.0, scope.1, scope.2).await.unwrap().training, before.training);
    assert!(db.certificate("SL-NEWC-NEWC-NEWC").await.is_ok() && db.certificate("SL-OTHB-OTHB-OTHB").await.is_ok());
    let entries = db.audit_for_org(a, 50).await.unwrap().entries;
    let purged: Vec<_> = entries.iter().filter(|e| e.action == "certificate.purged").collect();
    assert_eq!(purged.len(), 1);
    assert!(purged[0].actor.is_none() && !purged[0].detail.contains("Test Person"));
    db.verify_audit_chain().await.unwrap();
}

/// Entries of `org` written `days_ago` days before `NOW` (so older than a year).
async fn old_entries(db: &Db, org: OrgId, n: usize, days_ago: i64) {
    for i in 0..n {
        let e = NewAuditEntry::new(AuditAction::SignIn)
            .org(org)
            .target("user", format!("u{i}"))
            .detail(format!("old detail {i}"))
            .ip(Some("192.0.2.7".into()));
        db.append_audit(&e, NOW - Duration::days(days_ago)).await.unwrap();
    }
}

async fn redaction_keeps_the_audit_chain_verifiable_and_spares_held_cases(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    let admin = user(db, a, "admin@a.example", &[Role::OrgAdmin]).await;
    let crew = user(db, a, "crew@a.example", &[Role::Reporter]).await;
    let held = uuid::Uuid::now_v7();
    db.put_report(&report(held, a, crew, 1), NOW - Duration::days(500)).await.unwrap();
    old_entries(db, a, 3, 500).await;
    old_entries(db, b, 2, 500).await;
    let untargeted = NewAuditEntry::new(AuditAction::SignInFailed).org(a).detail("no target");
    db.append_audit(&untargeted, NOW - Duration::days(500)).await.unwrap();
    let about_held = NewAuditEntry::new(AuditAction::ReportViewed).org(a).actor(admin).target("report", held);
    db.append_audit(&about_held, NOW - Duration::days(500)).await.unwrap();
    old_entries(db, a, 1, 10).await;
    let set = NewAuditEntry::new(AuditAction::RetentionChanged).org(a).actor(admin);
    db.set_retention_policy(a, &retention(&[("audit_days", "365")]), &set, NOW).await.unwrap();
    let hold = NewAuditEntry::new(AuditAction::LegalHoldPlaced).org(a).actor(admin).target("report", held);
    db.set_legal_hold(a, held, Some(("Court order 12", admin)), &hold, NOW).await.unwrap();

    let before = db.audit_after(0, 1000).await.unwrap();
    let due = db.due_counts(NOW).await.unwrap().audit;
    // Org A's old entries, not B's (no period), not the held case's, not the recent one.
    let old_a: Vec<_> = before.iter().filter(|e| e.org_id == Some(a) && e.at < NOW - Duration::days(365)).collect();
    let free = old_a.iter().filter(|e| e.target_id.as_deref() != Some(held.to_string().as_str())).count();
    assert!(free >= 3 && free < old_a.len(), "some old entries are about the held case");
    assert_eq!(due as usize, free);
    let mut sizes = Vec::new();
    loop {
        let n = db.redact_audit_batch(NOW, 2).await.unwrap();
        sizes.push(n);
        if n < 2 {
            break;
        }
    }
    assert_eq!(sizes.iter().sum::<usize>(), free);
    let batches = sizes.iter().filter(|n| **n > 0).count();
    assert_eq!(db.verify_audit_chain().await.unwrap() as usize, before.len() + batches, "one record a batch");

    let after = db.audit_after(0, 1000).await.unwrap();
    for (old, new) in before.iter().zip(&after) {
        assert_eq!((old.seq, old.at, old.org_id, &old.action), (new.seq, new.at, new.org_id, &new.action));
        assert_eq!((&old.prev_hash, &old.hash), (&new.prev_hash, &new.hash), "hashes stay");
        if new.redacted_at.is_some() {
            assert_eq!((new.detail.as_str(), new.ip.as_deref(), new.actor), ("", None, None));
            assert_eq!(new.org_id, Some(a));
        } else {
            assert_eq!(old, new);
        }
    }
    assert!(
        after.iter().filter(|e| e.target_id.as_deref() == Some(&held.to_string())).all(|e| e.redacted_at.is_none())
    );
    assert!(after.iter().filter(|e| e.org_id == Some(b)).all(|e| e.redacted_at.is_none()));
    assert!(after.iter().find(|e| e.action == "auth.sign_in_failed").unwrap().redacted_at.is_some(), "no target");
    let records: Vec<_> = after.iter().filter(|e| e.action == "audit.redacted").collect();
    assert_eq!(records.len(), batches);
    assert!(records.iter().all(|r| r.org_id == Some(a) && r.target_kind.as_deref() == Some("audit_range")));
}

async fn a_redacted_entry_without_a_covering_record_fails_verification(db: &Db) {
    let a = org(db, "Airline A").await;
    old_entries(db, a, 2, 500).await;
    let set = NewAuditEntry::new(AuditAction::RetentionChanged).org(a);
    db.set_retention_policy(a, &retention(&[("audit_days", "400")]), &set, NOW).await.unwrap();
    db.verify_audit_chain().await.unwrap();
    // The guard lets an old row be redacted (the purge's update) …
    let seq = db.audit_after(0, 10).await.unwrap().iter().find(|e| e.detail == "old detail 0").unwrap().seq;
    testing::execute(
        db,
        &format!("UPDATE audit_log SET detail = '', ip = NULL, actor_id = NULL, redacted_at = 1 WHERE seq = {seq}"),
    )
    .await
    .unwrap();
    // … but without an `audit.redacted` record covering it, the chain does not verify.
    match db.verify_audit_chain().await.unwrap_err() {
        StorageError::AuditChain(e) => assert_eq!(e, sightline_domain::audit::ChainError::UncoveredRedaction { seq }),
        other => panic!("unexpected {other:?}"),
    }
}

async fn the_database_refuses_any_other_change_to_the_audit_log(db: &Db) {
    let a = org(db, "Airline A").await;
    let b = org(db, "Airline B").await;
    old_entries(db, a, 2, 500).await;
    old_entries(db, b, 1, 500).await;
    old_entries(db, a, 1, 10).await;
    let set = NewAuditEntry::new(AuditAction::RetentionChanged).org(a);
    db.set_retention_policy(a, &retention(&[("audit_days", "365")]), &set, NOW).await.unwrap();
    let entries = db.audit_after(0, 100).await.unwrap();
    let seq_of = |detail: &str, org: OrgId| {
        entries
            .iter()
            .find(|e| e.detail == detail && e.org_id == Some(org) && e.at < NOW - Duration::days(400))
            .unwrap()
            .seq
    };
    let (old, old_b) = (seq_of("old detail 0", a), seq_of("old detail 0", b));
    let recent = entries.iter().find(|e| e.org_id == Some(a) && e.at == NOW - Duration::days(10)).unwrap().seq;
    let redact = "detail = '', ip = NULL, actor_id = NULL, redacted_at = 1";
    for (what, sql) in [
        ("a row newer than the period", format!("UPDATE audit_log SET {redact} WHERE seq = {recent}")),
        ("a row of an organisation without a period", format!("UPDATE audit_log SET {redact} WHERE seq = {old_b}")),
        ("the hash", format!("UPDATE audit_log SET {redact}, hash = prev_hash WHERE seq = {old}")),
        ("the previous hash", format!("UPDATE audit_log SET {redact}, prev_hash = hash WHERE seq = {old}")),
        ("the action", format!("UPDATE audit_log SET {redact}, action = 'x' WHERE seq = {old}")),
        ("the time", format!("UPDATE audit_log SET {redact}, at = at + 1 WHERE seq = {old}")),
        ("a detail rewritten", format!("UPDATE audit_log SET detail = 'edited', redacted_at = 1 WHERE seq = {old}")),
        (
            "no redaction mark",
            format!("UPDATE audit_log SET detail = '', ip = NULL, actor_id = NULL WHERE seq = {old}"),
        ),
        ("a delete", format!("DELETE FROM audit_log WHERE seq = {old}")),
    ] {
        assert!(testing::execute(db, &sql).await.is_err(), "the database allowed {what}");
    }
    // Exactly the redaction of an old row passes, once.
    testing::execute(db, &format!("UPDATE audit_log SET {redact} WHERE seq = {old}")).await.unwrap();
    assert!(
        testing::execute(db, &format!("UPDATE audit_log SET redacted_at = 2 WHERE seq = {old}")).await.is_err(),
        "a redacted row is not changed again"
    );
    // An audit.redacted record is never redacted.
    db.redact_audit_batch(NOW, 10).await.unwrap();
    let record = db.audit_after(0, 100).await.unwrap().into_iter().find(|e| e.action == "audit.redacted").unwrap();
    let sql = format!("UPDATE audit_log SET {redact} WHERE seq = {}", record.seq);
    assert!(testing::execute(db, &sql).await.is_err());
}

async fn a_tip_challenge_is_spent_once_by_any_number_of_nodes_and_purged_after_it_expires(db: &Db) {
    let expires = NOW.unix_timestamp() + 900;
    // Racing spenders (spawned, as on several nodes): exactly one spends it.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move { db.spend_challenge("nonce-a", expires).await.unwrap() }));
    }
    let mut spent = 0;
    for t in tasks {
        spent += usize::from(t.await.unwrap());
    }
    assert_eq!(spent, 1, "one spender of eight");
    assert!(db.spend_challenge("nonce-b", expires + 60).await.unwrap(), "another challenge is its own");
    // Kept while the challenge is good; purged once it expired (and only then).
    db.purge_expired(NOW + Duration::seconds(899), NOW).await.unwrap();
    assert!(!db.spend_challenge("nonce-a", expires).await.unwrap(), "still spent before it expires");
    db.purge_expired(NOW + Duration::seconds(900), NOW).await.unwrap();
    assert!(db.spend_challenge("nonce-a", expires).await.unwrap(), "forgotten after it expired");
    assert!(!db.spend_challenge("nonce-b", expires + 60).await.unwrap(), "the later one is kept");
}
