-- Schema version 9: every planned message or action is a row; the database is the schedule.
-- A row is claimed (committed) before it is carried out, so it never runs twice, even when the
-- bot stops right after sending; rows that belong to a step that has moved on are skipped.

CREATE TABLE planned (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    round_id    INTEGER REFERENCES rounds (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('step_deadline', 'step_nudge')),
    step        TEXT    NOT NULL,
    run_at      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'claimed', 'done', 'cancelled')),
    created_at  TEXT    NOT NULL,
    done_at     TEXT
);

CREATE INDEX planned_due ON planned (status, run_at);
