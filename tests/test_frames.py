"""Quantity frames (claims.frames) and the checks that use them: what a figure measures decides what it may be
compared with. Sentences are made up for the tests; none comes from an article of the data sets."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.extract import split_clauses
from claims.frames import comparable, frame_of, measure_of
from claims.model import Span
from claims.normalise import parse_dates, parse_quantities
from claims.segment import split_sentences
from sources.model import Passage
from tests.test_rules import claim
from verdicts import rules
from verdicts.model import Stance

DAY = dt.date(2031, 5, 12)


def frame(text: str, figure: str):
    i = text.index(figure)
    return frame_of(text, Span(i, i + len(figure)))


@pytest.mark.parametrize(
    "text,figure,basis",
    [
        ("Lønnsveksten endte på 4,1 prosent målt mot samme måned i fjor.", "4,1", "yoy"),
        ("Tolvmånedersveksten i KPI var 2,2 prosent.", "2,2", "yoy"),
        ("Wages rose 4.1% year on year.", "4.1", "yoy"),
        ("Strømprisen steg med 8 prosent fra måneden før.", "8", "mom"),
        ("Husleiene steg 0,4 prosent frå mars til april.", "0,4", "mom"),
        ("Hittil i år er det solgt 41.200 elbiler.", "41.200", "ytd"),
        ("Det ble solgt 41.200 elbiler.", "41.200", ""),
    ],
)
def test_basis_is_read_in_every_language(text, figure, basis):
    assert frame(text, figure).basis == basis


def test_change_level_and_forecast():
    assert frame("Det er 2.400 flere arbeidsledige enn i fjor.", "2.400").change is True
    assert frame("Folketallet økte med 7.000 i andre kvartal.", "7.000").change is True
    assert frame("Antallet har økt til 11.300 personer.", "11.300").change is False  # "økt til": a level
    assert frame("Ledige utgjør 3,1 prosent av arbeidsstyrken.", "3,1").change is False
    assert frame("Ledigheten i fylket var 3,1 prosent.", "3,1").change is None
    assert frame("Sentralbanken anslo at renten ville bli 4,5 prosent.", "4,5").kind == "forecast"
    assert frame("Renten ble 4,5 prosent.", "4,5").kind == "outcome"


def test_periods_and_corrections():
    assert frame("Prisveksten var 2,9 prosent i mars.", "2,9").periods == {"m3"}
    assert frame("I 2. kvartal økte eksporten med 900.", "900").periods == {"q2"}
    assert frame("It may rise 3% next year.", "3%").periods == frozenset()  # "may" is no month
    text = "Korrigert vekst for mars er 2,7 prosent, mot tidligere publisert 2,9 prosent."
    fixed, old = frame(text, "2,7"), frame(text, "2,9 prosent.")
    assert fixed.corrected and not fixed.superseded and old.superseded


def test_comparable_names_what_differs():
    yoy = frame("Prisveksten var 2,9 prosent målt mot samme måned i fjor, i mars.", "2,9")
    mom = frame("Matprisene steg med 0,4 prosent fra måneden før, i mars.", "0,4")
    april = frame("Prisveksten var 2,9 prosent målt mot samme måned i fjor, i april.", "2,9")
    assert "12-month" in comparable(yoy, mom) and "month-on-month" in comparable(yoy, mom)
    assert "March against April" == comparable(yoy, april)
    assert comparable(yoy, yoy) == ""
    change = frame("Det er 2.400 flere ledige.", "2.400")
    level = frame("Det er totalt 2.400 ledige.", "2.400")
    assert comparable(change, level) == "a change against a level"
    assert frame("Det er 2.400 ledige.", "2.400").change is None  # a bare figure may be either
    assert comparable(change, frame("Det er 2.400 ledige.", "2.400")) == ""


def test_measures_named_alike_across_languages_and_compounds():
    assert measure_of("prisveksten") == measure_of("tolvmånedersvekst") == measure_of("inflation") == "inflation"
    assert measure_of("Nettoinnvandringa") == measure_of("nettoinnvandringen") == "net_migration"
    assert measure_of("utvandringen") != measure_of("innvandringen")
    assert measure_of("tomatene") is None


# ---------------------------------------------------------------- the quantity rule with frames
def figure_claim(text: str, anchor=DAY, language="nb"):
    return claim(text, quantities=parse_quantities(text, language), language=language, anchor=anchor)


def test_a_month_on_month_figure_does_not_refute_a_12_month_rate():
    c = figure_claim("Prisveksten i Norge var 2,9 prosent i april, målt mot samme måned i fjor.")
    p = Passage(
        "Matvareprisene steg med 0,5 prosent i april sammenlignet med måneden før.",
        source_url="https://stat.example/a",
        published=DAY,
        language="no",
    )
    r = rules.check(c, p)
    assert r is None or r.stance is not Stance.REFUTES


def test_a_correction_refutes_the_first_release_it_replaced():
    c = figure_claim("Prisveksten i Norge var 2,9 prosent i april, målt mot samme måned i fjor.")
    p = Passage(
        "Korrigert tolvmånedersvekst for april er 2,6 prosent, mot tidligere publisert 2,9 prosent.",
        source_url="https://stat.example/fix",
        published=DAY,
        language="no",
    )
    r = rules.check(c, p)
    assert r.stance is Stance.REFUTES and r.corrected and "corrected figure" in r.explanation
    assert "12-month" in r.explanation  # the explanation names the frame that matched


def test_a_later_or_stale_figure_does_not_refute():
    c = figure_claim("Hittil i år er det født 31.500 barn i landet.")
    later = Passage(
        "I fjor ble det født 44.100 barn i landet.",
        source_url="https://stat.example/l",
        published=DAY + dt.timedelta(days=400),
        language="no",
    )
    r = rules.check(c, later)
    assert r is None or r.stance is not Stance.REFUTES
    same_time = Passage(
        "Hittil i år er det født 35.900 barn i landet.",
        source_url="https://stat.example/s",
        published=DAY,
        language="no",
    )
    assert rules.check(c, same_time).stance is Stance.REFUTES


def test_forecast_and_outcome_are_not_compared():
    c = figure_claim("Sentralbanken anslo at prisveksten ville bli 2,1 prosent.")
    p = Passage("Prisveksten ble 3,0 prosent.", source_url="https://stat.example/o", published=DAY, language="no")
    r = rules.check(c, p)
    assert r is None or (r.stance is Stance.NEUTRAL and "forecast" in r.explanation)


# ---------------------------------------------------------------- birth dates
def birth_claim(text: str, entities, anchor=DAY):
    return claim(text, dates=parse_dates(text, "nb", anchor), entities=entities, language="nb", anchor=anchor)


def test_a_stated_birth_year_is_refuted_by_the_sources_year():
    c = birth_claim("Kari Holm (født 1952) har skrevet elleve bøker.", ["Kari Holm"])
    p = Passage("Kari Holm (f. 1957) er en norsk forfatter.", source_url="https://bok.example/k", language="no")
    r = rules.check(c, p)
    assert r.stance is Stance.REFUTES and r.rule == "birth" and "1957" in r.explanation
    same = Passage("Kari Holm (f. 1952) er en norsk forfatter.", source_url="https://bok.example/k2", language="no")
    assert rules.check(c, same).stance is Stance.SUPPORTS


def test_a_dated_age_dates_the_birth():
    c = birth_claim("Per Lunde (fødd 1970) har gitt ut fem plater.", ["Per Lunde"])
    p = Passage(
        "Per Lunde (61) spelar på festivalen i år.",
        source_url="https://fest.example/p",
        published=dt.date(2029, 6, 1),
        language="no",
    )
    r = rules.check(c, p)  # 61 on 2029-06-01: born 1967-06-02 .. 1968-06-01
    assert r.stance is Stance.REFUTES and "61 years old" in r.explanation


def test_another_persons_birth_in_the_same_sentence_does_not_count():
    c = birth_claim("Per Lunde (fødd 1970) har gitt ut fem plater.", ["Per Lunde"])
    p = Passage(
        "Born on 3 March 1975 in Bergen, she is a singer; her cousin, Per Lunde, is a drummer.",
        source_url="https://bio.example/x",
        language="en",
    )
    r = rules.check(c, p)
    assert r is None or r.rule != "birth"


# ---------------------------------------------------------------- sentences and atomic figures
def test_a_sentence_ending_in_a_thousands_figure_is_split():
    text = "Eksporten endte på 4.700 og importen var 3.900. Handelsbalansen ble dermed positiv."
    assert [s.text for s in split_sentences(text, "nb")] == [
        "Eksporten endte på 4.700 og importen var 3.900.",
        "Handelsbalansen ble dermed positiv.",
    ]


def test_a_subhead_above_its_paragraph_is_its_own_heading():
    text = "Innledning her.\n\nTo nye bøker\nKari Holm har skrevet to bøker i år."
    out = split_sentences(text, "nb")
    assert [(s.text, s.is_heading) for s in out][1:] == [
        ("To nye bøker", True),
        ("Kari Holm har skrevet to bøker i år.", False),
    ]


def test_a_heading_that_states_something_is_checked_and_a_label_is_not():
    from claims.extract import extract_claims

    text = (
        "Kari Holm er årets lyrikar\n\nHer er årets vinnarar\n\nFakta om prisen\n\nPrisen blir delt ut i Bergen i mai."
    )
    claims = extract_claims("a", text, split_sentences(text, "nb"), language="nb", published=None)
    covered = {text[c.span.start : c.span.end].split("\n")[0] for c in claims}
    assert any("Kari Holm" in c.text for c in claims)
    assert not any(t.startswith(("Her er", "Fakta")) for t in covered)


def test_two_figures_joined_by_og_are_two_claims():
    sent = split_sentences("Eksporten endte på 4.700 og importen var 3.900.", "nb")[0]
    assert [c.text for c in split_clauses(sent, "nb")] == ["Eksporten endte på 4.700", "importen var 3.900."]
    between = split_sentences("Mellom 10 og 20 prosent var borte.", "nb")[0]
    assert len(split_clauses(between, "nb")) == 1


def test_a_short_claim_cut_from_its_sentence_is_also_searched_with_the_sentence():
    from sources.model import Hit
    from verdicts.pipeline import _with_context_hits

    def hit(pid):
        return Hit(Passage(f"text {pid}", source_url=f"https://x.example/{pid}"), 0.9, 1, "dense")

    class Retriever:
        asked = []

        def search(self, texts, **kw):
            self.asked.extend(texts)
            return [[hit("own"), hit("ctx1"), hit("ctx2")] for _ in texts]

    sentence = "A endte på 9.400 og B ble i år da 5.800, med C og D."
    short = figure_claim("B var 5.800.")
    short2 = figure_claim("A endte på 9.400")
    words = claim("C og D.")  # short, but no figure
    whole = figure_claim(sentence)
    r = Retriever()
    out = _with_context_hits(
        [short, short2, words, whole],
        [sentence] * 4,
        [[hit("own")]] * 4,
        r,
        k=8,
        exclude_urls=(),
        filters=None,
        languages=None,
    )
    assert r.asked == [sentence]  # only the short figure claims' sentence, embedded once
    assert [h.passage.text for h in out[0]] == ["text own", "text ctx1", "text ctx2"]  # its own hits first
    assert len(out[1]) == 3 and len(out[2]) == 1 and len(out[3]) == 1


def test_a_birth_year_in_brackets_is_a_claim_of_its_own():
    from claims.decompose import birth_parenthetical, piece_text

    text = "Kari Holm (født 1952) har skrevet elleve bøker."
    main, born = birth_parenthetical(text, Span(0, len(text)), "nb")
    assert piece_text(text, main) == "Kari Holm har skrevet elleve bøker."
    assert piece_text(text, born) == "Kari Holm er født 1952"
    assert birth_parenthetical("Kari Holm (SV) har skrevet bøker.", Span(0, 33), "nb") is None


def test_a_rise_is_not_compared_with_a_fall():
    up = frame("Det er 1 900 flere helt ledige enn i oktober.", "1 900")
    down = frame("Det er nå 1 300 færre delvis ledige enn ved utgangen av oktober.", "1 300")
    assert (up.direction, down.direction) == (1, -1)
    assert comparable(up, down) == "a rise against a fall"
    assert frame("Folketallet økte med 7.000.", "7.000").direction == 1
    assert frame("Det ble solgt 7.000 biler.", "7.000").direction == 0


def test_tolerance_follows_the_wording():
    def verdict(claim_text, source_text, published=DAY):
        c = figure_claim(claim_text)
        return rules.check(
            c, Passage(source_text, source_url="https://x.example/q", published=published, language="no")
        )

    # "over 500" is what a journalist writes when the count passed 500
    assert (
        verdict("Over 500 hytter er solgt i kommunen.", "Kommunen har passert 500 solgte hytter.").stance
        is Stance.SUPPORTS
    )
    # "drøyt 2,4 millioner" allows what rounds to 2.4 million
    assert (
        verdict("Drøyt 2,4 millioner reiste med toget.", "I alt 2 381 000 reiste med toget.").stance is Stance.SUPPORTS
    )
    # a share price on the same day moves within its daily range; a day later it is a different quote
    assert (
        verdict("Aksjen i Fjordlaks endte på 24,37 kroner.", "Fjordlaks-aksjen stengte på 24,41 kroner.").stance
        is Stance.SUPPORTS
    )
    far = verdict("Aksjen i Fjordlaks endte på 24,37 kroner.", "Fjordlaks-aksjen stengte på 26,10 kroner.")
    assert far.stance is Stance.REFUTES
    # "nærmer seg 500" (497) is nearly
    assert (
        verdict("Antallet smittede nærmer seg 500 i fylket.", "Antallet smittede i fylket er 497.").stance
        is Stance.SUPPORTS
    )


def test_a_birthplace_beside_a_birth_date_is_a_claim_of_its_own():
    from claims.decompose import birth_place, piece_text

    text = "Født 3. mai 1950 i Bergen."
    assert piece_text(text, birth_place(text, Span(0, len(text)))) == "Født i Bergen"
    text = "Kari Holm ble født 3. mai 1950 i Bergen."
    assert piece_text(text, birth_place(text, Span(0, len(text)))) == "Kari Holm ble født i Bergen"
    assert birth_place("Født i Bergen.", Span(0, 14)) is None


def test_a_bound_on_a_birth_date_is_not_read_as_the_date():
    c = birth_claim("Kari Holm was born after 1987.", ["Kari Holm"])
    p = Passage("Kari Holm (born 9 January 1988) is a singer.", source_url="https://bio.example/k", language="en")
    r = rules.check(c, p)
    assert r is None or r.rule != "birth"


def test_more_than_n_is_refuted_by_exactly_n():
    c = claim(
        "The band has released more than six studio albums.",
        quantities=parse_quantities("The band has released more than six studio albums.", "en"),
    )
    p = Passage("The band has released six studio albums.", source_url="https://x.example/b", language="en")
    assert rules.check(c, p).stance is Stance.REFUTES


def test_each_exported_quantity_carries_its_frame():
    from verdicts.export import _quantity

    text = "Prisveksten i Norge havnet på 3,3 prosent i oktober, målt mot samme måned i fjor."
    q = parse_quantities(text, "nb")[0]
    out = _quantity(q, text)
    assert out["frame"] == {
        "measure": ["inflation"],
        "basis": "yoy",
        "change": True,
        "direction": None,
        "kind": "outcome",
        "periods": ["m10"],
        "corrected": False,
    }


def test_a_part_is_not_compared_with_the_whole():
    part = frame("Økningen er størst innen bygg og anlegg, med henholdsvis 2 100 og 800 flere ledige.", "2 100")
    assert part.part and part.change and part.direction == 1
    whole = frame("Det er 5 400 flere ledige enn i fjor.", "5 400")
    assert not whole.part and comparable(part, whole) == "a part against a whole"
    assert frame("Over 3.000 er drept, blant dem 1.200 barn.", "1.200").part
    assert not frame("Over 3.000 er drept, blant dem 1.200 barn.", "3.000").part


def test_the_top_of_a_ranking_is_a_part():
    assert frame("Målt i andelen ledige kommer bygg og anlegg på topp, med 8,1 prosent.", "8,1").part
    assert frame("Høyest var andelen i Finnmark, 4,2 prosent.", "4,2").part


def test_the_base_of_a_share_is_not_what_it_measures():
    c = figure_claim("Bruttoledigheten var på 90.000 personer, eller 3,1 prosent av arbeidsstyrken.")
    other = Passage(
        "I alt 150.000 var helt eller delvis ledige, noe som utgjør 5,2 prosent av arbeidsstyrken.",
        source_url="https://nav.example/a",
        published=DAY,
        language="no",
    )
    r = rules.check(c, other)
    assert r is None or r.stance is not Stance.REFUTES
    same = Passage(
        "Bruttoledigheten er på 90 000 personer, eller 3,1 prosent av arbeidsstyrken.",
        source_url="https://nav.example/b",
        published=DAY,
        language="no",
    )
    assert rules.check(c, same).stance is Stance.SUPPORTS


def test_a_correction_outranks_the_pages_that_repeat_the_first_release():
    from sources.model import Hit
    from verdicts.decide import decide
    from verdicts.model import Label, Provenance

    c = figure_claim("Prisveksten i Norge var 2,9 prosent i april, målt mot samme måned i fjor.")
    first = [
        Passage(
            f"Tolvmånedersveksten i KPI var 2,9 prosent i april, melder byrå {i}.",
            source_url=f"https://news{i}.example/kpi",
            published=DAY,
            language="no",
        )
        for i in range(2)
    ]
    fix = Passage(
        "Korrigert tolvmånedersvekst for april er 2,6 prosent, mot tidligere publisert 2,9 prosent.",
        source_url="https://stat.example/fix",
        published=DAY + dt.timedelta(days=3),
        language="no",
    )
    hits = [Hit(p, 0.9, i + 1, "dense") for i, p in enumerate([*first, fix])]
    v = decide(c, hits, provenance=Provenance(run_id="t", code_version="t"))
    assert v.label is Label.REFUTED and "corrected figure" in v.explanation


# ---------------------------------------------------------------- parts of a listed sum, qualifiers, ages, weekdays
def test_a_figure_counting_a_list_is_not_compared_with_one_of_its_items():
    c = figure_claim(
        "I mars var 84.200 helt ledige, delvis ledige og permitterte registrert, tilsvarende "
        "3,1 prosent av arbeidsstyrken."
    )
    one_item = Passage(
        "51 300 personer var registrert som helt ledige i mars, noe som utgjør 1,9 prosent av arbeidsstyrken.",
        source_url="https://stat.example/l1",
        published=DAY,
        language="no",
    )
    r = rules.check(c, one_item)
    assert r is not None and r.stance is Stance.NEUTRAL and "sum of the categories" in r.explanation
    whole = Passage(
        "I mars var 79 600 helt ledige, delvis ledige og permitterte registrert.",
        source_url="https://stat.example/l2",
        published=DAY,
        language="no",
    )
    assert rules.check(c, whole).stance is Stance.REFUTES  # the same list, another figure
    parts_of_it = figure_claim("Krigen har krevd over 41.000 drepte, inkludert kvinner og barn.")
    toll = Passage("Krigen har krevd 41 800 drepte.", source_url="https://stat.example/t", published=DAY, language="no")
    assert rules.check(parts_of_it, toll).stance is Stance.SUPPORTS  # "inkludert" names a part, not a category
    c = figure_claim("I landet er 61,2 millioner svært fattige.")
    restated = Passage(
        "I landet er 64,8 millioner svært fattige eller nesten halvparten av befolkningen.",
        source_url="https://stat.example/r",
        published=DAY,
        language="no",
    )
    assert rules.check(c, restated).stance is Stance.REFUTES  # "eller nesten halvparten" restates the figure
    reviews = figure_claim("The album was reviewed by 21 critics.", language="en")
    clause = Passage(
        "The album has a score of 71 based on 23 critics, indicating generally good or mixed reviews.",
        source_url="https://reviews.example/a",
        language="en",
    )
    assert rules.check(reviews, clause).stance is Stance.REFUTES  # a participle ends the "list": no categories


def test_fully_and_partly_are_different_measures():
    c = figure_claim("I mars var 51.300 personer helt ledige.")
    p = Passage(
        "I tillegg var 22 100 personer delvis ledige i mars.",
        source_url="https://stat.example/d",
        published=DAY,
        language="no",
    )
    r = rules.check(c, p)
    assert r is None or r.stance is not Stance.REFUTES


def test_where_in_a_period_is_not_what_a_figure_counts():
    c = figure_claim("Det er 2.400 flere enn ved utgangen av mars.")
    p = Passage(
        "Ved utgangen av april var det 3 100 flere permitterte enn ved utgangen av mars.",
        source_url="https://stat.example/u",
        published=DAY,
        language="no",
    )
    r = rules.check(c, p)
    assert r is None or r.stance is not Stance.REFUTES


def age_claim(text: str, age: int, entities):
    return claim(
        text,
        quantities=[q for q in parse_quantities(text, "nb") if q.unit == "year_of_age"],
        entities=entities,
        language="nb",
        anchor=DAY,
    )


def test_an_unnamed_persons_age_is_not_the_named_persons():
    c = age_claim("62 år gamle Ola Berg ble såret i ulykken.", 62, ["Ola Berg"])
    other = Passage(
        "En 35 år gammel mann er siktet etter ulykken der Ola Berg ble såret.",
        source_url="https://news.example/a",
        published=DAY,
        language="no",
    )
    r = rules.check(c, other)
    assert r is None or r.rule != "age"
    own = Passage(
        "Berg, 64 år gammel, ble fløyet til sykehus.", source_url="https://news.example/b", published=DAY, language="no"
    )
    assert rules.check(c, own).stance is Stance.REFUTES  # the surname alone names him


def test_a_weekday_with_its_day_of_the_month_is_that_date():
    anchor = dt.date(2031, 5, 12)  # a Monday
    [d] = parse_dates("Han døde fredag 2, mai, 80 år gammel.", language="nb", anchor=anchor)
    assert d.value == dt.date(2031, 5, 2) and d.value.weekday() == 4
    [d] = parse_dates("Han døde fredag kveld.", language="nb", anchor=anchor)
    assert d.value == dt.date(2031, 5, 9)
    assert [x.value for x in parse_dates("fredag 3 personer", language="nb", anchor=anchor)] == [dt.date(2031, 5, 9)]
