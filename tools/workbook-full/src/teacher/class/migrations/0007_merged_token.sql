-- The tokens of learners' rows merged into another row (one learner who joined from two
-- copies): such a token sends as the other row's learner from then on, so that the copy
-- holding it goes on sending, into the row it now belongs to, and its runner is told so.
-- A token here is no learner's own (`learner.token`) and in no `gone_token`.
CREATE TABLE merged_token (
    token TEXT PRIMARY KEY,
    learner INTEGER NOT NULL REFERENCES learner(id) ON DELETE CASCADE
) WITHOUT ROWID;
