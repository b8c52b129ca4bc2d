"""EngagementHQ (Granicus / Bang the Table): "Engage ..." and "Let's talk ..." consultation sites.

A hub shows project tiles (title, link, an Open/Closed badge); a project page keeps its dates in
a "Key dates" widget, often in the sidebar, so those are read before the sidebar is set aside.
"""
from __future__ import annotations

import re
from typing import Any

from bs4 import Tag

from scrapers.parsers import dom, facts
from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser, Record
from scrapers.parsers.generic import parse_page
from scrapers.parsers.html import HtmlPage, read_html
from scrapers.parsers.registry import register

_MARKERS = re.compile(r"engagementhq|bangthetable|bang the table|\behq-", re.I)
_TILE = re.compile(r"project[-_]?tile|projecttile|ehq-project|shared-project|project-card|project_card", re.I)
_CLOSED_BADGE = re.compile(r"\b(?:closed|archived|concluded|completed|finished)\b", re.I)


@register
class EngagementHQParser(Parser):
    name = "engagementhq"
    description = "EngagementHQ consultation sites: project tiles and project pages"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        raw = dom.make_soup(doc.text)
        key_dates = _key_dates(raw)
        page = read_html(doc)
        tiles = project_tiles(raw, doc.url)
        if tiles and ctx.detail_of is None:
            return ParseResult(records=tiles, links=[Link(u, "next") for u in page.next_links], site_name=page.site_name)
        return project_page(page, ctx, key_dates)


def looks_like_engagementhq(html: str) -> bool:
    return bool(_MARKERS.search(html[:300_000]))


def project_tiles(soup: Any, base_url: str) -> list[Record]:
    """One record per tile: the outermost tile-classed element that holds a single project.

    A grid's own class often shares the tiles' stem ("project-tiles"), and a tile's parts carry
    it too ("project-tile__title"); an element linking to several projects is the grid, so its
    tiles are looked for inside it, and a part inside a tile already read is not a tile.
    """
    records: dict[str, Record] = {}
    taken: list[Tag] = []
    for tile in soup.find_all(class_=_TILE):
        if not isinstance(tile, Tag) or any(t in tile.parents for t in taken) or _holds_several(tile, base_url):
            continue
        taken.append(tile)
        record = _tile(tile, base_url)
        if record and record.detail_url not in records:
            records[record.detail_url or record.title] = record
    return list(records.values())


def _holds_several(tile: Tag, base_url: str) -> bool:
    links = [tile] if tile.name == "a" and tile.get("href") else []
    urls = {u for a in links + tile.find_all("a", href=True) if (u := dom.absolute(base_url, a.get("href")))}
    return len(urls) > 1 and len(tile.find_all(dom.HEADINGS)) > 1


def _tile(tile: Tag, base_url: str) -> Record | None:
    link = tile if tile.name == "a" and tile.get("href") else tile.find("a", href=True)
    url = dom.absolute(base_url, link.get("href")) if isinstance(link, Tag) else None
    heading = tile.find(dom.HEADINGS) or tile.find(class_=re.compile("title|name", re.I))
    title = dom.text_of(heading) or (str(link.get("title") or link.get("aria-label") or "") if isinstance(link, Tag) else "")
    title = title or (dom.text_of(link) if isinstance(link, Tag) else "")
    if not title or not url:
        return None
    text = dom.text_of(tile, lines=True)
    fields: dict[str, Any] = {"kind": "have-your-say", "description": text.replace(title, "", 1).strip()[:1500]}
    badge = " ".join(dom.text_of(b) for b in tile.find_all(class_=re.compile("badge|state|status|label", re.I)))
    return Record(title=" ".join(title.split()), url=url, fields=fields, closed=bool(_CLOSED_BADGE.search(badge)),
                  detail_url=url, verdict="accept", score=6, role_like=True, why="EngagementHQ project tile")


def _key_dates(soup: Any) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for li in soup.select(".widget_key_date li, .key-dates li, [class*=key-date] li, [class*=keyDate] li"):
        parts = li.find_all(["span", "div", "p", "time", "strong", "h3", "h4"])
        title = li.select_one(".key-date-title") or (parts[0] if parts else None)
        date = li.select_one(".key-date-date, time") or (parts[-1] if len(parts) > 1 else None)
        if title is not None and date is not None:
            pairs.append((dom.text_of(title), dom.text_of(date)))
    return pairs


def project_page(page: HtmlPage, ctx: ParseContext, key_dates: list[tuple[str, str]]) -> ParseResult:
    result = parse_page(page, ctx)
    closing = next((facts.closing_value(d, ctx.today) for t, d in key_dates if re.search(r"clos|end|deadline", t, re.I)), None)
    for record in result.records:
        record.fields["kind"] = "have-your-say"
        if closing is not None and result.single:
            record.fields["closing_date"] = closing.isoformat()
            record.closed = record.closed or closing < ctx.today
    return result
