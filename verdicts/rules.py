"""Exact checks of one claim against one evidence passage: quantities, ages, exclusivity, dates.

Rules (docs/rules.md): ``age`` (from a birth date or a dated age, at the article's date), ``quantity``
(comparators, rounding, units, the figure of a time series valid at the article's date), ``event_date``
(the claim's date against the date a source gives the same event, at each side's precision), ``date``
(a weak shared-words signal), ``exclusivity`` (only / alone need a source stating exclusivity; first is
not only).

`check(claim, passage)` returns the deciding `RuleResult` (or None when no rule applies);
`check_all(claim, passage)` returns every rule that had something to say. Each result names the
claim's value and the source's value in a one-line explanation a reviewer reads.

Numbers, dates and exclusivity words in passages are parsed by `claims.normalise`, the same parser
that reads the claims, so both sides are read alike.

Scores are probability-like strengths set by hand (see the constants below), lowered for evidence
that is undated, stale, or dated after the claim. They are not calibrated on data (yet).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass

from claims.frames import comparable, frame_of, locate, measure_of, sentence_around
from claims.model import Claim, Comparator, DateMention, Precision, Quantity, Span
from claims.normalise import age_on, exclusivity_marker, is_month_name, parse_dates, parse_quantities
from sources.model import Passage
from verdicts.model import Stance

# v2: event dates, time series, scaled rounding, first vs only; v3: ordinals; v4: corrected birth dates, restated
# undated figures; v5: exclusivity said about the claim; v6: quantity frames, corrections, other-time figures, births
RULES_VERSION = "verdicts.rules.v7"

# Strengths (probability-like) of what a rule found, before the evidence-date factor.
STRONG = 0.9  # the source's value lies inside (or outside) the claim's range outright
REPORTED = 0.7  # "at least 34,535" read as the reported count 34,535 lies inside the claim's range
REPORTED_REFUTE = 0.65
AGE_STATED = 0.7  # an age stated at a dated moment, aged forward
DATE_SIGNAL = 0.45  # same event, different date: a weak signal only
EXCLUSIVE_SUPPORT = 0.6
NEUTRAL_SCORE = 0.5
UNDATED_AGE = 0.2

# Tolerances of comparators, relative to the claim's value.
APPROX_TOL = 0.07  # "about", "rundt", "ca."
NEARLY_TOL = 0.10  # "nearly 34,000": 30,600 .. 34,000 (a hair above allowed)
NEARLY_OVER = 0.005
ROUND_CAP = 0.10  # rounding tolerance of a round number, at most 10% of it
COUNT_RATIO = 2.0  # compare counts only within a factor of 2 (guards "32 killed yesterday" vs "34,000 killed")

# Evidence-date factors for counts (a count is valid at a date).
UNDATED_FACTOR = 0.35  # the claim is dated, the source's figure is not: it may not have held then
UNDATED_BOTH_FACTOR = 0.7  # neither is dated and the source restates the claim: as a dated figure would
AFTER_FACTOR = 0.45
STALE_AGE_DAYS = 400  # an age stated longer ago than this is stale

GENERIC_UNITS = {"", "people", "persons", "person", "count"}


@dataclass(frozen=True, slots=True)
class RuleResult:
    """What one exact check found about one claim in one passage."""

    stance: Stance
    score: float  # strength in [0, 1]
    rule: str  # "quantity", "age", "exclusivity", "date"
    explanation: str  # one line a reviewer reads
    source_value: str = ""  # the passage text the rule read ("at least 34,535", "born 15 November 1935")
    evidence_date: dt.date | None = None  # the date the source value holds at (for ordering counts)
    corrected: bool = False  # the source states its figure as a correction (decide: it outranks other figures)

    def __post_init__(self):
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"RuleResult.score must be in [0, 1], got {self.score}")


# ---------------------------------------------------------------- context words
_STOP = set(
    """
a an the of in on at to for from by with and or but as is are was were be been being has have had it its this that
these those than then there their they he she his her we our you your who whom which what when where while after
before since during into over under about around more less least most at not no nor so such also said says say
og i på til for fra av med som er var har hadde blitt blir ble det den de der en et ei å at om men eller enn siden
mens etter før over under rundt minst mer flere nesten ifølge sier sa så seg sin sitt sine hans hennes deres vi dere
noe noko utgjør utgjorde utgjer tilsvarende tilsvarer viser dette denne disse registrert registrerte totalt
""".split()
)
# General, cross-language concepts for what a count counts (not tied to any article).
_CONCEPTS = {
    "killed": "killed",
    "kill": "killed",
    "killing": "killed",
    "killings": "killed",
    "dead": "killed",
    "death": "killed",
    "deaths": "killed",
    "died": "killed",
    "die": "killed",
    "fatalities": "killed",
    "drept": "killed",
    "drepte": "killed",
    "døde": "killed",
    "død": "killed",
    "dødsfall": "killed",
    "omkom": "killed",
    "omkommet": "killed",
    "dødstall": "killed",
    "dødstallet": "killed",
    "toll": "killed",
    "injured": "injured",
    "wounded": "injured",
    "injuries": "injured",
    "hurt": "injured",
    "såret": "injured",
    "sårede": "injured",
    "skadet": "injured",
    "skadde": "injured",
    "people": "people",
    "persons": "people",
    "person": "people",
    "personer": "people",
    "mennesker": "people",
    "folk": "people",
    "individuals": "people",
    "children": "children",
    "barn": "children",
    "women": "women",
    "kvinner": "women",
    "arrested": "arrested",
    "arrestert": "arrested",
    "pågrepet": "arrested",
    "hostages": "hostages",
    "gisler": "hostages",
    "gissel": "hostages",
    "displaced": "displaced",
    "fordrevet": "displaced",
    "refugees": "refugees",
    "flyktninger": "refugees",
    "votes": "votes",
    "stemmer": "votes",
    "seats": "seats",
    "mandater": "seats",
    "seter": "seats",
}
_GENERIC = {"people", "children", "women"}
_CONCEPT_NAMES = set(_CONCEPTS.values()) - _GENERIC
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
    measure = measure_of(w)
    if measure:  # a statistic named alike across languages and compounds ("prisveksten" / "inflation")
        return f"m:{measure}"
    return w[:5]  # crude stem: also matches cognates (palestinere / Palestinians)


def _window(text: str, span: Span, before: int = 10, after: int = 6) -> set[str]:
    """Content-word keys near a number: up to `before` tokens before and `after` after, not across a clause break."""
    left = text[max(0, span.start - 120) : span.start]
    cut = None
    for m in _BREAK.finditer(left):
        cut = m.end()
    if cut is not None:
        left = left[cut:]
    right = text[span.end : span.end + 120]
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
    return locate(claim.text, q)


# ---------------------------------------------------------------- intervals
Interval = tuple[float, float, bool, bool]  # low, high, low closed, high closed


def _decimals(q: Quantity) -> int:
    """Decimal places of the value as stated (4.5 -> 1); whole numbers -> 0."""
    if float(q.value).is_integer():
        return 0
    return min(len(repr(float(q.value)).split(".")[1]), 4)


_SCALED = re.compile(
    r"(?<![\d.,])(\d+)(?:[.,](\d+))?\s*(?:millioner|millions?|mill\.?|mln\.?|mio\.?|milliarder|"
    r"milliard|mrd\.?|billioner|billions?|bn|mn|m|k|tusen|thousands?)(?![\w])",
    re.I,
)


def _granularity(q: Quantity) -> float:
    """Rounding granularity of a stated value: 34,000 -> 1000; 34,535 -> 0 (exact); 4.5 -> 0.05;
    a scaled figure by its stated digits: "1,2 millioner" -> 50,000, "$18.5bn" -> 50 million,
    "3 millioner" -> 500,000."""
    if q.unit == "ordinal":  # "the 91st season" is exactly the 91st
        return 0.0
    scaled = _SCALED.search(q.text or "")
    if scaled and q.value:
        stated = float(scaled.group(1) + ("." + scaled.group(2) if scaled.group(2) else ""))
        if stated:
            scale = abs(q.value) / stated
            return 0.5 * 10.0 ** -len(scaled.group(2) or "") * scale
    d = _decimals(q)
    if d:
        return 0.5 * 10**-d
    v = int(round(abs(q.value)))
    if v == 0:
        return 0.0
    zeros = len(str(v)) - len(str(v).rstrip("0"))
    if zeros == 0:
        return 0.0
    g = 10.0**zeros
    if g >= v:  # "1000", "2000": a single significant digit
        g = g / 2
    return min(g, ROUND_CAP * abs(q.value))


_SOFT_ABOVE = re.compile(r"^(?:drøyt|vel|i overkant av|just over|slightly over|a little over)\b", re.IGNORECASE)
MARKET_TOL = 0.015  # a price, rate or index quoted on the same day moves within about this much in a day
_MARKET = re.compile(
    r"(?<![\w])(?:\w*aksje\w*|\w*kurs\w*|børs\w*|\w*indeks\w*|index|share price|shares|stock|"
    r"stocks|valuta\w*|exchange rate|oljepris\w*|brent|oil price|traded at|closed at|"
    r"stengte på)(?![\w])",
    re.IGNORECASE,
)


def _interval(q: Quantity) -> Interval:
    """The values a stated figure allows. "drøyt 2,4 millioner" (just over) allows what rounds to 2.4 million."""
    v, inf = q.value, math.inf
    c = q.comparator
    if c is Comparator.GT:
        if _SOFT_ABOVE.match(q.text or ""):
            return (v - _granularity(dataclasses.replace(q, comparator=Comparator.EQ)), inf, True, False)
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


def _source_interval(cq: Quantity, pq: Quantity) -> Interval:
    """The values a source's figure allows, read at its own stated precision where the claim states more digits:
    a source's "6%" against the claim's "6.1%" allows 5.5-6.5 (it may round 6.1), as "2 900" allows 2,850-2,950."""
    iv = _interval(pq)
    d = _decimals(pq)
    if pq.comparator is Comparator.EQ and _granularity(pq) == 0 and d < _decimals(cq):
        g = 0.5 * 10.0**-d
        return (pq.value - g, pq.value + g, True, True)
    return iv


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
    Comparator.EQ: "{v}",
    Comparator.GT: "over {v}",
    Comparator.GE: "at least {v}",
    Comparator.LT: "under {v}",
    Comparator.LE: "at most {v}",
    Comparator.APPROX: "about {v}",
    Comparator.NEARLY: "nearly {v}",
}


def _fmt_value(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _describe(q: Quantity) -> str:
    if q.unit == "ordinal":  # as stated: "90th"
        return _PHRASE[q.comparator].format(v=q.text.strip())
    unit = "%" if q.unit == "percent" else (f" {q.unit}" if q.unit and q.unit not in GENERIC_UNITS else "")
    if q.comparator is Comparator.BETWEEN and q.upper is not None:
        return f"between {_fmt_value(q.value)} and {_fmt_value(q.upper)}{unit}"
    return _PHRASE[q.comparator].format(v=_fmt_value(q.value)) + unit


def _units_compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    return a in GENERIC_UNITS and b in GENERIC_UNITS


RESTATES = 0.5  # share of the claim's content words a source must repeat to restate it


def _restates(claim: Claim, passage: Passage, at: Span | None = None) -> bool:
    """The source says the same thing as the claim, with perhaps another figure: the source's sentence that
    holds the figure (at), or the whole passage without one, repeats at least RESTATES of the claim's content
    words. A sentence, not the passage: a long abstract holds half of any claim's words about its topic."""
    keys = _content_keys(claim.text)
    text = passage.text
    if at is not None:
        text = next((t for t, o in _sentences(passage.text) if o <= at.start < o + len(t)), passage.text)
    return bool(keys) and len(keys & _content_keys(text)) >= RESTATES * len(keys)


def _date_factor(
    claim: Claim, passage: Passage, figure_date: dt.date | None = None, at: Span | None = None
) -> tuple[float, str]:
    """How much a count from this passage can say at the claim's date, and a note for the explanation.

    figure_date: the date the passage gives the figure itself ("34,535 on 30 April"); else its publication date,
    which may be a month or a year only ("2018-11": read as its first day, the furthest from a later claim)."""
    when_date = figure_date or passage.published
    shown = when_date.isoformat() if when_date else ""
    if when_date is None and passage.published_bounds is not None:
        when_date, shown = passage.published_bounds[0], passage.published_label
    if when_date is None and claim.anchor_date is None and _restates(claim, passage, at):
        # neither side is dated and the source restates the claim: its figure is read as of the claim's
        # time, as a dated figure against an undated claim is
        return UNDATED_BOTH_FACTOR, "undated figure, undated claim, same statement"
    if when_date is None:
        return UNDATED_FACTOR, "undated figure"
    if claim.anchor_date is None:
        return 0.7, f"on {shown} (claim has no date)"
    gap = (claim.anchor_date - when_date).days
    if gap < 0:
        return AFTER_FACTOR, f"on {shown}, after the claim's {claim.anchor_date.isoformat()}"
    return _gap_factor(gap), f"on {shown}"


def _gap_factor(days: int) -> float:
    """How much a figure dated `days` away from the claim's date speaks to it: fully within a week, then less."""
    return 1.0 if days <= 7 else max(0.5, 1.0 - (days - 7) / 120)


_FIGURE_BARRIER = re.compile(r"[;:]|\)\s*,|,\s+(?:and|og|while|mens|but|men)\s|\d[\d.,\s]*\s*(?:\(|,|;)")


def _figure_date(text: str, q: Quantity, dates: list[DateMention]) -> dt.date | None:
    """The day-precise date a passage gives one figure in a series: the nearest date in the same stretch
    ("34,012 (19 April)", "on 30 April the toll was 34,535", "34,305 by 25 April"), else None."""
    best: tuple[int, DateMention] | None = None
    for d in dates:
        if d.precision is not Precision.DAY:
            continue
        if d.span.start >= q.span.end:
            between = text[q.span.end : d.span.start]
        elif d.span.end <= q.span.start:
            between = text[d.span.end : q.span.start]
        else:
            continue
        if len(between) > 40 or _FIGURE_BARRIER.search(between) or re.search(r"\d", between):
            continue
        if best is None or len(between) < best[0]:
            best = (len(between), d)
    return best[1].value if best else None


_TABLE_QUARTER = re.compile(
    r"(?<![\w])([1-4])\.\s*(?:kvartal|quarter)|(?<![\w])(first|second|third|fourth)\s+quarter|"
    r"(?<![\w])(?:(første|fyrste|andre|tredje|fjerde)\s+kvartal)",
    re.I,
)
_Q_WORD = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "første": 1,
    "fyrste": 1,
    "andre": 2,
    "tredje": 3,
    "fjerde": 4,
}


def _table_date(text: str, q: Quantity) -> dt.date | None:
    """The period a figure in a flattened table holds for: "Header: | 3. kvartal 2015 | 3. kvartal 2014 | ...;
    Row 6 591 | 5 832 | 759" puts 5 832 in the 2014 column. The column's year (and quarter) gives the last day
    of that period; None when the figure is not in such a table or its column names no year."""
    colon = text.find(":")
    if colon < 0 or "|" not in text[:colon] or q.span.start < colon:
        return None
    header = text[:colon].split("|")
    row_start = max(text.rfind(";", 0, q.span.start), colon) + 1
    column = text[row_start : q.span.start].count("|")
    if column >= len(header):
        return None
    cell = header[column]
    year = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", cell)
    if not year:
        return None
    quarter = _TABLE_QUARTER.search(cell)
    if quarter:
        n = int(quarter.group(1)) if quarter.group(1) else _Q_WORD[(quarter.group(2) or quarter.group(3)).lower()]
        return dt.date(int(year.group(1)) + (n == 4), 1 if n == 4 else 3 * n + 1, 1) - dt.timedelta(days=1)
    return dt.date(int(year.group(1)), 12, 31)


# fmt: off
_SERIES_WORDS = {
    "on", "by", "to", "til", "and", "og", "then", "deretter", "from", "fra", "i", "in", "per", "den", "the", "as",
    "of", "av"
}
# fmt: on


_DATE_KEYS = {
    w[:5]
    for w in (
        "january february march april may june july august september october november december "
        "januar februar mars mai juni juli oktober desember monday tuesday wednesday thursday "
        "friday saturday sunday mandag tirsdag onsdag torsdag fredag lørdag søndag "
        # where in a period, not what is counted ("ved utgangen av oktober", "at the end of")
        "utgangen slutten starten begynnelsen enden end beginning start ved"
    ).split()
}


def _series_gap(gap: str) -> bool:
    """Only dates, separators and linking words between two figures of a series."""
    for tok in re.findall(r"[^\W\d_]+|\d+|\S", gap):
        low = tok.lower()
        if (
            low in _SERIES_WORDS
            or is_month_name(low)
            or tok in ",;()[]–—-.:"
            or (tok.isdigit() and (len(tok) <= 2 or len(tok) == 4))
        ):
            continue
        return False
    return True


def _head_keys(text: str, start: int) -> set[str]:
    """The words of the clause that introduces a list of figures with a colon ("tallies of people killed: ...")."""
    before = text[max(0, start - 160) : start].rstrip()
    if not before.endswith(":"):
        return set()
    head = re.split(r"[.;!?\n]\s", before[:-1])[-1]
    return _content_keys(head)


def _series_windows(text: str, qs: list[Quantity]) -> dict[Span, set[str]]:
    """Context keys per figure; a figure in a series ("34,012 (19 April), 34,305 (25 April), 34,535 (30 April)")
    that has no words of its own shares those of the figure before it (only dates and separators between)."""
    out: dict[Span, set[str]] = {}
    prev: Quantity | None = None
    for q in sorted(qs, key=lambda q: q.span.start):
        keys = _window(text, q.span)
        if not (keys - _GENERIC - _DATE_KEYS):
            if (
                prev is not None
                and prev.unit == q.unit
                and q.span.start >= prev.span.end
                and len(text[prev.span.end : q.span.start]) <= 60
                and _series_gap(text[prev.span.end : q.span.start])
            ):
                keys = keys | out[prev.span]
            else:
                keys = keys | _head_keys(text, q.span.start)
        out[q.span] = keys
        prev = q
    return out


def _series_preference(when: dt.date | None, anchor: dt.date | None) -> float:
    """Larger is better: a figure dated on/before the claim's date and closest to it; undated figures in
    the middle; figures dated after the claim last."""
    if when is None or anchor is None:
        return -1e6
    gap = (anchor - when).days
    return -gap if gap >= 0 else -2e6 + gap


# ---------------------------------------------------------------- rules
# Denominators a share is commonly taken of: "4,4 prosent av arbeidsstyrken" measures the unemployed, not the labour
# force. Other bases ("50 % of the global sickle cell burden") say what is measured and stay.
_BASE = re.compile(
    r"(?:prosent|per cent|percent|%|andel|share)\s+(?:av|of)\s+(?:the\s+|its\s+|their\s+|hele\s+)?"
    r"(arbeidsstyrk\w*|labou?r force|workforce|befolkning\w*|population|innbygger\w*|inhabitants|"
    r"bnp|gdp|budsjett\w*|budget|folketall\w*)",
    re.IGNORECASE,
)


def _measure_keys(text: str, span: Span, keys: set[str]) -> set[str]:
    return _measure_keys_read(text, span, keys)[0]


def _measure_keys_read(text: str, span: Span, keys: set[str]) -> tuple[set[str], bool]:
    """What a figure counts (below), and whether that was read only from its sentence's subject (such a match may
    support but never refute: the subject need not be what the figure measures).

    What a figure counts: the words around it less the base of a share ("4,4 prosent av arbeidsstyrken": the
    labour force is what it is a share of, not what it measures); where those name no statistic, the first one its
    sentence names ("Bruttoledigheten, ..., var på 124.000 personer, eller 4,4 prosent av arbeidsstyrken")."""
    after = text[span.end : span.end + 60]
    m = _BASE.match(after.lstrip()) or _BASE.search(text[span.start : span.end + 60])
    base = _content_keys(m.group(1)) if m else set()
    keys = keys - base
    if not any(k.startswith("m:") or k in _CONCEPT_NAMES for k in keys):
        sentence = next((t[: max(0, span.start - o)] for t, o in _sentences(text) if o <= span.start < o + len(t)), "")
        first = next((measure_of(w) for w in _WORD.findall(sentence) if measure_of(w)), None)
        if first:
            keys = keys | {f"m:{first}"}
        elif not keys:  # "Prisene på matvarer ... steg, fra september til oktober, med 0,6 prosent": its subject
            return _content_keys(_BREAK.split(sentence, maxsplit=1)[0]), True
    return keys, False


_LIST_JOIN = {"og", "and", "eller", "or", "samt"}
# fmt: off
_LIST_END = {
    "var", "er", "ble", "blir", "har", "hadde", "som", "hos", "ved", "i", "på", "til", "fra", "med", "for",
    "registrert", "registrerte", "was", "were", "is", "are", "has", "had", "who", "which", "at", "in", "with", "from",
    "registered", "including", "inkludert", "medregnet", "herav", "hvorav", "blant", "among", "av", "of", "whom",
    "der", "hvor", "where", "mens", "while", "but", "men"
}
# fmt: on


# Qualifiers that split one measure into parts that exclude each other (keys as `_key` makes them): "helt ledige"
# are not "delvis ledige", full-time is not part-time.
_OPPOSED = (({"helt", "fully"}, {"delvi", "partl"}), ({"helti", "full-"}, {"delti", "part-"}))  # not "parti": a party


def _other_measure(a: set[str], b: set[str]) -> bool:
    """Both sides name a statistic and none of the same ("andelen helt ledige" against "andel permitterte"): words
    they share otherwise (the sector, the place) do not make the figures comparable."""
    ma, mb = {k for k in a if k.startswith("m:")}, {k for k in b if k.startswith("m:")}
    return bool(ma and mb and not ma & mb)


def _opposed_qualifier(a: set[str], b: set[str]) -> bool:
    """One side's words name one qualifier of a pair and the other's only the opposite one."""
    return any((a & x and b & y and not b & x) or (a & y and b & x and not b & y) for x, y in _OPPOSED)


_VERB_FORM = re.compile(r"\w{3,}(?:ing|ed|ende)$")  # a participle: a clause goes on, the list (if any) has ended
# An item opening with one of these restates the figure ("90.9 million extremely poor Nigerians or close to half of
# the population"), it is not another category counted.
# fmt: off
_RESTATING = {
    "close", "nearly", "almost", "about", "around", "roughly", "approximately", "some", "half", "a", "an", "nesten",
    "nær", "rundt", "omtrent", "cirka", "ca", "drøyt", "vel", "snaut", "knapt", "halvparten", "en", "ei", "et",
    "over", "under", "nærmere"
}
# fmt: on


def _counted_list(text: str, span: Span) -> list[set[str]]:
    """The categories a figure counts when a list of them follows it ("196.300 helt ledige, delvis ledige og
    arbeidssøkere på tiltak"): each item's distinguishing keys (its words the other items lack). [] when no list of
    two or more items (at most four words each, the last joined by og / and / eller / or) follows, or when an item
    has no word of its own."""
    after = re.split(r"[.;:!?()\n\d]", text[span.end : span.end + 120])[0]
    items: list[list[str]] = [[]]
    joined = False
    for tok in re.findall(r"[^\W\d_]+|,", after):
        low = tok.lower()
        if tok == "," or low in _LIST_JOIN:
            if not items[-1]:
                return []
            joined = joined or low in _LIST_JOIN
            items.append([])
        elif low in _LIST_END and len(items) > 1 and items[-1]:  # "arbeidssøkere på tiltak registrert hos NAV"
            if low in ("på", "i", "til", "for", "med") and len(items[-1]) < 2:
                items[-1].append(tok)  # "arbeidssøkere på tiltak": a preposition inside the item
                continue
            break
        elif low in _LIST_END or _VERB_FORM.search(low):  # "16 critics, indicating mixed or average reviews"
            break
        else:
            items[-1].append(tok)
            if len(items[-1]) > 4:
                return []
    items = [i for i in items if i]
    if not joined or len(items) < 2 or any(i[0].lower() in _RESTATING for i in items):
        return []
    keys = [_content_keys(" ".join(i)) for i in items]
    own = [k - set().union(*(o for j, o in enumerate(keys) if j != n)) for n, k in enumerate(keys)]
    return own if all(own) else []


_RESTATED = re.compile(
    r"(?:tilsvarende|tilsvarar|tilsvarer|svarende til|equivalent to|equal to|eller|or|noe som utgjør|"
    r"som utgjør|som utgjer|which is|utgjør|utgjer)\s*$",
    re.IGNORECASE,
)


def _lists_of(text: str, spans: list[Span]) -> dict[Span, list[set[str]]]:
    """Per figure (at its span), the categories it counts (`_counted_list`); a figure restating the one before it
    ("196.300 helt ledige, delvis ledige og arbeidssøkere på tiltak, tilsvarende 6,9 prosent av arbeidsstyrken")
    counts its list."""
    out: dict[Span, list[set[str]]] = {}
    prev: Span | None = None
    for sp in sorted(spans, key=lambda sp: sp.start):
        listed = _counted_list(text, sp)
        if (
            not listed
            and prev is not None
            and out[prev]
            and sp.start - prev.end <= 150
            and _RESTATED.search(text[max(prev.end, sp.start - 30) : sp.start])
            and not re.search(r"[.;!?]\s", text[prev.end : sp.start])
        ):
            listed = out[prev]
        out[sp] = listed
        prev = sp
    return out


def _list_part(listed: list[set[str]], other_text: str, other: Span) -> bool:
    """The other figure's sentence names some but not all of the categories a figure's list counts: it counts a
    part of that sum ("109 000 personer var registrert som helt ledige" against "196.300 helt ledige, delvis ledige
    og arbeidssøkere på tiltak")."""
    if not listed:
        return False
    around, _ = sentence_around(other_text, other)
    keys = _content_keys(around)
    named = sum(bool(own & keys) for own in listed)
    return 0 < named < len(listed)


def quantity_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    """The claim's figure against the passage's figure that measures the same thing: the units agree, the
    words around both share what is counted (dates and generic words do not count), and their frames agree
    (claims.frames: basis, change or level, direction, part or whole, forecast or outcome, months; a figure a
    correction replaced is not read). A figure dated more than TIME_GRACE_DAYS from the claim's date cannot refute
    it; one the text itself dates to another time (a table column) decides nothing.

    Two steps: the passage's figure that measures what the claim's does (`_matching_figure`), then the two values
    compared within the claim's stated precision (`_compare_figures`)."""
    claim_qs = [q for q in claim.quantities if not q.is_year and q.unit != "year_of_age"]
    if not claim_qs:
        return None
    figures = _PassageFigures.of(passage)
    if not figures.quantities:
        return None
    best, unaligned = _matching_figure(claim, claim_qs, figures)
    if best is None:
        if unaligned:
            return RuleResult(Stance.NEUTRAL, NEUTRAL_SCORE, "quantity", f"frames do not align: {unaligned}")
        return _verbatim_figure(claim, claim_qs, figures)
    *match, by_subject = best
    found = _compare_figures(claim, passage, figures, *match)
    if by_subject and found.stance is Stance.REFUTES:  # matched through a sentence subject only: never refutes
        return dataclasses.replace(
            found,
            stance=Stance.NEUTRAL,
            score=NEUTRAL_SCORE,
            explanation=found.explanation + " (what it measures read only from its sentence's subject: not refuted)",
        )
    return found


VERBATIM_MIN_WORDS = 5  # a restated sentence this long at least


def _verbatim_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _verbatim_figure(claim: Claim, claim_qs: list[Quantity], pf: "_PassageFigures") -> RuleResult | None:
    """Support only: the source holds the claim's sentence word for word, with the same figure ("Dette er 9.300
    flere enn ved utgangen av oktober" / "Dette er 9 300 flere enn ..."). Such a sentence says what it counts only
    through the one before it ("Dette", "It"), so no measure words match; the same words around the same value
    are the same statement. Another value never refutes here: the antecedent may differ."""
    words = _verbatim_words(claim.text)
    if len(words) < VERBATIM_MIN_WORDS:
        return None
    values = sorted(q.value for q in claim_qs)
    for sentence, start in _sentences(pf.text):
        inside = [pq for pq in pf.quantities if start <= pq.span.start < start + len(sentence)]
        if _verbatim_words(sentence) == words and sorted(pq.value for pq in inside) == values:
            shown = ", ".join(pq.text for pq in inside)
            return RuleResult(
                Stance.SUPPORTS,
                STRONG,
                "quantity",
                f"the source states the claim's sentence word for word, with the same figure ({shown})",
                source_value=shown,
            )
    return None


@dataclass
class _PassageFigures:
    """A passage's figures read once: each one's date (from a table column or the words around it), the words
    of what it measures, its frame, and the list it counts, if any."""

    text: str
    quantities: list[Quantity]
    table_of: dict
    when_of: dict
    words: dict
    frames: dict
    lists: dict
    by_subject: frozenset  # spans whose measure words came from their sentence's subject only

    @classmethod
    def of(cls, passage: Passage) -> "_PassageFigures":
        qs = [q for q in parse_quantities(passage.text, passage.language) if not q.is_year and q.unit != "year_of_age"]
        if not qs:
            return cls(passage.text, [], {}, {}, {}, {}, {}, frozenset())
        pdates = parse_dates(passage.text, language=passage.language, anchor=passage.published)
        table_of = {pq.span: _table_date(passage.text, pq) for pq in qs}
        when_of = {pq.span: table_of[pq.span] or _figure_date(passage.text, pq, pdates) for pq in qs}
        read = {
            sp: _measure_keys_read(passage.text, sp, keys) for sp, keys in _series_windows(passage.text, qs).items()
        }
        return cls(
            passage.text,
            qs,
            table_of,
            when_of,
            {sp: keys for sp, (keys, _) in read.items()},
            {pq.span: frame_of(passage.text, pq.span) for pq in qs},
            _lists_of(passage.text, [pq.span for pq in qs]),
            frozenset(sp for sp, (_, by_subject) in read.items() if by_subject),
        )


def _matching_figure(claim: Claim, claim_qs: list[Quantity], pf: _PassageFigures) -> tuple[tuple | None, str]:
    """The best (claim figure, passage figure, shared words, claim frame) that measure the same thing, and, when
    none does, why the closest did not (frames that do not align)."""
    claim_keys_all = _content_keys(claim.text)
    clists = _lists_of(claim.text, [s for q in claim_qs if (s := _locate(claim, q))])
    best: tuple | None = None
    unaligned: str = ""
    for cq in claim_qs:
        span = _locate(claim, cq)
        ckeys, by_subject = (
            _measure_keys_read(claim.text, span, _window(claim.text, span)) if span else (claim_keys_all, False)
        )
        cframe = frame_of(claim.text, span) if span else None
        clist = clists.get(span, []) if span else []
        for pq in pf.quantities:
            if not _units_compatible(cq.unit, pq.unit) or pf.frames[pq.span].superseded:
                continue
            if cq.value and pq.value:
                ratio = max(abs(cq.value), abs(pq.value)) / max(min(abs(cq.value), abs(pq.value)), 1e-9)
                if ratio > COUNT_RATIO and cq.unit != "percent":
                    continue
            shared = (ckeys & pf.words[pq.span]) - _GENERIC - _DATE_KEYS
            if not shared or _opposed_qualifier(ckeys, pf.words[pq.span]) or _other_measure(ckeys, pf.words[pq.span]):
                continue
            why = comparable(cframe, pf.frames[pq.span]) if cframe is not None else ""
            if not why and (
                _list_part(clist, pf.text, pq.span) or (span and _list_part(pf.lists[pq.span], claim.text, span))
            ):
                why = "a part against a sum of the categories listed"
            if why:
                unaligned = (
                    unaligned
                    or f"claim's {_describe(cq)} and source's {_describe(pq)} measure different things ({why})"
                )
                continue
            # a time series ("34,012 on 19 April, 34,535 on 30 April"): the figure valid at the claim's date
            # outranks a closer value; without figure dates this is the closest value
            rank = (len(shared), _series_preference(pf.when_of[pq.span], claim.anchor_date), -abs(pq.value - cq.value))
            if best is None or rank > best[0]:
                best = (rank, cq, pq, shared, cframe, by_subject or pq.span in pf.by_subject)
    return (best[1:] if best else None), unaligned


def _figure_stance(cq: Quantity, pq: Quantity, claim_iv: tuple, strict: tuple, reported: tuple):
    """The stance, score and reason of two comparable figures' intervals; None when they overlap undecided."""
    if _contains(claim_iv, strict):
        stance, score, tail = Stance.SUPPORTS, STRONG, "within the claim's range"
    elif _disjoint(claim_iv, strict):
        stance, score, tail = Stance.REFUTES, STRONG, "outside the claim's range"
    elif (
        cq.comparator in (Comparator.GT, Comparator.GE)
        and pq.comparator in (Comparator.GT, Comparator.GE)
        and pq.value >= cq.value
    ):  # "over 500" against "passed 500" / "at least 500": as a journalist writes it
        stance, score, tail = Stance.SUPPORTS, REPORTED, f"the source's {_describe(pq)} is the claim's bound"
    elif pq.comparator is not Comparator.EQ and _contains(claim_iv, reported):
        stance, score, tail = (
            Stance.SUPPORTS,
            REPORTED,
            f"the reported {_fmt_value(pq.value)} is within the claim's range",
        )
    elif pq.comparator is not Comparator.EQ and _disjoint(claim_iv, reported):
        stance, score, tail = (
            Stance.REFUTES,
            REPORTED_REFUTE,
            f"the reported {_fmt_value(pq.value)} is outside the claim's range",
        )
    elif _rounds_to(cq, pq):  # "2.905" against the text's "2 900": the source rounds the claim's own figure
        stance, score, tail = Stance.SUPPORTS, REPORTED, f"the source's {_describe(pq)} is the claim's figure rounded"
    else:
        return None
    return stance, score, tail


def _rounds_to(cq: Quantity, pq: Quantity) -> bool:
    """True when the source's round figure is the claim's exact figure rounded to the source's last stated digit
    (2,905 -> 2,900; 3.14 -> 3.1), not merely near it (34,535 is not 34,000: that rounds to 35,000). Support
    only: a rounded figure that the claim's does not round to says too little to refute."""
    if cq.comparator is not Comparator.EQ or pq.comparator is not Comparator.EQ or not pq.value:
        return False
    d = _decimals(pq)
    if d:
        unit = 10.0**-d
    else:
        v = int(round(abs(pq.value)))
        unit = 10.0 ** (len(str(v)) - len(str(v).rstrip("0")))
    if unit <= 10.0 ** -_decimals(cq) or _SCALED.search(pq.text or ""):  # not rounder than the claim; "2,4 mill."
        return False
    return math.isclose(round(cq.value / unit) * unit, pq.value, rel_tol=1e-9, abs_tol=1e-9)


def _figure_head(cq: Quantity, pq: Quantity, shared: set, cframe, when: str) -> str:
    """The opening of a figure comparison's reason: both figures, what they measure, the claim's frame."""
    concepts = shared & set(_CONCEPTS.values())
    about = "/".join(sorted(k.removeprefix("m:") for k in (concepts or shared)))
    frame = cframe.describe() if cframe is not None else ""
    head = f"claim says {_describe(cq)} ({about}{'; ' + frame if frame else ''}); source says {_describe(pq)} {when}"
    return head


def _figure_notes(tail: str, stance: Stance, cq: Quantity, pq: Quantity, market, corrected: bool) -> str:
    """The reason with its notes: a market quote's range, the claim's rounding tolerance, a corrected figure."""
    if market and stance is Stance.SUPPORTS and pq.value != cq.value:
        tail += f" (a market quote of the same day: ±{MARKET_TOL:.1%})"
    elif cq.comparator is Comparator.EQ and stance is Stance.SUPPORTS and pq.value != cq.value:
        tail += f" (rounding tolerance ±{_fmt_value(_granularity(cq))})"
    if corrected:
        tail += " (the source's corrected figure)"
    return tail


def _compare_figures(
    claim: Claim, passage: Passage, pf: _PassageFigures, cq: Quantity, pq: Quantity, shared: set, cframe
) -> RuleResult:
    """Two figures that measure the same thing, compared as a careful journalist reads them: within the claim's
    stated precision and comparator, a market quote within its daily range, weighed by how far apart in time."""
    when_of, table_of, pframe = pf.when_of, pf.table_of, pf.frames[pq.span]
    claim_iv, strict = _interval(cq), _source_interval(cq, pq)
    market = _market_day(claim, passage, cq, when_of[pq.span])
    if market:  # a quote that moves during the day: compare within its daily range
        claim_iv = (claim_iv[0] - MARKET_TOL * abs(cq.value), claim_iv[1] + MARKET_TOL * abs(cq.value), True, True)
    reported = (pq.value, pq.value, True, True)
    factor, when = _date_factor(claim, passage, when_of[pq.span], pq.span)
    if pframe.corrected:  # a correction speaks to the period it corrects, however late it came
        factor = 1.0
    head = _figure_head(cq, pq, shared, cframe, when)
    decided = _figure_stance(cq, pq, claim_iv, strict, reported)
    if decided is None:
        return RuleResult(
            Stance.NEUTRAL,
            NEUTRAL_SCORE,
            "quantity",
            f"{head}: overlaps the claim's range but does not decide it",
            source_value=pq.text,
            evidence_date=when_of[pq.span] or passage.published,
        )
    stance, score, tail = decided
    # a figure the text itself dates to another time decides nothing; one dated only by its page cannot refute
    if (stance is Stance.REFUTES or table_of[pq.span] is not None) and (
        other := _other_time(claim, passage, when_of[pq.span])
    ):
        return RuleResult(
            Stance.NEUTRAL,
            NEUTRAL_SCORE,
            "quantity",
            f"{head}: {other}, not one for the claim's time",
            source_value=pq.text,
            evidence_date=when_of[pq.span] or passage.published,
        )
    tail = _figure_notes(tail, stance, cq, pq, market, pframe.corrected)
    if stance is Stance.SUPPORTS and (after := _soon_after(claim, cq, when_of[pq.span] or passage.published)):
        factor = max(factor, _gap_factor(after))
    return RuleResult(
        stance,
        round(score * factor, 4),
        "quantity",
        f"{head}: {tail}",
        source_value=pq.text,
        evidence_date=when_of[pq.span] or passage.published,
        corrected=pframe.corrected,
    )


def _soon_after(claim: Claim, cq: Quantity, when: dt.date | None) -> int:
    """Days the source's figure is dated after the claim's date, when that is within TIME_GRACE_DAYS and the claim
    states a value, not a floor (else 0). For support, such a figure counts as one as far before would: the value
    within the claim's range days later was in it then, unless it moved and moved back. ("Over 34,000" against a
    later 34,535 says nothing of the day before, when the count may have been under it: AFTER_FACTOR stays.) Never
    for refutation: a later figure outside the claim's range may be one that grew since."""
    if when is None or claim.anchor_date is None or cq.comparator in (Comparator.GT, Comparator.GE):
        return 0
    after = (when - claim.anchor_date).days
    return after if 0 < after <= TIME_GRACE_DAYS else 0


def _market_day(claim: Claim, passage: Passage, cq: Quantity, figure_date: dt.date | None) -> bool:
    """The claim quotes a market value (a share price, an index, an exchange rate or an oil price: the words around
    it say so; a sum of money is not one) and the source's figure is of the same day (or the day before: "closed
    yesterday at")."""
    span = _locate(claim, cq)
    around = claim.text[max(0, span.start - 80) : span.end + 40] if span else claim.text
    if not _MARKET.search(around) or claim.anchor_date is None:
        return False
    when = figure_date or passage.published
    return when is not None and 0 <= (claim.anchor_date - when).days <= 1


TIME_GRACE_DAYS = 45  # a source this far from the claim's date may still report the claim's period


def _other_time(claim: Claim, passage: Passage, figure_date: dt.date | None) -> str:
    """Why the source's figure is from another time than the claim's ("" when it is not): dated (the figure, or
    else the passage, at the end of its span nearest the claim) more than TIME_GRACE_DAYS after or before the
    claim's date. Such a figure cannot refute the claim: a later page's figure for a later period, or a stale one."""
    if claim.anchor_date is None:
        return ""
    if figure_date is not None:
        first = last = figure_date
    elif (bounds := passage.published_bounds) is not None:
        first, last = bounds
    else:
        return ""
    if (first - claim.anchor_date).days > TIME_GRACE_DAYS:
        return "a later figure"
    if (claim.anchor_date - last).days > TIME_GRACE_DAYS:
        return "an older figure"
    return ""


_BIRTH_BEFORE = re.compile(
    r"(?:\bborn\b|\bb\.|\bnée?\b|\bfødt\b|\bf\.|\bbirth ?date\b|\bdate of birth\b|\bfødselsdato\b|\bbirthday\b)"
    r"[^.;()\n]{0,20}$",
    re.I,
)


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


_CONTRAST = re.compile(
    r"(?<![\w])(?:but|however|whereas|although|though|yet|men|derimot|imidlertid|likevel)(?![\w])", re.I
)


def _source_own_dates(text: str, dates: list[DateMention]) -> tuple[list[DateMention], list[DateMention]]:
    """Dates a passage gives for the same thing, split into the ones it asserts and the ones it sets aside:
    "many sources give 26 March 1935, but his official website says 15 November 1935" asserts the date after
    the last contrast word ("but", "however", "men", ...) that separates disagreeing dates. Without one, all
    are asserted (the source itself disagrees)."""
    if len({d.value for d in dates}) < 2:
        return dates, []
    cut = None
    for a, b in zip(dates, dates[1:]):
        if a.value != b.value and _CONTRAST.search(text[a.span.end : b.span.start]):
            cut = b
    if cut is None:
        return dates, []
    own = [d for d in dates if d.span.start >= cut.span.start]
    return own, [d for d in dates if d.span.start < cut.span.start and d.value not in {o.value for o in own}]


def age_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    """The claim's stated age of a person the passage names: against a birth date the passage gives
    (`_age_from_births`), else against an age the passage states on its own date (`_age_from_stated`)."""
    ages = [q for q in claim.quantities if q.unit == "year_of_age"]
    if not ages:
        return None
    if not _mentions_entity(claim, passage):
        return _unnamed_age(claim, passage, ages[0])
    claimed = int(round(ages[0].value))
    births = [
        d
        for d in parse_dates(passage.text, language=passage.language, anchor=passage.published)
        if _BIRTH_BEFORE.search(passage.text[max(0, d.span.start - 40) : d.span.start])
    ]
    if births:
        return _age_from_births(claim, passage, claimed, births)
    stated = [
        q
        for q in parse_quantities(passage.text, passage.language)
        if q.unit == "year_of_age" and _age_of_same(claim, ages[0], passage.text, q)
    ]
    return _age_from_stated(claim, passage, claimed, stated[0]) if stated else None


def _unnamed_age(claim: Claim, passage: Passage, claimed: Quantity) -> RuleResult | None:
    """An age of someone the claim does not name ("har arrestert en 41 år gammel mann"): a source stating the same
    age of an unnamed person of the same kind at about the same time supports it; another age decides nothing
    (it may be another person), so this never refutes."""
    at = locate(claim.text, claimed)
    if not (at and _AGE_OF_NOUN.match(claim.text[at.end : at.end + 30])):
        return None
    stated = [
        q
        for q in parse_quantities(passage.text, passage.language)
        if q.unit == "year_of_age" and _age_of_same(claim, claimed, passage.text, q)
    ]
    found = _age_from_stated(claim, passage, int(round(claimed.value)), stated[0]) if stated else None
    return found if found is not None and found.stance is Stance.SUPPORTS else None


def _age_from_births(claim: Claim, passage: Passage, claimed: int, births: list[DateMention]) -> RuleResult:
    """The claimed age against the ages the passage's birth dates give on the claim's date (a month or year of
    birth allows two ages); birth dates the source itself sets aside are named, not used."""
    if claim.anchor_date is None:
        return RuleResult(
            Stance.NEUTRAL,
            NEUTRAL_SCORE,
            "age",
            f"article says {claimed}; source gives a birth date but the claim has no date to age it on",
        )
    births, set_aside = _source_own_dates(passage.text, births)
    found = []
    for b in births:
        if b.precision is Precision.DAY:
            found.append((b, {age_on(b.value, claim.anchor_date)}))
        else:  # month or year: the age is one of two values
            found.append((b, {age_on(b.last, claim.anchor_date), age_on(b.value, claim.anchor_date)}))
    parts = []
    for b, possible in found:
        born = b.value.isoformat() if b.precision is Precision.DAY else b.text
        ages_txt = " or ".join(str(a) for a in sorted(possible))
        parts.append(f"born {born}, so {ages_txt} on {claim.anchor_date.isoformat()}")
    explanation = f"article says {claimed}; " + "; ".join(parts)
    if set_aside:
        explanation += " (the source sets this against " + ", ".join(_iso_at(b) for b in set_aside) + ")"
    fits = [claimed in possible for _, possible in found]
    exact = [len(possible) == 1 for _, possible in found]
    source = "; ".join(b.text for b, _ in found)
    if all(fits):
        score = STRONG if all(exact) else REPORTED
        return RuleResult(Stance.SUPPORTS, score, "age", explanation, source_value=source)
    if not any(fits):
        return RuleResult(Stance.REFUTES, STRONG, "age", explanation, source_value=source)
    return RuleResult(
        Stance.NEUTRAL,
        NEUTRAL_SCORE,
        "age",
        explanation + " (the source gives birth dates that disagree)",
        source_value=source,
    )


def _age_from_stated(claim: Claim, passage: Passage, claimed: int, sq: Quantity) -> RuleResult | None:
    """The claimed age against an age the passage states ("88 years old"), aged from the passage's date to the
    claim's; an undated or stale statement decides nothing."""
    age_txt = f"source says {_fmt_value(sq.value)} years old"
    if passage.published is None:
        return RuleResult(
            Stance.NEUTRAL,
            UNDATED_AGE,
            "age",
            f"undated age statement: article says {claimed}; {age_txt}, with no date to age it from",
            source_value=sq.text,
        )
    if claim.anchor_date is None:
        return None
    gap_days = (claim.anchor_date - passage.published).days
    if abs(gap_days) > STALE_AGE_DAYS:
        return RuleResult(
            Stance.NEUTRAL,
            UNDATED_AGE,
            "age",
            f"stale age statement: article says {claimed}; {age_txt} on {passage.published.isoformat()}",
            source_value=sq.text,
        )
    years = gap_days / 365.25
    possible = {int(sq.value) + math.floor(years), int(sq.value) + math.ceil(years)}
    explanation = (
        f"article says {claimed}; {age_txt} on {passage.published.isoformat()}, "
        f"so {' or '.join(map(str, sorted(possible)))} on {claim.anchor_date.isoformat()}"
    )
    if claimed in possible:
        return RuleResult(
            Stance.SUPPORTS,
            AGE_STATED if len(possible) == 1 else REPORTED - 0.1,
            "age",
            explanation,
            source_value=sq.text,
            evidence_date=passage.published,
        )
    return RuleResult(
        Stance.REFUTES, AGE_STATED, "age", explanation, source_value=sq.text, evidence_date=passage.published
    )


# An age that describes someone unnamed ("en 41 år gammel mann", "a 41-year-old man") is not a named person's.
_AGE_OF_NOUN = re.compile(
    r"^\s*(?:år\s+)?(?:gammel|gamle|gammal|gamal|old)?\s*(?:mann|mannen|menn|kvinne|kvinnen|"
    r"kvinner|gutt|gutten|jente|jenta|person|personen|sjåfør|mistenkt\w*|gjerningsm\w*|man|woman|"
    r"men|women|boy|girl|person|driver|suspect|gunman|shooter)(?![\w])",
    re.IGNORECASE,
)


def _age_of_same(claim: Claim, claimed: Quantity, text: str, q: Quantity) -> bool:
    """The source's age `q` is of the one the claim's age is of: both describe an unnamed person ("en 41 år
    gammel mann") or neither does, and for a named person the clause around the source's age names them (any word
    of a name the claim gives: "Abe, 67," counts for "Shinzo Abe er 67 år")."""
    at = locate(claim.text, claimed)
    claim_noun = bool(at and _AGE_OF_NOUN.match(claim.text[at.end : at.end + 30]))
    if claim_noun != bool(_AGE_OF_NOUN.match(text[q.span.end : q.span.end + 30])):
        return False
    groups = _name_groups(claim)
    if claim_noun or not groups:
        return True
    sentence, off = next(((t, o) for t, o in _sentences(text) if o <= q.span.start < o + len(t)), (text, 0))
    return _about_person(groups, _clause_at(sentence, q.span.start - off), in_full=False)


_BORN_CLAIM = re.compile(r"(?:\bborn\b|\bb\.|\bfødt\b|\bfødd\b|\bf\.)[^.;()\n]{0,20}$", re.I)
BIRTH_STATED = 0.85  # a source states the birth date or year of the person the claim names
BIRTH_FROM_AGE = 0.7  # a source gives the person's age on its (day- or month-precise) publication date


_BORN_BOUND = re.compile(
    r"(?<![\w])(?:after|before|since|until|between|around|about|circa|etter|før|mellom|rundt|"
    r"omkring|ca\.?)(?![\w])",
    re.IGNORECASE,
)


def _claim_birth(claim: Claim) -> DateMention | None:
    """The birth date a claim states ("Født 16. juli 1931", "Aasmund Nordstoga (fødd 1968)", "born in 1941"); not
    a bound ("born after 1987"), which this rule does not read."""
    for d in claim.dates:
        at = _locate_date(claim, d)
        if at is None:
            continue
        m = _BORN_CLAIM.search(claim.text[max(0, at - 30) : at])
        if m and not _BORN_BOUND.search(m.group(0)):
            return d
    return None


def _name_groups(claim: Claim) -> list[set[str]]:
    """Each named entity of the claim as the set of its word keys ("Odd Nordstoga" -> {odd, nords})."""
    groups = []
    for name in claim.entities:
        keys = {w.lower()[:5] for w in _WORD.findall(name) if w[:1].isupper() and w.lower() not in _STOP}
        if keys:
            groups.append(keys)
    return groups


def _about_person(groups: list[set[str]], sentence: str, *, in_full: bool = True) -> bool:
    """The sentence names one of the claim's entities in full (every word of the name: "Odd Nordstoga" is not
    "Aasmund Nordstoga"), or with in_full=False by any word of it ("Abe, 67," for "Shinzo Abe")."""
    keys = {w.lower()[:5] for w in _WORD.findall(sentence) if w[:1].isupper()}
    return any(g <= keys if in_full else g & keys for g in groups)


def _clause_at(sentence: str, at: int, reach: int = 100) -> str:
    """The stretch of a sentence around offset `at` that a name must share with a birth date or an age to be its
    subject: not across a semicolon, colon or dash, at most `reach` characters either side ("Born on December 10,
    1972, ...; his brother, Aasmund Nordstoga, ..." does not date Aasmund's birth)."""
    lo, hi = max(0, at - reach), min(len(sentence), at + reach)
    left, right = sentence[lo:at], sentence[at:hi]
    cut = max((m.end() for m in re.finditer(r"[;:]|\s[–—]\s", left)), default=0)
    stop = re.search(r"[;:]|\s[–—]\s", right)
    return left[cut:] + (right[: stop.start()] if stop else right)


def _born_between(age: int, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The birth days of someone aged `age` on some day between first and last."""

    def years_back(day: dt.date, n: int) -> dt.date:
        try:
            return day.replace(year=day.year - n)
        except ValueError:  # 29 February
            return day.replace(year=day.year - n, day=28)

    return years_back(last, age + 1) + dt.timedelta(days=1), years_back(first, age)


def _birth_findings(groups, passage: Passage) -> list[tuple[tuple[dt.date, dt.date], str, float, dt.date | None]]:
    """The source's birth spans of the claim's person: stated birth dates, and ages on a dated page."""
    found: list[tuple[tuple[dt.date, dt.date], str, float, dt.date | None]] = []
    pdates = parse_dates(passage.text, language=passage.language, anchor=passage.published)
    sentences = _sentences(passage.text)
    bounds = passage.published_bounds
    dated = bounds is not None and (bounds[1] - bounds[0]).days <= 31
    for text, off in sentences:
        if not _about_person(groups, text):
            continue
        for d in pdates:
            if (
                off <= d.span.start < off + len(text)
                and _about_person(groups, _clause_at(text, d.span.start - off))
                and _BIRTH_BEFORE.search(passage.text[max(off, d.span.start - 40) : d.span.start])
            ):
                found.append(((d.value, d.last), f"born {_iso_at(d)}", BIRTH_STATED, None))
        if not dated:
            continue
        for q in parse_quantities(text, passage.language):
            if q.unit == "year_of_age" and _about_person(groups, _clause_at(text, q.span.start)):
                iv = _born_between(int(q.value), *bounds)
                found.append(
                    (
                        iv,
                        f"{_fmt_value(q.value)} years old on {passage.published_label}, so born "
                        f"{iv[0].isoformat()} .. {iv[1].isoformat()}",
                        BIRTH_FROM_AGE,
                        bounds[0],
                    )
                )
    return found


def birth_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    """A stated birth date or year against the source's: a birth date of the same person ("f. 1941", "born in
    1941"), or an age the source gives on its publication date ("Aasmund Nordstoga (56)" on 2020-09-08: born
    1963-09-09 .. 1964-09-08). Only sentences that name the claim's person (or place, for a fact box line
    without a name) in full count. Disjoint -> REFUTES; the source's span inside the claim's -> SUPPORTS."""
    born = _claim_birth(claim)
    groups = _name_groups(claim)
    if born is None or not groups:
        return None
    found = _birth_findings(groups, passage)
    if not found:
        return None
    return _birth_verdict(born, found)


def _birth_verdict(born, found: list) -> RuleResult:
    """The verdict on a claimed birth date from the source's birth spans: refuting first, then inside, else neutral."""
    claim_iv = (born.value, born.last)
    head = f"claim says born {_iso_at(born)}"
    refuting = [f for f in found if f[0][1] < claim_iv[0] or claim_iv[1] < f[0][0]]
    if refuting:
        iv, why, score, when = max(refuting, key=lambda f: f[2])
        return RuleResult(
            Stance.REFUTES,
            score,
            "birth",
            f"{head}; source: {why}: not the same birth date",
            source_value=why,
            evidence_date=when,
        )
    inside = [f for f in found if claim_iv[0] <= f[0][0] and f[0][1] <= claim_iv[1]]
    if inside:
        iv, why, score, when = max(inside, key=lambda f: f[2])
        return RuleResult(
            Stance.SUPPORTS, score, "birth", f"{head}; source: {why}: consistent", source_value=why, evidence_date=when
        )
    iv, why, _, when = found[0]
    return RuleResult(
        Stance.NEUTRAL,
        NEUTRAL_SCORE,
        "birth",
        f"{head}; source: {why}: overlaps, does not decide it",
        source_value=why,
        evidence_date=when,
    )


_FIRST_WORDS = re.compile(
    r"(?<![\w])(?:first|første|først|never before|aldri før|for the first time|første gang)(?![\w])", re.I
)
_DENIED_ONLY = re.compile(
    r"(?<![\w])(?:not the only|not alone|ikke den eneste|ikke det eneste|ikke alene|"
    r"ikke eneste|one of several|one of many|en av flere|blant flere)(?![\w])",
    re.I,
)


def _exclusive_kind(marker: str) -> str:
    """ "first" for first / første / never before; "only" for only / alone / sole / eneste / alene / no other."""
    return "first" if _FIRST_WORDS.search(marker) else "only"


def exclusivity_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    """An "only / alone" claim needs a source that states exclusivity ("only", "alone", "sole", "eneste"); a
    "first" claim is supported by "first" or by "only". A source that says "first" does not establish "only";
    a source that denies it ("not the only", "ikke den eneste", "one of several") refutes it."""
    if not claim.exclusive:
        return None
    cmarker = exclusivity_marker(claim.text, claim.language) or "only"
    ckind = _exclusive_kind(cmarker)
    says = "claim says only/alone" if ckind == "only" else f"claim says {cmarker!r}"
    denied = _DENIED_ONLY.search(passage.text)
    if denied and ckind == "only" and (not claim.entities or _names_match(_names_in(claim), passage.text)):
        return RuleResult(
            Stance.REFUTES,
            EXCLUSIVE_SUPPORT,
            "exclusivity",
            f"{says}; this source says {denied.group(0)!r}",
            source_value=denied.group(0),
        )
    marker = _exclusivity_about(claim, passage)
    if marker and (ckind == "first" or _exclusive_kind(marker) == "only"):
        return RuleResult(
            Stance.SUPPORTS,
            EXCLUSIVE_SUPPORT,
            "exclusivity",
            f"{says}; this source also states exclusivity ({marker!r})",
            source_value=marker,
        )
    elsewhere = None if marker else exclusivity_marker(passage.text, passage.language)
    if elsewhere:
        return RuleResult(
            Stance.NEUTRAL,
            NEUTRAL_SCORE,
            "exclusivity",
            f"{says}; this source says {elsewhere!r} about something else",
            source_value=elsewhere,
        )
    if marker:
        return RuleResult(
            Stance.NEUTRAL,
            NEUTRAL_SCORE,
            "exclusivity",
            f"{says}; this source says {marker!r}, which does not establish that no other did",
            source_value=marker,
        )
    return RuleResult(Stance.NEUTRAL, NEUTRAL_SCORE, "exclusivity", f"{says}; this source does not state exclusivity")


def _exclusivity_about(claim: Claim, passage: Passage) -> str | None:
    """The exclusivity word of the passage's first sentence that states it about the claim: the sentence
    names one of the claim's participants (with English exonyms) or, for a claim without names, repeats at
    least RESTATES of its content words. An "only" or "first" elsewhere in the passage is about something else
    ("The first cases ...", "plays only a minor role")."""
    names = _names_in(claim)
    keys = _content_keys(claim.text)
    for sentence, _ in _sentences(passage.text):
        marker = exclusivity_marker(sentence, passage.language)
        if not marker:
            continue
        if names and _names_match(names, sentence):
            return marker
        if not names and keys and len(keys & _content_keys(sentence)) >= RESTATES * len(keys):
            return marker
    return None


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
            return RuleResult(
                Stance.SUPPORTS,
                DATE_SIGNAL,
                "date",
                f"claim's date {cd.text!r} matches the source's {same[0].text!r}",
                source_value=same[0].text,
            )
        near = [pd for pd in pds if pd.precision is cd.precision and abs((pd.value - cd.value).days) <= 62]
        if near:
            return RuleResult(
                Stance.REFUTES,
                DATE_SIGNAL,
                "date",
                f"claim says {cd.text!r} ({cd.value.isoformat()}); source on the same subject says "
                f"{near[0].text!r} ({near[0].value.isoformat()})",
                source_value=near[0].text,
            )
    return None


# ---------------------------------------------------------------- event dates
# What a dated sentence reports, across Norwegian and English (a small, general lexicon of news events).
_EVENT_LEXICON = {
    "recognise": "anerkjenne anerkjente anerkjent anerkjenner anerkjennelse anerkjennelsen recognise recognised "
    "recognises recognising recognize recognized recognizes recognizing recognition",
    "form": "danne dannet dannes dannelse dannelsen dannelsen formed formation established establish etablerte "
    "etablert etablere opprettet opprette opprettelse opprettelsen founded grunnlagt grunnla",
    "take_office": "tiltrådte tiltre tiltrer tiltredelse tiltredelsen innsatt sworn inaugurated inauguration",
    "approve": "godkjente godkjent vedtok vedtatt approved approve approves approval ratified ratifiserte",
    "agree": "enige enighet agreed agreement accord avtale avtalen",
    "sign": "signed signerte undertegnet undertegnet signing",
    "invite": "inviterte invitert invitasjon invitasjonen invited invitation invite invites",
    "win": "vant vinne vinner seier seieren won win wins victory",
    "elect": "valgt valg valget valgene gjenvalgt elected election elections re-elected ballot",
    "attack": "angrep angrepet angrepene stormet stormed attacked attack attacks invaded invasion invaderte",
    "kill": "drept drepte døde omkom killed died death",
    "born": "født born",
    "meet": "møtte møttes møte møtet met meet meeting",
    "visit": "besøkte besøk besøket visited visit",
    "resign": "resigned resign resignation",
    "appoint": "utnevnte utnevnt appointed appoint",
    "announce": "kunngjorde annonserte announced announce",
    "arrest": "pågrepet arrestert arrestert arrested",
    "launch": "lanserte lansert launched launch",
    "dissolve": "oppløste oppløst dissolved dissolve",
    "cancel": "avlyste avlyst utsatte utsatt postponed cancelled canceled",
    "expire": "utløp expired expire",
}
_EVENT_PHRASES = {
    "take_office": r"took office|take office|takes office|came to power|kom til makten|tok over",
    "resign": r"gikk av|trakk seg|stepped down|step down",
    "cancel": r"called off",
}
_EVENT_WORD = {w: concept for concept, words in _EVENT_LEXICON.items() for w in words.split()}
_EVENT_PHRASE_RE = [(c, re.compile(rf"(?<![\w])(?:{p})(?![\w])", re.I)) for c, p in _EVENT_PHRASES.items()]
# Country and bloc names across Norwegian and English, for "the same participants" across languages.
_EXONYMS = {
    "norge": "norway",
    "noreg": "norway",
    "sverige": "sweden",
    "danmark": "denmark",
    "tyskland": "germany",
    "frankrike": "france",
    "storbritannia": "britain",
    "russland": "russia",
    "kina": "china",
    "spania": "spain",
    "italia": "italy",
    "hellas": "greece",
    "tyrkia": "turkey",
    "sveits": "switzerland",
    "østerrike": "austria",
    "nederland": "netherlands",
    "belgia": "belgium",
    "polen": "poland",
    "ukraina": "ukraine",
    "irak": "iraq",
    "libanon": "lebanon",
    "egypt": "egypt",
    "saudi-arabia": "saudi",
    "vestbredden": "west bank",
    "gazastripen": "gaza",
    "usa": "united states",
    "eu": "european union",
    "fn": "united nations",
    "vesten": "west",
    "palestina": "palestine",
    "japan": "japan",
    "india": "india",
    "iran": "iran",
}
_EXONYM_ALT = {
    "united states": ("u.s.", "us ", "america"),
    "united nations": ("u.n.", "un "),
    "european union": ("eu ", "e.u."),
    "britain": ("uk ", "u.k.", "british", "england"),
    "west": ("western",),
}
_CLAUSE_BARRIER = re.compile(
    r",\s+(?:which|who|whom|whose|where|som|der|hvor|and|og|but|men|while|mens)\s|;|\s[–—-]\s"
    r"|\(|\)",
    re.I,
)
_AFTER_WORD = re.compile(r"(?<![\w])(?:after|etter|etter at|following)(?![\w])", re.I)
_BEFORE_WORD = re.compile(r"(?<![\w])(?:before|før|prior to|ahead of)(?![\w])", re.I)
_GOVERNING = re.compile(r"(?<![\w])(?:after|etter|following|before|før|prior to)\s+(?:the\s+|on\s+|den\s+)?$", re.I)
_PERIOD_WORD = re.compile(r"(?<![\w])(?:since|siden|until|till|inntil|fram til|frem til|innen|by|from|fra)\s*$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"«“])")
EVENT_DATE_REFUTE = 0.75  # the source dates the same event outside the claim's date
EVENT_DATE_REFUTE_BOUND = 0.65  # ... by "after D" / "before D" only
EVENT_DATE_SUPPORT = 0.6  # the source dates the same event inside the claim's date, at least as precisely
EVENT_WINDOW = 160  # characters between the event word and its date, at most
EVENT_MAX_YEARS = 2.0  # dates further apart than this are taken to be different events of the same kind


def _event_concepts(text: str) -> dict[str, list[Span]]:
    """Event concepts a text reports, with where their words are."""
    found: dict[str, list[Span]] = {}
    for m in _WORD.finditer(text):
        c = _EVENT_WORD.get(m.group().lower())
        if c:
            found.setdefault(c, []).append(Span(m.start(), m.end()))
    for c, rx in _EVENT_PHRASE_RE:
        for m in rx.finditer(text):
            found.setdefault(c, []).append(Span(m.start(), m.end()))
    return found


def _names_in(claim: Claim) -> list[str]:
    """The claim's participants as lower-case search keys, with English exonyms of Norwegian names."""
    keys = []
    for e in claim.entities:
        low = e.lower()
        keys.append(low)
        if low in _EXONYMS:
            keys.append(_EXONYMS[low])
            keys.extend(_EXONYM_ALT.get(_EXONYMS[low], ()))
    return keys


def _names_match(keys: list[str], sentence: str) -> bool:
    low = " " + sentence.lower() + " "
    for k in keys:
        if k.endswith(" ") or "." in k:
            if k in low:
                return True
        elif re.search(rf"(?<![\w]){re.escape(k)}", low):
            return True
    return False


def _claim_event_dates(claim: Claim) -> list[DateMention]:
    """The claim's dates that date its event: not "since / until / by D" (a period), not a birth date."""
    out = []
    for d in claim.dates:
        if d.precision is Precision.WEEK and d.end is None:
            continue
        at = _locate_date(claim, d)
        before = claim.text[max(0, at - 14) : at] if at is not None else ""
        if _PERIOD_WORD.search(before):
            continue
        out.append(d)
    return out


def _locate_date(claim: Claim, d: DateMention) -> int | None:
    i = claim.text.find(d.text) if d.text else -1
    return i if i >= 0 else None


def _interval_of(d: DateMention, relation: str) -> tuple[dt.date, dt.date]:
    lo, hi = d.value, d.last
    if relation == "after":
        return lo, dt.date.max
    if relation == "before":
        return dt.date.min, hi
    return lo, hi


def event_date_rule(claim: Claim, passage: Passage) -> RuleResult | None:
    """The claim's date against the date a source gives the same event ("anerkjente ... i februar 2007" vs
    "Norway recognized the new government just minutes after it was approved Saturday [17 March 2007]").

    Same event: a sentence of the source that names one of the claim's participants (Norwegian or English
    names) and reports the same kind of event (recognise, form, take office, sign, win, elect, attack ...),
    with a date in the same clause as the event word (not behind ", which / som / and / og", a bracket or a
    dash). "after D" / "etter D" means on or after D, "before D" on or before. Compared as intervals at the
    precision each side states: a month-precise claim is refuted by a day outside that month, and a
    day-precise claim is not decided by a source that only gives the month.
    """
    cds = _claim_event_dates(claim)
    if not cds or not claim.entities:
        return None
    claim_events = _event_concepts(claim.text)
    if not claim_events:
        return None
    keys = _names_in(claim)
    found = [
        (cd, sd, relation, concept)
        for sentence, _ in _sentences(passage.text)
        for sd, relation, concept in _event_dates_in(sentence, passage, keys, claim_events)
        for cd in cds
    ]
    verdicts = [
        v
        for cd, sd, relation, concept in found
        if (v := _event_date_verdict(cd, sd, relation, concept, passage)) is not None
    ]
    if not verdicts:
        return None
    supports = [v for v in verdicts if v.stance is Stance.SUPPORTS]
    refutes = [v for v in verdicts if v.stance is Stance.REFUTES]
    if supports:  # the source also gives the claim's date for this event: never a refutation
        return supports[0]
    if refutes:
        return max(refutes, key=lambda r: r.score)
    return verdicts[0]


def _event_dates_in(sentence: str, passage: Passage, keys, claim_events) -> list[tuple[DateMention, str, str]]:
    """(source date, relation "at" / "after" / "before", event concept) for each date a source sentence gives one
    of the claim's events, in the same clause as the event word and with a participant named there."""
    if not _names_match(keys, sentence):
        return []
    events = _event_concepts(sentence)
    shared = set(events) & set(claim_events)
    if not shared:
        return []
    sdates = [
        d
        for d in parse_dates(sentence, language=passage.language, anchor=passage.published)
        if d.precision in (Precision.DAY, Precision.MONTH, Precision.YEAR)
    ]
    # "Saturday [17 March 2007]": one date said twice; the explicit one names it
    sdates = [
        d
        for d in sdates
        if not any(
            o is not d and o.value == d.value and o.precision is d.precision and len(o.text) > len(d.text)
            for o in sdates
        )
    ]
    out = []
    for concept in sorted(shared):
        for ev in events[concept]:
            for sd in sdates:
                relation = _event_relation(sentence, ev, sd)
                if relation is None:
                    continue
                if not _names_match(
                    keys, _clause_around(sentence, min(ev.start, sd.span.start), max(ev.end, sd.span.end))
                ):
                    continue  # the participant is named in another clause ("...; Hamas does not recognise")
                out.append((sd, relation, concept))
    return out


def _event_relation(sentence: str, ev, sd: DateMention) -> str | None:
    """How the date stands to the event word in the same clause: "at", "after" (on or after) or "before"; None
    when they are too far apart, in different clauses, or the date names a period ("siden", "since")."""
    if sd.span.start >= ev.end:
        between = sentence[ev.end : sd.span.start]
    elif sd.span.end <= ev.start:
        between = sentence[sd.span.end : ev.start]
    else:
        return None
    if len(between) > EVENT_WINDOW or _CLAUSE_BARRIER.search(between.replace("[", " ").replace("]", " ")):
        return None
    if _PERIOD_WORD.search(sentence[max(0, sd.span.start - 14) : sd.span.start]):
        return None
    relation = _relation(between)
    if relation is not None and sd.span.end <= ev.start:  # "After it was approved on 17 March, Norway recognised it"
        gov = _GOVERNING.search(sentence[max(0, sd.span.start - 30) : sd.span.start])
        if gov:
            relation = "after" if _AFTER_WORD.search(gov.group()) else "before"
    return relation


def _event_date_verdict(
    cd: DateMention, sd: DateMention, relation: str, concept: str, passage: Passage
) -> RuleResult | None:
    """The claim's date against one source date for the same event, as intervals at each side's precision; None
    when they are years apart (another event of the same kind)."""
    c_lo, c_hi = cd.value, cd.last
    s_lo, s_hi = _interval_of(sd, relation)
    when = {"after": "on or after ", "before": "on or before ", "at": ""}[relation]
    src = f"{when}{sd.text!r} ({_iso_at(sd)})"
    head = f"claim says {cd.text!r} ({_iso_at(cd)}) for the event ({concept}); source says {src}"
    if s_hi < c_lo or c_hi < s_lo:
        if _years_apart((c_lo, c_hi), (s_lo, s_hi)) > EVENT_MAX_YEARS:
            return None  # years apart: another event of the same kind (another election, another recognition)
        score = EVENT_DATE_REFUTE if relation == "at" else EVENT_DATE_REFUTE_BOUND
        return RuleResult(
            Stance.REFUTES,
            score,
            "event_date",
            f"{head}: outside the claim's {cd.precision.value}",
            source_value=sd.text,
            evidence_date=passage.published,
        )
    if c_lo <= s_lo and s_hi <= c_hi:
        return RuleResult(
            Stance.SUPPORTS,
            EVENT_DATE_SUPPORT,
            "event_date",
            f"{head}: within the claim's {cd.precision.value}",
            source_value=sd.text,
            evidence_date=passage.published,
        )
    return RuleResult(
        Stance.NEUTRAL,
        NEUTRAL_SCORE,
        "event_date",
        f"{head}: less precise than the claim, does not decide it",
        source_value=sd.text,
        evidence_date=passage.published,
    )


# fmt: off
_REPORTING = {
    "said", "says", "say", "told", "stated", "announced", "confirmed", "sa", "sier", "uttalte", "opplyste",
    "bekreftet", "kunngjorde", "fortalte", "added", "la", "noted", "wrote", "skrev", "reported", "meldte"
}
# fmt: on


def _relation(between: str) -> str | None:
    """How a date relates to the event word with `between` in between: "at", "after" ("... after it was approved
    Saturday"), "before"; None when another event or a reporting verb ("said") stands between them and no
    "after / before" links the two."""
    words = list(_WORD.finditer(between))
    for m in words:
        w = m.group().lower()
        if w in _REPORTING or w in _EVENT_WORD:
            head = between[: m.start()]
            if _AFTER_WORD.search(head):
                return "after"
            if _BEFORE_WORD.search(head):
                return "before"
            return None
    if _AFTER_WORD.search(between):
        return "after"
    if _BEFORE_WORD.search(between):
        return "before"
    return "at"


def _clause_around(sentence: str, a: int, b: int) -> str:
    """The stretch of the sentence around [a, b) up to the nearest clause barriers on either side."""
    start, end = 0, len(sentence)
    for m in _CLAUSE_BARRIER.finditer(sentence):
        if m.end() <= a:
            start = m.end()
        elif m.start() >= b:
            end = m.start()
            break
    return sentence[start:end]


def _years_apart(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> float:
    if a[1] < b[0]:
        return (b[0] - a[1]).days / 365.25
    if b[1] < a[0]:
        return (a[0] - b[1]).days / 365.25
    return 0.0


def _iso_at(d: DateMention) -> str:
    if d.precision is Precision.DAY:
        return d.value.isoformat()
    if d.precision is Precision.MONTH:
        return d.value.strftime("%Y-%m")
    if d.precision is Precision.YEAR:
        return str(d.value.year)
    return f"{d.value.isoformat()}..{d.last.isoformat()}"


def _sentences(text: str) -> list[tuple[str, int]]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((text[start : m.start()], start))
        start = m.end()
    out.append((text[start:], start))
    return [(t, o) for t, o in out if t.strip()]


RULES = (age_rule, birth_rule, quantity_rule, date_rule, event_date_rule, exclusivity_rule)


def check_all(claim: Claim, passage: Passage) -> list[RuleResult]:
    """Every rule's result for this claim and passage, in rule order (age, birth, quantity, date, event date,
    exclusivity)."""
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
