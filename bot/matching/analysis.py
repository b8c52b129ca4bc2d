"""What an opportunity is about, as weighted features the scorer can compare with a query.

Features are strings: "w:<stem>" for a word, "c:<concept>" for a lexicon concept, "t:<slot>" for
a time of the week it happens, "a:youth" / "a:older" for who it is aimed at, "f:once" for a
one-off. Each carries a BM25F term weight: words in the title count more than words in the
description, long descriptions do not win by length, and repeating a word helps less and less.
One function computes them, for the index and for scoring a single opportunity alike, so the
two always agree.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.matching.lexicon import Lexicon
from bot.matching.schedule import ONE_OFF, TIME_BUCKETS, When, opportunity_when, participant_ages
from bot.matching.text import content_words
from bot.models import Opportunity

K1 = 1.6
# field -> (weight, length normalisation b)
FIELDS = {"title": (3.0, 0.3), "organisation": (0.7, 0.3), "description": (1.0, 0.75),
          "commitment": (0.5, 0.3), "place": (0.3, 0.3)}
META_TF = 2.5  # what an opportunity's kind or "remote" flag says, as strongly as its title would
SHORT_TEXT = 160
_SHORT: dict[str, tuple[Lexicon, Counter[str], int]] = {}
_OLDER = re.compile(r"\bover[- ]?(?:50|55|60|65|70)s?\b|\bolder people'?s? (?:club|group)")


@dataclass(frozen=True)
class Profile:
    """An opportunity's features (feature -> saturated weight) and the facts that filter it."""
    features: dict[str, float]
    when: When
    ages: tuple[int, int] | None


def field_counts(text: str, lexicon: Lexicon, vocabulary: set[str] | None = None) -> tuple[Counter[str], int]:
    """Word and concept counts in one field of text, and its length in words; collects its words.

    Short texts (organisations, places, commitments, titles) repeat across a catalogue, so their
    counts are remembered.
    """
    cached = _SHORT.get(text) if len(text) <= SHORT_TEXT else None
    if cached is not None and cached[0] is lexicon:
        return cached[1], cached[2]
    surfaces, stems = content_words(text)
    if vocabulary is not None:
        vocabulary.update(surfaces)
    skip = lexicon.chatter_stems
    counts: Counter[str] = Counter()
    for word_stem, count in Counter(stems).items():
        if word_stem not in skip and not word_stem.isdigit():
            counts["w:" + word_stem] = count
    for concept, weight in lexicon.concept_weights(surfaces, stems).items():
        counts["c:" + concept] = weight
    length = len(text.split())
    if len(text) <= SHORT_TEXT:
        if len(_SHORT) > 50_000:
            _SHORT.clear()
        _SHORT[text] = (lexicon, counts, length)
    return counts, length


def field_texts(opp: Opportunity) -> dict[str, str]:
    return {"title": opp.title, "organisation": opp.organisation, "description": opp.description,
            "commitment": opp.commitment, "place": opp.place}


def profile(opp: Opportunity, lexicon: Lexicon, avg_lengths: dict[str, float], *,
            vocabulary: set[str] | None = None) -> Profile:
    """Every feature of one opportunity, weighted as BM25F would weigh it."""
    weighted: dict[str, float] = {}
    for name, text in field_texts(opp).items():
        if not text:
            continue
        weight, b = FIELDS[name]
        counts, length = field_counts(text, lexicon, vocabulary)
        norm = weight / (1 - b + b * length / max(avg_lengths.get(name, 1.0), 1.0))
        for feature, count in counts.items():
            weighted[feature] = weighted.get(feature, 0.0) + count * norm
    for concept in lexicon.kind_concepts.get(opp.kind, ()):
        weighted["c:" + concept] = weighted.get("c:" + concept, 0.0) + META_TF
    if opp.remote:
        for concept in lexicon.remote_concepts:
            weighted["c:" + concept] = weighted.get("c:" + concept, 0.0) + META_TF
    when = opportunity_when(opp.commitment, opp.description)
    ages = participant_ages(opp.title, opp.description, opp.kind, opp.min_age)
    weighted.update(_fit_features(opp, when, ages))
    k1, top = K1, K1 + 1
    return Profile({f: tf * top / (k1 + tf) for f, tf in weighted.items() if tf > 0}, when, ages)


def _fit_features(opp: Opportunity, when: When, ages: tuple[int, int] | None) -> dict[str, float]:
    """Who and when an opportunity is for, so a resident's age and free time can find it."""
    extra: dict[str, float] = {}
    if ages and ages[1] <= 25:
        extra["a:youth"] = META_TF
    elif opp.min_age is not None and 10 <= opp.min_age <= 16:
        extra["a:youth"] = 1.0
    if (opp.min_age or 0) >= 50 or _OLDER.search(opp.title.lower()):
        extra["a:older"] = META_TF
    if when.mask is not None and not when.flexible:
        for name, slots in TIME_BUCKETS.items():
            if when.mask & slots:
                extra[name] = 1.0
    if when.frequency == ONE_OFF:
        extra["f:once"] = 1.0
    return extra


def average_lengths(opps: list[Opportunity]) -> dict[str, float]:
    """Mean words per field; whitespace counting is close enough for length normalisation."""
    if not opps:
        return {name: 1.0 for name in FIELDS}
    totals = dict.fromkeys(FIELDS, 0)
    for opp in opps:
        for name, text in field_texts(opp).items():
            totals[name] += len(text.split())
    return {name: max(total / len(opps), 1.0) for name, total in totals.items()}
