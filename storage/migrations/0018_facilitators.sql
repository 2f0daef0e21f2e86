-- Schema version 18: more than one
-- gespreksleider. The principal (teams.principal_user_id) stays the team's first facilitator;
-- whoever the principal hands the role to as well (a care coordinator, a pedagogisch
-- begeleider) is a row here, and may run every step like the principal.

CREATE TABLE facilitators (
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    first_name  TEXT    NOT NULL DEFAULT '',
    added_by    INTEGER NOT NULL,
    added_at    TEXT    NOT NULL,
    PRIMARY KEY (team_id, user_id)
);

CREATE INDEX facilitators_user ON facilitators (user_id);
