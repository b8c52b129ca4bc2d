"""The concepts residents and opportunities talk about, and how to spot them in words.

The lexicon (data/lexicon.toml) names each concept once - a cause, an activity, a skill, a
life situation or a way of getting involved - with the words and phrases that signal it, the
broader concepts it belongs to ("dog walking" is about dogs, and dogs about animals) and the
concepts it suggests ("lonely" suggests befriending). The charitable-cause taxonomy of the UK
volunteering data standard (data/odi-cause-taxonomy.json) is the starting point: each of its
causes has a home concept that takes in its synonyms, and `find_causes` reports causes in its
terms. Both files are data, so the vocabulary grows without touching code.
"""
from __future__ import annotations

import functools
from itertools import compress
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

from bot.config import DATA_DIR, TAXONOMY_FILE
from bot.matching.text import GLUE, words
from bot.matching.stemmer import stem

LEXICON_FILE = DATA_DIR / "lexicon.toml"
BROADER_DECAY = 0.7  # an opportunity about dogs is, a little less strongly, about animals


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    kind: str = "cause"
    broader: tuple[str, ...] = ()
    related: dict[str, float] = field(default_factory=dict)
    odi: tuple[str, ...] = ()
    opportunity_kinds: tuple[str, ...] = ()
    remote: bool = False


class Hit(NamedTuple):
    """A concept found at tokens[start:end]; concept None marks words that carry no topic."""
    concept: str | None
    weight: float
    start: int
    end: int


class _Phrase(NamedTuple):
    keys: tuple[str, ...]
    targets: tuple[tuple[str | None, float], ...]


class Lexicon:
    """Concepts, their phrases, and the words that are not worth matching on."""

    def __init__(self, concepts: Iterable[Concept], terms: dict[str, list[tuple[str, float]]],
                 *, chatter: Iterable[str] = (), known: Iterable[str] = (), odi_order: Sequence[str] = ()):
        self.concepts = {c.id: c for c in concepts}
        self.chatter = frozenset(chatter)
        self.chatter_stems = frozenset(stem(w) for w in self.chatter)
        self.odi_order = tuple(odi_order)
        self.vocabulary: set[str] = set(self.chatter) | set(known) | set(GLUE)
        merged: dict[tuple[str, ...], dict[str | None, float]] = {}
        for term, targets in terms.items():
            keys = self._keys(term)
            if keys:
                into = merged.setdefault(keys, {})
                for concept, weight in targets:
                    into[concept] = max(weight, into.get(concept, 0.0))
        # Phrases of stems only are found by slicing and one dict lookup per length; the few with
        # "=exact" words take a slower path. Both are keyed by their first key.
        tables: dict[str, dict[tuple[str, ...], tuple[tuple[str | None, float], ...]]] = {}
        self._exact: dict[str, list[_Phrase]] = {}
        for keys, targets in merged.items():
            if any(k.startswith("=") for k in keys):
                self._exact.setdefault(keys[0], []).append(_Phrase(keys, tuple(targets.items())))
            else:
                tables.setdefault(keys[0], {})[keys] = tuple(targets.items())
        # first key -> (longest phrase, phrases, the words that can come second)
        self._plain = {first: (max(map(len, table)), table, frozenset(k[1] for k in table if len(k) > 1))
                       for first, table in tables.items()}
        for bucket in self._exact.values():
            bucket.sort(key=lambda p: -len(p.keys))
        self._exact_surfaces = frozenset(k[1:] for k in self._exact if k.startswith("="))
        self._exact_stems = frozenset(k for k in self._exact if not k.startswith("="))
        self._words_alone = {k[0]: t[k] for t in tables.values() for k in t if len(k) == 1}
        self._pairs = frozenset((k[0], k[1]) for t in tables.values() for k in t if len(k) > 1)
        self.kind_concepts = {k: tuple(c.id for c in self.concepts.values() if k in c.opportunity_kinds)
                              for c in self.concepts.values() for k in c.opportunity_kinds}
        self.remote_concepts = tuple(c.id for c in self.concepts.values() if c.remote)
        self._ancestors: dict[str, dict[str, float]] = {}
        self._expanded: dict[tuple, tuple[tuple[str, float], ...]] = {}
        self._causes: dict[str, frozenset[str]] = {}

    def _keys(self, term: str) -> tuple[str, ...]:
        """A phrase as the keys tokens must carry: stems, or "=word" for an exact word."""
        keys = []
        for part in term.split():
            exact = part.startswith("=")
            for w in words(part):
                self.vocabulary.add(w)
                if w in GLUE and not exact:
                    continue
                keys.append("=" + w if exact else stem(w))
        return tuple(keys)

    def match(self, surfaces: Sequence[str], stems: Sequence[str]) -> list[Hit]:
        """Concepts in glue-free words (and their stems), longest phrase first, each word used once."""
        return [Hit(concept, weight, i, i + length)
                for i, length, targets in self._scan(surfaces, stems) for concept, weight in targets]

    def concepts_in(self, surfaces: Sequence[str], stems: Sequence[str], min_weight: float = 0.0) -> set[str]:
        """The concepts the words clearly name (weight at least min_weight), without broader ones (cheap)."""
        return {concept for _, _, targets in self._scan(surfaces, stems)
                for concept, weight in targets if concept and weight >= min_weight}

    def concept_weights(self, surfaces: Sequence[str], stems: Sequence[str]) -> dict[str, float]:
        """How strongly the words speak of each concept, broader concepts included (for opportunities)."""
        found: dict[str, float] = {}
        expanded = self._expanded
        for _, _, targets in self._scan(surfaces, stems):
            pairs = expanded.get(targets)
            if pairs is None:
                pairs = expanded[targets] = self._expand(targets)
            for concept, weight in pairs:
                found[concept] = found.get(concept, 0.0) + weight
        return found

    def _expand(self, targets: tuple[tuple[str | None, float], ...]) -> tuple[tuple[str, float], ...]:
        out: list[tuple[str, float]] = []
        for concept, weight in targets:
            if concept is not None:
                out.append((concept, weight))
                out.extend((parent, weight * share) for parent, share in self.ancestors(concept).items())
        return tuple(out)

    def _scan(self, surfaces: Sequence[str], stems: Sequence[str]) -> list[tuple[int, int, tuple]]:
        """(start, length, targets) of each phrase found, longest first, no overlaps.

        Phrases of several words are found first (few, checked one by one); then the one-word
        terms left over, looked up in one pass.
        """
        n, free = len(stems), 0
        found = []
        covered: set[int] = set()
        starts = compress(range(n), map(self._pairs.__contains__, zip(stems, stems[1:])))
        if self._exact_surfaces.intersection(surfaces) or self._exact_stems.intersection(stems):
            starts = sorted(set(starts).union(
                compress(range(n), map(self._exact_surfaces.__contains__, surfaces)),
                compress(range(n), map(self._exact_stems.__contains__, stems))))
        plain, exact_stems, exact_surfaces = self._plain, self._exact_stems, self._exact_surfaces
        for i in starts:
            if i < free:
                continue
            st = stems[i]
            if st in exact_stems or surfaces[i] in exact_surfaces or st not in plain:
                length, targets = self._longest(surfaces, stems, i, n)
            else:  # the common case, inlined: phrases of stems starting here, longest first
                longest, table, _ = plain[st]
                length, targets = 0, ()
                for size in range(min(longest, n - i), 0, -1):
                    found_here = table.get(tuple(stems[i:i + size]))
                    if found_here is not None:
                        length, targets = size, found_here
                        break
            if length:
                found.append((i, length, targets))
                covered.update(range(i, i + length))
                free = i + length
        words_alone = self._words_alone
        found.extend((i, 1, words_alone[stems[i]])
                     for i in compress(range(n), map(words_alone.__contains__, stems)) if i not in covered)
        return found

    def _longest(self, surfaces: Sequence[str], stems: Sequence[str], i: int,
                 n: int) -> tuple[int, tuple[tuple[str | None, float], ...]]:
        length: int = 0
        targets: tuple[tuple[str | None, float], ...] = ()
        bucket = self._plain.get(stems[i])
        if bucket is not None:
            longest, table, seconds = bucket
            if i + 1 < n and stems[i + 1] in seconds:
                for size in range(min(longest, n - i), 0, -1):
                    found = table.get(tuple(stems[i:i + size]))
                    if found is not None:
                        length, targets = size, found
                        break
            else:
                found = table.get((stems[i],))
                if found is not None:
                    length, targets = 1, found
        if stems[i] not in self._exact and surfaces[i] not in self._exact_surfaces:
            return length, targets
        for key in (stems[i], "=" + surfaces[i]):
            for phrase in self._exact.get(key, ()):
                size = len(phrase.keys)
                if size > length and i + size <= n and all(
                        k == stems[i + j] or k == "=" + surfaces[i + j] for j, k in enumerate(phrase.keys)):
                    length, targets = size, phrase.targets
                    break
        return length, targets

    def ancestors(self, concept_id: str) -> dict[str, float]:
        """Broader concepts, each with how much of the concept's weight it inherits."""
        if concept_id not in self._ancestors:
            found: dict[str, float] = {}
            frontier = [(concept_id, 1.0)]
            while frontier:
                current, weight = frontier.pop()
                for parent in self.concepts[current].broader:
                    inherited = weight * BROADER_DECAY
                    if inherited > found.get(parent, 0.0):
                        found[parent] = inherited
                        frontier.append((parent, inherited))
            self._ancestors[concept_id] = found
        return self._ancestors[concept_id]

    def causes(self, concept_ids: Iterable[str]) -> list[str]:
        """The taxonomy causes these concepts (and the concepts they belong to) fall under, in taxonomy order."""
        found: set[str] = set()
        for cid in concept_ids:
            mine = self._causes.get(cid)
            if mine is None:
                mine = self._causes[cid] = frozenset(
                    t for c in (cid, *self.ancestors(cid)) for t in self.concepts[c].odi)
            found |= mine
        return [term for term in self.odi_order if term in found]

    def label(self, concept_id: str) -> str:
        return self.concepts[concept_id].label


def load_lexicon(path: Path = LEXICON_FILE, taxonomy: Path = TAXONOMY_FILE) -> Lexicon:
    """Read the lexicon and fold in the cause taxonomy's synonyms; raises ValueError on a broken file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    causes = json.loads(taxonomy.read_text(encoding="utf-8"))["causes"]
    skip = {s.lower() for s in data.get("odi_skip", {}).get("synonyms", [])}
    synonyms = {c["term"]: [c["term"], *(s for s in c["synonyms"] if s.lower() not in skip)] for c in causes}
    concepts, terms = [], {}
    for raw in data.get("concept", []):
        concept = _concept(raw)
        concepts.append(concept)
        extra = [s for home in raw.get("odi_home", []) for s in synonyms[home]]
        for term in [*raw.get("terms", []), *extra]:
            text, weight = _term(term)
            terms.setdefault(text, []).append((concept.id, weight))
    for phrase in data.get("ignore", {}).get("phrases", []):
        terms.setdefault(phrase, []).append((None, 0.0))
    _check(concepts, synonyms)
    return Lexicon(concepts, terms, chatter=data.get("chatter", {}).get("words", []),
                   known=data.get("known", {}).get("words", []), odi_order=[c["term"] for c in causes])


def _concept(raw: dict) -> Concept:
    homes = raw.get("odi_home", [])
    return Concept(
        id=raw["id"], label=raw.get("label", raw["id"].replace("_", " ")), kind=raw.get("kind", "cause"),
        broader=tuple(raw.get("broader", [])), related=dict(raw.get("related", {})),
        odi=tuple(dict.fromkeys([*homes, *raw.get("odi", [])])),
        opportunity_kinds=tuple(raw.get("opportunity_kinds", [])), remote=bool(raw.get("remote", False)),
    )


def _term(term: str) -> tuple[str, float]:
    """'phrase^0.5' -> ('phrase', 0.5): a weaker signal of the concept."""
    text, _, weight = term.partition("^")
    return text.strip(), float(weight) if weight else 1.0


def _check(concepts: list[Concept], synonyms: dict[str, list[str]]) -> None:
    ids = {c.id for c in concepts}
    if len(ids) != len(concepts):
        raise ValueError("the lexicon names a concept twice")
    for c in concepts:
        for other in (*c.broader, *c.related):
            if other not in ids:
                raise ValueError(f"concept {c.id!r} refers to unknown concept {other!r}")
        for term in c.odi:
            if term not in synonyms:
                raise ValueError(f"concept {c.id!r} names {term!r}, which is not a taxonomy cause")


@functools.cache
def default_lexicon() -> Lexicon:
    return load_lexicon()
