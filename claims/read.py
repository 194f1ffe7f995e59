"""Read articles from files: plain text, Markdown with YAML front matter, HTML and JSONL.

`Article.text` is the exact text every span indexes into:
- .txt: the file's text with surrounding whitespace removed; `body_offset` is where it starts.
- .md/.markdown: the body after the front matter, kept as is (headings included) apart from
  surrounding whitespace; `body_offset` is its character offset in the decoded file, so
  `line_number(article, offset)` can give the line in the file.
- .html/.htm: the main text extracted by trafilatura, one paragraph per block (blank lines
  between); it has no offsets in the file.
- .jsonl (read_articles only): one JSON object a line with id, title, url, language, published
  and text (or body, or html, extracted as above).

`read_text(path)` is the shared UTF-8 file reader (with the FC101/102/103/106 checks) for other
stages that read user files.

Warnings: the readers never print. They append human-readable, coded messages
("[FC108] path line 4: ...") to the optional `warnings` list the caller passes; a problem that
makes the input unusable raises InputError instead.

Codes: FC101 empty, FC102 binary, FC103 not UTF-8, FC104 malformed JSONL line, FC105 unsupported
extension, FC106 not found, FC107 bad front matter (errors); FC108 published is not a date,
FC109 no published date, FC110 language not detected (warnings); FC111 sentence spans that do not cover the
text given to claims.extract, FC112 a JSONL file of many articles given to read_article (callers' errors).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from claims.errors import InputError
from claims.language import UNDETERMINED, detect_language, normalise_language_code
from claims.model import Article

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
_KNOWN_KEYS = ("id", "title", "url", "language", "published")
_TEXT_KEYS = ("text", "body", "html")
_SOURCE_LINE = "source_line"  # meta key holding a JSONL article's line number

_YAML = YAMLHandler()
_ATX = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z_-]+)", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ]|\s)")
_PARTIAL_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?(?:\s*$|\s+\(|\s*,)")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


# --- public API --------------------------------------------------------------------------


def read_article(path: str | Path, *, language: str | None = None, warnings: list[str] | None = None) -> Article:
    """Read one .txt, .md/.markdown or .html/.htm article.

    language, when given, overrides the file's metadata and detection. Warnings (missing or
    unparseable date, undetected language) are appended to `warnings` when a list is passed.
    """
    path = Path(path)
    fmt = _format_of(path)
    if fmt == "jsonl":
        raise InputError(
            f"{path} holds many articles, one a line; read it with read_articles(), not read_article().", code="FC112"
        )
    sink = warnings if warnings is not None else []
    raw = _read_text(path)
    if fmt == "text":
        start, end = _stripped_bounds(raw)
        fields: dict[str, Any] = {}
        article = _build(raw[start:end], fields, path, "text", start, language, str(path), sink)
    elif fmt == "markdown":
        article = _read_markdown(raw, path, language, sink)
    else:
        article = _read_html(raw, path, language, str(path), sink, fields={})
    return article


def read_articles(
    path: str | Path, *, language: str | None = None, strict: bool = True, warnings: list[str] | None = None
) -> list[Article]:
    """Read every article in a file: all lines of a .jsonl, or the one article of another format.

    With strict=True (the default) the first malformed JSONL line raises InputError FC104 naming
    its line; with strict=False bad lines are skipped and each is reported in `warnings`.
    """
    path = Path(path)
    if _format_of(path) != "jsonl":
        return [read_article(path, language=language, warnings=warnings)]
    sink = warnings if warnings is not None else []
    raw = _read_text(path)
    articles: list[Article] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            articles.append(_jsonl_article(line, number, path, language, sink))
        except InputError as exc:
            if strict:
                raise
            sink.append(str(exc))
    return articles


def line_number(article: Article, offset: int) -> int | None:
    """The 1-based line in the article's file of character `offset` in article.text.

    For a JSONL article this is the line holding the record. Returns None when there is no
    such line: HTML (text is extracted), an article not read from a file, or a file that has
    changed since it was read.
    """
    if not 0 <= offset <= len(article.text):
        raise ValueError(f"offset {offset} is outside the article text (0..{len(article.text)})")
    if article.format == "jsonl":
        line = dict(article.meta).get(_SOURCE_LINE)
        return int(line) if line and line.isdigit() else None
    if article.format not in ("text", "markdown") or not article.path:
        return None
    try:
        raw = _cached_text(article.path)
    except (OSError, InputError):
        return None
    end = article.body_offset + len(article.text)
    if raw[article.body_offset : end] != article.text:
        return None
    return raw.count("\n", 0, article.body_offset + offset) + 1


# --- files and bytes -----------------------------------------------------------------------


def _format_of(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMATS)
        raise InputError(
            f"{path}: unsupported file type {path.suffix or '(no extension)'!r}. "
            f"Use one of {known}, or rename the file if it is one of those.",
            code="FC105",
        )
    return fmt


def read_text(path: str | Path) -> str:
    """Read a file as UTF-8 text (BOM allowed), raising InputError FC101/102/103/106 when unusable."""
    return _read_text(Path(path))


def _read_text(path: Path) -> str:
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path and the working directory.", code="FC106")
    if not path.is_file():
        raise InputError(f"{path} is not a file. Give the path of an article file.", code="FC106")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path} is empty. Give a file with the article's text.", code="FC101")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{path} is UTF-16, not UTF-8. Convert it: iconv -f utf-16 -t utf-8 {path} > {path}.utf8", code="FC103"
        )
    if b"\x00" in data[:65536]:
        raise InputError(
            f"{path} looks binary (it holds NUL bytes), not a text article. "
            "Export the article as .txt, .md, .html or .jsonl.",
            code="FC102",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path} line {line} is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}). "
            f"Convert it, e.g.: iconv -f latin1 -t utf-8 {path} > {path}.utf8",
            code="FC103",
        ) from None
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(
            f"{path} looks binary (many control characters), not a text article. "
            "Export the article as .txt, .md, .html or .jsonl.",
            code="FC102",
        )
    return text


@lru_cache(maxsize=16)
def _cached_text_at(path: str, mtime_ns: int, size: int) -> str:
    return _read_text(Path(path))


def _cached_text(path: str) -> str:
    stat = Path(path).stat()
    return _cached_text_at(path, stat.st_mtime_ns, stat.st_size)


def _stripped_bounds(text: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    end = len(text) if end is None else end
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + len(piece.rstrip())


# --- formats -----------------------------------------------------------------------------


def _read_markdown(raw: str, path: Path, language: str | None, sink: list[str]) -> Article:
    fields: dict[str, Any] = {}
    body_start = 0
    first = len(raw) - len(raw.lstrip())
    boundaries = list(_YAML.FM_BOUNDARY.finditer(raw, first))
    if boundaries and boundaries[0].start() == first:
        if len(boundaries) < 2:
            line = raw.count("\n", 0, first) + 1
            raise InputError(
                f"{path} line {line}: front matter opens with '---' but is never closed. "
                "Add a '---' line after the last metadata line.",
                code="FC107",
            )
        opening, closing = boundaries[0], boundaries[1]
        fields = _front_matter(raw[opening.end() : closing.start()], raw.count("\n", 0, opening.end()), path)
        body_start = closing.end()
    start, end = _stripped_bounds(raw, body_start)
    text = raw[start:end]
    if not text:
        raise InputError(f"{path} has front matter but no article text after it.", code="FC101")
    if not fields.get("title"):
        heading = _ATX.search(text)
        if heading:
            fields = {**fields, "title": heading.group(1).strip()}
    return _build(text, fields, path, "markdown", start, language, str(path), sink)


def _front_matter(source: str, lines_before: int, path: Path) -> dict[str, Any]:
    try:
        data = _YAML.load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {lines_before + mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(
            f"{path}{where}: front matter is not valid YAML ({problem}). "
            "Write one 'key: value' a line, and quote values that contain ': '.",
            code="FC107",
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(
            f"{path}: front matter must be 'key: value' lines, got a YAML {type(data).__name__}.", code="FC107"
        )
    return {str(k): v for k, v in data.items()}


def _read_html(
    html: str, path: Path, language: str | None, where: str, sink: list[str], *, fields: dict[str, Any]
) -> Article:
    import trafilatura  # slow import; only HTML needs it

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    lines = [line.strip() for line in (getattr(doc, "text", None) or "").splitlines()]
    text = "\n\n".join(line for line in lines if line)
    if not text:
        raise InputError(
            f"{where}: no article text found in the HTML. Check that it is the article page, "
            "not a front page or a script-rendered shell; else save its text as .txt.",
            code="FC101",
        )
    found: dict[str, Any] = {
        "title": getattr(doc, "title", None) or "",
        "url": getattr(doc, "url", None) or "",
        "published": getattr(doc, "date", None) or None,
    }
    lang = _HTML_LANG.search(html[:4096])
    if lang:
        found["language"] = lang.group(1)
    for key in ("author", "sitename", "description"):
        value = getattr(doc, key, None)
        if value:
            found[key] = value
    merged = {**found, **{k: v for k, v in fields.items() if v not in (None, "")}}
    fmt = "jsonl" if fields else "html"
    return _build(text, merged, path, fmt, 0, language, where, sink)


def _jsonl_article(line: str, number: int, path: Path, language: str | None, sink: list[str]) -> Article:
    where = f"{path} line {number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: not valid JSON ({exc.msg} at column {exc.colno}). "
            'Each line must be one JSON object, e.g. {"id": "a1", "text": "..."}.',
            code="FC104",
        ) from None
    if not isinstance(record, dict):
        raise InputError(
            f"{where}: expected a JSON object, got {type(record).__name__}. "
            "Each line must be one JSON object with a text, body or html field.",
            code="FC104",
        )
    key = next((k for k in _TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    if key is None:
        raise InputError(
            f"{where}: no article text. Give a non-empty string in 'text', 'body' or 'html'.", code="FC104"
        )
    fields = {k: v for k, v in record.items() if k not in _TEXT_KEYS}
    fields[_SOURCE_LINE] = number
    if key == "html":
        return _read_html(record[key], path, language, where, sink, fields=fields)
    start, end = _stripped_bounds(record[key])
    return _build(record[key][start:end], fields, path, "jsonl", 0, language, where, sink)


# --- fields --------------------------------------------------------------------------------


def _build(
    text: str,
    fields: dict[str, Any],
    path: Path,
    fmt: str,
    body_offset: int,
    language: str | None,
    where: str,
    sink: list[str],
) -> Article:
    """Make the Article from text and metadata fields, resolving language and date."""
    lang = normalise_language_code(language) or normalise_language_code(_str(fields.get("language")))
    if not lang:
        lang = detect_language(text)
        if lang == UNDETERMINED:
            sink.append(
                f"[FC110] {where}: could not detect the language. "
                "Set 'language' in the metadata or pass language=, e.g. 'nb'."
            )
    published = _published(fields.get("published"), where, sink)
    meta = tuple((k, _str(v)) for k, v in fields.items() if k not in _KNOWN_KEYS)
    return Article(
        text=text,
        title=_str(fields.get("title")),
        url=_str(fields.get("url")),
        language=lang,
        published=published,
        path=str(path),
        format=fmt,
        body_offset=body_offset,
        id=_str(fields.get("id")),
        meta=meta,
    )


def _str(value: object) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _published(value: object, where: str, sink: list[str]) -> dt.date | None:
    """The publication date, or None with a warning when missing or not a full date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        sink.append(
            f"[FC109] {where}: no published date, so ages and relative dates ('i fjor', "
            "'87 år gamle') cannot be anchored. Add published: YYYY-MM-DD to its metadata."
        )
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date_value(value)
    if parsed is None:
        sink.append(
            f"[FC108] {where}: published {value!r} is not a full date; left empty. "
            "Write it as YYYY-MM-DD, e.g. published: 2024-04-30."
        )
    return parsed


def parse_date_value(value: object) -> dt.date | None:
    """A metadata date ("2024-04-30", "30 April 2024", a date object) as a date; None when it is not a full date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    iso = _ISO_DATE.match(value)
    if iso:
        try:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    import dateparser  # slow import; only non-ISO dates need it

    parsed = dateparser.parse(value, settings={"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True})
    return parsed.date() if parsed else None


def parse_date_bounds(value: object) -> tuple[dt.date, dt.date] | None:
    """A metadata date as the first and last day it may mean: a full date is one day; an ISO month ("2018-11")
    or year ("2007", "2007 (spring)") spans its month or year. None when it names no date ("undated")."""
    day = parse_date_value(value)
    if day is not None:
        return day, day
    return partial_date_bounds(value)


def partial_date_bounds(value: object) -> tuple[dt.date, dt.date] | None:
    """The month or year an ISO-style partial date ("2018-11", "2007 (spring)") spans; a pattern only, no
    dateparser, for values already known not to be a full date."""
    m = _PARTIAL_DATE.match(value) if isinstance(value, str) else None
    if not m:
        return None
    year = int(m.group(1))
    if m.group(2) is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), nxt - dt.timedelta(days=1)
