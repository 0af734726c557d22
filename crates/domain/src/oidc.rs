//! Single sign-on with OpenID Connect (issue 14, item 5): the rules, with no I/O.
//!
//! - [`IssuerUrl`] — the identity provider's issuer: https, or plain http only to a
//!   loopback host where the operator allows it (tests, a laptop).
//! - [`RoleMapping`] — which claim value grants which role (`groups = sightline-desk ->
//!   desk_analyst`, one rule a line); never platform admin.
//! - [`two_factor_satisfied`] — the provider's `amr`/`acr` say a second factor was used.
//! - [`Jws::decode`], [`Jws::verify`] — a compact ID token and its signature against the
//!   provider's JWKS (RS256/384/512, PS256, ES256/384; never `none` or a shared secret).
//! - [`check_claims`] — `iss`, `aud` (and `azp`), `exp`, `iat`, `nonce`, with the clock
//!   as a parameter, giving the [`IdClaims`] sign-in needs.
//! - [`pkce_challenge`] — the S256 code challenge of a verifier (RFC 7636).

use std::fmt;

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use time::OffsetDateTime;

use crate::FieldError;
use crate::user::{Role, Roles};

/// How far the provider's clock may be off ours, in seconds.
pub const CLOCK_LEEWAY_SECONDS: i64 = 60;
/// An ID token issued longer ago than this is refused even if it has not expired.
pub const MAX_TOKEN_AGE_SECONDS: i64 = 600;
/// How long a sign-in started here may take at the provider, in minutes.
pub const LOGIN_MINUTES: i64 = 10;
/// At most this many mapping rules.
pub const MAX_RULES: usize = 50;

/// The `amr` values (RFC 8176) that mean more than one factor was used.
pub const MFA_AMR: &[&str] = &["mfa", "mca", "otp", "hwk", "sc"];

/// Whether `host` names this machine (`localhost`, 127.0.0.0/8, ::1).
#[must_use]
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An identity provider's issuer, as configured (and as its tokens must name it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerUrl(String);

impl IssuerUrl {
    /// `https://…` with a host, no user name, query or fragment; plain `http://` only to
    /// a loopback host and only when `allow_loopback_http` (tests, development).
    ///
    /// # Errors
    /// `issuer`: `invalid-url`, or `https-required`.
    pub fn parse(input: &str, allow_loopback_http: bool) -> Result<Self, FieldError> {
        let typed = input.trim();
        let bad = || FieldError::new("issuer", "invalid-url");
        if typed.is_empty() || typed.len() > 300 {
            return Err(bad());
        }
        let url = url::Url::parse(typed).map_err(|_| bad())?;
        let host = url.host_str().ok_or_else(bad)?;
        if !url.username().is_empty() || url.password().is_some() || url.query().is_some() || url.fragment().is_some() {
            return Err(bad());
        }
        match url.scheme() {
            "https" => {}
            "http" if allow_loopback_http && is_loopback_host(host) => {}
            "http" => return Err(FieldError::new("issuer", "https-required")),
            _ => return Err(bad()),
        }
        Ok(Self(typed.to_owned()))
    }

    /// As stored (read back without the loopback exception's check).
    #[must_use]
    pub fn stored(s: String) -> Self {
        Self(s)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the provider's metadata is (OpenID Connect Discovery 1.0, §4).
    #[must_use]
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.0.trim_end_matches('/'))
    }
}

impl fmt::Display for IssuerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a URL from the provider's metadata may be fetched: https, or http to a
/// loopback host when allowed.
#[must_use]
pub fn endpoint_allowed(url: &str, allow_loopback_http: bool) -> bool {
    let Ok(u) = url::Url::parse(url) else { return false };
    match (u.scheme(), u.host_str()) {
        ("https", Some(_)) => true,
        ("http", Some(h)) => allow_loopback_http && is_loopback_host(h),
        _ => false,
    }
}

/// One rule: a claim holding (or listing) `value` grants `role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRule {
    pub claim: String,
    pub value: String,
    pub role: Role,
}

/// The organisation's claim → role rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleMapping(Vec<RoleRule>);

impl RoleMapping {
    /// One rule a line: `claim = value -> role` (blank lines and `#` comments skipped).
    /// Platform admin is never granted by a provider.
    ///
    /// # Errors
    /// `role_mapping`: `mapping-line` (not of that form, or too many), `unknown-role`,
    /// `mapping-role-not-allowed`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let mut rules = Vec::new();
        for line in input.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let bad = || FieldError::new("role_mapping", "mapping-line");
            let (left, role) = line.rsplit_once("->").ok_or_else(bad)?;
            let (claim, value) = left.split_once('=').ok_or_else(bad)?;
            let (claim, value) = (claim.trim(), value.trim());
            if claim.is_empty() || value.is_empty() || claim.len() > 100 || value.len() > 200 {
                return Err(bad());
            }
            let role: Role = role.trim().parse().map_err(|_| FieldError::new("role_mapping", "unknown-role"))?;
            if role == Role::PlatformAdmin {
                return Err(FieldError::new("role_mapping", "mapping-role-not-allowed"));
            }
            rules.push(RoleRule { claim: claim.to_owned(), value: value.to_owned(), role });
            if rules.len() > MAX_RULES {
                return Err(bad());
            }
        }
        Ok(Self(rules))
    }

    #[must_use]
    pub fn rules(&self) -> &[RoleRule] {
        &self.0
    }

    /// The rules written back, one a line (what [`Self::parse`] reads).
    #[must_use]
    pub fn to_text(&self) -> String {
        self.0.iter().map(|r| format!("{} = {} -> {}\n", r.claim, r.value, r.role.as_str())).collect()
    }

    /// The roles `claims` earn: every rule whose claim is the value, or a list holding it.
    #[must_use]
    pub fn roles(&self, claims: &Value) -> Roles {
        Roles::of(self.0.iter().filter(|r| claim_has(claims.get(&r.claim), &r.value)).map(|r| r.role))
    }
}

/// A claim that is `value`, or a list containing it.
fn claim_has(claim: Option<&Value>, value: &str) -> bool {
    match claim {
        Some(Value::String(s)) => s == value,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(value)),
        _ => false,
    }
}

/// The provider vouches for a second factor: `amr` lists one of [`MFA_AMR`], or `acr`
/// is the value the organisation configured (e.g. Keycloak's `gold`, or an
/// `…:mfa` class).
#[must_use]
pub fn two_factor_satisfied(amr: &[String], acr: Option<&str>, accepted_acr: Option<&str>) -> bool {
    amr.iter().any(|a| MFA_AMR.contains(&a.as_str()))
        || matches!((acr, accepted_acr), (Some(a), Some(want)) if !want.is_empty() && a == want)
}

/// The S256 code challenge of a PKCE verifier: base64url(SHA-256(verifier)).
#[must_use]
pub fn pkce_challenge(verifier: &str) -> String {
    data_encoding::BASE64URL_NOPAD.encode(&Sha256::digest(verifier.as_bytes()))
}

/// The `Authorization` header of a token request by `client_secret_basic` (RFC 6749
/// §2.3.1: both parts form-encoded before base64).
#[must_use]
pub fn basic_authorization(client_id: &str, secret: &str) -> String {
    let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    format!("Basic {}", data_encoding::BASE64.encode(format!("{}:{}", enc(client_id), enc(secret)).as_bytes()))
}

/// Why an ID token was refused. Each has a stable code, shown (as a message) and audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not three base64url parts of JSON.
    Malformed,
    /// `none`, a shared-secret algorithm, or one we do not verify.
    Algorithm,
    /// No key of the provider's JWKS fits the token.
    UnknownKey,
    BadSignature,
    /// `iss` is not the configured issuer.
    Issuer,
    /// `aud` does not name us (or `azp` names someone else).
    Audience,
    Expired,
    /// `iat` in the future, or too long ago.
    IssuedAt,
    /// `nonce` is not the one this sign-in sent: a replayed or foreign token.
    Nonce,
    /// `sub` (or another required claim) is missing.
    MissingClaim,
}

impl TokenError {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Malformed => "token-malformed",
            Self::Algorithm => "token-algorithm",
            Self::UnknownKey => "token-unknown-key",
            Self::BadSignature => "token-bad-signature",
            Self::Issuer => "token-issuer",
            Self::Audience => "token-audience",
            Self::Expired => "token-expired",
            Self::IssuedAt => "token-issued-at",
            Self::Nonce => "token-nonce",
            Self::MissingClaim => "token-missing-claim",
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for TokenError {}

/// One key of a provider's JWKS (RFC 7517); the fields RSA and EC keys use.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct Jwk {
    pub kty: String,
    pub kid: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
    pub alg: Option<String>,
    pub n: Option<String>,
    pub e: Option<String>,
    pub crv: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
}

/// A JWKS document.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct JwkSet {
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// A compact JWS, split and decoded, not yet trusted.
#[derive(Debug)]
pub struct Jws {
    alg: String,
    kid: Option<String>,
    signing_input: String,
    signature: Vec<u8>,
    /// The payload, as JSON (untrusted until [`Self::verify`] and [`check_claims`]).
    pub claims: Value,
}

fn b64(part: &str) -> Result<Vec<u8>, TokenError> {
    data_encoding::BASE64URL_NOPAD.decode(part.trim_end_matches('=').as_bytes()).map_err(|_| TokenError::Malformed)
}

impl Jws {
    /// Split `header.payload.signature` and read the header and payload.
    ///
    /// # Errors
    /// [`TokenError::Malformed`].
    pub fn decode(compact: &str) -> Result<Self, TokenError> {
        let mut parts = compact.trim().split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(TokenError::Malformed);
        };
        let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| TokenError::Malformed)?;
        let claims: Value = serde_json::from_slice(&b64(p)?).map_err(|_| TokenError::Malformed)?;
        if !claims.is_object() {
            return Err(TokenError::Malformed);
        }
        Ok(Self { alg: header.alg, kid: header.kid, signing_input: format!("{h}.{p}"), signature: b64(s)?, claims })
    }

    /// Check the signature against the provider's keys: the key named by `kid` (or,
    /// without one, any key of the right type). Only asymmetric algorithms.
    ///
    /// # Errors
    /// [`TokenError::Algorithm`], [`TokenError::UnknownKey`], [`TokenError::BadSignature`].
    pub fn verify(&self, keys: &JwkSet) -> Result<(), TokenError> {
        use aws_lc_rs::signature as sig;
        let kty = match self.alg.as_str() {
            "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => "RSA",
            "ES256" | "ES384" => "EC",
            _ => return Err(TokenError::Algorithm),
        };
        let candidates: Vec<&Jwk> = keys
            .keys
            .iter()
            .filter(|k| k.kty == kty)
            .filter(|k| k.use_.as_deref().is_none_or(|u| u == "sig"))
            .filter(|k| k.alg.as_deref().is_none_or(|a| a == self.alg))
            .filter(|k| self.kid.is_none() || k.kid == self.kid)
            .collect();
        if candidates.is_empty() {
            return Err(TokenError::UnknownKey);
        }
        let msg = self.signing_input.as_bytes();
        let ok = candidates.iter().any(|k| {
            let part = |v: &Option<String>| v.as_deref().and_then(|s| b64(s).ok());
            match kty {
                "RSA" => {
                    let (Some(n), Some(e)) = (part(&k.n), part(&k.e)) else { return false };
                    let params = match self.alg.as_str() {
                        "RS256" => &sig::RSA_PKCS1_2048_8192_SHA256,
                        "RS384" => &sig::RSA_PKCS1_2048_8192_SHA384,
                        "RS512" => &sig::RSA_PKCS1_2048_8192_SHA512,
                        "PS256" => &sig::RSA_PSS_2048_8192_SHA256,
                        "PS384" => &sig::RSA_PSS_2048_8192_SHA384,
                        _ => &sig::RSA_PSS_2048_8192_SHA512,
                    };
                    sig::RsaPublicKeyComponents { n: &n, e: &e }.verify(params, msg, &self.signature).is_ok()
                }
                _ => {
                    let (alg, crv): (&sig::EcdsaVerificationAlgorithm, _) = match self.alg.as_str() {
                        "ES256" => (&sig::ECDSA_P256_SHA256_FIXED, "P-256"),
                        _ => (&sig::ECDSA_P384_SHA384_FIXED, "P-384"),
                    };
                    let (Some(x), Some(y)) = (part(&k.x), part(&k.y)) else { return false };
                    if k.crv.as_deref() != Some(crv) {
                        return false;
                    }
                    let mut point = vec![4u8];
                    point.extend_from_slice(&x);
                    point.extend_from_slice(&y);
                    sig::UnparsedPublicKey::new(alg, &point).verify(msg, &self.signature).is_ok()
                }
            }
        });
        if ok { Ok(()) } else { Err(TokenError::BadSignature) }
    }
}

/// What the sign-in expects of the token.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The nonce this sign-in sent.
    pub nonce: &'a str,
    pub now: OffsetDateTime,
}

/// The claims sign-in uses, from a token that passed [`check_claims`].
#[derive(Debug, Clone, PartialEq)]
pub struct IdClaims {
    pub sub: String,
    pub email: Option<String>,
    /// `email_verified`, when the provider sends it.
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    pub amr: Vec<String>,
    pub acr: Option<String>,
}

/// Check the claims of a token whose signature passed (OpenID Connect Core §3.1.3.7).
///
/// # Errors
/// The first claim at fault.
pub fn check_claims(claims: &Value, want: &Expected<'_>) -> Result<IdClaims, TokenError> {
    let s = |k: &str| claims.get(k).and_then(Value::as_str);
    let n = |k: &str| claims.get(k).and_then(Value::as_i64);
    if s("iss") != Some(want.issuer) {
        return Err(TokenError::Issuer);
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&want.client_id) {
        return Err(TokenError::Audience);
    }
    if (audiences.len() > 1 || s("azp").is_some()) && s("azp").is_some_and(|a| a != want.client_id) {
        return Err(TokenError::Audience);
    }
    let now = want.now.unix_timestamp();
    match n("exp") {
        Some(exp) if exp + CLOCK_LEEWAY_SECONDS > now => {}
        _ => return Err(TokenError::Expired),
    }
    match n("iat") {
        Some(iat) if iat <= now + CLOCK_LEEWAY_SECONDS && iat >= now - MAX_TOKEN_AGE_SECONDS => {}
        _ => return Err(TokenError::IssuedAt),
    }
    let nonce_ok = s("nonce").is_some_and(|got| bool::from(got.as_bytes().ct_eq(want.nonce.as_bytes())));
    if !nonce_ok {
        return Err(TokenError::Nonce);
    }
    let sub = s("sub").filter(|v| !v.is_empty()).ok_or(TokenError::MissingClaim)?;
    let amr = match claims.get("amr") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    Ok(IdClaims {
        sub: sub.to_owned(),
        email: s("email").map(|e| e.trim().to_lowercase()),
        email_verified: claims.get("email_verified").and_then(|v| match v {
            Value::Bool(b) => Some(*b),
            Value::String(t) => Some(t == "true"),
            _ => None,
        }),
        name: s("name").map(str::to_owned),
        amr,
        acr: s("acr").map(str::to_owned),
    })
}

/// The e-mail address sign-in may match or create a person by: the provider says it
/// is verified, or (for providers that never send `email_verified`, such as Entra ID)
/// it is absent and the address is in the organisation's own e-mail domain.
#[must_use]
pub fn trusted_email<'a>(claims: &'a IdClaims, org_domain: Option<&str>) -> Option<&'a str> {
    let email = claims.email.as_deref()?;
    match claims.email_verified {
        Some(true) => Some(email),
        Some(false) => None,
        None => {
            let domain = email.rsplit_once('@').map(|(_, d)| d)?;
            org_domain.filter(|d| d.eq_ignore_ascii_case(domain)).map(|_| email)
        }
    }
}

/// An organisation's e-mail domain (`example.com`), lower-case.
///
/// # Errors
/// `email_domain`: `invalid-domain`.
pub fn parse_email_domain(input: &str) -> Result<Option<String>, FieldError> {
    let d = input.trim().trim_start_matches('@').to_lowercase();
    if d.is_empty() {
        return Ok(None);
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if d.len() > 253 || !d.contains('.') || !d.split('.').all(label_ok) {
        return Err(FieldError::new("email_domain", "invalid-domain"));
    }
    Ok(Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

    fn claims() -> Value {
        let now = NOW.unix_timestamp();
        json!({"iss": "https://idp.example", "aud": "sightline", "sub": "u1", "exp": now + 300,
               "iat": now - 5, "nonce": "n-1", "email": "Crew@Example.com", "email_verified": true,
               "amr": ["pwd", "otp"], "groups": ["sightline-desk", "all-staff"], "dept": "security"})
    }

    fn want() -> Expected<'static> {
        Expected { issuer: "https://idp.example", client_id: "sightline", nonce: "n-1", now: NOW }
    }

    #[test]
    fn issuer_is_https_or_loopback_http_when_allowed() {
        assert!(IssuerUrl::parse("https://login.example.com/realms/crew", false).is_ok());
        assert_eq!(IssuerUrl::parse("http://idp.example", true).unwrap_err().code, "https-required");
        assert_eq!(IssuerUrl::parse("http://127.0.0.1:4000", false).unwrap_err().code, "https-required");
        assert!(IssuerUrl::parse("http://127.0.0.1:4000", true).is_ok());
        assert!(IssuerUrl::parse("http://localhost:4000/", true).is_ok());
        for bad in ["", "idp.example", "ftp://idp.example", "https://u:p@idp.example", "https://idp.example/?a=1"] {
            assert_eq!(IssuerUrl::parse(bad, true).unwrap_err().code, "invalid-url", "{bad}");
        }
        let i = IssuerUrl::parse("https://idp.example/", false).unwrap();
        assert_eq!(i.discovery_url(), "https://idp.example/.well-known/openid-configuration");
        assert!(endpoint_allowed("https://idp.example/jwks", false));
        assert!(!endpoint_allowed("http://idp.example/jwks", true));
        assert!(endpoint_allowed("http://[::1]:9/jwks", true));
        assert!(!endpoint_allowed("http://[::1]:9/jwks", false));
    }

    #[test]
    fn mapping_grants_roles_by_claim_value_or_list_member() {
        let m = RoleMapping::parse(
            "# desk\ngroups = sightline-desk -> desk_analyst\n\ndept = security -> Reporter\ngroups = nope -> org_admin",
        )
        .unwrap();
        assert_eq!(m.roles(&claims()), Roles::of([Role::DeskAnalyst, Role::Reporter]));
        assert!(m.roles(&json!({"groups": "other"})).is_empty());
        assert_eq!(RoleMapping::parse(&m.to_text()).unwrap(), m);
        assert_eq!(RoleMapping::parse("groups -> learner").unwrap_err().code, "mapping-line");
        assert_eq!(RoleMapping::parse("groups = a").unwrap_err().code, "mapping-line");
        assert_eq!(RoleMapping::parse("groups = a -> pilot").unwrap_err().code, "unknown-role");
        assert_eq!(RoleMapping::parse("groups = a -> platform_admin").unwrap_err().code, "mapping-role-not-allowed");
        assert!(RoleMapping::parse("").unwrap().rules().is_empty());
    }

    #[test]
    fn second_factor_from_amr_or_the_configured_acr() {
        let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(two_factor_satisfied(&v(&["pwd", "mfa"]), None, None));
        assert!(two_factor_satisfied(&v(&["hwk"]), None, None));
        assert!(!two_factor_satisfied(&v(&["pwd"]), None, None));
        assert!(!two_factor_satisfied(&v(&["pwd"]), Some("silver"), Some("gold")));
        assert!(two_factor_satisfied(&[], Some("gold"), Some("gold")));
        assert!(!two_factor_satisfied(&[], Some(""), Some("")));
    }

    #[test]
    fn basic_authorization_form_encodes_both_parts() {
        assert_eq!(basic_authorization("a b", "p:w"), format!("Basic {}", data_encoding::BASE64.encode(b"a+b:p%3Aw")));
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn claims_are_checked_one_by_one() {
        let ok = check_claims(&claims(), &want()).unwrap();
        assert_eq!(ok.email.as_deref(), Some("crew@example.com"));
        assert_eq!(ok.amr, vec!["pwd", "otp"]);
        let with = |k: &str, v: Value| {
            let mut c = claims();
            c[k] = v;
            check_claims(&c, &want()).unwrap_err()
        };
        let now = NOW.unix_timestamp();
        assert_eq!(with("iss", json!("https://evil.example")), TokenError::Issuer);
        assert_eq!(with("aud", json!("someone-else")), TokenError::Audience);
        assert_eq!(with("aud", json!(["someone-else", "x"])), TokenError::Audience);
        assert_eq!(with("azp", json!("someone-else")), TokenError::Audience);
        assert_eq!(with("exp", json!(now - 61)), TokenError::Expired);
        assert_eq!(with("exp", Value::Null), TokenError::Expired);
        assert_eq!(with("iat", json!(now + 120)), TokenError::IssuedAt);
        assert_eq!(with("iat", json!(now - 3600)), TokenError::IssuedAt);
        assert_eq!(with("nonce", json!("n-0")), TokenError::Nonce);
        assert_eq!(with("sub", json!("")), TokenError::MissingClaim);
        let mut c = claims();
        c["aud"] = json!(["sightline", "other"]);
        c["azp"] = json!("sightline");
        assert!(check_claims(&c, &want()).is_ok());
        // Within the leeway.
        c["exp"] = json!(now - 30);
        assert!(check_claims(&c, &want()).is_ok());
    }

    #[test]
    fn email_trusted_when_verified_or_in_the_org_domain() {
        let mut c = check_claims(&claims(), &want()).unwrap();
        assert_eq!(trusted_email(&c, None), Some("crew@example.com"));
        c.email_verified = Some(false);
        assert_eq!(trusted_email(&c, Some("example.com")), None);
        c.email_verified = None;
        assert_eq!(trusted_email(&c, Some("example.com")), Some("crew@example.com"));
        assert_eq!(trusted_email(&c, Some("other.example")), None);
        assert_eq!(trusted_email(&c, None), None);
        assert_eq!(parse_email_domain(" @Example.COM ").unwrap().as_deref(), Some("example.com"));
        assert_eq!(parse_email_domain("").unwrap(), None);
        assert_eq!(parse_email_domain("localhost").unwrap_err().code, "invalid-domain");
        assert_eq!(parse_email_domain("a b.com").unwrap_err().code, "invalid-domain");
    }

    fn es256_token(claims: &Value, key: &aws_lc_rs::signature::EcdsaKeyPair, kid: &str) -> String {
        let b = data_encoding::BASE64URL_NOPAD;
        let h = b.encode(json!({"alg": "ES256", "kid": kid, "typ": "JWT"}).to_string().as_bytes());
        let p = b.encode(claims.to_string().as_bytes());
        let input = format!("{h}.{p}");
        let s = key.sign(&aws_lc_rs::rand::SystemRandom::new(), input.as_bytes()).unwrap();
        format!("{input}.{}", b.encode(s.as_ref()))
    }

    fn jwks_of(key: &aws_lc_rs::signature::EcdsaKeyPair, kid: &str) -> JwkSet {
        use aws_lc_rs::signature::KeyPair as _;
        let point = key.public_key().as_ref();
        let b = data_encoding::BASE64URL_NOPAD;
        serde_json::from_value(json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig",
            "x": b.encode(&point[1..33]), "y": b.encode(&point[33..65])}]}))
        .unwrap()
    }

    #[test]
    fn signatures_are_checked_against_the_jwks() {
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let gen_key = || {
            let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref()).unwrap()
        };
        let (key, other) = (gen_key(), gen_key());
        let jwks = jwks_of(&key, "k1");
        let token = es256_token(&claims(), &key, "k1");
        let jws = Jws::decode(&token).unwrap();
        assert!(jws.verify(&jwks).is_ok());
        assert_eq!(jws.claims["sub"], "u1");
        // Signed by another key under the same kid.
        let forged = Jws::decode(&es256_token(&claims(), &other, "k1")).unwrap();
        assert_eq!(forged.verify(&jwks).unwrap_err(), TokenError::BadSignature);
        // A changed payload under the original signature.
        let parts: Vec<&str> = token.split('.').collect();
        let mut c = claims();
        c["sub"] = json!("admin");
        let tampered =
            format!("{}.{}.{}", parts[0], data_encoding::BASE64URL_NOPAD.encode(c.to_string().as_bytes()), parts[2]);
        assert_eq!(Jws::decode(&tampered).unwrap().verify(&jwks).unwrap_err(), TokenError::BadSignature);
        // An unknown kid, `none`, and a shared-secret algorithm.
        assert_eq!(
            Jws::decode(&es256_token(&claims(), &key, "k2")).unwrap().verify(&jwks).unwrap_err(),
            TokenError::UnknownKey
        );
        let b = data_encoding::BASE64URL_NOPAD;
        for alg in ["none", "HS256"] {
            let h = b.encode(json!({"alg": alg}).to_string().as_bytes());
            let unsigned = format!("{h}.{}.", b.encode(claims().to_string().as_bytes()));
            assert_eq!(Jws::decode(&unsigned).unwrap().verify(&jwks).unwrap_err(), TokenError::Algorithm);
        }
        assert_eq!(Jws::decode("a.b").unwrap_err(), TokenError::Malformed);
        assert_eq!(Jws::decode("e30.e30.AA.x").unwrap_err(), TokenError::Malformed);
    }
}
