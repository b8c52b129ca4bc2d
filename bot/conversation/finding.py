"""Finding matches for the conversation: local first, then things to do from home.

The matcher ranks; this module decides what to try when the first search finds nothing, and
which roles count as a big commitment (so the coach can suggest starting small).
"""
from __future__ import annotations

import datetime as dt
import re
import weakref
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

from bot.matching import Match, Matcher
from bot.matching.holder import MatcherHolder, shared_holder
from bot.models import Opportunity
from bot.places import InvalidPostcode, UnknownPostcode, default_gazetteer, haversine_km, parse_postcode
from bot.store import Store

RADIUS_KM = 25.0
NEAR_KM = 15.0  # when even the nearest match is further than this, the coach says so
WAYS_IN = "find out about volunteering, not sure where to start"  # volunteer centres, volunteering fairs
PLACE_SPREAD_KM = 8.0  # a place name names a district when most of its opportunities are this close to it
PLACE_SHARE = 0.6
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


def nearest_km(matches: Sequence[Match]) -> float | None:
    """How far the nearest match is, or None when one can be done from home or has no place."""
    if not matches or any(m.opportunity.remote or m.distance_km is None for m in matches):
        return None
    return min(m.distance_km for m in matches if m.distance_km is not None)


def store_matcher(store: Store) -> MatcherHolder:
    """The matcher provider for a conversation: the current matcher at once, rebuilt in the
    background (not in a resident's turn) when the opportunities change; one per store, shared
    with anything else that asks `shared_holder` (see bot/matching/holder.py)."""
    return shared_holder(store)


class Finder:
    """One turn's searches, with the resident's place, times and exclusions."""

    def __init__(self, matcher: Matcher, *, district: str = "", availability: Sequence[str] = (),
                 age: int | None = None, today: dt.date | None = None):
        self.matcher = matcher
        self.district = district
        self.availability = list(availability)
        self.age = age  # as the resident said it; roles for older volunteers are left out
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

    def starters(self, causes: Sequence[str], *, exclude: Iterable[str] = (), limit: int = CARDS) -> list[Match]:
        """Easy first steps near the resident, one per cause, for when their own words found
        nothing: a good coach still suggests something nearby rather than nothing at all. A way
        in (a volunteer centre, a volunteering fair) comes first where there is one."""
        if not self.district:
            return []
        skip = set(exclude)
        way_in = self._easiest(WAYS_IN, skip)
        picked = [m for m in (self._easiest(cause, skip) for cause in causes) if m is not None]
        picked.sort(key=lambda m: m.distance_km if m.distance_km is not None else RADIUS_KM)
        return (([way_in] if way_in else []) + picked)[:limit]

    def _easiest(self, query: str, skip: set[str]) -> Match | None:
        """The nearby match for the query that asks least, if any; it is then skipped for the next."""
        pool = [m for m in self._local(query, skip, _POOL, ()) if not m.opportunity.remote]
        small = [m for m in pool if not is_big_commitment(m.opportunity)]
        first = (small or pool)[:1]
        if not first:
            return None
        skip.add(first[0].opportunity.id)
        return first[0]

    def _local(self, query: str, skip: set[str], limit: int, availability: Sequence[str]) -> list[Match]:
        radius = RADIUS_KM if self.district else None
        return self.search(query, district=self.district, radius_km=radius, exclude=skip,
                           limit=limit, availability=availability)

    def search(self, query: str, *, district: str = "", radius_km: float | None = None,
               exclude: Iterable[str] = (), limit: int = CARDS, availability: Sequence[str] = ()) -> list[Match]:
        try:
            return self.matcher.search(query, postcode=district or None, radius_km=radius_km, limit=limit,
                                       exclude=exclude, availability=availability, age=self.age, today=self.today)
        except (InvalidPostcode, UnknownPostcode):
            return self.matcher.search(query, limit=limit, exclude=exclude, availability=availability,
                                       age=self.age, today=self.today)


_PLACE_NOISE = re.compile(r"\(.*?\)|\b(?:city centre|citywide)\b", re.I)
_PLACE_LIST = re.compile(r"\band\b|\bacross\b|\bvarious\b|\bonline\b|\bhome\b", re.I)
_BUILDING = re.compile(r"\b(?:street|road|lane|place|hall|house|hq|headquarters|centre|library|hospital|"
                       r"station|market|school|church)\b|shire\b", re.I)
_PLACE_NAMES: "weakref.WeakKeyDictionary[Matcher, dict[str, str]]" = weakref.WeakKeyDictionary()


def place_names(matcher: Matcher) -> dict[str, str]:
    """Place names residents may use instead of a postcode ('Sneinton', 'Beeston'), learnt from
    where the opportunities are: each name goes to the district most of its opportunities are in.
    Kept per matcher, so new opportunities teach new names."""
    if matcher not in _PLACE_NAMES:
        _PLACE_NAMES[matcher] = _learn_place_names(matcher.opportunities)
    return _PLACE_NAMES[matcher]


def _learn_place_names(opportunities: Iterable[Opportunity]) -> dict[str, str]:
    seen: dict[str, Counter[str]] = {}
    pairs = Counter((opp.place, opp.postcode) for opp in opportunities)  # read each distinct pair once
    for (place, postcode), count in pairs.items():
        district = _district(postcode)
        for name in _names_in(place) if district else ():
            seen.setdefault(name, Counter())[district] += count
    centres = default_gazetteer().centres
    names = {}
    for name, districts in seen.items():
        best = districts.most_common(1)[0][0]
        near = sum(n for d, n in districts.items() if haversine_km(centres[best], centres[d]) <= PLACE_SPREAD_KM)
        if near >= PLACE_SHARE * sum(districts.values()):
            names[name] = best
    return names


def _names_in(place: str) -> list[str]:
    """'Sneinton, Nottingham' -> sneinton, nottingham: short proper names of areas, not buildings
    or lists of places (which say nothing about where one opportunity is)."""
    if _PLACE_LIST.search(place):
        return []
    names = []
    for part in _PLACE_NOISE.sub(" ", place).split(","):
        words = part.split()
        if 1 <= len(words) <= 2 and all(w[:1].isupper() for w in words) and len(part.strip()) >= 4 \
                and not _BUILDING.search(part):
            names.append(" ".join(words).lower())
    return names


def _district(postcode: str | None) -> str:
    try:
        district = parse_postcode(postcode or "").outward
    except InvalidPostcode:
        return ""
    return district if district in default_gazetteer().centres else ""
