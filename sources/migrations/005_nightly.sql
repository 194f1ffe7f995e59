-- Schema v5: nightly runs (flows/nightly.py). One row per night in nightly_runs (it shares its run_id
-- with `runs`), one row per article of the night in run_articles (its plan and status, which is what
-- makes a killed run resumable), query embeddings cached by content, and passages retired when the
-- source file they came from changed (kept so that reports can still show the evidence that went).

CREATE TABLE nightly_runs (
    run_id            VARCHAR PRIMARY KEY,      -- = runs.run_id
    inbox             VARCHAR NOT NULL,         -- JSON list of the inbox paths
    previous_run_id   VARCHAR,                  -- the last successful nightly run it is compared with
    task_runner       VARCHAR,                  -- 'default', 'dask', 'ray'
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    status            VARCHAR NOT NULL,         -- 'running', 'done', 'failed', 'abandoned'
    attempts          INTEGER NOT NULL DEFAULT 1, -- 1 + the number of times it was resumed
    articles_seen     INTEGER DEFAULT 0,
    articles_new      INTEGER DEFAULT 0,
    articles_changed  INTEGER DEFAULT 0,
    articles_evidence INTEGER DEFAULT 0,        -- unchanged articles re-verified because their evidence changed
    articles_carried  INTEGER DEFAULT 0,        -- unchanged articles whose verdicts still stand
    articles_failed   INTEGER DEFAULT 0,
    claims            INTEGER DEFAULT 0,        -- claims of all the inbox's articles (carried included)
    verdicts_changed  INTEGER DEFAULT 0,
    label_counts      VARCHAR,                  -- JSON {label: n} over the whole inbox
    durations         VARCHAR,                  -- JSON {phase: seconds}
    report            VARCHAR                   -- the Markdown report of the night
);

CREATE TABLE run_articles (
    run_id          VARCHAR NOT NULL,
    article_id      VARCHAR NOT NULL,
    content_hash    VARCHAR NOT NULL,
    path            VARCHAR,
    reason          VARCHAR NOT NULL,           -- 'new', 'changed', 'evidence', 'unchanged'
    detail          VARCHAR,                    -- why, in words (which evidence changed)
    status          VARCHAR NOT NULL,           -- 'pending', 'done', 'carried', 'failed'
    verdict_run_id  VARCHAR,                    -- the run whose rows hold this article's current verdicts
    previous_run_id VARCHAR,                    -- the run whose rows held them before this night, if any
    error           VARCHAR,
    seconds         DOUBLE,
    finished_at     TIMESTAMP,
    PRIMARY KEY (run_id, article_id)
);

CREATE TABLE embedding_cache (
    model        VARCHAR NOT NULL,
    mode         VARCHAR NOT NULL,              -- 'query' or 'passage'
    text_hash    VARCHAR NOT NULL,              -- sha256 of the exact text
    vector       FLOAT[384] NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (model, mode, text_hash)
);

CREATE TABLE retired_passages (
    passage_id    VARCHAR NOT NULL,
    text          VARCHAR,
    source_url    VARCHAR,
    source_title  VARCHAR,
    publisher     VARCHAR,
    load_id       VARCHAR,                      -- the load that had written it
    retired_by    VARCHAR NOT NULL,             -- the load of the changed file that no longer holds it
    retired_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (passage_id, retired_by)
);
