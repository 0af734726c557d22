//! The web crate's one integration-test binary: the real router over a real database
//! (SQLite always; PostgreSQL when `SIGHTLINE_TEST_DATABASE_URL` is set, always in CI),
//! and a real headless Chromium for the browser test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod alerts;
mod api;
mod assign;
mod browser;
mod desk;
mod directory;
mod flows;
mod learn;
mod live;
mod loopback;
mod mail;
mod matrix;
mod metrics;
mod oidc;
mod partners;
mod posters;
mod public;
mod referral_hooks;
mod referrals;
mod reports;
mod retention;
mod scorm;
mod snapshot;
mod stats;
mod support;
mod tips;
mod vectors;
mod xapi;
