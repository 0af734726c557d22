//! `serve --demo`: demo organisations with one account per role, so a newcomer can try
//! every screen at once. Never use it on a production database.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::learn::Audience;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::report::{AgeRange, PerceivedGender, PersonDescription, ReportInput};
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
            ("Airport Desk Demo", "desk@demo-airport.example", &[Role::DeskAnalyst, Role::Learner]),
            ("Airport Admin Demo", "admin@demo-airport.example", &[Role::OrgAdmin, Role::Learner]),
        ],
    ),
    (
        "Demo NGO",
        OrgKind::Ngo,
        &[
            ("Caseworker Demo", "caseworker@demo-ngo.example", &[Role::Caseworker, Role::Learner]),
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
    // Public tips (/tip) naming HEL go to the demo airport's desk; the others to the
    // platform's public desk (made here, or on the first tip in a real deployment).
    let airport = db.org_by_name(&OrgName::parse("Demo Airport")?).await?.id;
    if db.covering_org("HEL").await?.is_none() && db.org_airports(airport).await?.is_empty() {
        let audit = NewAuditEntry::new(AuditAction::OrgAirportsChanged).detail("HEL (demo seed)");
        db.set_org_airports(airport, &["HEL".to_owned()], &audit, now).await?;
        created += 1;
    }
    db.public_desk(now).await?;
    println!(
        "  Public tips at /tip: HEL goes to Demo Airport's desk, others to the {}.",
        sightline_storage::PUBLIC_DESK_NAME
    );
    created += seed_partner_page(db, now).await?;
    println!("  Partner page: /partners/demo-ngo (published, demo data).");
    if created == 0 {
        println!("  (already present; nothing new created)");
    }
    println!("  Desk analysts and admins set up two-factor sign-in on first sign-in.");
    Ok(())
}

/// Demo NGO's public partner page at `/partners/demo-ngo`, published, with a donation
/// link on a reserved example domain; made once (an admin's later edits stand).
async fn seed_partner_page(db: &Db, now: OffsetDateTime) -> Result<u32, Fatal> {
    use sightline_domain::partner::{Profile, ProfileDraft};
    let ngo = db.org_by_name(&OrgName::parse("Demo NGO")?).await?.id;
    if db.partner_page(ngo).await?.is_some() {
        return Ok(0);
    }
    let Some(admin) = db.user_by_email(&Email::parse("admin@demo-ngo.example")?).await? else { return Ok(0) };
    let draft = ProfileDraft {
        slug: "demo-ngo".into(),
        about: "Demo data: Demo NGO is a made-up organisation that shows what a partner page looks like. \
                It is not a real organisation and the links lead nowhere.\n\n\
                A partner like this runs awareness sessions for airport and airline staff, gives potential \
                victims of human trafficking a safe place to stay, and helps them with legal advice, medical \
                care and, when they choose it, the journey home."
            .into(),
        services: ["awareness", "shelter", "legal_aid", "medical", "return_home", "hotline"].map(String::from).to_vec(),
        // Ofcom's range for drama (+44 7700 900000–900999): reaches no one.
        phone: "+44 7700 900123".into(),
        website: "https://demo-ngo.example/".into(),
        email: "help@demo-ngo.example".into(),
        donation_url: "https://donate.demo-ngo.example/".into(),
        published: true,
    };
    let profile = Profile::parse(&draft).map_err(|e| Fatal::from(format!("demo partner page: {:?}", e.0)))?;
    let audit = NewAuditEntry::new(AuditAction::PartnerPageChanged)
        .org(ngo)
        .actor(admin.id)
        .detail("demo seed: /partners/demo-ngo");
    db.put_partner_page(ngo, &profile, 0, admin.id, &audit, now).await?;
    Ok(1)
}

/// Routes between airports in the bundled data (origin, destination, flight number).
const ROUTES: [(&str, &str, &str); 16] = [
    ("HEL", "JFK", "SL5"),
    ("JFK", "HEL", "SL6"),
    ("HEL", "BKK", "SL141"),
    ("BKK", "HEL", "SL142"),
    ("HEL", "ATH", "SL1331"),
    ("ATH", "HEL", "SL1332"),
    ("LHR", "HEL", "SL1340"),
    ("HEL", "LHR", "SL1333"),
    ("DXB", "HEL", "SL962"),
    ("JNB", "DXB", "SL770"),
    ("HEL", "ORD", "SL7"),
    ("IST", "HEL", "SL1762"),
    ("HEL", "KEF", "SL801"),
    ("CDG", "HEL", "SL1572"),
    ("HEL", "DOH", "SL6001"),
    ("HEL", "ARN", "SL801"),
];

/// Indicator mixes crew plausibly tick (core-four signs are common, alone or with others).
const MIXES: [&[&str]; 8] = [
    &["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR"],
    &["REL-NOT-GENUINE", "BEH-FEARFUL"],
    &["TRV-NO-CLEAR-PLAN"],
    &["DOC-HELD-BY-OTHER", "MOV-RESTRICTED", "BEH-FEARFUL"],
    &["MOV-ANSWERED-FOR"],
    &["TRV-NO-CLEAR-PLAN", "LUG-NONE-OR-TOO-LITTLE"],
    &["MOV-RESTRICTED", "REL-NOT-GENUINE"],
    &["BEH-FEARFUL", "COND-INJURIES"],
];

/// `sightline demo generate`: synthetic reports through the same validation and
/// sealing as real ones, stored in group commits.
pub async fn generate(
    db: &Db,
    library: &sightline_content::Library,
    keys: &sightline_domain::crypto::MasterKey,
    reporter: &str,
    n: usize,
) -> Result<std::process::ExitCode, Fatal> {
    let email = Email::parse(reporter)?;
    let user = db
        .user_by_email(&email)
        .await?
        .ok_or_else(|| Fatal(format!("no user {reporter}; start `sightline serve --demo` once first")))?;
    #[allow(clippy::disallowed_methods)]
    let now = sightline_app::Clock::System.now();
    let mut rng = sightline_domain::learn::Rng::from_seed(
        u64::try_from(now.unix_timestamp_nanos() & 0xFFFF_FFFF_FFFF).unwrap_or(1).to_le_bytes(),
    );
    let mut batch = Vec::new();
    let mut stored = 0;
    for i in 0..n {
        let (origin, destination, flight) = ROUTES[rng.below(ROUTES.len())];
        let mix: Vec<String> = MIXES[rng.below(MIXES.len())]
            .iter()
            .filter(|c| library.indicators.get(c).is_some())
            .map(|c| (*c).to_owned())
            .collect();
        let tz = sightline_domain::report::AirportLookup::airport(&library.airports, destination)
            .map(|a| a.tz.clone())
            .unwrap_or_default();
        // Arrivals from two hours ago to eighteen hours ahead, in destination local time.
        let arrival = now + time::Duration::minutes(i64::try_from(rng.below(20 * 60)).unwrap_or(0) - 120);
        let local = jiff_free_local(arrival, &tz);
        let input = ReportInput {
            reporter_role: ["cabin_crew", "cabin_crew", "gate", "check_in", "flight_deck"][rng.below(5)].into(),
            phase: ["in_flight", "in_flight", "boarding", "check_in"][rng.below(4)].into(),
            flight: flight.into(),
            date: local.0,
            origin: origin.into(),
            destination: destination.into(),
            scheduled_arrival: local.1,
            seats: vec![format!("{}{}", 10 + rng.below(30), ["A", "B", "C", "D", "E", "F"][rng.below(6)])],
            potential_victims: 1 + u8::try_from(rng.below(2)).unwrap_or(0),
            companions: u8::try_from(rng.below(2)).unwrap_or(0),
            indicators: mix,
            victims: vec![PersonDescription {
                age_range: AgeRange::Teen,
                gender: PerceivedGender::Unknown,
                clothing: String::new(),
            }],
            companions_described: vec![],
            disclosed: rng.below(12) == 0,
            companion_aware: "unknown".into(),
            immediate_danger: rng.below(20) == 0,
            free_text: format!("Synthetic demo report {i}: details as a crew member might note them."),
            considered_innocent_explanations: true,
            client_created_at: None,
            ..ReportInput::default()
        };
        let report =
            sightline_web::reports::prepare(library, keys, &user, uuid::Uuid::now_v7(), &input, &Default::default())
                .map_err(|e| Fatal(format!("generated report {i} was refused: {e:?}")))?;
        batch.push(report);
        if batch.len() == 500 {
            stored += db.put_reports(&batch, now).await?.into_iter().filter(Result::is_ok).count();
            batch.clear();
        }
    }
    if !batch.is_empty() {
        stored += db.put_reports(&batch, now).await?.into_iter().filter(Result::is_ok).count();
    }
    println!("{stored} synthetic reports stored for {reporter}");
    Ok(std::process::ExitCode::SUCCESS)
}

/// The date and `HH:MM` of an instant in an IANA zone (UTC if the zone is unknown).
fn jiff_free_local(t: OffsetDateTime, tz: &str) -> (String, String) {
    let offset = sightline_domain::report::utc_offset_at(t, tz).unwrap_or(time::UtcOffset::UTC);
    let l = t.to_offset(offset);
    (format!("{:04}-{:02}-{:02}", l.year(), u8::from(l.month()), l.day()), format!("{:02}:{:02}", l.hour(), l.minute()))
}
