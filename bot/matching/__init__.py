"""Free text from a resident -> the few opportunities they would most want, best first.

Interface used by the CLI, the conversation and broadcasts. The first implementation is a plain
word-overlap ranker; the real matcher replaces its internals behind the same interface.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from bot.config import TAXONOMY_FILE
from bot.models import Opportunity
from bot.places import default_gazetteer, haversine_km, parse_postcode

if TYPE_CHECKING:
    from bot.store import Store

AVAILABILITY = ("one-off", "monthly", "weekly", "weekdays", "evenings", "weekends")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Match:
    opportunity: Opportunity
    score: float
    distance_km: float | None = None
    reasons: list[str] = field(default_factory=list)

    def why(self) -> str:
        """'matches: animals, dog walking · 1.2 km' - shown to residents under each result."""
        parts = []
        if self.reasons:
            parts.append("matches: " + ", ".join(self.reasons))
        if self.distance_km is not None:
            parts.append(f"{self.distance_km:.1f} km")
        return " · ".join(parts)


def find_causes(text: str) -> list[str]:
    """The taxonomy causes whose term or synonyms appear in the text."""
    words = set(_WORD.findall(text.lower()))
    found = []
    for cause in _taxonomy():
        names = [cause["term"], *cause["synonyms"]]
        if any(set(_WORD.findall(n.lower())) <= words for n in names):
            found.append(cause["term"])
    return found


_TAXONOMY: list[dict] | None = None


def _taxonomy() -> list[dict]:
    global _TAXONOMY
    if _TAXONOMY is None:
        _TAXONOMY = json.loads(TAXONOMY_FILE.read_text())["causes"]
    return _TAXONOMY


class Matcher:
    """Ranks a fixed set of opportunities against residents' words."""

    def __init__(self, opportunities: Iterable[Opportunity]):
        self.opportunities = list(opportunities)

    @classmethod
    def from_store(cls, store: "Store") -> "Matcher":
        return cls(store.iter_opportunities(include_closed=True))

    def search(self, text: str, *, postcode: str | None = None, location: tuple[float, float] | None = None,
               radius_km: float | None = None, limit: int = 5, exclude: Iterable[str] = (),
               availability: Sequence[str] = (), age: int | None = None,
               today: dt.date | None = None) -> list[Match]:
        """Best matches first; closed ones never. Raises InvalidPostcode/UnknownPostcode for a bad postcode."""
        if postcode and location is None:
            location = default_gazetteer().locate(parse_postcode(postcode))
        words = set(_WORD.findall(text.lower()))
        skip = set(exclude)
        results = []
        for opp in self.opportunities:
            if opp.id in skip or not opp.is_open(today):
                continue
            distance = _distance(opp, location)
            if radius_km is not None and distance is not None and distance > radius_km and not opp.remote:
                continue
            doc = set(_WORD.findall(f"{opp.title} {opp.description}".lower()))
            common = sorted(words & doc)
            if common:
                results.append(Match(opp, len(common) / len(words), distance, common[:3]))
        results.sort(key=lambda m: (-m.score, m.distance_km if m.distance_km is not None else 1e9))
        return results[:limit]


def _distance(opp: Opportunity, location: tuple[float, float] | None) -> float | None:
    if location is None or opp.lat is None or opp.lon is None:
        return None
    return haversine_km(location, (opp.lat, opp.lon))
