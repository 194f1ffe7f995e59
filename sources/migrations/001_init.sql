-- Schema v1: the reference store, and the runs, claims and verdicts checked against it.
-- Every stored row knows the load or run that wrote it.

CREATE TABLE loads (
    load_id       VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,          -- 'passages', ...
    source_path   VARCHAR,
    source_hash   VARCHAR,                   -- sha256 of the file loaded
    embed_model   VARCHAR,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    rows_added    INTEGER DEFAULT 0,
    rows_skipped  INTEGER DEFAULT 0,
    rows_rejected INTEGER DEFAULT 0,
    status        VARCHAR NOT NULL           -- 'running', 'done', 'failed'
);

CREATE TABLE passages (
    passage_id     VARCHAR PRIMARY KEY,      -- content hash of source URL + text
    external_id    VARCHAR,                  -- the id the input file gave it
    text           VARCHAR NOT NULL,
    language       VARCHAR,
    source_url     VARCHAR,
    source_title   VARCHAR,
    publisher      VARCHAR,
    published      DATE,
    published_raw  VARCHAR,
    quote_type     VARCHAR,
    span_start     INTEGER,
    span_end       INTEGER,
    embedding      FLOAT[384],
    embed_model    VARCHAR,
    load_id        VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE facts (                        -- structured facts; filled by later ingest formats
    fact_id      VARCHAR PRIMARY KEY,
    subject      VARCHAR NOT NULL,
    attribute    VARCHAR NOT NULL,
    value        VARCHAR NOT NULL,
    unit         VARCHAR,
    valid_from   DATE,
    valid_to     DATE,
    source_url   VARCHAR,
    load_id      VARCHAR NOT NULL
);

CREATE TABLE runs (
    run_id        VARCHAR PRIMARY KEY,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,          -- 'running', 'done', 'failed'
    code_version  VARCHAR,
    models        VARCHAR,                   -- JSON list of {name, version, role}
    rules_version VARCHAR,
    store_load_id VARCHAR,                   -- the newest load of the store when the run began
    articles      INTEGER DEFAULT 0,
    claims        INTEGER DEFAULT 0,
    params        VARCHAR                    -- JSON
);

CREATE TABLE articles (
    article_id    VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,
    title         VARCHAR,
    url           VARCHAR,
    language      VARCHAR,
    published     DATE,
    path          VARCHAR,
    text          VARCHAR NOT NULL,
    PRIMARY KEY (article_id, run_id)
);

CREATE TABLE claims (
    claim_id      VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    article_id    VARCHAR NOT NULL,
    text          VARCHAR NOT NULL,
    span_start    INTEGER NOT NULL,
    span_end      INTEGER NOT NULL,
    type          VARCHAR,
    language      VARCHAR,
    checkworthy   DOUBLE,
    checkable     BOOLEAN,
    extractor     VARCHAR,
    fields        VARCHAR,                   -- JSON: quantities, dates, entities, exclusive
    PRIMARY KEY (claim_id, run_id)
);

CREATE TABLE verdicts (
    verdict_id     VARCHAR NOT NULL,
    run_id         VARCHAR NOT NULL,
    claim_id       VARCHAR NOT NULL,
    article_id     VARCHAR NOT NULL,
    label          VARCHAR NOT NULL,
    confidence     DOUBLE NOT NULL,
    review_needed  BOOLEAN NOT NULL,
    review_reasons VARCHAR,                  -- JSON list
    explanation    VARCHAR,
    provenance     VARCHAR,                  -- JSON
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (verdict_id, run_id)
);

CREATE TABLE evidence_links (
    verdict_id      VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL,
    rank            INTEGER NOT NULL,
    passage_id      VARCHAR NOT NULL,
    retrieval_score DOUBLE,
    stance          VARCHAR,
    stance_score    DOUBLE,
    rule            VARCHAR,
    explanation     VARCHAR,
    load_id         VARCHAR,
    PRIMARY KEY (verdict_id, run_id, passage_id)
);
