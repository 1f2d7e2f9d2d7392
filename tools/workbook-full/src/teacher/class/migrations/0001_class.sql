-- A class: its name, the code learners join with, the teacher's token.
CREATE TABLE class (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    teacher_token TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

-- Who joined, under which name, with which token.
CREATE TABLE learner (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    joined_ms INTEGER NOT NULL
);

-- Every verdict, as it came: one row an event, never changed. A learner's `seq` numbers
-- their verdicts, so a verdict sent twice is kept once.
CREATE TABLE verdict (
    learner INTEGER NOT NULL REFERENCES learner (id),
    seq INTEGER NOT NULL,
    exercise TEXT NOT NULL,
    passed INTEGER NOT NULL,
    test TEXT,
    message TEXT,
    hints INTEGER NOT NULL,
    -- when it was made, on the server's clock (unix milliseconds)
    at_ms INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (learner, seq)
) WITHOUT ROWID;
