-- Issue 13, item 5 (partner pages): the public page of a partner organisation at
-- /partners/{slug}, written by its admins. One row per organisation; only published
-- rows are shown. The CHECKs repeat the domain's rules (crates/domain/src/partner.rs)
-- so no other writer can store what the page must never show (SQLite has the same
-- rules in its own syntax).
CREATE TABLE partner_profiles (
    org_id        UUID PRIMARY KEY NOT NULL REFERENCES organisations(id),
    slug          TEXT NOT NULL UNIQUE
        CHECK (length(slug) BETWEEN 3 AND 60 AND slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'),
    about         TEXT NOT NULL CHECK (length(about) BETWEEN 1 AND 2000),
    -- service codes separated by one space (awareness shelter legal_aid medical return_home hotline)
    services      TEXT NOT NULL DEFAULT '' CHECK (services ~ '^[a-z_ ]*$'),
    phone         TEXT CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{6,14}$'),
    website       TEXT CHECK (website IS NULL OR (website LIKE 'https://_%' AND length(website) <= 500)),
    email         TEXT CHECK (email IS NULL OR (email LIKE '_%@_%' AND length(email) <= 254)),
    donation_url  TEXT CHECK (donation_url IS NULL OR (donation_url LIKE 'https://_%' AND length(donation_url) <= 500)),
    published     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    BIGINT NOT NULL,
    updated_by    UUID REFERENCES users(id),
    version       BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX partner_profiles_published ON partner_profiles (published, slug);

-- Referrals by the time they were made: the statistics read one window of months.
CREATE INDEX referrals_created ON referrals (created_at);
