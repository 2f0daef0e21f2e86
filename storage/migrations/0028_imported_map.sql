-- Schema version 28: the map a school already has (PROTOCOL step 0, PRE.I1).
-- * rounds.imported_from: a round that was not run with the bot but read from a spreadsheet
--   the facilitator sent (the file's name). Its partners are the facilitator's post-its, its
--   kept version is the team's previous map, so the next round starts as a review of it.

ALTER TABLE rounds ADD COLUMN imported_from TEXT;
