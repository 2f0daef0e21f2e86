-- Schema version 5: step 1's group part (the members' views on collective learning, shared once)
-- and the team setting that decides whether shared answers carry first names.

ALTER TABLE rounds ADD COLUMN intro_posted_at TEXT;
-- The highest member id whose answers were shared: later joiners get an addendum.
ALTER TABLE rounds ADD COLUMN intro_shared_upto INTEGER;
ALTER TABLE teams ADD COLUMN show_names INTEGER NOT NULL DEFAULT 0;
