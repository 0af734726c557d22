-- One event, several reports: a report merged into another case keeps its original
-- content and leaves the queue; the case lists it. A dismissed suggestion is kept.
ALTER TABLE reports ADD COLUMN merged_into UUID REFERENCES reports(id);
CREATE TABLE merge_dismissals (
    org_id     UUID NOT NULL REFERENCES organisations(id),
    report_a   UUID NOT NULL REFERENCES reports(id),
    report_b   UUID NOT NULL REFERENCES reports(id),
    PRIMARY KEY (report_a, report_b)
);
