"""Words that mark what kind of sentence a claim is: an opinion or forecast, a report of what someone said, a
superlative. Lower-case text is searched. Shared by claim extraction (claims.extract) and the check-worthiness
model's features (claims.checkworthy)."""

from __future__ import annotations

import re

OPINION = re.compile(
    r"(?<![\w])(?:høyst uklart|uklart|trolig|sannsynligvis|antakelig|kanskje|kan komme til|bør|burde|"
    r"mener|tror|etter min mening|ser ut til|later til|forventes|ventes å|neppe|"
    r"i think|i believe|we believe|in my view|in my opinion|(?<!more )(?<!less )likely|unlikely|probably|should|"
    r"ought to|unclear|perhaps|maybe|seems to|appears to|is expected to|will probably)(?![\w])"
)
INFERENCE = re.compile(r"(?<![\w])(?:tyder på|antyder|suggests? that|indicates? that)(?![\w])")
FINDING = re.compile(
    r"(?<![\w])(?:meningsmåling\w*|måling\w*|undersøkels\w*|studie\w*|rapport\w*|analyse\w*|tall|tallene|"
    r"data|statistikk\w*|bevis\w*|poll\w*|survey\w*|study|studies|report\w*|figures|statistics|research|"
    r"evidence|trials?)(?![\w])"
)
QUOTE = re.compile(
    r"(?<![\w])(?:sier|sa|uttalte|uttaler|ifølge|hevder|hevdet|understreker|understreket|forteller|"
    r"fortalte|gjort det klart|said|says|told|according to|stated|claimed|claims|made it clear|"
    r"insisted)(?![\w])"
)
DASH_QUOTE = re.compile(r"^\s*(?:[–—]|-\s|«|\"|“)")
SUPERLATIVE = re.compile(
    r"(?<![\w])(?:største|minste|høyeste|laveste|eldste|yngste|første|siste|beste|verste|flest|"
    r"færrest|lengste|korteste|dødeligste|mest|largest|biggest|smallest|highest|lowest|oldest|"
    r"youngest|first|last|best|worst|most|fewest|deadliest|longest|shortest|record)(?![\w])"
)

# "last week", "forrige måned", "det siste året": when, not a superlative
RELATIVE_TIME = re.compile(
    r"(?<![\w])(?:last|siste|forrige)\s+(?:weekend|week|month|year|night|time|helg|uke|uken|måned|måneden|år|året|"
    r"gang|natt)(?![\w])"
)


# a claim about the time it was written ("det siste året", "hittil i år", "nå", "this year", "currently"): what was
# true at another time does not show it
NOW_BOUND = re.compile(
    r"(?<![\w])(?:det siste året|siste tolv måneder\w*|siste 12 måneder\w*|det siste tiåret|hittil i år|så langt i år|"
    r"til no i år|i år|i fjor|nå|no for tida|for tiden|for tida|i dag|denne uken|denne veka|denne måneden|"
    r"the past year|the last year|past 12 months|last 12 months|so far this year|this year|last year|now|currently|"
    r"today|this week|this month)(?![\w])"
)


def now_marker(text: str) -> str | None:
    """The words that tie a claim to the time it was written ("det siste året", "i år", "currently"), else None."""
    m = NOW_BOUND.search(text.lower())
    return m.group(0) if m else None


# the predicative and adverb forms ("er størst", "lengst sittende"); "minst" is left out: "minst 500" is "at least"
PREDICATIVE_SUPERLATIVE = re.compile(r"(?<![\w])(?:størst|høyest|lavest|eldst|yngst|lengst|kortest|verst)(?![\w])")


def superlative_marker(text: str) -> str | None:
    """The superlative or record word of a text ("største", "lengst", "first", "record"), else None; "last week"
    and the like are times, not superlatives."""
    low = RELATIVE_TIME.sub(" ", text.lower())
    m = SUPERLATIVE.search(low) or PREDICATIVE_SUPERLATIVE.search(low)
    return m.group(0) if m else None


def is_opinion(low: str) -> bool:
    if OPINION.search(low):
        return True
    inf = INFERENCE.search(low)
    if inf:  # "Meningsmålinger tyder på at ..." / "Polls suggest that ...": a reported finding
        return not FINDING.search(low[: inf.start()])
    return False
