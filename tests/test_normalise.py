"""Numbers, dates, exclusivity and ages parsed out of Norwegian and English text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.model import Comparator, Precision
from claims.normalise import age_on, find_exclusivity, normalise_language, parse_dates, parse_quantities

ANCHOR = dt.date(2024, 4, 30)
GT, GE, LT, LE, EQ = Comparator.GT, Comparator.GE, Comparator.LT, Comparator.LE, Comparator.EQ
APPROX, NEARLY, BETWEEN = Comparator.APPROX, Comparator.NEARLY, Comparator.BETWEEN

# text, language, value, comparator, unit, upper
QUANTITIES = [
    ("Over 34.000 palestinere er siden drept", "nb", 34000, GT, "", None),
    ("at least 34,535 people were killed", "en", 34535, GE, "", None),
    ("34 000 mennesker", "nb", 34000, EQ, "", None),
    ("34\u00a0000 mennesker", "nb", 34000, EQ, "", None),
    ("34\u202f000 mennesker", "nb", 34000, EQ, "", None),
    ("34,000 people", "en", 34000, EQ, "", None),
    ("1.234.567,5 kroner", "nb", 1234567.5, EQ, "NOK", None),
    ("1,234,567.5 dollars", "en", 1234567.5, EQ, "USD", None),
    ("4,5 mill.", "nb", 4_500_000, EQ, "", None),
    ("4,5 millioner kroner", "nb", 4_500_000, EQ, "NOK", None),
    ("4.5 million", "en", 4_500_000, EQ, "", None),
    ("1,2 mrd.", "nb", 1_200_000_000, EQ, "", None),
    ("2 billion", "en", 2_000_000_000, EQ, "", None),
    ("2 billioner", "nb", 2 * 10**12, EQ, "", None),
    ("$18.5bn in damage", "en", 18.5e9, EQ, "USD", None),
    ("tolv personer", "nb", 12, EQ, "", None),
    ("twelve people", "en", 12, EQ, "", None),
    ("ti tusen demonstranter", "nb", 10_000, EQ, "", None),
    ("45 prosent", "nb", 45, EQ, "percent", None),
    ("45 %", "nb", 45, EQ, "percent", None),
    ("45%", "en", 45, EQ, "percent", None),
    ("4,5 prosentpoeng", "nb", 4.5, EQ, "percentage_point", None),
    ("87 år gamle Abbas", "nb", 87, EQ, "year_of_age", None),
    ("Abbas er 88 år gammel", "nb", 88, EQ, "year_of_age", None),
    ("87-åringen", "nb", 87, EQ, "year_of_age", None),
    ("the 87-year-old Abbas", "en", 87, EQ, "year_of_age", None),
    ("aged 87", "en", 87, EQ, "year_of_age", None),
    ("Age: 87 years old", "en", 87, EQ, "year_of_age", None),
    ("Mahmoud Abbas (88) sa", "nb", 88, EQ, "year_of_age", None),
    ("500 kroner", "nb", 500, EQ, "NOK", None),
    ("har sittet i 15 år", "nb", 15, EQ, "year", None),
    ("mer enn 5", "nb", 5, GT, "", None),
    ("flere enn 1.000", "nb", 1000, GT, "", None),
    ("minst 3", "nb", 3, GE, "", None),
    ("nesten 40 000", "nb", 40000, NEARLY, "", None),
    ("snart 90", "nb", 90, NEARLY, "", None),
    ("rundt 1 200", "nb", 1200, APPROX, "", None),
    ("om lag 5", "nb", 5, APPROX, "", None),
    ("omkring 4", "nb", 4, APPROX, "", None),
    ("ca. 300", "nb", 300, APPROX, "", None),
    ("cirka 3", "nb", 3, APPROX, "", None),
    ("under 50", "nb", 50, LT, "", None),
    ("færre enn 10", "nb", 10, LT, "", None),
    ("mindre enn 5", "nb", 5, LT, "", None),
    ("høyst 3", "nb", 3, LE, "", None),
    ("opptil 12", "nb", 12, LE, "", None),
    ("10 000 eller mer", "nb", 10000, GE, "", None),
    ("mellom 10 og 20 prosent", "nb", 10, BETWEEN, "percent", 20),
    ("10–20 drepte", "nb", 10, BETWEEN, "", 20),
    ("over 4 people", "en", 4, GT, "", None),
    ("more than 5", "en", 5, GT, "", None),
    ("at least 6", "en", 6, GE, "", None),
    ("nearly 7", "en", 7, NEARLY, "", None),
    ("almost 8", "en", 8, NEARLY, "", None),
    ("about 9", "en", 9, APPROX, "", None),
    ("around 10", "en", 10, APPROX, "", None),
    ("approximately 6", "en", 6, APPROX, "", None),
    ("Some 300 people", "en", 300, APPROX, "", None),
    ("under 4", "en", 4, LT, "", None),
    ("fewer than 4", "en", 4, LT, "", None),
    ("less than 4", "en", 4, LT, "", None),
    ("at most 4", "en", 4, LE, "", None),
    ("up to 7", "en", 7, LE, "", None),
    ("between 10 and 20", "en", 10, BETWEEN, "", 20),
    ("over 2000 mennesker", "nb", 2000, GT, "", None),
]


@pytest.mark.parametrize("text,lang,value,comparator,unit,upper", QUANTITIES, ids=[q[0] for q in QUANTITIES])
def test_quantity_formats(text, lang, value, comparator, unit, upper):
    qs = parse_quantities(text, lang)
    assert len(qs) == 1, qs
    q = qs[0]
    assert q.value == pytest.approx(value)
    assert q.comparator is comparator
    assert q.unit == unit
    assert q.upper == (pytest.approx(upper) if upper is not None else None)
    assert not q.is_year
    assert text[q.span.start : q.span.end] == q.text


def test_span_covers_comparator_number_and_unit():
    q = parse_quantities("Over 34.000 palestinere", "nb")[0]
    assert q.text == "Over 34.000"
    assert parse_quantities("Age: 87 years old", "en")[0].text == "Age: 87 years old"
    assert parse_quantities("87 år gamle Abbas", "nb")[0].text == "87 år gamle"


@pytest.mark.parametrize(
    "text,lang,value",
    [
        ("34.000", "nb", 34000),  # nb: dot + 3 digits groups thousands
        ("4,5", "nb", 4.5),  # nb: comma is the decimal symbol
        ("34,535", "nb", 34.535),
        ("4.5", "nb", 4.5),  # a dot not followed by 3 digits is a decimal point
        ("34,535", "en", 34535),  # en: comma + 3 digits groups thousands
        ("4.5", "en", 4.5),
        ("4,5", "en", 4.5),  # ambiguous in en: read as a decimal comma
        ("34,535", "", 34535),  # no language: 3 digits after the separator group thousands
        ("34.654", "no", 34654),  # 'no' is treated as Bokmål
    ],
)
def test_separators_depend_on_language(text, lang, value):
    assert parse_quantities(text, lang)[0].value == pytest.approx(value)


@pytest.mark.parametrize("text", ["i januar 2006", "siden 2009", "valget i 2006–2007", "15. november 1935"])
def test_years_are_marked_as_years(text):
    qs = parse_quantities(text, "nb")
    assert qs and all(q.is_year for q in qs)


@pytest.mark.parametrize(
    "text", ["30.04.2024", "2024-04-30", "kl. 12.30", "klokken 14:45", "COVID-19", "de to partene", "the two sides"]
)
def test_dates_times_and_references_are_not_quantities(text):
    assert parse_quantities(text, "nb" if "de " in text or "kl" in text else "en") == []


@pytest.mark.parametrize(
    "text",
    ["Hun måtte tre tilbake av helsegrunner.", "Loven skal tre i kraft neste år.", "De vil ikke fire på kravet."],
)
def test_number_words_used_as_verbs_are_not_quantities(text):
    assert parse_quantities(text, "nb") == []


@pytest.mark.parametrize("text", ["Tre av fire stemte ja.", "Laget vant tre på rad.", "Det kom tre inn i finalen."])
def test_number_words_as_counts_stay_quantities(text):
    assert [q.value for q in parse_quantities(text, "nb")][:1] == [3.0]


def test_day_of_written_date_is_not_a_count():
    qs = parse_quantities("Han ble født 15. november 1935 og 7. oktober kom angrepet.", "nb")
    assert [(q.text, q.is_year) for q in qs] == [("1935", True)]


def test_several_quantities_in_one_sentence():
    text = "Til sammen har 34.654 blitt drept siden 7. oktober, mens 77.908 er såret."
    qs = parse_quantities(text, "nb")
    assert [q.value for q in qs] == [34654, 77908]


# text, value, precision
DATES = [
    ("født 15. november 1935", dt.date(1935, 11, 15), Precision.DAY),
    ("born 15 November 1935", dt.date(1935, 11, 15), Precision.DAY),
    ("born November 15, 1935", dt.date(1935, 11, 15), Precision.DAY),
    ("on the 15th of November 1935", dt.date(1935, 11, 15), Precision.DAY),
    ("born 26 March 1935", dt.date(1935, 3, 26), Precision.DAY),
    ("Hamas vant valget i januar 2006", dt.date(2006, 1, 1), Precision.MONTH),
    ("I februar 2007 inviterte Hamas", dt.date(2007, 2, 1), Precision.MONTH),
    ("in Nov. 2023", dt.date(2023, 11, 1), Precision.MONTH),
    ("siden 2009", dt.date(2009, 1, 1), Precision.YEAR),
    ("2024-04-30", dt.date(2024, 4, 30), Precision.DAY),
    ("30.04.2024", dt.date(2024, 4, 30), Precision.DAY),
    ("angrepet 7. oktober", dt.date(2023, 10, 7), Precision.DAY),
    ("the attack on 7 October", dt.date(2023, 10, 7), Precision.DAY),
    ("the attack on October 7", dt.date(2023, 10, 7), Precision.DAY),
    ("i går", dt.date(2024, 4, 29), Precision.DAY),
    ("yesterday", dt.date(2024, 4, 29), Precision.DAY),
    ("i dag", dt.date(2024, 4, 30), Precision.DAY),
    ("today", dt.date(2024, 4, 30), Precision.DAY),
    ("i forrige måned", dt.date(2024, 3, 1), Precision.MONTH),
    ("last month", dt.date(2024, 3, 1), Precision.MONTH),
    ("i fjor", dt.date(2023, 1, 1), Precision.YEAR),
    ("last year", dt.date(2023, 1, 1), Precision.YEAR),
    ("møttes på fredag", dt.date(2024, 4, 26), Precision.DAY),
    ("on Tuesday 30 April 2024", dt.date(2024, 4, 30), Precision.DAY),
]


@pytest.mark.parametrize("text,value,precision", DATES, ids=[d[0] for d in DATES])
def test_date_formats(text, value, precision):
    ds = parse_dates(text, "", ANCHOR)
    assert len(ds) == 1, ds
    d = ds[0]
    assert (d.value, d.precision) == (value, precision)
    assert text[d.span.start : d.span.end] == d.text


@pytest.mark.parametrize(
    "text,first,second",
    [
        ("talks on 21-23 July 2024", dt.date(2024, 7, 21), dt.date(2024, 7, 23)),
        ("møtet holdes 20. og 21. juli", dt.date(2023, 7, 20), dt.date(2023, 7, 21)),
    ],
)
def test_day_ranges(text, first, second):
    assert [d.value for d in parse_dates(text, "", ANCHOR)] == [first, second]
    assert parse_quantities(text, "") == [q for q in parse_quantities(text, "") if q.is_year]


def test_month_date_last_day():
    d = parse_dates("i februar 2024", "nb")[0]
    assert d.last == dt.date(2024, 2, 29)


def test_dates_without_year_need_an_anchor():
    assert parse_dates("angrepet 7. oktober", "nb") == []
    assert parse_dates("i går", "nb") == []


def test_english_modal_may_is_not_a_month():
    assert parse_dates("they may 2 go in may", "en", ANCHOR) == []


def test_counts_and_decades_are_not_years():
    assert parse_dates("over 2000 mennesker på 1990-tallet", "nb", ANCHOR) == []


def test_invalid_days_are_not_resolved_to_a_day():
    ds = parse_dates("31. februar 2023 og 2023-13-45", "nb", ANCHOR)
    assert all(d.precision is not Precision.DAY for d in ds)
    assert [d.text for d in ds][:1] == ["februar 2023"]


def test_age_on():
    assert age_on(dt.date(1935, 11, 15), dt.date(2024, 4, 30)) == 88
    assert age_on(dt.date(1935, 11, 15), dt.date(2024, 11, 15)) == 89
    assert age_on(dt.date(1935, 11, 15), dt.date(2024, 11, 14)) == 88


@pytest.mark.parametrize(
    "text,lang,expected",
    [
        ("som Norge var alene i Vesten om å anerkjenne", "nb", True),
        ("Norge er det eneste landet", "nb", True),
        ("Hun ble som første kvinne valgt", "nb", True),
        ("Norway was the only Western country", "en", True),
        ("the first time in history", "en", True),
        ("the sole survivor", "en", True),
        ("not only Norway but also Sweden", "en", False),
        ("Hamas vant valget i januar 2006", "nb", False),
    ],
)
def test_find_exclusivity(text, lang, expected):
    assert find_exclusivity(text, lang) is expected


def test_normalise_language():
    assert [normalise_language(x) for x in ("nb-NO", "no", "nn", "EN_us", "", None)] == ["nb", "nb", "nb", "en", "", ""]


TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            [
                "34.000",
                "4,5",
                " ",
                "\u00a0",
                "mill.",
                "over",
                "mellom",
                "og",
                "–",
                "-",
                "%",
                "år gamle",
                "(",
                ")",
                "87",
                "2009",
                "15.",
                "november",
                "May",
                "i går",
                "7. oktober",
                ".",
                ",",
                "$",
                "bn",
                "Abbas",
                "30.04.2024",
                "2024-02-30",
                "31",
                "99",
                "kl.",
                "12:30",
                "to",
                "two",
            ]
        ),
        max_size=25,
    ).map("".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from(["", "nb", "en", "no", "xx"]))
def test_quantities_never_crash_and_spans_match(text, lang):
    for q in parse_quantities(text, lang):
        assert 0 <= q.span.start <= q.span.end <= len(text)
        assert text[q.span.start : q.span.end] == q.text
        assert q.upper is None or q.comparator is Comparator.BETWEEN


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from(["", "nb", "en"]), st.one_of(st.none(), st.dates()))
def test_dates_never_crash_and_spans_match(text, lang, anchor):
    ds = parse_dates(text, lang, anchor)
    for d in ds:
        assert 0 <= d.span.start <= d.span.end <= len(text)
        assert text[d.span.start : d.span.end] == d.text
    assert all(a.span.end <= b.span.start for a, b in zip(ds, ds[1:]))


@pytest.mark.parametrize(
    "text,lang,anchor,value,mention",
    [
        ("etter valget i januar i fjor", "nb", dt.date(2007, 2, 10), dt.date(2006, 1, 1), "januar i fjor"),
        ("in January last year", "en", dt.date(2007, 2, 10), dt.date(2006, 1, 1), "January last year"),
        ("i mars i år", "nb", dt.date(2024, 4, 30), dt.date(2024, 3, 1), "mars i år"),
        ("i mai", "nb", dt.date(2024, 4, 30), dt.date(2023, 5, 1), "mai"),  # the latest May before
    ],
)
def test_month_of_last_or_this_year(text, lang, anchor, value, mention):
    (d,) = parse_dates(text, lang, anchor)
    assert (d.value, d.precision, d.text) == (value, Precision.MONTH, mention)
    assert text[d.span.start : d.span.end] == d.text


@pytest.mark.parametrize(
    "text,value,mention",
    [
        ("took office March 17 [2007], and", dt.date(2007, 3, 17), "March 17 [2007]"),
        ("approved on 17 March [2007] in a vote", dt.date(2007, 3, 17), "17 March [2007]"),
        ("approved Saturday [17 March 2007] in", dt.date(2007, 3, 17), "17 March 2007"),  # no stray bracket
    ],
)
def test_editorial_brackets_around_a_year(text, value, mention):
    ds = [d for d in parse_dates(text, "en", None) if d.precision is Precision.DAY]
    assert [(d.value, d.text) for d in ds] == [(value, mention)]


@pytest.mark.parametrize(
    "text,want",
    [
        ("Those most susceptible to the radiation from 5G technology are children.", []),
        ("The 3D printer and the 4x4 cars", []),
        ("It costs 5GBP and weighs 10kg", [(5.0, "GBP"), (10.0, "kg")]),
        ("a $10M deal, a $2B loss and a $5K prize", [(1e7, "USD"), (2e9, "USD"), (5e3, "USD")]),
        ("their 90th season", [(90.0, "ordinal")]),
        ("The biggest attendance was 62,241fans in 2014", [(62241.0, ""), (2014.0, "")]),
    ],
)
def test_numbers_glued_to_letters_count_only_as_units_scales_or_ordinals(text, want):
    assert [(q.value, q.unit) for q in parse_quantities(text, "en")] == want
