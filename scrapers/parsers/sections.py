"""Hub and section pages: opportunities under headings, in definition lists, tables and accordions."""
from __future__ import annotations

from scrapers.parsers.base import Document, ParseContext, ParseResult, Parser
from scrapers.parsers.generic import parse_page
from scrapers.parsers.html import read_html
from scrapers.parsers.registry import register


@register
class SectionsParser(Parser):
    name = "sections"
    description = "headings with their text, definition lists, tables, FAQ-style accordions"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        return parse_page(read_html(doc), ctx, kinds=("section", "deflist", "table", "accordion", "card"))
