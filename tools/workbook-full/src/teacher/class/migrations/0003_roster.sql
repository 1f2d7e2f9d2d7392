-- The roster, the teacher's: whether the class takes joins now, and which learner may join
-- again under their name (from a new clone, another machine) with a new token.
ALTER TABLE class ADD COLUMN joining INTEGER NOT NULL DEFAULT 1;
ALTER TABLE learner ADD COLUMN rejoin INTEGER NOT NULL DEFAULT 0;
