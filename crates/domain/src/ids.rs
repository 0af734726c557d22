//! Newtype identifiers. Every id is a UUIDv7 created by the application, so rows sort
//! by creation time and no engine-specific sequence is needed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            #[must_use]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            #[must_use]
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            #[must_use]
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An organisation: an airline, an airport, an NGO or an authority.
    OrgId
);
id_type!(
    /// A person with an account.
    UserId
);
id_type!(
    /// A personal API token (the secret itself is never stored, only its hash).
    ApiTokenId
);
id_type!(
    /// An invitation link sent by an organisation admin.
    InvitationId
);
id_type!(
    /// An admin-issued password reset link.
    PasswordResetId
);
id_type!(
    /// An entry of the routing directory (platform-wide, not an organisation's).
    DirectoryEntryId
);
id_type!(
    /// A referral of a case to a partner organisation.
    ReferralId
);
