"""Programme pages: one role per page, under question headings ("Who can apply?", "How much time?")."""
from __future__ import annotations

from scrapers.parsers.base import Document, ParseContext, ParseResult, Parser
from scrapers.parsers.generic import parse_page
from scrapers.parsers.html import read_html
from scrapers.parsers.registry import register


@register
class ProgrammeParser(Parser):
    name = "programme"
    description = "a page about one role or programme"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        return parse_page(read_html(doc), ctx, items=False, follow=False)
