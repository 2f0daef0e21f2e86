-- Schema version 16: people who leave the team's group, and a group that removed the bot.
-- * members.left_at: the person is no longer in the group (they left or were removed); they
--   can do nothing more in the team, are not counted nor reminded; what they contributed
--   stays, shown anonymously. Cleared when they are back in the group.
-- * members.left_told_at: they were told so once, kindly.
-- * parked_chats: a group that refused the bot (403, it was removed): what the outbox owes it
--   stays pending, in order, until the bot is back.

ALTER TABLE members ADD COLUMN left_at TEXT;
ALTER TABLE members ADD COLUMN left_told_at TEXT;

CREATE TABLE parked_chats (
    chat_id  INTEGER PRIMARY KEY,
    since    TEXT    NOT NULL,
    error    TEXT
);
