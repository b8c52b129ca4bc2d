"""Free text from a resident -> the few opportunities they would most want, best first.

The interface the CLI, the conversation and broadcasts use. Inside, one module per job:
`text` and `stemmer` (words), `lexicon` (concepts, from data/lexicon.toml and the ODI cause
taxonomy), `spelling` (word-level typo correction), `query` (what a resident means),
`schedule` (times and ages), `analysis` (what an opportunity is about), `index` (fast search
over many), `scoring` (fit rules), `matcher` (the Matcher itself) and `holder` (the current
matcher of a running bot, rebuilt in the background when the catalogue changes).
"""
from __future__ import annotations

from bot.matching.lexicon import default_lexicon
from bot.matching.matcher import AVAILABILITY, Match, Matcher
from bot.matching.query import Query
from bot.matching.query import parse_query as _parse
from bot.matching.spelling import Speller
from bot.matching.text import content_words

__all__ = ["AVAILABILITY", "Match", "Matcher", "Query", "find_causes", "parse_query"]

_SPELLER: Speller | None = None
CLEAR = 0.6  # weaker hints ("wellbeing" for mental health) do not make a cause


def find_causes(text: str) -> list[str]:
    """The UK volunteering data standard's causes the text is about, in the taxonomy's order.

    Found through the whole lexicon, so "dog walking" gives "Animal Welfare". Called for every
    stored opportunity, so it does no spelling correction and no scoring: a few microseconds.
    """
    lexicon = default_lexicon()
    return lexicon.causes(lexicon.concepts_in(*content_words(text), min_weight=CLEAR))


def parse_query(text: str) -> Query:
    """A resident's words understood without any catalogue at hand (the lexicon's words only).

    Use `Matcher.parse` when a matcher exists: it also knows the catalogue's own words for
    spelling. Either Query can be given to `Matcher.search` or `Matcher.score`.
    """
    global _SPELLER
    lexicon = default_lexicon()
    if _SPELLER is None:
        _SPELLER = Speller(lexicon.vocabulary, preferred=lexicon.vocabulary, filler=lexicon.chatter)
    return _parse(text, lexicon, _SPELLER)
