"""Where opportunities are: distances from a resident, and who is inside a radius.

Opportunities are grouped by place (most share their postcode district's centre), so each place
is measured once per search, and a coarse grid finds the places near a point without measuring
every one. A radius is returned both as a set and as a lane mask for the big-integer scores.
"""
from __future__ import annotations

import heapq
import math
from array import array
from typing import Callable, Sequence

from bot.models import Opportunity
from bot.places import EARTH_RADIUS_KM, haversine_km

CELL_DEGREES = 0.2
MASKS_KEPT = 64
REMOTE_KM = 10.0  # where a remote opportunity without a place sits in a nearest-first walk (nearness 0.5)


class Locations:
    """Where opportunities are, grouped by place, with a coarse grid for radius searches."""

    def __init__(self, opps: Sequence[Opportunity]):
        self.n = len(opps)
        self.places: list[tuple[float, float]] = []
        self.place_of = array("i")
        self.remote_or_unknown: set[int] = set()
        self.docs_at: list[array] = []          # per place, its opportunities in order
        self.remote_nowhere = array("i")        # remote, without a place: as near as REMOTE_KM
        self.nowhere = 0                        # neither remote nor placed: never near
        self.cell_places: dict[tuple[int, int], list[int]] = {}
        self.cells: dict[tuple[int, int], dict[tuple[float, float], list[int]]] = {}
        index: dict[tuple[float, float], int] = {}
        for i, opp in enumerate(opps):
            point = (opp.lat, opp.lon) if opp.lat is not None and opp.lon is not None else None
            if point is None:
                self.place_of.append(-1)
            else:
                if point not in index:
                    index[point] = len(self.places)
                    self.places.append(point)
                    self.docs_at.append(array("i"))
                    self.cell_places.setdefault(_cell(point), []).append(index[point])
                self.place_of.append(index[point])
                self.docs_at[index[point]].append(i)
                self.cells.setdefault(_cell(point), {}).setdefault(point, []).append(i)
            if point is None or opp.remote:
                self.remote_or_unknown.add(i)
            if point is None:
                if opp.remote:
                    self.remote_nowhere.append(i)
                else:
                    self.nowhere += 1
        self.max_abs_lat = max((abs(lat) for lat, _ in self.places), default=0.0)
        rows, cols = [r for r, _ in self.cell_places] or [0], [c for _, c in self.cell_places] or [0]
        self.extent = (min(rows), max(rows), min(cols), max(cols))  # the grid cells holding any place
        self._cache: dict[tuple[tuple[float, float], float], tuple[int, frozenset[int]]] = {}

    def distance(self, doc: int, location: tuple[float, float] | None) -> float | None:
        place = self.place_of[doc]
        if location is None or place < 0:
            return None
        return haversine_km(location, self.places[place])

    def measure(self, location: tuple[float, float] | None) -> Callable[[int], float | None]:
        """doc -> km from the location (None without one), each place measured once per search."""
        if location is None:
            return lambda doc: None
        known: dict[int, float] = {}
        place_of, places = self.place_of, self.places

        def km(doc: int) -> float | None:
            place = place_of[doc]
            if place < 0:
                return None
            found = known.get(place)
            if found is None:
                found = known[place] = haversine_km(location, places[place])
            return found
        return km

    def mask(self, location: tuple[float, float], radius_km: float) -> tuple[int, frozenset[int]]:
        """Opportunities within the radius (plus remote ones and ones of unknown place): as a lane
        mask for big-integer scores, and as a set."""
        key = (location, radius_km)
        if key not in self._cache:
            if len(self._cache) > MASKS_KEPT:
                self._cache.clear()
            inside = frozenset(self._within(location, radius_km))
            buf = bytearray(2 * self.n)
            for doc in inside:
                buf[2 * doc] = buf[2 * doc + 1] = 255
            self._cache[key] = (int.from_bytes(buf, "little"), inside)
        return self._cache[key]

    def _within(self, location: tuple[float, float], radius_km: float) -> set[int]:
        found = set(self.remote_or_unknown)
        lat_span = radius_km / 111.0 / CELL_DEGREES + 1
        lon_span = radius_km / (111.0 * max(math.cos(math.radians(location[0])), 0.01)) / CELL_DEGREES + 1
        row, col = _cell(location)
        for r in range(int(row - lat_span), int(row + lat_span) + 1):
            for c in range(int(col - lon_span), int(col + lon_span) + 1):
                for point, docs in self.cells.get((r, c), {}).items():
                    if haversine_km(location, point) <= radius_km:
                        found.update(docs)
        return found


class NearestFirst:
    """Opportunities in order of distance from a point, a place at a time, for `retrieval.top`.

    Places are found ring by ring of grid cells around the point and handed out nearest first;
    `frontier` is the most any opportunity not yet handed out could gain from nearness, so the
    search can stop once its worst kept match beats every one left.
    """

    def __init__(self, locations: "Locations", location: tuple[float, float],
                 lift: Callable[[float | None, bool], float], within_km: float | None = None):
        self._loc = locations
        self._location = location
        self._lift = lift            # (km or None, remote) -> the score multiplier nearness gives
        self._row, self._col = _cell(location)
        self._ring = 0
        low_row, high_row, low_col, high_col = locations.extent
        self._rings = max(self._row - low_row, high_row - self._row, self._col - low_col, high_col - self._col, 0)
        # With a radius only what is inside it (and remote ones) can be shown: places beyond it are
        # never handed out, and whatever is left there gains no more than the radius's nearness.
        self._within = within_km if within_km is not None else math.inf
        self._beyond = lift(within_km, False) if within_km is not None else (
            lift(None, False) if locations.nowhere else 0.0)
        self._lat_far = math.radians(min(90.0, max(abs(location[0]), locations.max_abs_lat) + CELL_DEGREES))
        self._heap: list[tuple[float, int]] = []
        if len(locations.remote_nowhere):
            self._heap.append((REMOTE_KM, -1))
        self.frontier = lift(0.0, False)

    def step(self) -> "array | None":
        """The opportunities at the next nearest place (None when every place is handed out)."""
        while self._more_rings() and (not self._heap or self._heap[0][0] > self._bound(self._ring)):
            self._add_ring(self._ring)
            self._ring += 1
        if not self._heap:
            self.frontier = self._beyond
            return None
        km, place = heapq.heappop(self._heap)
        nxt = self._heap[0][0] if self._heap else math.inf
        if self._more_rings():
            nxt = min(nxt, self._bound(self._ring))
        self.frontier = self._lift(nxt, False) if nxt <= self._within else self._beyond
        return self._loc.remote_nowhere if place < 0 else self._loc.docs_at[place]

    def _more_rings(self) -> bool:
        return self._ring <= self._rings and self._bound(self._ring) <= self._within

    def _add_ring(self, r: int) -> None:
        cells = self._loc.cell_places
        for dr in range(-r, r + 1):
            for dc in ((-r, r) if abs(dr) != r else range(-r, r + 1)):
                for place in cells.get((self._row + dr, self._col + dc), ()):
                    km = haversine_km(self._location, self._loc.places[place])
                    if km <= self._within:
                        heapq.heappush(self._heap, (km, place))

    def _bound(self, r: int) -> float:
        """No place in ring r or beyond is nearer than this (km)."""
        if r <= 0:
            return 0.0
        gap = math.radians((r - 1) * CELL_DEGREES)
        along = 2 * math.asin(min(1.0, math.cos(self._lat_far) * math.sin(min(gap, math.pi) / 2)))
        return 0.999 * EARTH_RADIUS_KM * min(gap, along)


def _cell(point: tuple[float, float]) -> tuple[int, int]:
    return math.floor(point[0] / CELL_DEGREES), math.floor(point[1] / CELL_DEGREES)
