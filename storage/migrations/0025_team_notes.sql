-- Schema version 25: what the team takes from each shared step (002 step 0: "wie verslagnemer
-- zal zijn"; the research reports' "Schoolspecifieke conclusie" and "Reflectie op de werkvorm").
-- * team_notes: one free text per round and item, written by a facilitator or the round's
--   note taker; never who wrote it (the report names no one).
-- * note_writing: the one note a person is writing now; their next typed message is its text.
--   A row, so a restart between the tap and the message loses nothing.
-- * note_takers: the member a facilitator chose to record the notes (one per round), and the
--   newest item they were already offered (so each shared step is offered once).

CREATE TABLE team_notes (
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    item        TEXT    NOT NULL CHECK (item IN ('aim', 'intro', 'map', 'priorities', 'deep',
                                                 'closing', 'reflection')),
    text        TEXT    NOT NULL,
    written_at  TEXT    NOT NULL,
    PRIMARY KEY (round_id, item)
);

CREATE TABLE note_writing (
    user_id     INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    item        TEXT    NOT NULL,
    started_at  TEXT    NOT NULL
);

CREATE TABLE note_takers (
    round_id    INTEGER PRIMARY KEY REFERENCES rounds (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    offered     TEXT    NOT NULL DEFAULT '',
    chosen_at   TEXT    NOT NULL
);
