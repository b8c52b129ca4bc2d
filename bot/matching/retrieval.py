"""Adding up a query's features over every opportunity at once, in C, with big integers as vectors.

A Python loop costs tens of nanoseconds per posting, too slow for 100,000 opportunities. So each
common feature is also kept as one big integer with a 16-bit lane per opportunity holding its
weight level; a query's topic scores are then `sum(units * vector)`, a handful of big-integer
multiply-adds. Rare features are added lane by lane. The best lanes are found by scanning the
high bytes with a regular expression, and only those candidates are checked against the fit
rules, best first, until nothing further down could still make the list.

Units: each feature's query weight x idf becomes a whole number of units chosen so that no lane
can overflow; a topic score is units x level / scale. Scoring a single opportunity
(`Index.stats_for`) uses the same units, so a search and a single score always agree.
"""
from __future__ import annotations

import functools
import heapq
import re
import sys
import threading
from array import array
from collections import OrderedDict
from operator import neg
from typing import Callable, NamedTuple, Sequence

LANE_MAX = 65000          # room in a 16-bit lane
DENSE = 256               # features with at least this many postings get a vector
CANDIDATES = 40           # opportunities to check in a first pass, plus 10 per result asked for


class Ranked(NamedTuple):
    doc: int
    score: float
    topic: float
    distance_km: float | None


class Units(NamedTuple):
    """A query's features as whole units per weight level, and what one unit is worth."""
    per_feature: dict[str, int]
    scale: float
    bias: int


class Lanes:
    """Feature vectors for one index: built on first use, the least recently used dropped first."""

    def __init__(self, n: int, postings: Callable[[str], tuple[array, bytearray]], budget_bytes: int):
        self.n = n
        self._postings = postings
        self._budget = max(budget_bytes // max(2 * n, 1), 8)
        self._vectors: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()  # searches may run on several threads at once

    def vector(self, feature: str) -> int:
        with self._lock:
            vec = self._vectors.get(feature)
            if vec is not None:
                self._vectors.move_to_end(feature)
                return vec
        buf = bytearray(2 * self.n)
        ids, levels = self._postings(feature)
        for doc, lvl in zip(ids, levels):
            buf[2 * doc] = lvl
        vec = int.from_bytes(buf, "little")
        with self._lock:
            self._vectors[feature] = vec
            if len(self._vectors) > self._budget:
                self._vectors.popitem(last=False)
        return vec

    def scores(self, units: Units, mask: tuple[int, frozenset[int]] | None = None) -> bytearray:
        """Every opportunity's topic score in units, as little-endian 16-bit lanes (plus the bias);
        with a mask, lanes outside it are 0."""
        total = units.bias * int.from_bytes(b"\x01\x00" * self.n, "little") if units.bias else 0
        sparse = []
        for feature, q in units.per_feature.items():
            ids, _ = self._postings(feature)
            if len(ids) >= DENSE:
                total += q * self.vector(feature)
            else:
                sparse.append((feature, q))
        if mask is not None:
            total &= mask[0]
        lanes = bytearray(total.to_bytes(2 * self.n + 2, "little")[:2 * self.n]) if total else bytearray(2 * self.n)
        inside = mask[1] if mask is not None else None
        for feature, q in sparse:
            ids, levels = self._postings(feature)
            for doc, lvl in zip(ids, levels):
                if inside is not None and doc not in inside:
                    continue
                i = 2 * doc
                value = lanes[i] | lanes[i + 1] << 8
                value += q * lvl
                lanes[i], lanes[i + 1] = value & 255, value >> 8
        return lanes


def units_for(coefs: Sequence[tuple[str, float]], top_level: Callable[[str], int], step: float) -> Units:
    """Whole units per feature, as fine as the 16-bit lanes allow without overflowing."""
    room = sum(abs(c) * top_level(f) for f, c in coefs)
    scale = LANE_MAX / room if room else 1.0
    per = {f: round(c * scale) for f, c in coefs}
    per = {f: q for f, q in per.items() if q}
    bias = sum(-q * top_level(f) for f, q in per.items() if q < 0)
    return Units(per, scale / step, bias)


def top(lanes: bytearray, units: Units, *, limit: int, finish: Callable[[int, float], Ranked | None],
        nudge: float, floor_share: float) -> list[Ranked]:
    """The best `limit` opportunities by lane score and fit rules, best first.

    Candidates come in bands of the lanes' high byte, best band first: counting and finding the
    lanes in a band is done by bytes.translate and a regular expression, both in C.
    """
    high = bytes(lanes[1::2])
    value_of = _values(lanes)
    upper = _highest(high)
    if upper is None:
        return []
    kept: list[tuple[float, int, Ranked]] = []
    want = CANDIDATES + 10 * limit
    best_topic = upper * 256 / units.scale
    lowest = max(1, int((floor_share * best_topic * units.scale + units.bias) // 256))
    band_top = 255
    while True:
        band_low = max(_band_low(high, upper, want), lowest)
        docs = [m.start() for m in _band(band_low, band_top).finditer(high)]
        ranked = sorted(zip(map(value_of, docs), map(neg, docs)), reverse=True)
        for value, minus_doc in ranked:
            topic = (value - units.bias) / units.scale
            if topic <= 0 or topic < floor_share * best_topic:
                break
            if len(kept) >= limit and kept[0][0] >= topic * nudge:
                break
            hit = finish(-minus_doc, topic)
            if hit is not None:
                heapq.heappush(kept, (hit.score, minus_doc, hit))
                if len(kept) > limit:
                    heapq.heappop(kept)
        below = (band_low * 256 - units.bias) / units.scale  # nothing in lower bands scores more
        if (len(kept) >= limit and kept[0][0] >= below * nudge) or band_low <= lowest:
            return sorted((h for _, _, h in kept), key=lambda h: (-h.score, h.doc))
        band_top = upper = band_low - 1
        want *= 2


def _values(lanes: bytearray) -> Callable[[int], int]:
    """Lane i's 16-bit value, read through a memory view (one C call per lane)."""
    view = memoryview(lanes).cast("H")
    if sys.byteorder == "little":
        return view.__getitem__
    return lambda i: lanes[2 * i] | lanes[2 * i + 1] << 8


def _count_at_least(high: bytes, threshold: int) -> int:
    return len(high.translate(None, _BELOW[threshold]))


def _highest(high: bytes) -> int | None:
    """The largest high byte of any lane, None when all are 0 (no score worth a band)."""
    if not _count_at_least(high, 1):
        return None
    low, top_ = 1, 255
    while low < top_:
        middle = (low + top_ + 1) // 2
        if _count_at_least(high, middle):
            low = middle
        else:
            top_ = middle - 1
    return low


def _band_low(high: bytes, upper: int, want: int) -> int:
    """The lowest high byte b <= upper such that lanes in [b, upper] number at least `want` (or 0)."""
    above = _count_at_least(high, upper + 1) if upper < 255 else 0
    low, top_ = 0, upper
    while low < top_:
        middle = (low + top_ + 1) // 2
        if _count_at_least(high, middle) - above >= want:
            low = middle
        else:
            top_ = middle - 1
    return low


@functools.lru_cache(maxsize=4096)
def _band(low: int, high: int) -> re.Pattern[bytes]:
    return re.compile(b"[" + re.escape(bytes([low])) + b"-" + re.escape(bytes([high])) + b"]")


_BELOW = [bytes(range(t)) for t in range(257)]
