-- Whether a verdict was of the exercise the learner is on (checked alone, or saved in
-- `watch`), not one of a lesson's checked together. Verdicts kept before were not told.
ALTER TABLE verdict ADD COLUMN current INTEGER NOT NULL DEFAULT 0;

-- A name compared as a room reads it: the same letters in any case or width are one name.
-- Filled in for the learners who joined before, by the server as it opens the database.
ALTER TABLE learner ADD COLUMN name_key TEXT;
CREATE UNIQUE INDEX learner_name_key ON learner (name_key);
