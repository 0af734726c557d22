//! Partner pages: the public page of an NGO (or authority) partner organisation at
//! `/partners/{slug}` — who they are, what they do, how to reach them and where to
//! donate. Its organisation's admins write it; the page adds impact figures from
//! Sightline's own data, each through the statistics' small-cell rule
//! ([`crate::stats::K`]).
//!
//! Every field is parsed here, and every field at fault is reported at once: the
//! slug (lower-case letters, digits and hyphens, 3 to 60), the text (required,
//! bounded, no control characters but line breaks), the services (codes from
//! [`Service`]), the public phone (E.164), the website and the donation link (https
//! only, a host, no user name or password — a link on a public page must not send a
//! reader anywhere but a secure page) and the e-mail address. A published page needs
//! at least one way to reach the organisation.

use crate::directory::E164;
use crate::error::{FieldError, FieldErrors};
use crate::stats::{self, Counts, K, Shown};
use crate::user::Email;

simple_enum!(
    /// What a partner does (a fixed list, labelled by the pages in the reader's language).
    Service, "services" {
        Awareness => "awareness", Shelter => "shelter", LegalAid => "legal_aid", Medical => "medical",
        ReturnHome => "return_home", Hotline => "hotline",
    }
);

/// The most characters of the "who we are" text.
pub const ABOUT_MAX: usize = 2000;
/// The most characters of a link.
pub const URL_MAX: usize = 500;

/// The page's address: `/partners/{slug}`. Lower-case ASCII letters, digits and
/// hyphens, 3 to 60 characters, neither starting nor ending with a hyphen.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    pub const MIN: usize = 3;
    pub const MAX: usize = 60;

    /// # Errors
    /// `slug`/`required` or `slug`/`invalid-slug`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(FieldError::new("slug", "required"));
        }
        let ok = (Self::MIN..=Self::MAX).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok { Ok(Self(s)) } else { Err(FieldError::new("slug", "invalid-slug")) }
    }

    /// The slug an organisation's name suggests: ASCII letters and digits lower-cased,
    /// every other run of characters one hyphen ("Demo NGO" → `demo-ngo`); padded
    /// with `-partner` when shorter than the minimum, cut at the maximum.
    #[must_use]
    pub fn from_name(name: &str) -> Self {
        let mut s = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                s.push(c.to_ascii_lowercase());
            } else if !s.is_empty() && !s.ends_with('-') {
                s.push('-');
            }
        }
        s.truncate(Self::MAX);
        let mut s = s.trim_end_matches('-').to_owned();
        if s.len() < Self::MIN {
            s = if s.is_empty() { "partner".to_owned() } else { format!("{s}-partner") };
        }
        Self(s)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A link a public page may carry: `https://` with a host and no user name or
/// password, at most [`URL_MAX`] characters, kept as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpsUrl(String);

impl HttpsUrl {
    /// # Errors
    /// `field`/`too-long`; `field`/`https-only` for any other scheme (`http:`,
    /// `javascript:`, `data:` …); `field`/`invalid-url` for what does not parse, has
    /// no host, or carries a user name or password.
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.len() > URL_MAX {
            return Err(FieldError::new(field, "too-long"));
        }
        let invalid = FieldError::new(field, "invalid-url");
        // The scheme as typed, before the `url` crate reads it (it would add a host
        // to some schemes and drop white space).
        let scheme = s.split_once(':').map(|(a, _)| a.to_ascii_lowercase());
        if scheme.as_deref() != Some("https") {
            return Err(FieldError::new(field, "https-only"));
        }
        let rest = s.get(6..).unwrap_or_default();
        if s.chars().any(|c| c.is_whitespace() || c.is_control())
            || !rest.starts_with("//")
            || rest[2..].starts_with('/')
        {
            return Err(invalid);
        }
        let u = url::Url::parse(s).map_err(|_| invalid.clone())?;
        let ok = u.scheme() == "https"
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none();
        if ok { Ok(Self(s.to_owned())) } else { Err(invalid) }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the edit form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileDraft {
    pub slug: String,
    pub about: String,
    /// Service codes (checkboxes).
    pub services: Vec<String>,
    pub phone: String,
    pub website: String,
    pub email: String,
    pub donation_url: String,
    pub published: bool,
}

/// A partner page's words and links, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub slug: Slug,
    pub about: String,
    /// In [`Service::ALL`]'s order, each once.
    pub services: Vec<Service>,
    pub phone: Option<E164>,
    pub website: Option<HttpsUrl>,
    pub email: Option<Email>,
    pub donation_url: Option<HttpsUrl>,
    pub published: bool,
}

/// The "who we are" text: trimmed, required, at most [`ABOUT_MAX`] characters, no
/// control characters but line breaks and tabs.
///
/// # Errors
/// `about`/`required`, `about`/`too-long` or `about`/`control-characters`.
pub fn parse_about(input: &str) -> Result<String, FieldError> {
    let s = input.trim().replace("\r\n", "\n");
    if s.is_empty() {
        return Err(FieldError::new("about", "required"));
    }
    if s.chars().count() > ABOUT_MAX {
        return Err(FieldError::new("about", "too-long"));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new("about", "control-characters"));
    }
    Ok(s)
}

/// Service codes → services in the list's order, each once; an empty code is skipped.
///
/// # Errors
/// `services`/`unknown-value`.
pub fn parse_services<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<Vec<Service>, FieldError> {
    let mut out = Vec::new();
    for c in codes.into_iter().map(str::trim).filter(|c| !c.is_empty()) {
        out.push(c.parse::<Service>()?);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The stored form of services: codes separated by one space.
#[must_use]
pub fn services_text(s: &[Service]) -> String {
    s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}

impl Profile {
    /// # Errors
    /// Every field at fault; a published page with no phone, website or e-mail is
    /// `phone`/`reach-required`.
    pub fn parse(d: &ProfileDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let optional = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then_some(s.to_owned())
        };
        let slug = errors.check(Slug::parse(&d.slug));
        let about = errors.check(parse_about(&d.about));
        let services = errors.check(parse_services(d.services.iter().map(String::as_str)));
        let phone = errors.check(optional(&d.phone).map(|p| E164::parse(&p)).transpose());
        let website = errors.check(optional(&d.website).map(|u| HttpsUrl::parse("website", &u)).transpose());
        let email = errors.check(
            optional(&d.email).map(|e| Email::parse(&e).map_err(|err| FieldError::new("email", err.code))).transpose(),
        );
        let donation_url =
            errors.check(optional(&d.donation_url).map(|u| HttpsUrl::parse("donation_url", &u)).transpose());
        let reachable = [&d.phone, &d.website, &d.email].iter().any(|s| !s.trim().is_empty());
        if d.published && !reachable {
            errors.0.push(FieldError::new("phone", "reach-required"));
        }
        errors.or_value(|| {
            Some(Self {
                slug: slug?,
                about: about?,
                services: services?,
                phone: phone?,
                website: website?,
                email: email?,
                donation_url: donation_url?,
                published: d.published,
            })
        })
    }
}

/// One impact figure as a public page shows it, published as a table of one cell
/// through [`stats::suppress`] with [`K`]: the count when it is 0 or at least 11,
/// hidden otherwise. No other number on the page adds up with it, so no
/// complementary suppression is needed across figures.
#[must_use]
pub fn figure(n: u64) -> Shown {
    let one = || vec!["n".to_owned()];
    stats::suppress(&Counts { rows: one(), cols: one(), cells: vec![vec![n]] }, K).total
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn draft() -> ProfileDraft {
        ProfileDraft {
            slug: "demo-ngo".into(),
            about: "We run a shelter.".into(),
            services: vec!["shelter".into(), "awareness".into(), "shelter".into()],
            phone: "+358 40 123 4567".into(),
            website: "https://demo-ngo.example/".into(),
            email: "Help@Demo-NGO.example".into(),
            donation_url: "https://donate.demo-ngo.example/".into(),
            published: true,
        }
    }

    #[test]
    fn slugs_are_lower_case_words_and_hyphens() {
        assert_eq!(Slug::parse(" Demo-NGO ").unwrap().as_str(), "demo-ngo");
        for bad in ["ab", "-abc", "abc-", "a b c", "ääkkönen", "a_b_c", &"a".repeat(61)] {
            assert_eq!(Slug::parse(bad).unwrap_err().code, "invalid-slug", "{bad}");
        }
        assert_eq!(Slug::parse(" ").unwrap_err().code, "required");
        assert_eq!(Slug::from_name("Demo NGO").as_str(), "demo-ngo");
        assert_eq!(Slug::from_name("  Pro Victims — Suomi ry ").as_str(), "pro-victims-suomi-ry");
        assert_eq!(Slug::from_name("Ö").as_str(), "partner");
        assert_eq!(Slug::from_name("AB").as_str(), "ab-partner");
        assert_eq!(Slug::from_name(&"x y ".repeat(40)).as_str().len(), 59);
        for name in ["Demo NGO", "Ö", "AB", "--", &"é1".repeat(90)] {
            assert!(Slug::parse(Slug::from_name(name).as_str()).is_ok(), "{name}");
        }
    }

    #[test]
    fn links_are_https_only() {
        assert_eq!(
            HttpsUrl::parse("donation_url", "https://donate.example/x?y=1").unwrap().as_str(),
            "https://donate.example/x?y=1"
        );
        for bad in [
            "http://donate.example/",
            "javascript:alert(1)",
            "data:text/html,hi",
            "ftp://x.example",
            "donate.example",
            "//donate.example",
        ] {
            assert_eq!(HttpsUrl::parse("donation_url", bad).unwrap_err().code, "https-only", "{bad}");
        }
        for bad in [
            "https://user:pw@donate.example/",
            "https://user@donate.example/",
            "https:///path",
            "https:donate.example",
            "https://exa mple.org",
        ] {
            assert_eq!(HttpsUrl::parse("donation_url", bad).unwrap_err().code, "invalid-url", "{bad}");
        }
        assert_eq!(
            HttpsUrl::parse("website", &format!("https://x.example/{}", "a".repeat(500))).unwrap_err().code,
            "too-long"
        );
    }

    #[test]
    fn a_profile_is_parsed_whole_or_every_field_at_fault() {
        let p = Profile::parse(&draft()).unwrap();
        assert_eq!(p.services, vec![Service::Awareness, Service::Shelter]);
        assert_eq!(p.phone.unwrap().as_str(), "+358401234567");
        assert_eq!(p.email.unwrap().as_str(), "help@demo-ngo.example");
        let bad = ProfileDraft {
            slug: "Demo NGO".into(),
            about: String::new(),
            services: vec!["hotel".into()],
            phone: "040 123".into(),
            website: "http://demo-ngo.example".into(),
            email: "nobody".into(),
            donation_url: "http://donate.demo-ngo.example/".into(),
            published: true,
        };
        let fields: Vec<(&str, &str)> = Profile::parse(&bad).unwrap_err().0.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            [
                ("slug", "invalid-slug"),
                ("about", "required"),
                ("services", "unknown-value"),
                ("phone", "not-e164"),
                ("website", "https-only"),
                ("email", "invalid-email"),
                ("donation_url", "https-only"),
            ]
        );
        let unreachable =
            ProfileDraft { phone: String::new(), website: String::new(), email: String::new(), ..draft() };
        assert_eq!(Profile::parse(&unreachable).unwrap_err().0, [FieldError::new("phone", "reach-required")]);
        assert!(
            Profile::parse(&ProfileDraft { published: false, ..unreachable }).is_ok(),
            "a draft need not be complete"
        );
    }

    #[test]
    fn figures_below_k_are_hidden() {
        assert_eq!(figure(0), Shown::Count(0));
        assert_eq!(figure(1), Shown::Hidden);
        assert_eq!(figure(K - 1), Shown::Hidden);
        assert_eq!(figure(K), Shown::Count(K));
        assert_eq!(services_text(&[Service::LegalAid, Service::Hotline]), "legal_aid hotline");
    }
}
