-- Schema v4: the reference store's other sources (issue 4). Documents chunked into passages, with
-- every version of a source kept; previously fact-checked claims (ClaimReview, AVeriTeC pool);
-- structured facts' provenance and history. Passages that a changed or removed source no longer
-- holds move to retired_passages (schema v5), so nothing a verdict rested on is lost.

CREATE TABLE IF NOT EXISTS documents (
    document_id   VARCHAR NOT NULL,          -- stable id of the source: hash of its URL (or path)
    version_hash  VARCHAR NOT NULL,          -- sha256 of this version's text
    source_url    VARCHAR,
    source_path   VARCHAR,
    title         VARCHAR,
    format        VARCHAR,                   -- 'markdown', 'html', 'text'
    language      VARCHAR,
    published     DATE,
    chars         INTEGER,
    passages      INTEGER,                   -- chunks this version was cut into
    passage_ids   VARCHAR[],                 -- their passage ids, in order
    text          VARCHAR,                   -- the document text the passages' spans point into
    load_id       VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    retired_at    TIMESTAMP,                 -- set when a newer version replaced it or it was removed
    retired_by    VARCHAR,                   -- the load (or 'remove-...') that retired it
    PRIMARY KEY (document_id, version_hash)
);

CREATE TABLE IF NOT EXISTS prior_checks (
    check_id      VARCHAR PRIMARY KEY,       -- content hash of URL + claim text
    claim_text    VARCHAR NOT NULL,          -- the claim that was checked (claimReviewed)
    rating        VARCHAR,                   -- the publisher's rating as written ("False", "Misleading")
    label         VARCHAR,                   -- mapped to SUPPORTED / REFUTED / CONFLICTING / NOT_ENOUGH_EVIDENCE, or NULL
    url           VARCHAR,                   -- the fact-check's URL
    publisher     VARCHAR,
    claimant      VARCHAR,
    claim_date    DATE,
    review_date   DATE,
    language      VARCHAR,
    title         VARCHAR,
    external_id   VARCHAR,
    source_format VARCHAR,                   -- 'claimreview', 'averitec-pool', 'checkthat'
    embedding     FLOAT[384],
    embed_model   VARCHAR,
    load_id       VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

ALTER TABLE facts ADD COLUMN IF NOT EXISTS source_title VARCHAR;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS external_id VARCHAR;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS value_number DOUBLE;   -- value parsed as a number, when it is one
ALTER TABLE facts ADD COLUMN IF NOT EXISTS created_at TIMESTAMP;

CREATE TABLE IF NOT EXISTS facts_history (  -- facts a changed or removed source no longer holds
    fact_id      VARCHAR NOT NULL,
    subject      VARCHAR,
    attribute    VARCHAR,
    value        VARCHAR,
    unit         VARCHAR,
    valid_from   DATE,
    valid_to     DATE,
    source_url   VARCHAR,
    load_id      VARCHAR,
    retired_by   VARCHAR NOT NULL,
    retired_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (fact_id, retired_by)
);

-- v8's column (prior_checks.summary), for a store that gets v4 after v8 (v4 came later than some stores' v8):
-- v8 found no prior_checks to alter then. A no-op in order; a fresh store gets it here, v8 then skips it.
ALTER TABLE prior_checks ADD COLUMN IF NOT EXISTS summary VARCHAR;
