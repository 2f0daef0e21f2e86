-- Schema version 26: a kept version's report may be written again with the team's own notes.
-- The facilitator answers the closing question on the method (and may correct a conclusion)
-- after /afronden; the kept map does not change. Such an update raises `revised` by exactly
-- one and keeps the picture and every part of the snapshot but its answers; anonymising
-- (schema 15) stays as it was. Everything else about a version still never changes.

ALTER TABLE map_versions ADD COLUMN revised INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER map_versions_are_immutable;

CREATE TRIGGER map_versions_are_immutable BEFORE UPDATE ON map_versions
WHEN NOT (
       (NEW.anonymised IS OLD.anonymised + 1 AND NEW.revised IS OLD.revised)
    OR (NEW.revised IS OLD.revised + 1 AND NEW.anonymised IS OLD.anonymised
        AND NEW.png IS OLD.png
        AND json_remove(NEW.snapshot_json, '$.answers')
            IS json_remove(OLD.snapshot_json, '$.answers'))
  )
  OR NEW.id IS NOT OLD.id
  OR NEW.team_id IS NOT OLD.team_id
  OR NEW.round_id IS NOT OLD.round_id
  OR NEW.parent_id IS NOT OLD.parent_id
  OR NEW.reason IS NOT OLD.reason
  OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'map versions are immutable');
END;
