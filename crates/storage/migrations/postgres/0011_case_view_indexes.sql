-- The case view asks for other reports of the same flight and date (oldest first) and
-- for the reports merged into the case. With many reports in an organisation both
-- scanned its rows; these indexes answer them directly.
DROP INDEX reports_flight;
CREATE INDEX reports_flight ON reports (org_id, flight, flight_date, received_at);
CREATE INDEX reports_merged ON reports (org_id, merged_into, received_at) WHERE merged_into IS NOT NULL;
