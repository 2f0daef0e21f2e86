-- Schema version 3: what the principal set by hand on a map node (label, category, distance).
-- Keyed by a name key of the node, like every other map fact; the newest value wins.

CREATE TABLE node_overrides (
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    node_key    TEXT    NOT NULL,
    field       TEXT    NOT NULL CHECK (field IN ('label', 'category', 'distance')),
    value       TEXT    NOT NULL,
    set_at      TEXT    NOT NULL,
    PRIMARY KEY (round_id, node_key, field)
);
