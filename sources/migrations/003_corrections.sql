-- Schema v3: editorial corrections, and the CI gate runs that check articles against them.
-- A correction says that an article stated something wrong (claim_as_was) and what it says now
-- (corrected_text, '' when the statement was removed). The gate fails any later revision, of that
-- article or another, that states claim_as_was again.

CREATE TABLE corrections (
    correction_id  VARCHAR PRIMARY KEY,       -- content hash of article + claim_as_was + corrected_text
    article        VARCHAR NOT NULL,          -- the article's id, or its path relative to the repository
    claim_as_was   VARCHAR NOT NULL,          -- the wrong statement, as the article stated it
    corrected_text VARCHAR NOT NULL,          -- what the article states instead ('' when removed)
    corrected_on   DATE NOT NULL,
    note           VARCHAR,
    language       VARCHAR,
    added_by       VARCHAR,
    origin         VARCHAR NOT NULL,          -- 'cli', or the corrections file it was imported from
    load_id        VARCHAR NOT NULL,          -- the load (kind 'corrections') that wrote the row
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE gate_runs (                      -- written only when the gate policy says record = true
    gate_run_id    VARCHAR PRIMARY KEY,
    run_id         VARCHAR NOT NULL,          -- the run whose claims and verdicts the gate stored
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    base           VARCHAR,                   -- the git revision the changed files were found against
    head           VARCHAR,                   -- the commit checked (HEAD of the working tree)
    policy_path    VARCHAR,
    status         VARCHAR NOT NULL,          -- 'pass', 'fail'
    articles       INTEGER,
    claims         INTEGER,
    failures       INTEGER,
    findings       VARCHAR                    -- JSON list, as in `factcheck gate --format json`
);
