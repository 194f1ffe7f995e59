"""Mentions of numbers, dates and exclusivity in Norwegian and English text, with exact spans.

Used on claim sentences and on evidence passages alike. Every mention's span satisfies
``text[span.start:span.end] == mention.text``; the functions never raise on odd input.

Quantities (:func:`parse_quantities`)
    Digits in Norwegian and English formats: ``34.000``, ``34 000`` (also NBSP / thin space),
    ``34,000``, ``1.234.567,5``, ``4,5``, ``4.5``; scale words (``tusen``, ``mill.``,
    ``millioner``, ``mrd.``, ``milliarder``, ``thousand``, ``million``, ``billion``, ``bn``;
    Norwegian ``billion(er)`` is 10**12); small number words (``to``..``tolv``, ``two``..``twelve``,
    tens, ``hundre``/``tusen``; ``en``/``one`` only before a scale word); comparators before the
    number (``over``, ``mer enn``, ``minst``, ``nesten``, ``ca.``, ``at least``, ``up to`` ...) and
    after it (``eller mer``, ``or more``, ``+``); ranges (``mellom X og Y``, ``between X and Y``,
    ``fra X til Y``, ``X–Y``).

    Units: ``percent`` / ``percentage_point``; ``year_of_age`` (``87 år gamle``, ``87-åringen``,
    ``87-year-old``, ``aged 87``, ``Age: 87 years old``, ``Abbas (87)``); currencies ``NOK``,
    ``USD``, ``EUR``, ``GBP`` (``kr``, ``kroner``, ``$``, ``dollar``, ``€``, ``euro`` ...);
    durations ``year`` / ``month`` / ``week`` / ``day`` (``15 år``, ``3 months``); a few
    measures (``km``, ``kg``, ``t``). Count nouns ("palestinere", "people") are *not* kept as a
    unit: unit stays ``""`` so that "34.000 palestinere" and "34,535 people" stay comparable.

    The span covers the comparator, the currency sign, the number, the scale word and the unit
    phrase (``"Over 34.000"``, ``"45 prosent"``, ``"87 år gamle"``).

    Separators: a space is always a group separator. With one kind of separator occurring once,
    it is the language's decimal symbol (taken from babel's locale data: ``,`` for nb, ``.`` for
    en) unless it is the other symbol followed by exactly three digits (``34.000`` in nb,
    ``34,000`` in en: thousands). Without a language, exactly three digits after the separator
    means thousands. Several occurrences are grouping; with both kinds, the last one is decimal.

    A bare 4-digit number 1900-2100 with no comparator, scale or unit is marked ``is_year=True``.
    Numbers that are part of dates (``30.04.2024``, the day in ``15. november``) or clock times
    are not returned as quantities.

Dates (:func:`parse_dates`)
    ``15. november 1935``, ``15 November 1935``, ``November 15, 1935``, ``15th of November 1935``,
    ``2024-04-30``, ``30.04.2024`` / ``30/04/2024`` (``04/30/2024`` in en), ``januar 2006``,
    ``Nov. 2023`` (month), bare years 1900-2100 (year), and with an anchor date: ``7. oktober``
    / ``November 15`` without a year (the latest such day on or before the anchor), ``i mai`` /
    ``in May`` (latest such month), ``i dag``/``today``, ``i går``/``yesterday``,
    ``i forgårs``, ``i morgen``/``tomorrow``, ``forrige måned``/``last month``, ``denne måneden``
    /``this month``, ``i fjor``/``last year``, ``i år``/``this year``, weekdays (``tirsdag``,
    ``on Tuesday``: the latest on or before the anchor; with a day of the month written as one, ``fredag 14.``,
    ``fredag 14, mars``, ``Friday 14th``: the nearest such Friday the 14th). Other languages fall back to dateparser.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from claims.language import normalise_language_code
from claims.model import Comparator, DateMention, Precision, Quantity, Span

__all__ = [
    "parse_quantities",
    "parse_dates",
    "find_exclusivity",
    "age_on",
    "exclusivity_marker",
    "is_month_name",
    "normalise_language",
]

# --------------------------------------------------------------------------------------------
# language


def normalise_language(language: str | None) -> str:
    """The code whose number and date conventions apply: Bokmål and Nynorsk both read as 'nb'."""
    code = normalise_language_code(language)
    return "nb" if code in ("nb", "nn") else code


@functools.lru_cache(maxsize=64)
def _decimal_symbol(lang: str) -> str | None:
    """The language's decimal symbol from babel's CLDR data, None when unknown."""
    if not lang:
        return None
    try:
        from babel.numbers import get_decimal_symbol

        return get_decimal_symbol(lang)
    except Exception:  # unknown locale: fall back to digit grouping
        return None


# --------------------------------------------------------------------------------------------
# number tokens

_SP = "[ \u00a0\u202f\u2009]"  # group separators: space, no-break space, narrow / thin space
_DIGITS = re.compile(
    r"(?<![\w.,])(?<![^\W\d_]-)"  # not inside a word or a number, not "COVID-19"
    r"(?:"
    rf"\d{{1,3}}(?:{_SP}\d{{3}})+(?:[.,]\d+)?"  # 34 000 / 1 234 567,5
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"  # 34.000 / 1.234.567,5
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 34,000 / 1,234,567.5
    r"|\d+(?:[.,]\d+)?"  # 2009 / 4,5 / 4.5
    r")"
    r"(?![\d]|[.,]\d)"
)

_WORDS_NB = {
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "sju": 7,
    "syv": 7,
    "åtte": 8,
    "ni": 9,
    "ti": 10,
    "elleve": 11,
    "tolv": 12,
    "tretten": 13,
    "fjorten": 14,
    "femten": 15,
    "seksten": 16,
    "sytten": 17,
    "atten": 18,
    "nitten": 19,
    "tjue": 20,
    "tretti": 30,
    "førti": 40,
    "femti": 50,
    "seksti": 60,
    "sytti": 70,
    "åtti": 80,
    "nitti": 90,
    "hundre": 100,
    "tusen": 1000,
}
_WORDS_EN = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
}
_ONE = {"nb": ("en", "ett", "én"), "en": ("one", "a")}  # only before a scale word


def _word_re(words: dict[str, int]) -> re.Pattern[str]:
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)


_WORDS_NB_RE = _word_re(_WORDS_NB)
_WORDS_EN_RE = _word_re(_WORDS_EN)

# scale words: (pattern, multiplier); Norwegian "billion" is 10**12, English 10**9
_SCALES_COMMON = [
    (r"millioner|millions?|mill\.|mill|mln\.?|mio\.?", 10**6),
    (r"milliarder|milliard|mrd\.?", 10**9),
    (r"trillions?", 10**12),
    (r"tusen|thousands?", 10**3),
    (r"hundre|hundreds?", 10**2),
]
_SCALE_BILLION = {"nb": 10**12, "": 10**9}


def _scale_re(lang: str) -> list[tuple[re.Pattern[str], int]]:
    billion = _SCALE_BILLION.get(lang, 10**9)
    pats = [(p, m) for p, m in _SCALES_COMMON] + [(r"billioner|billions?", billion), (r"bn", 10**9)]
    return [(re.compile(rf"^{_SP}*(?:{p})(?![\w])", re.IGNORECASE), m) for p, m in pats]


_SCALES = {lang: _scale_re(lang) for lang in ("nb", "en", "")}
_ATTACHED_SCALE = re.compile(r"^(bn|mn|m|k|B|M|K)(?![\w])")  # "$18.5bn", "$5m", "$10M" (only with a currency)


_DETERMINER_BEFORE = re.compile(
    r"(?<![\w])(?:de|the|disse|these|those|begge|both|våre|our|deres|their|its|sine|hans|hennes|his|her)\s+$",
    re.IGNORECASE,
)


# Norwegian number words that are also verbs: "måtte tre tilbake" (step back), "tre i kraft" (take effect),
# "å fire på kravene" (give way). Read as a verb after an infinitive marker or a modal, or before a particle
# such a verb takes; "tre av fire", "tre på rad" stay counts.
_VERB_WORDS_NB = frozenset({"tre", "fire", "ti"})
_VERB_BEFORE_NB = re.compile(
    r"(?<![\w])(?:å|må|måtte|vil|ville|skal|skulle|kan|kunne|bør|burde|lot|la)\s+(?:(?:ikke|ikkje|aldri)\s+)?$",
    re.IGNORECASE,
)
_VERB_AFTER_NB = re.compile(r"^\s+(?:tilbake|fram|frem|i kraft|til side)(?![\w])", re.IGNORECASE)


def _verb_use(text: str, start: int, end: int) -> bool:
    """A Norwegian number word used as a verb here ("måtte tre tilbake", "tre i kraft")."""
    if text[start:end].lower() not in _VERB_WORDS_NB:
        return False
    return bool(_VERB_BEFORE_NB.search(text[max(0, start - 20) : start]) or _VERB_AFTER_NB.search(text[end : end + 14]))


class _Token(NamedTuple):
    start: int
    end: int
    value: Decimal
    raw: str
    is_word: bool


def _digits_value(raw: str, lang: str) -> Decimal | None:
    """Decide separators (see module docstring) and return the exact value."""
    s = re.sub(_SP, "", raw)
    dots, commas = s.count("."), s.count(",")
    try:
        if dots and commas:
            dec = "." if s.rfind(".") > s.rfind(",") else ","
            grp = "," if dec == "." else "."
            return Decimal(s.replace(grp, "").replace(dec, "."))
        if not dots and not commas:
            return Decimal(s)
        sep = "." if dots else ","
        if s.count(sep) > 1:
            return Decimal(s.replace(sep, ""))
        after = len(s) - s.index(sep) - 1
        dec_sym = _decimal_symbol(lang)
        if dec_sym == sep:
            grouping = False
        else:
            grouping = after == 3
        if " " in raw or "\u00a0" in raw or "\u202f" in raw or "\u2009" in raw:
            grouping = False  # "34 000,5": the space already groups, the separator is decimal
        return Decimal(s.replace(sep, "")) if grouping else Decimal(s.replace(sep, "."))
    except InvalidOperation:
        return None


def _tokens(text: str, lang: str) -> list[_Token]:
    toks: list[_Token] = []
    for m in _DIGITS.finditer(text):
        v = _digits_value(m.group(), lang)
        if v is not None:
            toks.append(_Token(m.start(), m.end(), v, m.group(), False))
    word_sets: list[tuple[re.Pattern[str], dict[str, int]]] = []
    if lang == "nb":
        word_sets.append((_WORDS_NB_RE, _WORDS_NB))
    elif lang in ("en", ""):  # unknown language: English words only ("to", "fire" are English words)
        word_sets.append((_WORDS_EN_RE, _WORDS_EN))
    for rx, table in word_sets:
        for m in rx.finditer(text):
            if _DETERMINER_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
                continue  # "de to partene", "the two sides": a reference, not a count
            if lang == "nb" and _verb_use(text, m.start(), m.end()):
                continue  # "måtte tre tilbake": a verb, not a count
            toks.append(_Token(m.start(), m.end(), Decimal(table[m.group().lower()]), m.group(), True))
    ones = _ONE.get(lang, ()) if lang else _ONE["en"]
    if ones:
        alt = "|".join(ones)
        for m in re.finditer(
            rf"(?<![\w-])(?:{alt})(?={_SP}+(?:mill|milliard|mrd|billion|thousand|tusen|hundre|hundred|trillion))",
            text,
            re.IGNORECASE,
        ):
            toks.append(_Token(m.start(), m.end(), Decimal(1), m.group(), True))
    toks.sort(key=lambda t: (t.start, -t.end))
    return toks


# --------------------------------------------------------------------------------------------
# context around a number


def _alt(phrases: list[str]) -> str:
    return "|".join(sorted(phrases, key=len, reverse=True))


_COMPARATORS: dict[Comparator, list[str]] = {
    Comparator.GT: [
        "over",
        r"mer enn",
        r"flere enn",
        r"i overkant av",
        r"drøyt",
        r"vel",
        r"more than",
        r"upwards of",
        r"in excess of",
        r"greater than",
        r"above",
        r"higher than",
        r"nearly over",
    ],
    Comparator.GE: [
        r"minst",
        r"at least",
        r"no fewer than",
        r"no less than",
        r"ikke færre enn",
        r"passerte",
        r"har passert",
        r"passert",
        r"passerer",
        r"passed",
        r"has passed",
        r"topped",
        r"surpassed",
        r"exceeded",
        r"oversteg",
        r"har oversteget",
    ],
    Comparator.LT: [
        "under",
        r"færre enn",
        r"mindre enn",
        r"i underkant av",
        r"fewer than",
        r"less than",
        r"below",
        r"lower than",
    ],
    Comparator.LE: [
        r"høyst",
        r"opptil",
        r"maks\.?",
        r"maksimalt",
        r"inntil",
        r"at most",
        r"up to",
        r"no more than",
        r"a maximum of",
    ],
    Comparator.APPROX: [
        r"rundt",
        r"om lag",
        r"omkring",
        r"ca\.",
        r"ca",
        r"cirka",
        r"omtrent",
        r"anslagsvis",
        r"about",
        r"around",
        r"approximately",
        r"approx\.",
        r"roughly",
        r"some",
        r"an estimated",
        r"estimated",
        r"circa",
        r"c\.",
    ],
    Comparator.NEARLY: [
        r"nesten",
        r"snart",
        r"nærmere",
        r"bortimot",
        r"opp mot",
        r"knapt",
        r"nearly",
        r"almost",
        r"close to",
        r"just under",
        r"just shy of",
        r"nærmer seg",
        r"nærmar seg",
        r"nærma seg",
        r"approaching",
        r"approaches",
    ],
    Comparator.BETWEEN: [r"mellom", r"between", r"fra", r"from"],
}
_CMP_LOOKUP: dict[str, Comparator] = {}
_CMP_PHRASES: list[str] = []
for _cmp, _phrases in _COMPARATORS.items():
    for _p in _phrases:
        _CMP_PHRASES.append(_p)
_CMP_BEFORE = re.compile(rf"(?<![\w.])({_alt(_CMP_PHRASES)}){_SP}*$", re.IGNORECASE)
_CMP_COMPILED = [(c, re.compile(rf"^(?:{_alt(ps)})$", re.IGNORECASE)) for c, ps in _COMPARATORS.items()]
_GE_AFTER = re.compile(rf"^(?:{_SP}+(?:eller mer|eller flere|or more|and more|og mer)(?![\w])|\+)", re.IGNORECASE)
_RANGE_JOIN = re.compile(rf"^{_SP}+(?:og|and|til|to|–|-){_SP}+", re.IGNORECASE)
_RANGE_DASH = re.compile(rf"^{_SP}?[–—-]{_SP}?")

_CURRENCY_BEFORE = re.compile(r"(?<![\w])(US\$|\$|€|£|NOK|USD|EUR|GBP|kr\.?)" + _SP + r"?$")
_CURRENCY_AFTER = re.compile(
    rf"^{_SP}*(kroner|kr\.?|NOK|USD|EUR|GBP|dollars?|euros?|pounds?|pund|€|\$|£)(?![\w])", re.IGNORECASE
)
_CURRENCY_CODE = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "pund": "GBP",
    "nok": "NOK",
    "kr": "NOK",
    "kr.": "NOK",
    "kroner": "NOK",
}
_PERCENT_AFTER = re.compile(
    rf"^{_SP}*(prosentpoeng|percentage points?|%|prosent|percent|per cent|pct\.?)(?![\w])", re.IGNORECASE
)
_AGE_AFTER = re.compile(
    rf"^(?:{_SP}*år{_SP}+gam(?:le|mel|malt)|-årig(?:e)?|-åring(?:en|er|ene)?|{_SP}?-?years?[- ]olds?"
    rf"|{_SP}+years?{_SP}+of{_SP}+age|{_SP}+(?:years|yrs\.?){_SP}+old)(?![\w])",
    re.IGNORECASE,
)
_AGE_BEFORE = re.compile(
    rf"(?<![\w])(aged|age:|age|alder:?|i en alder av|fylte|fyller|turned|turns){_SP}*$", re.IGNORECASE
)
_AGE_PAREN_BEFORE = re.compile(r"[A-ZÆØÅ][\w.'’-]*\s?\($")
_DURATION_AFTER = re.compile(
    rf"^{_SP}*(år|years?|måneder|måneders|måned|months?|uker|uke|weeks?|dager|døgn|dag|days?)(?![\w])", re.IGNORECASE
)
_DURATION_UNIT = {
    "år": "year",
    "year": "year",
    "years": "year",
    "måned": "month",
    "måneder": "month",
    "måneders": "month",
    "month": "month",
    "months": "month",
    "uke": "week",
    "uker": "week",
    "week": "week",
    "weeks": "week",
    "dag": "day",
    "dager": "day",
    "døgn": "day",
    "day": "day",
    "days": "day",
}
_MEASURE_AFTER = re.compile(rf"^{_SP}*(km|kg|tonn|tonnes|tons|t)(?![\w])", re.IGNORECASE)
_MEASURE_UNIT = {"km": "km", "kg": "kg", "tonn": "t", "tonnes": "t", "tons": "t", "t": "t"}

_TIME = re.compile(
    r"(?<![\d.,:])(?:\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?=\s*(?:am|pm|a\.m\.|p\.m\.)|(?<=\d:\d\d))"
    r"|\d{1,2}:\d{2})",
    re.IGNORECASE,
)
_KL_TIME = re.compile(r"(?<![\w])(?:kl\.?|klokka|klokken)\s*\d{1,2}(?:[.:]\d{2})?", re.IGNORECASE)


def _comparator_of(phrase: str) -> Comparator:
    for cmp, rx in _CMP_COMPILED:
        if rx.match(phrase):
            return cmp
    return Comparator.EQ


# --------------------------------------------------------------------------------------------
# dates: patterns first, a month table to resolve them

_MONTHS: dict[str, int] = {
    "januar": 1,
    "februar": 2,
    "mars": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "october": 10,
    "december": 12,
}
_MONTH_ABBR: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "des": 12,
    "dec": 12,
}
_EN_ONLY_MONTHS = {"january", "february", "march", "may", "june", "july", "october", "december"}
_MONTH_ALT = _alt([re.escape(m) for m in _MONTHS] + [re.escape(m) + r"\.?" for m in _MONTH_ABBR])
_MONTH_FULL_ALT = _alt([re.escape(m) for m in _MONTHS])
_MONTH_ABBR_DOT_ALT = _alt([re.escape(m) + r"\." for m in _MONTH_ABBR])
_M = rf"(?P<month>{_MONTH_ALT})(?![\w])"
_YR = r"(?P<year>\d{4})(?![\d]|[.,]\d)"
_DAY = r"(?P<day>\d{1,2})"
_ORD = r"(?:\.|st|nd|rd|th)?"

_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<![\w.-])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?![\w]|[.-]\d)")),
    (
        "numeric",
        re.compile(
            r"(?<![\w.,/])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w]|[./,]\d)"
        ),
    ),
    ("dmy", re.compile(rf"(?<![\w.,]){_DAY}{_ORD}\s+(?:of\s+)?{_M},?\s+(?P<br>\[)?{_YR}(?(br)\])", re.IGNORECASE)),
    ("mdy", re.compile(rf"(?<![\w]){_M}\s+{_DAY}(?:st|nd|rd|th)?,?\s+(?P<br>\[)?{_YR}(?(br)\])", re.IGNORECASE)),
    ("my", re.compile(rf"(?<![\w]){_M},?\s+(?:of\s+)?{_YR}", re.IGNORECASE)),
    ("dm", re.compile(rf"(?<![\w.,]){_DAY}{_ORD}\s+(?:of\s+)?{_M}", re.IGNORECASE)),
    (
        "md",
        re.compile(
            rf"(?<![\w])(?P<month>{_MONTH_FULL_ALT}|{_MONTH_ABBR_DOT_ALT})\s+{_DAY}(?:st|nd|rd|th)?(?![\w]|[.,]\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "m",
        re.compile(
            r"(?<![\w])(?:i|in|fra|from|siden|since|til|until|during|i løpet av)\s+"
            rf"(?P<month>{_MONTH_FULL_ALT})(?![\w])",
            re.IGNORECASE,
        ),
    ),
    ("year", re.compile(r"(?<![\w.,/])(?<![^\W\d_]-)(?P<year>19\d\d|20\d\d|2100)(?![\w]|[.,]\d|-tall|'s\b|’s\b)")),
]

# the first day of "27-28 April 2024", "20. og 21. juli": its own mention, span on the number only
_DAY_RANGE = re.compile(
    rf"(?<![\w.,])(?P<day1>\d{{1,2}})\.?\s?(?:[–-]|og|and|til|to)\s?{_DAY}{_ORD}\s+(?:of\s+)?{_M}(?:,?\s+{_YR})?",
    re.IGNORECASE,
)

_RELATIVE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\w])(i\s+dag|today)(?![\w])", re.IGNORECASE), "today"),
    (re.compile(r"(?<![\w])(i\s+går|yesterday)(?![\w])", re.IGNORECASE), "yesterday"),
    (re.compile(r"(?<![\w])(i\s+forgårs|the day before yesterday)(?![\w])", re.IGNORECASE), "2daysago"),
    (re.compile(r"(?<![\w])(i\s+morgen|tomorrow)(?![\w])", re.IGNORECASE), "tomorrow"),
    (re.compile(r"(?<![\w])(forrige\s+måned|sist(?:e)?\s+måned|last\s+month)(?![\w])", re.IGNORECASE), "lastmonth"),
    (re.compile(r"(?<![\w])(denne\s+måneden|this\s+month)(?![\w])", re.IGNORECASE), "thismonth"),
    (re.compile(r"(?<![\w])(i\s+fjor|last\s+year)(?![\w])", re.IGNORECASE), "lastyear"),
    (re.compile(r"(?<![\w])(i\s+år|this\s+year)(?![\w])", re.IGNORECASE), "thisyear"),
]
_WEEKDAYS = {
    "mandag": 0,
    "tirsdag": 1,
    "onsdag": 2,
    "torsdag": 3,
    "fredag": 4,
    "lørdag": 5,
    "søndag": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
# a weekday with the day of the month written as one ("fredag 14.", "fredag 14, mars", "Friday 14th"), not a count
_WEEKDAY_DAY = re.compile(r"\s+(?:den\s+|the\s+)?(\d{1,2})(?:\.|,|st|nd|rd|th)(?![\d\w])")


def _weekday_on_day(weekday: int, day: int, anchor: dt.date, reach: int = 200) -> dt.date | None:
    """The date nearest `anchor` (the earlier on a tie, within `reach` days) that falls on `weekday` and is the
    `day`th of its month ("fredag 14" in a page of 24 March 2025 -> Friday 14 March 2025)."""
    if not 1 <= day <= 31:
        return None
    for gap in range(reach + 1):
        for when in (anchor - dt.timedelta(days=gap), anchor + dt.timedelta(days=gap)):
            if when.day == day and when.weekday() == weekday:
                return when
    return None


_WEEKDAY_RE = re.compile(rf"(?<![\w-])({_alt(list(_WEEKDAYS))})(?![\w-])", re.IGNORECASE)


def _month_number(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTH_ABBR.get(key)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _latest_day(month: int, day: int, anchor: dt.date) -> dt.date | None:
    """The latest month/day on or before the anchor (looks back up to 8 years for 29 February)."""
    for year in range(anchor.year, anchor.year - 9, -1):
        d = _safe_date(year, month, day)
        if d is not None and d <= anchor:
            return d
    return None


def _shift_month(d: dt.date, months: int) -> dt.date:
    idx = d.year * 12 + (d.month - 1) + months
    return dt.date(idx // 12, idx % 12 + 1, 1)


def _year_of_two_digits(yy: int, anchor: dt.date | None) -> int:
    ref = (anchor or dt.date.today()).year
    year = 2000 + yy
    return year if year <= ref + 1 else 1900 + yy


def _resolve(kind: str, m: re.Match[str], text: str, lang: str, anchor: dt.date | None) -> DateMention | None:
    g = m.groupdict()
    span = Span(m.start(), m.end())
    value: dt.date | None = None
    precision = Precision.DAY
    if kind == "iso":
        value = _safe_date(int(g["year"]), int(g["month"]), int(g["day"]))
    elif kind == "numeric":
        a, b = int(g["a"]), int(g["b"])
        y = int(g["year"]) if len(g["year"]) == 4 else _year_of_two_digits(int(g["year"]), anchor)
        day, month = (b, a) if (lang == "en" and g["sep"] == "/") else (a, b)
        value = _safe_date(y, month, day) or _safe_date(y, day, month)
    elif kind in ("dmy", "mdy"):
        month = _month_number(g["month"])
        value = _safe_date(int(g["year"]), month, int(g["day"])) if month else None
    elif kind == "my":
        month = _month_number(g["month"])
        if month and (g["month"][0].isupper() or g["month"].lower() not in _EN_ONLY_MONTHS):
            value, precision = _safe_date(int(g["year"]), month, 1), Precision.MONTH
    elif kind in ("dm", "md"):
        month = _month_number(g["month"])
        if kind == "md" and not g["month"][0].isupper():
            return None
        if month and anchor is not None and 1 <= int(g["day"]) <= 31:
            value = _latest_day(month, int(g["day"]), anchor)
    elif kind == "m":
        name = g["month"]
        if anchor is None or (name.lower() in _EN_ONLY_MONTHS and not name[0].isupper()):
            return None
        month = _MONTHS[name.lower()]
        year = anchor.year if month <= anchor.month else anchor.year - 1
        end = m.end("month")
        which = _MONTH_YEAR_AFTER.match(text, end)
        if which:  # "i januar i fjor" / "in January last year": that month of the year named
            year = anchor.year - 1 if which.group(1).lower() in ("i fjor", "last year") else anchor.year
            end = which.end()
        value, precision = dt.date(year, month, 1), Precision.MONTH
        span = Span(m.start("month"), end)
    elif kind == "year":
        if not _year_context_ok(text, m.start(), m.end()):
            return None
        value, precision = dt.date(int(g["year"]), 1, 1), Precision.YEAR
    if value is None:
        return None
    return DateMention(value=value, precision=precision, span=span, text=text[span.start : span.end])


_MONTH_YEAR_AFTER = re.compile(r"\s+(i fjor|last year|i år|this year)(?![\w])", re.IGNORECASE)

_WEEK_RE = re.compile(
    r"(?<![\w])(?:i\s+helgen|(?:forrige|sist(?:e)?)\s+helg|(?:last|this|the)\s+weekend|over\s+the\s+weekend"
    r"|(?:forrige|sist(?:e)?)\s+uke|i\s+forrige\s+uke|last\s+week|denne\s+uken|this\s+week)(?![\w])",
    re.IGNORECASE,
)


def _resolve_week(m: re.Match[str], anchor: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first, last day): a weekend is the latest Saturday-Sunday that began before the anchor
    ("i helgen" in a Tuesday article: the weekend just gone); a week runs Monday to Sunday."""
    low = m.group().lower()
    try:
        if "helg" in low or "weekend" in low:
            sat = anchor - dt.timedelta(days=(anchor.weekday() - 5) % 7)  # Sat/Sun article: this weekend
            return sat, sat + dt.timedelta(days=1)
        monday = anchor - dt.timedelta(days=anchor.weekday())
        if low.startswith(("forrige", "sist", "last", "i forrige")):
            monday -= dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=6)
    except (OverflowError, ValueError):
        return None


def _resolve_relative(key: str, anchor: dt.date) -> tuple[dt.date, Precision] | None:
    try:
        if key == "today":
            return anchor, Precision.DAY
        if key == "yesterday":
            return anchor - dt.timedelta(days=1), Precision.DAY
        if key == "2daysago":
            return anchor - dt.timedelta(days=2), Precision.DAY
        if key == "tomorrow":
            return anchor + dt.timedelta(days=1), Precision.DAY
        if key == "lastmonth":
            return _shift_month(anchor, -1), Precision.MONTH
        if key == "thismonth":
            return _shift_month(anchor, 0), Precision.MONTH
        if key == "lastyear":
            return dt.date(anchor.year - 1, 1, 1), Precision.YEAR
        if key == "thisyear":
            return dt.date(anchor.year, 1, 1), Precision.YEAR
    except (ValueError, OverflowError):
        return None
    return None


def _year_context_ok(text: str, start: int, end: int) -> bool:
    """A bare 1900-2100 number is a year unless a comparator, currency or unit says it is a count."""
    before, after = text[max(0, start - 30) : start], text[end : end + 40]
    if _CMP_BEFORE.search(before) or _CURRENCY_BEFORE.search(before):
        return False
    for rx in (_PERCENT_AFTER, _CURRENCY_AFTER, _AGE_AFTER, _MEASURE_AFTER):
        if rx.match(after):
            return False
    if any(rx.match(after) for rx, _ in _SCALES[""]) or _DURATION_AFTER.match(after):
        return False
    return True


def _select(cands: list[tuple[int, DateMention]]) -> list[DateMention]:
    """Longest first (then pattern priority), without overlaps; returned in text order."""
    chosen: list[DateMention] = []
    for _, d in sorted(cands, key=lambda c: (-(c[1].span.end - c[1].span.start), c[0], c[1].span.start)):
        if not any(d.span.overlaps(o.span) for o in chosen):
            chosen.append(d)
    return sorted(chosen, key=lambda d: d.span.start)


def parse_dates(text: str, language: str = "", anchor: dt.date | None = None) -> list[DateMention]:
    """Date mentions in text, resolved to the first day of their precision.

    anchor (usually the article's publication date) resolves dates without a year and
    relative ones; without it those are skipped. Never raises on odd input.
    """
    if not text or not isinstance(text, str):
        return []
    lang = normalise_language(language)
    cands: list[tuple[int, DateMention]] = []
    try:
        for prio, (kind, rx) in enumerate(_DATE_PATTERNS):
            for m in rx.finditer(text):
                d = _resolve(kind, m, text, lang, anchor)
                if d is not None:
                    cands.append((prio, d))
        _add_day_ranges(text, anchor, cands)
        if anchor is not None:
            _add_relative_dates(text, anchor, len(_DATE_PATTERNS), cands)
        if lang and lang not in ("nb", "en"):
            cands.extend((-1, d) for d in _dateparser_fallback(text, lang, anchor))
    except Exception:  # a parser bug must not sink a run: return what is certain
        cands = [c for c in cands if c[1].span.of(text) == c[1].text]
    return _without_repeated_weekdays(text, _select(cands))


def _add_day_ranges(text: str, anchor: dt.date | None, cands: list[tuple[int, DateMention]]) -> None:
    """ "3.-5. mai", "3-5 May": the range's first day, a date of its own."""
    for m in _DAY_RANGE.finditer(text):
        month = _month_number(m.group("month"))
        day1 = int(m.group("day1"))
        if not month or day1 >= int(m.group("day")):
            continue
        if m.group("year"):
            value = _safe_date(int(m.group("year")), month, day1)
        else:
            value = _latest_day(month, day1, anchor) if anchor is not None else None
        if value is not None:
            cands.append((0, DateMention(value, Precision.DAY, Span(m.start("day1"), m.end("day1")), m.group("day1"))))


def _add_relative_dates(text: str, anchor: dt.date, prio: int, cands: list[tuple[int, DateMention]]) -> None:
    """Dates read from the anchor: week numbers, relative words ("i går", "last year") and weekdays (the one before
    the anchor, or "fredag 14": the Friday that is a 14th nearest it)."""
    for m in _WEEK_RE.finditer(text):
        res = _resolve_week(m, anchor)
        if res:
            cands.append((prio, DateMention(res[0], Precision.WEEK, Span(m.start(), m.end()), m.group(), end=res[1])))
    for rx, key in _RELATIVE:
        for m in rx.finditer(text):
            res = _resolve_relative(key, anchor)
            if res:
                cands.append((prio, DateMention(res[0], res[1], Span(m.start(), m.end()), m.group())))
    for m in _WEEKDAY_RE.finditer(text):
        name = m.group()
        if (
            name.lower() in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
            and not name[0].isupper()
        ):
            continue
        wd = _WEEKDAYS[name.lower()]
        day = _WEEKDAY_DAY.match(text, m.end())
        if (
            day
            and not any(c.span.start < day.end() and m.end() < c.span.end for _, c in cands)
            and (when := _weekday_on_day(wd, int(day.group(1)), anchor))
        ):
            # "fredag 14" (a month unread: "fredag 14, mars"): the Friday that is a 14th, nearest the anchor
            span = Span(m.start(), day.end())
            cands.append((prio + 1, DateMention(when, Precision.DAY, span, text[m.start() : day.end()])))
            continue
        back = (anchor.weekday() - wd) % 7
        cands.append(
            (prio + 1, DateMention(anchor - dt.timedelta(days=back), Precision.DAY, Span(m.start(), m.end()), name))
        )


def _without_repeated_weekdays(text: str, chosen: list[DateMention]) -> list[DateMention]:
    """ "Tuesday 30 April 2024": the weekday only repeats the date next to it."""
    return [
        d
        for d in chosen
        if not (
            d.text.lower() in _WEEKDAYS
            and any(
                o is not d
                and re.fullmatch(
                    r"[\s,]*(?:den\s+|the\s+)?", text[min(d.span.end, o.span.end) : max(d.span.start, o.span.start)]
                )
                and o.precision is Precision.DAY
                for o in chosen
            )
        )
    ]


_FALLBACK_SPANS = re.compile(
    r"(?<![\w.,])(?:\d{1,2}\.?\s+)?(?P<word>[^\W\d_]{3,})\.?,?\s+(?:\d{1,2},?\s+)?\d{4}(?![\w]|[.,]\d)"
)


@functools.lru_cache(maxsize=8)
def _date_data_parser(lang: str):  # noqa: ANN202 - dateparser type
    from dateparser.date import DateDataParser

    return DateDataParser(languages=[lang], settings={"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False})


def _dateparser_fallback(text: str, lang: str, anchor: dt.date | None) -> list[DateMention]:
    """Spans like "15. März 2024" whose month word is not in the table, resolved by dateparser.

    Only for languages other than nb/en (the table covers those); dateparser's import costs ~1 s.
    """
    out: list[DateMention] = []
    for m in _FALLBACK_SPANS.finditer(text):
        if _month_number(m.group("word")):
            continue
        try:
            data = _date_data_parser(lang).get_date_data(m.group())
        except Exception:
            return out
        if data is None or data.date_obj is None:
            continue
        v = data.date_obj.date()
        precision = {"month": Precision.MONTH, "year": Precision.YEAR}.get(data.period or "day", Precision.DAY)
        span = Span(m.start(), m.end())
        if precision is Precision.YEAR:  # "Jahr 2019": only the year is the date
            v, span = dt.date(v.year, 1, 1), Span(m.end() - 4, m.end())
        elif precision is Precision.MONTH:
            v = v.replace(day=1)
        out.append(DateMention(v, precision, span, text[span.start : span.end]))
    return out


# --------------------------------------------------------------------------------------------
# quantities


def _blocked(text: str, lang: str) -> list[Span]:
    """Spans whose digits are dates (numeric dates, the day of a written date) or clock times."""
    spans: list[Span] = []
    for kind, rx in _DATE_PATTERNS:
        if kind in ("iso", "numeric"):
            spans += [Span(m.start(), m.end()) for m in rx.finditer(text)]
        elif kind in ("dmy", "mdy", "dm", "md"):
            for m in rx.finditer(text):
                if kind == "md" and not m.group("month")[0].isupper():
                    continue
                spans.append(Span(m.start("day"), m.end("day")))
    spans += [Span(m.start("day1"), m.end("day1")) for m in _DAY_RANGE.finditer(text)]
    spans += [Span(m.start(), m.end()) for m in _TIME.finditer(text)]
    spans += [Span(m.start(), m.end()) for m in _KL_TIME.finditer(text)]
    return spans


def _suffix(text: str, end: int, lang: str, has_currency: bool) -> tuple[int, int, str]:
    """(new end, scale multiplier, unit) from what follows a number."""
    scale = 1
    rest = text[end : end + 60]
    for rx, mult in _SCALES.get(lang, _SCALES[""]):
        m = rx.match(rest)
        if m:
            scale, end = mult, end + m.end()
            break
    else:
        m = _ATTACHED_SCALE.match(rest)
        if m and (has_currency or m.group(1) == "bn"):
            scale = {"bn": 10**9, "B": 10**9, "mn": 10**6, "m": 10**6, "M": 10**6, "k": 10**3, "K": 10**3}[m.group(1)]
            end += m.end()
    rest = text[end : end + 60]
    if m := _PERCENT_AFTER.match(rest):
        word = m.group(1).lower()
        unit = "percentage_point" if word.startswith(("prosentpoeng", "percentage")) else "percent"
        return end + m.end(), scale, unit
    if m := _CURRENCY_AFTER.match(rest):
        return end + m.end(), scale, _CURRENCY_CODE.get(m.group(1).lower(), m.group(1).upper())
    if scale == 1 and (m := _AGE_AFTER.match(rest)):
        return end + m.end(), scale, "year_of_age"
    if m := _DURATION_AFTER.match(rest):
        return end + m.end(), scale, _DURATION_UNIT[m.group(1).lower()]
    if m := _MEASURE_AFTER.match(rest):
        return end + m.end(), scale, _MEASURE_UNIT[m.group(1).lower()]
    return end, scale, ""


def parse_quantities(text: str, language: str = "") -> list[Quantity]:
    """Quantities stated in text (see the module docstring for the formats). Never raises."""
    if not text or not isinstance(text, str):
        return []
    try:
        return _parse_quantities(text, normalise_language(language))
    except Exception:  # pragma: no cover - defensive: a parsing bug must not sink a run
        return []


_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)(?![^\W\d_])", re.IGNORECASE)


def _prefix(text: str, tok, last_end: int) -> tuple[int, str, Comparator, int | None]:
    """What stands before a number token: (start, unit, comparator, where the comparator starts). A currency sign
    or code ("kr", "$", "NOK") gives the unit, an age word ("87 år gamle" is after; "aged 87", "alder 87" before)
    makes it an age, a comparator word ("over", "nesten", "mellom") its comparator."""
    start, unit, comparator = tok.start, "", Comparator.EQ
    cm = _CURRENCY_BEFORE.search(text[max(last_end, start - 8) : start])
    if cm:
        unit = _CURRENCY_CODE.get(cm.group(1).lower(), cm.group(1).upper())
        start -= len(cm.group())
    window_start = max(last_end, start - 30)
    age_prefix = _AGE_BEFORE.search(text[window_start:start])
    if age_prefix and not unit:
        unit = "year_of_age"
        start = window_start + age_prefix.start()
    cmpm = _CMP_BEFORE.search(text[window_start:start])
    if cmpm:
        comparator = _comparator_of(cmpm.group(1))
    return start, unit, comparator, (window_start + cmpm.start() if cmpm else None)


def _range_end(
    text: str, tok, nxt, comparator: Comparator, cmp_start: int | None
) -> tuple[Decimal | None, int, Comparator, int | None, bool]:
    """A range the token opens with the next one ("mellom X og Y", "X-Y", upper not below lower):
    (upper, end, comparator, comparator start, whether the next token was taken). A "mellom" with no range after
    it is no comparator."""
    joined = None
    if nxt is not None and nxt.start >= tok.end:
        gap = text[tok.end : nxt.start]
        if comparator is Comparator.BETWEEN and _RANGE_JOIN.fullmatch(gap):
            joined = nxt
        elif _RANGE_DASH.fullmatch(gap) and not tok.is_word and not nxt.is_word:
            joined = nxt
    if joined is not None and joined.value >= tok.value:
        return joined.value, joined.end, Comparator.BETWEEN, cmp_start, True
    if comparator is Comparator.BETWEEN:
        return None, tok.end, Comparator.EQ, None, False
    return None, tok.end, comparator, cmp_start, False


def _after_number(text: str, lang: str, tok, end: int, unit: str) -> tuple[int, int, str | None]:
    """What follows a number: (end, scale, unit) with a scale word ("millioner", "bn"), a unit ("prosent", "år",
    "kroner") or an ordinal ending ("90th"); unit None when the number is glued to letters that are none of those
    (a name or code: "5G", "3D", "4x4"; "62,241fans" stays a figure with a missing space)."""
    end2, scale, unit_after = _suffix(text, end, lang, bool(unit))
    if unit_after == "year_of_age" and unit and unit != "year_of_age":
        unit_after = ""
        end2 = end
    if unit_after and not (unit and unit_after in ("year", "month", "week", "day")):
        unit = unit_after  # but "aged 87 years" / "USD 5 ... years" keep the prefix's unit
    end = end2 if (unit_after or scale != 1) else end
    if unit == "" and scale == 1 and not tok.is_word and (om := _ORDINAL_AFTER.match(text, end)):
        unit, end = "ordinal", om.end()  # "their 90th season": a rank, never a rounded figure
    if not tok.is_word and text[end : end + 1].isalpha() and re.fullmatch(r"\d{1,4}", tok.raw):
        return end, scale, None
    return end, scale, unit


def _age_in_brackets(text: str, tok, unit: str, comparator: Comparator, start: int, end: int, last_end: int) -> bool:
    """Whether a bare whole number 1..130 closes a bracket after a name: an age ("Mahmoud Abbas (88)")."""
    value = tok.value
    return (
        unit == ""
        and comparator is Comparator.EQ
        and not tok.is_word
        and text[end : end + 1] == ")"
        and 0 < value <= 130
        and value == value.to_integral_value()
        and _AGE_PAREN_BEFORE.search(text[max(last_end, start - 40) : start]) is not None
    )


def _looks_like_year(tok, scale, unit: str, comparator: Comparator, upper) -> bool:
    """Whether a quantity is a year (or a range of years): four bare digits 1900..2100, no scale or unit."""
    value = tok.value
    return (
        not tok.is_word
        and re.fullmatch(r"\d{4}", tok.raw) is not None
        and 1900 <= value <= 2100
        and scale == 1
        and unit == ""
        and comparator in (Comparator.EQ, Comparator.BETWEEN)
        and (upper is None or 1900 <= upper <= 2100)
    )


def _parse_quantities(text: str, lang: str) -> list[Quantity]:
    """One left-to-right scan over the number tokens (those not inside a blocked stretch: codes, times, phone
    numbers ...). Each token grows into a quantity: what stands before it (`_prefix`: currency, an age word, a
    comparator), a range it opens ("mellom X og Y", "X-Y": `_range_end`), what follows (`_after_number`: scale,
    unit, ordinal), a bracketed age, a trailing "or more"; a quantity's end is where the next may start."""
    blocked = _blocked(text, lang)
    toks = [t for t in _tokens(text, lang) if not any(Span(t.start, t.end).overlaps(b) for b in blocked)]
    out: list[Quantity] = []
    last_end = 0
    i = 0
    while i < len(toks):
        tok = toks[i]
        i += 1
        if tok.start < last_end:
            continue
        start, unit, comparator, cmp_start = _prefix(text, tok, last_end)
        upper, end, comparator, cmp_start, joined = _range_end(
            text, tok, toks[i] if i < len(toks) else None, comparator, cmp_start
        )
        if joined:
            i += 1
        if cmp_start is not None:
            start = cmp_start
        end, scale, unit = _after_number(text, lang, tok, end, unit)
        if unit is None:
            continue  # a short bare number glued to letters that are no unit, scale or ordinal: a name or
            #            code ("5G", "3D", "4x4"); "62,241fans" stays a figure with a missing space
        value = tok.value
        if _age_in_brackets(text, tok, unit, comparator, start, end, last_end):
            unit, start, end = "year_of_age", start - 1, end + 1  # "Mahmoud Abbas (88)"
        if comparator is Comparator.EQ and (gm := _GE_AFTER.match(text[end : end + 20])):
            comparator, end = Comparator.GE, end + gm.end()
        is_year = _looks_like_year(tok, scale, unit, comparator, upper)
        out.append(
            Quantity(
                value=float(value * scale),
                span=Span(start, end),
                text=text[start:end],
                unit=unit,
                comparator=comparator,
                upper=float(upper * scale) if upper is not None else None,
                is_year=bool(is_year),
            )
        )
        last_end = end
    return out


# --------------------------------------------------------------------------------------------
# causation

# Words that state a cause. They make a claim CAUSAL (claims.extract.classify), and a claim that one thing
# caused another is not supported by a source that is merely about the same things: the source has to
# state a cause too (verdicts.decide caps similarity).
# Passages are tried in every listed language, so a Swedish or German source can state the cause.
_CAUSAL = {
    "nb": r"fordi|grunnet|(?:førte|fører|føre|ført|ledet|leder)(?: \w+){0,4} til|resulterte|resulterer|resultert"
    r"|forårsaket|forårsaker|forårsake|skyldes|skyldtes|på grunn av|som følge av|som et resultat av"
    r"|utløste|utløser|utløst|ga opphav til|fikk som følge",
    "en": r"caused|causes|cause of|causing|(?:led|leads|lead|leading)(?: \w+){0,4} to|resulted|results in"
    r"|resulting in|result of|because|owing to|triggered|triggers|sparked|sparks"
    r"|touched off|touching off|brought about|gave rise to"
    r"|due to(?! (?:be|take|start|begin|end|hold|meet|vote|arrive|open|close|return|appear)\b)",
    "sv": r"ledde till|leder till|lett till|resulterade i|resulterar i|orsakade|orsakar|på grund av"
    r"|till följd av|utlöste|utlöser",
    "da": r"førte til|resulterede i|resulterer i|forårsagede|forårsager|på grund af|som følge af|udløste",
    "de": r"führte zu|führt zu|verursachte|verursacht|wegen|aufgrund|infolge|auslöste|ausgelöst",
}
_CAUSAL_RE = {k: re.compile(rf"(?<![\w])(?:{v})(?![\w])", re.IGNORECASE) for k, v in _CAUSAL.items()}


def causal_marker(text: str, language: str = "") -> str | None:
    """The words that make text a statement of cause ("resulterte i", "led to", "because of"), else None.

    With a language that has a list, only that list is tried; otherwise all of them."""
    return _first_marker(_CAUSAL_RE, text, language)


def _first_marker(patterns: dict[str, re.Pattern], text: str, language: str) -> str | None:
    """The first match of the language's pattern in text (of every language's, in turn, when it has none)."""
    if not text:
        return None
    lang = normalise_language(language)
    for k in [lang] if lang in patterns else list(patterns):
        m = patterns[k].search(text)
        if m:
            return m.group(0)
    return None


# --------------------------------------------------------------------------------------------
# exclusivity and ages

_EXCLUSIVE = {
    "nb": r"eneste|alene|den første|det første|de første|som første|første gang|først ute|ingen andre"
    r"|aldri før|enestående",
    "en": r"only|alone|the first|first ever|as the first|for the first time|the sole|sole|solely"
    r"|no other|never before|unique|first",
}
_EXCLUSIVE_RE = {k: re.compile(rf"(?<![\w])(?:{v})(?![\w])", re.IGNORECASE) for k, v in _EXCLUSIVE.items()}
_NOT_ONLY = re.compile(
    r"(?<![\w])(not only|not the only|ikke bare|ikke den eneste|ikke alene|ikke eneste)(?![\w])", re.IGNORECASE
)


def exclusivity_marker(text: str, language: str = "") -> str | None:
    """The word that makes text an "only / alone / first" statement ("only", "alene", ...), else None.

    "not only" / "ikke bare" / "ikke den eneste" do not count. Without a language both are tried.
    """
    return _first_marker(_EXCLUSIVE_RE, _NOT_ONLY.sub(" ", text or ""), language)


def find_exclusivity(text: str, language: str = "") -> bool:
    """True for "only / alone / first / the sole / eneste / alene / den første / som første" claims."""
    return exclusivity_marker(text, language) is not None


def is_month_name(word: str) -> bool:
    """True for a Norwegian or English month name or its abbreviation ("mars", "Nov")."""
    w = word.lower().rstrip(".")
    return w in _MONTHS or w in _MONTH_ABBR


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years of age on a day (a 29 February birthday counts from 1 March)."""
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(before_birthday)
