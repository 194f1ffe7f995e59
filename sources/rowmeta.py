"""What retrieval's filters read about every row of the vector index: its URL, host, date and language.

Each is an integer code per row over a small sorted table of names (or, for dates, days since 1970-01-01),
in the index's row order, with `order` (the rows sorted by passage id) to find rows by id. `RowMeta.build`
reads them from the store in a few vectorised steps; `save` / `load` keep them beside the index as .npy
files, memory-mapped when read, so a store of a million passages opens its filters in milliseconds rather
than in a Python pass over every row (7 s at 1M, measured: docs/speed.md). A saved set is used only for the
index it was built for: the same passage ids (fingerprint) in the same order (a sample of ids).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.normalise import normalise_language
from sources import tables_passages

NO_DATE = np.iinfo(np.int32).min  # the day of an undated passage
_ARRAYS = ("order", "url_codes", "urls", "host_codes", "hosts", "days", "lang_codes", "langs")
_PREFIX = "rows_"
_SAMPLE = 4096  # ids hashed to tell two orders of the same rows apart


def language_group(code: str | None) -> str:
    """A language code as claims.normalise reads it (Bokmål and Nynorsk are both "nb", "en-GB" is "en");
    "" when unknown."""
    group = normalise_language(code)
    return "" if group == "und" else group


def normalise_url(url: str) -> str:
    """Scheme, 'www.', default ports, trailing slashes and fragments do not make a URL different."""
    u = url.strip().lower()
    for prefix in ("https://", "http://"):
        if u.startswith(prefix):
            u = u[len(prefix) :]
    u = u.split("#", 1)[0].rstrip("/")
    host, _, rest = u.partition("/")
    host = host.removeprefix("www.").removesuffix(":443").removesuffix(":80")
    return host + ("/" + rest if rest else "")


def ids_digest(ids: np.ndarray) -> str:
    """A digest of the row count and a spread sample of the ids: which rows, in which order."""
    n = len(ids)
    step = max(1, n // _SAMPLE)
    sample = [str(x) for x in ids[::step]] + ([str(ids[-1])] if n else [])
    return hashlib.sha256(("\n".join(sample) + f"\n{n}").encode("utf-8")).hexdigest()[:24]


@dataclass
class RowMeta:
    """Filter metadata per index row; codes index the sorted name tables (code 0 = "" = none)."""

    order: np.ndarray  # int64: the rows sorted by passage id
    url_codes: np.ndarray  # int32 per row into urls
    urls: np.ndarray  # sorted normalised URLs, "" first
    host_codes: np.ndarray  # int32 per row into hosts
    hosts: np.ndarray  # sorted hosts (of the URL, else of the publisher), "" first
    days: np.ndarray  # int32 per row: published, as days since 1970-01-01; NO_DATE when undated
    lang_codes: np.ndarray  # int16 per row into langs
    langs: np.ndarray  # sorted language groups, "" first

    def __len__(self) -> int:
        return len(self.days)

    # -- reading -------------------------------------------------------------------------------
    def rows_of_url(self, url: str) -> np.ndarray:
        """The rows whose normalised URL is `url`'s (empty for none)."""
        norm = normalise_url(url) if url else ""
        j = int(np.searchsorted(self.urls, norm))
        if not norm or j >= len(self.urls) or self.urls[j] != norm:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.url_codes == j)

    def source_mask(self, specs: Sequence[str]) -> np.ndarray:
        """Rows from any of the sources: a host (and its subdomains) such as "reuters.com", or a URL prefix."""
        hit_hosts = np.zeros(len(self.hosts), dtype=bool)
        hit_urls = np.zeros(len(self.urls), dtype=bool)
        for spec in specs:
            key = normalise_url(spec)
            if "/" not in key:
                hit_hosts |= np.asarray([h == key or h.endswith("." + key) for h in self.hosts], dtype=bool)
            else:
                hit_urls |= np.asarray(
                    [u == key or u.startswith(key + "/") or u.startswith(key + "?") for u in self.urls], dtype=bool
                )
        hit_hosts[0] = hit_urls[0] = False  # "" is no host / no URL
        return hit_hosts[self.host_codes] | hit_urls[self.url_codes]

    def language_groups(self) -> tuple[list[str], np.ndarray]:
        """(group names, code per row) for the cross-lingual adjustment."""
        return [str(x) for x in self.langs], self.lang_codes

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def build(cls, con, ids: np.ndarray) -> "RowMeta":
        """Read URL, publisher, date and language of every passage and lay them out in `ids`' order."""
        ids_u = np.asarray(ids, dtype=str)
        n = len(ids_u)
        order = np.argsort(ids_u, kind="stable")
        cols = tables_passages.passage_filter_columns(con, int(NO_DATE))
        at = index_rows(ids_u, order, cols["passage_id"])
        rows, found = at[at >= 0], at >= 0
        urls, url_of = _coded(_col(cols, "source_url", found), normalise_url, key=_without_fragment)
        pubs, pub_of = _coded(_col(cols, "publisher", found), normalise_url)
        hosts = np.unique(np.asarray([""] + [u.split("/", 1)[0] for u in urls] + list(pubs), dtype=str))
        url_host = np.searchsorted(hosts, np.asarray([u.split("/", 1)[0] for u in urls], dtype=str))
        pub_host = np.searchsorted(hosts, pubs)
        langs, lang_of = _coded(_col(cols, "language", found), language_group)
        url_codes = np.zeros(n, dtype=np.int32)
        host_codes = np.zeros(n, dtype=np.int32)
        lang_codes = np.zeros(n, dtype=np.int16)
        days = np.full(n, NO_DATE, dtype=np.int32)
        url_codes[rows] = url_of
        host_codes[rows] = np.where(url_of > 0, url_host[url_of], pub_host[pub_of])
        lang_codes[rows] = lang_of
        days[rows] = np.asarray(cols["day"], dtype=np.int64)[found].astype(np.int32)
        return cls(order.astype(np.int64), url_codes, urls, host_codes, hosts, days, lang_codes, langs)

    # -- saving --------------------------------------------------------------------------------
    def save(self, folder: Path, fingerprint: tuple[int, int], digest: str) -> None:
        """Write the arrays into the index folder, each replaced atomically, the stamp last."""
        for name in _ARRAYS:
            _replace(folder / f"{_PREFIX}{name}.npy", lambda p, a=getattr(self, name): np.save(p, a))
        stamp = {"count": fingerprint[0], "xor": str(fingerprint[1]), "rows": len(self), "ids": digest}
        _replace(folder / f"{_PREFIX}meta.json", lambda p: p.write_text(json.dumps(stamp)))

    @classmethod
    def load(cls, folder: Path, fingerprint: tuple[int, int], digest: str, n: int) -> "RowMeta | None":
        """The saved arrays when they were written for this index (fingerprint, order, row count), else None."""
        try:
            stamp = json.loads((folder / f"{_PREFIX}meta.json").read_text())
            if (int(stamp["count"]), int(stamp["xor"]), int(stamp["rows"]), stamp["ids"]) != (*fingerprint, n, digest):
                return None
            arrays = {name: np.load(folder / f"{_PREFIX}{name}.npy", mmap_mode="r") for name in _ARRAYS}
        except (OSError, ValueError, KeyError):
            return None
        meta = cls(**arrays)
        sizes = {len(meta.order), len(meta.url_codes), len(meta.host_codes), len(meta.days), len(meta.lang_codes)}
        return meta if sizes == {n} else None


def index_rows(ids: np.ndarray, order: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The index row of each wanted passage id (-1: not in the index), given the index's ids and `order` (its rows
    sorted by id). Lists made from the store (BM25's ids, the filter columns) come sorted by id, which is `order`
    when they hold the same passages (checked on a spread sample): then no search at all."""
    n = len(ids)
    step = max(1, n // _SAMPLE)
    if len(wanted) == n and all(str(a) == str(b) for a, b in zip(wanted[::step], ids[order[::step]])):
        return np.asarray(order, dtype=np.int64)
    if not n or not len(wanted):
        return np.full(len(wanted), -1, dtype=np.int64)
    wanted = np.asarray(wanted, dtype=str)
    sorted_ids = np.asarray(ids, dtype=str)[order]
    j = np.clip(np.searchsorted(sorted_ids, wanted), 0, n - 1)
    return np.where(sorted_ids[j] == wanted, np.asarray(order, dtype=np.int64)[j], -1)


def _col(cols: dict, name: str, found: np.ndarray) -> np.ndarray:
    col = np.asarray(cols[name], dtype=object)
    return col if found.all() else col[found]


def _without_fragment(url: str) -> str:
    return url.partition("#")[0]


def _coded(raw: np.ndarray, f, key=None) -> tuple[np.ndarray, np.ndarray]:
    """(the sorted names f gives the values, "" first; each value's code), f called once per distinct value (or per
    distinct key(value), when f(value) depends on that part of it alone)."""
    first: dict[str, int] = {}
    values = raw if key is None else map(key, raw)
    keys = np.fromiter((first.setdefault(v, len(first)) for v in values), dtype=np.int64, count=len(raw))
    names, code = np.unique(np.asarray([""] + [f(v) if v else "" for v in first], dtype=str), return_inverse=True)
    return names, code[1:][keys].astype(np.int32)


def _replace(path: Path, write) -> None:
    """Write to a temporary name beside `path` (same suffix, so np.save keeps it), then rename over it."""
    tmp = path.with_name(".tmp-" + path.name)
    write(tmp)
    os.replace(tmp, path)
