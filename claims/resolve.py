"""Make claims self-contained: pronouns and definite descriptions resolved where the article is unambiguous.

A :class:`Context` walks the article in order and remembers the last named *person* (a name of
two or more capitalised words that is not a place or an institution, or a name that speaks:
"sier Lin Jian", "Lin Jian said") and the last named *organisation* that was a sentence subject
(one capitalised word or an acronym at the start of a clause: "Hamas vant ...").

:func:`resolve` rewrites a claim text:

* a person pronoun that opens the claim or follows "ifølge" / "according to" ("Han", "Hun",
  "ham", "henne", "He", "She", "him", "her") -> the last person; a possessive that opens the
  claim ("His", "Her", "Hans", "Hennes") -> "<person>'s" / "<person>s";
* a definite description of a group ("gruppen", "bevegelsen", "organisasjonen", "partiet",
  "the group", "the movement", "the organisation", "the party") -> the last organisation.

Nothing is replaced when no antecedent is known; "it", "they", "de", "den", "det" are left alone
(too ambiguous without a parser). Every replacement returns the antecedent's span so the claim
keeps a link to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claims.model import Span

__all__ = ["Context", "resolve", "Mention"]

# fmt: off
_PLACE_OR_INSTITUTION = {
    "states", "kingdom", "nations", "union", "court", "korea", "africa", "america", "arabia", "emirates", "republic",
    "ministry", "department", "council", "house", "bank", "university", "party", "forces", "strip", "bank", "sea",
    "ocean", "river", "city", "county", "island", "islands", "east", "west", "north", "south", "vestbredden",
    "gazastripen", "departement", "departementet", "regjeringen", "parliament", "congress", "senate", "organization",
    "organisation", "association", "institute", "company", "corporation", "inc", "ltd", "group", "news", "times",
    "post", "journal", "award", "prize", "war", "act", "day", "new", "york", "ud", "fn", "eu", "usa", "nato"
}
# fmt: on
_SPEAKER = re.compile(
    r"(?:sier|sa|uttalte|forteller|fortalte|said|says|told)\s+((?:[A-ZÆØÅ][\w'’.-]*\s+){0,3}[A-ZÆØÅ][\w'’-]*)"
)
_PERSON_PRONOUN = re.compile(
    r"^(?P<p>Han|Hun|He|She)(?=\s)|(?<=\bifølge\s)(?P<q>ham|henne|han|hun)\b|(?<=\bIfølge\s)(?P<r>ham|henne|han|hun)\b"
    r"|(?<=\baccording to\s)(?P<s>him|her)\b|(?<=\bAccording to\s)(?P<t>him|her)\b"
)
_POSSESSIVE = re.compile(r"^(?P<p>His|Her|Hans|Hennes)(?=\s)")
_GROUP = re.compile(
    r"(?<![\w-])(?P<d>gruppen|bevegelsen|organisasjonen|partiet|the group|the movement|the organisation"
    r"|the organization|the party)(?![\w-])",
    re.IGNORECASE,
)
_NOT_AFTER = r"(?!\s+(?:is|was|are|were|seems|seemed|appears|appeared|'s|has been|may|might|would)\b)"
_AFTER_CONJ = "(?:" + "|".join(rf"(?<=\b{w} )" for w in ("because", "since", "and", "so", "but", "as")) + ")"
_IT = re.compile(
    rf"^[Ii]t(?=\s+(?:is|was)\s+\w+(?:ed|en)\s+by\b)|^[Ii]t(?=\s){_NOT_AFTER}|"
    rf"{_AFTER_CONJ}it(?=\s){_NOT_AFTER}|(?<=\ballows )it(?=\s)"
)
_THEY = re.compile(rf"^[Tt]hey(?=\s){_NOT_AFTER}|{_AFTER_CONJ}they(?=\s){_NOT_AFTER}")
_NAME = re.compile(r"[A-ZÆØÅ][\w'’-]*(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-ZÆØÅ][\w'’.-]*)*")


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    span: Span


@dataclass
class Context:
    """What the article has named so far (updated sentence by sentence, in text order)."""

    person: Mention | None = None
    organisation: Mention | None = None
    names: dict[str, Mention] = field(default_factory=dict)
    subject: Mention | None = None  # English: the subject noun phrase "it" / "they" stand for

    def begin(self, subject: tuple[str, Span] | None) -> None:
        """Start a sentence: its own subject noun phrase, when it has one, replaces the previous one."""
        if subject is not None:
            self.subject = Mention(subject[0], subject[1])

    def update(self, text: str, span: Span, entities: list[tuple[Span, str]] = ()) -> None:  # noqa: B006
        """Learn from one sentence (article text, the sentence's span, its named entities)."""
        s = text[span.start : span.end]
        for espan, name in entities:
            self.names[name] = Mention(name, espan)
            if _is_person(name):
                self.person = Mention(name, espan)
        for m in _SPEAKER.finditer(s):
            name = m.group(1).strip(" .")
            if name.split()[0].lower() not in {"en", "et", "a", "an", "the"}:
                self.person = Mention(name, Span(span.start + m.start(1), span.start + m.start(1) + len(name)))
        subj = _clause_subject(s)
        known = {n for _, n in entities}
        if subj is not None:  # "Obama was ... . He was born ...": the subject is the likeliest antecedent
            name = subj[0]
            full = next(
                (
                    m
                    for n, m in self.names.items()
                    if _is_person(n) and (n == name or n.split()[-1] == name.split()[-1])
                ),
                None,
            )
            if full is not None and (len(name.split()) > 1 or name in known):
                self.person = full
        if subj is not None:
            name, off = subj
            if name in known and not _is_person(name) and len(name.split()) == 1:
                self.organisation = Mention(name, Span(span.start + off, span.start + off + len(name)))


def _is_person(name: str) -> bool:
    words = name.split()
    if len(words) < 2 or any(re.fullmatch(r"[A-ZÆØÅ]{2,}", w) for w in words):
        return False
    return not any(w.lower().strip(".") in _PLACE_OR_INSTITUTION for w in words)


def _clause_subject(s: str) -> tuple[str, int] | None:
    """The name that opens the sentence ("Hamas vant valget ..."), with its offset."""
    m = _NAME.match(s)
    if m and not re.match(r"(?:I|In|På|On|At|Etter|After|Da|When|The|Den|Det|De)\b", m.group()):
        return m.group(), 0
    return None


def resolve(text: str, ctx: Context, language: str = "") -> tuple[str, tuple[Span, ...]]:
    """(self-contained text, antecedent spans used). Unchanged text and () when nothing is resolved."""
    used: list[Span] = []
    person = ctx.person
    if person is not None:

        def _person(m: re.Match[str]) -> str:
            used.append(person.span)
            return person.text

        text = _PERSON_PRONOUN.sub(_person, text, count=2)

        def _poss(m: re.Match[str]) -> str:
            used.append(person.span)
            return person.text + ("'s" if m.group("p") in ("His", "Her") else "s")

        text = _POSSESSIVE.sub(_poss, text, count=1)
    subj = ctx.subject
    if subj is not None and language == "en":
        plural = subj.text.split()[-1].lower().endswith("s")

        def _it(m: re.Match[str]) -> str:
            used.append(subj.span)
            np_text = subj.text
            return np_text[0].upper() + np_text[1:] if m.start() == 0 else np_text

        text = (_THEY if plural else _IT).sub(_it, text, count=1)
    org = ctx.organisation
    if org is not None:

        def _org(m: re.Match[str]) -> str:
            used.append(org.span)
            return org.text

        text = _GROUP.sub(_org, text, count=1)
    return text, tuple(dict.fromkeys(used))
