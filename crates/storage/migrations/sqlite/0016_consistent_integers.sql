-- Every integer column is BIGINT, as SQLite's already are (its integers are all
-- 64-bit): PostgreSQL's migration 0016 widens the INTEGER ones. Nothing changes here;
-- the file keeps the two engines' migration numbers in step.
SELECT 1;
