"""Atomic claims from a clause: reported speech, relative clauses, appositions and titles, lists.

A claim under construction is a :class:`Piece`: a tuple of *parts*, each either a :class:`Span`
into the article (verbatim) or a short literal the rewrite adds ("er", "is", "i"). Its text is the
parts joined by spaces; its sources are the spans it draws on. So a rewritten claim always knows
every stretch of the article it rests on, and the verbatim parts are exact by construction.

Operations (each returns None when it does not apply; all are conservative patterns, no parser):

* :func:`reported_speech` -- "X opplyste i helgen at Y", "X said that Y", "Ifølge X ble S V ...",
  "According to X, Y", "– Y, sier X.": the whole statement stays (a QUOTE claim, "X said Y"),
  and Y becomes a claim of its own unless the verb marks an opinion ("mener", "tror", "believes").
  Norwegian V2 after "Ifølge X" is undone when the subject is a run of names
  ("ble Fatah og Hamas enige" -> "Fatah og Hamas ble enige"); a leading "de"/"they" in Y is the speaker.
* :func:`relative_clause` -- a non-restrictive relative between commas: subject relatives
  ("Abbas, som leder Fatah, etablerte ..." -> "Abbas etablerte ..." + "Abbas leder Fatah"),
  object relatives ("en samlingsregjering, som Norge var alene om å anerkjenne" -> "Norge var
  alene om å anerkjenne en samlingsregjering"), locative ones ("Gaza, der Hamas har regjert" ->
  "Hamas har regjert i Gaza"), and the appositive "X, det siste som ..." -> "X var det siste som ...".
* :func:`appositions` -- titles before names ("President Mahmoud Abbas" -> "Mahmoud Abbas er
  president"), genitive roles ("Hamas-bevegelsens politiske leder Ismail Haniyeh" -> "Ismail
  Haniyeh er Hamas-bevegelsens politiske leder") and "Name, a/an/en/et NP," ("Square, a payment
  company," -> "Square is a payment company").
* :func:`causal_split` / :func:`consequence` -- "A because B" -> A and B; "A resulterte noen måneder senere
  i B" -> the effect "Det ble B noen måneder senere" beside the whole sentence (which states the cause),
  "A førte til at C" / "A led to C" -> C.
* :func:`distribute_list` -- a list of three or more names ("USA, EU og Israel ser ...") gives
  one claim per name; two names ("Fatah og Hamas ble enige") are left together (often reciprocal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from claims.model import Span

# fmt: off
__all__ = [
    "Piece", "birth_parenthetical", "birth_place", "reported_speech", "embedded_facts", "causal_split", "consequence",
    "predicate_relative", "alias_apposition", "contact_relatives", "relative_clause", "appositions",
    "distribute_list", "piece_text"
]
# fmt: on

Part = Union[Span, str]


@dataclass(frozen=True, slots=True)
class Piece:
    """A claim under construction: verbatim spans and literals, and what made it."""

    parts: tuple[Part, ...]
    kind: str = "clause"  # clause, reported, content, relative, main, apposition, list, age
    extra: tuple[Span, ...] = ()  # spans it draws on that are not in its text (a quantity, a speaker)

    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(p for p in self.parts if isinstance(p, Span))

    @property
    def sources(self) -> tuple[Span, ...]:
        return tuple(dict.fromkeys((*self.spans, *self.extra)))

    def hull(self) -> Span:
        spans = self.spans or self.extra
        return Span(min(s.start for s in spans), max(s.end for s in spans))


def piece_text(text: str, piece: Piece) -> str:
    """The claim text: parts joined by single spaces, stray commas and dashes tidied."""
    texts = [(text[p.start : p.end] if isinstance(p, Span) else p).strip() for p in piece.parts]
    texts = [t.rstrip(".!?") if k < len(texts) - 1 else t for k, t in enumerate(texts)]
    out = " ".join(texts)
    out = re.sub(r"\s+", " ", out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r"^[\s,;:–—-]+", "", out)
    out = re.sub(r"[\s,;:–—-]+$", "", out)
    return out


def _trim(text: str, a: int, b: int) -> Span | None:
    while a < b and (text[a].isspace() or text[a] in ',;:–—-«»"“”'):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ',;:–—-«»"“”'):
        b -= 1
    return Span(a, b) if b > a else None


# ----------------------------------------------------------------------------------------------
# reported speech

_SAY_NB = (
    r"opplyste|opplyser|sa|sier|uttalte|uttaler|hevdet|hevder|bekrefter|bekreftet|melder|meldte|skriver|"
    r"skrev|forteller|fortalte|kunngjorde|anslår|anslo|mener|tror|gjort det klart|gjorde det klart"
)
_SAY_EN = (
    r"said|says|stated|states|announced|announces|confirmed|confirms|reported|reports|claimed|claims|"
    r"told\s+\w+(?:\s+\w+)?|wrote|writes|estimated|believes|believed|thinks|thought|made it clear"
)
_OPINION_VERBS = {"mener", "tror", "believes", "believed", "thinks", "thought"}
_REPORTED = re.compile(
    rf"^(?P<speaker>[^,–—]{{3,90}}?)\s+(?P<verb>{_SAY_NB}|{_SAY_EN})\b(?P<mid>(?:\s+[\w.]+){{0,3}}?)"
    rf"\s+(?:at|that)\s+(?P<content>\S.+)$"
)
_ACCORDING = re.compile(
    r"^(?P<lead>(?:[Ii]følge|[Aa]ccording to)\s+(?P<src>[^,]+?))(?:,\s*|\s+(?=(?P<verb>ble|blir|er|var|har|hadde|vil|"
    r"skal|kan|kommer|is|are|was|were|has|have|had|will|can)\b))(?P<content>\S.+)$"
)
_DASH = re.compile(
    r"^(?:[–—-]\s*)?(?P<content>\S.*?),\s+(?P<verb>sier|sa|uttalte|forteller|says|said)\s+(?P<speaker>\S.*?)[.!]?$"
)
_NAMES_AFTER_VERB = re.compile(r"^(?P<verb>\w+)\s+(?P<subj>[A-ZÆØÅ][\w-]*(?:\s+(?:og|and|,)?\s*[A-ZÆØÅ][\w-]*)*)(?=\s)")
_THEY = re.compile(r"^(?:de|De|they|They)\s+")


def reported_speech(text: str, span: Span, *, is_opinion=lambda s: False) -> list[Piece] | None:  # noqa: ANN001
    """[the attribution, the content] for a reported statement in text[span], else None."""
    s = text[span.start : span.end]
    a = span.start
    m = _DASH.match(s)
    if m:
        content = _trim(text, a + m.start("content"), a + m.end("content"))
        whole = Piece((span,), "reported", ())
        if content is None or is_opinion(text[content.start : content.end]):
            return [whole]
        return [whole, Piece((content,), "content", (Span(a + m.start("speaker"), a + m.end("speaker")),))]
    m = _ACCORDING.match(s)
    if m:
        lead = Span(a + m.start("lead"), a + m.end("lead"))
        cstart = a + m.start("content")
        content = _trim(text, cstart, span.end)
        whole = Piece((span,), "reported")
        if content is None or is_opinion(text[content.start : content.end]):
            return [whole]
        c = text[content.start : content.end]
        v2 = _NAMES_AFTER_VERB.match(c)
        if m.group("verb") and v2 and c[:1].islower():
            verb = Span(content.start + v2.start("verb"), content.start + v2.end("verb"))
            subj = Span(content.start + v2.start("subj"), content.start + v2.end("subj"))
            rest = _trim(text, subj.end, content.end)
            parts: tuple[Part, ...] = (subj, verb) + ((rest,) if rest else ())
            return [whole, Piece(parts, "content", (lead,))]
        return [whole, Piece((content,), "content", (lead,))]
    m = _REPORTED.match(s)
    if m and not re.search(r"\b(?:som|who|which|hvis|if)\b", m.group("speaker")):
        speaker = Span(a + m.start("speaker"), a + m.end("speaker"))
        mid = _trim(text, a + m.start("mid"), a + m.end("mid")) if m.group("mid").strip() else None
        content = _trim(text, a + m.start("content"), span.end)
        whole = Piece((span,), "reported")
        if (
            content is None
            or m.group("verb").split()[0] in _OPINION_VERBS
            or is_opinion(text[content.start : content.end])
        ):
            return [whole]
        they = _THEY.match(text[content.start : content.end])
        if they:  # "Kilder i Fatah og Hamas opplyste at de var ..." -> the speakers were ...
            rest = Span(content.start + they.end(), content.end)
            return [whole, Piece((speaker, rest), "content", (mid,) if mid else ())]
        return [whole, Piece((content,), "content", (speaker, mid) if mid else (speaker,))]
    return None


_EMBEDDED = re.compile(
    r"(?<![\w])(?:med|over|om|på|til)\s+at\s+(?P<c>(?:[A-ZÆØÅ][\w-]*|de|den|det|disse)(?:\s+[\w-]+){0,3}?\s+"
    r"(?:ble|blir|er|var|har|hadde|\w{3,}(?:et|te|de))\s[^,;]+)"
)


_CONTACT = re.compile(
    r"(?<![\w-])(?P<noun>[a-zæøå][\w-]{2,}(?:et|en))\s+(?P<subj>de)\s+(?P<verb>[a-zæøå]{3,}(?:et|te|de))"
    r"(?P<rest>(?:\s+[^\s,;.]+(?:\.(?=\s*\w))?)*?)(?=\s*[,;.]|\s*$)"
)


def contact_relatives(text: str, span: Span) -> list[Piece]:
    """Norwegian relatives without "som" whose subject is "de": "regjeringen de dannet" -> "de dannet
    regjeringen"; "angrepet de gjennomførte mot det sørlige Israel 7. oktober" -> "de gjennomførte
    angrepet mot ...". Kind "contact": the extractor resolves the leading "de" to the organisation."""
    s = text[span.start : span.end]
    a = span.start
    out = []
    for m in _CONTACT.finditer(s):
        parts: list[Part] = [
            Span(a + m.start("subj"), a + m.end("subj")),
            Span(a + m.start("verb"), a + m.end("verb")),
            Span(a + m.start("noun"), a + m.end("noun")),
        ]
        rest = _trim(text, a + m.start("rest"), a + m.end("rest")) if m.group("rest").strip() else None
        if rest is not None:
            parts.append(rest)
        out.append(Piece(tuple(parts), "contact"))
    return out


def embedded_facts(text: str, span: Span) -> list[Piece]:
    """Facts stated inside a noun or verb complement: "Frustrasjonen over at USA rustet opp X, ..." ->
    "USA rustet opp X"; "Den endte med at Fatahs styrker ble jaget ut av Gaza" -> "Fatahs styrker ..."."""
    s = text[span.start : span.end]
    out = []
    for m in _EMBEDDED.finditer(s):
        c = _trim(text, span.start + m.start("c"), span.start + m.end("c"))
        if c is not None:
            out.append(Piece((c,), "embedded"))
    return out


# ----------------------------------------------------------------------------------------------
# relative clauses

_REL = re.compile(r",\s+(?P<rel>som|who|which|der|hvor|where)\s+")
_SUPERL_APPOS = re.compile(
    r",\s+(?P<head>(?:det|den|de|the)\s+(?:siste|første|eneste|største|nyeste|eldste|last|first|only|largest|"
    r"latest|oldest|biggest)\s+(?:som|that|to)\s)"
)
_DETERMINERS = {"en", "et", "ei", "den", "det", "de", "a", "an", "the", "this", "that", "denne", "dette", "disse"}
# fmt: off
_STOP_BACK = {
    "i", "på", "med", "for", "av", "til", "fra", "om", "over", "under", "etter", "før", "mot", "ved", "hos", "in",
    "on", "with", "for", "of", "to", "from", "about", "by", "at", "against", "og", "and", "eller", "or", "men", "but",
    "er", "var", "har", "hadde", "ble", "blir", "is", "was", "are", "were", "has", "had"
}
# fmt: on
# fmt: off
_TITLE_WORDS = {
    "president", "presidenten", "statsminister", "statsministeren", "utenriksminister", "minister", "kong", "king",
    "dronning", "queen", "prins", "prince", "general", "sir", "dr", "mr", "mrs", "ms", "professor", "prime",
    "foreign", "justice", "senator", "governor", "chancellor", "pope", "paven"
}
# fmt: on


def _antecedent(text: str, a: int, end: int) -> Span | None:
    """The noun phrase that ends at `end` (a name run, or back to its determiner, at most 5 words)."""
    words = list(re.finditer(r"[\w'’.-]+", text[a:end]))
    if not words:
        return None
    last = words[-1]
    if last.group()[:1].isupper():
        k = len(words) - 1
        while (
            k > 0
            and words[k - 1].group()[:1].isupper()
            and text[a + words[k - 1].end() : a + words[k].start()].isspace()
        ):
            k -= 1
        while k < len(words) - 1 and words[k].group().lower().strip(".") in _TITLE_WORDS:
            k += 1
        return Span(a + words[k].start(), a + last.end())
    k = len(words) - 1
    n = 0
    while k > 0 and n < 5:
        prev = words[k - 1].group().lower()
        if prev in _STOP_BACK:
            break
        k -= 1
        n += 1
        if prev in _DETERMINERS:
            break
    return Span(a + words[k].start(), a + last.end())


def _looks_finite(word: str) -> bool:
    w = word.lower()
    return w in {
        "er",
        "var",
        "har",
        "hadde",
        "ble",
        "blir",
        "kan",
        "vil",
        "skal",
        "leder",
        "ledet",
        "is",
        "was",
        "are",
        "were",
        "has",
        "had",
        "leads",
        "led",
        "will",
        "can",
    } or (word[:1].islower() and len(w) >= 4 and w.endswith(("er", "et", "te", "de", "ed", "s")))


# fmt: off
_EN_NOT_VERB_START = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our", "my", "your",
    "this", "these", "those", "that", "some", "many", "most", "all", "both", "each", "every", "no", "one", "two",
    "three", "several", "few", "in", "on", "at", "by", "for", "from", "with", "to", "of", "as", "after", "before",
    "during", "since", "until", "when"
}
# fmt: on


def _en_subject_relative(word: str) -> bool:
    """English "which sold ..." / "who won ...": a lower-case word that is not a determiner, pronoun or
    preposition starts a subject relative (an object relative starts with its subject: "which the firm sold")."""
    return word[:1].islower() and word.lower() not in _EN_NOT_VERB_START and not word.lower().endswith("ly")


def relative_clause(text: str, span: Span, *, main_verb_end: int | None = None) -> list[Piece] | None:
    """[main clause without the relative, the relative as its own claim], else None.

    main_verb_end: article offset just after the clause's finite verb (for "X, det siste som ...").
    """
    s = text[span.start : span.end]
    a = span.start
    m = _SUPERL_APPOS.search(s)
    if m and main_verb_end is not None and span.start <= main_verb_end <= a + m.start():
        obj = _trim(text, main_verb_end, a + m.start())
        body = _trim(text, a + m.start("head"), span.end)
        main = _trim(text, span.start, a + m.start())
        if obj and body and main:
            cop = "var" if re.search(r"\b(?:det|den|de)\b", m.group("head")) else "was"
            return [Piece((main,), "main"), Piece((obj, cop, body), "relative")]
    m = _REL.search(s)
    if not m or m.start() == 0:
        return None
    rel_start = a + m.end()
    close = re.search(r",\s", s[m.end() :])
    rel_end = a + m.end() + close.start() if close else span.end
    body = _trim(text, rel_start, rel_end)
    ante = _antecedent(text, a, a + m.start())
    if body is None or ante is None:
        return None
    first = re.match(r"[\w'’-]+", text[body.start : body.end])
    rel = m.group("rel").lower()
    if rel in ("der", "hvor", "where"):
        rel_piece = Piece((body, "in" if rel == "where" else "i", ante), "relative")
    elif first and (_looks_finite(first.group()) or (rel in ("which", "who") and _en_subject_relative(first.group()))):
        rel_piece = Piece((ante, body), "relative")
    elif rel in ("som", "which"):
        rel_piece = Piece((body, ante), "relative")
    else:
        return None
    before = _trim(text, span.start, a + m.start())
    after = _trim(text, rel_end, span.end) if close else None
    if before is None:
        return None
    main = Piece((before, after) if after else (before,), "main")
    return [main, rel_piece]


_PRED_REL = re.compile(
    r"^(?P<subj>[^,;]{2,80}?)\s+(?P<cop>is|was|are|were|er|var|ble|became)\s+(?P<np>(?:a|an|the|one of the|en|et|ei|"
    r"den|det|one)\s+[^,;]{2,80}?)\s+(?P<rel>who|which|that|som)\s+(?P<vp>\S.*)$"
)


def predicate_relative(text: str, span: Span) -> list[Piece] | None:
    """ "X is a N who/that V ..." / "X er en N som V ..." -> "X is a N" and "X V ..." (a restrictive relative
    on the predicate noun says something more about the subject)."""
    s = text[span.start : span.end]
    m = _PRED_REL.match(s)
    if not m or not _looks_finite(m.group("vp").split()[0]):
        return None
    a = span.start
    subj = Span(a + m.start("subj"), a + m.end("subj"))
    first = Piece((Span(a, a + m.end("np")),), "main")
    second = Piece((subj, Span(a + m.start("vp"), span.end)), "relative")
    return [first, second]


_ALIAS = re.compile(
    r"^(?P<name>[^,;]{2,80}?),\s+(?P<how>(?:also\s+)?(?:known as|called|referred to as)|"
    r"(?:også\s+)?(?:kjent som|kalt))\s+(?P<alias>[^,;]{2,80}?),\s+(?P<rest>\S.*)$"
)


def alias_apposition(text: str, span: Span, language: str = "") -> list[Piece] | None:
    """ "X, also known as Y, V ..." -> "X V ..." and "X is also known as Y" ("X, også kjent som Y, ...").

    (Trimming English participles, "X V ..., making Z" -> "X V ...", was measured and lowered
    Factcheck-Bench F1 from 0.684 to 0.680, so it is not done.)"""
    s = text[span.start : span.end]
    a = span.start
    m = _ALIAS.match(s)
    if m:
        name = Span(a + m.start("name"), a + m.end("name"))
        how = m.group("how")
        cop = "er" if re.match(r"(?:også\s+)?(?:kjent|kalt)", how) else "is"
        return [
            Piece((name, Span(a + m.start("rest"), span.end)), "main"),
            Piece((name, cop, Span(a + m.start("how"), a + m.end("alias"))), "apposition"),
        ]
    return None


# ----------------------------------------------------------------------------------------------
# appositions and titles

_NAME = r"[A-ZÆØÅ][\w'’-]+(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-ZÆØÅ][\w'’.-]*[\w'’-])+"
_TITLE_BEFORE = re.compile(
    r"(?<![\w-])(?P<title>(?:[Pp]resident|[Ss]tatsminister|[Uu]tenriksminister|[Ff]orsvarsminister|[Ff]inansminister|"
    r"[Pp]rime [Mm]inister|[Ff]oreign [Mm]inister|[Kk]ansler|[Cc]hancellor|[Gg]eneralsekretær|[Ss]ecretary-[Gg]eneral))"
    rf"\s+(?P<name>{_NAME})"
)
_ROLE_GENITIVE = re.compile(
    r"(?<![\w-])(?P<role>[A-ZÆØÅ][\w-]*(?:s|'s|’s)\s+(?:[a-zæøå][\w-]*\s+){0,2}(?:leder|sjef|president|"
    r"statsminister|talsmann|talsperson|grunnlegger|leader|chief|head|founder|spokesperson|spokesman|president))"
    rf"\s+(?P<name>{_NAME})"
)
_NAME_APPOS = {
    lang: re.compile(
        rf"(?P<name>(?<![\w(])[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+)*),\s+(?P<np>(?:{det})\s+[^,;()]{{3,80}}?)(?=,\s)"
    )
    for lang, det in (("nb", "en|et|ei"), ("en", "a|an"))
}


def appositions(text: str, span: Span, language: str = "") -> list[Piece]:
    """Entity-attribute claims stated in passing (titles, roles, "Name, a NP,")."""
    s = text[span.start : span.end]
    a = span.start
    cop = "is" if language == "en" else "er"
    out: list[Piece] = []
    for m in _TITLE_BEFORE.finditer(s):
        name = Span(a + m.start("name"), a + m.end("name"))
        out.append(
            Piece(
                (name, cop, m.group("title").lower()), "apposition", (Span(a + m.start("title"), a + m.end("title")),)
            )
        )
    for m in _ROLE_GENITIVE.finditer(s):
        name = Span(a + m.start("name"), a + m.end("name"))
        out.append(Piece((name, cop, Span(a + m.start("role"), a + m.end("role"))), "apposition"))
    for m in _NAME_APPOS["en" if language == "en" else "nb"].finditer(s):
        out.append(
            Piece(
                (Span(a + m.start("name"), a + m.end("name")), cop, Span(a + m.start("np"), a + m.end("np"))),
                "apposition",
            )
        )
    return out


_BIRTH_PAREN = re.compile(
    r"(?P<name>[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){0,3})\s*\(\s*(?P<born>(?:født|fødd|born|f\.|b\.)\s+"
    r"[^()]{4,24}?)\s*\)"
)


def birth_parenthetical(text: str, span: Span, language: str = "") -> tuple[Piece, Piece] | None:
    """ "Name (fødd 1968) har gitt ut ..." -> the clause without the parenthesis, and "Name er fødd 1968": two facts,
    each checked on its own (a wrong birth year does not make the rest of the clause wrong)."""
    s = text[span.start : span.end]
    m = _BIRTH_PAREN.search(s)
    if m is None:
        return None
    a = span.start
    name = Span(a + m.start("name"), a + m.end("name"))
    before = _trim(text, span.start, a + m.end("name"))
    after = _trim(text, a + m.end(), span.end)
    if before is None or after is None:
        return None
    born = Piece((name, "is" if language == "en" else "er", Span(a + m.start("born"), a + m.end("born"))), "apposition")
    return Piece((before, after), "clause"), born


_BIRTH_PLACE = re.compile(
    r"(?<![\w])(?P<verb>[Ff]ødt|[Ff]ødd|[Bb]orn)\s+(?P<date>(?:(?:den|on)\s+)?[^,;()]{0,25}?\d{4})"
    r"\s+(?P<place>(?:i|in|på)\s+[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){0,2})"
)


def birth_place(text: str, span: Span) -> Piece | None:
    """ "Født 16. juli 1931 i Sandefjord" / "X ble født 3. mai 1950 i Bergen" -> the birthplace as a fact of its own
    ("Født i Sandefjord"), beside the whole clause (which the birth date is checked on, with the place that names
    whose birth it is when no person is named)."""
    s = text[span.start : span.end]
    m = _BIRTH_PLACE.search(s)
    if m is None:
        return None
    a = span.start
    return Piece((Span(span.start, a + m.end("verb")), Span(a + m.start("place"), a + m.end("place"))), "apposition")


# ----------------------------------------------------------------------------------------------
# causes

_BECAUSE = re.compile(r"(?:,\s*)?\s(?:because|fordi|ettersom)\s+(?=\S)", re.IGNORECASE)


def causal_split(text: str, piece: Piece) -> list[Piece] | None:
    """ "A because B" -> [A, B] (the effect and the stated cause, each a claim of its own)."""
    last = piece.parts[-1]
    if not isinstance(last, Span):
        return None
    s = text[last.start : last.end]
    m = _BECAUSE.search(s)
    if not m or m.start() < 8:
        return None
    left = _trim(text, last.start, last.start + m.start())
    right = _trim(text, last.start + m.end(), last.end)
    if left is None or right is None or len(text[right.start : right.end].split()) < 3:
        return None
    return [Piece(piece.parts[:-1] + (left,), piece.kind, piece.extra), Piece((right,), "cause")]


_RESULT = re.compile(
    r"\s(?P<verb>resulterte|resulterer|resulted|results|førte|fører|ledet|led|leads)\s+"
    r"(?P<adv>(?:[\wæøå-]+\s+){0,3}?)(?P<prep>i|in|til|to)\s+(?P<b>\S.*)$",
    re.IGNORECASE,
)
_RESULT_PREP = {
    "resulterte": "i",
    "resulterer": "i",
    "resulted": "in",
    "results": "in",
    "førte": "til",
    "fører": "til",
    "ledet": "til",
    "led": "to",
    "leads": "to",
}
_THAT = re.compile(r"^(?:at|that)\s+", re.IGNORECASE)


def consequence(text: str, piece: Piece, lang: str) -> Piece | None:
    """ "A resulterte [noen måneder senere] i B" -> the effect B as a claim of its own ("Det ble B noen måneder
    senere"; "A førte til at C" -> C; English "A resulted in B" -> "There was B", "A led to C" with a clause
    -> C). The whole sentence stays a claim too: it states the cause, which needs evidence of its own."""
    last = piece.parts[-1]
    if not isinstance(last, Span):
        return None
    s = text[last.start : last.end]
    m = _RESULT.search(s)
    if not m or m.start() < 8 or _RESULT_PREP[m.group("verb").lower()] != m.group("prep").lower():
        return None
    if m.group("adv").strip() and not m.group("verb").lower().startswith("result"):
        return None  # "led the delegation to Oslo", "førte forhandlinger til ...": not a cause
    b_start = last.start + m.start("b")
    that = _THAT.match(m.group("b"))
    effect = _trim(text, b_start + (that.end() if that else 0), last.end)
    if effect is None or len(text[effect.start : effect.end].split()) < 2:
        return None
    if that:
        return Piece((effect,), "effect")
    adv = _trim(text, last.start + m.start("adv"), last.start + m.end("adv")) if m.group("adv").strip() else None
    lead = "There was" if lang == "en" else "Det ble"
    return Piece((lead, effect) + ((adv,) if adv is not None else ()), "effect")


# ----------------------------------------------------------------------------------------------
# lists

_ITEM = r"[A-ZÆØÅ][\w'’-]*(?:\s+[A-ZÆØÅ][\w'’-]*){0,2}"
_LIST = re.compile(rf"(?<![\w-])(?P<list>{_ITEM}(?:,\s+{_ITEM}){{1,}},?\s+(?:og|and|eller|or)\s+{_ITEM})(?![\w-])")


_EXAMPLE_ITEM = r"[\w'’-]+(?:\s+[\w'’-]+){0,3}"
_EXAMPLE_LIST = re.compile(
    r"(?<![\w])(?:such as|including|like|for example|e\.g\.|blant annet|inkludert|for eksempel|deriblant)\s+"
    rf"(?P<list>{_EXAMPLE_ITEM}(?:,\s+{_EXAMPLE_ITEM})*,?\s+(?:and|or|og|eller)\s+{_EXAMPLE_ITEM})(?=[,.;:]|$)",
    re.IGNORECASE,
)


def _items(lst: str) -> list[tuple[int, int]]:
    """(start, end) of the items of "a, b, and c" / "a, b og c"."""
    out, pos = [], 0
    for m in re.finditer(r",\s+(?:(?:and|or|og|eller)\s+)?|\s+(?:and|or|og|eller)\s+", lst):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(lst)))
    return [(a, b) for a, b in out if b > a]


def distribute_list(text: str, piece: Piece) -> list[Piece] | None:
    """One piece per item of a list of three or more names, or of an example list of two or more
    ("such as diet, stress, or toxins", "blant annet X og Y"), inside one of the piece's spans."""
    for k, part in enumerate(piece.parts):
        if not isinstance(part, Span):
            continue
        s = text[part.start : part.end]
        m = _LIST.search(s)
        if not m:
            m = _EXAMPLE_LIST.search(s)
            if not m:
                continue
            lst = m.group("list")
            items = _items(lst)
            if len(items) < 2:
                continue
        else:
            lst = m.group("list")
            items = [(i.start(), i.end()) for i in re.finditer(_ITEM, lst)]
        items = [(x, y) for x, y in items if lst[x:y].lower() not in ("og", "and", "eller", "or")]
        if len(items) < 3:
            continue
        base = part.start + m.start("list")
        before = _trim(text, part.start, base) if base > part.start else None
        after = _trim(text, base + len(lst), part.end) if base + len(lst) < part.end else None
        out = []
        for x, y in items:
            new = (*([before] if before else []), Span(base + x, base + y), *([after] if after else []))
            out.append(Piece(piece.parts[:k] + tuple(new) + piece.parts[k + 1 :], "list", piece.extra))
        return out
    return None
