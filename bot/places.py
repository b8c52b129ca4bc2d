"""UK postcodes and distances.

Residents type postcodes every way imaginable ("ng7 6ab", "NG76AB", "NG12 2", "le1"), so parsing
is lenient about case and spacing but strict about shape. Only the outward code (the postcode
district) is ever kept about a resident; its centre comes from the bundled outcode table.
"""
from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

from bot.config import OUTCODES_FILE

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")
_SECTOR = re.compile(rf"^({_OUTWARD}) ?([0-9])$")
_OUTWARD_ONLY = re.compile(rf"^({_OUTWARD})$")
_IN_TEXT = re.compile(
    rf"\b({_OUTWARD})(?:\s*([0-9][A-Z]{{2}})|\s+([0-9]))?\b", re.IGNORECASE
)
EARTH_RADIUS_KM = 6371.0088


class InvalidPostcode(ValueError):
    """Raised when text is not shaped like a UK postcode, outward code or sector."""


class UnknownPostcode(LookupError):
    """Raised when a well-formed postcode's district is not in the outcode table."""


@dataclass(frozen=True)
class Postcode:
    outward: str
    inward: str | None = None
    sector: str | None = None

    def __str__(self) -> str:
        rest = self.inward or self.sector
        return f"{self.outward} {rest}" if rest else self.outward


def parse_postcode(text: str) -> Postcode:
    """Parse a full postcode, a sector ("NG12 2") or an outward code, any case and spacing."""
    raw = " ".join(str(text).upper().replace("-", " ").split())  # "le1-5ab" too
    if not raw:
        raise InvalidPostcode("Please give a postcode, like NG1 5AW or just NG1.")
    squashed = raw.replace(" ", "")
    if squashed == "GIR0AA":
        return Postcode("GIR", "0AA")
    if m := _FULL.match(squashed):
        return Postcode(m.group(1), m.group(2))
    if " " in raw and (m := _SECTOR.match(raw)):  # "NG8 3" is a sector of NG8, not the district NG83
        return Postcode(m.group(1), sector=m.group(2))
    if m := _OUTWARD_ONLY.match(squashed):
        return Postcode(m.group(1))
    if m := _SECTOR.match(squashed):
        return Postcode(m.group(1), sector=m.group(2))
    shown = raw if len(raw) <= 20 else raw[:20] + "..."
    raise InvalidPostcode(f"{shown!r} is not a UK postcode. Try one like NG1 5AW, or just the first part, like NG1.")


def find_postcode(text: str) -> Postcode | None:
    """The first postcode-shaped thing in free text that names a known district, if any."""
    gazetteer = default_gazetteer()
    for m in _IN_TEXT.finditer(text):
        outward = m.group(1).upper()
        if outward in gazetteer.centres:
            return Postcode(outward, (m.group(2) or "").upper() or None, m.group(3) or None)
    return None


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


class Gazetteer:
    """Centres of postcode districts; a district missing from the table is reported, never guessed."""

    def __init__(self, centres: dict[str, tuple[float, float]]):
        self.centres = centres

    @classmethod
    def from_csv(cls, path: Path) -> "Gazetteer":
        with open(path, newline="", encoding="utf-8") as f:
            return cls({r["outcode"].upper(): (float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(f)})

    def locate(self, postcode: Postcode | str) -> tuple[float, float]:
        """The centre of the postcode's district, or UnknownPostcode."""
        pc = postcode if isinstance(postcode, Postcode) else parse_postcode(postcode)
        try:
            return self.centres[pc.outward]
        except KeyError:
            raise UnknownPostcode(f"We don't know where {pc.outward} is. Please check the postcode.") from None

    def try_locate(self, postcode: str | None) -> tuple[float, float] | None:
        if not postcode:
            return None
        try:
            return self.locate(postcode)
        except (InvalidPostcode, UnknownPostcode):
            return None

    def nearest_outcode(self, lat: float, lon: float) -> str:
        """The district whose centre is nearest a shared location, so only the district is kept."""
        return min(self.centres, key=lambda oc: haversine_km((lat, lon), self.centres[oc]))


@functools.cache
def default_gazetteer() -> Gazetteer:
    return Gazetteer.from_csv(OUTCODES_FILE)
