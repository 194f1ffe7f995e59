"""Exact checks of one claim against one evidence passage: quantities, ages, exclusivity, dates.

`check(claim, passage)` returns the deciding `RuleResult` (or None when no rule applies);
`check_all(claim, passage)` returns every rule that had something to say. Each result names the
claim's value and the source's value in a one-line explanation a reviewer reads.

Numbers, dates and exclusivity words in passages are parsed by `claims.normalise`, the same parser
that reads the claims, so both sides are read alike.

Scores are probability-like strengths set by hand (see the constants below), lowered for evidence
that is undated, stale, or dated after the claim. They are not calibrated on data (yet).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from claims.model import Claim, Comparator, DateMention, Precision, Quantity, Span
from claims.normalise import age_on, exclusivity_marker, is_month_name, parse_dates, parse_quantities
from sources.model import Passage
from verdicts.model import Stance

RULES_VERSION = "verdicts.rules.v1"

# Strengths (probability-like) of what a rule found, before the evidence-date factor.
STRONG = 0.9          # the source's value lies inside (or outside) the claim's range outright
REPORTED = 0.7        # "at least 34,535" read as the reported count 34,535 lies inside the claim's range
REPORTED_REFUTE = 0.65
AGE_STATED = 0.7      # an age stated at a dated moment, aged forward
DATE_SIGNAL = 0.45    # same event, different date: a weak signal only
EXCLUSIVE_SUPPORT = 0.6
NEUTRAL_SCORE = 0.5
UNDATED_AGE = 0.2

# Tolerances of comparators, relative to the claim's value.
APPROX_TOL = 0.07     # "about", "rundt", "ca."
NEARLY_TOL = 0.10     # "nearly 34,000": 30,600 .. 34,000 (a hair above allowed)
NEARLY_OVER = 0.005
ROUND_CAP = 0.10      # rounding tolerance of a round number, at most 10% of it
COUNT_RATIO = 2.0     # compare counts only within a factor of 2 (guards "32 killed yesterday" vs "34,000 killed")

# Evidence-date factors for counts (a count is valid at a date).
UNDATED_FACTOR = 0.35
AFTER_FACTOR = 0.45
STALE_AGE_DAYS = 400  # an age stated longer ago than this is stale

GENERIC_UNITS = {"", "people", "persons", "person", "count"}


@dataclass(frozen=True, slots=True)
class RuleResult:
    """What one exact check found about one claim in one passage."""

    stance: Stance
    score: float                 # strength in [0, 1]
    rule: str                    # "quantity", "age", "exclusivity", "date"
    explanation: str             # one line a reviewer reads
    source_value: str = ""       # the passage text the rule read ("at least 34,535", "born 15 November 1935")
    evidence_date: dt.date | None = None  # the date the source value holds at (for ordering counts)

    def __post_init__(self):
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"RuleResult.score must be in [0, 1], got {self.score}")


# ---------------------------------------------------------------- context words
_STOP = set("""
a an the of in on at to for from by with and or but as is are was were be been being has have had it its this that
these those than then there their they he she his her we our you your who whom which what when where while after
before since during into over under about around more less least most at not no nor so such also said says say
og i på til for fra av med som er var har hadde blitt blir ble det den de der en et ei å at om men eller enn siden
mens etter før over under rundt minst mer flere nesten ifølge sier sa så seg sin sitt sine hans hennes deres vi dere
""".split())
# General, cross-language concepts for what a count counts (not tied to any article).
_CONCEPTS = {
    "killed": "killed", "kill": "killed", "killing": "killed", "killings": "killed", "dead": "killed",
    "death": "killed", "deaths": "killed", "died": "killed", "die": "killed", "fatalities": "killed",
    "drept": "killed", "drepte": "killed", "døde": "killed", "død": "killed", "dødsfall": "killed",
    "omkom": "killed", "omkommet": "killed", "dødstall": "killed", "dødstallet": "killed", "toll": "killed",
    "injured": "injured", "wounded": "injured", "injuries": "injured", "hurt": "injured", "såret": "injured",
    "sårede": "injured", "skadet": "injured", "skadde": "injured",
    "people": "people", "persons": "people", "person": "people", "personer": "people", "mennesker": "people",
    "folk": "people", "individuals": "people",
    "children": "children", "barn": "children", "women": "women", "kvinner": "women",
    "arrested": "arrested", "arrestert": "arrested", "pågrepet": "arrested",
    "hostages": "hostages", "gisler": "hostages", "gissel": "hostages",
    "displaced": "displaced", "fordrevet": "displaced", "refugees": "refugees", "flyktninger": "refugees",
    "votes": "votes", "stemmer": "votes", "seats": "seats", "mandater": "seats", "seter": "seats",
}
_GENERIC = {"people", "children", "women"}
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.U)
_BREAK = re.compile(r"[.;:!?\n]\s|,\s|\s[–—-]\s|\(|\)")


def _key(word: str) -> str | None:
    w = word.lower().strip("'’-")
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    if len(w) < 3 or w in _STOP:
        return None
    if w in _CONCEPTS:
        return _CONCEPTS[w]
    return w[:5]   # crude stem: also matches cognates (palestinere / Palestinians)


def _window(text: str, span: Span, before: int = 10, after: int = 6) -> set[str]:
    """Content-word keys near a number: up to `before` tokens before and `after` after, not across a clause break."""
    left = text[max(0, span.start - 120): span.start]
    cut = None
    for m in _BREAK.finditer(left):
        cut = m.end()
    if cut is not None:
        left = left[cut:]
    right = text[span.end: span.end + 120]
    m = _BREAK.search(right)
    if m:
        right = right[: m.start()]
    keys = set()
    for w in _WORD.findall(left)[-before:] + _WORD.findall(right)[:after]:
        k = _key(w)
        if k:
            keys.add(k)
    return keys


def _content_keys(text: str) -> set[str]:
    return {k for w in _WORD.findall(text) if (k := _key(w))}


def _locate(claim: Claim, q: Quantity) -> Span | None:
    if q.span.end <= len(claim.text) and claim.text[q.span.start: q.span.end] == q.text:
        return q.span
    i = claim.text.find(q.text) if q.text else -1
    return Span(i, i + len(q.text)) if i >= 0 else None


# ---------------------------------------------------------------- intervals
Interval = tuple[float, float, bool, bool]   # low, high, low closed, high closed


def _decimals(q: Quantity) -> int:
    """Decimal places of the value as stated (4.5 -> 1); whole numbers -> 0."""
    if float(q.value).is_integer():
        return 0
    return min(len(repr(float(q.value)).split(".")[1]), 4)


def _granularity(q: Quantity) -> float:
    """Rounding granularity of a stated value: 34,000 -> 1000; 34,535 -> 0 (exact); 4.5 -> 0.05."""
    d = _decimals(q)
    if d:
        return 0.5 * 10 ** -d
    v = int(round(abs(q.value)))
    if v == 0:
        return 0.0
    zeros = len(str(v)) - len(str(v).rstrip("0"))
    if zeros == 0:
        return 0.0
    g = 10.0 ** zeros
    if g >= v:               # "1000", "2000": a single significant digit
        g = g / 2
    return min(g, ROUND_CAP * abs(q.value))


def _interval(q: Quantity) -> Interval:
    v, inf = q.value, math.inf
    c = q.comparator
    if c is Comparator.GT:
        return (v, inf, False, False)
    if c is Comparator.GE:
        return (v, inf, True, False)
    if c is Comparator.LT:
        return (-inf, v, False, False)
    if c is Comparator.LE:
        return (-inf, v, False, True)
    if c is Comparator.APPROX:
        t = max(APPROX_TOL * abs(v), _granularity(q))
        return (v - t, v + t, True, True)
    if c is Comparator.NEARLY:
        return (v - NEARLY_TOL * abs(v), v + NEARLY_OVER * abs(v), True, True)
    if c is Comparator.BETWEEN and q.upper is not None:
        return (min(v, q.upper), max(v, q.upper), True, True)
    g = _granularity(q)
    return (v - g, v + g, True, True)


def _contains(outer: Interval, inner: Interval) -> bool:
    lo_ok = outer[0] < inner[0] or (outer[0] == inner[0] and (outer[2] or not inner[2]))
    hi_ok = inner[1] < outer[1] or (outer[1] == inner[1] and (outer[3] or not inner[3]))
    return lo_ok and hi_ok


def _disjoint(a: Interval, b: Interval) -> bool:
    if a[1] < b[0] or b[1] < a[0]:
        return True
    if a[1] == b[0]:
        return not (a[3] and b[2])
    if b[1] == a[0]:
        return not (b[3] and a[2])
    return False


_PHRASE = {
    Comparator.EQ: "{v}", Comparator.GT: "over {v}", Comparator.GE: "at least {v}", Comparator.LT: "under {v}",
    Comparator.LE: "at most {v}", Comparator.APPROX: "about {v}", Comparator.NEARLY: "nearly {v}",
}


def _fmt_value(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _describe(q: Quantity) -> str:
    unit = "%" if q.unit == "percent" else (f" {q.unit}" if q.unit and q.unit not in GENERIC_UNITS else "")
    if q.comparator is Comparator.BETWEEN and q.upper is not None:
        return f"between {_fmt_value(q.value)} and {_fmt_value(q.upper)}{unit}"
    return _PHRASE[q.comparator].format(v=_fmt_value(q.value)) + unit


def _units_compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    return a in GENERIC_UNITS and b in GENERIC_UNITS


def _date_factor(claim: Claim, passage: Passage) -> tuple[float, str]:
    """How much a count from this passage can say at the claim's date, and a note for the explanation."""
    if passage.published is None:
        return UNDATED_FACTOR, "undated figure"
    if claim.anchor_date is None:
        return 0.7, f"on {passage.published.isoformat()} (claim has no date)"
    gap = (claim.anchor_date - passage.published).days
    if gap < 0:
        return AFTER_FACTOR, f"on {passage.published.isoformat()}, after the claim's {claim.anchor_date.isoformat()}"
    factor = 1.0 if gap <= 7 else max(0.5, 1.0 - (gap - 7) / 120)
    return factor, f"on {passage.published.isoformat()}"


# ---------------------------------------------------------------- rules
def quantity_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    claim_qs = [q for q in claim.quantities if not q.is_year and q.unit != "year_of_age"]
    if not claim_qs:
        return None
    passage_qs = [q for q in parse_quantities(passage.text, passage.language)
                  if not q.is_year and q.unit != "year_of_age"]
    if not passage_qs:
        return None
    claim_keys_all = _content_keys(claim.text)
    best: tuple | None = None
    for cq in claim_qs:
        span = _locate(claim, cq)
        ckeys = _window(claim.text, span) if span else claim_keys_all
        for pq in passage_qs:
            if not _units_compatible(cq.unit, pq.unit):
                continue
            if cq.value and pq.value:
                ratio = max(abs(cq.value), abs(pq.value)) / max(min(abs(cq.value), abs(pq.value)), 1e-9)
                if ratio > COUNT_RATIO and cq.unit != "percent":
                    continue
            shared = (ckeys & _window(passage.text, pq.span)) - _GENERIC
            if not shared:
                continue
            rank = (len(shared), -abs(pq.value - cq.value))
            if best is None or rank > best[0]:
                best = (rank, cq, pq, shared)
    if best is None:
        return None
    _, cq, pq, shared = best
    claim_iv, strict = _interval(cq), _interval(pq)
    reported = (pq.value, pq.value, True, True)
    factor, when = _date_factor(claim, passage)
    concepts = shared & set(_CONCEPTS.values())
    about = "/".join(sorted(concepts or shared))
    head = f"claim says {_describe(cq)} ({about}); source says {_describe(pq)} {when}"
    if _contains(claim_iv, strict):
        stance, score, tail = Stance.SUPPORTS, STRONG, "within the claim's range"
    elif _disjoint(claim_iv, strict):
        stance, score, tail = Stance.REFUTES, STRONG, "outside the claim's range"
    elif pq.comparator is not Comparator.EQ and _contains(claim_iv, reported):
        stance, score, tail = Stance.SUPPORTS, REPORTED, f"the reported {_fmt_value(pq.value)} is within the claim's range"
    elif pq.comparator is not Comparator.EQ and _disjoint(claim_iv, reported):
        stance, score, tail = Stance.REFUTES, REPORTED_REFUTE, f"the reported {_fmt_value(pq.value)} is outside the claim's range"
    else:
        return RuleResult(Stance.NEUTRAL, NEUTRAL_SCORE, "quantity",
                          f"{head}: overlaps the claim's range but does not decide it",
                          source_value=pq.text, evidence_date=passage.published)
    if cq.comparator is Comparator.EQ and stance is Stance.SUPPORTS and pq.value != cq.value:
        tail += f" (rounding tolerance ±{_fmt_value(_granularity(cq))})"
    return RuleResult(stance, round(score * factor, 4), "quantity", f"{head}: {tail}",
                      source_value=pq.text, evidence_date=passage.published)


_BIRTH_BEFORE = re.compile(
    r"(?:\bborn\b|\bb\.|\bnée?\b|\bfødt\b|\bf\.|\bbirth ?date\b|\bdate of birth\b|\bfødselsdato\b|\bbirthday\b)"
    r"[^.;()\n]{0,20}$", re.I)


def _entity_keys(claim: Claim) -> set[str]:
    names = list(claim.entities) or re.findall(r"\b[A-ZÆØÅ][\w’'-]{2,}", claim.text)
    keys = set()
    for n in names:
        for w in _WORD.findall(n):
            if w[:1].isupper() and len(w) >= 3 and w.lower() not in _STOP:
                keys.add(w.lower()[:5])
    return keys


def _mentions_entity(claim: Claim, passage: Passage) -> bool:
    keys = _entity_keys(claim)
    if not keys:
        return True
    pkeys = {w.lower()[:5] for w in _WORD.findall(passage.text) if w[:1].isupper()}
    return bool(keys & pkeys)


def age_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    ages = [q for q in claim.quantities if q.unit == "year_of_age"]
    if not ages or not _mentions_entity(claim, passage):
        return None
    claimed = int(round(ages[0].value))
    births = [d for d in parse_dates(passage.text, language=passage.language, anchor=passage.published)
              if _BIRTH_BEFORE.search(passage.text[max(0, d.span.start - 40): d.span.start])]
    if births:
        if claim.anchor_date is None:
            return RuleResult(Stance.NEUTRAL, NEUTRAL_SCORE, "age",
                              f"article says {claimed}; source gives a birth date but the claim has no date to age it on")
        found = []
        for b in births:
            if b.precision is Precision.DAY:
                found.append((b, {age_on(b.value, claim.anchor_date)}))
            else:   # month or year: the age is one of two values
                found.append((b, {age_on(b.last, claim.anchor_date), age_on(b.value, claim.anchor_date)}))
        parts = []
        for b, possible in found:
            born = b.value.isoformat() if b.precision is Precision.DAY else b.text
            ages_txt = " or ".join(str(a) for a in sorted(possible))
            parts.append(f"born {born}, so {ages_txt} on {claim.anchor_date.isoformat()}")
        explanation = f"article says {claimed}; " + "; ".join(parts)
        fits = [claimed in possible for _, possible in found]
        exact = [len(possible) == 1 for _, possible in found]
        source = "; ".join(b.text for b, _ in found)
        if all(fits):
            score = STRONG if all(exact) else REPORTED
            return RuleResult(Stance.SUPPORTS, score, "age", explanation, source_value=source)
        if not any(fits):
            return RuleResult(Stance.REFUTES, STRONG, "age", explanation, source_value=source)
        return RuleResult(Stance.NEUTRAL, NEUTRAL_SCORE, "age",
                          explanation + " (the source gives birth dates that disagree)", source_value=source)
    stated = [q for q in parse_quantities(passage.text, passage.language) if q.unit == "year_of_age"]
    if not stated:
        return None
    sq = stated[0]
    age_txt = f"source says {_fmt_value(sq.value)} years old"
    if passage.published is None:
        return RuleResult(Stance.NEUTRAL, UNDATED_AGE, "age",
                          f"undated age statement: article says {claimed}; {age_txt}, with no date to age it from",
                          source_value=sq.text)
    if claim.anchor_date is None:
        return None
    gap_days = (claim.anchor_date - passage.published).days
    if abs(gap_days) > STALE_AGE_DAYS:
        return RuleResult(Stance.NEUTRAL, UNDATED_AGE, "age",
                          f"stale age statement: article says {claimed}; {age_txt} on {passage.published.isoformat()}",
                          source_value=sq.text)
    years = gap_days / 365.25
    possible = {int(sq.value) + math.floor(years), int(sq.value) + math.ceil(years)}
    explanation = (f"article says {claimed}; {age_txt} on {passage.published.isoformat()}, "
                   f"so {' or '.join(map(str, sorted(possible)))} on {claim.anchor_date.isoformat()}")
    if claimed in possible:
        return RuleResult(Stance.SUPPORTS, AGE_STATED if len(possible) == 1 else REPORTED - 0.1, "age", explanation,
                          source_value=sq.text, evidence_date=passage.published)
    return RuleResult(Stance.REFUTES, AGE_STATED, "age", explanation, source_value=sq.text,
                      evidence_date=passage.published)


def exclusivity_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    if not claim.exclusive:
        return None
    marker = exclusivity_marker(passage.text, passage.language)
    if marker:
        return RuleResult(Stance.SUPPORTS, EXCLUSIVE_SUPPORT, "exclusivity",
                          f"claim says only/alone; this source also states exclusivity ({marker!r})",
                          source_value=marker)
    return RuleResult(Stance.NEUTRAL, NEUTRAL_SCORE, "exclusivity",
                      "claim says only/alone; this source does not state exclusivity")


def _same_at(a: DateMention, b: DateMention, precision: Precision) -> bool:
    if precision is Precision.DAY:
        return a.value == b.value
    if precision is Precision.MONTH:
        return (a.value.year, a.value.month) == (b.value.year, b.value.month)
    return a.value.year == b.value.year


def date_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    """Conservative: same entity and shared event words, same-precision dates near the claim's, none equal."""
    cds = [d for d in claim.dates if d.precision in (Precision.DAY, Precision.MONTH)]
    if not cds or not claim.entities:
        return None
    ptext = passage.text.lower()
    if not any(e.lower() in ptext for e in claim.entities):
        return None
    shared = (_content_keys(claim.text) & _content_keys(passage.text)) - _GENERIC
    shared -= {e.lower()[:5] for e in claim.entities}
    shared = {w for w in shared if not is_month_name(w)}
    if len(shared) < 2:
        return None
    pds = parse_dates(passage.text, language=passage.language, anchor=passage.published)
    for cd in cds:
        # the passage states this date (at the claim's precision): a weak support
        same = [pd for pd in pds if pd.precision in (cd.precision, Precision.DAY) and _same_at(cd, pd, cd.precision)]
        if same:
            return RuleResult(Stance.SUPPORTS, DATE_SIGNAL, "date",
                              f"claim's date {cd.text!r} matches the source's {same[0].text!r}",
                              source_value=same[0].text)
        near = [pd for pd in pds if pd.precision is cd.precision and abs((pd.value - cd.value).days) <= 62]
        if near:
            return RuleResult(Stance.REFUTES, DATE_SIGNAL, "date",
                              f"claim says {cd.text!r} ({cd.value.isoformat()}); source on the same subject says "
                              f"{near[0].text!r} ({near[0].value.isoformat()})", source_value=near[0].text)
    return None


RULES = (age_rule, quantity_rule, date_rule, exclusivity_rule)


def check_all(claim: Claim, passage: Passage) -> list[RuleResult]:
    """Every rule's result for this claim and passage, in rule order (age, quantity, date, exclusivity)."""
    return [r for rule in RULES if (r := rule(claim, passage)) is not None]


def check(claim: Claim, passage: Passage) -> RuleResult | None:
    """The deciding result: the strongest refutation, else an unestablished exclusivity, else the strongest
    support, else a neutral; None when no rule applies."""
    results = check_all(claim, passage)
    if not results:
        return None
    refutes = [r for r in results if r.stance is Stance.REFUTES]
    if refutes:
        return max(refutes, key=lambda r: r.score)
    excl = [r for r in results if r.rule == "exclusivity" and r.stance is Stance.NEUTRAL]
    if excl:
        return excl[0]
    supports = [r for r in results if r.stance is Stance.SUPPORTS]
    if supports:
        return max(supports, key=lambda r: r.score)
    return max(results, key=lambda r: r.score)
