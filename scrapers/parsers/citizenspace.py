"""Citizen Space (Delib): the consultation hubs of many councils and NHS bodies.

Its public, unauthenticated JSON API lists consultations with their status and closing dates:
<hub>/api/2.4/json_search_results?st=open&fields=extended (and st=closed for the ones that have
ended), and one consultation's detail at json_consultation_details. An HTML page of the hub only
tells us where that API is: at the hub's root, which is the host's root unless the hub's own
links ("Find activities" -> <hub>/consultation_finder/) show it lives under a path.

Closed consultations are kept for RECENTLY_CLOSED_DAYS after their end date, long enough to mark
one we stored while it was open as closed; a hub's years of archive are not opportunities.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapers.parsers import dom, facts
from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser, Record
from scrapers.parsers.registry import register

API_PATH = "api/2.4/json_search_results"
RECENTLY_CLOSED_DAYS = 180
_FINDER = re.compile(r"^(.*?/)consultation_finder(?:/|$)", re.I)
_MARKERS = re.compile(r"powered\s+by\s+(?:<[^>]+>\s*)?citizen\s*space|citizenspace\.com|delib\.net|data-delib|"
                      r"<meta[^>]+content=\"citizen\s*space", re.I)
_PATHS = re.compile(r"/consultation_finder|/consult_view|/consult\.ti/", re.I)


@register
class CitizenSpaceParser(Parser):
    name = "citizenspace"
    description = "Citizen Space consultation hubs, through their public JSON API"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        if is_api_url(doc.url) or doc.is_json:
            return ParseResult(records=api_records(doc.text, doc.url, ctx.today))
        from scrapers.parsers.generic import parse_page
        from scrapers.parsers.html import read_html

        result = parse_page(read_html(doc), ctx)
        for record in result.records:
            record.fields["kind"] = "have-your-say"
        if ctx.detail_of is None:
            root = hub_root(doc.url, [href for a in dom.make_soup(doc.text).find_all("a", href=True)
                                      if isinstance(href := a.get("href"), str)])
            result.links[:0] = [Link(api_url(root, status), "api") for status in ("open", "closed")]
        return result


def looks_like_citizen_space(html: str, url: str = "") -> bool:
    return bool(_MARKERS.search(html[:300_000])) or bool(_PATHS.search(urlsplit(url).path))


def is_api_url(url: str) -> bool:
    return "/api/2." in urlsplit(url).path


def hub_root(page_url: str, hrefs: list[str] = ()) -> str:
    """Where the hub lives: the path its "consultation_finder" link hangs from, else the host's root."""
    parts = urlsplit(page_url)
    for href in hrefs:
        url = dom.absolute(page_url, href)
        if not url:
            continue
        link = urlsplit(url)
        if link.netloc.lower() == parts.netloc.lower() and (m := _FINDER.match(link.path)):
            return urlunsplit((parts.scheme, parts.netloc, m.group(1), "", ""))
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def api_url(hub: str, status: str = "open") -> str:
    """The search API for consultations with this status ("open", "closed"), under the hub's root."""
    parts = urlsplit(hub)
    path = (parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/") + API_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, f"st={status}&fields=extended", ""))


def api_records(text: str, base_url: str, today: dt.date) -> list[Record]:
    """Consultations from a json_search_results list or one json_consultation_details object."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    records = [r for item in items if isinstance(item, dict) and (r := _record(item, base_url, today))]
    return [r for r in records if not _long_closed(r, today)]


def _long_closed(record: Record, today: dt.date) -> bool:
    end = record.fields.get("closing_date")
    return record.closed and bool(end) and (today - dt.date.fromisoformat(end)).days > RECENTLY_CLOSED_DAYS


def _record(item: dict[str, Any], base_url: str, today: dt.date) -> Record | None:
    title = " ".join(str(item.get("title") or "").split())
    if not title:
        return None
    url = dom.absolute(base_url, str(item.get("url") or item.get("participate_url") or "")) or base_url
    overview = str(item.get("overview") or "")
    description = dom.text_of(dom.make_soup(overview), lines=True) if "<" in overview else overview
    fields: dict[str, Any] = {"description": description[:1500], "kind": "have-your-say"}
    if item.get("participate_url"):
        fields["remote"] = True
    end = _slash_date(item.get("enddate"))
    if end is not None:
        fields["closing_date"] = end.isoformat()
    if (age := facts.min_age(description)) is not None:
        fields["min_age"] = age
    status = str(item.get("status") or "").lower()
    start = _slash_date(item.get("startdate"))
    closed = status in ("closed", "forthcoming") or (end is not None and end < today) or (start is not None and start > today)
    return Record(title=title, url=url, fields=fields, closed=closed, verdict="accept", score=10, role_like=True,
                  why="Citizen Space API")


def _slash_date(value: Any) -> dt.date | None:
    m = re.match(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", str(value or ""))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
