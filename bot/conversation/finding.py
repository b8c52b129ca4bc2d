"""Finding matches for the conversation: local first, then things to do from home.

The matcher ranks; this module decides what to try when the first search finds nothing, and
which roles count as a big commitment (so the coach can suggest starting small).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

from bot.matching import Match, Matcher
from bot.matching.holder import MatcherHolder, shared_holder
from bot.models import Opportunity
from bot.places import InvalidPostcode, UnknownPostcode
from bot.store import Store

RADIUS_KM = 25.0
CARDS = 3
_POOL = 30  # how many to rank before filtering for remote or small roles

_SMALL = re.compile(r"\bone[- ]?off\b|\bonce\b|\bsurveys?\b|\bdrop[- ]in\b|\bas often as you like\b|"
                    r"\ba few hours a month\b|\bno commitment\b", re.I)
_BIG = re.compile(r"\bweekly\b|\b(?:a|per|every|each) week\b|\bfortnightly\b|\bat least\b|\bminimum\b|"
                  r"\btraining\b|\bcourse\b|\b\d+ months\b|\bterm time\b", re.I)


def is_big_commitment(opp: Opportunity) -> bool:
    """Regular time, long training or a DBS check: a lot to ask of someone starting out."""
    if opp.dbs_check or opp.kind == "training":
        return True
    if _SMALL.search(opp.commitment):
        return False
    return bool(_BIG.search(opp.commitment))


@dataclass
class Found:
    matches: list[Match]
    reach: Literal["local", "remote", "none"]


def store_matcher(store: Store) -> MatcherHolder:
    """The matcher provider for a conversation: the current matcher at once, rebuilt in the
    background (not in a resident's turn) when the opportunities change; one per store, shared
    with anything else that asks `shared_holder` (see bot/matching/holder.py)."""
    return shared_holder(store)


class Finder:
    """One turn's searches, with the resident's place, times and exclusions."""

    def __init__(self, matcher: Matcher, *, district: str = "", availability: Sequence[str] = (),
                 today: dt.date | None = None):
        self.matcher = matcher
        self.district = district
        self.availability = list(availability)
        self.today = today

    def find(self, query: str, *, exclude: Iterable[str] = (), limit: int = CARDS) -> Found:
        """The best few near the resident; failing that, ones to do from home."""
        skip = set(exclude)
        local = self._local(query, skip, limit, self.availability)
        if not local and self.availability:
            local = self._local(query, skip, limit, ())
        if local:
            only_remote = self.district and all(m.opportunity.remote for m in local)
            return Found(local, "remote" if only_remote else "local")
        remote = [m for m in self.search(query, exclude=skip, limit=_POOL) if m.opportunity.remote]
        if remote and self.district:
            return Found(remote[:limit], "remote")
        return Found([], "none")

    def smaller(self, query: str, *, exclude: Iterable[str] = (), limit: int = CARDS) -> list[Match]:
        """Matches that are not a big commitment: one-offs, surveys, flexible roles."""
        skip = set(exclude)
        pool = self._local(query, skip, _POOL, ("one-off",)) + self._local(query, skip, _POOL, ())
        small: list[Match] = []
        for match in pool:
            if not is_big_commitment(match.opportunity) and all(m.opportunity.id != match.opportunity.id for m in small):
                small.append(match)
        return small[:limit]

    def _local(self, query: str, skip: set[str], limit: int, availability: Sequence[str]) -> list[Match]:
        radius = RADIUS_KM if self.district else None
        return self.search(query, district=self.district, radius_km=radius, exclude=skip,
                           limit=limit, availability=availability)

    def search(self, query: str, *, district: str = "", radius_km: float | None = None,
               exclude: Iterable[str] = (), limit: int = CARDS, availability: Sequence[str] = ()) -> list[Match]:
        try:
            return self.matcher.search(query, postcode=district or None, radius_km=radius_km, limit=limit,
                                       exclude=exclude, availability=availability, today=self.today)
        except (InvalidPostcode, UnknownPostcode):
            return self.matcher.search(query, limit=limit, exclude=exclude, availability=availability,
                                       today=self.today)
