-- Schema version 8: step 5, the kept result. A map version is written once and never changed;
-- a later round makes a new version (parent = the previous one).

CREATE TABLE map_versions (
    id             INTEGER PRIMARY KEY,
    team_id        INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    round_id       INTEGER NOT NULL UNIQUE REFERENCES rounds (id) ON DELETE CASCADE,
    parent_id      INTEGER REFERENCES map_versions (id),
    created_at     TEXT    NOT NULL,
    snapshot_json  TEXT    NOT NULL,
    png            BLOB    NOT NULL,
    report_pdf     BLOB    NOT NULL,
    report_md      TEXT    NOT NULL
);

CREATE TRIGGER map_versions_are_immutable BEFORE UPDATE ON map_versions
BEGIN
    SELECT RAISE(ABORT, 'map versions are immutable');
END;
