"""WordPress sites of voluntary groups: the posts come from the site's feed, one request for them all."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser
from scrapers.parsers.feed import FeedParser
from scrapers.parsers.generic import parse_page
from scrapers.parsers.html import HtmlPage, read_html
from scrapers.parsers.registry import register


@register
class WordPressParser(Parser):
    name = "wordpress"
    description = "a WordPress site: its RSS feed, and its pages read as HTML"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        if doc.is_feed:
            return FeedParser().parse(doc, ctx)
        page = read_html(doc)
        result = parse_page(page, ctx)
        if ctx.detail_of is None:
            result.links = [Link(u, "feed") for u in wordpress_feeds(page)] + result.links
        return result


def wordpress_feeds(page: HtmlPage) -> list[str]:
    """The feed the page advertises, else WordPress's standard /feed/ at the site's root."""
    if page.feed_links:
        return page.feed_links[:1]
    parts = urlsplit(page.url)
    return [urlunsplit((parts.scheme, parts.netloc, "/feed/", "", ""))]
