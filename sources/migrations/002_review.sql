-- Schema v2: fact-checkers' review (review/). Users, sign-in sessions, and the decisions people take.
-- review_decisions is an audit trail: the code only ever INSERTs into it; a new decision on the same
-- claim is a new row that names the one it supersedes.

CREATE TABLE review_users (
    username       VARCHAR PRIMARY KEY,
    role           VARCHAR NOT NULL,          -- 'reviewer' (may decide) or 'read-only'
    password_hash  VARCHAR,                   -- argon2id (argon2-cffi), NULL for token-only users
    token_hash     VARCHAR,                   -- sha256 of a CLI-created sign-in token, NULL if none
    created_at     TIMESTAMP NOT NULL,
    created_by     VARCHAR
);

CREATE TABLE review_sessions (
    session_hash   VARCHAR PRIMARY KEY,       -- sha256 of the cookie value (the cookie itself is never stored)
    username       VARCHAR NOT NULL,
    csrf_token     VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL
);

CREATE TABLE review_decisions (
    decision_id    VARCHAR PRIMARY KEY,
    claim_id       VARCHAR NOT NULL,
    run_id         VARCHAR NOT NULL,          -- the run whose verdict was reviewed
    verdict_id     VARCHAR,
    article_id     VARCHAR,
    claim_text     VARCHAR NOT NULL,
    claim_language VARCHAR,
    reviewer       VARCHAR NOT NULL,
    decided_at     TIMESTAMP NOT NULL,
    action         VARCHAR NOT NULL,          -- 'confirm' or 'change'
    label_before   VARCHAR NOT NULL,          -- the machine's label (or the previous decision's)
    label_after    VARCHAR NOT NULL,
    confidence_before DOUBLE,
    note           VARCHAR,
    supersedes     VARCHAR,                   -- the decision on this claim it replaces, if any
    source         VARCHAR NOT NULL           -- 'web', 'cli'
);

CREATE TABLE review_vectors (                 -- cache of claim-text embeddings for decision reuse
    text_hash      VARCHAR NOT NULL,
    embed_model    VARCHAR NOT NULL,
    embedding      FLOAT[384] NOT NULL,
    PRIMARY KEY (text_hash, embed_model)
);
