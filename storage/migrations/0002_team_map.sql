-- Schema version 2: the merged map (step 2B), priorities (2C) and links.
-- The map itself is derived: nodes are computed from the post-its plus these decisions,
-- so a partner is always identified by a name key (core.merge.name_key), never by a row id.

ALTER TABLE teams ADD COLUMN colour_blind INTEGER NOT NULL DEFAULT 0;

-- The principal's answers to "Zijn dit dezelfde partner?" (and merges they made themselves).
CREATE TABLE merge_decisions (
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    key_a       TEXT    NOT NULL,
    key_b       TEXT    NOT NULL,
    decision    TEXT    NOT NULL CHECK (decision IN ('merge', 'apart')),
    decided_at  TEXT    NOT NULL,
    PRIMARY KEY (round_id, key_a, key_b)
);

-- Suggestions shown to the principal; buttons carry the row id, never a name.
CREATE TABLE suggestions (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    key_a       TEXT    NOT NULL,
    key_b       TEXT    NOT NULL,
    label_a     TEXT    NOT NULL,
    label_b     TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merge', 'apart')),
    UNIQUE (round_id, key_a, key_b)
);

-- Exactly one priority partner per member (002: "één partner omcirkelen").
CREATE TABLE priorities (
    member_id   INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    node_key    TEXT    NOT NULL,
    reason      TEXT,
    chosen_at   TEXT    NOT NULL
);

-- Lines between partners ("A — B"), added by members.
CREATE TABLE links (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    member_id   INTEGER REFERENCES members (id) ON DELETE CASCADE,
    key_a       TEXT    NOT NULL,
    key_b       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (round_id, member_id, key_a, key_b)
);
