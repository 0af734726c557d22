-- Issue 11 (report): an incident in the terminal has no flight (flight is then '',
-- origin = destination = its airport, and place says where); an urgent report is
-- kept with its problems flagged for the desk ("field:code" separated by spaces);
-- the organisation's relay-message codeword (NULL: the default header).
-- Existing rows keep working: a flight, no place, no flags, the default codeword.
ALTER TABLE reports ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN flags TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN relay_codeword TEXT;
