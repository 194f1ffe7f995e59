"""Cut a document's text into passages of whole sentences, each with its exact span in the text.

Sentences come from claims.segment.split_sentences (character spans, Norwegian abbreviations), so
a passage never ends inside a sentence; a heading starts a new passage. Each passage's span covers
exactly its text in the document: `document_text[span.start:span.end] == passage.text`.
"""

from __future__ import annotations

from claims.model import Span, checked_span
from claims.segment import split_sentences

MAX_CHARS = 700  # about 150 words: e5-small reads 512 tokens, and shorter passages rank sharper


def chunk_spans(text: str, language: str = "", *, max_chars: int = MAX_CHARS) -> list[Span]:
    """Spans of consecutive whole sentences, each at most max_chars long (a longer sentence is one
    span on its own), breaking at paragraph changes once a chunk is half full and before headings."""
    spans: list[Span] = []
    start = end = None
    para = None
    for s in split_sentences(text, language):
        if start is not None:
            too_long = s.span.end - start > max_chars
            new_para = s.paragraph != para and end - start >= max_chars // 2
            if too_long or new_para or s.is_heading:
                spans.append(Span(start, end))
                start = None
        if start is None:
            start = s.span.start
        end = s.span.end
        para = s.paragraph
        if s.is_heading:
            continue
    if start is not None:
        spans.append(Span(start, end))
    return [checked_span(text, sp, text[sp.start : sp.end]) for sp in spans if text[sp.start : sp.end].strip()]
