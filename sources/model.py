"""The nouns of the reference store: passages and the hits retrieval returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from claims.model import Span, content_hash


def indexed_text(text: str, context: str | None) -> str:
    """A passage's text as retrieval embeds and indexes it: after its context, when it has one."""
    return f"{context}: {text}" if context else text


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of reference text with its provenance. The id is a hash of its content and source."""

    text: str
    source_url: str = ""
    source_title: str = ""
    publisher: str = ""
    published: dt.date | None = None
    published_raw: str = ""  # the date as given, kept when it is not a date ("undated")
    language: str = ""
    quote_type: str = ""  # "verbatim" or "paraphrase" of its source
    span: Span | None = None  # where the text sits in its source document, when known
    external_id: str = ""  # the id the file gave it ("P001")
    id: str = ""
    context: str = ""  # read with the text when embedding and indexing (e.g. its article's title)

    def __post_init__(self):
        if not self.id:
            object.__setattr__(self, "id", "p-" + content_hash(self.source_url, self.text))

    @property
    def indexed_text(self) -> str:
        """What retrieval embeds and indexes: the text, after its context when it has one. A sentence of an
        encyclopedia article ("It is the largest ...") is found by what its title says it is about."""
        return indexed_text(self.text, self.context)

    @property
    def store_key(self) -> str:
        """The passage as retrieval holds it: its id, and its context when it has one (the same text under
        a title is embedded differently). Caches of built stores key on it."""
        return self.id + ("\0" + self.context if self.context else "")

    @property
    def published_bounds(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day the publication date may mean: one day when it is a date, the month or year
        when the source gives only that ("2018-11"), None when undated."""
        if self.published is not None:
            return self.published, self.published
        from claims.read import partial_date_bounds  # published_raw was already read as a full date at ingest

        return partial_date_bounds(self.published_raw)

    @property
    def published_label(self) -> str:
        """The publication date as a reader sees it: "2024-04-30", "2018-11", or "undated"."""
        if self.published is not None:
            return self.published.isoformat()
        bounds = self.published_bounds
        if bounds is None:
            return "undated"
        first, last = bounds
        return str(first.year) if (last - first).days > 31 else first.strftime("%Y-%m")


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage found for a query, with how it was found."""

    passage: Passage
    score: float  # cosine similarity for dense retrieval
    rank: int  # 1-based
    method: str = "dense"
    load_id: str = ""  # the load that wrote the passage row
