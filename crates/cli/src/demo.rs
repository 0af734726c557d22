//! `serve --demo`: demo organisations with one account per role, so a newcomer can try
//! every screen at once. Never use it on a production database.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::learn::Audience;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::{Email, PersonName, Role, Roles};
use sightline_storage::{Db, NewUser};
use time::OffsetDateTime;

use crate::Fatal;

/// The demo accounts' shared password (printed; demo data only).
pub const PASSWORD: &str = "demo-password-2026";

/// (person, e-mail, roles)
type DemoUser = (&'static str, &'static str, &'static [Role]);

const ORGS: [(&str, OrgKind, &[DemoUser]); 3] = [
    (
        "Demo Airline",
        OrgKind::Airline,
        &[
            ("Cabin Crew Demo", "crew@demo-airline.example", &[Role::Reporter, Role::Learner]),
            ("Desk Analyst Demo", "desk@demo-airline.example", &[Role::DeskAnalyst, Role::Learner]),
            ("Airline Admin Demo", "admin@demo-airline.example", &[Role::OrgAdmin, Role::Learner]),
        ],
    ),
    (
        "Demo Airport",
        OrgKind::Airport,
        &[
            ("Security Officer Demo", "security@demo-airport.example", &[Role::Reporter, Role::Learner]),
            ("Airport Admin Demo", "admin@demo-airport.example", &[Role::OrgAdmin, Role::Learner]),
        ],
    ),
    (
        "Demo NGO",
        OrgKind::Ngo,
        &[
            ("Caseworker Demo", "caseworker@demo-ngo.example", &[Role::Learner]),
            ("NGO Admin Demo", "admin@demo-ngo.example", &[Role::OrgAdmin, Role::Learner]),
        ],
    ),
];

fn position_of(email: &str) -> Option<Audience> {
    match email.split('@').next() {
        Some("crew") => Some(Audience::CabinCrew),
        Some("security") => Some(Audience::Security),
        _ => None,
    }
}

pub async fn seed(db: &Db, now: OffsetDateTime) -> Result<(), Fatal> {
    let hash = sightline_web::hash_password(PASSWORD)?;
    let mut created = 0;
    println!("Demo mode: sample organisations and accounts (password for all: {PASSWORD})");
    for (org_name, kind, users) in ORGS {
        let name = OrgName::parse(org_name)?;
        let org = match db.org_by_name(&name).await {
            Ok(o) => o.id,
            Err(_) => {
                created += 1;
                let audit = NewAuditEntry::new(AuditAction::OrgCreated).detail("demo seed");
                db.create_org(&name, kind, audit, now).await?
            }
        };
        for (person, email, roles) in users {
            let email = Email::parse(email)?;
            if db.user_by_email(&email).await?.is_none() {
                let user = NewUser {
                    name: PersonName::parse(person)?,
                    email: email.clone(),
                    roles: Roles::of(roles.iter().copied()),
                    base: Some("HEL".into()),
                    employee_id: None,
                    password_hash: Some(hash.clone()),
                    position: position_of(email.as_str()),
                };
                db.create_user(org, &user, NewAuditEntry::new(AuditAction::UserCreated).detail("demo seed"), now)
                    .await?;
                created += 1;
            }
            let role_names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            println!("  {org_name:<13} {email:<32} {}", role_names.join(", "));
        }
    }
    if created == 0 {
        println!("  (already present; nothing new created)");
    }
    println!("  Desk analysts and admins set up two-factor sign-in on first sign-in.");
    Ok(())
}
