-- Schema v8: a passage's context (issue 4), read with its text when it is embedded and indexed for
-- BM25: its article's title when the passages were ingested with --title-context, or a row's own
-- `context`. NULL (every passage stored before v8) means the text alone, as before.

ALTER TABLE passages ADD COLUMN context VARCHAR;
