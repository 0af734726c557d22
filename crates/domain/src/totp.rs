//! Time-based one-time passwords (RFC 6238 over RFC 4226, HMAC-SHA1, 6 digits,
//! 30-second steps) and recovery codes. The clock is a parameter.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;
/// Steps of clock drift accepted either side of now.
pub const DRIFT_STEPS: i64 = 1;

/// A shared TOTP secret (20 bytes, as RFC 4226 recommends).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

impl TotpSecret {
    #[must_use]
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes.to_vec())
    }

    /// Parse the base32 form (as shown to the user and stored).
    #[must_use]
    pub fn from_base32(s: &str) -> Option<Self> {
        let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = data_encoding::BASE32_NOPAD.decode(cleaned.to_ascii_uppercase().as_bytes()).ok()?;
        (bytes.len() >= 10).then_some(Self(bytes))
    }

    #[must_use]
    pub fn to_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// The `otpauth://` URI authenticator apps read from a QR code.
    #[must_use]
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            enc(issuer),
            enc(account),
            self.to_base32(),
            enc(issuer)
        )
    }

    /// The code for one time step.
    #[must_use]
    pub fn code_for_step(&self, step: i64) -> u32 {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&self.0) else {
            return 0;
        };
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[19] & 0x0f);
        let bin = (u32::from(digest[offset] & 0x7f) << 24)
            | (u32::from(digest[offset + 1]) << 16)
            | (u32::from(digest[offset + 2]) << 8)
            | u32::from(digest[offset + 3]);
        bin % 10u32.pow(DIGITS)
    }

    /// The code at a Unix time, as the six digits a user types.
    #[must_use]
    pub fn code_at(&self, unix_seconds: i64) -> String {
        format!("{:06}", self.code_for_step(unix_seconds.div_euclid(STEP_SECONDS)))
    }

    /// Check a typed code at `unix_seconds`. Returns the matched step, which the
    /// caller stores so the same code can never be used twice: steps at or before
    /// `last_used_step` are refused.
    #[must_use]
    pub fn verify(&self, typed: &str, unix_seconds: i64, last_used_step: Option<i64>) -> Option<i64> {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now_step = unix_seconds.div_euclid(STEP_SECONDS);
        (now_step - DRIFT_STEPS..=now_step + DRIFT_STEPS)
            .filter(|step| last_used_step.is_none_or(|last| *step > last))
            .find(|step| format!("{:06}", self.code_for_step(*step)).as_bytes().ct_eq(digits.as_bytes()).into())
    }
}

/// How many recovery codes a user receives at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// Format 10 random bytes as a recovery code a person can copy: `XXXX-XXXX-XXXX-XXXX`.
#[must_use]
pub fn format_recovery_code(random: [u8; 10]) -> String {
    let s = data_encoding::BASE32_NOPAD.encode(&random);
    s.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Normalise a typed recovery code: upper-case, no dashes or spaces.
#[must_use]
pub fn normalise_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8-digit values; we use the last 6 digits).
    #[test]
    fn matches_rfc_6238_test_vectors() {
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        for (t, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(secret.code_at(t), eight[2..], "t = {t}");
        }
    }

    #[test]
    fn accepts_one_step_of_drift_and_refuses_replay() {
        let secret = TotpSecret::from_bytes([7; 20]);
        let now = 1_800_000_000;
        let code = secret.code_at(now);
        let step = secret.verify(&code, now, None).unwrap();
        assert_eq!(step, now / STEP_SECONDS);
        assert_eq!(secret.verify(&code, now + 30, None), Some(step));
        assert_eq!(secret.verify(&code, now + 90, None), None);
        assert_eq!(secret.verify(&code, now, Some(step)), None, "replay refused");
        assert_eq!(secret.verify("12345", now, None), None);
        assert_eq!(secret.verify("abcdef", now, None), None);
    }

    #[test]
    fn base32_round_trip_and_uri() {
        let secret = TotpSecret::from_bytes([1; 20]);
        let b32 = secret.to_base32();
        assert_eq!(TotpSecret::from_base32(&b32.to_lowercase()), Some(secret.clone()));
        let uri = secret.otpauth_uri("Sightline", "anna@air.example");
        assert!(uri.starts_with("otpauth://totp/Sightline:anna@air.example?secret="));
        assert!(uri.contains(&b32));
    }

    #[test]
    fn recovery_codes_format_and_normalise() {
        let code = format_recovery_code([0xAB; 10]);
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        assert_eq!(normalise_recovery_code(&code.to_lowercase()), code.replace('-', ""));
    }
}
