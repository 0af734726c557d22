-- Public-facing directory entries (issue 12): `public` marks a line the public may
-- call themselves, shown on the help pages (/help/{airport}). The entry's JSON body
-- carries the same flag (the body is what is read; this column is what the public
-- pages' query filters on, and every write sets both). `body_schema` 3 = a body that
-- may carry `public`: seeded entries of shape 2 that no administrator changed are
-- replaced by the content file's entry of the same key at the next start
-- (Db::seed_directory), so the file's public flags reach existing databases.
ALTER TABLE directory_entries ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX directory_entries_public ON directory_entries (country) WHERE public;
