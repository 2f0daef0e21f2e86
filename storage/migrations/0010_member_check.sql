-- Schema version 10: the member check (001 Bijlage 3) as a survey for the wider school team.
-- Respondents are kept apart from focus-group members; the report names functions, never people.

CREATE TABLE member_checks (
    id                   INTEGER PRIMARY KEY,
    team_id              INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    version_id           INTEGER NOT NULL REFERENCES map_versions (id),
    token                TEXT    NOT NULL UNIQUE,
    opened_at            TEXT    NOT NULL,
    closed_at            TEXT,
    protect_small_roles  INTEGER NOT NULL DEFAULT 1,
    report_md            TEXT
);

CREATE UNIQUE INDEX member_checks_one_open ON member_checks (team_id) WHERE closed_at IS NULL;

CREATE TABLE mc_respondents (
    id           INTEGER PRIMARY KEY,
    check_id     INTEGER NOT NULL REFERENCES member_checks (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    stage        TEXT    NOT NULL DEFAULT 'intro',
    role         TEXT,
    function     TEXT,
    question     INTEGER NOT NULL DEFAULT 0,
    screen_seq   INTEGER NOT NULL DEFAULT 0,
    finished_at  TEXT,
    UNIQUE (check_id, user_id)
);

CREATE TABLE mc_answers (
    respondent_id  INTEGER NOT NULL REFERENCES mc_respondents (id) ON DELETE CASCADE,
    question_id    TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    PRIMARY KEY (respondent_id, question_id)
);

CREATE TABLE mc_missing (
    id             INTEGER PRIMARY KEY,
    respondent_id  INTEGER NOT NULL REFERENCES mc_respondents (id) ON DELETE CASCADE,
    partner        TEXT    NOT NULL
);

-- Which survey a person's direct messages belong to while they answer it.
ALTER TABLE people ADD COLUMN active_respondent_id INTEGER REFERENCES mc_respondents (id) ON DELETE SET NULL;
