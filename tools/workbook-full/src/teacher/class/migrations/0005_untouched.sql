-- Whether a verdict's exercise was its stub, untouched: failing, it is not started. Runners
-- before it did not say; their verdicts are kept as they were read then.
ALTER TABLE verdict ADD COLUMN untouched INTEGER NOT NULL DEFAULT 0;
