//! Sign-in throttling policy: counted failures in a sliding window, per account and
//! per client address (so one address cannot try many accounts, and many addresses
//! cannot hammer one account unnoticed).

/// The window failures are counted in, in minutes.
pub const WINDOW_MINUTES: i64 = 15;
/// Failed attempts on one account within the window before it is throttled.
pub const MAX_ACCOUNT_FAILURES: i64 = 5;
/// Failed attempts from one address within the window before it is throttled.
pub const MAX_ADDRESS_FAILURES: i64 = 20;

/// Should the next attempt be refused without checking the password?
#[must_use]
pub const fn is_throttled(account_failures: i64, address_failures: i64) -> bool {
    account_failures >= MAX_ACCOUNT_FAILURES || address_failures >= MAX_ADDRESS_FAILURES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_at_either_limit() {
        assert!(!is_throttled(4, 19));
        assert!(is_throttled(5, 0));
        assert!(is_throttled(0, 20));
    }
}
