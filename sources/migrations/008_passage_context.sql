-- Schema v8 (issue 4): text that retrieval reads beside what is shown.
-- passages.context: read before a passage's text when it is embedded and indexed for BM25: its
-- article's title when the passages were ingested with --title-context, or a row's own `context`.
-- NULL (every passage stored before v8) means the text alone, as before.
-- prior_checks.summary: the fact-check's standfirst (CheckThat `subtitle`, ClaimReview `description`),
-- indexed for BM25 with the claim and title (not embedded). '' = the source gave none; NULL = stored
-- before v8 (loading the same file again fills it in, without embedding anything again).

ALTER TABLE passages ADD COLUMN context VARCHAR;
ALTER TABLE IF EXISTS prior_checks ADD COLUMN IF NOT EXISTS summary VARCHAR;
