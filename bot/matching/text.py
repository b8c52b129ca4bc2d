"""Words out of text: one tokeniser for residents, opportunities and the lexicon alike.

Everything that compares words goes through `tokens`, so "Fly-tipping", "fly tipping" and
"flytipping's" all become the same pieces, and `stem` makes "volunteering" meet "volunteers".
"""
from __future__ import annotations

import re
import unicodedata
from itertools import filterfalse
from typing import NamedTuple

from bot.matching.stemmer import stem

_TOKEN = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"(?<=[a-z])'s\b")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "&": " and ", "+": " "})
# Emoji residents use for a topic, read as the word they stand for ("\U0001f436\U0001f431 love animals").
# Feelings (hearts, faces) carry no topic and are dropped with the other symbols.
_EMOJI = {
    "\U0001f436": "dog", "\U0001f415": "dog", "\U0001f429": "dog", "\U0001f9ae": "guide dog",
    "\U0001f431": "cat", "\U0001f408": "cat", "\U0001f434": "horse", "\U0001f40e": "horse",
    "\U0001f994": "hedgehog", "\U0001f430": "rabbit", "\U0001f407": "rabbit", "\U0001f43e": "animals",
    "\U0001f426": "birds", "\U0001f987": "bats", "\U0001f41d": "bees", "\U0001f98b": "butterflies",
    "\U0001f333": "trees", "\U0001f332": "trees", "\U0001f331": "gardening", "\U0001f33b": "flowers",
    "\U0001f337": "flowers", "\U0001f338": "flowers", "\U0001f33f": "nature", "\U0001f30d": "planet",
    "\U0001f30e": "planet", "\U0001f30f": "planet", "\u267b": "recycling", "\U0001f5d1": "litter",
    "\U0001f3f3\ufe0f\u200d\U0001f308": "lgbt", "\U0001f3f3\u200d\U0001f308": "lgbt",
    "\U0001f3f3\ufe0f\u200d\u26a7\ufe0f": "trans", "\U0001f308": "rainbow",
    "\u26bd": "football", "\U0001f3c3": "running", "\U0001f6b4": "cycling", "\U0001f6b2": "bike",
    "\U0001f94a": "boxing", "\U0001f3b5": "music", "\U0001f3b6": "music", "\U0001f3a4": "singing",
    "\U0001f3b8": "music", "\U0001f3ad": "theatre", "\U0001f3a8": "art", "\U0001f4da": "books",
    "\U0001f4d6": "reading", "\U0001f4bb": "computer", "\U0001f373": "cooking", "\U0001f958": "cooking",
    "\U0001f37d": "meals", "\U0001f96b": "food", "\U0001f3e5": "hospital", "\U0001fa78": "blood",
    "\U0001f489": "vaccination", "\U0001f697": "car", "\U0001f68c": "bus", "\U0001f476": "baby",
    "\U0001f474": "older people", "\U0001f475": "older people", "\U0001f46e": "police",
    "\U0001f692": "fire", "\U0001f3da": "housing", "\U0001f3e0": "home", "\U0001f527": "fixing",
    "\U0001f528": "diy", "\U0001f6e0": "fixing", "\U0001f9f6": "knitting", "\U0001f9f5": "sewing",
}
_EMOJI_RE = re.compile("|".join(sorted(map(re.escape, _EMOJI), key=len, reverse=True)))

# Small words skipped when matching a phrase, so "stop and search" and "have your say" match
# "stop search" and "have a say". Kept short: "from home", "friends of" and "care for my mum"
# need their small words.
GLUE = frozenset("a an the and our your their his her this that these those some".split())


class Token(NamedTuple):
    surface: str
    stem: str


def normalise(text: str) -> str:
    """Lower case, plain ASCII letters, straight apostrophes."""
    text = str(text).translate(_QUOTES)
    if not text.isascii():
        text = _EMOJI_RE.sub(lambda m: " " + _EMOJI[m.group(0)] + " ", text)
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return text.lower()


def words(text: str) -> list[str]:
    """Lower-case words; "nan's" -> "nan", "don't" -> "dont", "fly-tipping" -> "fly", "tipping"."""
    text = normalise(text)
    if "'" in text:
        text = _POSSESSIVE.sub("", text).replace("'", "")
    return _TOKEN.findall(text)


def tokens(text: str) -> list[Token]:
    return [Token(w, stem(w)) for w in words(text)]


class _Stems(dict[str, str]):
    """word -> stem, filled as words are met: a plain dict lookup for every word seen before."""

    def __missing__(self, word: str) -> str:
        if len(self) > 500_000:
            self.clear()
        found = self[word] = stem(word)
        return found


_STEMS = _Stems()


def content_words(text: str) -> tuple[list[str], list[str]]:
    """The words worth matching (glue dropped), and their stems, as two parallel lists."""
    surfaces = list(filterfalse(GLUE.__contains__, words(text)))
    return surfaces, list(map(_STEMS.__getitem__, surfaces))


def skeleton(word: str) -> str:
    """The word's consonants in order, doubles collapsed ("pleece" and "police" -> "plc").

    Residents often get vowels wrong but consonants right; comparing skeletons catches that.
    """
    out = [word[0]] if word else []
    for ch in word[1:]:
        if ch in "aeiouy" or ch == out[-1]:
            continue
        out.append(ch)
    return "".join(out)
