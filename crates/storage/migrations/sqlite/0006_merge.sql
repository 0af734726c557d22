-- One event, several reports: a report merged into another case keeps its original
-- content and leaves the queue; the case lists it. A dismissed suggestion is kept.
ALTER TABLE reports ADD COLUMN merged_into BLOB REFERENCES reports(id);
CREATE TABLE merge_dismissals (
    org_id     BLOB NOT NULL REFERENCES organisations(id),
    report_a   BLOB NOT NULL REFERENCES reports(id),
    report_b   BLOB NOT NULL REFERENCES reports(id),
    PRIMARY KEY (report_a, report_b)
);
