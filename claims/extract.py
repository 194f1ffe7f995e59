"""Atomic claims from an article's sentences: rule-based and transparent ("claims.rules.v4").

Each non-heading sentence is split into clauses (:func:`split_clauses`: coordinated clauses and
verb phrases, the shared subject prefixed), and each clause into atomic claims by
:mod:`claims.decompose` (reported speech, appositions and titles, embedded facts, relative clauses,
causes, lists). An attributive age ("87 år gamle Abbas", "87-year-old Abbas", "Abbas (87)")
becomes a NUMERIC claim "Abbas er 87 år" / "Abbas is 87 years old" with the `year_of_age`
quantity, so that the verifier can check it against a birth date. :mod:`claims.resolve` makes
the text self-contained ("Ifølge ham" -> "Ifølge Lin Jian", "gruppen" -> "Hamas", "He" -> the
person named before). Every claim carries its span (the quoted part), the spans it draws on
(``sources``), quantities, dates (anchored on the publication date), the period it is about,
entities, an exclusivity flag, a claim type, a check-worthiness score and whether it can be
checked at all. docs/claims.md has the whole picture and the measured figures.

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

from claims.cues import DASH_QUOTE, QUOTE, is_opinion, superlative_marker
from claims.decompose import (
    Piece,
    alias_apposition,
    appositions,
    birth_parenthetical,
    birth_place,
    causal_split,
    consequence,
    contact_relatives,
    distribute_list,
    embedded_facts,
    piece_text,
    predicate_relative,
    relative_clause,
    reported_speech,
)
from claims.errors import InputError
from claims.model import Claim, ClaimType, DateMention, Precision, Quantity, Sentence, Span
from claims.normalise import causal_marker, find_exclusivity, normalise_language, parse_dates, parse_quantities
from claims.resolve import Context, Mention, resolve

__all__ = [
    "EXTRACTOR",
    "Clause",
    "extract_claims",
    "split_clauses",
    "find_entities",
    "classify",
    "rules_checkworthiness",
    "RULES_CHECKWORTHY_THRESHOLD",
]

RULES_CHECKWORTHY_THRESHOLD = 0.5  # the rule score from which a claim counts as check-worthy (decide's checkworthy_min)

EXTRACTOR = "claims.rules.v4"

# --------------------------------------------------------------------------------------------
# word lists

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,]*")

_AUX = {
    "nb": {
        "er",
        "var",
        "har",
        "hadde",
        "ble",
        "blir",
        "vil",
        "skal",
        "kan",
        "må",
        "kunne",
        "skulle",
        "ville",
        "måtte",
        "bør",
        "burde",
        "får",
        "fikk",
        "går",
        "gikk",
        "kom",
        "kommer",
        "sier",
        "sa",
        "fant",
        "finnes",
        "fantes",
        "ligger",
        "lå",
        "står",
        "sto",
        "ser",
        "tok",
        "gjør",
        "gjorde",
        "vant",
        "ga",
        "gir",
        "tror",
        "mener",
        "viser",
        "leder",
    },
    "en": {
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "did",
        "does",
        "do",
        "said",
        "says",
        "say",
        "won",
        "took",
        "made",
        "gave",
        "went",
        "came",
        "found",
        "told",
        "met",
        "led",
        "left",
        "held",
        "got",
        "remains",
        "regard",
        "regards",
        "show",
        "shows",
    },
}
_PRONOUNS = {
    "nb": {"jeg", "du", "han", "hun", "den", "det", "vi", "dere", "de", "man", "disse", "dette"},
    "en": {"i", "you", "he", "she", "it", "we", "they", "this", "these", "those", "that"},
}
# fmt: off
_NOT_VERBS = {
    "over", "under", "etter", "eller", "hver", "mer", "der", "her", "flere", "færre", "andre", "siste", "første",
    "store", "gamle", "hele", "samme", "beste", "egne", "neste", "side", "måte", "dette", "slike", "mange", "alle",
    "disse", "hvilke", "senere", "tidligere", "medlemmer", "red", "need", "speed", "seed", "bed", "feed", "hundred",
    "united", "based", "called", "alleged", "so-called", "armed", "limited", "indeed"
}
# fmt: on
# fmt: off
_SUBORDINATORS = {
    "som", "der", "hvor", "hvis", "når", "da", "mens", "fordi", "at", "om", "hvem", "hva", "hvilken", "selv", "samt",
    "og", "men", "eller", "etter", "før", "siden", "til", "i", "på", "med", "for", "which", "who", "whom", "whose",
    "where", "when", "while", "because", "that", "if", "whether", "although", "though", "as", "and", "but", "or",
    "after", "before", "since", "including", "with", "in", "on", "at", "for", "from", "to"
}
# fmt: on
_LEADING_ADVERBIALS = _SUBORDINATORS | {"nå", "derfor", "likevel", "imidlertid", "now", "however", "then"}

_TEMPORAL = re.compile(
    r"(?<![\w])(?:siden|fra og med|inntil|til og med|fram til|frem til|senere|tidligere|etter|før|"
    r"i løpet av|since|until|till|later|earlier|after|before|during|by)(?![\w])"
)
_COPULA = re.compile(
    r"(?<![\w])(?:er|var|blir|ble|is|was|are|were|remains|has been)\s+"
    r"(?:en|et|ei|den|det|de|a|an|the|[A-ZÆØÅ][\w-]*|\w+s\s+(?:leder|president|sjef|leader|head))(?![\w])"
    r"|(?<![\w])(?:ser(?:\s+\w+)?\s+på|anser|regards?|regarded|considers?|considered)\s.+?\s(?:som|as)\s"
)
_VAGUE = re.compile(r"(?<![\w])(?:mange|noen|flere|diverse|mye|many|some|several|a lot|lots)(?![\w])")

_AGE_ATTRIBUTIVE = re.compile(r"(?:år\s+gamle|-årige|-year-old)$")
_NAME_AFTER = re.compile(r"^\s+((?:[A-ZÆØÅ][\w'’-]*)(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-ZÆØÅ][\w'’-]*){0,3})")
_NAME_BEFORE = re.compile(r"((?:[A-ZÆØÅ][\w'’-]*\s+){0,3}[A-ZÆØÅ][\w'’-]*)\s?$")
_AGE_PREFIX = re.compile(r"^(?:(?:the|den|det)\s+)?\d+(?:\s*år\s+gamle|-årige|-year-old)\s+", re.IGNORECASE)

# fmt: off
_NON_NAMES = {
    "i", "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
    "desember", "january", "february", "march", "may", "june", "july", "october", "december", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday"
}
# fmt: on


# --------------------------------------------------------------------------------------------
# clauses


@dataclass(frozen=True, slots=True)
class Clause:
    """A piece of a sentence stated on its own: span into the article, and the claim text.

    text equals the span's text, except for a coordinated verb phrase whose subject is
    prefixed ("Abbas" + "har siden nektet å holde valg."), with the auxiliary it shares when it is a
    participle ("Politiet" + "har" + "tiltalt ham for drapet").
    """

    span: Span
    text: str
    subject: str = ""
    subject_span: Span | None = None  # where the prefixed subject is in the article
    aux: str = ""  # the shared auxiliary put between subject and span ("har"), else ""


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
    return bool(DASH_QUOTE.match(s)) or bool(re.search(r",\s+(?:sier|sa|uttalte|says|said|told)\s", s, re.IGNORECASE))


_SPLIT = re.compile(
    r",\s+(?P<conj>og|men|and|but|while|whereas|mens)\s+|;\s+|,\s+|\s(?P<bare>og|and)\s+", re.IGNORECASE
)
_VP_JOIN = re.compile(r"\s(?:og|and)\s+(?P<verb>[^\W\d_][\w'-]*)(?:\s+(?P<next>\w+))?", re.IGNORECASE)


def _split_ok(left: str, right_piece: str, kind: str, lang: str) -> bool:
    lw = [m.group() for m in _words(left)]
    rw = [m.group() for m in _words(right_piece)]
    if len(lw) < 3 or len(rw) < 3:
        return False
    left_ok = _finite_index(lw, lang) is not None or (kind != "comma" and _has_numeral(left))
    if not left_ok:
        return False
    if _verbish(rw[0], lang):  # ", and served ...": a verb phrase sharing the subject (see _split_vp)
        return False
    if kind == "bare":  # "A endte på 9.400 og B var 5.800": two figures, each with its own subject and verb
        fi = _finite_index(rw[:5], lang)
        return _has_numeral(left) and _has_numeral(right_piece) and fi is not None and 0 < fi <= 3
    if kind == "comma":  # asyndetic: "X er drept, store deler er bombet"
        if rw[0].lower() in _LEADING_ADVERBIALS:
            return False
        fi = _finite_index(rw[:7], lang)
        if fi is None or fi == 0:
            return False
        return not any(w.lower() in _SUBORDINATORS for w in rw[:fi])
    fi = _finite_index(rw, lang)
    return (fi is not None and fi > 0 or rw[0].lower() in _AUX.get(lang, set())) or _has_numeral(right_piece)


def _verbish(word: str, lang: str) -> bool:
    w = word.lower()
    if not word[:1].islower():
        return False
    if lang == "en":
        return w in _AUX["en"] or w in _EN_PAST_IRREGULAR or (len(w) >= 5 and w.endswith("ed") and w not in _NOT_VERBS)
    return w in _AUX.get(lang, _AUX["nb"]) or w in _NB_VERBS


def split_clauses(sentence: Sentence, language: str = "") -> list[Clause]:
    """Clauses of a sentence that state independent things (conservative; spans into the article).

    Splits at ", og" / ", men" / ", and" / ", but" / "; ", at a bare "og" / "and" between two clauses that
    each state a figure ("A endte på 9.400 og B var 5.800": one claim per figure), and at a bare comma when
    both sides have their own finite verb (the right side not starting with a relative or subordinating word), and
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
        kind = (
            "bare" if m.group("bare") else ("comma" if (m.group().startswith(",") and not m.group("conj")) else "conj")
        )
        if _split_ok(s[seg_start : m.start()], s[m.end() : nxt], kind, lang):
            pieces.append((seg_start, m.start()))
            seg_start = m.end()
    pieces.append((seg_start, len(s)))
    clauses: list[Clause] = []
    for a, b in pieces:
        clauses.extend(_split_vp(s, a, b, base, lang))
    clauses = [c for c in clauses if c.text.strip(" ,.;")]
    return clauses or whole


# fmt: off
_EN_PAST_IRREGULAR = {
    "became", "began", "built", "bought", "brought", "came", "did", "drove", "fell", "felt", "fought", "found",
    "gave", "got", "grew", "had", "held", "kept", "knew", "led", "left", "lost", "made", "met", "paid", "ran", "said",
    "sold", "sent", "set", "spent", "stood", "took", "taught", "told", "went", "won", "wrote", "is", "was", "were",
    "has", "remains", "remained", "serves", "holds", "owns", "includes", "contains", "lives", "works", "runs",
    "plays", "leads", "became"
}
# fmt: on
# fmt: off
_NB_VERBS = {
    "nektet", "etablerte", "dannet", "vant", "tapte", "fikk", "ga", "tok", "gikk", "kom", "sa", "ble", "inviterte",
    "signerte", "godkjente", "avviste", "bekreftet", "trakk", "startet", "innførte"
}
# fmt: on


def _vp_cuts(seg: str, after: int, lang: str) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """Where a segment's coordinated verb phrases begin after `after`: (end of the previous VP, start of the next
    verb) in segment offsets, and for a cut whose verb is a participle, the auxiliary it shares."""
    cuts: list[tuple[int, int]] = []
    shared_aux: dict[int, str] = {}
    for m in _VP_JOIN.finditer(seg, after):
        verb, nxt = m.group("verb").lower(), (m.group("next") or "").lower()
        aux_before = _participle_aux(seg[: m.start()], verb, nxt, lang)
        if aux_before:
            shared_aux[m.start("verb")] = aux_before
            cuts.append((m.start(), m.start("verb")))
            continue
        aux = verb in _AUX.get(lang, _AUX["nb"] | _AUX["en"])
        past = bool(re.fullmatch(r"\w{3,}(?:et|te|de|ed)", verb)) and nxt in {"å", "at", "to", "that"}
        listed = (
            lang == "en"
            and (verb in _EN_PAST_IRREGULAR or (len(verb) >= 5 and verb.endswith("ed") and verb not in _NOT_VERBS))
        ) or (lang != "en" and verb in _NB_VERBS)
        if not (aux or past or listed):
            continue
        cuts.append((m.start(), m.start("verb")))
    return cuts, shared_aux


def _split_vp(s: str, a: int, b: int, base: int, lang: str) -> list[Clause]:
    """Split "Subj V1 ... og V2 ... og V3 ..." into one clause per verb phrase, the subject prefixed to each.

    A coordinated verb is an auxiliary, a past form followed by å/at/to/that, a listed Norwegian
    past form, or (English) a listed irregular form or an -ed form.
    """
    seg = s[a:b]
    words = _words(seg)
    fi = _finite_index([w.group() for w in words], lang)
    if fi is None or fi == 0 or DASH_QUOTE.match(seg):
        return [_clause(s, a, b, base)]
    first_verb = words[fi]
    subject = seg[: first_verb.start()].strip(" ,")
    subj_words = _words(subject)
    if not (1 <= len(subj_words) <= 6) or subj_words[0].group().lower() in _LEADING_ADVERBIALS:
        return [_clause(s, a, b, base)]
    prefix = _AGE_PREFIX.match(subject)
    subj_off = a + (seg.index(subject) if subject in seg else 0) + (prefix.end() if prefix else 0)
    subj = _AGE_PREFIX.sub("", subject).strip() or subject
    subj_span = (
        Span(base + subj_off, base + subj_off + len(subj)) if s[subj_off : subj_off + len(subj)] == subj else None
    )
    cuts, shared_aux = _vp_cuts(seg, first_verb.end(), lang)
    if not cuts:
        return [_clause(s, a, b, base)]
    out = []
    first_end = a + cuts[0][0]
    out.append(_clause(s, a, first_end, base))
    for k, (_, vstart) in enumerate(cuts):
        start = a + vstart
        end = a + cuts[k + 1][0] if k + 1 < len(cuts) else b
        end = _rstrip(s, start, end)
        while end > start and s[end - 1] in ",;":
            end -= 1
        aux = shared_aux.get(vstart)
        text = f"{subj} {aux} {s[start:end]}" if aux else f"{subj} {s[start:end]}"
        out.append(Clause(Span(base + start, base + end), text, subj, subj_span, aux or ""))
    return out


# "har arrestert en mann og tiltalt ham": a second participle shares the auxiliary of the first; it is read as one
# only before an object or a preposition, so "og tiltalt" is not mistaken for a noun or an adjective.
_NB_PARTICIPLE = re.compile(r"\w{2,}(?:t|dd)")
_NB_AUX_PERFECT = re.compile(r"(?<![\w])(har|hadde|er|var|blitt)\s+(\w+)(?:\s|$)", re.IGNORECASE)
_NB_OBJECT_START = {
    "ham", "han", "henne", "dem", "den", "det", "de", "en", "ei", "et", "seg", "sin", "sitt", "sine", "to", "tre",
    "for", "med", "i", "på", "til", "fra", "av", "over", "under", "mot",
}  # fmt: skip


def _participle_aux(before: str, verb: str, nxt: str, lang: str) -> str | None:
    """The auxiliary a coordinated participle shares ("har arrestert ... og tiltalt ham" -> "har"), or None."""
    if lang == "en" or not _NB_PARTICIPLE.fullmatch(verb) or nxt not in _NB_OBJECT_START:
        return None
    found = [m for m in _NB_AUX_PERFECT.finditer(before) if _NB_PARTICIPLE.fullmatch(m.group(2).lower())]
    return found[-1].group(1).lower() if found else None


def _rstrip(s: str, a: int, b: int) -> int:
    while b > a and s[b - 1].isspace():
        b -= 1
    return b


def _clause(s: str, a: int, b: int, base: int) -> Clause:
    while a < b and s[a].isspace():
        a += 1
    b = _rstrip(s, a, b)
    while b > a and s[b - 1] in ",;":
        b = _rstrip(s, a, b - 1)
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
        initial = bool(cur) and gap == ". " and re.fullmatch(r"[A-ZÆØÅ]", cur[-1].group()) is not None
        if (capital or (connector and cur)) and (not cur or re.fullmatch(r"\s", gap) or initial):
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


# fmt: off
_TITLES = {
    "president", "statsminister", "utenriksminister", "minister", "prime", "foreign", "kong", "king", "dronning",
    "queen", "prins", "prince", "general", "sir", "dr", "mr", "mrs", "ms", "professor", "sjef", "leder", "talsmann",
    "talsperson", "spokesperson", "spokesman", "chief", "the", "a", "an"
}
# fmt: on


def find_entities(
    text: str,
    span: Span,
    known: set[str] | frozenset[str] = frozenset(),
    common: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[Span, str]]:
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
            keep = (
                _is_acronym(first)
                or first_clean in known
                or first in known
                or (multi and first.lower() not in _TITLES and first.lower() not in common)
            )
            if not keep:
                rest = re.match(r"\S+\s+", gtext)
                if not rest or rest.end() >= len(gtext):
                    continue
                gspan, gtext = Span(gspan.start + rest.end(), gspan.end), gtext[rest.end() :]
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


def classify(
    text: str, quantities: Sequence[Quantity], dates: Sequence[DateMention], exclusive: bool, language: str = ""
) -> ClaimType:
    """The claim type by the first rule that fires (see the module docstring)."""
    low = text.lower()
    if is_opinion(low):
        return ClaimType.OPINION
    if exclusive or superlative_marker(low):
        return ClaimType.COMPARATIVE
    if any(not q.is_year for q in quantities):
        return ClaimType.NUMERIC
    if QUOTE.search(low) or DASH_QUOTE.match(text):
        return ClaimType.QUOTE
    if causal_marker(low, language):
        return ClaimType.CAUSAL
    if (dates or any(q.is_year for q in quantities)) and _TEMPORAL.search(low):
        return ClaimType.TEMPORAL
    if _COPULA.search(text):
        return ClaimType.ENTITY_ATTRIBUTE
    return ClaimType.EVENT


def _score(
    text: str,
    ctype: ClaimType,
    quantities: Sequence[Quantity],
    dates: Sequence[DateMention],
    entities: Sequence[str],
    exclusive: bool,
) -> float:
    n_words = len(_words(text))
    score = 0.35
    score += 0.25 if any(not q.is_year for q in quantities) else 0.0
    score += 0.15 if (dates or any(q.is_year for q in quantities)) else 0.0
    score += (0.10 if entities else 0.0) + (0.05 if len(entities) >= 2 else 0.0)
    score += 0.10 if (exclusive or ctype is ClaimType.COMPARATIVE) else 0.0
    score -= 0.35 if is_opinion(text.lower()) else 0.0
    score -= 0.15 if n_words < 6 else 0.0
    score -= 0.05 if n_words > 50 else 0.0
    return round(min(1.0, max(0.0, score)), 3)


def rules_checkworthiness(texts: Sequence[str], language: str = "") -> list[float]:
    """The rule score of check-worthiness (module docstring) for free-standing texts (tweets, sentences)."""
    lang = normalise_language(language)
    out = []
    for t in texts:
        t = t or ""
        qs = parse_quantities(t, lang)
        ds = parse_dates(t, lang, None)
        ents = [n for _, n in find_entities(t, Span(0, len(t)))]
        excl = find_exclusivity(t, lang)
        out.append(_score(t, classify(t, qs, ds, excl, lang), qs, ds, ents, excl))
    return out


def _checkable(
    text: str, ctype: ClaimType, quantities: Sequence[Quantity], dates: Sequence[DateMention], entities: Sequence[str]
) -> bool:
    if ctype is ClaimType.OPINION or len(_words(text)) < 3:
        return False
    anchored = bool(quantities or dates or entities)
    return anchored or not _VAGUE.search(text.lower())


# --------------------------------------------------------------------------------------------
# the extractor


def _within(items, span: Span):  # noqa: ANN001, ANN202 - generic over Quantity / DateMention
    return tuple(i for i in items if span.contains(i.span))


def _age_claims(
    text: str, sent: Sentence, quantities: Sequence[Quantity], known: set[str]
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


_FRAMED_KINDS = ("relative", "contact")
_FRAME_LEAD = re.compile(
    r"^\s*(?P<prep>i|in|on|den|the|during|i løpet av|tidlig i|sent i|early|late)?\s*$", re.IGNORECASE
)
_FRAME_AFTER = re.compile(r"^\s*(?:,|[^\W\d_]+)")


def _time_frame(sent: Sentence, dates: Sequence[DateMention]) -> tuple[DateMention, str] | None:
    """The fronted time adverbial of a sentence ("I februar 2007 inviterte ...", "In 2019, Acme ..."):
    (its date, the preposition in lower case), else None. A fronted time sets the time of the whole
    sentence, so a relative clause that names no time of its own is read at that time."""
    if not dates:
        return None
    d = dates[0]
    if d.precision not in (Precision.DAY, Precision.MONTH, Precision.YEAR):
        return None
    lead = _FRAME_LEAD.match(sent.text[: d.span.start - sent.span.start])
    if lead is None or not _FRAME_AFTER.match(sent.text[d.span.end - sent.span.start :]):
        return None
    return d, (lead.group("prep") or "").lower()


# fmt: off
_ROLE_NOUNS = {
    "president", "presidenten", "statsminister", "statsministeren", "minister", "ministeren", "leder", "lederen",
    "sjef", "sjefen", "ordfører", "ordføreren", "general", "generalen", "konge", "kongen", "dronning", "dronningen",
    "direktør", "direktøren", "biskop", "biskopen", "prime minister", "leader", "chief", "mayor", "king", "queen",
    "chancellor", "governor", "director", "chairman", "ceo", "senator", "premier"
}
# fmt: on
_HEADING_NP = re.compile(r"^(?P<mods>(?:[^\W\d_][\w-]*\s+){1,3})(?P<head>[^\W\d_][\w-]*)\s*$")


def _heading_claim(
    article_id: str,
    text: str,
    sent: Sentence,
    following: Sequence[Sentence],
    known: set[str],
    common: set[str],
    lang: str,
    published: dt.date | None,
) -> Claim | None:
    """A section heading that is a described role ("Upopulær president", "Omstridt statsminister", "Embattled
    leader"), over a first sentence that names the holder of that role with its title ("President Mahmoud Abbas
    ..."), says the role's description of that person: "Mahmoud Abbas er en upopulær president". Any other
    heading gives no claim (headings are summaries, usually stated again below)."""
    m = _HEADING_NP.match(sent.text.strip(" .:"))
    if not m or not following or following[0].is_heading:
        return None
    role = m.group("head").lower()
    if role not in _ROLE_NOUNS or any(w.lower() in _AUX.get(lang, _AUX["nb"]) for w in m.group("mods").split()):
        return None
    nxt = following[0]
    titled = re.search(
        rf"(?<![\w])(?i:{re.escape(role)})\s+(?P<name>[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){{1,3}})", nxt.text
    )
    if not titled:
        return None
    name = titled.group("name")
    name_span = Span(nxt.span.start + titled.start("name"), nxt.span.start + titled.end("name"))
    heading = sent.text.strip(" .:")
    phrase = heading[:1].lower() + heading[1:]
    article_word = "an" if phrase[:1] in "aeiou" else "a"
    ctext = f"{name} is {article_word} {phrase}" if lang == "en" else f"{name} er en {phrase}"
    return _claim(
        article_id,
        ctext,
        sent.span,
        sent,
        lang,
        published,
        (),
        (),
        (name,),
        None,
        sources=(sent.span, name_span),
        forced=ClaimType.ENTITY_ATTRIBUTE,
    )


_PRESENTING = re.compile(r"^\s*(?:her|dette|slik|les|se|sjå|here|this|read|see|watch)\b", re.IGNORECASE)


def _stated_heading(heading: str, lang: str) -> bool:
    """A headline or subhead that states something ("Nordstoga-brørne er Årets nynorskbrukarar", "Den antatte
    gjerningsmannen ble overrumplet etter at skuddene falt") is read as a sentence: four words or more with a
    finite verb of the language's common ones, not a question and not one that only presents what follows ("Her er
    ...", "Les også ...")."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", heading)]
    if len(words) < 4 or heading.rstrip().endswith("?") or _PRESENTING.match(heading):
        return False
    return any(w in _AUX.get(lang, _AUX["nb"]) for w in words)


def ctype_ok(claim: Claim) -> bool:
    """A claim that can carry a time frame: checkable and not an opinion."""
    return claim.checkable and claim.type is not ClaimType.OPINION


_BARE_SINCE = re.compile(
    r"(?<![\w])(?:siden|since then|ever since)(?!\s+(?:\d|[A-ZÆØÅ]|januar|februar|mars|april|"
    r"mai|juni|juli|august|september|oktober|november|desember|da|the|at|det|den))(?![\w])"
)
_SINCE = re.compile(r"(?:siden|since|fra og med|from)\s+$", re.IGNORECASE)


def _period(text: str, dates: Sequence[DateMention], published: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """First and last day of the time a claim is about: its dates' range, or from a "since" date to publication."""
    if not dates:
        return None
    first = min(d.value for d in dates)
    last = max(d.last for d in dates)
    if published is not None and any(_SINCE.search(text[max(0, d.span.start - 12) : d.span.start]) for d in dates):
        last = max(last, published)
    return first, last


def _age_text(name: str, q: Quantity, lang: str) -> str:
    n = int(q.value) if float(q.value).is_integer() else q.value
    return f"{name} is {n} years old" if lang == "en" else f"{name} er {n} år"


def _cut_ages(piece: Piece, ages: Sequence[Span], text: str) -> Piece:
    """The piece without attributive age phrases ("87 år gamle Abbas har ..." -> "Abbas har ...")."""
    parts: list = []
    for p in piece.parts:
        if isinstance(p, Span):
            for age in ages:
                if p.start <= age.start < age.end <= p.end:
                    left = Span(p.start, age.start) if age.start > p.start else None
                    right_start = age.end
                    while right_start < p.end and text[right_start].isspace():
                        right_start += 1
                    if left and text[left.start : left.end].strip():
                        parts.append(left)
                    p = Span(right_start, p.end)
            if p.end > p.start:
                parts.append(p)
        else:
            parts.append(p)
    return dataclasses.replace(piece, parts=tuple(parts)) if parts else piece


_DISCOURSE = re.compile(
    r"^(?:however|therefore|so|additionally|in fact|overall|also|moreover|furthermore|similarly|thus|hence|"
    r"meanwhile|nevertheless|in addition|likevel|derfor|dessuten|imidlertid|samtidig|i tillegg|altså),\s+",
    re.IGNORECASE,
)
# fmt: off
_EN_AUX_STRICT = {
    "is", "are", "was", "were", "has", "have", "had", "can", "could", "will", "would", "may", "might", "must",
    "should", "does", "do", "did"
}
# fmt: on
# fmt: off
_NOT_SUBJECT = {
    "it", "this", "that", "these", "those", "there", "they", "he", "she", "we", "i", "you", "however", "therefore",
    "in", "on", "at", "when", "if", "while", "although", "additionally", "overall", "also", "so", "but", "and", "as",
    "because", "after", "before", "during", "for", "with", "yes", "no", "here", "what", "which", "who", "how", "why",
    "its", "their", "his", "her", "our", "my"
}
# fmt: on


def _subject_np(text: str, sent: Sentence, lang: str) -> tuple[str, Span] | None:
    """The subject noun phrase of an English sentence (words before its finite verb), for "it"/"they"."""
    if lang != "en":
        return None
    words = _words(sent.text)
    if not words:
        return None
    fi = next((k for k, w in enumerate(words[:7]) if w.group().lower() in _EN_AUX_STRICT), None)
    fi = fi if fi is not None else _finite_index([w.group() for w in words[:7]], lang)
    if not fi or fi > 5 or words[0].group().lower() in _NOT_SUBJECT:
        return None
    a, b = words[0].start(), words[fi - 1].end()
    if any(ch in sent.text[a:b] for ch in ",;:()"):
        return None
    np_text = sent.text[a:b]
    if words[0].group() in ("The", "A", "An"):
        np_text = np_text[0].lower() + np_text[1:]
    return np_text, Span(sent.span.start + a, sent.span.start + b)


_GROUP_WORD = re.compile(r"(?<![\w-])(?:gruppen|bevegelsen|organisasjonen|partiet)(?![\w-])")


def _contact_antecedent(text: str, sent: Sentence, piece: Piece, entities, ctx: Context, lang: str):  # noqa: ANN001
    """The group a contact relative's "de" stands for: the nearest name (or "gruppen", resolved) after the
    sentence's subject and before "de"; None when there is none."""
    de = piece.spans[0]
    words = _words(sent.text)
    fi = _finite_index([w.group() for w in words], lang)
    subject_end = sent.span.start + (words[fi].start() if fi is not None else 0)
    # (where it is mentioned, what it stands for): a name, or "gruppen" standing for the organisation
    cands = [(sp.start, Mention(n, sp)) for sp, n in entities if subject_end <= sp.start and sp.end <= de.start]
    if ctx.organisation is not None:
        cands += [(m.start(), ctx.organisation) for m in _GROUP_WORD.finditer(text, subject_end, de.start)]
    return max(cands, key=lambda c: c[0])[1] if cands else None


def _with_contact_groups(text: str, piece: Piece, bare: str, contact_de: dict) -> tuple[str, tuple[Span, ...]]:
    """A piece's text with each contact relative's "de" inside it replaced by the group it was resolved to
    ("regjeringen de dannet" -> "regjeringen Hamas dannet"), and the groups' spans; unchanged when none is."""
    used: list[Span] = []
    for de, group in contact_de.items():
        if not any(sp.contains(de) for sp in piece.spans):
            continue
        # the words around "de" identify it in the piece's text (the same words may not stand anywhere else)
        left = re.search(r"[\w-]+\s+$", text[: de.start])
        right = re.match(r"\s+[\w-]+", text[de.end :])
        if not left or not right:
            continue
        phrase = left.group() + text[de.start : de.end] + right.group()
        if bare.count(phrase) == 1:
            bare = bare.replace(phrase, left.group() + group.text + right.group())
            used.append(group.span)
    return bare, tuple(used)


def _main_verb_end(text: str, span: Span, lang: str) -> int | None:
    words = _words(text[span.start : span.end])
    fi = _finite_index([w.group() for w in words], lang)
    return span.start + words[fi].end() if fi is not None else None


def _decompose(text: str, piece: Piece, lang: str) -> list[Piece]:
    """Reported speech, appositions, relative clauses and lists of one clause (see claims.decompose)."""
    out: list[Piece] = []
    last = piece.parts[-1]
    if len(piece.parts) == 1 and isinstance(last, Span):
        rs = reported_speech(text, last, is_opinion=lambda t: is_opinion(t.lower()))
        if rs is not None:
            content_spans = [sp for c in rs[1:] for sp in c.spans]
            out.extend(
                a
                for a in appositions(text, last, lang)  # "Statsminister Benjamin Netanyahu har sagt ..."
                if not any(sp.overlaps(c) for sp in a.spans for c in content_spans)
            )
            out.append(rs[0])
            for content in rs[1:]:
                out.extend(_decompose_more(text, content, lang))
            return out
    return _decompose_more(text, piece, lang)


def _peel_relatives(text: str, piece: Piece, lang: str) -> list[Piece]:
    """The piece with up to three relative clauses or alias appositions peeled off its last part."""
    pieces = [piece]
    for _ in range(3):  # "A, who ..., and B, who ...": one relative at a time
        main = pieces[0]
        last = main.parts[-1]
        if not isinstance(last, Span):
            break
        rel = relative_clause(text, last, main_verb_end=_main_verb_end(text, last, lang))
        if rel is None and len(main.parts) == 1:
            rel = predicate_relative(text, last)
        if rel is None:
            alias = alias_apposition(text, last, lang)
            if alias is not None:
                pieces = [
                    dataclasses.replace(alias[0], parts=main.parts[:-1] + alias[0].parts, extra=main.extra),
                    *alias[1:],
                    *pieces[1:],
                ]
                continue
        if rel is None:
            break
        new_main, relative = rel
        pieces = [
            dataclasses.replace(new_main, parts=main.parts[:-1] + new_main.parts, extra=main.extra),
            relative,
            *pieces[1:],
        ]
    return pieces


def _birth_pieces(text: str, pieces: list[Piece], lang: str) -> list[Piece]:
    """The main piece with its birth parenthetical or birth place split off, when it has one."""
    main = pieces[0]
    if len(main.parts) == 1 and isinstance(main.parts[0], Span):
        born = birth_parenthetical(text, main.parts[0], lang)
        if born is not None:
            pieces = [dataclasses.replace(born[0], extra=main.extra, kind=main.kind), born[1], *pieces[1:]]
        else:
            where = birth_place(text, main.parts[0])
            if where is not None:
                pieces = [main, where, *pieces[1:]]
    return pieces


def _decompose_more(text: str, piece: Piece, lang: str) -> list[Piece]:
    out: list[Piece] = []
    for part in piece.spans:
        out.extend(appositions(text, part, lang))
        if lang != "en":
            out.extend(embedded_facts(text, part))
            out.extend(contact_relatives(text, part))
    pieces = _birth_pieces(text, _peel_relatives(text, piece, lang), lang)
    split: list[Piece] = []
    for p in pieces:
        split.extend(causal_split(text, p) or [p])
        effect = consequence(text, p, lang)
        if effect is not None:
            split.append(effect)
    for p in split:
        out.extend(distribute_list(text, p) or [p])
    return out


def _check_sentence_span(article_id: str, text: str, sent: Sentence) -> None:
    """Raise InputError (FC111) when the sentence's span does not cover its text in the article."""
    if text[sent.span.start : sent.span.end] != sent.text:
        raise InputError(
            f"sentence span {sent.span} does not cover {sent.text[:40]!r} in article {article_id!r}. "
            "Split the exact article text (the one given to extract_claims) into sentences.",
            code="FC111",
        )


def _sentence_claims(st: _SentenceState, sent: Sentence, lang: str) -> list[Claim]:
    """A sentence's claims: the ages it states, then per clause each piece's claims, in text order."""
    sent_claims = _age_claims_of(st)
    for cl in split_clauses(sent, lang):
        pieces, contact_de = _clause_pieces(st, cl)
        for piece in pieces:
            sent_claims.extend(_piece_claims(st, cl, piece, contact_de))
    return sent_claims


def _heading_claims(
    article_id: str, text: str, sentences, n_sent: int, known, common, lang: str, published
) -> list[Claim]:
    """The claim a heading makes about the person the next sentence names, if any."""
    sent = sentences[n_sent]
    # "Upopulær president" over "President Mahmoud Abbas, ...": the heading describes the person
    head = _heading_claim(article_id, text, sent, sentences[n_sent + 1 : n_sent + 2], known, common, lang, published)
    return [head] if head is not None else []


def extract_claims(
    article_id: str,
    text: str,
    sentences: Sequence[Sentence],
    *,
    language: str,
    published: dt.date | None,
    checkworthiness: str = "rules",
) -> list[Claim]:
    """Atomic claims of an article, in text order (see the module docstring and claims.decompose).

    checkworthiness: "rules" (the transparent score in the module docstring; no model, fast) or
    "model" (the shipped classifier of claims.checkworthy: e5 embeddings + the same features; loads
    the bundled model once and embeds every claim). ``checkable`` is the rules' decision either way.

    Each sentence goes through the passes in order: its quantities, dates and names (`_read_sentence`), the
    ages it states (`_age_claims_of`), then per clause its decomposition into pieces (`_clause_pieces`),
    each piece's references resolved and its claim built (`_piece_claims`); the context of names and dates
    carries over to the next sentence.

    Raises InputError when a sentence's span does not cover its text in ``text``, and when
    checkworthiness is neither "rules" nor "model".
    """
    if checkworthiness not in ("rules", "model"):
        raise InputError(f"checkworthiness must be 'rules' or 'model', got {checkworthiness!r}.", code="FC124")
    lang = normalise_language(language)
    known = _known_names(text, [s for s in sentences if text[s.span.start : s.span.end] == s.text])
    common = {w.lower() for w in re.findall(r"[^\W\d_]+", text) if w.islower()}
    ctx = Context()
    last_date: DateMention | None = None
    claims: list[Claim] = []
    for n_sent, sent in enumerate(sentences):
        _check_sentence_span(article_id, text, sent)
        if sent.is_heading and sent.text.strip():
            claims += _heading_claims(article_id, text, sentences, n_sent, known, common, lang, published)
            if not _stated_heading(sent.text, lang):
                continue
        if not sent.text.strip():
            continue
        st = _read_sentence(article_id, text, sent, lang, published, known, common, ctx, last_date)
        ctx.begin(_subject_np(text, sent, lang))
        claims.extend(_sentence_claims(st, sent, lang))
        ctx.update(text, sent.span, st.entities)
        if st.dates:
            last_date = st.dates[-1]
    if checkworthiness == "model":
        from claims.checkworthy import score_claims

        claims = score_claims(claims)
    return claims


@dataclass
class _SentenceState:
    """One sentence as the passes of extract_claims see it: its figures, dates and names read, the claim
    texts already made (no claim twice), and the running context of names."""

    article_id: str
    text: str
    sent: Sentence
    lang: str
    published: dt.date | None
    quantities: list[Quantity]
    dates: list[DateMention]
    entities: list
    ctx: Context
    last_date: DateMention | None
    frame: tuple | None
    known: set[str]
    used_ages: set[Span] = dataclasses.field(default_factory=set)
    seen: set[str] = dataclasses.field(default_factory=set)

    @property
    def rest_quantities(self) -> list[Quantity]:
        return [q for q in self.quantities if q.span not in self.used_ages]

    @property
    def age_phrases(self) -> list[Span]:
        return [q.span for q in self.quantities if q.span in self.used_ages]


def _read_sentence(
    article_id: str,
    text: str,
    sent: Sentence,
    lang: str,
    published: dt.date | None,
    known,
    common,
    ctx: Context,
    last_date: DateMention | None,
) -> _SentenceState:
    """Pass 1: the sentence's quantities and dates (spans in article coordinates) and the names in it."""
    quantities = [dataclasses.replace(q, span=q.span.shift(sent.span.start)) for q in parse_quantities(sent.text, lang)]
    dates = [
        dataclasses.replace(d, span=d.span.shift(sent.span.start)) for d in parse_dates(sent.text, lang, published)
    ]
    return _SentenceState(
        article_id,
        text,
        sent,
        lang,
        published,
        quantities,
        dates,
        find_entities(text, sent.span, known, common),
        ctx,
        last_date,
        _time_frame(sent, dates),
        known,
    )


def _age_claims_of(st: _SentenceState) -> list[Claim]:
    """Pass 2: "Abbas (87)", "87 år gamle Abbas": one claim per stated age, its figure kept from the rest."""
    out: list[Claim] = []
    for span, q, name in _age_claims(st.text, st.sent, st.quantities, st.known):
        st.used_ages.add(q.span)
        end = span.end
        name_span = Span(end - len(name), end) if st.text[end - len(name) : end] == name else span
        out.append(
            _claim(
                st.article_id,
                _age_text(name, q, st.lang),
                span,
                st.sent,
                st.lang,
                st.published,
                (q,),
                (),
                (name,),
                ClaimType.NUMERIC,
                sources=(name_span, q.span),
            )
        )
        st.seen.add(out[-1].text)
    return out


def _clause_pieces(st: _SentenceState, cl) -> tuple[list[Piece], dict[Span, Mention]]:
    """Pass 3: a clause decomposed into pieces (claims.decompose), and for each contact relative's "de" the group
    it stands for ("... regjeringen de dannet": the nearest group named before)."""
    aux = (cl.aux,) if cl.aux else ()
    parts = (cl.subject_span, *aux, cl.span) if cl.subject_span is not None else (cl.span,)
    base = Piece(parts, "clause")
    if cl.subject and cl.subject_span is None:
        base = Piece((cl.subject, *aux, cl.span), "clause")
    pieces = _decompose(st.text, _cut_ages(base, st.age_phrases, st.text), st.lang)
    contact_de: dict[Span, Mention] = {}
    for piece in pieces:
        if piece.kind == "contact":
            group = _contact_antecedent(st.text, st.sent, piece, st.entities, st.ctx, st.lang)
            if group is not None:
                contact_de[piece.spans[0]] = group
    return pieces, contact_de


def _resolved_piece(st: _SentenceState, piece: Piece, contact_de: dict[Span, Mention]) -> tuple[str, tuple] | None:
    """A piece's text with its references resolved, and the spans they were resolved to; None for a lone "de"."""
    text = st.text
    raw = piece_text(text, piece)
    bare = _DISCOURSE.sub("", raw)  # "However, X" -> "X"
    if piece.kind == "contact":
        group = contact_de.get(piece.spans[0])
        if group is None:
            return None
        bare = group.text + bare[2:]
        used_group: tuple[Span, ...] = (group.span,)
    else:  # the clause that holds it says the same: "nektet å anerkjenne regjeringen Hamas dannet"
        bare, used_group = _with_contact_groups(text, piece, bare, contact_de)
    ctext, used = resolve(bare[:1].upper() + bare[1:] if bare != raw else bare, st.ctx, st.lang)
    used = used + used_group
    return ctext, used


def _piece_claims(st: _SentenceState, cl, piece: Piece, contact_de: dict[Span, Mention]) -> list[Claim]:
    """Pass 4: one piece's references resolved (pronouns, "de", a bare "siden") and its claim built with the
    figures, dates and names its sources hold; plus the same claim framed by a fronted time, when the sentence
    has one. Empty when the piece says nothing new."""
    sent = st.sent
    resolved = _resolved_piece(st, piece, contact_de)
    if resolved is None:
        return []
    ctext, used = resolved
    if not ctext or ctext in st.seen or len(_words(ctext)) < 2:
        return []
    st.seen.add(ctext)
    srcs = tuple(sorted(set(piece.sources) | set(used), key=lambda x: (x.start, x.end)))
    # the quoted part: the verbatim stretches the text is made of (not a speaker or antecedent elsewhere)
    inside = [sp for sp in piece.spans if sent.span.contains(sp)] or [sp for sp in srcs if sent.span.contains(sp)]
    hull = Span(min(x.start for x in inside), max(x.end for x in inside)) if inside else cl.span
    ents = [n for sp, n in st.entities if any(x.contains(sp) for x in srcs)]
    ents += [st.ctx.names[n].text for n in st.ctx.names if any(st.ctx.names[n].span == u for u in used)]
    forced = ClaimType.ENTITY_ATTRIBUTE if piece.kind == "apposition" else None
    qs = tuple(q for q in st.rest_quantities if any(x.contains(q.span) for x in srcs))
    ds = tuple(d for d in st.dates if any(x.contains(d.span) for x in srcs))
    period = None
    at = piece.spans[-1].start if piece.spans else hull.start
    before = [d for d in st.dates if d.span.end <= at] or ([st.last_date] if st.last_date else [])
    if not ds and before and st.published is not None and _BARE_SINCE.search(ctext):
        # "Over 34.000 palestinere er siden drept": since the date the article last named
        since = before[-1]
        period = (since.value, st.published)
        srcs = tuple(sorted(set(srcs) | {since.span}, key=lambda x: (x.start, x.end)))
    claim = _claim(
        st.article_id,
        ctext,
        hull,
        sent,
        st.lang,
        st.published,
        qs,
        ds,
        tuple(dict.fromkeys(ents)),
        None,
        sources=srcs,
        forced=forced,
        period=period,
    )
    if st.frame is not None and piece.kind in _FRAMED_KINDS and not ds and not period and ctype_ok(claim):
        framed = _framed_claim(st, ctext, hull, srcs, qs, ents)
        return [claim, framed] if framed is not None else [claim]
    return [claim]


def _framed_claim(st: _SentenceState, ctext: str, hull: Span, srcs: tuple, qs: tuple, ents: list) -> Claim | None:
    """The claim again with the sentence's fronted time: "I februar 2007 inviterte Hamas Fatah med i en
    samlingsregjering, som Norge var alene om å anerkjenne" -> "... anerkjenne en samlingsregjering i februar 2007",
    a TEMPORAL claim checked on its date (the undated claim keeps the rest); None when already made."""
    fdate, prep = st.frame
    framed = f"{ctext.rstrip(' .')} {prep + ' ' if prep else ''}{fdate.text}"
    if framed in st.seen:
        return None
    st.seen.add(framed)
    fsrcs = tuple(sorted(set(srcs) | {fdate.span}, key=lambda x: (x.start, x.end)))
    fhull = Span(min(hull.start, fdate.span.start), max(hull.end, fdate.span.end))
    forced = None if qs else ClaimType.TEMPORAL
    return _claim(
        st.article_id,
        framed,
        fhull,
        st.sent,
        st.lang,
        st.published,
        qs,
        (fdate,),
        tuple(dict.fromkeys(ents)),
        None,
        sources=fsrcs,
        forced=forced,
        exclusive=False,
    )


def whole_text_claim(article_id: str, text: str, language: str = "en", published: dt.date | None = None) -> Claim:
    """A claim handed in whole (a data set's claim, a claim typed by a reviewer) as the pipeline's Claim: one atomic
    claim spanning the whole text, with its numbers, dates, named entities, exclusivity, type and
    check-worthiness read by the same code that reads article claims. It is checkable: the extractor's
    "checkable" gate (opinion / hedge words, vague wording) chooses which sentences of an article to check and is
    not a verdict on a claim chosen for checking."""
    lang = normalise_language(language) or "en"
    whole = Span(0, len(text))
    entities = tuple(dict.fromkeys(name for _, name in find_entities(text, whole)))
    claim = _claim(
        article_id,
        text,
        whole,
        Sentence(whole, text),
        lang,
        published,
        tuple(parse_quantities(text, lang)),
        tuple(parse_dates(text, lang, published)),
        entities,
        None,
    )
    return dataclasses.replace(claim, checkable=True)


def _claim(
    article_id: str,
    ctext: str,
    span: Span,
    sent: Sentence,
    lang: str,
    published: dt.date | None,
    quantities: tuple[Quantity, ...],
    dates: tuple[DateMention, ...],
    entities: tuple[str, ...],
    ctype: ClaimType | None,
    *,
    sources: tuple[Span, ...] = (),
    forced: ClaimType | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    exclusive: bool | None = None,
) -> Claim:
    is_age = ctype is not None  # an attributive age claim: always a checkable number
    if exclusive is None:
        exclusive = False if is_age else find_exclusivity(ctext, lang)
    ctype = ctype or classify(ctext, quantities, dates, exclusive, lang)
    if forced is not None and ctype is not ClaimType.OPINION:
        ctype = forced
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
        sources=sources or (span,),
        period=period
        or _period(sent.text, [dataclasses.replace(d, span=d.span.shift(-sent.span.start)) for d in dates], published),
    )
