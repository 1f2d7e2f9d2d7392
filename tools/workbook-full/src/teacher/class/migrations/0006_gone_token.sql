-- The learners' tokens that no longer work, and why: the learner was removed by the
-- teacher (or merged into another row), or their name joined again from another copy. A
-- runner that still sends with one is told what happened, not only that it is unknown.
CREATE TABLE gone_token (
    token TEXT PRIMARY KEY,
    why TEXT NOT NULL
) WITHOUT ROWID;
