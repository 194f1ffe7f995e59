"""Gate reports that CI systems show: JUnit XML, a Markdown summary, GitHub Actions annotations, JSON.

    to_junit(result)              # one <testcase> per checked claim (+ one per article-level check)
    to_markdown(result)           # for $GITHUB_STEP_SUMMARY or a merge-request comment
    github_annotations(result)    # '::error file=articles/a.md,line=32,title=...::message' lines
    to_json(result)               # the same facts as a dict (json.dumps it)

All four are built from one GateResult (gate.check), so they always agree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from claims.read import line_number
from gate.check import Finding, GateResult, reviewer_of

TITLES = {
    "label": "factcheck: claim fails the gate",
    "conflicting-unreviewed": "factcheck: conflicting evidence, not reviewed",
    "correction-undone": "factcheck: correction undone",
    "correction-refuted": "factcheck: corrected statement refuted",
    "notice-missing": "factcheck: correction notice missing",
    "refuted-low": "factcheck: refuted (below the gate's threshold)",
    "corrected-text-missing": "factcheck: corrected text not found",
    "unreadable": "factcheck: article not checked",
}


def finding_to_dict(f: Finding) -> dict:
    return {
        "kind": f.kind,
        "severity": f.severity,
        "path": f.path,
        "line": f.line,
        "article_id": f.article_id,
        "span": f.span.to_list() if f.span else None,
        "quote": f.quote,
        "claim_id": f.claim_id or None,
        "label": f.label or None,
        "confidence": round(f.confidence, 4) if f.confidence is not None else None,
        "correction_id": f.correction_id or None,
        "message": f.message,
    }


def _claim_rows(result: GateResult) -> list[dict]:
    failing = {(f.path, f.claim_id) for f in result.failures if f.claim_id}
    rows = []
    for chk in result.checks:
        for v in chk.result.verdicts:
            try:
                line = line_number(chk.article, v.claim.span.start)
            except ValueError:
                line = None
            label, who = v.label.value, reviewer_of(v)
            rows.append(
                {
                    "path": chk.path,
                    "line": line,
                    "article_id": chk.article.id,
                    "claim_id": v.claim.id,
                    "verdict_id": v.id,
                    "text": v.claim.text,
                    "quote": v.claim.span.of(chk.article.text),
                    "span": v.claim.span.to_list(),
                    "label": label,
                    "confidence": round(v.confidence, 4),
                    "decided_by": who or None,
                    "review_needed": v.review.needed,
                    "fails_gate": (chk.path, v.claim.id) in failing,
                }
            )
    return rows


def to_json(result: GateResult) -> dict:
    kinds = Counter(f.kind for f in result.findings)
    return {
        "status": result.status,
        "passed": result.status == "pass",
        "base": result.base or None,
        "head": result.head or None,
        "run_id": result.run_id,
        "seconds": round(result.seconds, 3),
        "files": result.files,
        "articles": [
            {"path": c.path, "article_id": c.article.id, "claims": len(c.result.verdicts)} for c in result.checks
        ],
        "claims_checked": result.claims,
        "failures": len(result.failures),
        "findings_by_kind": dict(sorted(kinds.items())),
        "findings": [finding_to_dict(f) for f in result.findings],
        "errors": [{"path": p, "message": m} for p, m in result.errors],
        "corrections": [c.to_dict() for c in result.corrections],
        "policy": result.policy.to_dict(),
        "claims": _claim_rows(result),
    }


# -- JUnit XML ------------------------------------------------------------------------------------
def _where(f: Finding) -> str:
    return f"{f.path}:{f.line}" if f.line else f.path


def to_junit(result: GateResult) -> str:
    """JUnit XML: a <testsuite> per article, a <testcase> per claim; failing findings are <failure>s."""
    by_claim: dict[tuple[str, str], list[Finding]] = {}
    loose: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.claim_id:
            by_claim.setdefault((f.path, f.claim_id), []).append(f)
        else:
            loose.setdefault(f.path, []).append(f)
    suites = ET.Element("testsuites", name="factcheck gate")
    totals = Counter()
    paths = [c.path for c in result.checks]
    paths += [p for p in loose if p not in paths]
    for path in paths:
        checks = [c for c in result.checks if c.path == path]
        suite = ET.SubElement(suites, "testsuite", name=path)
        counts = Counter()
        for chk in checks:
            for v in chk.result.verdicts:
                row_line = None
                try:
                    row_line = line_number(chk.article, v.claim.span.start)
                except ValueError:
                    pass
                quote = " ".join(v.claim.span.of(chk.article.text).split())
                name = f"line {row_line}: {quote}" if row_line else f"{v.claim.span}: {quote}"
                case = ET.SubElement(suite, "testcase", classname=path, name=name, time="0")
                found = by_claim.pop((path, v.claim.id), [])
                _attach(case, found, counts)
                out = f"{v.label.value} confidence {v.confidence:.2f}. {v.explanation}".strip()
                ET.SubElement(case, "system-out").text = out
                counts["tests"] += 1
        rest = loose.pop(path, []) + [f for key in list(by_claim) if key[0] == path for f in by_claim.pop(key)]
        for f in rest:
            case = ET.SubElement(suite, "testcase", classname=path, name=f"{f.kind}: {_where(f)}", time="0")
            _attach(case, [f], counts)
            counts["tests"] += 1
        for key in ("tests", "failures", "errors", "skipped"):
            suite.set(key, str(counts[key]))
        suite.set("time", "0")
        totals.update(counts)
    for key in ("tests", "failures", "errors", "skipped"):
        suites.set(key, str(totals[key]))
    suites.set("time", f"{result.seconds:.3f}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _attach(case: ET.Element, found: list[Finding], counts: Counter) -> None:
    errors = [f for f in found if f.fails]
    warnings = [f for f in found if not f.fails]
    if errors:
        first = errors[0]
        tag = "error" if first.kind == "unreadable" else "failure"
        el = ET.SubElement(case, tag, message=first.message, type=first.kind)
        el.text = "\n".join(f"[{f.kind}] {_where(f)}: {f.message}" for f in errors)
        counts["failures" if tag == "failure" else "errors"] += 1
    elif any(f.kind == "unreadable" for f in warnings):
        f = next(f for f in warnings if f.kind == "unreadable")
        ET.SubElement(case, "error", message=f.message, type=f.kind).text = f.message
        counts["errors"] += 1
    if warnings:
        ET.SubElement(case, "system-err").text = "\n".join(f"warning [{f.kind}]: {f.message}" for f in warnings)


# -- Markdown -------------------------------------------------------------------------------------
def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _failure_lines(result: GateResult) -> list[str]:
    """The Markdown table of the findings that fail the gate."""
    lines = ["| where | problem | claim | why |", "|---|---|---|---|"]
    for f in result.failures:
        problem = (
            f.kind
            if not f.label
            else f"{f.kind} ({f.label} {f.confidence:.2f})"
            if f.confidence is not None
            else f"{f.kind} ({f.label})"
        )
        lines.append(f"| `{_md(_where(f))}` | {_md(problem)} | {_md(f.quote) or '—'} | {_md(f.message)} |")
    lines.append("")
    return lines


def _claim_table_lines(rows: list[dict]) -> list[str]:
    """The collapsed Markdown table of every claim checked."""
    lines = [
        f"<details><summary>All {len(rows)} claim(s)</summary>",
        "",
        "| where | label | confidence | gate | claim |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        where = f"{r['path']}:{r['line']}" if r["line"] else r["path"]
        gate = "fails" if r["fails_gate"] else ""
        label = r["label"] + (f" (decided by {r['decided_by']})" if r["decided_by"] else "")
        lines.append(f"| `{_md(where)}` | {_md(label)} | {r['confidence']:.2f} | {gate} | {_md(r['quote'])} |")
    lines += ["", "</details>", ""]
    return lines


def to_markdown(result: GateResult) -> str:
    status = result.status
    head = {
        "pass": "✅ factcheck gate passed",
        "fail": "❌ factcheck gate failed",
        "error": "⚠️ factcheck gate could not check every file",
    }[status]
    n_art = len(result.checks)
    lines = [f"## {head}", ""]
    against = f" changed since `{result.base}`" if result.base else ""
    lines.append(
        f"Checked {n_art} article(s){against}: {result.claims} claim(s), "
        f"{len(result.failures)} failure(s), "
        f"{sum(1 for f in result.findings if not f.fails)} warning(s), in {result.seconds:.1f} s."
    )
    lines.append("")
    if result.failures:
        lines += _failure_lines(result)
    warnings = [f for f in result.findings if not f.fails]
    if warnings:
        lines += ["<details><summary>Warnings</summary>", ""]
        lines += [f"- `{_md(_where(f))}` {f.kind}: {_md(f.message)}" for f in warnings]
        lines += ["", "</details>", ""]
    if result.errors:
        lines += ["### Files not checked", ""]
        lines += [f"- `{_md(p)}`: {_md(m)}" for p, m in result.errors]
        lines.append("")
    rows = _claim_rows(result)
    if rows:
        lines += _claim_table_lines(rows)
    if not result.checks and not result.errors:
        lines += ["No article to check: no changed file matched the policy's include patterns.", ""]
    return "\n".join(lines).rstrip() + "\n"


# -- GitHub Actions -------------------------------------------------------------------------------
def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github_annotations(result: GateResult, *, warnings: bool = True) -> list[str]:
    """Workflow commands that GitHub Actions turns into annotations on the pull request's files."""
    out = []
    for f in result.findings:
        if not f.fails and not warnings:
            continue
        level = "error" if f.fails else "warning"
        props = [f"file={_escape_property(f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_property(TITLES.get(f.kind, f.kind))}")
        out.append(f"::{level} {','.join(props)}::{_escape_data(f.message)}")
    for path, msg in result.errors:
        if not any(f.kind == "unreadable" and f.path == path for f in result.findings):
            out.append(
                f"::error file={_escape_property(path)},title=factcheck%3A article not checked::{_escape_data(msg)}"
            )
    return out


def to_text(result: GateResult) -> str:
    """A few lines for a terminal or a CI log."""
    lines = [
        f"factcheck gate: {result.status.upper()} - {len(result.checks)} article(s), {result.claims} claim(s), "
        f"{len(result.failures)} failure(s)"
    ]
    for f in result.findings:
        lines.append(f"  {'FAIL' if f.fails else 'warn'} {_where(f)} [{f.kind}] {f.message}")
    for path, msg in result.errors:
        if not any(f.kind == "unreadable" and f.path == path for f in result.findings):
            lines.append(f"  error {path}: {msg}")
    return "\n".join(lines) + "\n"
