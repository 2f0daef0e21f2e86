-- Schema version 27: the school-year calendar.
-- * team_free_days: the school's own free days and study days, added by a facilitator
--   (/vrijedag); with the Flemish school holidays and the public holidays (core/calendar.py)
--   they are the days nothing planned reaches people.

CREATE TABLE team_free_days (
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    day         TEXT    NOT NULL,  -- ISO date, the team's own time zone
    kind        TEXT    NOT NULL DEFAULT 'vrij' CHECK (kind IN ('vrij', 'studiedag')),
    label       TEXT    NOT NULL DEFAULT '',
    added_by    INTEGER NOT NULL,
    added_at    TEXT    NOT NULL,
    PRIMARY KEY (team_id, day)
);
