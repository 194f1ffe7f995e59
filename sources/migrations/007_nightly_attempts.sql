-- Schema v7: every attempt at a nightly run (verdicts/runs.py). A night that is killed and run again
-- keeps its run_id and plan; each process that works on it is one attempt, ended 'done', 'failed'
-- (it raised: the error is kept), or 'interrupted' (its process vanished: killed, crashed, machine
-- down; noticed and marked by the next run that takes the lock). nightly_runs.error holds the last
-- error of the night, so history shows why a night failed.

ALTER TABLE nightly_runs ADD COLUMN error VARCHAR;

CREATE TABLE nightly_attempts (
    run_id       VARCHAR NOT NULL,              -- = nightly_runs.run_id
    attempt      INTEGER NOT NULL,              -- 1, 2, ...
    pid          INTEGER,                       -- the process that made the attempt
    host         VARCHAR,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,                     -- for 'interrupted': when the next run noticed
    status       VARCHAR NOT NULL,              -- 'running', 'done', 'failed', 'interrupted'
    error        VARCHAR,
    PRIMARY KEY (run_id, attempt)
);
