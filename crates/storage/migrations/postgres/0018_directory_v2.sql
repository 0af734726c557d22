-- Routing directory, version 2 (issue 11): entries gain an E.164 phone, a local
-- number for short codes, "dialable from abroad", hours as "24/7" or a text, notes,
-- airport police and border police, regional and international scope, and "more
-- than N languages". `body` stays the entry as JSON; `body_schema` says which shape:
-- 1 = written before this migration (the phone as typed, the notes inside the
-- hours), 2 = the new shape. Shape-1 bodies are read through a conversion
-- (crates/storage/src/directory.rs); history rows are never rewritten (append-only).
-- Seeded entries that no administrator changed are replaced by the corrected
-- content file at the next start (Db::seed_directory), with a history row.
ALTER TABLE directory_entries ADD COLUMN body_schema BIGINT NOT NULL DEFAULT 1;
ALTER TABLE directory_history ADD COLUMN body_schema BIGINT NOT NULL DEFAULT 1;
