-- Schema version 6: step 3, the in-depth conversation with the reflection cards.
-- A session is one /verdiep: the principal picks partners (draft), opens it, closes it.

CREATE TABLE deep_sessions (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    created_at  TEXT    NOT NULL,
    opened_at   TEXT,
    closed_at   TEXT
);

CREATE TABLE deep_partners (
    session_id  INTEGER NOT NULL REFERENCES deep_sessions (id) ON DELETE CASCADE,
    node_key    TEXT    NOT NULL,
    label       TEXT    NOT NULL,
    PRIMARY KEY (session_id, node_key)
);

CREATE TABLE card_answers (
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    session_id  INTEGER NOT NULL REFERENCES deep_sessions (id) ON DELETE CASCADE,
    node_key    TEXT    NOT NULL,
    card_id     TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (member_id, session_id, node_key, card_id)
);

-- Where a member is in the cards: which partner and which card they are answering.
ALTER TABLE members ADD COLUMN deep_node_key TEXT;
ALTER TABLE members ADD COLUMN deep_card TEXT;
