-- Schema version 19: the member check reaches the whole staff through a shareable link.
-- Focus-group participants of the check's round are left out unless the principal includes them.

ALTER TABLE member_checks ADD COLUMN include_participants INTEGER NOT NULL DEFAULT 0;
