"""The matcher: residents' words in, the few opportunities they would most want out, best first."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from bot.matching.analysis import profile
from bot.matching.index import Index
from bot.matching.lexicon import Lexicon, default_lexicon
from bot.matching.query import Query, parse_query
from bot.matching.schedule import picked_when
from bot.matching.scoring import Constraints, final_score, fit_factor, is_shown, nearness
from bot.models import Opportunity
from bot.places import default_gazetteer, haversine_km, parse_postcode

if TYPE_CHECKING:
    from bot.store import Store

AVAILABILITY = ("one-off", "monthly", "weekly", "weekdays", "evenings", "weekends")
DIRECT = 0.8  # features at least this strong are what the resident actually said
MIN_SHARE = 0.1  # sharing less than this with what the resident said is not a match worth showing


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


class Matcher:
    """Ranks a fixed set of opportunities against residents' words.

    Build it once (it indexes every opportunity) and reuse it; `version` says which state of the
    store's opportunities it holds, so `holder.MatcherHolder` knows when to build a replacement.
    A matcher is never modified after it is built, so one thread can keep searching with it
    while another builds its replacement.
    """

    def __init__(self, opportunities: Iterable[Opportunity], *, version: int | None = None,
                 lexicon: Lexicon | None = None):
        self.lexicon = lexicon or default_lexicon()
        self.opportunities = list(opportunities)
        self.index = Index(self.opportunities, self.lexicon)
        self.version = version
        default_gazetteer()  # loaded now (~15 ms), so the first search with a postcode does not pay for it

    @classmethod
    def from_store(cls, store: "Store") -> "Matcher":
        """Every opportunity in the store, closed ones too: whether one is closed depends on the day asked."""
        version = store.opportunities_version()
        return cls(store.iter_opportunities(include_closed=True), version=version)

    def parse(self, text: str) -> Query:
        """Understand a resident's words, correcting misspellings against this catalogue's words too."""
        return parse_query(text, self.lexicon, self.index.speller)

    def has_topic(self, text: str | Query) -> bool:
        """Whether the words say what the resident cares about or can do: a cause, a skill, any
        word that is not chatter, whether or not an opportunity has it. "I just want to help"
        does not, so search finds nothing for it, and the conversation offers ways to start
        instead of a "sorry"."""
        query = text if isinstance(text, Query) else self.parse(text)
        return any(weight > 0 for weight in query.features.values())

    def search(self, text: str | Query, *, postcode: str | None = None,
               location: tuple[float, float] | None = None, radius_km: float | None = None, limit: int = 5,
               exclude: Iterable[str] = (), availability: Sequence[str] = (), age: int | None = None,
               today: dt.date | None = None) -> list[Match]:
        """Best matches first; closed ones never. Raises InvalidPostcode/UnknownPostcode for a bad postcode.

        `text` may be a Query parsed earlier. `availability` holds quick picks from AVAILABILITY and
        is firm (clashing times are left out); times said in the text only count against a clash.
        `age` (or an age said in the text) leaves out what needs an older volunteer.
        """
        query = text if isinstance(text, Query) else self.parse(text)
        constraints = self._constraints(query, postcode, location, radius_km, exclude, availability, age, today)
        hits = self.index.search(query, constraints, limit)
        ideal = self._ideal(query)
        return [Match(self.index.opps[h.doc], _score(h.score, ideal), h.distance_km,
                      self.index.reasons(h.doc, query)) for h in hits if h.score >= MIN_SHARE * ideal]

    def score(self, query: str | Query, opportunity: Opportunity, *, postcode: str | None = None,
              location: tuple[float, float] | None = None, radius_km: float | None = None,
              exclude: Iterable[str] = (), availability: Sequence[str] = (), age: int | None = None,
              today: dt.date | None = None) -> Match | None:
        """How well ONE opportunity fits a resident's query, scored exactly as `search` scores it.

        The matcher in reverse: hold each subscriber's parsed query against a new opportunity to
        find who it fits. Returns None when it would never be shown to them (closed, too young,
        too far for their radius, clashing with their picked times) or shares nothing with the
        query, or too little to be worth showing; otherwise a Match whose score (0-1) is the one
        `search` would give it, so it can be compared with search results and with a threshold.
        """
        query = query if isinstance(query, Query) else self.parse(query)
        constraints = self._constraints(query, postcode, location, radius_km, exclude, availability, age, today)
        prof = profile(opportunity, self.lexicon, self.index.avg_lengths)
        if not is_shown(opportunity, prof.ages, constraints):
            return None
        topic, reasons = self.index.stats_for(prof, query)
        factor = fit_factor(opportunity, prof.when, query.when, constraints.picked, query.wants_remote)
        if topic <= 0 or factor is None:
            return None
        distance = _distance(opportunity, constraints.location)
        if (constraints.radius_km is not None and distance is not None and distance > constraints.radius_km
                and not opportunity.remote):
            return None
        final = final_score(topic, factor, nearness(distance, opportunity.remote, constraints.location is not None))
        ideal = self._ideal(query)
        if final < MIN_SHARE * ideal:
            return None
        return Match(opportunity, _score(final, ideal), distance, reasons)

    def _constraints(self, query: Query, postcode: str | None, location: tuple[float, float] | None,
                     radius_km: float | None, exclude: Iterable[str], availability: Sequence[str],
                     age: int | None, today: dt.date | None) -> Constraints:
        if location is None and postcode and postcode.strip():
            location = default_gazetteer().locate(parse_postcode(postcode))
        picks = tuple(a for a in availability if a in AVAILABILITY)
        return Constraints(today=today or dt.date.today(), location=location, radius_km=radius_km,
                           exclude=frozenset(exclude), age=age if age is not None else query.age,
                           picked=picked_when(picks) if picks else None)

    def _ideal(self, query: Query) -> float:
        """A perfect match's topic score: what the resident said, found strongly in an opportunity."""
        direct = [(f, c) for f, c in self.index.coefficients(query) if query.features[f] >= DIRECT]
        return sum(c for _, c in direct) * 1.5 or sum(c for _, c in self.index.coefficients(query) if c > 0)


def _score(final: float, ideal: float) -> float:
    """0-1, rising with the match: 0.67 for an opportunity that has all the resident said, strongly."""
    share = final / ideal if ideal > 0 else 0.0
    return share / (share + 0.5)


def _distance(opp: Opportunity, location: tuple[float, float] | None) -> float | None:
    if location is None or opp.lat is None or opp.lon is None:
        return None
    return haversine_km(location, (opp.lat, opp.lon))
