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
