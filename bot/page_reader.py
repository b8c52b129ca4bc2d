"""Reading one web page for a community worker's broadcast (the core's "read-page" task).

Adapter-side glue, like the scrape scheduling: the conversation core does no I/O, so it asks its
adapter to read the page, and gets back a `PageDraft` as Incoming("draft"). The page comes
through the scrapers' one polite fetcher (an honest User-Agent, robots.txt obeyed, limits on
size and type) and is read by the same `auto` parser as every scraped source, as one
opportunity's own page: the worker vouches that it is one, so a page the scrapers would only
half-trust is still read.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from bot.drafting import SOURCE
from bot.messages import PageDraft
from scrapers.crawl import canonical
from scrapers.http import Fetcher, FetchError
from scrapers.parsers import Document, ParseContext, Record, get_parser

log = logging.getLogger(__name__)

TIMEOUT = 20.0  # seconds for the whole page, as for scraping


async def read_page(url: str, *, today: dt.date | None = None, timeout: float = TIMEOUT) -> PageDraft:
    """Fetch and read `url`; the fields it states, or a problem code (a FetchError kind, "nothing",
    "several" or "closed"). Never raises for a bad page."""
    try:
        async with Fetcher(delay=0.0, timeout=timeout, retries=1) as fetcher:
            page = await fetcher.get(url)
    except FetchError as e:
        log.info("Could not read %s for a broadcast draft: %s", url, e)
        return PageDraft(url, problem=e.kind)
    document = Document(page.url, page.text, page.content_type)
    return draft_from_document(document, url, today=today or dt.date.today())


def draft_from_document(document: Document, asked: str, *, today: dt.date) -> PageDraft:
    """The one opportunity a fetched page describes (`asked` is the link the worker sent)."""
    vouched = Record(title="", url=document.url, verdict="accept")
    ctx = ParseContext(today=today, source=SOURCE, detail_of=vouched)
    try:
        result = get_parser("auto").parse(document, ctx)
    except Exception:  # a parser bug must not cost the worker more than this page
        log.warning("The auto parser failed on %s", document.url, exc_info=True)
        return PageDraft(asked, problem="nothing")
    records = [r for r in result.records if r.title and r.verdict != "reject"]
    record = _the_one(records, {canonical(asked), canonical(document.url)})
    if record is None:
        return PageDraft(asked, problem="several" if records else "nothing", count=len(records))
    if record.closed:
        return PageDraft(asked, problem="closed")
    fields: dict[str, Any] = {**record.fields, "title": record.title, "url": record.url or document.url}
    if not fields.get("organisation") and result.site_name:
        fields["organisation"] = result.site_name
    return PageDraft(asked, fields)


def _the_one(records: list[Record], urls: set[str]) -> Record | None:
    """The record for this page: the only one, or the one whose address is the page's."""
    if len(records) == 1:
        return records[0]
    return next((r for r in records if r.url and canonical(r.url) in urls), None)
