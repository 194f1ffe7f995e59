"""Reading articles: fields, exact text and offsets, HTML and JSONL, coded errors and warnings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from claims.errors import InputError
from claims.read import line_number, read_article, read_articles
from claims.segment import split_sentences

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "article.md"

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Council approves budget | The Daily Ledger</title>
<meta property="og:title" content="Council approves new budget">
<meta property="og:url" content="https://example.com/news/council-budget">
<meta property="article:published_time" content="2024-05-02T09:30:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport section</a></li></ul></nav>
<main><article>
<h1>Council approves new budget</h1>
<p>The city council approved a budget of 4.2 billion dollars on Tuesday. The vote was 7 to 2.</p>
<h2>Schools get more</h2>
<p>Spending on schools rises by 12 percent, according to Dr. Alice Brown, the finance director.
She said the increase was the largest since 2009.</p>
<p>Opponents said the plan would raise property taxes for about 40,000 households.</p>
</article></main>
<footer><p>Copyright 2024 The Daily Ledger. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def codes(warnings: list[str]) -> list[str]:
    return [w[1:6] for w in warnings]


# --- the seed article -----------------------------------------------------------------------


def test_seed_fields():
    warnings: list[str] = []
    article = read_article(SEED, warnings=warnings)
    assert article.id == "nrk-2024-04-fatah-hamas-beijing"
    assert article.language == "nb"
    assert article.published == dt.date(2024, 4, 30)
    assert article.format == "markdown"
    assert article.text.startswith("Kilder i Fatah og Hamas opplyste i helgen")
    assert article.text.endswith("Ismail Haniyeh i Qatar.")
    assert dict(article.meta)["published_note"].startswith("the source says only 2024-04")
    assert warnings == []


def test_seed_text_is_exact_slice_of_file_and_lines_match():
    raw = SEED.read_text(encoding="utf-8")
    article = read_article(SEED)
    assert raw[article.body_offset : article.body_offset + len(article.text)] == article.text
    file_lines = raw.splitlines()
    for s in split_sentences(article.text, article.language):
        line = line_number(article, s.span.start)
        assert s.text[:20] in file_lines[line - 1]
    heading = next(s for s in split_sentences(article.text, "nb") if s.text == "Røk uklar")
    assert file_lines[line_number(article, heading.span.start) - 1] == "Røk uklar"


def test_language_argument_overrides_metadata_and_is_normalised():
    assert read_article(SEED, language="nob").language == "nb"
    assert read_article(SEED, language="nno").language == "nn"


# --- plain text and Markdown ------------------------------------------------------------------


def test_plain_text_detects_language_and_warns_about_missing_date(tmp_path):
    path = write(tmp_path, "a.txt", "\n\n  Eg har ikkje sett dei sidan i går, men dei kjem heim i kveld.\n")
    warnings: list[str] = []
    article = read_article(path, warnings=warnings)
    assert article.language == "nn"
    assert article.text == "Eg har ikkje sett dei sidan i går, men dei kjem heim i kveld."
    assert article.format == "text" and article.published is None
    assert article.id.startswith("a-")
    assert codes(warnings) == ["FC109"]
    assert line_number(article, 0) == 3


def test_markdown_without_front_matter_takes_title_from_heading(tmp_path):
    path = write(tmp_path, "b.md", "# Budsjettet vedtatt\n\nBystyret vedtok budsjettet i går.\n")
    article = read_article(path)
    assert article.title == "Budsjettet vedtatt"
    assert article.text.startswith("# Budsjettet vedtatt") and article.body_offset == 0


def test_markdown_string_date_extra_keys_and_bom(tmp_path):
    content = (
        "\ufeff---\ntitle: Valget\nurl: https://example.com/v\npublished: '2024-04-30'\ntags: [a, b]\n---\nTekst her.\n"
    )
    article = read_article(write(tmp_path, "c.md", content))
    assert article.published == dt.date(2024, 4, 30)
    assert (article.title, article.url) == ("Valget", "https://example.com/v")
    assert dict(article.meta) == {"tags": "['a', 'b']"}
    assert article.text == "Tekst her." and line_number(article, 0) == 7


def test_published_not_a_date_is_a_warning(tmp_path):
    path = write(tmp_path, "d.md", "---\npublished: April sometime\n---\nTekst her om noe.\n")
    warnings: list[str] = []
    article = read_article(path, warnings=warnings)
    assert article.published is None
    assert codes(warnings) == ["FC108"] and "YYYY-MM-DD" in warnings[0]


def test_bad_front_matter_names_line(tmp_path):
    path = write(tmp_path, "e.md", "---\ntitle: ok\nurl: [unclosed\n---\nTekst.\n")
    with pytest.raises(InputError) as err:
        read_article(path)
    assert err.value.code == "FC107" and "e.md line" in str(err.value)


def test_unclosed_front_matter(tmp_path):
    with pytest.raises(InputError) as err:
        read_article(write(tmp_path, "f.md", "---\ntitle: x\nTekst uten slutt.\n"))
    assert err.value.code == "FC107" and "never closed" in str(err.value)


# --- HTML -----------------------------------------------------------------------------------


def test_html_main_text_and_metadata(tmp_path):
    warnings: list[str] = []
    article = read_article(write(tmp_path, "page.html", HTML_PAGE), warnings=warnings)
    assert article.format == "html"
    assert article.title == "Council approves new budget"
    assert article.url == "https://example.com/news/council-budget"
    assert article.published == dt.date(2024, 5, 2)
    assert article.language == "en"
    assert "approved a budget of 4.2 billion dollars on Tuesday" in article.text
    assert "40,000 households" in article.text
    for boilerplate in ("Sport section", "Privacy policy", "All rights reserved"):
        assert boilerplate not in article.text
    sentences = split_sentences(article.text, "en")
    assert "Schools get more" in [s.text for s in sentences if s.is_heading]
    assert "Spending on schools rises by 12 percent, according to Dr. Alice Brown, the finance director." in [
        s.text for s in sentences
    ]
    assert line_number(article, 0) is None
    assert warnings == []


# --- JSONL ----------------------------------------------------------------------------------


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"


GOOD_1 = {"id": "x1", "title": "En", "language": "nb", "published": "2024-01-02", "text": "Hamas vant valget i 2006."}
GOOD_3 = {
    "id": "x3",
    "url": "https://example.com/3",
    "published": "2024-01-03",
    "body": "The vote was 7 to 2 on Tuesday.",
}


def test_jsonl_reads_all_formats_of_text(tmp_path):
    html = {"id": "x4", "published": "2024-05-02", "html": HTML_PAGE}
    path = write(tmp_path, "a.jsonl", jsonl(GOOD_1, "", GOOD_3, html))
    articles = read_articles(path)
    assert [a.id for a in articles] == ["x1", "x3", "x4"]
    assert articles[0].published == dt.date(2024, 1, 2) and articles[0].language == "nb"
    assert articles[1].text == "The vote was 7 to 2 on Tuesday." and articles[1].language == "en"
    assert "4.2 billion dollars" in articles[2].text and articles[2].format == "jsonl"
    assert [line_number(a, 0) for a in articles] == [1, 3, 4]


def test_jsonl_malformed_line_strict_names_line(tmp_path):
    path = write(tmp_path, "b.jsonl", jsonl(GOOD_1, '{"id": "x2", "text": "oops"', GOOD_3))
    with pytest.raises(InputError) as err:
        read_articles(path)
    assert err.value.code == "FC104" and "b.jsonl line 2" in str(err.value)


def test_jsonl_lenient_keeps_good_lines_and_warns(tmp_path):
    path = write(tmp_path, "c.jsonl", jsonl(GOOD_1, "not json", ["a list"], {"id": "no-text"}, GOOD_3))
    warnings: list[str] = []
    articles = read_articles(path, strict=False, warnings=warnings)
    assert [a.id for a in articles] == ["x1", "x3"]
    assert codes(warnings) == ["FC104"] * 3
    assert [f"line {n}" in w for n, w in zip((2, 3, 4), warnings)] == [True] * 3


def test_read_articles_single_file_and_read_article_refuses_jsonl(tmp_path):
    assert [a.id for a in read_articles(SEED)] == ["nrk-2024-04-fatah-hamas-beijing"]
    with pytest.raises(InputError) as err:
        read_article(write(tmp_path, "d.jsonl", jsonl(GOOD_1)))
    assert err.value.code == "FC112" and "read_articles" in str(err.value)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "code", "hint"),
    [
        ("empty.txt", "", "FC101", "empty"),
        ("blank.md", "  \n\n ", "FC101", "empty"),
        ("nobody.md", "---\ntitle: x\n---\n\n", "FC101", "no article text"),
        (
            "shell.html",
            "<html><head><title>App</title></head><body><div id='root'></div><script>go()</script></body></html>",
            "FC101",
            "no article text",
        ),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "FC102", "binary"),
        (
            "latin.txt",
            "Bl\u00e5b\u00e6r og r\u00f8d.\nLinje to med \u00e6\u00f8\u00e5.".encode("latin-1"),
            "FC103",
            "iconv -f latin1 -t utf-8",
        ),
        ("utf16.txt", "Hei på deg.".encode("utf-16"), "FC103", "iconv"),
        ("doc.pdf", "Tekst.", "FC105", ".txt"),
    ],
)
def test_bad_input_codes(tmp_path, name, content, code, hint):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as err:
        read_article(path)
    assert err.value.code == code
    assert hint in str(err.value) and name in str(err.value)
    assert str(err.value).startswith(f"[{code}] ")


def test_not_utf8_names_line(tmp_path):
    path = write(tmp_path, "l.txt", "Linje en.\nLinje to.\nR\u00f8d linje.\n".encode("latin-1"))
    with pytest.raises(InputError, match="line 3 is not UTF-8"):
        read_article(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError) as err:
        read_articles(tmp_path / "missing.jsonl")
    assert err.value.code == "FC106" and "missing.jsonl" in str(err.value)
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(InputError) as err:
        read_article(tmp_path / "folder.md")
    assert err.value.code == "FC106" and "not a file" in str(err.value)


def test_read_text_is_public_and_checks_encoding(tmp_path):
    from claims.read import read_text

    assert read_text(write(tmp_path, "p.jsonl", '\ufeff{"a": 1}\n')) == '{"a": 1}\n'
    with pytest.raises(InputError) as err:
        read_text(tmp_path / "nope.csv")
    assert err.value.code == "FC106"


@pytest.mark.parametrize(
    "value,bounds",
    [
        ("2024-04-30", ("2024-04-30", "2024-04-30")),
        ("2018-11", ("2018-11-01", "2018-11-30")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2007-12", ("2007-12-01", "2007-12-31")),
        ("2007", ("2007-01-01", "2007-12-31")),
        ("2007 (spring; exact date not stored)", ("2007-01-01", "2007-12-31")),
        ("undated (post-2021)", None),
        ("2018-13", None),
        ("", None),
        (None, None),
    ],
)
def test_metadata_date_bounds_keep_month_and_year_precision(value, bounds):
    from claims.read import parse_date_bounds

    got = parse_date_bounds(value)
    assert (None if got is None else tuple(d.isoformat() for d in got)) == bounds


def test_passage_publication_label_says_what_the_source_gave():
    from sources.model import Passage

    assert Passage("t", published_raw="2018-11").published_label == "2018-11"
    assert Passage("t", published_raw="2007 (spring)").published_label == "2007"
    assert Passage("t", published_raw="undated (stale snapshot)").published_label == "undated"
    assert Passage("t", published=dt.date(2024, 4, 30), published_raw="30 April 2024").published_label == "2024-04-30"
