"""Parsers by name, so a source names its parser in the sources file ("auto", "jsonld", ...)."""
from __future__ import annotations

from typing import TypeVar

from scrapers.parsers.base import Parser

P = TypeVar("P", bound=type[Parser])
_PARSERS: dict[str, type[Parser]] = {}
_ALIASES = {"feed": "rss", "atom": "rss", "citizen-space": "citizenspace", "ehq": "engagementhq",
            "police-soh": "police", "html": "auto"}


class UnknownParser(LookupError):
    """Raised when a sources file names a parser that does not exist."""


def register(cls: P) -> P:
    _PARSERS[cls.name] = cls
    return cls


def parser_names() -> list[str]:
    _load_all()
    return sorted(_PARSERS)


def get_parser(name: str) -> Parser:
    """A fresh parser for the name (or one of its aliases)."""
    _load_all()
    key = _ALIASES.get(name, name)
    if key not in _PARSERS:
        raise UnknownParser(f"there is no parser called {name!r}; known parsers: {', '.join(parser_names())}")
    return _PARSERS[key]()


def is_parser(name: str) -> bool:
    _load_all()
    return _ALIASES.get(name, name) in _PARSERS


def _load_all() -> None:
    """Import every parser module once so each registers itself."""
    from scrapers.parsers import (auto, citizenspace, engagementhq, feed, jsonld, listing, police,  # noqa: F401
                                  programme, sections, wordpress)
