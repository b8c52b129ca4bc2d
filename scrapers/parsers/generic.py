"""The generic HTML reading every page-kind parser builds on: items, or the page as one opportunity."""
from __future__ import annotations

from typing import Iterable

from scrapers.parsers.base import Link, ParseContext, ParseResult, Record
from scrapers.parsers.html import HtmlPage, is_programme_page, item_records, page_record
from scrapers.parsers.words import RELATED, has_group_noun, has_role_noun


def parse_page(page: HtmlPage, ctx: ParseContext, *, kinds: Iterable[str] | None = None, items: bool = True,
               single: bool = True, follow: bool = True) -> ParseResult:
    """Records from a page, and the pages worth reading next.

    Items listed under "Similar opportunities" or "Other roles" are not this page's own: their
    pages are followed instead. Reached from a listing (`ctx.detail_of`), a page is that one
    opportunity unless it describes several roles of its own, and its links are not followed.
    """
    records, hubs = item_records(page, ctx, kinds) if items else ([], [])
    hubs += [Link(r.detail_url, "hub") for r in records if RELATED.search(r.section) and r.detail_url]
    records = [r for r in records if not RELATED.search(r.section)]
    if ctx.detail_of is not None:
        return _as_detail(page, ctx, records, single)
    result = ParseResult(records=records, site_name=page.site_name)
    if single and (not records or is_programme_page(page)):
        _add_page_itself(page, ctx, result)
    if follow:
        result.links = hubs + [Link(url, "next") for url in page.next_links]
    return result


def _as_detail(page: HtmlPage, ctx: ParseContext, records: list[Record], single: bool) -> ParseResult:
    result = ParseResult(site_name=page.site_name)
    roles = [r for r in records if r.verdict == "accept" and r.role_like]
    if len(roles) >= 2 or (roles and not single):
        result.records = roles
        return result
    record, verdict = page_record(page, ctx) if single else (None, None)
    if record is not None:
        result.records, result.single = [record], True
    elif verdict is not None and verdict.decision == "reject" and verdict.score == 0:
        result.rejected = verdict.reason
    return result


def _add_page_itself(page: HtmlPage, ctx: ParseContext, result: ParseResult) -> None:
    """A programme page is an opportunity even when it also lists a few others."""
    record, _ = page_record(page, ctx)
    if record is None or record.verdict != "accept":
        return
    if result.records and not (has_role_noun(record.title) or has_group_noun(record.title)):
        return
    others = [r for r in result.records if r.title.casefold() != record.title.casefold()]
    result.records, result.single = [record, *others], not others
