"""Listing pages: repeated cards or rows, each one opportunity with a page of its own, and a "Next" link."""
from __future__ import annotations

from scrapers.parsers.base import Document, ParseContext, ParseResult, Parser
from scrapers.parsers.generic import parse_page
from scrapers.parsers.html import read_html
from scrapers.parsers.registry import register


@register
class ListingParser(Parser):
    name = "listing"
    description = "cards, rows and linked list items, with pagination followed"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        return parse_page(read_html(doc), ctx, kinds=("card", "list", "table", "deflist"), single=False)
