"""Exact checks added for issue 9: event dates with their precision, figures in a time series valid at the
claim's date, rounding of scaled figures, Norwegian comparators read from text, "first" versus "only"."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.extract import extract_claims
from claims.model import Claim, Span
from claims.normalise import parse_dates, parse_quantities
from claims.segment import split_sentences
from sources.model import Passage
from verdicts import rules
from verdicts.model import Stance

ANCHOR = dt.date(2024, 4, 30)


def passage(text, published=ANCHOR, language="en"):
    return Passage(text, source_url="https://example.org/x", published=published, language=language)


def read_claim(text, language="en", anchor=ANCHOR, entities=None):
    """A claim as the extractor reads it: quantities and dates parsed from the text itself."""
    return Claim(
        "a-test",
        text,
        Span(0, len(text)),
        language=language,
        quantities=tuple(parse_quantities(text, language)),
        dates=tuple(parse_dates(text, language, anchor)),
        entities=tuple(entities or ()),
        anchor_date=anchor,
    )


# ---------------------------------------------------------------- event dates
RECOGNISED = "Norge var alene i Vesten om å anerkjenne en samlingsregjering i februar 2007"


def test_month_claim_refuted_by_the_day_the_source_gives_the_same_event():
    c = read_claim(RECOGNISED, "nb", entities=["Norge", "Vesten"])
    r = rules.check(
        c,
        passage(
            "Norway recognized the new Palestinian government just minutes after it was approved "
            "Saturday [17 March 2007] in an 83-3 parliamentary vote.",
            dt.date(2007, 3, 17),
        ),
    )
    assert r.rule == "event_date" and r.stance is Stance.REFUTES and r.score >= 0.6
    assert "'februar 2007' (2007-02)" in r.explanation and "on or after '17 March 2007' (2007-03-17)" in r.explanation
    assert r.explanation.endswith("outside the claim's month")


@pytest.mark.parametrize(
    "source,published,stance",
    [
        ("Norway recognised the unity government on 17 March 2007.", None, Stance.REFUTES),
        (
            "Norway recognised the unity government on 28 February 2007.",
            None,
            Stance.SUPPORTS,
        ),  # a day inside the month
        ("Norway recognised the unity government in February 2007.", None, Stance.SUPPORTS),
        ("Norge anerkjente samlingsregjeringen 17. mars 2007.", None, Stance.REFUTES),  # Norwegian source
        ("Norway recognised the unity government before 15 January 2007.", None, Stance.REFUTES),  # "before D"
        ("Norway recognised the unity government after 15 January 2007.", None, Stance.NEUTRAL),  # may be February
    ],
)
def test_event_date_precision_and_languages(source, published, stance):
    c = read_claim(RECOGNISED, "nb", entities=["Norge"])
    r = rules.check(c, passage(source, published, "nb" if "Norge" in source else "en"))
    assert r is not None and r.rule == "event_date" and r.stance is stance, r


def test_day_claim_is_not_decided_by_a_month_only_source():
    text = "Hamas won the election on 25 January 2006"
    c = read_claim(text, entities=["Hamas"])
    r = rules.check(c, passage("Hamas won the election in January 2006.", None))
    assert r.rule == "event_date" and r.stance is Stance.NEUTRAL and "less precise" in r.explanation
    r = rules.check(c, passage("Hamas won the election on 26 January 2006.", None))
    assert r.stance is Stance.REFUTES and "(2006-01-26)" in r.explanation


def test_relative_month_of_last_year_in_the_source():
    c = read_claim("Hamas vant valget i januar 2006", "nb", entities=["Hamas"])
    r = rules.check(
        c, passage("Boikotten har vart siden Hamas overtok etter valget i januar i fjor.", dt.date(2007, 2, 10), "nb")
    )
    assert r.rule == "event_date" and r.stance is Stance.SUPPORTS and "(2006-01)" in r.explanation


@pytest.mark.parametrize(
    "source",
    [
        # the date belongs to a relative clause about another event
        "Fatah rejected an invitation to join a coalition led by Hamas, which had won the 25 January 2006 elections.",
        # the date dates the statement ("said"), not the invitation
        "On 30 April 2024 a spokesman said that, at China's invitation, Fatah and Hamas came to Beijing.",
        # the participant is named in another clause
        "Abbas was invited on 9 January 2005; Fatah does not accept the terms.",
    ],
)
def test_a_date_of_another_event_says_nothing(source):
    c = read_claim("In February 2007 Hamas invited Fatah into a unity government", entities=["Hamas", "Fatah"])
    assert all(r.rule != "event_date" for r in rules.check_all(c, passage(source, None)))


def test_same_kind_of_event_years_apart_is_another_event():
    c = read_claim(RECOGNISED, "nb", entities=["Norge"])
    r = rules.check(
        c,
        passage(
            "Norway announced it would recognise Palestine as a state, with the recognition "
            "taking effect on 28 May 2024.",
            dt.date(2024, 5, 22),
        ),
    )
    assert r is None or r.rule != "event_date"


def test_since_dates_are_periods_not_event_dates():
    c = read_claim("Abbas has ruled since 2009 and recognised the election in 2005", entities=["Abbas"])
    assert [d.text for d in rules._claim_event_dates(c)] == ["2005"]


# ---------------------------------------------------------------- counts valid at the claim's date
SERIES = [
    "Gaza health ministry tallies of Palestinians killed: 34,012 (19 April), 34,305 (25 April), 34,535 (30 April).",
    "The number of Palestinians killed rose to 34,012 on 19 April, to 34,305 on 25 April and to 34,535 on 30 April.",
]


@pytest.mark.parametrize("source", SERIES)
@pytest.mark.parametrize(
    "anchor,stance,figure",
    [
        (dt.date(2024, 4, 30), Stance.SUPPORTS, "34,535 on 2024-04-30"),
        (dt.date(2024, 4, 26), Stance.REFUTES, "34,305 on 2024-04-25"),
        (dt.date(2024, 4, 20), Stance.REFUTES, "34,012 on 2024-04-19"),
    ],
)
def test_time_series_uses_the_figure_valid_at_the_claims_date(source, anchor, stance, figure):
    c = read_claim("Over 34,500 Palestinians have been killed", anchor=anchor)
    r = rules.check(c, passage(source, dt.date(2024, 5, 2)))
    assert r.rule == "quantity" and r.stance is stance and figure in r.explanation, r
    assert r.evidence_date.isoformat() in figure


# ---------------------------------------------------------------- comparators from Norwegian text, rounding, units
@pytest.mark.parametrize(
    "claim_text,source,stance",
    [
        ("Over 34.000 palestinere er drept", "34.535 palestinere er drept.", Stance.SUPPORTS),
        ("Mer enn 35.000 palestinere er drept", "34.535 palestinere er drept.", Stance.REFUTES),
        ("Minst 34.535 palestinere er drept", "34.535 palestinere er drept.", Stance.SUPPORTS),
        ("Nesten 35.000 palestinere er drept", "34.535 palestinere er drept.", Stance.SUPPORTS),
        ("Nesten 35.000 palestinere er drept", "35.400 palestinere er drept.", Stance.REFUTES),
        ("Rundt 34.000 palestinere er drept", "35.200 palestinere er drept.", Stance.SUPPORTS),
        ("Om lag 30.000 palestinere er drept", "34.535 palestinere er drept.", Stance.REFUTES),
        ("Mellom 30.000 og 35.000 palestinere er drept", "34.535 palestinere er drept.", Stance.SUPPORTS),
    ],
)
def test_norwegian_comparators_read_from_text(claim_text, source, stance):
    c = read_claim(claim_text, "nb")
    assert c.quantities, claim_text
    r = rules.check(c, passage(source, language="nb"))
    assert r is not None and r.rule == "quantity" and r.stance is stance, r


@pytest.mark.parametrize(
    "claim_text,source,stance",
    [
        ("Damage reached $18.5bn", "The damage was estimated at 18.54 billion dollars.", Stance.SUPPORTS),
        ("Damage reached $18.5bn", "The damage was estimated at 18.7 billion dollars.", Stance.REFUTES),
        ("Skadene er på 1,2 millioner kroner", "Skadene er på 1 240 000 kroner.", Stance.SUPPORTS),
        ("Skadene er på 1,2 millioner kroner", "Skadene er på 1 290 000 kroner.", Stance.REFUTES),
    ],
)
def test_scaled_figures_round_by_their_stated_digits(claim_text, source, stance):
    lang = "nb" if "kroner" in claim_text else "en"
    c = read_claim(claim_text, lang)
    r = rules.check(c, passage(source, language=lang))
    assert r is not None and r.stance is stance, r


def test_currency_is_not_compared_with_another_currency():
    c = read_claim("Damage reached $18.5bn")
    assert rules.check(c, passage("The damage was estimated at 18.5 billion euros.")) is None


# ---------------------------------------------------------------- only / first / alone
def exclusive(text, language="en", entities=("Norway",)):
    return Claim(
        "a-test", text, Span(0, len(text)), language=language, exclusive=True, entities=entities, anchor_date=ANCHOR
    )


def test_first_does_not_establish_only():
    c = exclusive("Norway was the only Western country to recognise the unity government")
    r = rules.check(c, passage("Norway became the first Western country to recognise it."))
    assert r.rule == "exclusivity" and r.stance is Stance.NEUTRAL
    assert "first'" in r.explanation and "does not establish" in r.explanation


def test_first_claim_is_supported_by_first_or_only():
    c = exclusive("Norway was the first Western country to recognise the unity government")
    for source in (
        "Norway became the first Western country to recognise it.",
        "Norway was the only Western state to normalise ties.",
    ):
        r = rules.check(c, passage(source))
        assert r.stance is Stance.SUPPORTS, source


@pytest.mark.parametrize(
    "source,language",
    [
        ("Norway was not the only Western country to recognise it; Switzerland did too.", "en"),
        ("Norge var ikke den eneste som anerkjente regjeringen.", "nb"),
    ],
)
def test_denied_exclusivity_refutes(source, language):
    c = exclusive("Norge var alene i Vesten om å anerkjenne en samlingsregjering", "nb", ("Norge",))
    r = rules.check(c, passage(source, language=language))
    assert (
        r.rule == "exclusivity"
        and r.stance is Stance.REFUTES
        and "not the only" in r.explanation.replace("ikke den eneste", "not the only")
    )


# ---------------------------------------------------------------- end to end from an article sentence
def test_fronted_month_of_an_article_refuted_through_its_relative_clause():
    text = (
        "I februar 2007 inviterte Hamas Fatah med i en samlingsregjering, som Norge var alene i Vesten om å anerkjenne."
    )
    claims = extract_claims("t", text, split_sentences(text, "nb"), language="nb", published=ANCHOR)
    framed = [c for c in claims if c.text.endswith("i februar 2007") and c.text.startswith("Norge")]
    assert len(framed) == 1
    p = passage("Norway recognised the new government on 17 March 2007, minutes after the parliament's vote.", None)
    rs = rules.check_all(framed[0], p)
    assert any(r.rule == "event_date" and r.stance is Stance.REFUTES for r in rs), rs
    undated = [c for c in claims if c.text == "Norge var alene i Vesten om å anerkjenne en samlingsregjering"]
    assert undated and all(r.rule != "event_date" for r in rules.check_all(undated[0], p))


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=160), st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2060, 1, 1))))
def test_event_date_and_series_never_crash(text, published):
    for c in (read_claim(RECOGNISED, "nb", entities=["Norge"]), read_claim("Over 34,500 Palestinians were killed")):
        for r in rules.check_all(
            c, passage(text + " Norway recognised it on 17 March 2007; 34,012 (19 April).", published)
        ):
            assert 0.0 <= r.score <= 1.0 and r.explanation


# ---------------------------------------------------------------- ordinals
def test_an_ordinal_is_a_rank_not_a_rounded_figure():
    qs = parse_quantities("It was their 90th season and the 2nd title; 90 people came.", "en")
    assert [(q.value, q.unit, q.text) for q in qs] == [
        (90.0, "ordinal", "90th"),
        (2.0, "ordinal", "2nd"),
        (90.0, "", "90"),
    ]
    c = read_claim(
        "The 2010 Green Bay Packers season was their 90th season in the National Football League.",
        entities=["Green Bay Packers"],
    )
    other = rules.check(
        c,
        passage(
            "The 2010 Green Bay Packers season was the 91st season in the National Football League for the Packers."
        ),
    )
    same = rules.check(
        c,
        passage(
            "The 2010 Green Bay Packers season was the 90th season in the National Football League for the Packers."
        ),
    )
    assert other.stance is Stance.REFUTES and "rounding" not in other.explanation  # 90 is not "about 91"
    assert same.stance is Stance.SUPPORTS
