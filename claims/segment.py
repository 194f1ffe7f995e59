"""Split an article's text into sentences with exact character spans.

Blocks (paragraphs) are separated by blank lines; each Sentence carries its block index in
`paragraph`. Within a block, syntok proposes sentence starts and a post-processing pass merges
the false breaks it leaves after abbreviations ("kl. 12", "Jan. 5") and ordinal dates
("7. oktober"), Norwegian and English alike.

Conventions:
- Sentence text is stripped of surrounding whitespace; its span covers exactly that text.
- A single-line block that looks like a title ("# Foo", "Røk uklar": few words, no final
  punctuation) is one Sentence with is_heading=True; Markdown "#" markup is outside its span.
- A line that starts with a Markdown bullet ("- ", "* ", "+ ") or a quote dash ("– ", "— ")
  starts a new sentence. Bullet markup is outside the span; the quote dash is part of the
  sentence, since it is text, not markup ("– De to partene ga uttrykk for ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import syntok.segmenter as syntok_segmenter

from claims.model import Sentence, Span, checked_span

# Abbreviations that (practically) never end a sentence: always join the next piece.
_NEVER_FINAL = frozenset(
    """
    bl.a. ca. kl. f.eks. nr. jf. jfr. pga. p.g.a. dvs. d.v.s. evt. st. dr. sml. iflg. inkl. ekskl.
    hhv. mht. vs. prof. ref. tlf. adm. ang. mao. m.a.o. bl.annet t.o.m. f.o.m. o.a. ev. pr.
    mr. mrs. ms. gen. sen. rep. gov. lt. col. capt. sgt. e.g. i.e. approx. fig. mt. ft. vol.
    z.b. bzw. ggf. u.a. d.h. usw.
    """.split()
)
# Abbreviations that may end a sentence: join only when the next piece starts in lower case or
# with a digit ("3 mill. kroner", "Jan. 5", "the U.S. economy").
_MAYBE_FINAL = frozenset(
    """
    mill. mrd. osv. mv. m.v. m.m. o.l. m.fl. mfl. etc. u.s. u.k. u.n. e.u. inc. ltd. co. corp.
    jr. sr. a.m. p.m. no. ca. jan. feb. mar. apr. jun. jul. aug. sep. sept. okt. oct. nov. des.
    dec. kr. stk.
    """.split()
)
_MONTHS = frozenset(
    """
    januar februar mars april mai juni juli august september oktober november desember
    january february march may june july october december
    janvier février mars avril juin juillet août septembre octobre novembre décembre
    enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
    jänner januari februari maj augusti oktober
    märz dezember
    jan feb mar apr jun jul aug sep sept okt oct nov des dec dez
    """.split()
)

_ATX_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_BULLET = re.compile(r"^[ \t]*[-*+•][ \t]+")
_QUOTE_DASH = re.compile(r"^[ \t]*[–—][ \t]+")
_FINAL_PUNCT = ".!?…:;,\"'»”’)]"
_ORDINAL_END = re.compile(r"(?:^|[\s(])\d{1,2}\.$")
# A sentence that ends in a number written with a thousands point or a decimal comma ("var 5.800. Innvandringen
# ..."): syntok reads the final point as part of the number. Such a number is never an ordinal.
_NUMBER_END = re.compile(
    r"(?<![\w.,])\d{1,3}(?:\.\d{3})+\.(?=\s+[\"«“]?[A-ZÆØÅ])|(?<![\w.,])\d+,\d+\.(?=\s+[\"«“]?[A-ZÆØÅ])"
)
_FIRST_WORD = re.compile(r"\w+", re.UNICODE)

_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 120


def split_sentences(text: str, language: str = "") -> list[Sentence]:
    """Split text into sentences whose spans index exactly into text.

    language is an ISO 639-1 code; the abbreviation rules cover Norwegian and English (and the
    common German ones) together, so it currently only documents intent.
    """
    sentences: list[Sentence] = []
    for paragraph, (bstart, bend) in enumerate(_blocks(text)):
        heading = _heading_span(text, bstart, bend)
        if heading is not None:
            sentences.append(_sentence(text, heading, paragraph, is_heading=True))
            continue
        sub = _subhead_line(text, bstart, bend)
        if sub is not None:  # a subhead set directly above its paragraph, with no blank line between
            sentences.append(_sentence(text, sub, paragraph, is_heading=True))
            bstart, bend = _strip(text, sub.end, bend)
        for ustart, uend in _units(text, bstart, bend):
            for span in _split_unit(text, ustart, uend):
                sentences.append(_sentence(text, span, paragraph))
    return sentences


def _sentence(text: str, span: Span, paragraph: int, *, is_heading: bool = False) -> Sentence:
    quote = text[span.start : span.end]
    return Sentence(checked_span(text, span, quote), quote, paragraph, is_heading)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so it has no surrounding whitespace (start == end if all blank)."""
    piece = text[start:end]
    stripped = piece.lstrip()
    start += len(piece) - len(stripped)
    end = start + len(stripped.rstrip())
    return start, end


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each line in text[start:end], without its newline."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        if nl == -1:
            yield pos, end
            return
        yield pos, nl
        pos = nl + 1


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Yield stripped (start, end) of each run of non-blank lines."""
    block_start: int | None = None
    block_end = 0
    for lstart, lend in _lines(text, 0, len(text)):
        if text[lstart:lend].strip():
            if block_start is None:
                block_start = lstart
            block_end = lend
        elif block_start is not None:
            yield _strip(text, block_start, block_end)
            block_start = None
    if block_start is not None:
        yield _strip(text, block_start, block_end)


def _heading_span(text: str, start: int, end: int) -> Span | None:
    """The span of a heading's words if the block is a title-like single line, else None."""
    line = text[start:end]
    if "\n" in line:
        return None
    atx = _ATX_HEADING.match(line)
    if atx:
        hstart, hend = _strip(text, start + atx.start(2), start + atx.end(2))
        return Span(hstart, hend) if hend > hstart else None
    if _BULLET.match(line) or _QUOTE_DASH.match(line) or line.endswith(tuple(_FINAL_PUNCT)):
        return None
    if len(line) > _MAX_HEADING_CHARS or len(line.split()) > _MAX_HEADING_WORDS:
        return None
    if not any(ch.isalpha() for ch in line):
        return None
    return Span(start, end)


_SUBHEAD_MAX_WORDS = 8


def _subhead_line(text: str, start: int, end: int) -> Span | None:
    """The block's first line when it is a short title-like line ("16 cd-ar og ny bok") above a line that opens a
    sentence with a capital: a subhead the page put on the line before its paragraph."""
    nl = text.find("\n", start, end)
    if nl == -1:
        return None
    first = text[start:nl].rstrip()
    rest = text[nl + 1 : end].lstrip()
    if not first or not rest or not (rest[0].isupper() or rest[0] in '«"“'):
        return None
    if len(first.split()) > _SUBHEAD_MAX_WORDS or _heading_span(text, start, start + len(first)) is None:
        return None
    return Span(start, start + len(first))


def _units(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a block at lines that open a list item or a quote; drop bullet markup."""
    unit_start = start
    for lstart, lend in _lines(text, start, end):
        line = text[lstart:lend]
        bullet = _BULLET.match(line)
        if bullet or _QUOTE_DASH.match(line):
            if lstart > unit_start:
                yield _strip(text, unit_start, lstart)
            unit_start = lstart + (bullet.end() if bullet else 0)
    ustart, uend = _strip(text, unit_start, end)
    if uend > ustart:
        yield ustart, uend


def _syntok_starts(piece: str) -> list[int]:
    """Offsets in piece where syntok starts a sentence (always includes 0), plus the breaks after a number
    with a thousands point or decimal comma that syntok misses (_NUMBER_END)."""
    starts = [0]
    try:
        for paragraph in syntok_segmenter.analyze(piece):
            for sentence in paragraph:
                if sentence:
                    offset = sentence[0].offset
                    if starts[-1] < offset < len(piece):
                        starts.append(offset)
    except Exception:  # syntok is a heuristic; never let it sink an article
        return [0]
    for m in _NUMBER_END.finditer(piece):
        nxt = m.end() + len(piece[m.end() :]) - len(piece[m.end() :].lstrip())
        if 0 < nxt < len(piece):
            starts.append(nxt)
    return sorted(set(starts))


def _split_unit(text: str, start: int, end: int) -> list[Span]:
    piece = text[start:end]
    starts = _syntok_starts(piece) + [len(piece)]
    spans: list[Span] = []
    for a, b in zip(starts, starts[1:]):
        sstart, send = _strip(text, start + a, start + b)
        if send <= sstart:
            continue
        if spans and _joins(text[spans[-1].start : spans[-1].end], text[sstart:send]):
            spans[-1] = Span(spans[-1].start, send)
        else:
            spans.append(Span(sstart, send))
    return spans


def _joins(before: str, after: str) -> bool:
    """True when the break between before and after is false (abbreviation, ordinal, lower case)."""
    words = before.split()
    last = words[-1].lstrip("([{\"'«“‘").lower() if words else ""
    first = after.lstrip("([{\"'«“‘")
    starts_low = bool(first) and (first[0].islower() or first[0].isdigit())
    if last in _NEVER_FINAL:
        return True
    if last in _MAYBE_FINAL and starts_low:
        return True
    if _ORDINAL_END.search(before):
        word = _FIRST_WORD.match(first)
        if word and word.group().lower() in _MONTHS:
            return True
    return bool(first) and first[0].islower()
