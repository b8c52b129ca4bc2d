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
from itertools import compress
from typing import Callable, NamedTuple, Protocol, Sequence

LANE_MAX = 65000          # room in a 16-bit lane
DENSE = 256               # features with at least this many postings get a vector
CANDIDATES = 40           # opportunities to check in a first pass, plus 10 per result asked for
WALK_AFTER = 256          # met in topic order without settling: the other orders join in
CROWDED = 1024            # a band this full is left until the other orders have had their say
WALK_BUDGET = 30_000      # opportunities the other orders may hand out before a crowded band is taken anyway


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


class Walk(Protocol):
    """Another order to meet opportunities in (`geo.NearestFirst`: nearest first).

    `frontier` bounds the score multiplier (nearness, time fit) of every opportunity not yet
    handed out; `step` hands out the next few (None when there are no more)."""
    frontier: float

    def step(self) -> Sequence[int] | None: ...


def top(lanes: bytearray, units: Units, *, limit: int, finish: Callable[[int, float], Ranked | None],
        nudge: float, floor_share: float, quick: Callable[[int, float], float | None] | None = None,
        quick_many: Callable[[list[int], list[float]], list[float]] | None = None,
        walks: Sequence[Walk] = (), defer: bool = True) -> list[Ranked]:
    """The best `limit` opportunities by lane score and fit rules, best first.

    Candidates come in bands of the lanes' high byte, best band first: counting and finding the
    lanes in a band is done by bytes.translate and a regular expression, both in C. When many
    opportunities score (nearly) alike - a query that says only a time, an age or a place - the
    other orders in `walks` join in (Fagin's threshold algorithm; `geo.NearestFirst` hands out
    opportunities nearest first). Every opportunity met in any order is scored exactly (`quick`,
    then `finish` for the few that could make the list), and the search stops once the worst kept
    match beats what any opportunity not yet met could score: its topic is at most the next one
    in topic order, its time fit at most 1 and its nearness at most the walks' frontier. So the
    result is exactly the one scoring every opportunity would give, however the orders interleave.
    """
    high = bytes(lanes[1::2])
    value_of = _values(lanes)
    upper = _highest(high)
    if upper is None:
        return []
    kept: list[tuple[float, int, Ranked]] = []
    want = CANDIDATES + 10 * limit
    scale, bias = units.scale, units.bias
    floor_topic = floor_share * (upper * 256 / scale)
    lowest = max(1, int((floor_topic * scale + bias) // 256))
    band_top = upper                        # the highest high byte not yet taken in topic order
    pending: list[int] = []                 # the band taken, best first (ties in document order)
    pos = 0
    seen: set[int] = set()
    active = False
    looked = 0
    walked = 0
    band: tuple[int, int, int] | None = None
    stretch = 1.0
    for walk in walks:
        stretch *= walk.frontier

    def consider(doc: int, value: int) -> None:
        topic = (value - bias) / scale
        if topic <= 0 or topic < floor_topic:
            return
        if len(kept) >= limit and quick is not None:
            score = quick(doc, topic)
            if score is None or (score, -doc) <= kept[0][:2]:
                return
        hit = finish(doc, topic)
        if hit is not None:
            heapq.heappush(kept, (hit.score, -doc, hit))
            if len(kept) > limit:
                heapq.heappop(kept)

    def step_walks() -> bool:
        """One step of every walk; False when they can tell nothing more."""
        nonlocal walked
        moved = False
        least = bias + 1
        if len(kept) >= limit and stretch > 0:
            least = max(least, int(kept[0][0] / stretch * scale + bias) - 1)
        for walk in walks:
            docs = walk.step()
            if docs is None:
                continue
            moved = True
            walked += len(docs)
            for doc in docs:
                value = value_of(doc)
                if value >= least and doc not in seen:
                    seen.add(doc)
                    consider(doc, value)
        return moved

    while True:
        if pos < len(pending):
            next_doc = pending[pos]
            next_topic = (value_of(next_doc) - bias) / scale
        elif band_top >= lowest:
            next_topic, next_doc = (band_top * 256 + 255 - bias) / scale, None
        else:
            break                           # every opportunity above the floor has been met
        if next_topic <= 0 or next_topic < floor_topic:
            break
        if len(kept) >= limit:
            reach = next_topic
            if walks:
                for walk in walks:
                    reach *= walk.frontier
            else:
                reach *= nudge
            worst, minus_worst = kept[0][0], kept[0][1]
            if worst > reach or (worst == reach and next_doc is not None and -minus_worst < next_doc):
                break
        if pos < len(pending):
            chunk = [doc for doc in pending[pos:pos + 64] if doc not in seen]
            pos += 64
            looked += 64
            seen.update(chunk)
            if len(kept) >= limit and quick_many is not None:  # score the chunk at once, keep what could enter
                worst, worst_doc = kept[0][0], -kept[0][1]
                scores = quick_many(chunk, [(value_of(doc) - bias) / scale for doc in chunk])
                chunk = [doc for doc, score in zip(chunk, scores)
                         if score > worst or (score == worst and doc < worst_doc)]
            for doc in chunk:
                consider(doc, value_of(doc))
            if active or (walks and looked >= WALK_AFTER):
                active = True
                step_walks()
            continue
        if band is None or band[0] != band_top:
            band_low = max(_band_low(high, band_top, want), lowest)
            crowded = _count_at_least(high, band_low) - (_count_at_least(high, band_top + 1) if band_top < 255 else 0)
            band = (band_top, band_low, crowded)
        band_low, crowded = band[1], band[2]
        # A crowded band is costly to sort and to go through: let the other orders try to settle the
        # search first, for about as long as going through the band would take.
        if defer and walks and crowded > CROWDED and walked < min(crowded, WALK_BUDGET):
            active = True
            if step_walks():
                continue
        if crowded > CROWDED:  # one C pass over every lane beats a match object per lane
            docs = list(compress(range(len(high)), high.translate(_in_band(band_low, band_top))))
        else:
            docs = [m.start() for m in _band(band_low, band_top).finditer(high)]
        pending = sorted(docs, key=value_of, reverse=True)  # stable: equal values stay in document order
        pos = 0
        band_top = band_low - 1
        want *= 2
    return sorted((h for _, _, h in kept), key=lambda h: (-h.score, h.doc))


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


@functools.lru_cache(maxsize=4096)
def _in_band(low: int, high: int) -> bytes:
    """A translate table giving 1 for bytes in [low, high] and 0 for the rest."""
    return bytes(1 if low <= b <= high else 0 for b in range(256))
