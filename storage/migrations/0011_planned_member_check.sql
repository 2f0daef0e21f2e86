-- Schema version 11: the schedule also carries the member check's reminders and deadline,
-- and the yearly reminder to update the map.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt with its rows.

CREATE TABLE planned_v11 (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    round_id    INTEGER REFERENCES rounds (id) ON DELETE CASCADE,
    check_id    INTEGER REFERENCES member_checks (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL
                CHECK (kind IN ('step_deadline', 'step_nudge', 'mc_deadline', 'mc_nudge', 'yearly')),
    step        TEXT    NOT NULL,
    run_at      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'claimed', 'done', 'cancelled')),
    created_at  TEXT    NOT NULL,
    done_at     TEXT
);

INSERT INTO planned_v11 (id, team_id, round_id, check_id, kind, step, run_at, status, created_at,
                         done_at)
SELECT id, team_id, round_id, NULL, kind, step, run_at, status, created_at, done_at FROM planned;

DROP TABLE planned;
ALTER TABLE planned_v11 RENAME TO planned;
CREATE INDEX planned_due ON planned (status, run_at);
