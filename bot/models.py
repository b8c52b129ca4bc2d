"""An opportunity, and the one place that decides whether a row from anywhere is a valid one.

Import files, scrapers and community workers' broadcasts all produce rows of the contract's
fields; `opportunity_from_row` checks and normalises them so the store only ever holds clean data.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from bot.dates import find_dates
from bot.places import InvalidPostcode, parse_postcode

KINDS = ("volunteer", "group", "have-your-say", "training", "event")
FIELDS = (
    "id", "title", "organisation", "description", "url", "kind", "postcode", "place",
    "remote", "commitment", "min_age", "dbs_check", "closing_date", "source",
)
EXTRA_FIELDS = ("lat", "lon", "causes", "first_seen", "last_seen", "offered")
LIMITS = {"id": 200, "title": 300, "organisation": 300, "url": 2000, "place": 300,
          "commitment": 500, "source": 100, "description": 20000}
_BOOL_WORDS = {"true": True, "yes": True, "1": True, "y": True,
               "false": False, "no": False, "0": False, "n": False}


class InvalidOpportunity(ValueError):
    """Raised when a row cannot become an opportunity; the message says which field and why."""


@dataclass
class Opportunity:
    id: str
    title: str
    organisation: str = ""
    description: str = ""
    url: str = ""
    kind: str = "volunteer"
    postcode: str | None = None
    place: str = ""
    remote: bool = False
    commitment: str = ""
    min_age: int | None = None
    dbs_check: bool | None = None
    closing_date: str | None = None
    source: str = ""
    lat: float | None = None
    lon: float | None = None
    causes: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    offered: bool = True

    def contract_dict(self) -> dict[str, Any]:
        """The fields every import and export understands, in the contract's order."""
        d = asdict(self)
        return {k: d[k] for k in FIELDS}

    def is_open(self, today: dt.date | None = None) -> bool:
        """Still offered, not past its closing date, and not a dated one-off that is over."""
        if not self.offered:
            return False
        day = (today or dt.date.today()).isoformat()
        if self.closing_date and self.closing_date < day:
            return False
        if self.kind in ("event", "training") or "one-off" in self.commitment.lower():
            last = last_day_written(self.commitment)
            return last is None or last >= day
        return True


@functools.lru_cache(maxsize=4096)
def last_day_written(text: str) -> str | None:
    """The latest date written out with its year ("Saturday 6 June 2026"), as YYYY-MM-DD.

    An event often gives its day only in its times, with no closing date: once that day has
    passed it is over. Dates without a year are left alone, since their year is a guess.
    """
    if not _YEAR.search(text):
        return None
    days = [day for start, end, day in find_dates(text, dt.date.today()) if _YEAR.search(text[start:end])]
    return max(days).isoformat() if days else None


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def derive_id(source: str, url: str, title: str) -> str:
    """A stable id for rows that come without one: the same source, page and title give the same id."""
    digest = hashlib.sha1(f"{source}\n{url}\n{title}".encode()).hexdigest()[:12]
    slug = re.sub(r"[^a-z0-9]+", "-", (source or "opp").lower()).strip("-")[:40] or "opp"
    return f"{slug}-{digest}"


def opportunity_from_row(row: Mapping[str, Any]) -> Opportunity:
    """Validate and normalise one row of contract fields (plus known extras); unknown keys are ignored."""
    if not isinstance(row, Mapping):
        raise InvalidOpportunity("the row is not an object with named fields")
    for name, limit in LIMITS.items():
        value = row.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise InvalidOpportunity(f"{name} is {len(value):,} characters long; the most allowed is {limit:,}")
    title = _text(row, "title")
    if not title:
        raise InvalidOpportunity("title is missing or empty")
    url = _text(row, "url")
    if url and not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
        raise InvalidOpportunity(f"url must be an http or https address, not {url[:60]!r}")
    source = _text(row, "source")
    opp = Opportunity(
        id=_text(row, "id") or derive_id(source, url, title),
        title=title,
        organisation=_text(row, "organisation"),
        description=_text(row, "description"),
        url=url,
        kind=_kind(row),
        postcode=_postcode(row),
        place=_text(row, "place"),
        remote=bool(_bool(row, "remote")),
        commitment=_text(row, "commitment"),
        min_age=_min_age(row),
        dbs_check=_bool(row, "dbs_check"),
        closing_date=_date(row, "closing_date"),
        source=source,
    )
    _extras(row, opp)
    return opp


def _text(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, (dict, list, bool)):
        raise InvalidOpportunity(f"{name} must be text")
    return " ".join(str(value).split()) if name != "description" else str(value).strip()


def _kind(row: Mapping[str, Any]) -> str:
    kind = _text(row, "kind").lower() or "volunteer"
    if kind not in KINDS:
        raise InvalidOpportunity(f"kind must be one of {', '.join(KINDS)}, not {kind[:40]!r}")
    return kind


def _postcode(row: Mapping[str, Any]) -> str | None:
    raw = _text(row, "postcode")
    if not raw:
        return None
    try:
        return str(parse_postcode(raw))
    except InvalidPostcode:
        raise InvalidOpportunity(f"postcode {raw[:20]!r} is not a UK postcode or outward code") from None


def _bool(row: Mapping[str, Any], name: str) -> bool | None:
    value = row.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
        return _BOOL_WORDS[value.strip().lower()]
    raise InvalidOpportunity(f"{name} must be true or false, not {str(value)[:20]!r}")


def _min_age(row: Mapping[str, Any]) -> int | None:
    value = row.get("min_age")
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidOpportunity("min_age must be a whole number of years")
    try:
        age = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        age = None
    if age is None or not 0 <= age <= 120:
        raise InvalidOpportunity(f"min_age must be a whole number of years from 0 to 120, not {str(value)[:20]!r}")
    return age


def _date(row: Mapping[str, Any], name: str) -> str | None:
    raw = _text(row, name)
    if not raw:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise InvalidOpportunity(f"{name} must be a real date written YYYY-MM-DD, not {raw[:30]!r}") from None


def _extras(row: Mapping[str, Any], opp: Opportunity) -> None:
    """Keep the extra fields an export of ours may carry, when they are well formed."""
    for name in ("lat", "lon"):
        value = row.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            setattr(opp, name, float(value))
    causes = row.get("causes")
    if isinstance(causes, list) and all(isinstance(c, str) for c in causes):
        opp.causes = causes
    for name in ("first_seen", "last_seen"):
        if isinstance(row.get(name), str):
            setattr(opp, name, row[name])
