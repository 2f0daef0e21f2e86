-- Schema version 13: every message the bot owes someone is a row before it is a request.
-- * outbox: written in the same transaction as the state change that causes it; the deliverer
--   sends pending rows in order per chat, records Telegram's message id and marks them sent
--   (payloads are emptied once sent: nothing private stays behind in this table).
-- * living_messages: the message id behind a key (a round's announcement with its counts, the
--   newest term offer), so a later row edits the message instead of sending another.
-- * planned actions now enqueue their messages and finish in one transaction: a row that an
--   older version left 'claimed' (cut off half-way) runs again; planned_sends is no longer used.

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER REFERENCES teams (id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('text', 'photo', 'document', 'notice')),
    living_key  TEXT,
    batch       TEXT,
    payload     TEXT    NOT NULL,
    blob        BLOB,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'unreachable', 'failed', 'superseded',
                                  'skipped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  TEXT,
    message_id  INTEGER,
    error       TEXT,
    created_at  TEXT    NOT NULL,
    done_at     TEXT
);

CREATE INDEX outbox_pending ON outbox (status, id);
CREATE INDEX outbox_batch ON outbox (batch) WHERE batch IS NOT NULL;
CREATE INDEX outbox_chat ON outbox (chat_id);

CREATE TABLE living_messages (
    chat_id     INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (chat_id, key)
);

INSERT INTO living_messages (chat_id, key, message_id)
SELECT teams.chat_id, 'announce:' || rounds.id, rounds.progress_message_id
FROM rounds JOIN teams ON teams.id = rounds.team_id
WHERE rounds.progress_message_id IS NOT NULL;

INSERT INTO living_messages (chat_id, key, message_id)
SELECT teams.chat_id, 'terms:' || rounds.id, rounds.term_offer_id
FROM rounds JOIN teams ON teams.id = rounds.team_id
WHERE rounds.term_offer_id IS NOT NULL;

UPDATE planned SET status = 'planned' WHERE status = 'claimed';
DROP TABLE planned_sends;
