"""What a stated quantity measures: its frame, read from the words around it (Bokmål, Nynorsk, English).

    frame = frame_of(text, quantity.span)
    frame.basis      "yoy" (12-month / from the same month a year earlier), "mom" (from the month before),
                     "ytd" (so far this year), or "" when the text does not say
    frame.change     True for a change ("9 600 flere", "økte med 3 prosent", "prisveksten ... på 3,3 prosent"),
                     False for a level the words name ("økt til", "prosent av arbeidsstyrken", "andelen", "totalt"),
                     None for a figure that says neither
    frame.periods    the months and quarters its sentence names ("m10", "q3")
    frame.direction  a change's sign: +1 ("flere", "økte", "rose"), -1 ("færre", "falt", "fell"), 0 unsaid
    frame.part       the figure is for a part named just before it ("innen reiseliv og transport ... med henholdsvis
                     6 300", "blant dem 14.500 barn", "of whom 40", the top of a ranking: "kommer reiseliv på topp,
                     med 11,2 prosent"), not the whole
    frame.kind       "forecast" ("anslo", "ventet", "expected", "forecast") or "outcome"
    frame.corrected  the figure is stated as a correction ("korrigert", "revised", "corrected")
    frame.superseded the figure is stated as the one a correction replaced ("tidligere publisert 3,3 prosent",
                     "previously reported", "opprinnelig")

Two figures measure the same thing only when their frames agree (`comparable`): a 12-month rate is not a
month-on-month change, a change is not a level, a rise is not a fall, a forecast is not an outcome, a part is not
the whole, October is not November. Where a text does not state a basis,
nothing is assumed. The words are one table per language below; they name kinds of measures, not any article.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from claims.model import Quantity, Span

_W = r"(?<![\w])(?:{})(?![\w])"


def _words(*alts: str) -> re.Pattern[str]:
    return re.compile(_W.format("|".join(alts)), re.IGNORECASE)


# One table of words per frame, Bokmål / Nynorsk / English together (kinds of measure, not topics).
BASIS_WORDS = {
    "yoy": _words(
        r"tolvmåneders\w*",
        r"12-måneders\w*",
        r"tolv måneder",
        r"samme måned i fjor",
        r"same månad i fjor",
        r"samme tid i fjor",
        r"same tid i fjor",
        r"på årsbasis",
        r"årsvekst\w*",
        r"year[- ]on[- ]year",
        r"12-month",
        r"twelve-month",
        r"from a year earlier",
        r"a year earlier",
        r"annual rate",
        r"y/y",
        r"yoy",
    ),
    "mom": _words(
        r"på månedsbasis",
        r"på månadsbasis",
        r"fra måneden før",
        r"frå månaden før",
        r"sammenlignet med måneden før",
        r"månedsvekst\w*",
        r"month[- ]on[- ]month",
        r"from the previous month",
        r"from the month before",
        r"m/m",
        r"fra (?:januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)"
        r" til (?:januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)",
        r"frå (?:januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)"
        r" til (?:januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)",
        r"from (?:january|february|march|april|may|june|july|august|september|october|november|december)"
        r" to (?:january|february|march|april|may|june|july|august|september|october|november|december)",
    ),
    "ytd": _words(
        r"hittil i år", r"så langt i år", r"til no i år", r"so far this year", r"year to date", r"year-to-date", r"ytd"
    ),
}
_CHANGE_BEFORE = re.compile(
    r"(?:(?<![\w])(?:økte|økt|øker|auka|aukar|steg|stiger|falt|faller|gikk\s+(?:ned|opp)|gjekk\s+(?:ned|opp)|rose|rises|"
    r"fell|falls|increased|decreased|grew|dropped|climbed|declined|went\s+(?:up|down))(?:\s+[\w,.-]+){0,5}?\s+(?:med|by)"
    r"|(?<![\w])(?:\w*økning\w*|auke\w*|nedgang\w*|oppgang\w*|\w*vekst\w*|increase|decrease|rise|growth|fall|"
    r"drop|inflasjon\w*|\w*inflasjon\w*|inflation)(?:\s+[\w,.-]+){0,6}?)\s*(?:på|of|at|was|var|er|is|til|to)?\s*"
    r"(?:[\w,.-]+\s+){0,2}$",
    re.IGNORECASE,
)
_PART_BEFORE = re.compile(
    r"(?<![\w])(?:henholdsvis|respectively|innen|innanfor|blant|among|within|hvorav|herav|"
    r"av dem|of them|of whom|of which|på topp|på toppen|høyest\w*|høgast\w*|lavest\w*|"
    r"lågast\w*|størst\w*|flest|highest|lowest|largest|at the top)(?![\w])",
    re.IGNORECASE,
)
_CHANGE_AFTER = re.compile(
    r"^\s*(?:%|prosent|per cent|percent|prosentpoeng|percentage points?)?\s*"
    r"(?:(?:og|and|eller|or|,)\s*[\d][\d.,\s]*(?:%|prosent|per cent)?\s*)?"
    r"(?:\w+\s+)?(?:flere|fleire|færre|more|fewer|høyere|lavere|høgare|lågare|higher|lower|"
    r"mer enn|mindre enn|up|down|opp|ned)(?![\w])",
    re.IGNORECASE,
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            "januar january jan",
            "februar february feb",
            "mars march mar",
            "april apr",
            "mai",
            "juni june jun",
            "juli july jul",
            "august aug",
            "september sept sep",
            "oktober october okt oct",
            "november nov",
            "desember december des dec",
        ),
        1,
    )
    for m in names.split()
}
_MONTH_RX = re.compile(
    r"(?<![\w])(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r"|May)(?![\w])", re.IGNORECASE
)
_ORDINAL_Q = {
    "første": 1,
    "fyrste": 1,
    "first": 1,
    "andre": 2,
    "second": 2,
    "tredje": 3,
    "third": 3,
    "fjerde": 4,
    "fourth": 4,
}
_QUARTER_RX = re.compile(
    r"(?<![\w])(?:([1-4])\.\s*|(første|fyrste|andre|tredje|fjerde|first|second|third|"
    r"fourth)\s+)(?:kvartal|quarter)|(?<![\w])Q([1-4])(?![\w])",
    re.IGNORECASE,
)


def _periods(around: str) -> frozenset[str]:
    """Months ("m10") and quarters ("q3") a figure's sentence names; "may" counts only as "May"."""
    out = set()
    for m in _MONTH_RX.finditer(around):
        word = m.group(1)
        if word.lower() == "may" and word != "May":
            continue
        if word.lower() in ("mar", "jun", "jul", "aug", "des") and not word[:1].isupper():
            continue
        out.add(f"m{_MONTHS.get(word.lower(), 5)}")
    for m in _QUARTER_RX.finditer(around):
        q = m.group(1) or m.group(3) or _ORDINAL_Q[m.group(2).lower()]
        out.add(f"q{q}")
    return frozenset(out)


_UP = re.compile(
    r"(?<![\w])(?:flere|fleire|økte|økt|øker|auka|aukar|auke\w*|økning\w*|steg|stiger|oppgang\w*|opp|"
    r"høyere|høgare|mer|more|higher|rose|rises|increase[ds]?|grew|up|climbed)(?![\w])",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"(?<![\w])(?:færre|falt|faller|fall|nedgang\w*|ned|lavere|lågare|mindre|fewer|lower|fell|"
    r"falls|decrease[ds]?|dropped|declined|down|less)(?![\w])",
    re.IGNORECASE,
)
LEVEL_WORDS = _words(
    r"prosent av",
    r"per cent of",
    r"percent of",
    r"% of",
    r"andel\w*",
    r"delen",
    r"utgjør",
    r"utgjorde",
    r"utgjer",
    r"share of",
    r"rate of",
    r"økt til",
    r"auka til",
    r"steget til",
    r"rose to",
    r"increased to",
    r"grew to",
    r"totalt",
    r"i alt",
    r"in total",
    r"a total of",
    r"har nå",
    r"now has",
    r"reached",
)
FORECAST_WORDS = _words(
    r"ansl\w*",
    r"ventet",
    r"venta",
    r"venter",
    r"forvent\w*",
    r"prognose\w*",
    r"spådde",
    r"spår",
    r"expected",
    r"expects",
    r"forecast\w*",
    r"projected",
    r"projection\w*",
    r"predicted",
    r"estimated to",
)
CORRECTED_WORDS = _words(
    r"korrigert\w*",
    r"korrigering\w*",
    r"rettet",
    r"revidert\w*",
    r"nedjustert\w*",
    r"oppjustert\w*",
    r"corrected",
    r"correction",
    r"revised",
    r"revision",
)
SUPERSEDED_BEFORE = re.compile(
    r"(?:tidligere publisert|tidlegare publisert|opprinnelig(?: publisert| oppgitt)?|først oppgitt|"
    r"previously (?:published|reported)|originally (?:published|reported)|initially reported|ned fra|opp fra|"
    r"down from|up from|revised from|mot tidligere)\s*(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)

# Measures of official statistics named alike across languages and inflections (a word -> the measure it names).
MEASURES = tuple(
    (re.compile(rx, re.IGNORECASE), name)
    for rx, name in (
        (
            r"(?:tolvmåneders|årlig|samlet|total)?(?:pris)?vekst(?:en)?|prisstigning\w*|inflasjon\w*|inflation|"
            r"konsumpris\w*|kpi|cpi|consumer prices?|totalinflasjon\w*|kjerneinflasjon\w*|core inflation",
            "inflation",
        ),
        (r"bruttoledighet\w*|bruttoarbeidsløys\w*|gross unemployment", "gross_unemployment"),
        (
            r"(?:arbeids)?ledighet\w*|(?:arbeids)?ledige|arbeidslause|arbeidsløyse\w*|unemploy\w*|jobless\w*",
            "unemployment",
        ),
        (r"permitter\w*|furlough\w*", "furloughed"),
        (r"nettoinnvandring\w*|nettoinnflytting\w*|net migration|net immigration", "net_migration"),
        (r"innvandr\w*|immigra\w*", "immigration"),
        (r"utvandr\w*|emigra\w*", "emigration"),
        (r"fødselsoversk\w*|birth surplus|excess of births|natural increase", "birth_surplus"),
        (r"folketall\w*|folketal\w*|folkemengde?\w*|befolkning\w*|population", "population"),
        (r"fødte|fødde|births?|født|fødd", "births"),
        (r"døde|døydde|deaths?|dødsfall", "deaths"),
    )
)


@functools.lru_cache(maxsize=65536)
def measure_of(word: str) -> str | None:
    """The measure a word names ("prisveksten", "tolvmånedersvekst", "inflation" -> "inflation"), else None."""
    for rx, name in MEASURES:
        if rx.fullmatch(word):
            return name
    return None


_BREAK = re.compile(r"(?<!\d)[.;!?]\s|\n")  # not after a digit: "i 3. kvartal", "16. juli"
WINDOW = 90  # characters either side of the figure, within its sentence


@dataclass(frozen=True, slots=True)
class Frame:
    basis: str = ""
    change: bool | None = False
    kind: str = "outcome"
    corrected: bool = False
    superseded: bool = False
    periods: frozenset = frozenset()  # months and quarters the figure's sentence names ("m10", "q3")
    direction: int = 0  # a change's sign: +1 up ("flere", "økte"), -1 down ("færre", "falt"), 0 unsaid
    part: bool = False  # the figure is for a part named before it ("innen reiseliv ... henholdsvis
    # 6 300", "blant dem 14.500 barn"), not for the whole

    def describe(self) -> str:
        """The frame in a few words for an explanation ("12-month, outcome")."""
        parts = [{"yoy": "12-month", "mom": "month-on-month", "ytd": "year-to-date"}.get(self.basis, "")]
        parts.append({True: "change", False: "level", None: ""}[self.change])
        parts.append(self.kind)
        return ", ".join(p for p in parts if p)


def sentence_around(text: str, span: Span) -> tuple[str, int]:
    """The figure's sentence, at most WINDOW characters either side of it, and the offset where that starts."""
    lo = max(0, span.start - WINDOW)
    hi = min(len(text), span.end + WINDOW)
    left = text[lo : span.start]
    cut = max((m.end() for m in _BREAK.finditer(left)), default=0)
    right = text[span.end : hi]
    stop = _BREAK.search(right)
    return left[cut:] + text[span.start : span.end] + (right[: stop.start()] if stop else right), lo + cut


def frame_of(text: str, span: Span) -> Frame:
    """The frame of the figure at `span` in `text`, read from its sentence (at most WINDOW characters either
    side). Example: frame_of("Matvareprisene steg med 0,6 prosent fra måneden før.", Span(24, 35)) ->
    Frame(basis="mom", change=True, kind="outcome"). Percentages and counts are read alike."""
    around, offset = sentence_around(text, span)
    basis = next((name for name, rx in BASIS_WORDS.items() if rx.search(around)), "")
    before = text[max(0, span.start - 40) : span.start]
    start = span.start - offset
    near_before = around[max(0, start - 70) : start]
    near_after = around[start + (span.end - span.start) :][:30]
    change: bool | None = bool(_CHANGE_BEFORE.search(near_before) or _CHANGE_AFTER.search(near_after))
    if not change:  # a level only where the words say so; a bare figure may be either
        change = False if LEVEL_WORDS.search(around) else None
    direction = 0
    if change:
        near = near_before[-40:] + " " + near_after
        up, down = bool(_UP.search(near)), bool(_DOWN.search(near))
        direction = 1 if up and not down else -1 if down and not up else 0
    return Frame(
        basis=basis,
        change=change,
        kind="forecast" if FORECAST_WORDS.search(around) else "outcome",
        corrected=bool(CORRECTED_WORDS.search(around)),
        superseded=bool(SUPERSEDED_BEFORE.search(before)),
        periods=_periods(around),
        direction=direction,
        part=bool(_PART_BEFORE.search(near_before)),
    )


def locate(text: str, q: Quantity) -> Span | None:
    """Where a quantity stands in `text`: its own span when that covers its text there, else the first place its
    text occurs (a claim rewritten from its sentence), else None."""
    if q.span.end <= len(text) and text[q.span.start : q.span.end] == q.text:
        return q.span
    i = text.find(q.text) if q.text else -1
    return Span(i, i + len(q.text)) if i >= 0 else None


def measures_near(text: str, span: Span) -> list[str]:
    """The statistics the figure's sentence names ("inflation", "unemployment"), nearest first."""
    around, offset = sentence_around(text, span)
    found = []
    for m in sorted(re.finditer(r"[^\W\d_]+", around), key=lambda m: abs(offset + m.start() - span.start)):
        name = measure_of(m.group())
        if name and name not in found:
            found.append(name)
    return found


def frame_dict(text: str, span: Span) -> dict:
    """A figure's frame as JSON-ready fields (what `factcheck check --format jsonl` writes with each quantity)."""
    f = frame_of(text, span)
    return {
        "measure": measures_near(text, span),
        "basis": f.basis or None,
        "change": f.change,
        "direction": f.direction or None,
        "kind": f.kind,
        "periods": sorted(f.periods),
        "corrected": f.corrected,
    }


def comparable(a: Frame, b: Frame) -> str:
    """Why two figures do not measure the same thing ("" when their frames agree): both bases stated and
    different, a change against a level, a forecast against an outcome."""
    if a.basis and b.basis and a.basis != b.basis:
        return f"{a.describe()} against {b.describe()}"
    if a.direction and b.direction and a.direction != b.direction:
        return "a rise against a fall" if a.direction > 0 else "a fall against a rise"
    if a.change is not None and b.change is not None and a.change != b.change:
        return f"a {'change' if a.change else 'level'} against a {'change' if b.change else 'level'}"
    if a.kind != b.kind:
        return f"a {a.kind} against an {b.kind}" if b.kind == "outcome" else f"an {a.kind} against a {b.kind}"
    if a.part != b.part:
        return "a part against a whole" if a.part else "a whole against a part"
    if _disjoint_periods(a.periods, b.periods):
        return f"{_show(a.periods)} against {_show(b.periods)}"
    return ""


def _disjoint_periods(a: frozenset, b: frozenset) -> bool:
    """Both name months (or both quarters) and share none."""
    for kind in "mq":
        x, y = {p for p in a if p[0] == kind}, {p for p in b if p[0] == kind}
        if x and y and not x & y:
            return True
    return False


def _show(periods: frozenset) -> str:
    names = [
        "",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return "/".join(names[int(p[1:])] if p[0] == "m" else f"Q{p[1:]}" for p in sorted(periods))
