-- Schema version 29: agreed next steps that get followed up (issue 16, point 1).
-- * commitments: at the end of step 4 the facilitator turns the team's next steps into a few
--   commitments: what, for which partner, who (a role, or a person of the round who agrees),
--   by when. status: draft (being made), open (running), done, dropped (no longer needed).
--   owner_user_id is a person only once they said yes ("Neem je dit op?"); until then
--   owner_status is 'asked'. /vergeetmij clears the person (the commitment stays, unowned)
--   and the line they wrote after the check-in (note, note_by).
-- * commitment_checkins: ONE row per commitment and date, written in the transaction that
--   owes the check-in message: the database itself refuses a second check-in for a date.
-- * commitment_input: what a person is typing for a commitment right now (its text, the
--   partner, a date, a line with the check-in's answer), so a typed message finds its place
--   after a restart.
-- * planned: a new kind, commitment_checkin, with the commitment it is for.

CREATE TABLE commitments (
    id             INTEGER PRIMARY KEY,
    team_id        INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    round_id       INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    what           TEXT    NOT NULL DEFAULT '',
    partner        TEXT,
    owner_role     TEXT,
    owner_user_id  INTEGER,
    owner_status   TEXT    NOT NULL DEFAULT 'none'
                   CHECK (owner_status IN ('none', 'asked', 'agreed', 'declined')),
    due_date       TEXT,
    status         TEXT    NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'open', 'done', 'dropped')),
    postponed      INTEGER NOT NULL DEFAULT 0,
    note           TEXT,
    note_by        INTEGER,
    created_by     INTEGER,
    created_at     TEXT    NOT NULL,
    closed_at      TEXT
);

CREATE INDEX commitments_team ON commitments (team_id, status);
CREATE INDEX commitments_owner ON commitments (owner_user_id) WHERE owner_user_id IS NOT NULL;

CREATE TABLE commitment_checkins (
    id             INTEGER PRIMARY KEY,
    commitment_id  INTEGER NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    due_date       TEXT    NOT NULL,
    chat_id        INTEGER NOT NULL,
    sent_at        TEXT    NOT NULL,
    answer         TEXT    CHECK (answer IN ('done', 'notyet', 'dropped')),
    answered_at    TEXT,
    UNIQUE (commitment_id, due_date)
);

CREATE TABLE commitment_input (
    user_id        INTEGER PRIMARY KEY,
    commitment_id  INTEGER NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    field          TEXT    NOT NULL
                   CHECK (field IN ('what', 'partner', 'owner', 'due', 'note', 'newdate')),
    since          TEXT    NOT NULL
);

CREATE TABLE planned_v29 (
    id             INTEGER PRIMARY KEY,
    team_id        INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    round_id       INTEGER REFERENCES rounds (id) ON DELETE CASCADE,
    check_id       INTEGER REFERENCES member_checks (id) ON DELETE CASCADE,
    commitment_id  INTEGER REFERENCES commitments (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL
                   CHECK (kind IN ('step_deadline', 'step_nudge', 'mc_open', 'mc_deadline',
                                   'mc_nudge', 'yearly', 'commitment_checkin')),
    step           TEXT    NOT NULL,
    run_at         TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'planned'
                   CHECK (status IN ('planned', 'claimed', 'done', 'cancelled')),
    created_at     TEXT    NOT NULL,
    done_at        TEXT,
    claimed_at     TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0
);

INSERT INTO planned_v29 (id, team_id, round_id, check_id, commitment_id, kind, step, run_at,
                         status, created_at, done_at, claimed_at, attempts)
SELECT id, team_id, round_id, check_id, NULL, kind, step, run_at, status, created_at, done_at,
       claimed_at, attempts
FROM planned;

DROP TABLE planned;
ALTER TABLE planned_v29 RENAME TO planned;
CREATE INDEX planned_due ON planned (status, run_at);
CREATE INDEX planned_commitment ON planned (commitment_id) WHERE commitment_id IS NOT NULL;
