"""The nouns of the claims stage: articles, spans, sentences, parsed mentions and claims.

Everything here is a frozen dataclass. Spans are half-open character offsets into the exact
article text; ids are content hashes so that reruns are idempotent.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass


def content_hash(*parts: object, length: int = 16) -> str:
    """A short, stable hex digest of the parts (joined with a unit separator)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character offsets [start, end) into an exact stored text."""

    start: int
    end: int

    def __post_init__(self):
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise TypeError(f"Span offsets must be ints, got {self.start!r}, {self.end!r}")
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{self.start}:{self.end}"

    def of(self, text: str) -> str:
        """The text this span covers."""
        return text[self.start : self.end]

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def shift(self, offset: int) -> "Span":
        return Span(self.start + offset, self.end + offset)

    def to_list(self) -> list[int]:
        return [self.start, self.end]


def checked_span(text: str, span: Span, quote: str) -> Span:
    """Return span after checking that it covers exactly quote in text (spaCy char_span style)."""
    if span.end > len(text) or text[span.start : span.end] != quote:
        raise ValueError(f"span {span} does not cover {quote!r} (it covers {text[span.start : span.end]!r})")
    return span


@dataclass(frozen=True, slots=True)
class Article:
    """An article as read from a file: the exact text that every span points into."""

    text: str
    title: str = ""
    url: str = ""
    language: str = ""  # ISO 639-1/3: "nb", "nn", "en", ...
    published: dt.date | None = None  # the time anchor for relative dates and ages
    path: str = ""  # where it was read from, for reports
    format: str = ""  # "text", "markdown", "html", "jsonl"
    body_offset: int = 0  # character offset of text in the source file (after front matter)
    id: str = ""  # given by the article's metadata, else a content hash
    meta: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if not self.id:
            object.__setattr__(self, "id", "a-" + content_hash(self.url, self.title, self.text))

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that affects verification changes."""
        return content_hash(self.text, self.language, self.published, self.url, length=32)


@dataclass(frozen=True, slots=True)
class Sentence:
    span: Span
    text: str
    paragraph: int = 0  # index of the paragraph (block) the sentence is in
    is_heading: bool = False  # a title-like line without a finite statement


class Comparator(str, enum.Enum):
    """How a stated quantity relates to the true value."""

    EQ = "eq"  # "34 535 people"
    GT = "gt"  # "over", "more than", "mer enn"
    GE = "ge"  # "at least", "minst"
    LT = "lt"  # "under", "less than", "færre enn"
    LE = "le"  # "at most", "høyst"
    APPROX = "approx"  # "about", "around", "rundt", "om lag", "ca."
    NEARLY = "nearly"  # "nearly", "almost", "nesten", "snart": a bit below
    BETWEEN = "between"  # "between 10 and 20", "10-20"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number stated in a text, with its unit and comparator."""

    value: float
    span: Span
    text: str
    unit: str = ""  # "", "percent", "year_of_age", "NOK", "USD", "people", ...
    comparator: Comparator = Comparator.EQ
    upper: float | None = None  # for BETWEEN
    is_year: bool = False  # a bare year such as 2009 is a date, not a count


class Precision(str, enum.Enum):
    DAY = "day"
    WEEK = "week"  # a span of days inside one week: "i helgen" (Sat-Sun), "forrige uke", "last week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date stated in a text, resolved to the first day of its precision."""

    value: dt.date
    precision: Precision
    span: Span
    text: str
    end: dt.date | None = None  # the last day, when the mention is a span of days (WEEK precision)

    @property
    def last(self) -> dt.date:
        """The last day the mention could mean (end of its week span, month or year)."""
        if self.end is not None:
            return self.end
        if self.precision is Precision.DAY:
            return self.value
        if self.precision is Precision.WEEK:
            return self.value + dt.timedelta(days=6)
        if self.precision is Precision.MONTH:
            nxt = dt.date(self.value.year + (self.value.month == 12), self.value.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(self.value.year, 12, 31)


class ClaimType(str, enum.Enum):
    NUMERIC = "numeric"
    TEMPORAL = "temporal"
    ENTITY_ATTRIBUTE = "entity-attribute"
    EVENT = "event"
    QUOTE = "quote"
    COMPARATIVE = "comparative/superlative"
    CAUSAL = "causal"
    OPINION = "opinion/prediction"


@dataclass(frozen=True, slots=True)
class Claim:
    """One checkable statement, grounded in its span of the article."""

    article_id: str
    text: str  # the claim as stated (the span's text, or a normalised rewrite)
    span: Span  # where it is in the article text
    type: ClaimType = ClaimType.EVENT
    language: str = ""
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateMention, ...] = ()
    entities: tuple[str, ...] = ()
    exclusive: bool = False  # an "only / first / alone" claim: support needs stated exclusivity
    checkworthy: float = 0.5  # score in [0, 1]
    checkable: bool = True  # False for opinions, predictions and vague statements
    sentence_span: Span | None = None
    anchor_date: dt.date | None = None  # the article's publication date, for ages and relative dates
    extractor: str = "claims.rules.v1"
    id: str = ""
    sources: tuple[Span, ...] = ()  # every article span the claim draws on (antecedents, shared subjects)
    period: tuple[dt.date, dt.date] | None = None  # first and last day of the time the claim is about

    def __post_init__(self):
        if not self.id:
            object.__setattr__(self, "id", "c-" + content_hash(self.article_id, self.span, self.text, self.extractor))
