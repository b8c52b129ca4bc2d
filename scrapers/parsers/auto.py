"""The default parser: looks at a page and hands it to the reading that fits.

Feeds go to the feed parser, Citizen Space's JSON to its parser; HTML from a known platform
(Citizen Space, EngagementHQ, the police forces' shared site) to that platform's parser; a page
with volunteer JobPostings or Events in JSON-LD is read from those; anything else by its
structure (cards, sections, tables, or one programme page). A WordPress or blog-style page also
points at its feed.
"""
from __future__ import annotations

from scrapers.parsers import citizenspace, dom, engagementhq, police
from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser
from scrapers.parsers.feed import FeedParser
from scrapers.parsers.generic import parse_page
from scrapers.parsers.html import HtmlPage, read_html
from scrapers.parsers.jsonld import SCHEMA_WHY, about_taking_part, records_from_items, records_from_scripts
from scrapers.parsers.registry import register


@register
class AutoParser(Parser):
    name = "auto"
    description = "picks the right reading for each page (the default)"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        if doc.is_feed:
            return FeedParser().parse(doc, ctx)
        if doc.is_json:
            if citizenspace.is_api_url(doc.url):
                return citizenspace.CitizenSpaceParser().parse(doc, ctx)
            return ParseResult(rejected="a JSON document this parser does not know")
        if platform := _platform(doc):
            return platform.parse(doc, ctx)
        return read_page(read_html(doc), ctx)


def _platform(doc: Document) -> Parser | None:
    if citizenspace.looks_like_citizen_space(doc.text, doc.url):
        return citizenspace.CitizenSpaceParser()
    if engagementhq.looks_like_engagementhq(doc.text):
        return engagementhq.EngagementHQParser()
    if police.looks_like_police_platform(doc.url, doc.text):
        return police.PoliceParser()
    return None


def read_page(page: HtmlPage, ctx: ParseContext) -> ParseResult:
    """schema.org data (JSON-LD or microdata) when the page has opportunities in it, else the page's
    structure; plus its feed."""
    involving = _about_taking_part(page, ctx)
    structured = records_from_scripts(page.ld_json, page.url, ctx.today, page.site_names, involving) \
        or records_from_items(page.microdata, page.url, ctx.today, page.site_names, involving)
    if structured:
        links = [Link(u, "next") for u in page.next_links] if ctx.detail_of is None else []
        return ParseResult(records=structured, links=links, single=len(structured) == 1 and ctx.detail_of is not None,
                           site_name=page.site_name)
    result = parse_page(page, ctx)
    if ctx.detail_of is None and page.feed_links and (page.is_wordpress or _bloglike(page)):
        result.links.insert(0, Link(page.feed_links[0], "feed"))
    return result


def _about_taking_part(page: HtmlPage, ctx: ParseContext) -> bool:
    """A page headed "Volunteer events", or an event's own page reached from such a listing."""
    if ctx.detail_of is not None and ctx.detail_of.why == SCHEMA_WHY:
        return True
    return page.heading is not None and about_taking_part(dom.text_of(page.heading))


def _bloglike(page: HtmlPage) -> bool:
    return len(page.main.find_all("article")) >= 2 or len(page.main.find_all("time")) >= 2
