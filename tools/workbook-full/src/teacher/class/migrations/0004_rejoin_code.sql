-- Each learner's re-join code, given at join and kept by their runner: with it they join
-- again under their name from a new clone or machine, without the teacher (a new code
-- each time). Learners who joined before have none; the teacher's `rejoin` still works.
ALTER TABLE learner ADD COLUMN rejoin_code TEXT;
