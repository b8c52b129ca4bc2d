"""Where opportunities are: distances from a resident, and who is inside a radius.

Opportunities are grouped by place (most share their postcode district's centre), so each place
is measured once per search, and a coarse grid finds the places near a point without measuring
every one. A radius is returned both as a set and as a lane mask for the big-integer scores.
"""
from __future__ import annotations

import math
from array import array
from typing import Callable, Sequence

from bot.models import Opportunity
from bot.places import haversine_km

CELL_DEGREES = 0.2
MASKS_KEPT = 64


class Locations:
    """Where opportunities are, grouped by place, with a coarse grid for radius searches."""

    def __init__(self, opps: Sequence[Opportunity]):
        self.n = len(opps)
        self.places: list[tuple[float, float]] = []
        self.place_of = array("i")
        self.remote_or_unknown: set[int] = set()
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
                self.place_of.append(index[point])
                self.cells.setdefault(_cell(point), {}).setdefault(point, []).append(i)
            if point is None or opp.remote:
                self.remote_or_unknown.add(i)
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


def _cell(point: tuple[float, float]) -> tuple[int, int]:
    return math.floor(point[0] / CELL_DEGREES), math.floor(point[1] / CELL_DEGREES)
