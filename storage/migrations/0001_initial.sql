-- Schema version 1: teams, rounds, members and the private brainstorm (steps 0, 1, 2A).
-- Later migrations only add; never edit a migration that has landed.

CREATE TABLE teams (
    id                      INTEGER PRIMARY KEY,
    chat_id                 INTEGER NOT NULL UNIQUE,
    school_name             TEXT,
    language                TEXT    NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    principal_user_id       INTEGER NOT NULL,
    name_prompt_message_id  INTEGER,
    created_at              TEXT    NOT NULL
);

CREATE TABLE rounds (
    id                   INTEGER PRIMARY KEY,
    team_id              INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    number               INTEGER NOT NULL,
    token                TEXT    NOT NULL UNIQUE,
    step                 TEXT    NOT NULL,
    opened_at            TEXT    NOT NULL,
    closed_at            TEXT,
    progress_message_id  INTEGER,
    UNIQUE (team_id, number)
);

-- "Only one round is open per team", enforced by the database itself.
CREATE UNIQUE INDEX rounds_one_open_per_team ON rounds (team_id) WHERE closed_at IS NULL;

CREATE TABLE members (
    id                 INTEGER PRIMARY KEY,
    round_id           INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    user_id            INTEGER NOT NULL,
    first_name         TEXT    NOT NULL,
    role               TEXT,
    function           TEXT,
    stage              TEXT    NOT NULL,
    current_postit_id  INTEGER REFERENCES postits (id) ON DELETE SET NULL,
    screen_seq         INTEGER NOT NULL DEFAULT 0,
    finished_at        TEXT,
    joined_at          TEXT    NOT NULL,
    UNIQUE (round_id, user_id)
);

CREATE INDEX members_by_user ON members (user_id);

-- Which membership a person's direct messages belong to (a person can be in several teams).
CREATE TABLE people (
    user_id           INTEGER PRIMARY KEY,
    active_member_id  INTEGER REFERENCES members (id) ON DELETE SET NULL
);

CREATE TABLE concept_answers (
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    question_id  TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (member_id, question_id)
);

CREATE TABLE postits (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL,
    norm        TEXT    NOT NULL,
    kind        TEXT,
    category    TEXT,
    distance    INTEGER CHECK (distance BETWEEN 0 AND 4),
    position    INTEGER NOT NULL,
    classified  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (member_id, norm)
);
