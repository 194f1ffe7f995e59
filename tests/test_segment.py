"""Sentence splitting: exact spans, Norwegian and English abbreviations, headings, paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.language import detect_language, normalise_language_code
from claims.read import read_article
from claims.segment import split_sentences

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "article.md"


def texts(text: str, language: str = "nb") -> list[str]:
    return [s.text for s in split_sentences(text, language)]


@pytest.fixture(scope="module")
def seed_sentences():
    article = read_article(SEED)
    return article, split_sentences(article.text, article.language)


def test_seed_sentences_have_exact_spans(seed_sentences):
    article, sentences = seed_sentences
    assert sentences
    for s in sentences:
        assert article.text[s.span.start : s.span.end] == s.text
        assert s.text == s.text.strip()


def test_seed_known_sentences(seed_sentences):
    _, sentences = seed_sentences
    found = [s.text for s in sentences]
    assert "87 år gamle Abbas har sittet på overtid siden 2009 og har siden nektet å holde valg." in found
    netanyahu = [t for t in found if t.startswith("Statsminister Benjamin Netanyahu")]
    assert netanyahu == [
        "Statsminister Benjamin Netanyahu har gjort det klart at Israels mål er å knuse Hamas en gang "
        "for alle etter angrepet de gjennomførte mot det sørlige Israel 7. oktober."
    ]
    assert (
        "Over 34.000 palestinere er siden drept i israelske angrep i Gaza, store deler av enklaven er "
        "bombet i grus, og det er høyst uklart hvem som skal styre der når krigen en dag er over."
    ) in found


def test_seed_headings_and_paragraphs(seed_sentences):
    _, sentences = seed_sentences
    headings = [s.text for s in sentences if s.is_heading]
    assert headings == ["Røk uklar", "Upopulær president", "Vil knuse Hamas"]
    hamas = [s for s in sentences if s.text.startswith(("Hamas vant valget", "USA, EU og Israel"))]
    assert len(hamas) == 2 and hamas[0].paragraph == hamas[1].paragraph
    paragraphs = [s.paragraph for s in sentences]
    assert paragraphs == sorted(paragraphs) and paragraphs[0] == 0
    assert len(sentences) == 21


def test_seed_quote_dash_kept_in_sentence(seed_sentences):
    _, sentences = seed_sentences
    assert any(s.text.startswith("– De to partene ga uttrykk") for s in sentences)
    assert "De diskuterte mange spesifikke temaer og det ble gjort framgang, sier Lin Jian." in [
        s.text for s in sentences
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Angrepet 7. oktober drepte 1200.",
        "Han ble født 15. november 1935 i Oslo.",
        "Møtet startet kl. 12 i går.",
        "Det kom ca. 300 mennesker, bl.a. fra Bergen.",
        "Prisen var 3 mill. kroner og 2 mrd. dollar.",
        "Vi spiser f.eks. epler, pærer mv. hver dag.",
        "Saken gjelder nr. 5 jf. loven.",
        "Dette skjer pga. været, dvs. regnet.",
        "Han reiser evt. i morgen, etc. hvis det går.",
        "Han er dr. i fysikk.",
        "Kirken St. Olav ble bygget i 1890.",
        "Die Wahl am 7. Oktober war knapp.",
    ],
)
def test_norwegian_abbreviations_do_not_end_sentences(text):
    assert texts(text + " Neste setning.") == [text, "Neste setning."]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Smith went to Washington.",
        "Mr. Jones said the U.S. economy grew.",
        "The U.S. Army said so.",
        "He left on Jan. 5 and came back.",
        "Some fruit, e.g. apples, is cheap.",
    ],
)
def test_english_abbreviations_do_not_end_sentences(text):
    assert texts(text + " Then it rained.", "en") == [text, "Then it rained."]


def test_real_sentence_ends_still_split():
    assert texts("Han ble nummer 7. Dessuten vant han. Vi har epler osv. Resten er borte.") == [
        "Han ble nummer 7.",
        "Dessuten vant han.",
        "Vi har epler osv.",
        "Resten er borte.",
    ]
    assert texts("It cost 3 mill. Next year it will cost more!", "en") == [
        "It cost 3 mill.",
        "Next year it will cost more!",
    ]


def test_markdown_heading_span_excludes_markup():
    text = "# Valget i 2006\n\nHamas vant valget.\n\n## Neste steg ##\n\nDe dannet regjering."
    sentences = split_sentences(text, "nb")
    heading = sentences[0]
    assert heading.is_heading and heading.text == "Valget i 2006" and heading.span.start == 2
    assert sentences[2].text == "Neste steg" and sentences[2].is_heading
    assert [s.paragraph for s in sentences] == [0, 1, 2, 3]
    assert not sentences[1].is_heading


def test_long_or_punctuated_lines_are_not_headings():
    assert not split_sentences("Dette er en kort setning.", "nb")[0].is_heading
    long_line = "Dette er en ganske lang linje uten punktum som fortsetter og fortsetter med mange flere ord"
    assert not split_sentences(long_line, "nb")[0].is_heading


def test_bullets_and_quote_lines_start_sentences():
    text = "Partiene lover:\n- lavere skatt\n- flere lærere\n– Dette er bra, sier hun.\n\r\nSlutt."
    sentences = split_sentences(text, "nb")
    assert [s.text for s in sentences] == [
        "Partiene lover:",
        "lavere skatt",
        "flere lærere",
        "– Dette er bra, sier hun.",
        "Slutt.",
    ]
    assert [s.paragraph for s in sentences] == [0, 0, 0, 0, 1]


def test_whitespace_and_empty_text():
    assert split_sentences("", "nb") == []
    assert split_sentences(" \n\n\t ", "nb") == []
    [s] = split_sentences("  \n  Bare én setning her.  \n", "nb")
    assert s.text == "Bare én setning her." and s.span.start == 5


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(
                ["kl.", "7.", "oktober", "Dr.", "U.S.", "# ", "– ", "- ", "\n\n", "\n", ". ", "?", "«", "»", " a", " B"]
            ),
        ),
        max_size=25,
    ).map("".join)
)
def test_spans_always_valid(text):
    sentences = split_sentences(text, "nb")
    previous_end = 0
    previous_paragraph = 0
    for s in sentences:
        assert 0 <= s.span.start < s.span.end <= len(text)
        assert text[s.span.start : s.span.end] == s.text
        assert s.text == s.text.strip()
        assert s.span.start >= previous_end
        assert s.paragraph >= previous_paragraph
        previous_end, previous_paragraph = s.span.end, s.paragraph


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Jeg har ikke sett dem siden i går, men de kommer hjem i kveld.", "nb"),
        ("Eg har ikkje sett dei sidan i går, men dei kjem heim i kveld.", "nn"),
        ("Regjeringa vil auke skatten for dei som tener mest, seier statsministeren.", "nn"),
        ("The council approved the budget on Tuesday after a long debate.", "en"),
        ("Regeringen vill höja skatten för dem som tjänar mest.", "sv"),
    ],
)
def test_detect_language(text, code):
    assert detect_language(text) == code


def test_detect_language_seed_and_nothing():
    assert detect_language(SEED.read_text(encoding="utf-8")) == "nb"
    assert detect_language("  12 345 ") == "und"


@pytest.mark.parametrize(
    ("given_code", "expected"),
    [
        ("no", "nb"),
        ("nob", "nb"),
        ("Norwegian", "nb"),
        ("nb-NO", "nb"),
        ("nno", "nn"),
        ("nynorsk", "nn"),
        ("eng", "en"),
        ("en_US", "en"),
        ("swe", "sv"),
        ("German", "de"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_language_code(given_code, expected):
    assert normalise_language_code(given_code) == expected
