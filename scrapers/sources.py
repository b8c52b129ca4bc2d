"""The sources file: which pages to read, what kind of body publishes them, where they are.

TOML, one `[[source]]` table per source (see the contract). A source with a mistake (no url, an
unknown kind or parser, a name used twice, a setting we do not know) is reported with the reason
and left out; the others still run. A file that cannot be read or parsed at all is an error.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.places import InvalidPostcode, parse_postcode
from scrapers.parsers.registry import is_parser, parser_names

KINDS = ("council", "police", "nhs", "voluntary", "other")
SETTINGS = {"name", "url", "kind", "area", "postcode", "parser", "delay", "scope", "max_pages", "enabled"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
MIN_DELAY = 1.0


class SourcesFileError(Exception):
    """Raised when the sources file is missing, unreadable or not valid TOML."""


@dataclass(frozen=True)
class Source:
    """One publishing source: its entry page and the defaults for what it lists."""
    name: str
    url: str
    kind: str = "other"
    area: str = ""
    postcode: str | None = None
    parser: str = "auto"
    delay: float | None = None
    scope: str | None = None
    max_pages: int | None = None

    def config(self) -> dict[str, Any]:
        """The settings the store keeps beside the source's health."""
        return {"url": self.url, "kind": self.kind, "area": self.area, "postcode": self.postcode, "parser": self.parser}


@dataclass(frozen=True)
class SourceProblem:
    """A source left out of the run, and why."""
    position: int
    name: str
    reason: str

    def __str__(self) -> str:
        label = f"source {self.name!r}" if self.name else f"source #{self.position}"
        return f"{label} skipped: {self.reason}"


@dataclass
class SourcesFile:
    path: str
    sources: list[Source] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)

    def named(self, names: list[str] | tuple[str, ...]) -> list[Source]:
        return [s for s in self.sources if not names or s.name in names]


def load_sources(path: str | Path) -> SourcesFile:
    """Read and check a sources file; bad sources are listed in `problems`, not raised."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourcesFileError(f"The sources file {path} does not exist.") from None
    except OSError as e:
        raise SourcesFileError(f"Cannot read the sources file {path}: {e.strerror or e}.") from None
    return parse_sources(raw, str(path))


def parse_sources(raw: bytes | str, path: str = "<sources>") -> SourcesFile:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise SourcesFileError(f"The sources file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as e:
        raise SourcesFileError(f"The sources file {path} is not valid TOML: {e}.") from None
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourcesFileError(f"In {path}, 'source' must be a list of [[source]] tables.")
    result = SourcesFile(path=path)
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        name = str(entry.get("name", "")).strip() if isinstance(entry, dict) else ""
        try:
            source = _source(entry, seen)
        except ValueError as e:
            result.problems.append(SourceProblem(position, name, str(e)))
            continue
        if source is not None:
            seen.add(source.name)
            result.sources.append(source)
    return result


def _source(entry: Any, seen: set[str]) -> Source | None:
    if not isinstance(entry, dict):
        raise ValueError("each [[source]] must be a table of settings")
    unknown = sorted(set(entry) - SETTINGS)
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r} (known: {', '.join(sorted(SETTINGS))})")
    if entry.get("enabled", True) is False:
        return None
    name = _text(entry, "name")
    if not name:
        raise ValueError("it has no name")
    if not _SLUG.match(name):
        raise ValueError(f"the name {name!r} must be a slug: lower-case letters, digits, '-' or '_'")
    if name in seen:
        raise ValueError(f"the name {name!r} is used by an earlier source")
    return Source(name=name, url=_url(entry), kind=_choice(entry, "kind", KINDS, "other"), area=_text(entry, "area"),
                  postcode=_postcode(entry), parser=_parser(entry), delay=_delay(entry), scope=_scope(entry),
                  max_pages=_max_pages(entry))


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return " ".join(value.split())


def _url(entry: dict[str, Any]) -> str:
    url = _text(entry, "url")
    if not url:
        raise ValueError("it has no url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the url {url!r} is not an http or https address")
    return url


def _choice(entry: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = _text(entry, key).lower() or default
    if value not in allowed:
        raise ValueError(f"{key} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _parser(entry: dict[str, Any]) -> str:
    value = _text(entry, "parser") or "auto"
    if not is_parser(value):
        raise ValueError(f"there is no parser called {value!r} (known: {', '.join(parser_names())})")
    return value


def _postcode(entry: dict[str, Any]) -> str | None:
    value = _text(entry, "postcode")
    if not value:
        return None
    try:
        return str(parse_postcode(value))
    except InvalidPostcode:
        raise ValueError(f"the postcode {value!r} is not a UK postcode") from None


def _delay(entry: dict[str, Any]) -> float | None:
    if "delay" not in entry:
        return None
    value = entry["delay"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not MIN_DELAY <= value <= 60:
        raise ValueError(f"delay must be a number of seconds from {MIN_DELAY:g} to 60")
    return float(value)


def _scope(entry: dict[str, Any]) -> str | None:
    value = _text(entry, "scope")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"scope must be an http or https address prefix, not {value!r}")
    return value


def _max_pages(entry: dict[str, Any]) -> int | None:
    if "max_pages" not in entry:
        return None
    value = entry["max_pages"]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 500:
        raise ValueError("max_pages must be a whole number from 1 to 500")
    return value
