-- Schema version 12: the yearly update and the optimised map.
-- * reviewed_postits: in a new round, a member goes through the partners they named last time and
--   keeps, moves or drops each one; a kept partner becomes a post-it of the new round.
-- * map_additions: partners the principal added after the member check (MC.3 "optimalisering").
-- * map_versions may now hold several versions per round (the kept round, then optimisations),
--   so the table is rebuilt without UNIQUE (round_id); versions stay immutable.
-- * people.blocked_at: Telegram answered 403 (the person blocked the bot); never retried forever.
-- * teams.timezone and teams.send_days: the principal's choice of when messages may go out.
-- * planned: a new kind, mc_open (the member check sent at a chosen moment).
-- * planned_sends: what each planned action sent, so a resumed action never sends twice.

CREATE TABLE reviewed_postits (
    member_id      INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    old_postit_id  INTEGER NOT NULL,
    decision       TEXT    NOT NULL CHECK (decision IN ('keep', 'closer', 'further', 'drop')),
    new_postit_id  INTEGER REFERENCES postits (id) ON DELETE SET NULL,
    decided_at     TEXT    NOT NULL,
    PRIMARY KEY (member_id, old_postit_id)
);

CREATE TABLE map_additions (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    check_id    INTEGER REFERENCES member_checks (id) ON DELETE SET NULL,
    label       TEXT    NOT NULL,
    norm        TEXT    NOT NULL,
    category    TEXT,
    distance    INTEGER CHECK (distance BETWEEN 0 AND 4),
    status      TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'added')),
    created_at  TEXT    NOT NULL,
    UNIQUE (round_id, norm)
);

-- Rebuilding a table that others reference: storage/db.py runs every migration with foreign
-- keys off and checks them all (PRAGMA foreign_key_check) before COMMIT.
CREATE TABLE map_versions_v12 (
    id             INTEGER PRIMARY KEY,
    team_id        INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    round_id       INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    parent_id      INTEGER REFERENCES map_versions (id),
    reason         TEXT    NOT NULL DEFAULT 'round' CHECK (reason IN ('round', 'membercheck')),
    created_at     TEXT    NOT NULL,
    snapshot_json  TEXT    NOT NULL,
    png            BLOB    NOT NULL,
    report_pdf     BLOB    NOT NULL,
    report_md      TEXT    NOT NULL
);

INSERT INTO map_versions_v12 (id, team_id, round_id, parent_id, reason, created_at, snapshot_json,
                              png, report_pdf, report_md)
SELECT id, team_id, round_id, parent_id, 'round', created_at, snapshot_json, png, report_pdf,
       report_md
FROM map_versions;

DROP TABLE map_versions;
ALTER TABLE map_versions_v12 RENAME TO map_versions;
CREATE UNIQUE INDEX map_versions_one_kept_round ON map_versions (round_id) WHERE reason = 'round';

CREATE TRIGGER map_versions_are_immutable BEFORE UPDATE ON map_versions
BEGIN
    SELECT RAISE(ABORT, 'map versions are immutable');
END;

ALTER TABLE people ADD COLUMN blocked_at TEXT;

ALTER TABLE teams ADD COLUMN timezone TEXT;
ALTER TABLE teams ADD COLUMN send_days TEXT NOT NULL DEFAULT 'weekdays'
    CHECK (send_days IN ('weekdays', 'everyday', 'always'));

-- The member check may be sent later than it is prepared ('mc_open', "kies wanneer").
CREATE TABLE planned_v12 (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    round_id    INTEGER REFERENCES rounds (id) ON DELETE CASCADE,
    check_id    INTEGER REFERENCES member_checks (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL
                CHECK (kind IN ('step_deadline', 'step_nudge', 'mc_open', 'mc_deadline', 'mc_nudge',
                                'yearly')),
    step        TEXT    NOT NULL,
    run_at      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'claimed', 'done', 'cancelled')),
    created_at  TEXT    NOT NULL,
    done_at     TEXT,
    claimed_at  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0
);

-- A row claimed before this version was never run again by design: it stays that way.
INSERT INTO planned_v12 (id, team_id, round_id, check_id, kind, step, run_at, status, created_at,
                         done_at, attempts)
SELECT id, team_id, round_id, check_id, kind, step, run_at,
       CASE status WHEN 'claimed' THEN 'done' ELSE status END, created_at, done_at,
       CASE status WHEN 'planned' THEN 0 ELSE 1 END
FROM planned;

DROP TABLE planned;
ALTER TABLE planned_v12 RENAME TO planned;
CREATE INDEX planned_due ON planned (status, run_at);

-- Every message a planned action sent, by a key of its own: an action that was interrupted
-- (the process died half-way through a broadcast) is resumed and skips what already went out.
CREATE TABLE planned_sends (
    planned_id  INTEGER NOT NULL REFERENCES planned (id) ON DELETE CASCADE,
    key         TEXT    NOT NULL,
    sent_at     TEXT    NOT NULL,
    PRIMARY KEY (planned_id, key)
);

-- The message with the term buttons of the step that opened last: older ones are stale.
ALTER TABLE rounds ADD COLUMN term_offer_id INTEGER;
