"""Residents' misspellings, corrected one word at a time against the words we know.

"volunterring with anmals" becomes "volunteering with animals" by comparing each unknown word
with the vocabulary (the lexicon's words plus every word in the opportunities) using rapidfuzz,
never by fuzzy-matching whole documents. Two signals: how many edits apart the words are
(a swap of two letters counts once), and whether the consonants agree ("pleece" / "police").
Ties go to the word more opportunities use. Run-together words are split ("flytipping").

Ordinary English words that no opportunity happens to use ("bother", "carrier", "nicked",
"Swansea") are left as they are: `data/english-words.txt` lists them (from SCOWL, see
its header), so a resident's real word is never turned into a different one ("brother", "carer").
They are only ever a reason not to correct, never a correction. A filler word the lexicon ignores
("place", "thats") counts as one edit further away, since correcting into it says nothing.

The list was made from Debian's wbritish package:
    grep -v "'" /usr/share/dict/british-english | lower-case, strip accents, keep [a-z]{4,}
"""
from __future__ import annotations

import functools
from typing import Callable, Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.config import DATA_DIR
from bot.matching.stemmer import stem
from bot.matching.text import skeleton

MIN_LENGTH = 4
ENGLISH_FILE = DATA_DIR / "english-words.txt"


@functools.cache
def english_words() -> frozenset[str]:
    """Ordinary English words (lower case, four letters or more) that are never corrected."""
    text = ENGLISH_FILE.read_text(encoding="utf-8")
    return frozenset(line for line in text.split("\n") if line and not line.startswith("#"))


class Speller:
    """Corrects words that are not in the vocabulary; known words are left alone."""

    def __init__(self, vocabulary: Iterable[str], preferred: Iterable[str] = (),
                 frequency: Callable[[str], int] | None = None, *, filler: Iterable[str] = (),
                 ordinary: Iterable[str] | None = None):
        """`filler`: words that carry no meaning (a correction into one is one edit dearer);
        `ordinary`: real words never corrected (default: the bundled English word list)."""
        self.preferred = frozenset(preferred)
        self.filler = frozenset(filler)
        self.ordinary = english_words() if ordinary is None else frozenset(ordinary)
        self.words = frozenset(w for w in vocabulary if w.isalpha())
        self.stems = frozenset(stem(w) for w in self.words)
        self._frequency = frequency or (lambda word: 0)
        self._by_length: dict[int, list[str]] = {}
        self._by_skeleton: dict[str, list[str]] = {}
        for w in sorted(self.words):
            self._by_length.setdefault(len(w), []).append(w)
            if len(w) >= 5:
                self._by_skeleton.setdefault(skeleton(w), []).append(w)
        self._cache: dict[str, tuple[str, ...] | None] = {}

    def knows(self, word: str) -> bool:
        return (word in self.words or word in self.ordinary or stem(word) in self.stems
                or not word.isalpha())

    def correct(self, word: str) -> tuple[str, ...] | None:
        """The word(s) meant, or None when the word is known or nothing is close enough."""
        if len(word) < MIN_LENGTH or self.knows(word):
            return None
        if word not in self._cache:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[word] = self._split(word) or self._closest(word)
        return self._cache[word]

    def _split(self, word: str) -> tuple[str, ...] | None:
        """'flytipping' -> ('fly', 'tipping'), when both halves are words of the lexicon."""
        if len(word) < 7:
            return None
        for i in range(3, len(word) - 2):
            left, right = word[:i], word[i:]
            if left in self.preferred and right in self.preferred:
                return left, right
        return None

    def _closest(self, word: str) -> tuple[str, ...] | None:
        """The nearest known word: fewest edits (a matching consonant skeleton forgives one), then
        the word more opportunities use, then a lexicon word."""
        n = len(word)
        candidates = [w for size in range(n - 2, n + 3) for w in self._by_length.get(size, ())]
        pool = {m for m, _, _ in process.extract(word, candidates, scorer=fuzz.ratio, score_cutoff=55.0, limit=12)}
        shape = skeleton(word)
        if n >= 5:
            pool.update(self._by_skeleton.get(shape, ()))
        allowed = 1 if n <= 5 else 2 if n <= 9 else 3
        ranked = []
        for candidate in pool:
            edits = (OSA.distance(word, candidate) - (1 if n >= 5 and skeleton(candidate) == shape else 0)
                     + (candidate in self.filler))
            if edits > allowed or (n < 5 and candidate not in self.preferred):
                continue
            ranked.append((edits, -self._frequency(candidate), candidate not in self.preferred,
                           abs(len(candidate) - n), candidate))
        return (min(ranked)[-1],) if ranked else None
