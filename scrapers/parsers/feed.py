"""RSS and Atom feeds: each item read as a page of its own, its categories as a hint.

Voluntary groups' WordPress sites post "Volunteers wanted for our café" next to "Our AGM: what
happened"; the feed gives every post's full text in one request, and each is judged like any
page, with a "Volunteering" category counting for it and a "News" category against.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from bs4 import BeautifulSoup, Tag

from scrapers.parsers import dom
from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser, Record
from scrapers.parsers.html import page_record, read_html
from scrapers.parsers.registry import register

_GOOD_CATEGORY = re.compile(r"volunteer|opportunit|get\s*involved|vacanc|recruit|consultation|have\s+your\s+say|events?", re.I)
_BAD_CATEGORY = re.compile(r"\bnews\b|press|updates?|reports?|blog|announcements?", re.I)
FULL_TEXT_CHARS = 120


@dataclass
class FeedItem:
    title: str
    link: str
    html: str
    categories: list[str] = field(default_factory=list)
    full_text: bool = False


@register
class FeedParser(Parser):
    name = "rss"
    description = "RSS 2.0 and Atom feeds"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        if not doc.is_feed:
            page = read_html(doc)
            return ParseResult(links=[Link(u, "feed") for u in page.feed_links], site_name=page.site_name)
        channel, items = read_feed(doc.text, doc.url)
        records = [r for item in items if (r := item_record(item, channel, ctx))]
        return ParseResult(records=records, site_name=channel)


def read_feed(text: str, base_url: str) -> tuple[str, list[FeedItem]]:
    """The feed's title and its items."""
    soup = BeautifulSoup(text, "xml")
    channel = soup.find(["channel", "feed"])
    name = dom.clean_text(channel.find("title").get_text()) if channel and channel.find("title") else ""
    items = [_item(el, base_url) for el in soup.find_all(["item", "entry"])]
    return name, [i for i in items if i.title]


def _item(el: Tag, base_url: str) -> FeedItem:
    title = dom.clean_text(_child_text(el, "title"))
    link = ""
    for tag in el.find_all("link", recursive=False):
        href = tag.get("href")
        if href and tag.get("rel", "alternate") in ("alternate", ["alternate"]):
            link = href
            break
        if not href and tag.get_text(strip=True):
            link = tag.get_text(strip=True)
            break
    full = _child_text(el, "encoded") or _child_text(el, "content")
    html = full or _child_text(el, "description") or _child_text(el, "summary")
    categories = [dom.clean_text(c.get("term") or c.get_text()) for c in el.find_all("category", recursive=False)]
    return FeedItem(title=title, link=dom.absolute(base_url, link) or base_url, html=html, categories=categories,
                    full_text=len(dom.clean_text(full)) >= FULL_TEXT_CHARS)


def _child_text(el: Tag, name: str) -> str:
    child = el.find(name, recursive=False)
    return child.get_text() if isinstance(child, Tag) else ""


def item_record(item: FeedItem, channel: str, ctx: ParseContext) -> Record | None:
    """One post judged as a page, its categories counting for or against it."""
    html = f"<html><head><title>{escape(item.title)}</title></head><body><main><h1>{escape(item.title)}</h1>{item.html}</main></body></html>"
    page = read_html(Document(url=item.link, text=html))
    page.site_names = [channel] if channel else []
    extra = sum(2 for c in item.categories if _GOOD_CATEGORY.search(c)) - sum(3 for c in item.categories if _BAD_CATEGORY.search(c))
    record, _ = page_record(page, ctx, extra=max(-3, min(2, extra)))
    if record is None:
        return None
    if not item.full_text:
        record.detail_url = item.link
    return record
