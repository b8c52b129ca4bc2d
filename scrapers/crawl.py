"""Crawling one source: its entry page, then the pages worth reading, within limits.

From the entry page the crawl follows, in this order: feeds and APIs the page points to, the
listing's next pages, hub links ("Volunteer with us") and each listed opportunity's own page.
It stays on the source's site (the entry's host, or the source's `scope`), goes at most
`max_depth` links deep and reads at most `max_pages` pages. All HTTP goes through the fetcher,
which keeps to robots.txt and to one request at a time per host.

A listing entry and its own page are merged: the page fills in what the listing left out, may
say it is not an opportunity after all (news, information for parents), or may describe
several roles, which then replace the entry.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol
from urllib.parse import urlsplit, urlunsplit

from scrapers.http import FetchError
from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser, Record
from scrapers.sources import Source

log = logging.getLogger(__name__)
PRIORITY = {"entry": 0, "api": 1, "feed": 1, "next": 2, "hub": 3, "detail": 4}


class FetcherLike(Protocol):
    async def get(self, url: str, *, delay: float | None = None) -> Any: ...

    async def allowed(self, url: str) -> bool: ...


@dataclass(frozen=True)
class CrawlLimits:
    """How far one source's crawl may go."""
    max_pages: int = 80
    max_depth: int = 3
    hub_depth: int = 2
    max_listing_pages: int = 20


@dataclass(frozen=True)
class PageError:
    url: str
    kind: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"url": self.url, "kind": self.kind, "message": self.message}


@dataclass
class CrawlResult:
    records: list[Record] = field(default_factory=list)
    pages_fetched: int = 0
    errors: list[PageError] = field(default_factory=list)
    robots_skipped: int = 0
    fatal: PageError | None = None
    site_name: str = ""
    rejected: int = 0


@dataclass(order=True)
class _Task:
    priority: int
    seq: int
    url: str = field(compare=False)
    kind: str = field(compare=False)
    depth: int = field(compare=False)
    key: str | None = field(default=None, compare=False)


@dataclass
class _Candidate:
    record: Record
    needs_page: bool
    confirmed: bool = False
    dropped: bool = False


def canonical(url: str) -> str:
    """The URL as a key: lower-case scheme and host, no fragment, no trailing "index.html"."""
    parts = urlsplit(url)
    path = parts.path or "/"
    for index in ("index.html", "index.htm", "index.php"):
        if path.endswith("/" + index):
            path = path[: -len(index)]
    query = "&".join(q for q in parts.query.split("&") if q and not q.lower().startswith(("utm_", "fbclid", "gclid")))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


class Crawl:
    """One source's crawl; `run` returns what it found and what went wrong."""

    def __init__(self, source: Source, fetcher: FetcherLike, parser: Parser, *, today: dt.date,
                 limits: CrawlLimits = CrawlLimits(), on_page: Callable[[str], None] | None = None):
        self.source = source
        self.fetcher = fetcher
        self.parser = parser
        self.today = today
        self.limits = limits if source.max_pages is None else CrawlLimits(
            max_pages=source.max_pages, max_depth=limits.max_depth, hub_depth=limits.hub_depth,
            max_listing_pages=limits.max_listing_pages)
        self.on_page = on_page
        self.result = CrawlResult()
        self._queue: list[_Task] = []
        self._seq = itertools.count()
        self._queued: set[str] = set()
        self._visited: set[str] = set()
        self._candidates: dict[str, _Candidate] = {}
        self._waiting: dict[str, list[str]] = {}
        self._details: dict[str, tuple[str, ParseResult, int]] = {}
        self._listing_pages = 0
        self._scope = self._scope_of(source)

    async def run(self) -> CrawlResult:
        self._push(self.source.url, "entry", 0)
        while self._queue and self.result.pages_fetched < self.limits.max_pages and self.result.fatal is None:
            task = heapq.heappop(self._queue)
            await self._visit(task)
        self.result.records = self._final_records()
        return self.result

    # -- the frontier ------------------------------------------------------------------------

    def _push(self, url: str, kind: str, depth: int, key: str | None = None) -> None:
        url_key = canonical(url)
        if kind == "detail" and key is not None:
            self._waiting.setdefault(url_key, []).append(key)
            if url_key in self._details:
                self._apply_detail(url_key, *self._details[url_key])
                return
        if url_key in self._queued or url_key in self._visited:
            return
        if kind != "entry" and not self._in_scope(url):
            return
        self._queued.add(url_key)
        heapq.heappush(self._queue, _Task(PRIORITY[kind], next(self._seq), url, kind, depth, key))

    def _scope_of(self, source: Source) -> tuple[str, str]:
        base = source.scope or source.url
        parts = urlsplit(base)
        host = parts.netloc.lower().removeprefix("www.")
        prefix = parts.path if source.scope else ""
        return host, prefix

    def _in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        host, prefix = self._scope
        return parts.scheme in ("http", "https") and parts.netloc.lower().removeprefix("www.") == host \
            and parts.path.startswith(prefix)

    # -- one page ----------------------------------------------------------------------------

    async def _visit(self, task: _Task) -> None:
        url_key = canonical(task.url)
        if task.kind == "detail" and not self._still_needed(url_key):
            return
        if task.kind == "hub" and self._still_needed(url_key):
            # queued as a hub, but a listed opportunity names it as its own page: read it as that page
            task = _Task(task.priority, task.seq, task.url, "detail", task.depth, task.key)
        self._visited.add(url_key)
        page = await self._fetch(task)
        if page is None:
            return
        self._visited.add(canonical(page.url))
        if task.kind == "entry" and not self.source.scope and not self._in_scope(page.url):
            self._scope = self._scope_of(Source(name=self.source.name, url=page.url))
        detail_of = self._owner(url_key) if task.kind == "detail" else None
        ctx = ParseContext(today=self.today, source=self.source.name, detail_of=detail_of, depth=task.depth)
        doc = Document(url=page.url, text=page.text or "", content_type=page.content_type or "text/html")
        try:
            parsed = await asyncio.to_thread(self.parser.parse, doc, ctx)
        except Exception as e:  # a parser bug on one odd page must not end the run
            log.warning("parsing %s failed", page.url, exc_info=True)
            self._error(task, PageError(page.url, "parse", f"could not read the page: {e.__class__.__name__}: {e}"))
            return
        if task.kind == "entry":
            self.result.site_name = parsed.site_name
        if task.kind == "detail":
            self._details[url_key] = (page.url, parsed, task.depth)
            self._apply_detail(url_key, page.url, parsed, task.depth)
        else:
            self._add_records(parsed.records, page.url, task.depth)
        self._follow(parsed.links, task)

    async def _fetch(self, task: _Task) -> Any:
        try:
            if not await self.fetcher.allowed(task.url):
                self.result.robots_skipped += 1
                if task.kind == "entry":
                    self.result.fatal = PageError(task.url, "robots", "robots.txt does not allow reading the entry page")
                return None
            page = await self.fetcher.get(task.url, delay=self.source.delay)
        except FetchError as e:
            self._error(task, PageError(task.url, e.kind, str(e)))
            return None
        except Exception as e:  # the fetcher wraps what it expects; anything else is still one page's problem
            log.warning("fetching %s failed", task.url, exc_info=True)
            self._error(task, PageError(task.url, "network", f"{e.__class__.__name__}: {e}"))
            return None
        self.result.pages_fetched += 1
        if self.on_page:
            self.on_page(page.url)
        return page

    def _error(self, task: _Task, error: PageError) -> None:
        if task.kind == "entry":
            self.result.fatal = error
        else:
            self.result.errors.append(error)
            for key in self._waiting.get(canonical(task.url), []):
                self._unfetched(key)

    def _follow(self, links: list[Link], task: _Task) -> None:
        for link in links:
            if link.kind == "next":
                if self._listing_pages >= self.limits.max_listing_pages:
                    continue
                self._listing_pages += 1
                self._push(link.url, "next", task.depth)
            elif link.kind in ("feed", "api"):
                self._push(link.url, link.kind, task.depth)
            elif link.kind == "hub" and task.kind != "detail" and task.depth < self.limits.hub_depth:
                self._push(link.url, "hub", task.depth + 1)

    # -- records and their pages ----------------------------------------------------------------

    def _key(self, record: Record, page_url: str) -> str:
        own = record.detail_url or (record.url if canonical(record.url) != canonical(page_url) else None)
        return canonical(own) if own else f"{canonical(page_url)}#{record.title.casefold()}"

    def _add_records(self, records: list[Record], page_url: str, depth: int) -> None:
        for record in records:
            key = self._key(record, page_url)
            wants_page = bool(record.detail_url) and depth + 1 <= self.limits.max_depth and self._in_scope(record.detail_url or "")
            existing = self._candidates.get(key)
            if existing is None or existing.dropped:
                self._candidates[key] = _Candidate(record, needs_page=wants_page)
            else:
                self._combine(existing, record, wants_page)
            if self._candidates[key].needs_page and record.detail_url:
                self._push(record.detail_url, "detail", depth + 1, key)

    def _combine(self, existing: _Candidate, record: Record, wants_page: bool) -> None:
        """The same opportunity seen twice (a feed item and a listing card, say): keep both halves."""
        if not wants_page and existing.needs_page:
            existing.record = existing.record.merged_with(record)
            existing.needs_page = False
        elif wants_page and not existing.needs_page:
            existing.record = record.merged_with(existing.record)
        elif record.score > existing.record.score:
            existing.record = record

    def _still_needed(self, url_key: str) -> bool:
        return any((c := self._candidates.get(k)) and c.needs_page and not c.dropped for k in self._waiting.get(url_key, []))

    def _owner(self, url_key: str) -> Record | None:
        for key in self._waiting.get(url_key, []):
            c = self._candidates.get(key)
            if c and not c.dropped:
                return c.record
        return None

    def _apply_detail(self, url_key: str, final_url: str, parsed: ParseResult, depth: int) -> None:
        for key in self._waiting.get(url_key, []):
            candidate = self._candidates.get(key)
            if candidate is None or candidate.dropped or not candidate.needs_page:
                continue
            candidate.needs_page = False
            if parsed.rejected:
                candidate.dropped = True
                self.result.rejected += 1
            elif parsed.single and parsed.records:
                candidate.record = candidate.record.merged_with(parsed.records[0])
                candidate.confirmed = candidate.record.verdict == "accept"
            elif parsed.records:
                candidate.dropped = True
                self._add_records(parsed.records, final_url, depth)
            else:
                candidate.record.url = final_url
                candidate.record.detail_url = None
        self._waiting.pop(url_key, None)

    def _unfetched(self, key: str) -> None:
        candidate = self._candidates.get(key)
        if candidate is not None:
            candidate.needs_page = False

    def _final_records(self) -> list[Record]:
        out: list[Record] = []
        for candidate in self._candidates.values():
            record = candidate.record
            if candidate.dropped or (record.verdict != "accept" and not candidate.confirmed):
                continue
            if record.detail_url:
                record.url, record.detail_url = record.detail_url, None
            out.append(record)
        return out
