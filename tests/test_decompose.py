"""Decomposition and resolution: each rule on its own, spans exact, and any input never crashes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.decompose import (
    Piece,
    appositions,
    causal_split,
    consequence,
    distribute_list,
    embedded_facts,
    piece_text,
    relative_clause,
    reported_speech,
)
from claims.extract import extract_claims
from claims.model import Precision, Span
from claims.normalise import parse_dates
from claims.resolve import Context, resolve
from claims.segment import split_sentences


def _whole(s: str) -> Span:
    return Span(0, len(s))


def _texts(s: str, pieces) -> list[str]:
    return [piece_text(s, p) for p in pieces]


def test_reported_speech_gives_attribution_and_content():
    s = "Kilder i Fatah og Hamas opplyste i helgen at de var på vei til Beijing."
    whole, content = reported_speech(s, _whole(s))
    assert piece_text(s, whole) == s
    # "de" is the speakers; the time phrase the content leans on is one of its sources
    assert piece_text(s, content) == "Kilder i Fatah og Hamas var på vei til Beijing."
    assert "i helgen" in [s[x.start : x.end] for x in content.sources]


def test_according_to_undoes_v2_word_order():
    s = "Ifølge Lin Jian ble Fatah og Hamas enige om å fortsette dialogen."
    _, content = reported_speech(s, _whole(s))
    assert piece_text(s, content) == "Fatah og Hamas ble enige om å fortsette dialogen."


def test_dash_quote_and_english_said_that():
    s = "– Partene gjorde framgang, sier Lin Jian."
    assert _texts(s, reported_speech(s, _whole(s)))[1] == "Partene gjorde framgang"
    e = "Officials said that 1,200 people were evacuated."
    assert _texts(e, reported_speech(e, _whole(e)))[1] == "1,200 people were evacuated."


def test_opinion_verbs_give_no_content_claim():
    s = "Eksperter mener at Hamas vil vinne valget."
    assert len(reported_speech(s, _whole(s))) == 1
    e = "The minister believes that prices will fall."
    assert len(reported_speech(e, _whole(e))) == 1


def test_subject_object_and_locative_relatives():
    s = "President Mahmoud Abbas, som leder Fatah, etablerte en regjering."
    main, rel = relative_clause(s, _whole(s))
    assert _texts(s, [main, rel]) == ["President Mahmoud Abbas etablerte en regjering.", "Mahmoud Abbas leder Fatah"]
    o = "Hamas inviterte Fatah med i en samlingsregjering, som Norge var alene om å anerkjenne."
    assert piece_text(o, relative_clause(o, _whole(o))[1]) == "Norge var alene om å anerkjenne en samlingsregjering"
    loc = "Fatahs styrker ble jaget ut av Gaza, der Hamas siden har regjert."
    assert piece_text(loc, relative_clause(loc, _whole(loc))[1]) == "Hamas siden har regjert i Gaza"
    en = "Barack Obama, who served two terms, was born in Hawaii."
    assert _texts(en, relative_clause(en, _whole(en))) == [
        "Barack Obama was born in Hawaii.",
        "Barack Obama served two terms",
    ]


def test_superlative_apposition_uses_the_object():
    s = "Hamas vant valget i januar 2006, det siste som har vært holdt."
    verb_end = s.index("vant") + 4
    main, rel = relative_clause(s, _whole(s), main_verb_end=verb_end)
    assert piece_text(s, main) == "Hamas vant valget i januar 2006"
    assert piece_text(s, rel) == "valget i januar 2006 var det siste som har vært holdt."


def test_titles_roles_and_appositions():
    s = "Statsminister Benjamin Netanyahu møtte Hamas-bevegelsens politiske leder Ismail Haniyeh."
    assert _texts(s, appositions(s, _whole(s), "nb")) == [
        "Benjamin Netanyahu er statsminister",
        "Ismail Haniyeh er Hamas-bevegelsens politiske leder",
    ]
    e = "Dorsey also runs Square, a payment company, in San Francisco."
    assert _texts(e, appositions(e, _whole(e), "en")) == ["Square is a payment company"]
    assert appositions("Fang, et al., 2010 found it.", Span(0, 27), "en") == []


def test_lists_of_three_or_more_names_are_distributed():
    s = "USA, EU og Israel ser på Hamas som en terroristorganisasjon."
    pieces = distribute_list(s, Piece((_whole(s),)))
    assert _texts(s, pieces) == [f"{x} ser på Hamas som en terroristorganisasjon." for x in ("USA", "EU", "Israel")]
    assert [s[p.spans[0].start : p.spans[0].end] for p in pieces] == ["USA", "EU", "Israel"]
    two = "Fatah og Hamas ble enige."
    assert distribute_list(two, Piece((_whole(two),))) is None


def test_causes_and_embedded_facts():
    s = "Abacus computing is fast because it uses mechanical computation."
    assert _texts(s, causal_split(s, Piece((_whole(s),)))) == [
        "Abacus computing is fast",
        "it uses mechanical computation.",
    ]
    n = "Frustrasjonen over at USA rustet opp styrkene, resulterte i konflikt."
    assert _texts(n, embedded_facts(n, _whole(n))) == ["USA rustet opp styrkene"]


def test_resolution_of_pronouns_and_groups():
    text = "Lin Jian sa at partene møttes. Hamas vant valget."
    ctx = Context()
    s1, s2 = Span(0, 30), Span(31, len(text))
    ctx.update(text, s1, [(Span(0, 8), "Lin Jian")])
    ctx.update(text, s2, [(Span(31, 36), "Hamas")])
    out, used = resolve("Ifølge ham ser USA på gruppen som en terroristorganisasjon", ctx, "nb")
    assert out == "Ifølge Lin Jian ser USA på Hamas som en terroristorganisasjon"
    assert used == (Span(0, 8), Span(31, 36))
    # nothing known: nothing replaced
    assert resolve("Ifølge ham", Context(), "nb") == ("Ifølge ham", ())


def test_weekends_and_weeks_resolve_against_the_publication_date():
    (d,) = parse_dates("Kildene opplyste i helgen at ...", "nb", dt.date(2024, 4, 30))  # a Tuesday
    assert (d.value, d.last, d.precision) == (dt.date(2024, 4, 27), dt.date(2024, 4, 28), Precision.WEEK)
    (w,) = parse_dates("It happened last week.", "en", dt.date(2024, 4, 30))
    assert (w.value, w.last) == (dt.date(2024, 4, 22), dt.date(2024, 4, 28))


def test_english_article_is_self_contained():
    text = (
        "Justice William O. Douglas was the oldest justice. He was born on October 16, 1898, and served on "
        "the Supreme Court from 1939 until 1975."
    )
    claims = extract_claims("x", text, split_sentences(text, "en"), language="en", published=None)
    texts = [c.text for c in claims]
    # "He" is the person the previous sentence named (initials kept); "and served" shares the subject
    assert "William O. Douglas was born on October 16, 1898" in texts
    assert "William O. Douglas served on the Supreme Court from 1939 until 1975." in texts
    born = claims[texts.index("William O. Douglas was born on October 16, 1898")]
    assert text[born.sources[0].start : born.sources[0].end] == "William O. Douglas"


WORDS = st.sampled_from(
    [
        "Abbas",
        "President",
        "Mahmoud",
        ", som",
        " som ",
        ", who",
        ", der",
        " leder ",
        "Fatah",
        ", ",
        " og ",
        " and ",
        "USA",
        "EU",
        "Israel",
        " sier ",
        " said that ",
        " at ",
        "Ifølge ham",
        "According to him",
        " because ",
        " fordi ",
        "– ",
        "gruppen",
        "the group",
        "He",
        " it ",
        "87 år gamle",
        ", a company,",
        ", det siste som",
        " over at ",
        "i helgen",
        "last weekend",
        "x",
        ".",
        "  ",
        "\n",
    ]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=25).map("".join), st.sampled_from(["nb", "en", ""]))
def test_any_text_gives_valid_spans_and_never_crashes(body, lang):
    text = "Lin Jian sa at Hamas vant. " + body
    sents = split_sentences(text, lang)
    for c in extract_claims("p", text, sents, language=lang, published=dt.date(2024, 4, 30)):
        assert c.text.strip()
        assert 0 <= c.span.start <= c.span.end <= len(text)
        assert c.sentence_span.contains(c.span)
        for s in c.sources:
            assert 0 <= s.start <= s.end <= len(text)
        for m in (*c.quantities, *c.dates):
            assert text[m.span.start : m.span.end] == m.text


def test_pieces_from_operations_stay_inside_their_span():
    s = "Intro. President Mahmoud Abbas, som leder Fatah, etablerte en regjering, sier Lin Jian."
    span = Span(7, len(s))
    for op in (lambda: relative_clause(s, span), lambda: reported_speech(s, span)):
        for p in op() or []:
            assert all(span.contains(x) for x in p.spans)


def test_predicate_relatives_and_aliases():
    from claims.decompose import alias_apposition, predicate_relative

    s = "Dr. Marloes Arts is a social anthropologist who has conducted research on climate."
    assert _texts(s, predicate_relative(s, _whole(s))) == [
        "Dr. Marloes Arts is a social anthropologist",
        "Dr. Marloes Arts has conducted research on climate.",
    ]
    n = "Geranium er en restaurant som har tre stjerner."
    assert _texts(n, predicate_relative(n, _whole(n))) == ["Geranium er en restaurant", "Geranium har tre stjerner."]
    a = "Backward inheritance, also known as transgenerational inheritance, refers to a transmission."
    assert _texts(a, alias_apposition(a, _whole(a), "en")) == [
        "Backward inheritance refers to a transmission.",
        "Backward inheritance is also known as transgenerational inheritance",
    ]


def test_contact_relative_with_de_names_the_group():
    from claims.decompose import contact_relatives

    s = "Netanyahu vil knuse Hamas etter angrepet de gjennomførte mot Israel 7. oktober."
    (p,) = contact_relatives(s, _whole(s))
    assert piece_text(s, p) == "de gjennomførte angrepet mot Israel 7. oktober" and p.kind == "contact"
    # in an article the extractor names the group: the nearest name after the subject, before "de"
    text = (
        "Valget ble vunnet av Hamas. Hamas vant valget. "
        "USA ser på gruppen som farlig og nektet å anerkjenne regjeringen de dannet."
    )
    claims = extract_claims("c", text, split_sentences(text, "nb"), language="nb", published=None)
    formed = [c for c in claims if c.text == "Hamas dannet regjeringen"]
    assert len(formed) == 1 and formed[0].checkable
    # no group named before "de": no claim that would not stand on its own
    lone = "Regjeringen de dannet falt."
    assert not any(
        "dannet" in c.text and c.text.startswith("de")
        for c in extract_claims("d", lone, split_sentences(lone, "nb"), language="nb", published=None)
    )


def test_english_subject_relative_with_an_irregular_verb_and_object_relative():
    s = "Acme launched the X1 phone, which sold ten million units."
    assert piece_text(s, relative_clause(s, _whole(s))[1]) == "the X1 phone sold ten million units."
    w = "The board picked Jane Doe, who won the vote, as chair."
    assert piece_text(w, relative_clause(w, _whole(w))[1]) == "Jane Doe won the vote"
    o = "Acme launched the X1 phone, which the company sold in Europe."
    assert not piece_text(o, relative_clause(o, _whole(o))[1]).startswith("the X1 phone the company")


@pytest.mark.parametrize(
    "s,lang,effect",
    [
        (
            "Frustrasjonen over å bli møtt med en kald skulder, samt over at USA rustet opp de Fatah-dominerte "
            "sikkerhetsstyrkene, resulterte noen måneder senere i væpnet konflikt på Gazastripen.",
            "nb",
            "Det ble væpnet konflikt på Gazastripen noen måneder senere",
        ),
        ("Protestene i hovedstaden førte til at regjeringen gikk av i mars.", "nb", "regjeringen gikk av i mars."),
        ("The strike by the teachers led to the closure of 40 schools.", "en", "There was the closure of 40 schools."),
        (
            "The long drought resulted in crop failures across the region.",
            "en",
            "There was crop failures across the region.",
        ),
        ("The minister led the delegation to Oslo for talks.", "en", None),  # "led X to": not a cause
        ("Statsministeren førte forhandlingene til en avtale.", "nb", None),
        ("It resulted in.", "en", None),
    ],
)
def test_consequence_gives_the_effect_of_a_stated_cause_as_its_own_claim(s, lang, effect):
    got = consequence(s, Piece((_whole(s),)), lang)
    assert (None if got is None else piece_text(s, got)) == effect
