"""How well one opportunity fits one resident: topic first, then time, then distance.

The topic score is a BM25F sum over the features a query and an opportunity share. Fit rules
then decide: closed, excluded, too young, too far (only with an explicit radius) or clashing with
times the resident picked means never shown; a time that clashes with what they said in their
own words, or a place-bound role for someone who wants to help from home, counts less. Distance
only ever nudges: at most DISTANCE_NUDGE, so it orders equally fitting opportunities and never
lifts a weaker topic over a stronger one.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from bot.matching.schedule import When, time_fit
from bot.models import Opportunity

DISTANCE_NUDGE = 0.05
DISTANCE_SCALE_KM = 10.0
REMOTE_NEARNESS = 0.5       # a remote opportunity is about as handy as one 10 km away
SAID_TIME_CLASH = 0.35      # "only free on saturdays" and it is on Wednesdays
LOOSE_TIME_CLASH = 0.6      # "evenings would be good" and it is in the daytime
NOT_FROM_HOME = 0.6         # they want to help from home and it cannot be done from home


def idf(document_frequency: int, total: int) -> float:
    return math.log(1 + (total - document_frequency + 0.5) / (document_frequency + 0.5))


@dataclass(frozen=True)
class Constraints:
    """What the resident asked for beyond their words: the hard limits of one search."""
    today: dt.date
    location: tuple[float, float] | None = None
    radius_km: float | None = None
    exclude: frozenset[str] = frozenset()
    age: int | None = None
    picked: When | None = None


def is_shown(opp: Opportunity, ages: tuple[int, int] | None, constraints: Constraints) -> bool:
    """Hard filters: open, not excluded, old enough (and not too old for a youth scheme)."""
    if opp.id in constraints.exclude or not opp.is_open(constraints.today):
        return False
    age = constraints.age
    if age is not None:
        if opp.min_age is not None and opp.min_age > age:
            return False
        if ages is not None and age > ages[1]:
            return False
    return True


def fit_factor(opp: Opportunity, when: When, said: When, picked: When | None, wants_remote: bool) -> float | None:
    """How well the opportunity's times and form suit the resident (None: it clashes with their picks)."""
    factor = 1.0
    if picked is not None and picked.says_anything:
        fit = time_fit(when, picked)
        if fit is None:
            return None
        factor *= fit
    if said.says_anything:
        fit = time_fit(when, said)
        factor *= fit if fit is not None else (SAID_TIME_CLASH if said.strict else LOOSE_TIME_CLASH)
    if wants_remote and not opp.remote:
        factor *= NOT_FROM_HOME
    return factor


def nearness(distance_km: float | None, remote: bool, located: bool) -> float:
    """1 on the doorstep, falling with distance; remote ones count as fairly near to everyone.
    Without the resident's place, nothing is near."""
    if not located:
        return 0.0
    if distance_km is None:
        return REMOTE_NEARNESS if remote else 0.0
    return 1.0 / (1.0 + distance_km / DISTANCE_SCALE_KM)


def final_score(topic: float, factor: float, near: float) -> float:
    return topic * factor * (1.0 + DISTANCE_NUDGE * near)
