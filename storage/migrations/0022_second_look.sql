-- Schema version 22: the second look at the merged map (step 2B). When the group gets the map,
-- every member may add partners they miss, propose links between partners on the map and
-- place the disputed partners blind; all of it reaches the map once, when the look closes.

CREATE TABLE looks (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL UNIQUE REFERENCES rounds (id) ON DELETE CASCADE,
    opened_at  TEXT    NOT NULL,
    closed_at  TEXT
);

-- A member's own place in the look: the first partner of a link being drawn, the disputed
-- partner being asked about, and whether they said they are done.
CREATE TABLE look_members (
    look_id       INTEGER NOT NULL REFERENCES looks (id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    link_from     TEXT,
    placement_id  INTEGER,
    done_at       TEXT,
    PRIMARY KEY (look_id, member_id)
);

-- Post-its added during the look: hidden from the map the team sees until it closes.
CREATE TABLE look_postits (
    postit_id  INTEGER PRIMARY KEY REFERENCES postits (id) ON DELETE CASCADE,
    look_id    INTEGER NOT NULL REFERENCES looks (id) ON DELETE CASCADE
);

-- Links proposed during the look (name keys, sorted); they join `links` when it closes.
CREATE TABLE look_links (
    look_id     INTEGER NOT NULL REFERENCES looks (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    key_a       TEXT    NOT NULL,
    key_b       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (look_id, member_id, key_a, key_b)
);

-- A disputed partner put to the team: a distance spread over two rings or more, or a tied
-- category. `after` is the team's value, written when the look closes.
CREATE TABLE placements (
    id        INTEGER PRIMARY KEY,
    look_id   INTEGER NOT NULL REFERENCES looks (id) ON DELETE CASCADE,
    node_key  TEXT    NOT NULL,
    label     TEXT    NOT NULL,
    field     TEXT    NOT NULL CHECK (field IN ('distance', 'category')),
    before    TEXT    NOT NULL,
    options   TEXT    NOT NULL DEFAULT '',
    after     TEXT,
    UNIQUE (look_id, node_key, field)
);

-- One blind answer per member and disputed partner (changeable until the look closes).
CREATE TABLE placement_votes (
    placement_id  INTEGER NOT NULL REFERENCES placements (id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    vote          TEXT    NOT NULL,
    voted_at      TEXT    NOT NULL,
    PRIMARY KEY (placement_id, member_id)
);
