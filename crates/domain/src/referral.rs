//! Referrals: the desk hands a case to a partner — an NGO or an authority, in
//! Sightline or outside it — with the person's consent recorded, a lawful basis, and
//! only what that recipient needs (a minimisation profile). What is shared is written
//! in the field names of IOM's Human Trafficking Case Data Standard (HTCDS, field
//! reference: <https://github.com/UNMigration/HTCDS/blob/master/HTCDS%20Field%20Reference.md>).
//!
//! Rules kept here:
//! - consent is recorded on every referral: given, not asked because the situation was
//!   urgent, or refused;
//! - an NGO receives identifying details only with consent given (Finland's assistance
//!   system, for one, needs consent before an identifying referral); law enforcement
//!   also when consent could not be asked because it was urgent; a refusal always
//!   limits the referral to what identifies no one;
//! - the lawful basis "consent" needs consent given;
//! - a recipient never receives a profile made for another kind of recipient (an NGO
//!   never gets the law-enforcement profile);
//! - a report that did not pass the decision gate needs the analyst's reason;
//! - nationality is never filled in, gender is "Unknown" (crew see a perceived gender,
//!   not a self-identified one; it travels in an extension field), the age is an
//!   estimated range (an extension field), methods of control are derived from the
//!   observed signs and say so.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::authority::CaseFacts;
use crate::directory::ContactKind;
use crate::org::OrgKind;
use crate::report::{AgeRange, PerceivedGender, SealedText};
use crate::{FieldError, FieldErrors};

simple_enum!(
    /// The potential victim's consent to being referred.
    Consent, "consent" {
        /// The person agreed to be referred.
        Given => "given",
        /// Not asked: the situation was urgent (immediate danger).
        NotAskedUrgent => "not_asked_urgent",
        /// The person said no: only what identifies no one may be shared.
        Refused => "refused",
    }
);

simple_enum!(
    /// The lawful basis for sharing personal data, as listed in Article 6(1) of the
    /// EU General Data Protection Regulation (Regulation (EU) 2016/679,
    /// <https://eur-lex.europa.eu/eli/reg/2016/679/oj>): (a) consent, (c) a legal
    /// obligation, (d) vital interests, (e) a task in the public interest, (f)
    /// legitimate interests.
    LawfulBasis, "lawful_basis" {
        Consent => "consent",
        LegalObligation => "legal_obligation",
        VitalInterests => "vital_interests",
        PublicTask => "public_task",
        LegitimateInterests => "legitimate_interests",
    }
);

simple_enum!(
    /// Who receives a referral, which decides what it may carry.
    RecipientKind, "recipient" {
        LawEnforcement => "law_enforcement",
        Ngo => "ngo",
    }
);

simple_enum!(
    /// What a referral carries, chosen for the kind of recipient.
    Profile, "profile" {
        /// Police and border authorities meeting the aircraft: the flight, seats and
        /// the neutral descriptions they need to find the person.
        LawEnforcement => "law_enforcement",
        /// Support organisations: no seats, clothing or reporter's role.
        Ngo => "ngo",
    }
);

simple_enum!(
    /// Why the case is referred (HTCDS `cas_ReasonForOutgoingReferral`).
    ReferralReason, "reason" {
        AdditionalServicesRequired => "additional_services_required",
        MigrationOrChangeOfLocation => "migration_or_change_of_location",
        Other => "other",
    }
);

simple_enum!(
    /// Where a referral stands.
    ReferralStatus, "status" {
        Sent => "sent", Acknowledged => "acknowledged", Accepted => "accepted", Declined => "declined",
    }
);

simple_enum!(
    /// Support the partner gave (or the person declined), recorded on an accepted referral.
    Support, "support" {
        Shelter => "shelter", LegalAid => "legal_aid", Medical => "medical", ReturnHome => "return_home",
        HandedToPolice => "handed_to_police", DeclinedByPerson => "declined_by_person",
    }
);

simple_enum!(
    /// HTCDS `org_Type` values Sightline's recipients map to.
    HtcdsOrgType, "org_type" {
        Ngo => "NGO", LawEnforcement => "LawEnforcement", ImmigrationService => "ImmigrationService",
        CentralGovernmentOrganisation => "CentralGovernmentOrganisation",
    }
);

simple_enum!(
    /// HTCDS `vic_MethodsOfControl` values (the field reference's picklist).
    MethodOfControl, "methods_of_control" {
        DebtBondage => "DebtBondage", TakesEarnings => "TakesEarnings",
        RestrictsFinancialAccess => "RestrictsFinancialAccess", Threats => "Threats",
        PsychologicalAbuse => "PsychologicalAbuse", PhysicalAbuse => "PhysicalAbuse",
        SexualAbuse => "SexualAbuse", FalsePromises => "FalsePromises",
        PsychoactiveSubstances => "PsychoactiveSubstances", RestrictsMovement => "RestrictsMovement",
        RestrictsMedicalCare => "RestrictsMedicalCare", ExcessiveWorkingHours => "ExcessiveWorkingHours",
        UsesChildren => "UsesChildren", ThreatOfLawEnforcement => "ThreatOfLawEnforcement",
        WithholdsNecessities => "WithholdsNecessities", WithholdsDocuments => "WithholdsDocuments",
        Other => "Other",
    }
);

impl ReferralReason {
    /// The HTCDS value name.
    #[must_use]
    pub const fn htcds(self) -> &'static str {
        match self {
            Self::AdditionalServicesRequired => "AdditionalServicesRequired",
            Self::MigrationOrChangeOfLocation => "MigrationOrChangeOfLocation",
            Self::Other => "Other",
        }
    }
}

impl RecipientKind {
    /// The kind of an organisation in Sightline, if it can receive referrals (NGOs and
    /// authorities can; airlines and airports cannot).
    #[must_use]
    pub const fn of_org(kind: OrgKind) -> Option<Self> {
        match kind {
            OrgKind::Ngo => Some(Self::Ngo),
            OrgKind::Authority => Some(Self::LawEnforcement),
            OrgKind::Airline | OrgKind::Airport => None,
        }
    }

    /// The kind of a directory entry outside Sightline: hotlines and victim assistance
    /// are support organisations; police, border and emergency lines law enforcement.
    #[must_use]
    pub const fn of_contact(kind: ContactKind) -> Self {
        match kind {
            ContactKind::NationalHotline | ContactKind::VictimAssistance => Self::Ngo,
            ContactKind::AirportPolice
            | ContactKind::BorderPolice
            | ContactKind::Police
            | ContactKind::BorderGuard
            | ContactKind::Emergency => Self::LawEnforcement,
        }
    }

    /// The profile offered first for this recipient.
    #[must_use]
    pub const fn default_profile(self) -> Profile {
        match self {
            Self::LawEnforcement => Profile::LawEnforcement,
            Self::Ngo => Profile::Ngo,
        }
    }

    /// May this recipient receive `profile`? An NGO only its own; law enforcement
    /// either (the NGO profile carries less).
    #[must_use]
    pub const fn allows(self, profile: Profile) -> bool {
        matches!((self, profile), (Self::LawEnforcement, _) | (Self::Ngo, Profile::Ngo))
    }

    /// The HTCDS organisation type.
    #[must_use]
    pub const fn htcds_type(self, contact: Option<ContactKind>) -> HtcdsOrgType {
        match (self, contact) {
            (Self::Ngo, _) => HtcdsOrgType::Ngo,
            (Self::LawEnforcement, Some(ContactKind::BorderPolice | ContactKind::BorderGuard)) => {
                HtcdsOrgType::ImmigrationService
            }
            (Self::LawEnforcement, _) => HtcdsOrgType::LawEnforcement,
        }
    }
}

/// One part of a case a referral may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SharedField {
    /// The case's reference, so the partner and the desk can speak of it.
    Reference,
    /// The origin and destination airports (and the destination's city and country).
    Route,
    /// The month of the flight only.
    TransitMonth,
    /// The day of the flight.
    TransitDate,
    /// The flight number.
    Flight,
    /// The scheduled arrival time.
    Arrival,
    Seats,
    /// How many potential victims and companions.
    Counts,
    /// The observed signs (and the methods of control derived from them).
    Signs,
    /// Each potential victim's estimated age range and perceived gender.
    People,
    /// Clothing and other neutral details that let someone find the person.
    Clothing,
    /// The reporter's own words.
    FreeText,
    /// Which job the reporter does (cabin crew, gate agent …).
    ReporterRole,
}

impl SharedField {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::Route => "route",
            Self::TransitMonth => "transit_month",
            Self::TransitDate => "transit_date",
            Self::Flight => "flight",
            Self::Arrival => "arrival",
            Self::Seats => "seats",
            Self::Counts => "counts",
            Self::Signs => "signs",
            Self::People => "people",
            Self::Clothing => "clothing",
            Self::FreeText => "free_text",
            Self::ReporterRole => "reporter_role",
        }
    }
}

const NOT_IDENTIFYING: &[SharedField] =
    &[SharedField::Reference, SharedField::Route, SharedField::TransitMonth, SharedField::Counts, SharedField::Signs];

const LAW_ENFORCEMENT: &[SharedField] = &[
    SharedField::Reference,
    SharedField::Route,
    SharedField::TransitDate,
    SharedField::Flight,
    SharedField::Arrival,
    SharedField::Seats,
    SharedField::Counts,
    SharedField::Signs,
    SharedField::People,
    SharedField::Clothing,
    SharedField::FreeText,
    SharedField::ReporterRole,
];

const NGO: &[SharedField] = &[
    SharedField::Reference,
    SharedField::Route,
    SharedField::TransitDate,
    SharedField::Flight,
    SharedField::Arrival,
    SharedField::Counts,
    SharedField::Signs,
    SharedField::People,
    SharedField::FreeText,
];

impl Profile {
    /// May this profile carry identifying details with this consent? Law enforcement
    /// when consent was given or could not be asked because it was urgent; an NGO only
    /// with consent given.
    #[must_use]
    pub const fn identifying(self, consent: Consent) -> bool {
        match (self, consent) {
            (_, Consent::Refused) | (Self::Ngo, Consent::NotAskedUrgent) => false,
            (_, Consent::Given) | (Self::LawEnforcement, Consent::NotAskedUrgent) => true,
        }
    }

    /// What a referral with this profile and consent carries.
    #[must_use]
    pub const fn shares(self, consent: Consent) -> &'static [SharedField] {
        if !self.identifying(consent) {
            return NOT_IDENTIFYING;
        }
        match self {
            Self::LawEnforcement => LAW_ENFORCEMENT,
            Self::Ngo => NGO,
        }
    }
}

/// What the desk typed to refer a case (form or API), before parsing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReferralDraft {
    #[serde(default)]
    pub consent: String,
    #[serde(default)]
    pub lawful_basis: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub profile: String,
    #[serde(default)]
    pub gate_override: String,
}

/// A partner in Sightline should acknowledge a referral within this time; after it the
/// desk is told (in the queue and on the case) to reach the partner another way.
pub const ACKNOWLEDGE_WITHIN: Duration = Duration::hours(4);

/// The longest referral details and decline reason.
pub const MAX_DETAILS: usize = 2000;
/// The longest reason for sending a report that did not pass the decision gate.
pub const MAX_OVERRIDE: usize = 500;

/// A referral's terms, parsed and checked against the recipient and the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralTerms {
    pub consent: Consent,
    pub lawful_basis: LawfulBasis,
    pub reason: ReferralReason,
    pub details: String,
    pub profile: Profile,
    /// Why it was sent although the report did not pass the decision gate.
    pub gate_override: Option<String>,
}

fn required<T: std::str::FromStr<Err = FieldError>>(s: &str, field: &'static str) -> Result<T, FieldError> {
    if s.trim().is_empty() { Err(FieldError::new(field, "required")) } else { s.parse() }
}

/// Free text: trimmed, at most `max` characters, lines and tabs but no other control
/// character.
fn text(s: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
    let s = s.trim();
    if s.chars().count() > max {
        Err(FieldError::new(field, "too-long"))
    } else if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        Err(FieldError::new(field, "control-characters"))
    } else {
        Ok(s.to_owned())
    }
}

impl ReferralTerms {
    /// Parse the desk's entry for a referral to `recipient` of a case whose report did
    /// (or did not) pass the decision gate.
    ///
    /// # Errors
    /// Every field at fault: `consent`, `lawful_basis`, `reason`, `profile` (`required`,
    /// `unknown-value`; `lawful_basis`/`consent-not-given`; `profile`/`not-for-recipient`),
    /// `details`/`too-long`, `gate_override`/`reason-required`.
    pub fn parse(d: &ReferralDraft, recipient: RecipientKind, gate_passed: bool) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let consent = e.check(required::<Consent>(&d.consent, "consent"));
        let basis = e.check(required::<LawfulBasis>(&d.lawful_basis, "lawful_basis").and_then(|b| {
            if b == LawfulBasis::Consent && consent.is_some_and(|c| c != Consent::Given) {
                Err(FieldError::new("lawful_basis", "consent-not-given"))
            } else {
                Ok(b)
            }
        }));
        let reason = e.check(required::<ReferralReason>(&d.reason, "reason"));
        let details = e.check(text(&d.details, "details", MAX_DETAILS));
        let profile = e.check(required::<Profile>(&d.profile, "profile").and_then(|p| {
            if recipient.allows(p) { Ok(p) } else { Err(FieldError::new("profile", "not-for-recipient")) }
        }));
        let gate_override = e.check(text(&d.gate_override, "gate_override", MAX_OVERRIDE).and_then(|o| {
            if gate_passed {
                Ok(None)
            } else if o.is_empty() {
                Err(FieldError::new("gate_override", "reason-required"))
            } else {
                Ok(Some(o))
            }
        }));
        e.or_value(|| {
            Some(Self {
                consent: consent?,
                lawful_basis: basis?,
                reason: reason?,
                details: details?,
                profile: profile?,
                gate_override: gate_override?,
            })
        })
    }

    /// What this referral carries.
    #[must_use]
    pub const fn shares(&self) -> &'static [SharedField] {
        self.profile.shares(self.consent)
    }

    /// Does it carry `field`?
    #[must_use]
    pub fn carries(&self, field: SharedField) -> bool {
        self.shares().contains(&field)
    }
}

/// A reason, given when declining a referral or reopening it: trimmed, not empty,
/// bounded.
///
/// # Errors
/// `reason`: `required`, `too-long`, `control-characters`.
pub fn parse_reason(s: &str) -> Result<String, FieldError> {
    let r = text(s, "reason", MAX_DETAILS)?;
    if r.is_empty() { Err(FieldError::new("reason", "required")) } else { Ok(r) }
}

/// A message on a referral between the desk and the partner.
///
/// # Errors
/// `message`: `required`, `too-long`, `control-characters`.
pub fn parse_message(s: &str) -> Result<String, FieldError> {
    let r = text(s, "message", MAX_DETAILS)?;
    if r.is_empty() { Err(FieldError::new("message", "required")) } else { Ok(r) }
}

/// A partner's step on a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartnerStep {
    Acknowledge,
    Accept,
    Decline {
        reason: String,
    },
    /// The support given; only on an accepted referral, at least one.
    RecordSupport(Vec<Support>),
}

impl PartnerStep {
    /// A step as a page or the API names it: `acknowledge`, `accept`, `decline` (with
    /// its `reason`) or `support` (with the support codes given).
    ///
    /// # Errors
    /// `decision`/`unknown-value`; the reason's or the support's errors.
    pub fn parse<'a>(
        decision: &str,
        reason: &str,
        support: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, FieldError> {
        match decision.trim() {
            "acknowledge" => Ok(Self::Acknowledge),
            "accept" => Ok(Self::Accept),
            "decline" => Ok(Self::Decline { reason: parse_reason(reason)? }),
            "support" => Ok(Self::RecordSupport(parse_support(support)?)),
            _ => Err(FieldError::new("decision", "unknown-value")),
        }
    }

    /// The status after this step from `from`.
    ///
    /// # Errors
    /// `status`/`not-allowed` for a step out of order (acknowledging twice, accepting a
    /// declined referral, recording support before accepting); `support`/`required`.
    pub fn apply(&self, from: ReferralStatus) -> Result<ReferralStatus, FieldError> {
        use ReferralStatus as S;
        let refused = FieldError::new("status", "not-allowed");
        match (self, from) {
            (Self::Acknowledge, S::Sent) => Ok(S::Acknowledged),
            (Self::Accept, S::Sent | S::Acknowledged) => Ok(S::Accepted),
            (Self::Decline { .. }, S::Sent | S::Acknowledged) => Ok(S::Declined),
            (Self::RecordSupport(s), S::Accepted) if s.is_empty() => Err(FieldError::new("support", "required")),
            (Self::RecordSupport(_), S::Accepted) => Ok(S::Accepted),
            _ => Err(refused),
        }
    }
}

/// Parse ticked support codes (unknown ones are an error, duplicates are dropped).
///
/// # Errors
/// `support`/`unknown-value`.
pub fn parse_support<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<Vec<Support>, FieldError> {
    let mut v: Vec<Support> =
        codes.into_iter().filter(|c| !c.trim().is_empty()).map(str::parse).collect::<Result<_, _>>()?;
    v.sort();
    v.dedup();
    Ok(v)
}

/// Space-separated support codes as stored.
#[must_use]
pub fn support_text(s: &[Support]) -> String {
    s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}

/// The methods of control each sign suggests (`content/htcds.toml`): sign code →
/// HTCDS values. A suggestion from an observation, never an established fact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ControlMapping {
    #[serde(default)]
    pub methods_of_control: BTreeMap<String, Vec<MethodOfControl>>,
}

impl ControlMapping {
    /// The methods of control suggested by these signs, each once, in HTCDS order.
    #[must_use]
    pub fn of<'a>(&self, signs: impl IntoIterator<Item = &'a str>) -> Vec<MethodOfControl> {
        let mut v: Vec<MethodOfControl> =
            signs.into_iter().filter_map(|s| self.methods_of_control.get(s)).flatten().copied().collect();
        v.sort();
        v.dedup();
        v
    }
}

/// What the referral is built from: the case as the desk sees it (its `signs` are
/// indicator codes), where it was going, and the report's text.
#[derive(Debug, Clone)]
pub struct ReferredCase<'a> {
    pub facts: CaseFacts<'a>,
    /// The destination's (or, unknown, the origin's) city and ISO 3166-1 country.
    pub city: &'a str,
    pub country: &'a str,
    pub text: &'a SealedText,
}

/// The parties of a referral.
#[derive(Debug, Clone)]
pub struct Parties<'a> {
    pub referring: &'a str,
    pub recipient: &'a str,
    pub recipient_type: HtcdsOrgType,
    /// E.164, when known.
    pub recipient_phone: Option<&'a str>,
    /// ISO 3166-1 alpha-2, when known (never a region such as `EU`).
    pub recipient_country: Option<&'a str>,
}

/// HTCDS Organisation fields of the referred organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HtcdsOrganisation {
    #[serde(rename = "org_Name")]
    pub name: String,
    #[serde(rename = "org_Type")]
    pub kind: String,
    #[serde(rename = "org_Phone", skip_serializing_if = "Option::is_none", default)]
    pub phone: Option<String>,
    #[serde(rename = "org_ShippingCountry", skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
}

/// HTCDS Historic Trafficking Event fields: the transit that was observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HtcdsTransit {
    #[serde(rename = "hte_Type")]
    pub kind: String,
    #[serde(rename = "hte_Date", skip_serializing_if = "Option::is_none", default)]
    pub date: Option<String>,
    #[serde(rename = "hte_City", skip_serializing_if = "Option::is_none", default)]
    pub city: Option<String>,
    #[serde(rename = "hte_Country", skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    #[serde(rename = "hte_Description", skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
}

/// HTCDS Person and Person Victim Context fields for one potential victim, with two
/// extension fields (`x_`) where HTCDS has nothing honest to offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HtcdsPerson {
    /// Always `Unknown`: crew see a perceived gender, not the person's own.
    #[serde(rename = "prs_Gender")]
    pub gender: String,
    /// Always null: Sightline records no nationality.
    #[serde(rename = "prs_Nationality")]
    pub nationality: Option<String>,
    #[serde(rename = "vic_AgreementToManagePersonalData")]
    pub agreement: bool,
    #[serde(rename = "vic_MethodsOfControl")]
    pub methods_of_control: Vec<MethodOfControl>,
    /// An estimated age range (HTCDS asks for a birth date, which crew cannot know).
    #[serde(rename = "x_EstimatedAgeRange", skip_serializing_if = "Option::is_none", default)]
    pub age_range: Option<AgeRange>,
    /// The gender as staff perceived it, kept apart from `prs_Gender`.
    #[serde(rename = "x_PerceivedGender", skip_serializing_if = "Option::is_none", default)]
    pub perceived_gender: Option<PerceivedGender>,
    #[serde(rename = "x_Clothing", skip_serializing_if = "Option::is_none", default)]
    pub clothing: Option<String>,
}

/// Sightline's own fields: how the referral was made and what of the case it carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub reference: Option<String>,
    pub consent: Consent,
    pub lawful_basis: LawfulBasis,
    pub profile: Profile,
    /// The parts of the case this record carries ([`SharedField::as_str`]).
    pub shared: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub transit_month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub destination: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub flight: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scheduled_arrival: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub seats: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub potential_victims: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub companions: Option<i32>,
    /// The observed signs' codes (`content/indicators.toml`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub signs: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reporter_role: Option<String>,
    /// Always says that the methods of control were derived from observations.
    pub note: String,
}

/// A referral in HTCDS field names: the Case fields, the referred Organisation, the
/// Transit event, the potential victims, and Sightline's extension. This is what is
/// sealed at rest and what the partner reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HtcdsReferral {
    #[serde(rename = "cas_Status")]
    pub status: String,
    #[serde(rename = "cas_ReferringOrganisation")]
    pub referring: String,
    #[serde(rename = "cas_ReferredOrganisation")]
    pub referred: String,
    #[serde(rename = "cas_OutgoingReferralDate")]
    pub date: String,
    #[serde(rename = "cas_ReasonForOutgoingReferral")]
    pub reason: String,
    #[serde(rename = "cas_OutgoingReferralDetails")]
    pub details: String,
    pub organisation: HtcdsOrganisation,
    pub transit_event: HtcdsTransit,
    pub persons: Vec<HtcdsPerson>,
    pub x_sightline: Extension,
}

/// The note every record carries about derived fields.
pub const DERIVED_NOTE: &str = "vic_MethodsOfControl is derived from signs airline or airport staff observed; \
     an observed sign does not prove trafficking. prs_Gender is Unknown because staff see only a perceived gender \
     (x_PerceivedGender); prs_Nationality is never recorded.";

fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Build what a referral shares: only the fields `terms` allow, in HTCDS names.
#[must_use]
pub fn htcds_record(
    referred: &ReferredCase<'_>,
    terms: &ReferralTerms,
    parties: &Parties<'_>,
    mapping: &ControlMapping,
    today: Date,
) -> HtcdsReferral {
    let case = &referred.facts;
    let has = |f| terms.carries(f);
    let keep = |f, v: &str| (has(f) && !v.is_empty()).then(|| v.to_owned());
    let controls = if has(SharedField::Signs) { mapping.of(case.signs.iter().copied()) } else { Vec::new() };
    let described = if has(SharedField::People) { referred.text.victims.as_slice() } else { &[] };
    let count = usize::try_from(case.potential_victims.max(0)).unwrap_or(0).max(described.len()).max(1);
    let persons = (0..count)
        .map(|i| {
            let d = described.get(i);
            HtcdsPerson {
                gender: "Unknown".to_owned(),
                nationality: None,
                agreement: terms.consent == Consent::Given,
                methods_of_control: controls.clone(),
                age_range: d.map(|p| p.age_range).filter(|a| *a != AgeRange::Unknown),
                perceived_gender: d.map(|p| p.gender).filter(|g| *g != PerceivedGender::Unknown),
                clothing: d
                    .filter(|_| has(SharedField::Clothing))
                    .map(|p| p.clothing.clone())
                    .filter(|c| !c.is_empty()),
            }
        })
        .collect();
    let month = case.flight_date.get(..7).filter(|m| m.len() == 7).map(str::to_owned);
    HtcdsReferral {
        status: "Active".to_owned(),
        referring: parties.referring.to_owned(),
        referred: parties.recipient.to_owned(),
        date: iso_date(today),
        reason: terms.reason.htcds().to_owned(),
        details: terms.details.clone(),
        organisation: HtcdsOrganisation {
            name: parties.recipient.to_owned(),
            kind: parties.recipient_type.as_str().to_owned(),
            phone: parties.recipient_phone.map(str::to_owned),
            country: parties.recipient_country.filter(|c| c.len() == 2 && *c != "EU").map(str::to_owned),
        },
        transit_event: HtcdsTransit {
            kind: "Transit".to_owned(),
            date: keep(SharedField::TransitDate, case.flight_date),
            city: keep(SharedField::Route, referred.city),
            country: keep(SharedField::Route, referred.country),
            description: keep(SharedField::FreeText, &referred.text.free_text),
        },
        persons,
        x_sightline: Extension {
            reference: keep(SharedField::Reference, case.reference),
            consent: terms.consent,
            lawful_basis: terms.lawful_basis,
            profile: terms.profile,
            shared: terms.shares().iter().map(|f| f.as_str().to_owned()).collect(),
            transit_month: if has(SharedField::TransitMonth) { month } else { None },
            origin: keep(SharedField::Route, case.origin),
            destination: keep(SharedField::Route, case.destination),
            flight: keep(SharedField::Flight, case.flight),
            scheduled_arrival: case
                .scheduled_arrival
                .filter(|_| has(SharedField::Arrival))
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
            seats: keep(SharedField::Seats, case.seats),
            potential_victims: has(SharedField::Counts).then_some(case.potential_victims),
            companions: has(SharedField::Counts).then_some(case.companions),
            signs: has(SharedField::Signs).then(|| case.signs.iter().map(|s| (*s).to_owned()).collect()),
            reporter_role: keep(SharedField::ReporterRole, case.reporter_role),
            note: DERIVED_NOTE.to_owned(),
        },
    }
}

/// The CSV columns of a referral export: one row per potential victim.
pub const CSV_COLUMNS: [&str; 27] = [
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_ReferredOrganisation",
    "cas_OutgoingReferralDate",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDetails",
    "org_Name",
    "org_Type",
    "org_Phone",
    "org_ShippingCountry",
    "hte_Type",
    "hte_Date",
    "hte_City",
    "hte_Country",
    "hte_Description",
    "prs_Gender",
    "prs_Nationality",
    "vic_AgreementToManagePersonalData",
    "vic_MethodsOfControl",
    "x_EstimatedAgeRange",
    "x_PerceivedGender",
    "x_Clothing",
    "x_Reference",
    "x_Consent",
    "x_LawfulBasis",
    "x_Profile",
    "x_Signs",
];

impl HtcdsReferral {
    /// The rows of the CSV export (without the header, [`CSV_COLUMNS`]); multi-select
    /// values are joined with `;`. Cells are raw: the caller writes them through
    /// [`crate::export::spreadsheet_cell`].
    #[must_use]
    pub fn csv_rows(&self) -> Vec<[String; 27]> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let x = &self.x_sightline;
        self.persons
            .iter()
            .map(|p| {
                [
                    self.status.clone(),
                    self.referring.clone(),
                    self.referred.clone(),
                    self.date.clone(),
                    self.reason.clone(),
                    self.details.clone(),
                    self.organisation.name.clone(),
                    self.organisation.kind.clone(),
                    o(&self.organisation.phone),
                    o(&self.organisation.country),
                    self.transit_event.kind.clone(),
                    o(&self.transit_event.date),
                    o(&self.transit_event.city),
                    o(&self.transit_event.country),
                    o(&self.transit_event.description),
                    p.gender.clone(),
                    String::new(),
                    p.agreement.to_string(),
                    p.methods_of_control.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(";"),
                    p.age_range.map(|a| a.as_str().to_owned()).unwrap_or_default(),
                    p.perceived_gender.map(|g| g.as_str().to_owned()).unwrap_or_default(),
                    o(&p.clothing),
                    o(&x.reference),
                    x.consent.as_str().to_owned(),
                    x.lawful_basis.as_str().to_owned(),
                    x.profile.as_str().to_owned(),
                    x.signs.as_ref().map(|s| s.join(";")).unwrap_or_default(),
                ]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::PersonDescription;

    fn draft(consent: &str, basis: &str, profile: &str) -> ReferralDraft {
        ReferralDraft {
            consent: consent.into(),
            lawful_basis: basis.into(),
            reason: "additional_services_required".into(),
            details: " Meet at gate 32 ".into(),
            profile: profile.into(),
            gate_override: String::new(),
        }
    }

    fn text() -> SealedText {
        SealedText {
            victims: vec![PersonDescription {
                age_range: AgeRange::Teen,
                gender: PerceivedGender::Female,
                clothing: "red coat".into(),
            }],
            companions_described: vec![],
            free_text: "Answers for her.".into(),
            contact: String::new(),
        }
    }

    fn facts(text: &SealedText) -> ReferredCase<'_> {
        ReferredCase {
            facts: CaseFacts {
                reference: "SL-ABC",
                flight: "AY5",
                flight_date: "2026-12-02",
                origin: "HEL",
                destination: "JFK",
                scheduled_arrival: Some(time::macros::datetime!(2026-12-02 14:05 UTC)),
                seats: "12A",
                potential_victims: 2,
                companions: 1,
                signs: vec!["DOC-HELD-BY-OTHER", "MOV-NEVER-ALONE", "BEH-SCRIPTED"],
                reporter_role: "cabin_crew",
            },
            city: "New York",
            country: "US",
            text,
        }
    }

    fn mapping() -> ControlMapping {
        let mut m = BTreeMap::new();
        m.insert("DOC-HELD-BY-OTHER".to_owned(), vec![MethodOfControl::WithholdsDocuments]);
        m.insert("MOV-NEVER-ALONE".to_owned(), vec![MethodOfControl::RestrictsMovement]);
        ControlMapping { methods_of_control: m }
    }

    fn parties() -> Parties<'static> {
        Parties {
            referring: "Example Air",
            recipient: "Demo NGO",
            recipient_type: HtcdsOrgType::Ngo,
            recipient_phone: Some("+358401234567"),
            recipient_country: Some("FI"),
        }
    }

    const TODAY: Date = time::macros::date!(2026 - 12 - 03);

    #[test]
    fn every_field_at_fault_is_reported() {
        let e = ReferralTerms::parse(&ReferralDraft::default(), RecipientKind::Ngo, false).unwrap_err();
        let got: Vec<_> = e.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            [
                ("consent", "required"),
                ("lawful_basis", "required"),
                ("reason", "required"),
                ("profile", "required"),
                ("gate_override", "reason-required")
            ]
        );
        let d = ReferralDraft { details: "x".repeat(MAX_DETAILS + 1), ..draft("maybe", "consent", "law_enforcement") };
        let got: Vec<_> = ReferralTerms::parse(&d, RecipientKind::Ngo, true)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(got, [("consent", "unknown-value"), ("details", "too-long"), ("profile", "not-for-recipient")]);
    }

    #[test]
    fn consent_as_the_basis_needs_consent_given() {
        for c in ["refused", "not_asked_urgent"] {
            let e = ReferralTerms::parse(&draft(c, "consent", "ngo"), RecipientKind::Ngo, true).unwrap_err();
            assert_eq!(e.first().map(|e| (e.field, e.code)), Some(("lawful_basis", "consent-not-given")));
        }
        let t = ReferralTerms::parse(&draft("given", "consent", "ngo"), RecipientKind::Ngo, true).unwrap();
        assert_eq!(
            (t.consent, t.lawful_basis, t.details.as_str()),
            (Consent::Given, LawfulBasis::Consent, "Meet at gate 32")
        );
        let d = ReferralDraft { gate_override: " seen twice ".into(), ..draft("refused", "vital_interests", "ngo") };
        let t = ReferralTerms::parse(&d, RecipientKind::LawEnforcement, false).unwrap();
        assert_eq!(t.gate_override.as_deref(), Some("seen twice"));
    }

    #[test]
    fn refusal_and_urgency_limit_what_is_shared() {
        use SharedField as F;
        for p in Profile::ALL {
            assert_eq!(p.shares(Consent::Refused), NOT_IDENTIFYING);
            for f in [F::Flight, F::Seats, F::People, F::Clothing, F::FreeText, F::TransitDate, F::Arrival] {
                assert!(!p.shares(Consent::Refused).contains(&f), "{p} refused shares {f:?}");
            }
        }
        assert_eq!(Profile::Ngo.shares(Consent::NotAskedUrgent), NOT_IDENTIFYING);
        assert!(Profile::LawEnforcement.shares(Consent::NotAskedUrgent).contains(&F::Seats));
        for f in [F::Seats, F::Clothing, F::ReporterRole] {
            assert!(!Profile::Ngo.shares(Consent::Given).contains(&f), "NGO gets {f:?}");
        }
        // The NGO profile never carries more than the law-enforcement one.
        for c in Consent::ALL {
            assert!(
                Profile::Ngo
                    .shares(c)
                    .iter()
                    .all(|f| Profile::LawEnforcement.shares(c).contains(f) || *f == F::TransitMonth)
            );
        }
    }

    #[test]
    fn the_record_carries_only_what_the_terms_allow() {
        let t = text();
        let case = facts(&t);
        let terms =
            ReferralTerms::parse(&draft("refused", "vital_interests", "ngo"), RecipientKind::Ngo, true).unwrap();
        let r = htcds_record(&case, &terms, &parties(), &mapping(), TODAY);
        let json = serde_json::to_string(&r).unwrap();
        for secret in ["12A", "AY5", "red coat", "Answers for her", "2026-12-02", "cabin_crew", "teen", "female"] {
            assert!(!json.contains(secret), "refused referral leaks {secret}: {json}");
        }
        assert_eq!(r.persons.len(), 2);
        assert!(r.persons.iter().all(|p| !p.agreement && p.nationality.is_none() && p.gender == "Unknown"));
        assert_eq!(
            r.persons[0].methods_of_control,
            [MethodOfControl::RestrictsMovement, MethodOfControl::WithholdsDocuments]
        );
        assert_eq!(r.x_sightline.transit_month.as_deref(), Some("2026-12"));
        assert_eq!(r.transit_event.country.as_deref(), Some("US"));
        assert_eq!(r.date, "2026-12-03");

        let terms = ReferralTerms::parse(&draft("given", "consent", "ngo"), RecipientKind::Ngo, true).unwrap();
        let r = htcds_record(&case, &terms, &parties(), &mapping(), TODAY);
        assert_eq!(r.persons[0].age_range, Some(AgeRange::Teen));
        assert_eq!(r.persons[0].clothing, None, "an NGO does not need clothing");
        assert_eq!(r.x_sightline.seats, None);
        assert_eq!(r.transit_event.description.as_deref(), Some("Answers for her."));
        assert!(r.persons.iter().all(|p| p.agreement));

        let terms = ReferralTerms::parse(
            &draft("not_asked_urgent", "vital_interests", "law_enforcement"),
            RecipientKind::LawEnforcement,
            true,
        )
        .unwrap();
        let r = htcds_record(&case, &terms, &parties(), &mapping(), TODAY);
        assert_eq!(r.x_sightline.seats.as_deref(), Some("12A"));
        assert_eq!(r.persons[0].clothing.as_deref(), Some("red coat"));
        assert_eq!(r.x_sightline.scheduled_arrival.as_deref(), Some("2026-12-02T14:05:00Z"));
        let rows = r.csv_rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][18], "RestrictsMovement;WithholdsDocuments");
        assert_eq!(rows[0][16], "", "nationality stays empty");
    }

    #[test]
    fn partner_steps_follow_the_order() {
        use ReferralStatus as S;
        assert_eq!(PartnerStep::Acknowledge.apply(S::Sent), Ok(S::Acknowledged));
        assert!(PartnerStep::Acknowledge.apply(S::Acknowledged).is_err());
        assert_eq!(PartnerStep::Accept.apply(S::Sent), Ok(S::Accepted));
        assert_eq!(PartnerStep::Decline { reason: "full".into() }.apply(S::Acknowledged), Ok(S::Declined));
        assert!(PartnerStep::Accept.apply(S::Declined).is_err());
        assert!(PartnerStep::RecordSupport(vec![Support::Shelter]).apply(S::Sent).is_err());
        assert_eq!(PartnerStep::RecordSupport(vec![Support::Shelter]).apply(S::Accepted), Ok(S::Accepted));
        assert_eq!(PartnerStep::RecordSupport(vec![]).apply(S::Accepted).unwrap_err().field, "support");
        assert_eq!(parse_support(["shelter", "medical", "shelter", ""]).unwrap(), [Support::Shelter, Support::Medical]);
        assert!(parse_support(["hotel"]).is_err());
        assert_eq!(parse_reason("  ").unwrap_err().code, "required");
    }

    #[test]
    fn recipients_are_kinds_of_partner() {
        assert_eq!(RecipientKind::of_org(OrgKind::Airline), None);
        assert_eq!(RecipientKind::of_org(OrgKind::Ngo), Some(RecipientKind::Ngo));
        assert_eq!(RecipientKind::of_contact(ContactKind::VictimAssistance), RecipientKind::Ngo);
        assert_eq!(RecipientKind::of_contact(ContactKind::BorderPolice), RecipientKind::LawEnforcement);
        assert_eq!(
            RecipientKind::LawEnforcement.htcds_type(Some(ContactKind::BorderGuard)),
            HtcdsOrgType::ImmigrationService
        );
        assert!(!RecipientKind::Ngo.allows(Profile::LawEnforcement));
    }
}
