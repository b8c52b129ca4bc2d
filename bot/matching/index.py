"""An index over opportunities, built once: what each is about, where it is, and when.

Per feature, the opportunities that have it (an array of ints) and each one's weight as a level
of STEP (one byte): compact enough for 100,000 opportunities. Searching adds a query's features
up over all opportunities at once (see `retrieval`), then applies the fit rules (`scoring`) to
the best candidates only.
"""
from __future__ import annotations

import functools
from array import array
from bisect import bisect_left
from typing import Callable, Iterable, Sequence

from bot.matching.analysis import Profile, average_lengths, profile
from bot.matching.geo import Locations, NearestFirst
from bot.matching.lexicon import Lexicon
from bot.matching.query import Query
from bot.matching.schedule import When
from bot.matching.retrieval import DENSE, Lanes, Ranked, Units, Walk, top, units_for
from bot.matching.scoring import (DISTANCE_NUDGE, Constraints, fit_factor, final_score, idf, is_shown,
                                  nearness)
from bot.matching.spelling import Speller
from bot.matching.stemmer import stem
from bot.matching.text import words
from bot.models import Opportunity

MIN_OF_BEST = 0.12    # weaker than this share of the best match is noise, not a match
VECTOR_BUDGET = 96 * 2**20  # bytes of feature vectors kept for fast adding up
REASONS = 3
STEP = 0.05           # weights are kept to the nearest 0.05: plenty to rank by, one byte each


_PER_STEP = 1 / STEP


def level(weight: float) -> int:
    """A weight as a whole number of STEPs (1-255), the same rounding everywhere."""
    return min(255, int(weight * _PER_STEP + 0.5) or 1)


class Index:
    """Opportunities (offered ones only) and their features, ready to search.

    Per feature: the opportunities that have it (an array of ints, in order) and each one's
    weight as a level of STEP (a byte); common features are also kept as vectors (`Lanes`).
    """

    def __init__(self, opportunities: Iterable[Opportunity], lexicon: Lexicon):
        self.lexicon = lexicon
        self.opps = [o for o in opportunities if o.offered]
        self.n = len(self.opps)
        self.avg_lengths = average_lengths(self.opps)
        self.by_id = {o.id: i for i, o in enumerate(self.opps)}
        self.whens: list[When] = []
        self._fit_class = array("i")      # per opportunity: its (times, remote) kind, for fit by kind
        self._fit_kinds: dict[tuple[When, bool], int] = {}
        self.ages: list[tuple[int, int] | None] = []
        self._ids: dict[str, array] = {}
        self._levels: dict[str, bytearray] = {}
        self._words: set[str] = set()
        for i, opp in enumerate(self.opps):
            self._add(i, profile(opp, lexicon, self.avg_lengths, vocabulary=self._words))
        self.idf = {f: idf(len(ids), self.n) for f, ids in self._ids.items()}
        self._top = {f: max(levels) for f, levels in self._levels.items()}
        self._lanes = Lanes(self.n, self.postings, VECTOR_BUDGET)
        for feature, ids in self._ids.items():
            if not feature.startswith("w:") and len(ids) >= DENSE:
                self._lanes.vector(feature)
        self._locations = Locations(self.opps)
        self._remote = bytes(o.remote for o in self.opps)
        self._kind_docs: list[array] = [array("i") for _ in self._fit_kinds]
        for doc, kind in enumerate(self._fit_class):
            self._kind_docs[kind].append(doc)
        self._kind_list = list(self._fit_kinds)
        self._speller: Speller | None = None
        _ = self.speller  # built now, so no search pays for it

    def _add(self, doc: int, prof: Profile) -> None:
        self.whens.append(prof.when)
        kind = (prof.when, self.opps[doc].remote)
        self._fit_class.append(self._fit_kinds.setdefault(kind, len(self._fit_kinds)))
        self.ages.append(prof.ages)
        all_ids, all_levels = self._ids, self._levels
        for feature, weight in prof.features.items():
            ids = all_ids.get(feature)
            if ids is None:
                ids = all_ids[feature] = array("i")
                all_levels[feature] = bytearray()
            ids.append(doc)
            all_levels[feature].append(min(255, int(weight * _PER_STEP + 0.5) or 1))  # level(), inlined

    def postings(self, feature: str) -> tuple[array, bytearray]:
        """The opportunities that have a feature, in order, and each one's weight level."""
        return self._ids[feature], self._levels[feature]

    @property
    def speller(self) -> Speller:
        """Spelling against the lexicon's words and the opportunities' own words."""
        if self._speller is None:
            self._speller = Speller(self.lexicon.vocabulary | self._words, preferred=self.lexicon.vocabulary,
                                    frequency=lambda word: len(self._ids.get("w:" + stem(word), ())),
                                    filler=self.lexicon.chatter)
        return self._speller

    def coefficients(self, query: Query) -> list[tuple[str, float]]:
        """(feature, query weight x idf) for the query's features that any opportunity has."""
        return [(f, w * self.idf[f]) for f, w in query.features.items() if f in self.idf and w]

    def units(self, query: Query) -> Units:
        return units_for(self.coefficients(query), self._top.__getitem__, STEP)

    def search(self, query: Query, constraints: Constraints, limit: int) -> list[Ranked]:
        """The best `limit` opportunities for the query within the constraints, best first."""
        units = self.units(query)
        if not any(q > 0 for q in units.per_feature.values()) or limit <= 0 or not self.n:
            return []
        mask = None
        if constraints.location is not None and constraints.radius_km is not None:
            mask = self._locations.mask(constraints.location, constraints.radius_km)
        measure = self._locations.measure(constraints.location)
        located = constraints.location is not None
        fits = self._fits(query, constraints) if self._fits_vary(query, constraints) else None
        walks: list[Walk] = []
        if located:  # nearest first settles ties on topic: distance decides among them
            walks.append(NearestFirst(self._locations, constraints.location,
                                      lambda km, remote: 1.0 + DISTANCE_NUDGE * nearness(km, remote, True),
                                      within_km=constraints.radius_km))
        remote, fit_class = self._remote, self._fit_class

        def quick(doc: int, topic: float) -> float | None:
            """The score `_finish` would give, before the rules that only leave out (closed, age, radius)."""
            factor = fits[fit_class[doc]] if fits is not None else 1.0
            if factor is None:
                return None
            return final_score(topic, factor, nearness(measure(doc), bool(remote[doc]), located))

        def quick_many(docs: list[int], topics: list[float]) -> list[float]:
            """`quick` for many at once (-1 for what never fits); without a place, nearness is 0."""
            if located:
                return [-1.0 if (s := quick(doc, topic)) is None else s for doc, topic in zip(docs, topics)]
            if fits is None:
                return topics  # final_score(topic, 1.0, 0.0) is the topic itself
            return [-1.0 if (f := fits[fit_class[doc]]) is None else topic * f for doc, topic in zip(docs, topics)]

        return top(self._lanes.scores(units, mask), units, limit=limit,
                   finish=lambda doc, topic: self._finish(doc, topic, query, constraints, measure),
                   nudge=1 + DISTANCE_NUDGE if located else 1.0, floor_share=MIN_OF_BEST,
                   quick=quick, quick_many=quick_many, walks=walks, defer=located)

    @staticmethod
    def _fits_vary(query: Query, constraints: Constraints) -> bool:
        return query.when.says_anything or constraints.picked is not None or query.wants_remote

    def _fits(self, query: Query, constraints: Constraints) -> "_Fits":
        """Each (times, remote) kind's fit factor for this query, worked out when first asked for."""
        return _Fits(lambda k: fit_factor(self.opps[self._kind_docs[k][0]], self._kind_list[k][0], query.when,
                                          constraints.picked, query.wants_remote))

    def _finish(self, doc: int, topic: float, query: Query, constraints: Constraints,
                measure: Callable[[int], float | None]) -> Ranked | None:
        opp = self.opps[doc]
        if not is_shown(opp, self.ages[doc], constraints):
            return None
        factor = fit_factor(opp, self.whens[doc], query.when, constraints.picked, query.wants_remote)
        if factor is None:
            return None
        distance = measure(doc)
        if (constraints.radius_km is not None and distance is not None and distance > constraints.radius_km
                and not opp.remote):
            return None
        near = nearness(distance, opp.remote, constraints.location is not None)
        return Ranked(doc, final_score(topic, factor, near), topic, distance)

    def weight(self, feature: str, doc: int) -> float:
        """The saturated weight of one feature in one opportunity (0 when absent)."""
        ids = self._ids.get(feature)
        if ids is None:
            return 0.0
        i = bisect_left(ids, doc)
        return self._levels[feature][i] * STEP if i < len(ids) and ids[i] == doc else 0.0

    def reasons(self, doc: int, query: Query) -> list[str]:
        contributions = [(f, c * self.weight(f, doc)) for f, c in self.coefficients(query) if c > 0]
        return explain(contributions, query.labels)

    def stats_for(self, prof: Profile, query: Query) -> tuple[float, list[str]]:
        """Topic score and reasons for an opportunity analysed on the spot, scored as a search would."""
        units = self.units(query)
        levels = {f: level(w) for f, w in prof.features.items() if f in units.per_feature}
        topic = sum(units.per_feature[f] * lvl for f, lvl in levels.items()) / units.scale
        contributions = [(f, c * levels[f] * STEP) for f, c in self.coefficients(query) if f in levels and c > 0]
        return topic, explain(contributions, query.labels)

    def distance(self, doc: int, location: tuple[float, float] | None) -> float | None:
        return self._locations.distance(doc, location)


class _Fits(dict):
    """kind -> fit factor (None: clashes with the resident's picks), each worked out once per search."""

    def __init__(self, work_out: Callable[[int], float | None]):
        super().__init__()
        self._work_out = work_out

    def __missing__(self, kind: int) -> float | None:
        value = self[kind] = self._work_out(kind)
        return value


def _overlaps(a: str, b: str) -> bool:
    """One label says no more than the other ("children" beside "children and young people",
    "street" beside "clean streets"): word by word, compared by stem."""
    stems_a, stems_b = _label_stems(a), _label_stems(b)
    return stems_a <= stems_b or stems_b <= stems_a


@functools.lru_cache(maxsize=4096)
def _label_stems(label: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(label)) or frozenset((label,))


def explain(contributions: Sequence[tuple[str, float]], labels: dict[str, str]) -> list[str]:
    """The few human reasons that did most of the matching, strongest first, none repeating another."""
    total = sum(c for _, c in contributions)
    out: list[str] = []
    for feature, value in sorted(contributions, key=lambda fc: -fc[1]):
        label = labels.get(feature, "")
        if value < 0.08 * total or not label or any(_overlaps(label, chosen) for chosen in out):
            continue
        out.append(label)
        if len(out) == REASONS:
            break
    return out
