"""Norwegian and Danish claim/evidence pairs for the verifier, read from `../shared/data` like training/pairs.py (whose
`read_pairs` dispatches here for these names).

    for pair in read_pairs(Path("../shared/data"), "norwegian_ud"): ...

Sets (the name is `Pair.source`):

- ``danfever_train`` / ``danfever_dev`` / ``danfever_mt`` (danfever/train.jsonl, dev.jsonl, fever_da_mt.jsonl):
  Supported / Refuted -> supports / refutes against the evidence paragraphs joined, the paragraph sharing most words
  with the claim first and cut to about EVIDENCE_WORDS words (the sentences sharing most words kept, `focus_evidence`).
  NotEnoughInfo: its own evidence when it has some (the machine-translated file), else a paragraph of another claim
  of the same file about the same `entity` (the one sharing most words with the claim) -> neutral; skipped when no
  other claim has one. Held out: the dev file (danfever_dev is for choosing, never trained on); the machine-translated
  file by `held_out(claim)`. Key: the claim's first entity (its Wikipedia page), else the claim. The DanFEVER test
  split is not in the shared data and nothing here assumes it.
- ``norwegian_ud``: pairs made by rule from real Bokmål and Nynorsk sentences (norwegian-ud/*.conllu, Universal
  Dependencies, no labels), deterministic for a seed (`norwegian_ud_pairs`). Per sentence at most one pair per stance:

  refutes   a number swapped for another of the same kind, clearly different and not a rounding of it (`swap_number`:
            counts, decimals, years, days of a date, ordinals, small number words); a month name swapped; a proper
            name swapped for another of the corpus of the same kind (person / place / other, `swap_name`); "ikke" /
            "ikkje" added after the main clause's finite verb or removed (`add_negation`, `remove_negation`). The
            transformed sentence is the claim and the original the evidence, or (30 %) the other way round.
  supports  a comma-delimited apposition or non-restrictive clause dropped (`drop_clause`), a number rounded as a
            journalist would ("34.535" -> "over 34.000", "rundt 34.500", "nesten 35.000"; `round_number`), a date
            written another way ("12. mars 2015" <-> "12.03.2015", "den 12. mars 2015" -> "i mars 2015", "i mars
            2015" -> "i 2015"; `rewrite_date`). The shorter / vaguer text is the claim, the original the evidence.
  neutral   another sentence of the same document (a `# newdoc` block; the shared files have none, so a `# newpar`
            block) sharing no name or number and at most NEUTRAL_OVERLAP of the claim's content words, on the same
            side of the split (`neutral_partner`).

  Stances are then balanced: none keeps more than BALANCE x the rarest, shared evenly among its rules (a rare
  rule keeps all its pairs; a random sample by the seed).
  Held out: `held_out(key)`, key = treebank:sent_id (e.g. "no_bokmaal:015697"), so all pairs of a sentence land on
  one side, and a neutral partner comes from the same side.
- ``articles``: real-news pairs for measuring only, never trained on: every case folder of articles/*/ and the seed,
  the Norwegian sentence (`source_span_no`) against each gold evidence quote with stance supports / refutes
  ("qualifies" is skipped). `article_pairs` gives them with their counts; training.pairs.read_seed_pairs reads the
  seed's through the same `read_gold_evidence`.
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterator, Sequence

from eval.splits import held_out
from training.pair_model import STANCE_OF, Pair, PairDataError, SeedPair, need_file, read_jsonl

DANFEVER_FILES = {"danfever_train": "train.jsonl", "danfever_dev": "dev.jsonl", "danfever_mt": "fever_da_mt.jsonl"}
NORDIC_SETS = tuple(DANFEVER_FILES) + ("norwegian_ud", "articles")
NORDIC_TRAIN_SETS = ("danfever_train", "danfever_mt", "norwegian_ud")  # sets with a train side
NORDIC_LANGUAGES = ("da", "nb", "nn")
EVIDENCE_WORDS = 90  # the verifier reads about 128 tokens of claim + evidence
NEUTRAL_OVERLAP = 0.25  # at most this share of the claim's content words in a neutral partner
BALANCE = 1.5  # no stance keeps more than this many times the rarest
SWAP_BACK = 0.3  # share of symmetric pairs given the other way round

# fmt: off
__all__ = [
    "NORDIC_SETS", "NORDIC_TRAIN_SETS", "NORDIC_LANGUAGES", "RulePair", "UDSentence", "Token", "read_nordic_pairs",
    "danfever_pairs", "focus_evidence", "read_conllu", "norwegian_ud_pairs", "read_gold_evidence", "case_folders",
    "article_pairs", "parse_number", "is_rounding"
]
# fmt: on


@dataclass(frozen=True, slots=True)
class RulePair(Pair):
    rule: str = ""  # which rule made it (norwegian_ud) or how it was read (danfever: "label", "nei_entity")


def read_nordic_pairs(data: str | Path, name: str, seed: int = 0) -> Iterator[Pair]:
    """Pairs of one Nordic set (NORDIC_SETS), in file order."""
    data = Path(data)
    if name in DANFEVER_FILES:
        return danfever_pairs(data, name)
    if name == "norwegian_ud":
        return iter(norwegian_ud_pairs(data, seed))
    if name == "articles":
        return iter(article_pairs(data)[0])
    raise PairDataError(f"unknown Nordic pair set {name!r}. Known: {', '.join(NORDIC_SETS)}.", code="FC739")


# ---------------------------------------------------------------------------------------------------------------
# words shared between a claim and a text

_STOP = frozenset(
    """og i på er en et det den de som af til med for var har at av fra om ikke ikkje han hun ho
der blev ble vart eit ein ei eller men så sig seg hans hendes hennar hennes sin sit sitt sine også ogso også kan skal
vil blevet blitt vore vært være været dette denne disse desse this the and was were have has had of in on to by
""".split()
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2 and w not in _STOP}


def _overlap(claim: str, text: str) -> int:
    return len(_words(claim) & _words(text))


# ---------------------------------------------------------------------------------------------------------------
# DanFEVER

_PTB = {"LRB": "(", "RRB": ")", "LSB": "[", "RSB": "]", "LCB": "{", "RCB": "}"}
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"«(A-ZÆØÅ0-9])")


def _clean(text: str) -> str:
    """Wikipedia dump tokens of the machine-translated file ("-LRB- 1963 -RRB -") back to brackets, spacing tidied."""
    text = re.sub(r"-\s?(LRB|RRB|LSB|RSB|LCB|RCB)\s?-", lambda m: _PTB[m.group(1)], text)
    text = re.sub(r"\s+([,.;:!?)\]}])", r"\1", text)
    text = re.sub(r"([(\[{])\s+", r"\1", text)
    text = text.replace("``", '"').replace("''", '"')
    return re.sub(r"\s+", " ", text).strip()


def focus_evidence(claim: str, paragraphs: Sequence[str], max_words: int = EVIDENCE_WORDS) -> str:
    """The evidence paragraphs joined, the one sharing most words with the claim first; when longer than max_words,
    only the sentences sharing most words with the claim (in their order), cut at max_words words."""
    paras = []
    for p in paragraphs:
        paras += [c for c in (_clean(x) for x in re.split(r"\s{3,}", p or "")) if c]
    if not paras:
        return ""
    order = sorted(range(len(paras)), key=lambda i: (-_overlap(claim, paras[i]), i))
    paras = [paras[i] for i in order]
    text = " ".join(paras)
    if len(text.split()) <= max_words:
        return text
    sents = [(pi, si, s) for pi, p in enumerate(paras) for si, s in enumerate(_SENT_END.split(p)) if s.strip()]
    ranked = sorted(sents, key=lambda t: (-_overlap(claim, t[2]), t[0], t[1]))
    chosen, used = [], 0
    for t in ranked:
        n = len(t[2].split())
        if chosen and used + n > max_words:
            continue
        chosen.append(t)
        used += n
        if used >= max_words:
            break
    chosen.sort(key=lambda t: (t[0], t[1]))
    words = " ".join(t[2] for t in chosen).split()
    return " ".join(words[:max_words])


def danfever_pairs(data: str | Path, name: str) -> Iterator[RulePair]:
    """One DanFEVER file's pairs (see the module docstring)."""
    data = Path(data)
    rows = list(read_jsonl(data / "danfever" / DANFEVER_FILES[name]))
    dev = name == "danfever_dev"
    by_entity: dict[str, list[str]] = {}
    for r in rows:
        paras = [p for p in r.get("evidence") or [] if p and p.strip()]
        ents = r.get("entity") or []
        if len(ents) == len(paras):
            for e, p in zip(ents, paras):
                if p not in by_entity.setdefault(e, []):
                    by_entity[e].append(p)
    for r in rows:
        claim = str(r.get("claim") or "").strip()
        stance = STANCE_OF.get(str(r.get("label", "")).upper().replace(" ", ""))
        if not claim or stance is None:
            continue
        ents = r.get("entity") or []
        key = f"danfever:{ents[0]}" if ents else f"danfever:{claim}"
        side = dev or (name == "danfever_mt" and held_out(key))
        paras = [p for p in r.get("evidence") or [] if p and p.strip()]
        rule = "label"
        if not paras and stance == "neutral":
            others = [p for e in ents for p in by_entity.get(e, [])]
            if not others:
                continue
            paras = [max(others, key=lambda p: _overlap(claim, p))]  # first of the ties
            rule = "nei_entity"
        evidence = focus_evidence(claim, paras)
        if evidence:
            yield RulePair(claim, evidence, stance, name, key, side, rule)


# ---------------------------------------------------------------------------------------------------------------
# CoNLL-U


@dataclass(frozen=True, slots=True)
class Token:
    id: int
    form: str
    lemma: str
    upos: str
    feats: str
    head: int
    deprel: str
    start: int  # character span in the sentence text; -1 when the form was not found there
    end: int

    def feat(self, name: str) -> str:
        for kv in self.feats.split("|"):
            if kv.startswith(name + "="):
                return kv.split("=", 1)[1]
        return ""


@dataclass(frozen=True, slots=True)
class UDSentence:
    key: str  # treebank:sent_id, the split key
    text: str
    tokens: tuple[Token, ...]
    doc: str  # the document (a `# newdoc` block, else a `# newpar` block)
    language: str  # nb / nn
    index: int  # position in its file

    @property
    def held_out(self) -> bool:
        return held_out(self.key)


def read_conllu(path: str | Path) -> list[UDSentence]:
    """The sentences of a CoNLL-U file with their tokens (multi-word and empty nodes skipped) and documents."""
    path = need_file(Path(path))
    treebank = path.name.split("-ud-")[0].split(".")[0]
    language = "nn" if "nynorsk" in path.name.lower() else "nb"
    raw = path.read_text(encoding="utf-8")
    by_doc = bool(re.search(r"^# newdoc", raw, re.MULTILINE))
    out: list[UDSentence] = []
    doc_n, meta, rows = 0, {}, []

    def flush() -> None:
        if not rows:
            return
        text = meta.get("text") or " ".join(r[1] for r in rows)
        toks, pos = [], 0
        for r in rows:
            i = text.find(r[1], pos)
            start, end = (i, i + len(r[1])) if i >= 0 else (-1, -1)
            pos = end if i >= 0 else pos
            head = int(r[6]) if r[6].isdigit() else -1
            toks.append(Token(int(r[0]), r[1], r[2], r[3], r[5], head, r[7], start, end))
        sid = meta.get("sent_id") or str(len(out) + 1)
        out.append(UDSentence(f"{treebank}:{sid}", text, tuple(toks), f"{treebank}:{doc_n}", language, len(out)))

    for n, line in enumerate(raw.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            flush()
            meta, rows = {}, []
        elif line.startswith("#"):
            if line.startswith("# newdoc") or (not by_doc and line.startswith("# newpar")):
                doc_n += 1
            m = re.match(r"#\s*(sent_id|text)\s*=\s?(.*)$", line)
            if m:
                meta[m.group(1)] = m.group(2).strip()
        else:
            cols = line.split("\t")
            if len(cols) != 10:
                raise PairDataError(f"{path}:{n} is not a CoNLL-U token line (10 tab-separated columns).")
            if cols[0].isdigit():
                rows.append(cols)
    flush()
    return out


# ---------------------------------------------------------------------------------------------------------------
# numbers

# fmt: off
MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
    "desember"
)
# fmt: on
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_ALT = "|".join(MONTHS)
NUMBER_RE = re.compile(r"(?<![\w.,:\-–/@])(\d{1,3}(?:(?:\.|[ \u00a0])\d{3})+|\d+)(?:,(\d+))?(?![\w\-–/@]|[.,:]\d)")
_COMPARATOR_BEFORE = re.compile(
    r"(?:over|under|nesten|rundt|cirka|ca\.|om lag|omlag|drøyt|drygt|snaut|minst|opptil|inntil|kring|mer enn|meir "
    r"enn|mindre enn|færre enn|fleire enn|flere enn|nærmere|nærare|bortimot|vel)\s*$",
    re.IGNORECASE,
)
_NOT_A_QUANTITY_BEFORE = re.compile(
    r"(?:§|(?<![\w])(?:paragraf|nr\.?|nummer|kapittel|kap\.|side|artikkel|punkt|rute|"
    r"kl\.?|klokka|klokken|versjon|str\.?|storleik|størrelse|postboks|pb\.?|riksveg|"
    r"riksvei|fylkesveg|fylkesvei|veg|vei|linje|buss|kanal|tlf\.?|telefon))\s*$",
    re.IGNORECASE,
)
_CODE_BEFORE = re.compile(r"(?<![\w])(?:E|Rv|Fv|Ev|Kv|RV|FV|[A-ZÆØÅ]{2,3})\s*$")  # "E 18", "Fv 152", "NRK 1"
_EMPHASIS_BEFORE = re.compile(r"(?<![\w])(?:hele|heile|bare|berre|kun|knapt|sjølv|selv)\s*$", re.IGNORECASE)
_WORD_NUMBERS = {
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
    "tjue": 20,
    "tretti": 30,
    "førti": 40,
    "femti": 50,
}


@dataclass(frozen=True, slots=True)
class Number:
    start: int
    end: int
    value: Decimal
    kind: str  # year / day / ordinal / decimal / count
    group: str  # thousands separator used ("." / " " / "\u00a0"), "" for none
    decimals: int


_YEAR_BEFORE = re.compile(
    r"(?<![\w])(?:i|fra|frå|til|siden|sidan|før|etter|innen|innan|år|året|anno|høsten|"
    r"hausten|våren|sommeren|sommaren|vinteren|januar|februar|mars|april|mai|juni|juli|august|"
    r"september|oktober|november|desember)\s*$",
    re.IGNORECASE,
)


def _counted(sent: UDSentence, tok: Token) -> bool:
    """Whether the number token counts the noun after it ("2000 kroner"): then it is no year."""
    nxt = next((t for t in sent.tokens if t.id == tok.id + 1), None)
    return nxt is not None and nxt.upos == "NOUN"


def parse_number(text: str) -> Decimal | None:
    """A Norwegian-written number ("34.535", "34 535", "4,5", "2015") as a Decimal; None when it is not one."""
    m = NUMBER_RE.fullmatch(text.strip())
    if not m:
        return None
    whole = re.sub(r"[.\s\u00a0]", "", m.group(1))
    return Decimal(f"{whole}.{m.group(2)}" if m.group(2) else whole)


def format_number(value: Decimal, group: str = "", decimals: int = 0) -> str:
    """value written the Norwegian way: decimal comma, the thousands separator given (none below 1000 grouped)."""
    q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{q:f}".partition(".")
    if group and len(whole) > 3:
        parts = []
        while len(whole) > 3:
            parts.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = group.join([whole] + parts)
    return f"{whole},{frac}" if frac else whole


def _numbers(sent: UDSentence) -> list[Number]:
    """The numbers of a sentence's text that a rule may change, with their kind."""
    text, out = sent.text, []
    for m in NUMBER_RE.finditer(text):
        before, after = text[: m.start()], text[m.end() :]
        tok = next((t for t in sent.tokens if t.start <= m.start() < t.end), None)
        if (
            tok is None
            or tok.upos in ("PROPN", "X", "SYM")
            or _NOT_A_QUANTITY_BEFORE.search(before)
            or _CODE_BEFORE.search(before)
        ):
            continue
        if not before.strip() and re.match(r"\s+[A-ZÆØÅ]", after):
            continue  # a list label: "11 Departementet vil ..."
        if re.fullmatch(r"\d{4}", m.group(0)) and re.match(r"\s+[A-ZÆØÅ]", after) and before.strip():
            continue  # a postcode: "6800 Førde"
        if re.search(r"\d\s*[-–]\s*$", before) or re.match(r"\s*[-–]\s*\d", after):
            continue  # a range: "1952 - 66", "1000- 1500"
        if m.group(2) and len(m.group(2)) > 2:
            continue  # "1989,1992" is a list, not a decimal
        if len(m.group(1)) > 1 and m.group(1).startswith("0"):
            continue  # a phone number or a code: "02286"
        value = parse_number(m.group(0))
        if value is None:
            continue
        group = next((c for c in m.group(1) if not c.isdigit()), "")
        decimals = len(m.group(2) or "")
        if re.match(rf"\.?\s+(?:{_MONTH_ALT})\b", after) and value <= 31 and not decimals:
            kind = "day"
        elif re.match(r"\.\s*[a-zæøå]", after):
            kind = "ordinal"
        elif re.match(r"\.\d", after) or re.search(r"\d\.$", before):
            continue  # part of a date like 12.03.2015
        elif decimals:
            kind = "decimal"
        elif (
            not group
            and len(m.group(1)) == 4
            and 1000 <= value <= 2099
            and (_YEAR_BEFORE.search(before) or not (_COMPARATOR_BEFORE.search(before) or _counted(sent, tok)))
        ):
            kind = "year"
        else:
            kind = "count"
        out.append(Number(m.start(), m.end(), value, kind, group, decimals))
    return out


_UNITS = tuple(Decimal(m) * Decimal(10) ** k for k in range(-2, 10) for m in (1, 2, 5))


def is_rounding(old: Decimal | float | int, new: Decimal | float | int) -> bool:
    """True when new is old itself or old rounded (down, up or to nearest) to a unit of 1, 2 or 5 times a power of ten
    at least ten times old's own precision, within 25 %: what a writer may put for old without being wrong ("over
    30.000", "nesten 35.000" for 34.535; 5 for 4,5; not 2016 for 2015)."""
    old, new = Decimal(str(old)), Decimal(str(new))
    if new == old:
        return True
    if old == 0:
        return False
    precision = Decimal(1).scaleb(old.normalize().as_tuple().exponent)
    for u in _UNITS:
        if u < 10 * precision:
            continue
        if u > max(abs(old), abs(new)):
            break
        cands = {(old / u).to_integral_value(r) * u for r in (ROUND_FLOOR, ROUND_CEILING, ROUND_HALF_UP)}
        if new in cands and abs(new - old) / abs(old) <= Decimal("0.25"):
            return True
    return False


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _capitalise(text: str) -> str:
    """The first letter upper-case (after an opening dash or quote), as a sentence starts."""
    m = re.match(r"^([-–«\"\s]*)(\w)", text)
    return text if not m else text[: m.start(2)] + m.group(2).upper() + text[m.end(2) :]


def _swap_number_word(sent: UDSentence, t: Token, rng: random.Random) -> tuple[str, str]:
    """(claim, rule): the small number word `t` replaced by another that is no rounding of it."""
    v = _WORD_NUMBERS[t.form.lower()]
    choices = sorted({w for w, x in _WORD_NUMBERS.items() if x != v and not is_rounding(v, x) and w not in ("syv",)})
    new = rng.choice(choices)
    new = new.capitalize() if t.form[0].isupper() else new
    return _replace(sent.text, t.start, t.end, new), "number_word_swapped"


def _candidate_number(n: Number, rng: random.Random) -> Decimal:
    """One random replacement for the number `n`, drawn by its kind (year, day, ordinal, small or scaled)."""
    v = n.value
    if n.kind == "year":
        return v + rng.choice([d for d in range(-15, 16) if d])
    if n.kind == "day":
        return Decimal(rng.choice([d for d in range(1, 29) if abs(d - int(v)) >= 2]))
    if n.kind == "ordinal":
        return Decimal(rng.choice([d for d in range(1, max(5, int(v) + 4)) if d != int(v)]))
    if v < 10 and n.decimals == 0:
        return Decimal(rng.choice([d for d in range(1, 13) if d != int(v)]))
    f = Decimal(str(rng.choice([0.5, 0.6, 0.7, 0.75, 1.3, 1.4, 1.5, 1.6, 1.8, 2])))
    zeros = len(str(int(v))) - len(str(int(v)).rstrip("0")) if n.decimals == 0 and v >= 10 else 0
    unit = (
        Decimal(10) ** min(zeros, max(0, len(str(int(v))) - 2)) if n.decimals == 0 else Decimal(1).scaleb(-n.decimals)
    )
    return (v * f / unit).to_integral_value(ROUND_HALF_UP) * unit


def _clearly_different(sent: UDSentence, n: Number, new: Decimal) -> bool:
    """Whether `new` may replace the number `n`: positive, no rounding of it, a percentage at most 100, >= 20 % off."""
    v = n.value
    percent = re.match(r"\s*(?:%|prosent)", sent.text[n.end :])
    return (
        new > 0
        and new != v
        and not is_rounding(v, new)
        and not (percent and new > 100)
        and (n.kind in ("year", "day", "ordinal") or v < 10 or abs(new - v) / v >= Decimal("0.2"))
    )


def swap_number(sent: UDSentence, rng: random.Random) -> tuple[str, str] | None:
    """(claim, rule): a number of the sentence replaced by another of the same kind that differs by at least 20 %
    (x 0.5-0.75 or x 1.3-2; a year by 1-15 years, a day by 2 or more) and is no rounding of it; a small number word
    by another."""
    nums = _numbers(sent)
    words = [t for t in sent.tokens if t.upos == "NUM" and t.form.lower() in _WORD_NUMBERS and t.start >= 0]
    if not nums and not words:
        return None
    pick = rng.randrange(len(nums) + len(words))
    if pick >= len(nums):
        return _swap_number_word(sent, words[pick - len(nums)], rng)
    n = nums[pick]
    for _ in range(20):
        new = _candidate_number(n, rng)
        if _clearly_different(sent, n, new):
            break
    else:
        return None
    text = format_number(new, n.group, n.decimals)
    return _replace(sent.text, n.start, n.end, text), f"{n.kind}_swapped"


_ROUND_WORDS = {
    "nb": {
        "over": ["over", "drøyt"],
        "under": ["under"],
        "nesten": ["nesten", "nærmere"],
        "rundt": ["rundt", "om lag", "cirka"],
    },
    "nn": {
        "over": ["over", "drygt"],
        "under": ["under"],
        "nesten": ["nesten", "nærare"],
        "rundt": ["rundt", "om lag", "kring"],
    },
}


def rounded_candidates(v: Decimal, precision: Decimal = Decimal(1)) -> list[tuple[str, Decimal]]:
    """(comparator, value) pairs a journalist may write for v (written to `precision`, 1 for an integer): "over" the
    value rounded down to a unit of 1, 2 or 5 x 10^k that is at least 10 x the precision and leaves 1-2 significant
    digits, at most 10 % below; "under" / "nesten" rounded up, at most 5 % above; "rundt" the nearest, within 5 %.
    The value written always has fewer significant digits than v (250 is never "nesten 260")."""
    out = []
    for u in _UNITS:
        if u < 10 * precision or not (3 <= v / u <= 200):
            continue
        lo = (v / u).to_integral_value(ROUND_FLOOR) * u
        hi = (v / u).to_integral_value(ROUND_CEILING) * u
        near = (v / u).to_integral_value(ROUND_HALF_UP) * u
        if 0 < lo < v and (v - lo) / v <= Decimal("0.10"):
            out.append(("over", lo))
        if hi > v and (hi - v) / hi <= Decimal("0.05"):
            out += [("nesten", hi), ("under", hi)]
        if near != v and abs(near - v) / v <= Decimal("0.05"):
            out.append(("rundt", near))
    return sorted({(c, x) for c, x in out if _significant(x) < _significant(v)})


def _significant(x: Decimal) -> int:
    return len(x.normalize().as_tuple().digits) if x else 0


def round_number(sent: UDSentence, rng: random.Random) -> tuple[str, str] | None:
    """(claim, rule): a count or decimal of 20 or more, not already hedged, written as a journalist rounds it."""
    nums = [
        n
        for n in _numbers(sent)
        if n.kind in ("count", "decimal")
        and n.value >= 20
        and not (n.kind == "count" and not n.group and 1000 <= n.value <= 2099)  # may be a year
        and not _COMPARATOR_BEFORE.search(sent.text[: n.start])
        and not _EMPHASIS_BEFORE.search(sent.text[: n.start])
    ]
    options = [(n, c, x) for n in nums for c, x in rounded_candidates(n.value, Decimal(1).scaleb(-n.decimals))]
    if not options:
        return None
    n, comparator, x = rng.choice(options)
    word = rng.choice(_ROUND_WORDS[sent.language][comparator])
    decimals = 0 if x == x.to_integral_value() else max(0, -x.normalize().as_tuple().exponent)
    new = f"{word} {format_number(x, n.group, decimals)}"
    return _capitalise(_replace(sent.text, n.start, n.end, new)), f"rounded_{comparator}"


# ---------------------------------------------------------------------------------------------------------------
# dates and months

_DATE_LONG = re.compile(rf"(?<![\w.])(\d{{1,2}})\.\s+({_MONTH_ALT})\s+(\d{{4}})(?![\w]|[.,]\d)")
_DATE_NUM = re.compile(r"(?<![\w.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\w]|[.,]\d)")
_MONTH_YEAR = re.compile(rf"(?<![\w])([Ii]) ({_MONTH_ALT}) (\d{{4}})(?![\w]|[.,]\d)")


def rewrite_date(sent: UDSentence, rng: random.Random) -> tuple[str, str, bool] | None:
    """(claim, rule, symmetric): a date written another way that says no more than the original."""
    text, options = sent.text, []
    for m in _DATE_LONG.finditer(text):
        day, month, year = int(m.group(1)), MONTHS.index(m.group(2)) + 1, m.group(3)
        options.append((_replace(text, m.start(), m.end(), f"{day:02d}.{month:02d}.{year}"), "date_numeric", True))
        prev = re.search(r"(\w+)\s+$", text[: m.start()])
        if prev and prev.group(1).lower() in ("den", "på"):
            options.append(
                (
                    _capitalise(_replace(text, prev.start(1), m.end(), f"i {m.group(2)} {year}"))
                    if not text[: prev.start(1)].strip()
                    else _replace(text, prev.start(1), m.end(), f"i {m.group(2)} {year}"),
                    "date_month_year",
                    False,
                )
            )
    for m in _DATE_NUM.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1] + (month == 2):
            options.append(
                (
                    _replace(text, m.start(), m.end(), f"{day}. {MONTHS[month - 1]} {m.group(3)}"),
                    "date_written_out",
                    True,
                )
            )
    for m in _MONTH_YEAR.finditer(text):
        options.append((_replace(text, m.start(), m.end(), f"{m.group(1)} {m.group(3)}"), "date_year_only", False))
    return rng.choice(options) if options else None


def swap_month(sent: UDSentence, rng: random.Random) -> tuple[str, str] | None:
    """(claim, rule): a month name (lower-case) swapped for another that fits the day before it."""
    ms = list(re.finditer(rf"(?<![\w])({_MONTH_ALT})(?![\w])", sent.text))
    if not ms:
        return None
    m = rng.choice(ms)
    day = re.search(r"(\d{1,2})\.?\s+$", sent.text[: m.start()])
    d = int(day.group(1)) if day else 1
    choices = [x for i, x in enumerate(MONTHS) if x != m.group(1) and d <= _MONTH_DAYS[i]]
    return _replace(sent.text, m.start(), m.end(), rng.choice(choices)), "month_swapped"


# ---------------------------------------------------------------------------------------------------------------
# names

# fmt: off
_INSTITUTION = frozenset((
    "museum", "museet", "hotel", "hotell", "bar", "as", "asa", "universitet", "universitetet", "kommune", "fylke",
    "fylkeskommune", "parti", "partiet", "skole", "skule", "senter", "senteret", "sykehus", "sjukehus", "kirke",
    "kyrkje", "klubb", "forlag", "bank", "stadion", "festival", "park", "teater", "teatret", "avis", "radio", "tv",
    "fc", "il", "bk", "sportsklubb", "center", "group", "airlines", "kafé", "kafe", "restaurant", "stiftelse",
    "stiftinga", "institutt"
))
# fmt: on
# fmt: off
_NOT_FIRST_NAME = frozenset((
    "the", "den", "det", "de", "statens", "norges", "norsk", "norske", "kristeleg", "kristelig", "sosialistisk",
    "sosialistiske", "nye", "store", "nord", "sør", "vest", "aust", "øst"
))
# fmt: on
_LOCATIVE = frozenset(("i", "på", "fra", "frå", "til", "ved", "utenfor", "utanfor", "nær", "gjennom", "mot", "rundt"))


@dataclass(frozen=True, slots=True)
class Name:
    start: int
    end: int
    text: str
    kind: str  # person / place / other


def _name_spans(sent: UDSentence) -> list[tuple[int, int, list[Token]]]:
    """Contiguous proper-name spans, not genitive: a PROPN with its flat:name parts, or the flat:name parts of a
    title noun ("Dommer Finn Eilertsen": "Finn Eilertsen")."""
    out = []
    for t in sent.tokens:
        if t.start < 0 or t.deprel.startswith("flat") or t.upos not in ("PROPN", "NOUN"):
            continue
        flat = [x for x in sent.tokens if x.head == t.id and x.deprel.startswith("flat") and x.upos == "PROPN"]
        if t.upos == "NOUN" and not flat:
            continue
        parts = sorted(([t] if t.upos == "PROPN" else []) + flat, key=lambda x: x.id)
        if [p.id for p in parts] != list(range(parts[0].id, parts[-1].id + 1)) or any(p.start < 0 for p in parts):
            continue
        if any(p.feat("Case") == "Gen" for p in parts):
            continue
        out.append((parts[0].start, parts[-1].end, parts))
    return out


def name_kinds(sentences: Sequence[UDSentence]) -> dict[str, str]:
    """Each proper name's kind over the corpus: person (written with a first and last name somewhere), place (after
    a locative preposition somewhere and never a person), else other."""
    person, place, seen = set(), set(), set()
    for s in sentences:
        toks = {t.id: t for t in s.tokens}
        for start, end, parts in _name_spans(s):
            text = s.text[start:end]
            seen.add(text)
            titled = (
                parts[0].head != 0
                and toks.get(parts[0].head) is not None
                and toks[parts[0].head].upos == "NOUN"
                and parts[0].deprel.startswith("flat")
            )
            if titled or (
                len(parts) > 1
                and parts[-1].form.lower() not in _INSTITUTION
                and parts[0].form.lower() not in _NOT_FIRST_NAME
                and all(p.form[:1].isupper() for p in parts)
            ):
                person.add(text)
                person.update(p.form for p in parts)
            case = [x for x in s.tokens if x.head == parts[0].id and x.deprel == "case"]
            prev = toks.get(parts[0].id - 1)
            if any(c.form.lower() in _LOCATIVE for c in case) or (prev and prev.form.lower() in _LOCATIVE):
                place.add(text)
    return {n: "person" if n in person else "place" if n in place else "other" for n in seen}


def swap_name(
    sent: UDSentence, rng: random.Random, kinds: dict[str, str], pools: dict[str, list[str]]
) -> tuple[str, str] | None:
    """(claim, rule): a proper name swapped for another of the corpus of the same kind, not in the sentence."""
    spans = _name_spans(sent)
    if not spans:
        return None
    start, end, parts = rng.choice(spans)
    name = sent.text[start:end]
    kind = kinds.get(name, "other")
    low = sent.text.lower()
    pool = [x for x in pools.get(kind, []) if x.lower() not in low and x.lower() != name.lower()]
    if kind == "person" and len(parts) == 1:
        pool = [x for x in pool if " " not in x]  # a surname for a surname
    if not pool:
        return None
    return _replace(sent.text, start, end, rng.choice(pool)), f"{kind}_name_swapped"


# ---------------------------------------------------------------------------------------------------------------
# negation

NEGATION = {"nb": "ikke", "nn": "ikkje"}
_NEG_FORMS = frozenset(("ikke", "ikkje"))
_NEG_WORDS = frozenset(("ikke", "ikkje", "aldri", "ingen", "inga", "intet", "ingenting", "heller", "ei"))
# fmt: off
_NEG_KEEP_AFTER = frozenset((
    "bare", "berre", "minst", "mindre", "lenger", "lengre", "før", "engang", "eingong", "alle", "mange", "noe",
    "noko", "så", "helt", "heilt", "uten", "utan", "lite", "minst", "akkurat", "nødvendigvis", "naudsynleg",
    "nettopp", "for", "alltid", "bestandig", "nok"
))
# fmt: on
_NEG_KEEP_BEFORE = frozenset(("eller", "om", "hvis", "viss", "dersom", "enn", "men"))


def _main_finite(sent: UDSentence) -> Token | None:
    root = next((t for t in sent.tokens if t.head == 0), None)
    if root is None:
        return None
    if root.upos in ("VERB", "AUX") and root.feat("VerbForm") == "Fin":
        return root
    aux = [
        t
        for t in sent.tokens
        if t.head == root.id and t.deprel in ("aux", "aux:pass", "cop") and t.feat("VerbForm") == "Fin"
    ]
    return min(aux, key=lambda t: t.id) if aux else None


def add_negation(sent: UDSentence) -> tuple[str, str] | None:
    """(claim, rule): "ikke" / "ikkje" after the main clause's finite verb (after a pronoun subject that follows it),
    when the sentence has no negation word, is a statement, and the verb is not its first word."""
    v = _main_finite(sent)
    if v is None or v.start < 0 or v.feat("Mood") not in ("Ind", "") or sent.text.rstrip().endswith("?"):
        return None
    if any(t.form.lower() in _NEG_WORDS for t in sent.tokens):
        return None
    words = [t for t in sent.tokens if t.upos != "PUNCT"]
    if not words or words[0].id == v.id:
        return None
    after = next((t for t in sent.tokens if t.id == v.id + 1), None)
    at = v
    if after is not None and after.upos == "PRON" and after.deprel.startswith(("nsubj", "expl")) and after.start >= 0:
        at = after
    return sent.text[: at.end] + " " + NEGATION[sent.language] + sent.text[at.end :], "negation_added"


def remove_negation(sent: UDSentence) -> tuple[str, str] | None:
    """(claim, rule): the one "ikke" / "ikkje" of the main clause removed, unless it is part of a phrase ("ikke
    bare", "ikke lenger", "om ikke") or the sentence has another negation word."""
    root = next((t for t in sent.tokens if t.head == 0), None)
    v = _main_finite(sent)
    if root is None or sent.text.rstrip().endswith("?"):
        return None
    negs = [t for t in sent.tokens if t.form.lower() in _NEG_WORDS]
    if len(negs) != 1 or negs[0].form.lower() not in _NEG_FORMS:
        return None
    n = negs[0]
    if n.head not in (root.id, v.id if v else -1) or n.start < 0:
        return None
    nxt = next((t for t in sent.tokens if t.id == n.id + 1), None)
    prv = next((t for t in sent.tokens if t.id == n.id - 1), None)
    if (nxt and nxt.form.lower() in _NEG_KEEP_AFTER) or (prv and prv.form.lower() in _NEG_KEEP_BEFORE) or prv is None:
        return None
    start, end = n.start, n.end
    if start > 0 and sent.text[start - 1] == " ":
        start -= 1
    elif end < len(sent.text) and sent.text[end] == " ":
        end += 1
    return sent.text[:start] + sent.text[end:], "negation_removed"


# ---------------------------------------------------------------------------------------------------------------
# clauses

_DROP_DEPRELS = frozenset(("appos", "acl:relcl", "acl", "advcl", "obl", "nmod", "conj"))
_CONDITIONAL = frozenset(("hvis", "dersom", "om", "viss", "såfremt", "fall", "med", "bare", "berre", "enten"))
# fmt: off
_EXCEPT = frozenset((
    "bortsett", "unntatt", "unnateke", "utenom", "utanom", "unntak", "ifølge", "ifølgje", "etter", "før", "innen",
    "innan", "uten", "utan", "mot"
))
# fmt: on
# fmt: off
_HEDGES = frozenset((
    "trolig", "truleg", "kanskje", "antagelig", "antakeleg", "angivelig", "visstnok", "ifølge", "ifølgje", "mulig",
    "mogleg", "muligens", "sannsynligvis", "sannsynlegvis", "nok"
))
# fmt: on
_AND = frozenset(("og", "men", "samt"))


def _droppable(sent: UDSentence, span: list[Token], h: Token) -> bool:
    """Whether a span headed by h says something the rest of the sentence does not depend on."""
    kids = [t for t in span if t.head == h.id]
    if h.deprel == "advcl":  # a clause of time or cause; never a condition
        marks = {t.form.lower() for t in kids if t.deprel == "mark"}
        return bool(marks) and not marks & _CONDITIONAL
    if h.deprel in ("obl", "nmod"):  # an adjunct, not an exception, an attribution or a time limit
        return not {t.form.lower() for t in kids if t.deprel == "case"} & _EXCEPT
    if h.deprel == "conj":  # a clause joined by og / men (not eller), and no "ikke bare ... men"
        cc = [t for t in kids if t.deprel == "cc"]
        low = sent.text.lower()
        return (
            h.upos in ("VERB", "AUX")
            and bool(cc)
            and cc[0].form.lower() in _AND
            and cc[0].id == span[0].id
            and "ikke bare" not in low
            and "ikkje berre" not in low
        )
    return True


def drop_clause(sent: UDSentence) -> tuple[str, str] | None:
    """(claim, rule): an apposition, a non-restrictive clause, an adjunct or a clause joined by og / men, between two
    commas, a comma and the end, or in brackets, dropped: the span is a whole subtree without the main clause's head,
    a hedge ("trolig", "ifølge") or a negation word, 2-20 tokens; never a condition ("hvis", "dersom"), an exception
    ("bortsett fra") or a time limit ("før", "etter"). The longest such span is dropped."""
    toks = list(sent.tokens)
    if len(toks) < 6 or any(t.start < 0 for t in toks):
        return None
    last = len(toks) - 1 if toks[-1].upos == "PUNCT" and toks[-1].form in (".", "!") else None
    commas = [i for i, t in enumerate(toks) if t.form == ","]
    bounds = [(c1, commas[ci + 1] if ci + 1 < len(commas) else last) for ci, c1 in enumerate(commas)]
    opens = [i for i, t in enumerate(toks) if t.form == "("]
    bounds += [(o, next((j for j in range(o + 1, len(toks)) if toks[j].form == ")"), None)) for o in opens]
    best = None
    for c1, c2 in bounds:
        if c2 is None or c2 <= c1 + 2:
            continue
        span = toks[c1 + 1 : c2]
        if not 2 <= len(span) <= 20:
            continue
        ids = {t.id for t in span}
        heads = [t for t in span if t.head not in ids]
        if len(heads) != 1 or heads[0].head == 0 or heads[0].deprel not in _DROP_DEPRELS:
            continue
        outside = [t for t in toks if t.id not in ids and t.head in ids and t.upos != "PUNCT"]
        if outside or any(t.form.lower() in _HEDGES | _NEG_WORDS for t in span):
            continue
        if not _droppable(sent, span, heads[0]):
            continue
        if sum(t.id not in ids and t.upos != "PUNCT" for t in toks) < 4:
            continue
        if best is None or len(span) > best[1] - best[0]:
            best = (c1, c2)
    if best is None:
        return None
    c1, c2 = best
    text = sent.text
    if toks[c1].form == "(":
        out = (
            text[: toks[c1].start].rstrip()
            + (" " if text[toks[c2].end :][:1].isalnum() else "")
            + text[toks[c2].end :].lstrip(" ")
        )
    elif c2 == last:
        out = text[: toks[c1].start].rstrip() + text[toks[c2].start :]
    elif toks[c2].head in {t.id for t in toks[c1 + 1 : c2]}:
        out = text[: toks[c1].start].rstrip() + " " + text[toks[c2].end :].lstrip()
    else:  # the second comma belongs to what follows ("..., fortel han"): kept
        out = text[: toks[c1].start].rstrip() + text[toks[c2].start :]
    return out, "clause_dropped"


# ---------------------------------------------------------------------------------------------------------------
# neutral partners

_CONTENT = frozenset(("NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"))


def _content(sent: UDSentence) -> set[str]:
    return {t.lemma.lower() for t in sent.tokens if t.upos in _CONTENT and t.lemma.lower() not in _STOP}


def _anchors(sent: UDSentence) -> set[str]:
    return {t.lemma.lower() for t in sent.tokens if t.upos in ("PROPN", "NUM")} | {
        m.group(0) for m in re.finditer(r"\d+", sent.text)
    }


@dataclass(frozen=True, slots=True)
class _Profile:
    content: frozenset
    anchors: frozenset
    held_out: bool
    words: int


def _profile(sent: UDSentence) -> _Profile:
    return _Profile(
        frozenset(_content(sent)), frozenset(_anchors(sent)), sent.held_out, sum(t.upos != "PUNCT" for t in sent.tokens)
    )


def neutral_partner(
    sent: UDSentence, doc: Sequence[UDSentence], rng: random.Random, profiles: dict[str, _Profile] | None = None
) -> UDSentence | None:
    """Another sentence of the same document on the same side of the split that shares no name or number with sent
    and at most NEUTRAL_OVERLAP of its content words; one of the three nearest such, chosen by rng. profiles: the
    sentences' profiles by key, computed here when not given."""
    prof = (lambda s: profiles[s.key]) if profiles is not None else _profile
    me = prof(sent)
    if not me.content:
        return None
    cands = []
    for o in doc:
        if o.key == sent.key or o.doc != sent.doc or o.text == sent.text:
            continue
        p = prof(o)
        if p.held_out != me.held_out or p.words < 5 or me.anchors & p.anchors or o.text.rstrip().endswith("?"):
            continue
        if len(me.content & p.content) / len(me.content) > NEUTRAL_OVERLAP:
            continue
        cands.append(o)
    if not cands:
        return None
    cands.sort(key=lambda o: (abs(o.index - sent.index), o.index))
    return rng.choice(cands[:3])


# ---------------------------------------------------------------------------------------------------------------
# the pairs

_REFUTE_WEIGHTS = {"number": 3, "month": 3, "name": 2, "negation_removed": 2, "negation_added": 1}
_SUPPORT_WEIGHTS = {"round": 3, "date": 3, "clause": 2}


def _usable(sent: UDSentence) -> bool:
    words = sum(t.upos != "PUNCT" for t in sent.tokens)
    return 5 <= words <= 60 and not sent.text.rstrip().endswith("?")


def _weighted(rng: random.Random, options: dict, weights: dict):
    keys = [k for k in weights if options.get(k)]
    if not keys:
        return None
    return options[rng.choices(keys, weights=[weights[k] for k in keys])[0]]


def ud_sentence_pairs(
    sent: UDSentence,
    doc: Sequence[UDSentence],
    seed: int,
    kinds: dict[str, str],
    pools: dict[str, list[str]],
    profiles: dict[str, _Profile] | None = None,
) -> list[RulePair]:
    """At most one pair per stance for one sentence, deterministic for (seed, sentence key)."""
    rng = random.Random(f"norwegian_ud:{seed}:{sent.key}")
    key, side, out = sent.key, sent.held_out, []

    def pair(claim: str, evidence: str, stance: str, rule: str) -> RulePair:
        return RulePair(claim, evidence, stance, "norwegian_ud", key, side, rule)

    if not _usable(sent):
        return out
    refutes = {
        "number": swap_number(sent, rng),
        "month": swap_month(sent, rng),
        "name": swap_name(sent, rng, kinds, pools),
        "negation_removed": remove_negation(sent),
        "negation_added": add_negation(sent),
    }
    r = _weighted(rng, refutes, _REFUTE_WEIGHTS)
    if r and r[0] != sent.text:
        claim, evidence = (r[0], sent.text) if rng.random() >= SWAP_BACK else (sent.text, r[0])
        out.append(pair(claim, evidence, "refutes", r[1]))
    date = rewrite_date(sent, rng)
    supports = {"round": round_number(sent, rng), "date": date and date[:2], "clause": drop_clause(sent)}
    s = _weighted(rng, supports, _SUPPORT_WEIGHTS)
    if s and s[0] != sent.text:
        symmetric = bool(date) and s == date[:2] and date[2]
        claim, evidence = (sent.text, s[0]) if symmetric and rng.random() < SWAP_BACK else (s[0], sent.text)
        out.append(pair(claim, evidence, "supports", s[1]))
    other = neutral_partner(sent, doc, rng, profiles)
    if other is not None:
        out.append(pair(sent.text, other.text, "neutral", "same_document"))
    return out


def _fill(sizes: dict[str, int], cap: int) -> dict[str, int]:
    """Share cap among the rules as evenly as their sizes allow (a rare rule keeps all it has)."""
    out, left = {}, cap
    order = sorted(sizes, key=lambda r: (sizes[r], r))
    for i, r in enumerate(order):
        out[r] = min(sizes[r], left // (len(order) - i))
        left -= out[r]
    return out


@functools.lru_cache(maxsize=4)
def _ud_pairs_cached(folder: str, seed: int, stamp: tuple) -> tuple[RulePair, ...]:
    files = sorted(Path(folder).glob("*.conllu"))
    sentences = [s for f in files for s in read_conllu(f)]
    kinds = name_kinds(sentences)
    pools: dict[str, list[str]] = {}
    for name, kind in sorted(kinds.items()):
        pools.setdefault(kind, []).append(name)
    docs: dict[str, list[UDSentence]] = {}
    for s in sentences:
        docs.setdefault(s.doc, []).append(s)
    profiles = {s.key: _profile(s) for s in sentences}
    made = [p for s in sentences for p in ud_sentence_pairs(s, docs[s.doc], seed, kinds, pools, profiles)]
    counts = Counter(p.stance for p in made)
    if len(counts) < 3:
        return tuple(made)
    cap = int(min(counts.values()) * BALANCE)
    rng = random.Random(f"norwegian_ud:{seed}:balance")
    keep: set[int] = set()
    for stance in ("supports", "refutes", "neutral"):
        by_rule: dict[str, list[int]] = {}
        for i, p in enumerate(made):
            if p.stance == stance:
                by_rule.setdefault(p.rule, []).append(i)
        for rule, n in _fill({r: len(ix) for r, ix in by_rule.items()}, cap).items():
            idx = by_rule[rule]
            rng.shuffle(idx)
            keep.update(idx[:n])
    return tuple(p for i, p in enumerate(made) if i in keep)


def norwegian_ud_pairs(data: str | Path, seed: int = 0) -> list[RulePair]:
    """The rule-made Norwegian pairs of every norwegian-ud/*.conllu file (see the module docstring), in file and
    sentence order; the same data and seed give the same pairs."""
    folder = Path(data) / "norwegian-ud"
    files = sorted(folder.glob("*.conllu")) if folder.is_dir() else []
    if not files:
        raise PairDataError(
            f"no CoNLL-U files in {folder}. Give the folder that holds the shared data sets with "
            "--data (e.g. --data ../shared/data; see its README.md for the layout)."
        )
    stamp = tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    return list(_ud_pairs_cached(str(folder.resolve()), seed, stamp))


# ---------------------------------------------------------------------------------------------------------------
# real articles


def read_gold_evidence(folder: str | Path, case: str | None = None) -> list[SeedPair]:
    """A case folder's gold evidence items with a supports / refutes stance (claims.gold.jsonl: the Norwegian
    sentence `source_span_no`, the English gloss `claim_en`, each evidence `quote` with its `stance`; "qualifies" is
    skipped)."""
    folder = Path(folder)
    case = case or folder.name
    out = []
    for r in read_jsonl(folder / "claims.gold.jsonl"):
        for e in r.get("evidence", []):
            if e.get("stance") in ("supports", "refutes") and e.get("quote"):
                out.append(
                    SeedPair(
                        r["id"],
                        r["source_span_no"],
                        r["claim_en"],
                        e["quote"],
                        e.get("language", ""),
                        e["stance"],
                        case,
                    )
                )
    return out


def case_folders(data: str | Path) -> list[Path]:
    """Every case folder of articles/ (sorted) and the seed, those holding claims.gold.jsonl."""
    data = Path(data)
    arts = data / "articles"
    folders = sorted(d for d in arts.iterdir() if (d / "claims.gold.jsonl").is_file()) if arts.is_dir() else []
    if (data / "seed" / "claims.gold.jsonl").is_file():
        folders.append(data / "seed")
    return folders


def article_pairs(data: str | Path) -> tuple[list[Pair], dict]:
    """Real-news pairs (never trained on: held_out is True) and their counts: the Norwegian sentence against each
    gold evidence quote of every case folder. Counts: pairs, per stance, per evidence language and per case."""
    folders = case_folders(data)
    if not folders:
        raise PairDataError(
            f"no case folders under {Path(data)} (articles/*/claims.gold.jsonl or "
            "seed/claims.gold.jsonl). Give the shared data folder with --data (e.g. ../shared/data)."
        )
    pairs: list[Pair] = []
    counts: dict = {
        "cases": len(folders),
        "pairs": 0,
        "stances": Counter(),
        "evidence_languages": Counter(),
        "per_case": {},
    }
    for folder in folders:
        gold = read_gold_evidence(folder)
        for g in gold:
            key = f"{g.case}:{g.claim_id}"
            pairs.append(Pair(g.sentence_no, g.evidence, g.stance, "articles", key, True))
            counts["stances"][g.stance] += 1
            counts["evidence_languages"][g.evidence_language or "?"] += 1
        counts["per_case"][folder.name] = len(gold)
    counts["pairs"] = len(pairs)
    counts["stances"] = dict(counts["stances"])
    counts["evidence_languages"] = dict(counts["evidence_languages"])
    return pairs, counts
