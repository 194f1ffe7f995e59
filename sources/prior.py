"""Previously fact-checked claims: load them (ClaimReview JSON-LD, the AVeriTeC pool, CheckThat
verified claims) and find the ones a new claim repeats, in any language, before any other evidence.

`find_prior_checks(store, claim_texts, embedder)` returns, per claim, the earlier fact-checks whose
claim means the same (e5 cosine in query mode for both sides, fused with BM25 for ranking), each
with its rating, mapped label and URL. `PriorMatcher` keeps the matrix loaded between calls, and from
CACHE_MIN checks keeps it and its BM25 index beside the store (`store.duckdb.prior/`) for the next open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import urlparse

import numpy as np

from claims.errors import InputError
from claims.model import content_hash
from claims.read import parse_date_value, read_text
from sources import tables_prior
from sources.store import Store, now

# e5 cosine (query mode on both sides) above which an earlier check counts as the same claim.
# Chosen on the CheckThat 2022 2A train queries (docs/store.md): translations score about 0.91,
# unrelated claims about 0.77.
MATCH_MIN = 0.88


@dataclass(frozen=True, slots=True)
class PriorCheck:
    """An earlier fact-check of a claim, and how well it matches the claim asked about."""

    claim_text: str
    rating: str = ""  # as the publisher wrote it
    label: str = ""  # SUPPORTED / REFUTED / CONFLICTING / NOT_ENOUGH_EVIDENCE or ""
    url: str = ""
    publisher: str = ""
    claimant: str = ""
    claim_date: dt.date | None = None
    review_date: dt.date | None = None
    language: str = ""
    title: str = ""
    external_id: str = ""
    source_format: str = ""
    id: str = ""
    summary: str = ""  # the fact-check's standfirst; indexed for BM25 (bm25_text), not embedded
    score: float = 0.0  # cosine with the claim asked about (when found by a search)
    rank: int = 0
    load_id: str = ""

    def __post_init__(self):
        if not self.id:
            object.__setattr__(self, "id", "c-" + content_hash(self.url, self.claim_text))

    # Bump when match_text changes: caches of embedded earlier checks (the matching eval's store) key on it.
    MATCH_TEXT_VERSION = "claim+title/1"

    @property
    def match_text(self) -> str:
        """What is embedded and indexed: the claim, and the fact-check's title when it adds words."""
        if self.title and self.title.strip().lower() not in self.claim_text.lower():
            return f"{self.claim_text} {self.title}"
        return self.claim_text

    @property
    def bm25_text(self) -> str:
        """What BM25 indexes: the match text and the summary (it restates the claim in other words; in the
        embedded text it did not help, docs/store.md)."""
        return bm25_text(self.match_text, self.summary)


def bm25_text(match_text: str, summary: str | None) -> str:
    return f"{match_text} {summary}" if summary and summary.strip().lower() not in match_text.lower() else match_text


# -- ratings ------------------------------------------------------------------------------------
# fmt: off
_FALSE = (
    "false", "pants on fire", "fake", "incorrect", "wrong", "not true", "untrue", "fabricated", "hoax", "scam",
    "falso", "falsk", "usant", "feil", "faux", "falsch", "misattributed", "baseless", "inaccurate", "four pinocchios",
    "three pinocchios", "altered", "morphed", "doctored", "fasle", "old photo", "old video"
)
# fmt: on
_TRUE = ("true", "correct", "accurate", "sant", "riktig", "stemmer", "verdadero", "vrai", "richtig", "legit")
# fmt: off
_MIXED = (
    "mixture", "half true", "half-true", "misleading", "partly", "partially", "mostly", "exaggerat", "cherry",
    "missing context", "needs context", "out of context", "distort", "delvis", "villedende", "lacks context",
    "lacks_context", "not the whole story", "selective", "imprecise", "two pinocchios", "spins the facts", "mixed"
)
# fmt: on
_UNKNOWN = (
    "unproven",
    "unverified",
    "unsupported",
    "unsubstantiated",
    "no evidence",
    "research in progress",
    "unclear",
)


def label_of_rating(
    rating: str, best: float | None = None, worst: float | None = None, value: float | None = None
) -> str:
    """Map a publisher's rating to one of our labels ("" when it cannot be told)."""
    r = (rating or "").strip().lower()
    if r:
        if any(w in r for w in _MIXED):
            return "CONFLICTING"
        if any(w in r for w in _UNKNOWN):
            return "NOT_ENOUGH_EVIDENCE"
        if any(re.search(rf"\b{re.escape(w)}\b", r) for w in _FALSE):
            return "REFUTED"
        if any(re.search(rf"\b{re.escape(w)}\b", r) for w in _TRUE):
            return "SUPPORTED"
    if value is not None and best is not None and worst is not None and best != worst:
        frac = (value - worst) / (best - worst)
        return "REFUTED" if frac <= 0.25 else "SUPPORTED" if frac >= 0.75 else "CONFLICTING"
    return ""


# -- readers ------------------------------------------------------------------------------------
def _host(url: str) -> str:
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def _num(x) -> float | None:
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _name(x) -> str:
    if isinstance(x, dict):
        return str(x.get("name") or x.get("url") or "")
    if isinstance(x, list):
        return ", ".join(_name(v) for v in x if v)
    return str(x or "")


def _claimreviews(obj) -> Iterable[dict]:
    """Every ClaimReview object in a JSON-LD document (plain, list, @graph, nested)."""
    if isinstance(obj, list):
        for x in obj:
            yield from _claimreviews(x)
    elif isinstance(obj, dict):
        types = obj.get("@type")
        types = types if isinstance(types, list) else [types]
        if "ClaimReview" in types:
            yield obj
        elif "@graph" in obj:
            yield from _claimreviews(obj["@graph"])
        elif "itemListElement" in obj:
            yield from _claimreviews(obj["itemListElement"])
        elif "item" in obj:
            yield from _claimreviews(obj["item"])


def check_from_claimreview(cr: dict) -> PriorCheck:
    """A PriorCheck from one schema.org ClaimReview object; ValueError names what is missing."""
    claim = cr.get("claimReviewed")
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError("ClaimReview without 'claimReviewed'")
    rating = cr.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    text_rating = str(rating.get("alternateName") or rating.get("name") or "") if isinstance(rating, dict) else ""
    item = cr.get("itemReviewed") or {}
    if isinstance(item, list):
        item = item[0] if item else {}
    url = str(cr.get("url") or "")
    author = cr.get("author") or {}
    publisher = _name(author) or _host(url)
    lang = cr.get("inLanguage") or ""
    if isinstance(lang, dict):
        lang = lang.get("alternateName") or lang.get("name") or ""
    return PriorCheck(
        claim_text=claim.strip(),
        rating=text_rating,
        label=label_of_rating(
            text_rating,
            _num(rating.get("bestRating")) if isinstance(rating, dict) else None,
            _num(rating.get("worstRating")) if isinstance(rating, dict) else None,
            _num(rating.get("ratingValue")) if isinstance(rating, dict) else None,
        ),
        url=url,
        publisher=publisher,
        claimant=_name(item.get("author")) if isinstance(item, dict) else "",
        claim_date=parse_date_value(str(item.get("datePublished") or "")[:10]) if isinstance(item, dict) else None,
        review_date=parse_date_value(str(cr.get("datePublished") or "")[:10]),
        language=str(lang),
        title=str(cr.get("name") or cr.get("headline") or ""),
        summary=str(cr.get("description") or "").strip() if isinstance(cr.get("description"), str) else "",
        source_format="claimreview",
    )


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str


def read_claimreview(path: str | Path) -> tuple[list[PriorCheck], list[Rejected]]:
    """ClaimReview JSON-LD: a .json/.jsonld document (object, list or @graph), a .jsonl file with one
    document a line, or an .html page's <script type="application/ld+json"> blocks."""
    path = Path(path)
    text = read_text(path)
    docs: list[tuple[int, object]] = []
    bad: list[Rejected] = []
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        for m in re.finditer(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", text, re.S | re.I):
            line = text.count("\n", 0, m.start()) + 1
            try:
                docs.append((line, json.loads(m.group(1))))
            except json.JSONDecodeError as exc:
                bad.append(Rejected(line, f"JSON-LD block is not valid JSON ({exc.msg})"))
    elif suffix in (".jsonl", ".ndjson"):
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    docs.append((n, json.loads(line)))
                except json.JSONDecodeError as exc:
                    bad.append(Rejected(n, f"not valid JSON ({exc.msg} at column {exc.colno})"))
    else:
        try:
            docs.append((1, json.loads(text)))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: not valid JSON-LD ({exc.msg} at line {exc.lineno}). "
                "Give one JSON document, or .jsonl with one a line.",
                code="FC212",
            ) from exc
    good = []
    for line, doc in docs:
        found = list(_claimreviews(doc))
        if not found:
            bad.append(Rejected(line, "no ClaimReview object (@type ClaimReview) here"))
        for cr in found:
            try:
                good.append(check_from_claimreview(cr))
            except (ValueError, TypeError, AttributeError) as exc:
                bad.append(Rejected(line, str(exc)))
    return good, bad


def _archived_url(url: str) -> str:
    m = re.match(r"https?://web\.archive\.org/web/[^/]+/(.+)$", url or "")
    return m.group(1) if m else (url or "")


def _pool_date(value: str) -> dt.date | None:
    """The pool's fact_checking_date: "16-01-21T06:08:00" is day-month-year (2-digit year)."""
    m = re.match(r"(\d{2})-(\d{2})-(\d{2})", value or "")
    if not m:
        return parse_date_value(value)
    try:
        return dt.date(2000 + int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def read_averitec_pool(path: str | Path) -> tuple[list[PriorCheck], list[Rejected]]:
    """The AVeriTeC ClaimReview pool: a JSON list of {claim_text, verdict_article, source_claim,
    fact_checking_date, web_archive}. Line numbers of bad records are their 1-based list position."""
    path = Path(path)
    try:
        rows = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}).", code="FC212") from exc
    if not isinstance(rows, list):
        raise InputError(
            f"{path}: expected a JSON list of pool records (claim_text, verdict_article, ...).", code="FC212"
        )
    good, bad = [], []
    for i, rec in enumerate(rows, 1):
        if not isinstance(rec, dict) or not str(rec.get("claim_text") or "").strip():
            bad.append(Rejected(i, "record without 'claim_text'"))
            continue
        url = _archived_url(str(rec.get("web_archive") or ""))
        rating = str(rec.get("verdict_article") or "")
        good.append(
            PriorCheck(
                claim_text=str(rec["claim_text"]).strip(),
                rating=rating,
                label=label_of_rating(rating),
                url=url,
                publisher=_host(url),
                claimant=str(rec.get("source_claim") or ""),
                review_date=_pool_date(str(rec.get("fact_checking_date") or "")),
                source_format="averitec-pool",
                external_id=str(rec.get("web_archive") or ""),
            )
        )
    return good, bad


def read_checkthat_vclaims(path: str | Path) -> tuple[list[PriorCheck], list[Rejected]]:
    """CheckThat! 2022 2A verified claims (.jsonl: vclaim_id, vclaim, title, subtitle, date)."""
    good, bad = [], []
    for n, line in enumerate(read_text(Path(path)).splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            text = str(rec.get("vclaim") or "").strip()
            if not text:
                raise ValueError("record without 'vclaim'")
        except (json.JSONDecodeError, ValueError, AttributeError) as exc:
            bad.append(Rejected(n, str(exc)))
            continue
        good.append(
            PriorCheck(
                claim_text=text,
                title=str(rec.get("title") or ""),
                external_id=str(rec.get("vclaim_id") or ""),
                summary=str(rec.get("subtitle") or "").strip(),
                review_date=parse_date_value(str(rec.get("date") or "")) if rec.get("date") else None,
                claimant=str(rec.get("author") or ""),
                source_format="checkthat",
                language="en",
                url=f"snopes:{rec.get('vclaim_id')}",
            )
        )
    return good, bad


def sniff_prior_format(path: str | Path) -> str | None:
    """'claimreview', 'averitec-pool', 'checkthat' or None, from the first bytes of a file."""
    path = Path(path)
    try:
        head = path.open("rb").read(4096).decode("utf-8", "ignore")
    except OSError:
        return None
    if "ClaimReview" in head or "claimReviewed" in head:
        return "claimreview"
    if '"claim_text"' in head and ("verdict_article" in head or "web_archive" in head):
        return "averitec-pool"
    if '"vclaim"' in head or '"vclaim_id"' in head:
        return "checkthat"
    return None


READERS = {"claimreview": read_claimreview, "averitec-pool": read_averitec_pool, "checkthat": read_checkthat_vclaims}


# -- storing --------------------------------------------------------------------------------------
def insert_prior_checks(
    store: Store, checks: Sequence[PriorCheck], vectors: np.ndarray, embed_model: str, load_id: str
) -> None:
    created = now()
    rows = [
        (
            c.id,
            c.claim_text,
            c.rating or None,
            c.label or None,
            c.url or None,
            c.publisher or None,
            c.claimant or None,
            c.claim_date,
            c.review_date,
            c.language or None,
            c.title or None,
            c.external_id or None,
            c.source_format or None,
            v.astype(np.float32).tolist(),
            embed_model,
            load_id,
            created,
            c.summary,
        )
        for c, v in zip(checks, vectors)
    ]
    tables_prior.insert_prior_checks(store.con, rows)


def ingest_prior_checks(
    store: Store,
    checks: list[PriorCheck],
    embedder,
    *,
    source_path: str,
    source_hash: str,
    rejected: Sequence = (),
    strict: bool = False,
    progress=None,
):
    """Embed (query mode, as claims are) and store the checks the store does not hold yet."""
    from sources.report import IngestReport, RejectedRow, check_embed_model, check_rejected

    rejected = [RejectedRow(r.line, r.reason) for r in rejected]
    check_rejected(source_path, rejected, strict)
    if not checks and not rejected:
        raise InputError(f"{source_path}: no fact-checked claims found in the file.", code="FC213")
    check_embed_model(store, embedder)
    unique: dict[str, PriorCheck] = {}
    for c in checks:
        unique.setdefault(c.id, c)
    have = tables_prior.existing_check_ids(store.con, list(unique))
    new = [c for cid, c in unique.items() if cid not in have]
    texts = [c.match_text for c in new]
    vecs = np.zeros((0, getattr(embedder, "dim", 384)), np.float32)
    if new:
        chunks = []
        for i in range(0, len(texts), 64):
            chunks.append(embedder.queries(texts[i : i + 64]))
            if progress:
                progress(min(i + 64, len(texts)), len(texts))
        vecs = np.concatenate(chunks)
    # checks stored before schema v8 have no summary yet (NULL): only those are updated
    unset = tables_prior.check_ids_without_summary(store.con, sorted(have)) if have else set()
    unfilled = [(unique[cid].summary, cid) for cid in sorted(unset)]
    with store.transaction():
        load_id = store.begin_load("prior_checks", source_path, source_hash, embedder.name)
        insert_prior_checks(store, new, vecs, embedder.name, load_id)
        if unfilled:  # nothing else about those checks changes
            tables_prior.fill_summaries(store.con, unfilled)
        store.finish_load(load_id, added=len(new), skipped=len(checks) - len(new), rejected=len(rejected))
    return IngestReport(
        path=source_path,
        load_id=load_id,
        embed_model=embedder.name,
        added=len(new),
        skipped=len(checks) - len(new),
        rejected=tuple(rejected),
    )


# -- matching -------------------------------------------------------------------------------------
CACHE_MIN = 2_000  # from this many checks, the matcher's vectors and BM25 index are kept beside the store
CACHE_FORMAT = 1


def prior_dir(store: Store) -> Path | None:
    """The folder beside the store's file that caches what PriorMatcher.warm_up builds (None in memory)."""
    return None if store.path == ":memory:" else Path(store.path + ".prior")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        with contextlib.suppress(OSError):
            path.unlink()


@dataclass
class PriorMatcher:
    """Finds earlier fact-checks of the same claim. Loads the checks' vectors once."""

    store: Store
    embedder: object
    mode: str = "hybrid"  # "dense", "bm25" or "hybrid" (ranking); the match test is dense
    min_score: float = MATCH_MIN
    rrf_k: int = 10  # fusion tuned on the CheckThat 2022 2A train queries (docs/store.md)
    w_bm25: float = 1.0
    _rows: list = field(default_factory=list, init=False, repr=False)
    _matrix: np.ndarray | None = field(default=None, init=False, repr=False)
    _bm25: object = field(default=None, init=False, repr=False)
    built: str = field(default="", init=False)  # "loaded" (from `<db>.prior/`), "built", "built, not saved", "empty"

    def warm_up(self) -> None:
        """Load the checks' vectors and BM25 index: from the cache beside the store (`<db>.prior/`) when it
        was made from the store's current checks, else built from the store (and saved when large)."""
        if self._matrix is not None:
            return
        dim = getattr(self.embedder, "dim", 384)
        if not tables_prior.has_prior_checks_table(self.store.con):  # before schema v4, read-only: no checks
            self._rows, self._matrix, self.built = [], np.zeros((0, dim), np.float32), "empty"
            return
        fp = tables_prior.fingerprint(self.store.con, self.embedder.name)
        folder = prior_dir(self.store) if fp[0] >= max(CACHE_MIN, 1) else None
        if folder is not None and self._load(folder, fp, dim):
            self.built = "loaded"
            return
        res = tables_prior.check_rows(self.store.con, self.embedder.name)
        self._rows = [r[:15] for r in res]
        self._matrix = np.asarray([r[15] for r in res], dtype=np.float32) if res else np.zeros((0, dim), np.float32)
        if (self.mode != "dense" or folder is not None) and res:
            import bm25s

            from sources.index import analyse

            self._bm25 = bm25s.BM25()
            self._bm25.index(analyse([self._text(r) for r in self._rows], "en"), show_progress=False)
        self.built = "built"
        if folder is not None and not self._save(folder, fp):
            self.built = "built, not saved"

    def _meta(self, fp: tuple[int, int]) -> dict:
        """What a cache is of: the checks (fingerprint), the embedding model, the indexed text, the BM25 code."""
        import bm25s

        return {
            "format": CACHE_FORMAT,
            "embed_model": self.embedder.name,
            "count": fp[0],
            "xor": str(fp[1]),
            "text": PriorCheck.MATCH_TEXT_VERSION,
            "bm25s": bm25s.__version__,
        }

    def _load(self, folder: Path, fp: tuple[int, int], dim: int) -> bool:
        """Vectors and BM25 from the cache when it is of the store's current checks; rows from the store.
        False, and nothing set, when there is none or it is damaged, stale or another store's."""
        import bm25s

        try:
            if json.loads((folder / "meta.json").read_text(encoding="utf-8")) != self._meta(fp):
                return False
            matrix = np.load(folder / "vectors.npy", mmap_mode="r")
            ids = np.load(folder / "ids.npy")
            bm25 = None
            if self.mode != "dense":
                bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False)
                if int(bm25.scores["num_docs"]) != fp[0]:
                    return False
        except Exception:  # any failure to read the cache (damaged, half-written, foreign): build from the store
            return False
        rows = tables_prior.check_rows(self.store.con, self.embedder.name, vectors=False)
        if matrix.shape != (fp[0], dim) or matrix.dtype != np.float32 or ids.tolist() != [r[0] for r in rows]:
            return False
        self._rows, self._matrix, self._bm25 = rows, matrix, bm25
        return True

    def _save(self, folder: Path, fp: tuple[int, int]) -> bool:
        """Write the cache beside the store: into a folder of this process, then renamed into place. False when
        it cannot be written (a read-only folder): matching works as well, only the next open builds again."""
        tmp = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
        old = folder.with_name(f"{folder.name}.old{os.getpid()}")
        try:
            _remove(tmp)
            tmp.mkdir(parents=True)
            np.save(tmp / "vectors.npy", np.ascontiguousarray(self._matrix, dtype=np.float32))
            np.save(tmp / "ids.npy", np.asarray([r[0] for r in self._rows], dtype=str))
            self._bm25.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "meta.json").write_text(json.dumps(self._meta(fp)), encoding="utf-8")
            if folder.exists() or folder.is_symlink():
                folder.rename(old)
            tmp.rename(folder)
            return True
        except OSError:
            return False
        finally:
            _remove(tmp)
            _remove(old)

    @staticmethod
    def _text(r) -> str:
        """A stored row's PriorCheck.bm25_text."""
        return PriorCheck(claim_text=r[1], title=r[10] or "", summary=r[14] or "", id=r[0]).bm25_text

    def __len__(self) -> int:
        self.warm_up()
        return len(self._rows)

    def rank(
        self,
        claim_texts: Sequence[str],
        k: int = 5,
        qv: np.ndarray | None = None,
        languages: Sequence[str] | None = None,
    ) -> list[list[PriorCheck]]:
        """The k best earlier checks per claim, best first, whatever their score."""
        self.warm_up()
        if not claim_texts:
            return []
        if not self._rows:
            return [[] for _ in claim_texts]
        from sources.index import few_threads

        qv = self.embedder.queries(list(claim_texts)) if qv is None else qv
        with few_threads(len(qv)):
            sims = qv @ self._matrix.T
        out = []
        cand = min(100, len(self._rows))
        for i, row in enumerate(sims):
            dense = np.argpartition(-row, cand - 1)[:cand]
            dense = dense[np.argsort(-row[dense], kind="stable")]
            if self.mode == "dense":
                best = list(dense[:k])
            else:
                from sources.index import analyse_query

                fused: dict[int, float] = {}
                if self.mode == "hybrid":
                    for r, j in enumerate(dense, 1):
                        fused[int(j)] = 1.0 / (self.rrf_k + r)
                lang = languages[i] if languages else "en"
                toks = [t for t in analyse_query(claim_texts[i], lang) if t in self._bm25.vocab_dict]
                if toks:
                    scores = self._bm25.get_scores(toks)
                    lex = np.argpartition(-scores, cand - 1)[:cand]
                    lex = lex[np.argsort(-scores[lex], kind="stable")]
                    w = self.w_bm25 if self.mode == "hybrid" else 1.0
                    for r, j in enumerate(lex, 1):
                        if scores[j] > 0:
                            fused[int(j)] = fused.get(int(j), 0.0) + w / (self.rrf_k + r)
                best = [j for j, _ in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]
            out.append([self._check(self._rows[j], float(row[j]), r) for r, j in enumerate(best, 1)])
        return out

    def find(
        self,
        claim_texts: Sequence[str],
        k: int = 3,
        languages: Sequence[str] | None = None,
        qv: np.ndarray | None = None,
    ) -> list[list[PriorCheck]]:
        """Earlier checks of the same claim (cosine >= min_score), best first. qv: the claims' query
        vectors when the caller has them already."""
        return [
            [c for c in ranked if c.score >= self.min_score]
            for ranked in self.rank(claim_texts, k=k, languages=languages, qv=qv)
        ]

    @classmethod
    def if_any(cls, store: Store, embedder) -> "PriorMatcher | None":
        """A matcher when the store holds earlier fact-checks made with this embedder, else None."""
        if not tables_prior.has_prior_checks_table(store.con) or not tables_prior.count_checks_of_model(
            store.con, embedder.name
        ):
            return None
        return cls(store, embedder)

    @staticmethod
    def _check(r, score: float, rank: int) -> PriorCheck:
        return PriorCheck(
            claim_text=r[1],
            rating=r[2] or "",
            label=r[3] or "",
            url=r[4] or "",
            publisher=r[5] or "",
            claimant=r[6] or "",
            claim_date=r[7],
            review_date=r[8],
            language=r[9] or "",
            title=r[10] or "",
            external_id=r[11] or "",
            source_format=r[12] or "",
            id=r[0],
            load_id=r[13] or "",
            score=score,
            rank=rank,
            summary=r[14] or "",
        )


def find_prior_checks(
    store: Store, claim_texts: Sequence[str], embedder, *, k: int = 3, min_score: float = MATCH_MIN
) -> list[list[PriorCheck]]:
    """Per claim, the earlier fact-checks of the same claim (any language), best first."""
    return PriorMatcher(store, embedder, min_score=min_score).find(claim_texts, k=k)
