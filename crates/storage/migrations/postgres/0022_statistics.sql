-- Issue 13, item 6 (statistics that identify no one): counts kept in summary tables
-- in the same transaction as the writes they count, so the statistics pages read a
-- few hundred rows, not every report. Counts only: no id, no name, no free text.
--
-- reports.route_region: the regions of the route's airports (`origin>destination`,
-- content/regions.toml), worked out by the application when the report is stored;
-- reports.stats_month: the month (UTC, yyyymm) it was received. Reports stored
-- before this migration get them when the server next starts (`stats_state.built`
-- is false until the summaries have been rebuilt from the rows).
ALTER TABLE reports ADD COLUMN route_region TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE reports ADD COLUMN stats_month BIGINT NOT NULL DEFAULT 0;
UPDATE reports SET stats_month = CAST(to_char(to_timestamp(received_at / 1000000.0) AT TIME ZONE 'UTC', 'YYYYMM') AS BIGINT);

-- The holder's position when the certificate was issued (the role it is counted
-- under, whatever the position becomes later); NULL for the public course.
ALTER TABLE certificates ADD COLUMN holder_position TEXT;
UPDATE certificates SET holder_position = (SELECT position FROM users WHERE users.id = certificates.user_id);

-- People trained: certificates issued and not revoked, by organisation (the nil id
-- for the public course's anonymous learners), month issued, course and role.
CREATE TABLE stats_training (
    org_id     UUID NOT NULL,
    month      BIGINT NOT NULL,
    course_id  TEXT NOT NULL,
    role       TEXT NOT NULL,
    people     BIGINT NOT NULL,
    PRIMARY KEY (org_id, month, course_id, role)
);

-- Reports by organisation, month received and route region; `escalated` counts
-- those of them the desk has escalated (at any time since).
CREATE TABLE stats_reports (
    org_id        UUID NOT NULL,
    month         BIGINT NOT NULL,
    route_region  TEXT NOT NULL,
    reports       BIGINT NOT NULL,
    escalated     BIGINT NOT NULL,
    PRIMARY KEY (org_id, month, route_region)
);

-- The same by sign (indicator code): a report with three signs counts under each.
CREATE TABLE stats_signs (
    org_id     UUID NOT NULL,
    month      BIGINT NOT NULL,
    sign       TEXT NOT NULL,
    reports    BIGINT NOT NULL,
    escalated  BIGINT NOT NULL,
    PRIMARY KEY (org_id, month, sign)
);

-- Whether the summaries have been built from the rows (false: rebuild at start).
CREATE TABLE stats_state (
    id     BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    built  BOOLEAN NOT NULL
);
INSERT INTO stats_state (id, built) VALUES (1, FALSE);
