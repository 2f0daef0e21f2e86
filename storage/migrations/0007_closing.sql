-- Schema version 7: step 4, the closing questions, and the absences they bring up.

ALTER TABLE members ADD COLUMN closing_question TEXT;
ALTER TABLE members ADD COLUMN absence_id INTEGER;

CREATE TABLE closing_answers (
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    question_id  TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (member_id, question_id)
);

-- A partner, expertise or perspective missing from the map (002 goal 3, CLOSE.Q3/Q4).
CREATE TABLE absences (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    member_id    INTEGER REFERENCES members (id) ON DELETE CASCADE,
    description  TEXT    NOT NULL,
    why          TEXT,
    steps        TEXT,
    created_at   TEXT    NOT NULL
);
