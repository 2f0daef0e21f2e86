-- Schema version 14: which private message created what, so an edited message changes what it
-- created (a renamed post-it, a corrected answer) instead of being taken as new input.
-- * One row per thing a message created or contributed to; a pasted list has one row per line
--   (line 0, 1, ...), also for a line that was refused (created = 0), so that editing it later
--   tries the corrected line instead of adding the unchanged ones twice.
-- * `part` is exactly what the message contributed: the post-it's name, or its piece of an answer
--   that several messages built together (answers are joined with line breaks).
-- * A post-it deleted from the list leaves its row with postit_id NULL and created = 1: editing
--   that line later does not bring the post-it back.
-- * Rows go with the member or respondent (ON DELETE CASCADE), so /vergeetmij removes them too.

CREATE TABLE source_messages (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL,
    message_id     INTEGER NOT NULL,
    line           INTEGER NOT NULL DEFAULT 0,
    kind           TEXT    NOT NULL
                   CHECK (kind IN ('postit', 'concept', 'card', 'closing', 'absence', 'reason',
                                   'mc_answer')),
    member_id      INTEGER REFERENCES members (id) ON DELETE CASCADE,
    respondent_id  INTEGER REFERENCES mc_respondents (id) ON DELETE CASCADE,
    postit_id      INTEGER REFERENCES postits (id) ON DELETE SET NULL,
    absence_id     INTEGER REFERENCES absences (id) ON DELETE CASCADE,
    session_id     INTEGER REFERENCES deep_sessions (id) ON DELETE CASCADE,
    node_key       TEXT,
    question_id    TEXT,
    part           TEXT    NOT NULL,
    created        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    CHECK ((member_id IS NULL) <> (respondent_id IS NULL))
);

CREATE INDEX source_messages_by_message ON source_messages (user_id, message_id);
CREATE INDEX source_messages_by_postit ON source_messages (postit_id);
