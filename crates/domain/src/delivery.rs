//! Referral webhooks to partners' own systems (issue 13, item 4): what a delivery
//! announces, when a failed one is tried again, and when it is given up to the
//! dead-letter list an administrator sends again from.

use time::Duration;

simple_enum!(
    /// What a referral webhook announces.
    HookEvent, "event" {
        /// A referral was made to the partner.
        ReferralCreated => "referral.created",
        /// The referring desk wrote in the referral's thread.
        ReferralMessage => "referral.message",
    }
);

simple_enum!(
    /// Where a delivery stands.
    DeliveryState, "state" {
        /// Waiting, leased, or waiting for its retry time.
        Pending => "pending",
        Sent => "sent",
        /// Given up after [`MAX_ATTEMPTS`]: on the dead-letter list.
        Dead => "dead",
    }
);

/// Attempts before a delivery goes to the dead-letter list.
pub const MAX_ATTEMPTS: i64 = 8;

/// When to try a delivery again after its `attempts`-th failure: 1, 2, 4 … 64 minutes
/// (about two hours in all, for a partner's maintenance window); `None` once
/// [`MAX_ATTEMPTS`] have failed — it is a dead letter then.
#[must_use]
pub fn retry_after(attempts: i64) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exp = u32::try_from(attempts.clamp(1, MAX_ATTEMPTS) - 1).unwrap_or(0);
    Some(Duration::minutes(2_i64.pow(exp)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_then_gives_up() {
        let waits: Vec<_> = (1..=MAX_ATTEMPTS).map(retry_after).collect();
        assert_eq!(waits[0], Some(Duration::minutes(1)));
        assert_eq!(waits[1], Some(Duration::minutes(2)));
        assert_eq!(waits[6], Some(Duration::minutes(64)));
        assert_eq!(waits[7], None, "the eighth failure is a dead letter");
        assert_eq!(retry_after(0), Some(Duration::minutes(1)));
        assert_eq!(retry_after(99), None);
        let total: Duration = waits.iter().flatten().sum();
        assert_eq!(total, Duration::minutes(127));
    }

    #[test]
    fn names_round_trip() {
        for e in HookEvent::ALL {
            assert_eq!(e.as_str().parse::<HookEvent>(), Ok(e));
        }
        for s in DeliveryState::ALL {
            assert_eq!(s.as_str().parse::<DeliveryState>(), Ok(s));
        }
    }
}
