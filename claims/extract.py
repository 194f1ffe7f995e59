"""Claims from an article's sentences: rule-based, transparent, first version ("claims.rules.v1").

Each non-heading sentence becomes one claim, or a few when it clearly joins independent
statements (see :func:`split_clauses`). An attributive age ("87 år gamle Abbas",
"87-year-old Abbas", "Abbas (87)") becomes a separate NUMERIC claim so that the verifier can
check it against a birth date. Every claim carries its quantities, dates (anchored on the
publication date), entities, an exclusivity flag, a claim type, a check-worthiness score and
whether it can be checked at all.

The atomic decomposition that comes later fills the same interface: it returns more, smaller
:class:`~claims.model.Claim` objects whose spans still point into the article text.

Claim type, first rule that fires:
    OPINION (opinion / prediction / hedge markers; "polls show / tyder på" is a reported finding,
    not an opinion) > COMPARATIVE (only / alone / first, superlatives) > NUMERIC (a quantity that
    is not a bare year) > QUOTE (reported speech: "sier", "ifølge", "said", "according to",
    a leading dash) > CAUSAL ("fordi", "førte til", "because", "led to") > TEMPORAL (a date with
    "siden", "etter", "since", "until" ...) > ENTITY_ATTRIBUTE ("X er en ...", "X is the ...",
    "ser på X som") > EVENT.

Check-worthiness (clamped to [0, 1]): 0.35 base; +0.25 a non-year quantity; +0.15 a date;
+0.10 one named entity, +0.05 more for two or more; +0.10 exclusive / comparative; -0.35 opinion
markers; -0.15 fewer than 6 words; -0.05 more than 50 words.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from claims.errors import InputError
from claims.model import Claim, ClaimType, DateMention, Quantity, Sentence, Span
from claims.normalise import find_exclusivity, normalise_language, parse_dates, parse_quantities

__all__ = ["EXTRACTOR", "Clause", "extract_claims", "split_clauses", "find_entities", "classify"]

EXTRACTOR = "claims.rules.v1"

# --------------------------------------------------------------------------------------------
# word lists

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,]*")

_AUX = {
    "nb": {
        "er", "var", "har", "hadde", "ble", "blir", "vil", "skal", "kan", "må", "kunne", "skulle",
        "ville", "måtte", "bør", "burde", "får", "fikk", "går", "gikk", "kom", "kommer", "sier", "sa",
        "fant", "finnes", "fantes", "ligger", "lå", "står", "sto", "ser", "tok", "gjør", "gjorde",
        "vant", "ga", "gir", "tror", "mener", "viser", "leder",
    },
    "en": {
        "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "may",
        "might", "must", "shall", "should", "did", "does", "do", "said", "says", "say", "won",
        "took", "made", "gave", "went", "came", "found", "told", "met", "led", "left", "held", "got",
        "remains", "regard", "regards", "show", "shows",
    },
}
_PRONOUNS = {
    "nb": {"jeg", "du", "han", "hun", "den", "det", "vi", "dere", "de", "man", "disse", "dette"},
    "en": {"i", "you", "he", "she", "it", "we", "they", "this", "these", "those", "that"},
}
_NOT_VERBS = {
    "over", "under", "etter", "eller", "hver", "mer", "der", "her", "flere", "færre", "andre",
    "siste", "første", "store", "gamle", "hele", "samme", "beste", "egne", "neste", "side", "måte",
    "dette", "slike", "mange", "alle", "disse", "hvilke", "senere", "tidligere", "medlemmer",
    "red", "need", "speed", "seed", "bed", "feed", "hundred", "united", "based", "called",
    "alleged", "so-called", "armed", "limited", "indeed",
}
_SUBORDINATORS = {
    "som", "der", "hvor", "hvis", "når", "da", "mens", "fordi", "at", "om", "hvem", "hva", "hvilken",
    "selv", "samt", "og", "men", "eller", "etter", "før", "siden", "til", "i", "på", "med", "for",
    "which", "who", "whom", "whose", "where", "when", "while", "because", "that", "if", "whether",
    "although", "though", "as", "and", "but", "or", "after", "before", "since", "including", "with",
    "in", "on", "at", "for", "from", "to",
}
_LEADING_ADVERBIALS = _SUBORDINATORS | {"nå", "derfor", "likevel", "imidlertid", "now", "however", "then"}

# --------------------------------------------------------------------------------------------
# markers for the claim type (lower-case text is searched)

_OPINION = re.compile(
    r"(?<![\w])(?:høyst uklart|uklart|trolig|sannsynligvis|antakelig|kanskje|kan komme til|bør|burde|"
    r"mener|tror|etter min mening|ser ut til|later til|forventes|ventes å|neppe|"
    r"i think|i believe|we believe|in my view|in my opinion|likely|unlikely|probably|should|"
    r"ought to|unclear|perhaps|maybe|seems to|appears to|is expected to|will probably)(?![\w])"
)
_INFERENCE = re.compile(r"(?<![\w])(?:tyder på|antyder|suggests? that|indicates? that)(?![\w])")
_FINDING = re.compile(
    r"(?<![\w])(?:meningsmåling\w*|måling\w*|undersøkels\w*|studie\w*|rapport\w*|analyse\w*|tall|tallene|"
    r"data|statistikk\w*|poll\w*|survey\w*|study|studies|report\w*|figures|statistics|research)(?![\w])"
)
_QUOTE = re.compile(
    r"(?<![\w])(?:sier|sa|uttalte|uttaler|ifølge|hevder|hevdet|understreker|understreket|forteller|"
    r"fortalte|gjort det klart|said|says|told|according to|stated|claimed|claims|made it clear|"
    r"insisted)(?![\w])"
)
_DASH_QUOTE = re.compile(r"^\s*(?:[–—]|-\s|«|\"|“)")
_CAUSAL = re.compile(
    r"(?<![\w])(?:fordi|på grunn av|grunnet|som følge av|resulterte|resultert|førte til|fører til|"
    r"skyldes|skyldtes|forårsaket|because|due to|as a result of|resulted in|results in|led to|"
    r"leads to|caused|owing to)(?![\w])"
)
_SUPERLATIVE = re.compile(
    r"(?<![\w])(?:største|minste|høyeste|laveste|eldste|yngste|første|siste|beste|verste|flest|"
    r"færrest|lengste|korteste|dødeligste|mest|largest|biggest|smallest|highest|lowest|oldest|"
    r"youngest|first|last|best|worst|most|fewest|deadliest|longest|shortest|record)(?![\w])"
)
_TEMPORAL = re.compile(
    r"(?<![\w])(?:siden|fra og med|inntil|til og med|fram til|frem til|senere|tidligere|etter|før|"
    r"i løpet av|since|until|till|later|earlier|after|before|during|by)(?![\w])"
)
_COPULA = re.compile(
    r"(?<![\w])(?:er|var|blir|ble|is|was|are|were|remains|has been)\s+"
    r"(?:en|et|ei|den|det|de|a|an|the|[A-ZÆØÅ][\w-]*|\w+s\s+(?:leder|president|sjef|leader|head))(?![\w])"
    r"|(?<![\w])(?:ser på|anser|regards?|regarded|considers?|considered)\s.+?\s(?:som|as)\s",
)
_VAGUE = re.compile(r"(?<![\w])(?:mange|noen|flere|diverse|mye|many|some|several|a lot|lots)(?![\w])")

_AGE_ATTRIBUTIVE = re.compile(r"(?:år\s+gamle|-årige|-year-old)$")
_NAME_AFTER = re.compile(r"^\s+((?:[A-ZÆØÅ][\w'’-]*)(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-ZÆØÅ][\w'’-]*){0,3})")
_NAME_BEFORE = re.compile(r"((?:[A-ZÆØÅ][\w'’-]*\s+){0,3}[A-ZÆØÅ][\w'’-]*)\s?$")
_AGE_PREFIX = re.compile(r"^(?:(?:the|den|det)\s+)?\d+(?:\s*år\s+gamle|-årige|-year-old)\s+", re.IGNORECASE)

_NON_NAMES = {
    "i", "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "desember", "january", "february", "march", "may", "june", "july",
    "october", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday",
}


# --------------------------------------------------------------------------------------------
# clauses

@dataclass(frozen=True, slots=True)
class Clause:
    """A piece of a sentence stated on its own: span into the article, and the claim text.

    text equals the span's text, except for a coordinated verb phrase whose subject is
    prefixed ("Abbas" + "har siden nektet å holde valg.").
    """

    span: Span
    text: str
    subject: str = ""


def _words(s: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(s))


def _finite_index(words: Sequence[str], lang: str) -> int | None:
    """Index of the first word that looks like a finite verb, else None (a heuristic)."""
    langs = [lang] if lang in _AUX else ["nb", "en"]
    for i, w in enumerate(words):
        lw = w.lower()
        if lw in _NOT_VERBS:
            continue
        prev = words[i - 1] if i else ""
        after_subject = bool(prev) and (prev[:1].isupper() or any(prev.lower() in _PRONOUNS[k] for k in langs))
        for k in langs:
            if lw in _AUX[k]:
                return i
            if k == "nb" and len(lw) >= 5 and re.fullmatch(r"\w+(?:et|te|de|dde)", lw) and i > 0:
                return i
            if k == "nb" and len(lw) >= 3 and lw.endswith("er") and after_subject and i > 0:
                return i
            if k == "en" and len(lw) >= 5 and lw.endswith("ed") and i > 0:
                return i
            if k == "en" and len(lw) >= 4 and lw.endswith("s") and after_subject and i > 0 and not w[:1].isupper():
                return i
    return None


def _has_numeral(s: str) -> bool:
    return bool(re.search(r"\d", s))


def _is_quote(s: str, lang: str) -> bool:
    return bool(_DASH_QUOTE.match(s)) or bool(
        re.search(r",\s+(?:sier|sa|uttalte|says|said|told)\s", s, re.IGNORECASE)
    )


_SPLIT = re.compile(r",\s+(?P<conj>og|men|and|but)\s+|;\s+|,\s+", re.IGNORECASE)
_VP_JOIN = re.compile(r"\s(?:og|and)\s+(?P<verb>[^\W\d_][\w'-]*)(?:\s+(?P<next>\w+))?", re.IGNORECASE)


def _split_ok(left: str, right_piece: str, kind: str, lang: str) -> bool:
    lw = [m.group() for m in _words(left)]
    rw = [m.group() for m in _words(right_piece)]
    if len(lw) < 3 or len(rw) < 3:
        return False
    left_ok = _finite_index(lw, lang) is not None or _has_numeral(left)
    if not left_ok:
        return False
    if kind == "comma":  # asyndetic: "X er drept, store deler er bombet"
        if rw[0].lower() in _LEADING_ADVERBIALS:
            return False
        fi = _finite_index(rw[:7], lang)
        if fi is None or fi == 0:
            return False
        return not any(w.lower() in _SUBORDINATORS for w in rw[:fi])
    fi = _finite_index(rw, lang)
    return (fi is not None and fi > 0 or rw[0].lower() in _AUX.get(lang, set())) or _has_numeral(right_piece)


def split_clauses(sentence: Sentence, language: str = "") -> list[Clause]:
    """Clauses of a sentence that state independent things (conservative; spans into the article).

    Splits at ", og" / ", men" / ", and" / ", but" / "; " and at a bare comma when both sides have
    their own finite verb (the right side not starting with a relative or subordinating word), and
    splits a coordinated verb phrase ("X har sittet ... og har siden nektet ...") prefixing the
    subject to the second claim's text. Quotes ("– ...", "..., sier X") are never split.
    """
    lang = normalise_language(language)
    s, base = sentence.text, sentence.span.start
    whole = [Clause(sentence.span, s)]
    if _is_quote(s, lang):
        return whole
    pieces: list[tuple[int, int]] = []
    seg_start = 0
    cands = list(_SPLIT.finditer(s))
    for n, m in enumerate(cands):
        if m.start() < seg_start:
            continue
        nxt = next((c.start() for c in cands[n + 1 :] if c.start() > m.end()), len(s))
        kind = "comma" if (m.group().startswith(",") and not m.group("conj")) else "conj"
        if _split_ok(s[seg_start : m.start()], s[m.end() : nxt], kind, lang):
            pieces.append((seg_start, m.start()))
            seg_start = m.end()
    pieces.append((seg_start, len(s)))
    clauses: list[Clause] = []
    for a, b in pieces:
        clauses.extend(_split_vp(s, a, b, base, lang))
    clauses = [c for c in clauses if c.text.strip(" ,.;")]
    return clauses or whole


def _split_vp(s: str, a: int, b: int, base: int, lang: str) -> list[Clause]:
    """Split "Subj V1 ... og V2 ..." into two clauses when V2 is an auxiliary (or V-et/-te + å/at)."""
    seg = s[a:b]
    words = _words(seg)
    fi = _finite_index([w.group() for w in words], lang)
    out_start = a
    if fi is not None and fi > 0 and not _DASH_QUOTE.match(seg):
        first_verb = words[fi]
        subject = seg[: first_verb.start()].strip(" ,")
        subj_words = _words(subject)
        if 1 <= len(subj_words) <= 6 and subj_words[0].group().lower() not in _LEADING_ADVERBIALS:
            for m in _VP_JOIN.finditer(seg, first_verb.end()):
                verb, nxt = m.group("verb").lower(), (m.group("next") or "").lower()
                aux = verb in _AUX.get(lang, _AUX["nb"] | _AUX["en"])
                past = bool(re.fullmatch(r"\w{3,}(?:et|te|de|ed)", verb)) and nxt in {"å", "at", "to", "that"}
                if not (aux or past):
                    continue
                left_end = a + m.start()
                right_start = a + m.start("verb")
                subj = _AGE_PREFIX.sub("", subject).strip() or subject
                return [
                    _clause(s, out_start, left_end, base),
                    Clause(Span(base + right_start, base + _rstrip(s, right_start, b)),
                           f"{subj} {s[right_start:_rstrip(s, right_start, b)]}", subj),
                ]
    return [_clause(s, a, b, base)]


def _rstrip(s: str, a: int, b: int) -> int:
    while b > a and s[b - 1].isspace():
        b -= 1
    return b


def _clause(s: str, a: int, b: int, base: int) -> Clause:
    while a < b and s[a].isspace():
        a += 1
    b = _rstrip(s, a, b)
    return Clause(Span(base + a, base + b), s[a:b])


# --------------------------------------------------------------------------------------------
# entities

@dataclass(frozen=True, slots=True)
class _Name:
    span: Span
    text: str
    initial: bool


def _name_groups(text: str, span: Span) -> list[_Name]:
    """Runs of capitalised words (with al-/bin/ibn inside), in article offsets."""
    s = text[span.start : span.end]
    words = list(re.finditer(r"[^\W\d_][\w'’.-]*[\w]|[^\W\d_]", s))
    first_word = words[0].start() if words else -1
    groups: list[_Name] = []
    cur: list[re.Match[str]] = []

    def flush() -> None:
        if cur:
            a, b = cur[0].start(), cur[-1].end()
            groups.append(_Name(Span(span.start + a, span.start + b), s[a:b], cur[0].start() == first_word))
        cur.clear()

    for w in words:
        tok = w.group()
        gap = s[cur[-1].end() : w.start()] if cur else ""
        capital = tok[:1].isupper() and tok.lower() not in _NON_NAMES
        connector = tok.lower() in ("al-", "el-", "bin", "ibn") or tok.lower().startswith(("al-", "el-"))
        if (capital or (connector and cur)) and (not cur or re.fullmatch(r"\s", gap)):
            cur.append(w)
        else:
            flush()
            if capital:
                cur.append(w)
    flush()
    return groups


def _clean_name(name: str, known: set[str]) -> str:
    """'Hamas-bevegelsens' -> 'Hamas', 'Fatahs' -> 'Fatah' (when Fatah is known), strip dots."""
    name = name.strip(" .")
    m = re.fullmatch(r"([A-ZÆØÅ][\w']*)-[a-zæøå][\w-]*", name)
    if m:
        name = m.group(1)
    if name.endswith("s") and name[:-1] in known:
        name = name[:-1]
    return name


def _is_acronym(w: str) -> bool:
    return bool(re.fullmatch(r"[A-ZÆØÅ]{2,6}", w))


_TITLES = {
    "president", "statsminister", "utenriksminister", "minister", "prime", "foreign", "kong", "king",
    "dronning", "queen", "prins", "prince", "general", "sir", "dr", "mr", "mrs", "ms", "professor",
    "sjef", "leder", "talsmann", "talsperson", "spokesperson", "spokesman", "chief", "the", "a", "an",
}


def find_entities(text: str, span: Span, known: set[str] | frozenset[str] = frozenset(),
                  common: set[str] | frozenset[str] = frozenset()) -> list[tuple[Span, str]]:
    """Named entities in text[span]: capitalised runs not at sentence start, plus acronyms.

    A run at sentence start keeps its first word when it is an acronym or a name seen elsewhere
    (``known``); a run of two or more words also keeps it unless it is a title or a word that
    occurs in lower case elsewhere (``common``): "President Mahmoud Abbas" -> "Mahmoud Abbas",
    "Lin Jian said" -> "Lin Jian", "Kilder i ..." -> nothing.
    """
    out: list[tuple[Span, str]] = []
    for g in _name_groups(text, span):
        gspan, gtext = g.span, g.text
        if g.initial:
            first = gtext.split()[0]
            first_clean = _clean_name(first, set(known))
            multi = len(gtext.split()) > 1
            keep = _is_acronym(first) or first_clean in known or first in known or (
                multi and first.lower() not in _TITLES and first.lower() not in common)
            if not keep:
                rest = re.match(r"\S+\s+", gtext)
                if not rest or rest.end() >= len(gtext):
                    continue
                gspan, gtext = Span(gspan.start + rest.end(), gspan.end), gtext[rest.end():]
        name = _clean_name(gtext, set(known))
        if name and (len(name) > 1):
            out.append((gspan, name))
    return out


def _known_names(text: str, sentences: Sequence[Sentence]) -> set[str]:
    """Names seen away from sentence starts anywhere in the article (for the sentence-start rule)."""
    known: set[str] = set()
    for sent in sentences:
        for g in _name_groups(text, sent.span):
            if not g.initial:
                known.add(g.text.strip(" ."))
                known.update(g.text.split())
    return known | {_clean_name(k, known) for k in known}


# --------------------------------------------------------------------------------------------
# claim type and scores

def classify(text: str, quantities: Sequence[Quantity], dates: Sequence[DateMention], exclusive: bool,
             language: str = "") -> ClaimType:
    """The claim type by the first rule that fires (see the module docstring)."""
    low = text.lower()
    if _is_opinion(low):
        return ClaimType.OPINION
    if exclusive or _SUPERLATIVE.search(low):
        return ClaimType.COMPARATIVE
    if any(not q.is_year for q in quantities):
        return ClaimType.NUMERIC
    if _QUOTE.search(low) or _DASH_QUOTE.match(text):
        return ClaimType.QUOTE
    if _CAUSAL.search(low):
        return ClaimType.CAUSAL
    if (dates or any(q.is_year for q in quantities)) and _TEMPORAL.search(low):
        return ClaimType.TEMPORAL
    if _COPULA.search(text):
        return ClaimType.ENTITY_ATTRIBUTE
    return ClaimType.EVENT


def _is_opinion(low: str) -> bool:
    if _OPINION.search(low):
        return True
    inf = _INFERENCE.search(low)
    if inf:  # "Meningsmålinger tyder på at ..." / "Polls suggest that ...": a reported finding
        return not _FINDING.search(low[: inf.start()])
    return False


def _score(text: str, ctype: ClaimType, quantities: Sequence[Quantity], dates: Sequence[DateMention],
           entities: Sequence[str], exclusive: bool) -> float:
    n_words = len(_words(text))
    score = 0.35
    score += 0.25 if any(not q.is_year for q in quantities) else 0.0
    score += 0.15 if (dates or any(q.is_year for q in quantities)) else 0.0
    score += (0.10 if entities else 0.0) + (0.05 if len(entities) >= 2 else 0.0)
    score += 0.10 if (exclusive or ctype is ClaimType.COMPARATIVE) else 0.0
    score -= 0.35 if _is_opinion(text.lower()) else 0.0
    score -= 0.15 if n_words < 6 else 0.0
    score -= 0.05 if n_words > 50 else 0.0
    return round(min(1.0, max(0.0, score)), 3)


def _checkable(text: str, ctype: ClaimType, quantities: Sequence[Quantity], dates: Sequence[DateMention],
               entities: Sequence[str]) -> bool:
    if ctype is ClaimType.OPINION or len(_words(text)) < 4:
        return False
    anchored = bool(quantities or dates or entities)
    return anchored or not _VAGUE.search(text.lower())


# --------------------------------------------------------------------------------------------
# the extractor

def _within(items, span: Span):  # noqa: ANN001, ANN202 - generic over Quantity / DateMention
    return tuple(i for i in items if span.contains(i.span))


def _age_claims(text: str, sent: Sentence, quantities: Sequence[Quantity], known: set[str]
                ) -> list[tuple[Span, Quantity, str]]:
    """(span of age phrase + name, age quantity, name) for attributive ages in a sentence."""
    out: list[tuple[Span, Quantity, str]] = []
    for q in quantities:
        if q.unit != "year_of_age":
            continue
        if _AGE_ATTRIBUTIVE.search(q.text):
            m = _NAME_AFTER.match(text[q.span.end : sent.span.end])
            if m:
                end = q.span.end + m.end(1)
                out.append((Span(q.span.start, end), q, _clean_name(m.group(1), known)))
        elif q.text.startswith("("):
            m = _NAME_BEFORE.search(text[sent.span.start : q.span.start])
            if m:
                start = sent.span.start + m.start(1)
                out.append((Span(start, q.span.end), q, _clean_name(m.group(1), known)))
    return out


def extract_claims(article_id: str, text: str, sentences: Sequence[Sentence], *, language: str,
                   published: dt.date | None) -> list[Claim]:
    """Claims of an article, in text order (see the module docstring for the rules).

    Raises InputError when a sentence's span does not cover its text in ``text``.
    """
    lang = normalise_language(language)
    known = _known_names(text, [s for s in sentences if text[s.span.start : s.span.end] == s.text])
    common = {w.lower() for w in re.findall(r"[^\W\d_]+", text) if w.islower()}
    claims: list[Claim] = []
    for sent in sentences:
        if text[sent.span.start : sent.span.end] != sent.text:
            raise InputError(
                f"sentence span {sent.span} does not cover {sent.text[:40]!r} in article {article_id!r}. "
                "Split the exact article text (the one given to extract_claims) into sentences.",
                code="FC110",
            )
        if sent.is_heading or not sent.text.strip():
            continue
        quantities = [dataclasses.replace(q, span=q.span.shift(sent.span.start))
                      for q in parse_quantities(sent.text, lang)]
        dates = [dataclasses.replace(d, span=d.span.shift(sent.span.start))
                 for d in parse_dates(sent.text, lang, published)]
        entities = find_entities(text, sent.span, known, common)
        used_ages: set[Span] = set()
        for span, q, name in _age_claims(text, sent, quantities, known):
            used_ages.add(q.span)
            claims.append(_claim(article_id, text[span.start : span.end], span, sent, lang, published,
                                 (q,), (), (name,), ClaimType.NUMERIC))
        rest_q = [q for q in quantities if q.span not in used_ages]
        for cl in split_clauses(sent, lang):
            ents = [n for s, n in entities if cl.span.contains(s)]
            if cl.subject:  # the prefixed subject's names belong to this claim too
                ents = [n for s, n in entities if s.end <= cl.span.start and n in cl.subject] + ents
            claims.append(_claim(article_id, cl.text, cl.span, sent, lang, published,
                                 _within(rest_q, cl.span), _within(dates, cl.span),
                                 tuple(dict.fromkeys(ents)), None))
    return claims


def _claim(article_id: str, ctext: str, span: Span, sent: Sentence, lang: str, published: dt.date | None,
           quantities: tuple[Quantity, ...], dates: tuple[DateMention, ...], entities: tuple[str, ...],
           ctype: ClaimType | None) -> Claim:
    is_age = ctype is not None  # an attributive age claim: always a checkable number
    exclusive = False if is_age else find_exclusivity(ctext, lang)
    ctype = ctype or classify(ctext, quantities, dates, exclusive, lang)
    checkable = is_age or _checkable(ctext, ctype, quantities, dates, entities)
    score = _score(ctext, ctype, quantities, dates, entities, exclusive)
    if is_age:  # short by construction: no penalty for length
        score = round(min(1.0, score + 0.15), 3) if len(_words(ctext)) < 6 else score
    return Claim(
        article_id=article_id,
        text=ctext,
        span=span,
        type=ctype,
        language=lang,
        quantities=quantities,
        dates=dates,
        entities=entities,
        exclusive=exclusive,
        checkworthy=score,
        checkable=checkable,
        sentence_span=sent.span,
        anchor_date=published,
        extractor=EXTRACTOR,
    )
