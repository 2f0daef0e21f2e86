-- Schema version 4: where the principal is in the map editor (/bewerk in a private chat).
-- Kept apart from the member dialog: a principal can be a member and an editor at once.

CREATE TABLE editors (
    user_id     INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    stage       TEXT    NOT NULL DEFAULT 'browse' CHECK (stage IN ('browse', 'rename')),
    node_key    TEXT,
    screen_seq  INTEGER NOT NULL DEFAULT 0
);
