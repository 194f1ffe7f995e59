"""Claims from sentences: clause splits, age claims, types, flags, spans into the article."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.errors import InputError
from claims.extract import EXTRACTOR, extract_claims, split_clauses
from claims.model import ClaimType, Comparator, Precision, Sentence, Span
from claims.segment import split_sentences

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "article.md"
PUBLISHED = dt.date(2024, 4, 30)


def _sentences(body: str) -> list[Sentence]:
    """A simple splitter for tests: paragraphs, then '. ' before a capital or a dash."""
    out: list[Sentence] = []
    for pi, para in enumerate(re.finditer(r"[^\n]+", body)):
        heading = not para.group().rstrip().endswith((".", "?", "!"))
        for sm in re.finditer(r"\S.*?(?:[.!?](?=\s+[A-ZÆØÅ–]|\s*$)|$)", para.group()):
            t = sm.group().strip()
            start = para.start() + sm.start()
            out.append(Sentence(Span(start, start + len(t)), t, pi, heading))
    return out


@pytest.fixture(scope="module")
def seed():
    raw = SEED.read_text(encoding="utf-8")
    body = raw.split("---", 2)[2]
    sents = _sentences(body)
    claims = extract_claims("seed", body, sents, language="nb", published=PUBLISHED)
    return body, sents, claims


def _claims_in(claims, sentence_start: str, body: str):
    return [c for c in claims if body[c.sentence_span.start :].startswith(sentence_start)]


def test_every_span_is_exact_and_metadata_is_set(seed):
    body, _, claims = seed
    assert claims
    for c in claims:
        assert c.sentence_span.contains(c.span)
        # sources: the sentence, an antecedent before it, or (a heading) the name in the sentence below it
        heading = body[c.sentence_span.end : c.sentence_span.end + 2] == "\n\n" and "." not in c.sentence_span.of(body)
        assert c.sources and all(
            c.sentence_span.contains(s) or s.end <= c.sentence_span.start or heading for s in c.sources
        )
        # every word of the claim comes from a span it draws on, or is one of the few words a rewrite adds
        drawn = " ".join(body[s.start : s.end] for s in c.sources).lower()
        added = {"er", "is", "var", "was", "i", "in", "år", "years", "old", "det", "ble", "there"}
        for w in re.findall(r"[^\W\d_]+|\d+", c.text.lower()):
            assert w in drawn or w in added, (w, c.text)
        assert c.extractor == EXTRACTOR == "claims.rules.v4"
        assert c.anchor_date == PUBLISHED and c.language == "nb"
        assert 0.0 <= c.checkworthy <= 1.0
        for m in (*c.quantities, *c.dates):
            assert body[m.span.start : m.span.end] == m.text and c.span.contains(m.span)


def test_headings_give_no_claims(seed):
    body, sents, claims = seed
    headings = [s for s in sents if s.is_heading]
    assert {s.text for s in headings} >= {"Røk uklar", "Upopulær president", "Vil knuse Hamas"}
    # a heading describing the titled person named right below it is a claim about that person; others give none
    from_headings = [c for c in claims if c.sentence_span in {s.span for s in headings}]
    assert [c.text for c in from_headings] == ["Mahmoud Abbas er en upopulær president"]


def test_age_claim_and_clauses(seed):
    body, _, claims = seed
    cs = _claims_in(claims, "87 år gamle Abbas", body)
    age = [c for c in cs if any(q.unit == "year_of_age" for q in c.quantities)]
    assert len(age) == 1
    a = age[0]
    # self-contained text, exact span: the verifier's age rule reads the name and the year_of_age quantity
    assert a.text == "Abbas er 87 år" and body[a.span.start : a.span.end] == "87 år gamle Abbas"
    assert a.type is ClaimType.NUMERIC and a.checkable
    assert a.quantities[0].value == 87 and "Abbas" in a.entities
    assert [body[s.start : s.end] for s in a.sources] == ["Abbas", "87 år gamle"] or sorted(
        body[s.start : s.end] for s in a.sources
    ) == ["87 år gamle", "Abbas"]
    clauses = [c for c in cs if c is not a]
    assert [c.text for c in clauses] == [
        "Abbas har sittet på overtid siden 2009",
        "Abbas har siden nektet å holde valg.",
    ]
    assert clauses[0].period == (dt.date(2009, 1, 1), PUBLISHED)  # "siden 2009": from 2009 to publication
    # a bare "siden" ("har siden nektet") means since the date named before it in the article
    assert clauses[1].period == (dt.date(2009, 1, 1), PUBLISHED)
    assert clauses[0].type is ClaimType.TEMPORAL
    assert clauses[0].dates[0].value == dt.date(2009, 1, 1)
    assert not any(q.unit == "year_of_age" for c in clauses for q in c.quantities)


def test_lower_bound_count(seed):
    body, _, claims = seed
    cs = _claims_in(claims, "Over 34.000 palestinere", body)
    numeric = [c for c in cs if c.type is ClaimType.NUMERIC]
    assert len(numeric) == 1
    q = numeric[0].quantities[0]
    assert (q.value, q.comparator) == (34000, Comparator.GT)
    assert numeric[0].checkable and numeric[0].checkworthy >= 0.6
    # "er siden drept": since 7 October (named in the sentence before), to the publication date
    assert numeric[0].period == (dt.date(2023, 10, 7), PUBLISHED)
    since = body.index("7. oktober")
    assert Span(since, since + len("7. oktober")) in numeric[0].sources
    # the sentence joins three statements; the last is an assessment, not a fact
    assert len(cs) == 3
    opinion = [c for c in cs if "høyst uklart" in c.text]
    assert len(opinion) == 1 and opinion[0].type is ClaimType.OPINION and not opinion[0].checkable


def test_only_claim_is_exclusive_comparative(seed):
    body, _, claims = seed
    main, rel, framed = _claims_in(claims, "I februar 2007", body)
    # the relative clause is its own claim, with its antecedent: "..., som Norge var alene ... om å anerkjenne"
    assert rel.text == "Norge var alene i Vesten om å anerkjenne en samlingsregjering"
    assert rel.exclusive and rel.type is ClaimType.COMPARATIVE and "Norge" in rel.entities
    assert body[rel.sources[0].start : rel.sources[0].end] == "en samlingsregjering"
    assert main.text == "I februar 2007 inviterte Hamas derfor Fatah med i en samlingsregjering"
    assert not main.exclusive and main.dates[0].value == dt.date(2007, 2, 1)
    assert {"Hamas", "Fatah"} <= set(main.entities)
    # the fronted "I februar 2007" frames the relative too: a TEMPORAL claim, checked on its date
    assert framed.text == "Norge var alene i Vesten om å anerkjenne en samlingsregjering i februar 2007"
    assert framed.type is ClaimType.TEMPORAL and not framed.exclusive
    assert [d.text for d in framed.dates] == ["februar 2007"] and framed.dates[0].precision is Precision.MONTH
    assert framed.period == (dt.date(2007, 2, 1), dt.date(2007, 2, 28))
    assert body[framed.span.start : framed.span.end].startswith("februar 2007 inviterte")


@pytest.mark.parametrize(
    "text,language,framed,unframed",
    [
        (
            "In 2019, Acme launched the X1 phone, which sold ten million units.",
            "en",
            "the X1 phone sold ten million units in 2019",
            "the X1 phone sold ten million units.",
        ),
        (
            "I mars 2021 la regjeringen fram en plan, som Stortinget vedtok.",
            "nb",
            "Stortinget vedtok en plan i mars 2021",
            "Stortinget vedtok en plan",
        ),
    ],
)
def test_fronted_time_frames_a_relative_clause(text, language, framed, unframed):
    cs = extract_claims("t", text, split_sentences(text, language), language=language, published=PUBLISHED)
    texts = [c.text for c in cs]
    assert framed in texts and unframed in texts, texts
    f = cs[texts.index(framed)]
    assert f.dates and text[f.dates[0].span.start : f.dates[0].span.end] == f.dates[0].text
    assert f.span.contains(f.dates[0].span)


@pytest.mark.parametrize(
    "text,language",
    [
        ("Acme launched the X1 phone in 2019, which sold ten million units.", "en"),  # the time is not fronted
        ("In 2019, Acme launched the X1 phone, which sold ten million units in 2020.", "en"),  # its own time
        ("Regjeringen la fram en plan, som Stortinget vedtok.", "nb"),
    ],
)
def test_no_time_frame_without_a_fronted_time_or_with_its_own(text, language):
    cs = extract_claims("t", text, split_sentences(text, language), language=language, published=PUBLISHED)
    rel = [
        c
        for c in cs
        if c.text.rstrip(".").endswith(("units", "units in 2020", "plan"))
        and not c.text.startswith(("Acme", "In 2019", "Regjeringen"))
    ]
    assert rel and all(len(c.dates) <= 1 for c in rel)
    assert not any(
        c.text.endswith(("in 2019", "i 2019"))
        for c in cs
        if c.type is ClaimType.TEMPORAL and not c.text.startswith("In 2019")
    )


def test_polls_finding_is_checkable(seed):
    body, _, claims = seed
    (c,) = _claims_in(claims, "Meningsmålinger tyder på", body)
    assert c.type is not ClaimType.OPINION and c.checkable


def test_quotes_dates_and_entities(seed):
    body, _, claims = seed
    title, c, attack, said = _claims_in(claims, "Statsminister Benjamin Netanyahu", body)
    # "angrepet de gjennomførte": "de" is the group named before it in the sentence (Hamas)
    assert attack.text == "Hamas gjennomførte angrepet mot det sørlige Israel 7. oktober"
    assert attack.dates[0].value == dt.date(2023, 10, 7)
    assert title.text == "Benjamin Netanyahu er statsminister" and title.type is ClaimType.ENTITY_ATTRIBUTE
    assert c.type is ClaimType.QUOTE
    assert [d.value for d in c.dates] == [dt.date(2023, 10, 7)]
    assert c.entities[0] == "Benjamin Netanyahu"
    assert said.text.startswith("Israels mål er å knuse Hamas")  # what was said is a claim too
    q, content = _claims_in(claims, "– Representanter", body)
    assert q.type is ClaimType.QUOTE
    assert content.text.startswith("Representanter for") and content.text.endswith("var nylig i Beijing")
    cs = _claims_in(claims, "Kina maner", body)
    assert [c.text for c in cs] == [
        "Kina maner nå til forsoning mellom Fatah og Hamas",
        "Ismail Haniyeh er Hamas-bevegelsens politiske leder",
        "en kinesisk diplomat hadde i forrige måned samtaler med Hamas-bevegelsens politiske leder "
        "Ismail Haniyeh i Qatar.",
    ]
    assert cs[2].dates[0].value == dt.date(2024, 3, 1)
    assert cs[2].period == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert "Ismail Haniyeh" in cs[2].entities


def test_a_contact_relatives_group_is_named_in_the_clause_that_holds_it_too():
    body = (
        "Venstre vant valget i kommunen i 2023. Høyre kritiserte likevel Venstre og nektet å støtte "
        "budsjettet de presenterte i fjor."
    )
    texts = {c.text: c for c in extract_claims("t", body, _sentences(body), language="nb", published=PUBLISHED)}
    assert "Venstre presenterte budsjettet i fjor" in texts  # the relative, as before
    held = texts["Høyre nektet å støtte budsjettet Venstre presenterte i fjor."]  # not "... budsjettet de ..."
    assert any(body[sp.start : sp.end] == "Venstre" for sp in held.sources)
    # no group to stand for "de": the clause is left as it is
    body2 = "Høyre nektet å støtte budsjettet de presenterte i fjor."
    texts2 = [c.text for c in extract_claims("t", body2, _sentences(body2), language="nb", published=PUBLISHED)]
    assert "Høyre nektet å støtte budsjettet de presenterte i fjor." in texts2


def test_vp_coordination_gets_the_subject(seed):
    body, _, claims = seed
    cs = _claims_in(claims, "USA, EU og Israel", body)
    # the list is distributed, "gruppen" is the organisation the previous sentence named (Hamas)
    assert [c.text for c in cs] == [
        "USA ser imidlertid på Hamas som en terroristorganisasjon",
        "EU ser imidlertid på Hamas som en terroristorganisasjon",
        "Israel ser imidlertid på Hamas som en terroristorganisasjon",
        "Hamas dannet regjeringen",  # the contact relative "regjeringen de dannet", "de" = "gruppen" = Hamas
        "USA nektet å anerkjenne regjeringen Hamas dannet.",  # the clause holding it says so too
        "EU nektet å anerkjenne regjeringen Hamas dannet.",
        "Israel nektet å anerkjenne regjeringen Hamas dannet.",
    ]
    assert all(c.type is ClaimType.ENTITY_ATTRIBUTE for c in cs[:3])
    hamas = body.index("Hamas vant valget")
    assert Span(hamas, hamas + 5) in cs[0].sources  # the claim links to the antecedent of "gruppen"
    # the clause's sources: its own words, and the mention of Hamas that "de" (via "gruppen") stands for
    assert [body[sp.start : sp.end] for sp in cs[5].sources] == [
        "Hamas",
        "EU",
        "nektet å anerkjenne regjeringen de dannet.",
    ]
    assert cs[5].sources[0] == Span(hamas, hamas + 5)
    assert cs[5].entities == ("EU", "Hamas")


def _doc(sentences: list[str], headings: frozenset[str] = frozenset()) -> tuple[str, list[Sentence]]:
    text, sents = "", []
    for i, s in enumerate(sentences):
        start = len(text)
        text += s + "\n\n"
        sents.append(Sentence(Span(start, start + len(s)), s, i, s in headings))
    return text, sents


EN = [
    "Key facts",
    "More than 34,000 Palestinians have been killed in Gaza since 7 October, and large parts of the enclave "
    "have been reduced to rubble.",
    "The 87-year-old Abbas has been in office since 2005 and has refused to hold elections.",
    "Norway was the only Western country to recognise the unity government.",
    "I think the talks will probably fail.",
    "Polls show that Hamas would win an election.",
    "Lin Jian said the two sides made progress.",
    "The fighting led to the collapse of the government.",
    "Ismail Haniyeh is the political leader of Hamas.",
    "Hamas won the election in January 2006.",
    "Mahmoud Abbas (88) met the delegation in Ramallah on Tuesday.",
]


@pytest.fixture(scope="module")
def english():
    text, sents = _doc(EN, frozenset({"Key facts"}))
    return text, extract_claims("en-1", text, sents, language="en", published=PUBLISHED)


def _by_start(text, claims, start):
    return [c for c in claims if text[c.sentence_span.start :].startswith(start)]


def test_english_numeric_split(english):
    text, claims = english
    cs = _by_start(text, claims, "More than 34,000")
    assert len(cs) == 2
    assert cs[0].type is ClaimType.NUMERIC
    assert (cs[0].quantities[0].value, cs[0].quantities[0].comparator) == (34000, Comparator.GT)
    assert cs[0].dates[0].value == dt.date(2023, 10, 7)
    assert cs[1].text == "large parts of the enclave have been reduced to rubble."
    assert not any(c.sentence_span.start == 0 for c in claims)  # the heading


def test_english_age_claims(english):
    text, claims = english
    ages = [c for c in claims if c.quantities and c.quantities[0].unit == "year_of_age"]
    assert [(c.text, c.quantities[0].value, c.entities) for c in ages] == [
        ("Abbas is 87 years old", 87, ("Abbas",)),
        ("Mahmoud Abbas is 88 years old", 88, ("Mahmoud Abbas",)),
    ]
    assert all(c.type is ClaimType.NUMERIC and c.checkable for c in ages)
    vp = _by_start(text, claims, "The 87-year-old")[-1]
    assert vp.text == "Abbas has refused to hold elections."


@pytest.mark.parametrize(
    "start,ctype,checkable,exclusive",
    [
        ("Norway was the only", ClaimType.COMPARATIVE, True, True),
        ("I think", ClaimType.OPINION, False, False),
        ("Polls show", ClaimType.EVENT, True, False),
        ("Lin Jian said", ClaimType.QUOTE, True, False),
        ("The fighting led to", ClaimType.CAUSAL, True, False),
        ("Ismail Haniyeh is", ClaimType.ENTITY_ATTRIBUTE, True, False),
        ("Hamas won", ClaimType.EVENT, True, False),
    ],
)
def test_english_types(english, start, ctype, checkable, exclusive):
    text, claims = english
    c, *more = _by_start(text, claims, start)
    assert (c.type, c.checkable, c.exclusive) == (ctype, checkable, exclusive)
    # a stated cause also gives its effect as a claim of its own
    assert [m.text for m in more] == (
        ["There was the collapse of the government."] if ctype is ClaimType.CAUSAL else []
    )


def test_english_entities(english):
    text, claims = english
    (c,) = _by_start(text, claims, "Lin Jian said")
    assert c.entities == ("Lin Jian",)
    (c,) = _by_start(text, claims, "Ismail Haniyeh is")
    assert c.entities == ("Ismail Haniyeh", "Hamas")


def test_opinion_scores_lower_than_numbers(english):
    text, claims = english
    (op,) = _by_start(text, claims, "I think")
    num = _by_start(text, claims, "More than 34,000")[0]
    assert op.checkworthy < 0.3 < 0.7 <= num.checkworthy


def test_quotes_are_not_split():
    s = "– De diskuterte mange temaer, og det ble gjort framgang, sier Lin Jian."
    assert [c.text for c in split_clauses(Sentence(Span(0, len(s)), s), "nb")] == [s]


def test_lists_and_relative_clauses_are_not_split():
    for s in (
        "USA, EU, and Israel regard Hamas as a terrorist group.",
        "Den endte med at Fatahs styrker ble jaget ut av Gaza, der Hamas siden har regjert.",
        "President Mahmoud Abbas, som leder Fatah, etablerte en midlertidig regjering.",
    ):
        assert len(split_clauses(Sentence(Span(0, len(s)), s), "")) == 1, s


def test_ids_are_stable_and_distinct(seed):
    body, sents, claims = seed
    again = extract_claims("seed", body, sents, language="nb", published=PUBLISHED)
    assert [c.id for c in again] == [c.id for c in claims]
    assert len({c.id for c in claims}) == len(claims)


def test_mismatched_sentence_span_is_an_input_error():
    with pytest.raises(InputError, match="FC111"):
        extract_claims("x", "Hello world.", [Sentence(Span(0, 5), "Howdy")], language="en", published=None)


PIECES = st.lists(
    st.sampled_from(
        [
            "Abbas",
            "87 år gamle",
            "87-year-old",
            "(88)",
            " ",
            ", og ",
            ", and ",
            ", ",
            "; ",
            " og har ",
            " and has ",
            "Over 34.000",
            "er",
            "is",
            "drept",
            "killed",
            "Hamas",
            "USA",
            "–",
            ".",
            "i går",
            "7. oktober",
            "siden 2009",
            "only",
            "alene",
            "tyder på",
            "sier",
            "Lin Jian",
            "x",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=150), PIECES), st.sampled_from(["", "nb", "en"]))
def test_extract_never_crashes_and_spans_are_exact(sentence, lang):
    prefix = "Intro.\n\n"
    text = prefix + sentence
    sents = [Sentence(Span(0, 6), "Intro."), Sentence(Span(len(prefix), len(text)), sentence, 1)]
    for c in extract_claims("h", text, sents, language=lang, published=PUBLISHED):
        assert c.text.strip()
        assert c.sentence_span.contains(c.span)
        for s in c.sources:  # every span the claim draws on is a valid span of the article text
            assert 0 <= s.start <= s.end <= len(text)
            assert c.sentence_span.contains(s) or s.end <= c.sentence_span.start
        for m in (*c.quantities, *c.dates):
            assert text[m.span.start : m.span.end] == m.text


def test_unknown_checkworthiness_mode_is_an_input_error():
    with pytest.raises(InputError, match="FC124"):
        extract_claims(
            "x",
            "Hello world.",
            [Sentence(Span(0, 12), "Hello world.")],
            language="en",
            published=None,
            checkworthiness="gut feeling",
        )


@pytest.mark.parametrize(
    "text,language,expected",
    [
        (
            "Omstridt statsminister\n\nStatsminister Ola Nordmann gikk av i går.",
            "nb",
            "Ola Nordmann er en omstridt statsminister",
        ),
        ("# Unpopular president\n\nPresident John Smith lost the vote.", "en", "John Smith is an unpopular president"),
    ],
)
def test_heading_describing_a_titled_person_is_a_claim(text, language, expected):
    cs = extract_claims("h", text, split_sentences(text, language), language=language, published=PUBLISHED)
    head = [c for c in cs if c.text == expected]
    assert len(head) == 1, [c.text for c in cs]
    c = head[0]
    assert c.type is ClaimType.ENTITY_ATTRIBUTE and c.checkable
    name = expected.split(" er ")[0].split(" is ")[0]
    assert [text[s.start : s.end] for s in c.sources][-1] == name  # the name, from the sentence below
    assert text[c.span.start : c.span.end].lower() == expected.split(" en ")[-1].split(" an ")[-1]


@pytest.mark.parametrize(
    "text,language",
    [
        ("Vil knuse Hamas\n\nStatsminister Benjamin Netanyahu har sagt det.", "nb"),  # not a role noun
        ("# Embattled leader\n\nPrime Minister Jane Doe said she would stay.", "en"),  # the role is not named below
        ("Upopulær president\n\nMeningsmålinger viser at han har lav støtte.", "nb"),  # no titled name below
    ],
)
def test_other_headings_give_no_claim(text, language):
    cs = extract_claims("h", text, split_sentences(text, language), language=language, published=PUBLISHED)
    heading_end = text.index("\n")
    assert not [c for c in cs if c.span.start < heading_end]


def test_a_coordinated_participle_shares_the_auxiliary_and_the_subject():
    def texts(s):
        return [c.text for c in split_clauses(Sentence(Span(0, len(s)), s), "nb")]

    assert texts("Politiet har arrestert en 30 år gammel mann og siktet ham for ran.") == [
        "Politiet har arrestert en 30 år gammel mann",
        "Politiet har siktet ham for ran.",
    ]
    second = texts("Hun har vært leder i tre år og sittet i styret siden 2019.")[1]
    assert second == "Hun har sittet i styret siden 2019."
    # a word in -t that is not followed by an object or a preposition is not read as a participle
    s = "Regjeringen har lagt fram budsjettet og resultat kommer senere."
    assert texts(s) == [s]
    body = "Politiet har arrestert en 30 år gammel mann og siktet ham for ran."
    claims = extract_claims("t", body, _sentences(body), language="nb", published=PUBLISHED)
    (charged,) = [c for c in claims if "siktet" in c.text]
    assert charged.text == "Politiet har siktet ham for ran." and "30" not in charged.text
