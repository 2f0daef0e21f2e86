-- Schema version 15: /vergeetmij also reaches the kept versions.
-- * A kept map version stays immutable, with one exception: anonymising it after someone asked
--   to be forgotten. Such an update rewrites the snapshot, the picture and the report (their
--   free texts removed, counts kept) and must raise `anonymised` by exactly one; the version's
--   identity (team, round, parent, reason, date) never changes.

ALTER TABLE map_versions ADD COLUMN anonymised INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER map_versions_are_immutable;

CREATE TRIGGER map_versions_are_immutable BEFORE UPDATE ON map_versions
WHEN NEW.anonymised IS NOT OLD.anonymised + 1
  OR NEW.id IS NOT OLD.id
  OR NEW.team_id IS NOT OLD.team_id
  OR NEW.round_id IS NOT OLD.round_id
  OR NEW.parent_id IS NOT OLD.parent_id
  OR NEW.reason IS NOT OLD.reason
  OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'map versions are immutable');
END;
