"""What every parser shares: a document in, records and links out, and no I/O in between.

A parser never fetches. It says what it found on the page (records, with only the fields the
page states) and which further pages are worth reading (the next page of a listing, a role's
own page, a feed, an API). The crawler decides whether to fetch them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Document:
    """A fetched page: its final address, its decoded text and its content type."""
    url: str
    text: str
    content_type: str = "text/html"

    @property
    def is_json(self) -> bool:
        return "json" in self.content_type.lower() or self.text.lstrip()[:1] in ("{", "[")

    @property
    def is_feed(self) -> bool:
        ctype = self.content_type.lower()
        head = self.text.lstrip()[:500].lower()
        if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
            return True
        if "html" in ctype or "<html" in head:
            return False
        return any(k in ctype for k in ("rss", "atom", "xml"))


@dataclass
class Record:
    """One opportunity as a page describes it: contract field names, only what the page said."""
    title: str
    url: str
    fields: dict[str, Any] = field(default_factory=dict)
    closed: bool = False
    detail_url: str | None = None
    verdict: str = "accept"
    score: int = 0
    role_like: bool = False
    why: str = ""
    section: str = ""

    def merged_with(self, detail: "Record") -> "Record":
        """This listing entry, completed by what its own page says (the page wins where both speak)."""
        fields = {**self.fields, **{k: v for k, v in detail.fields.items() if v not in (None, "")}}
        verdict = "accept" if "accept" in (self.verdict, detail.verdict) else "maybe"
        return Record(title=detail.title or self.title, url=detail.url or self.url, fields=fields,
                      closed=self.closed or detail.closed, detail_url=None, verdict=verdict,
                      score=max(self.score, detail.score), role_like=self.role_like or detail.role_like,
                      why=detail.why or self.why)


@dataclass(frozen=True)
class Link:
    """A page worth reading next, and why: api, feed, next (pagination), hub or detail."""
    url: str
    kind: str


@dataclass
class ParseContext:
    """What the crawler knows when it hands a page over: the date, the source, how it got here."""
    today: dt.date
    source: str = ""
    detail_of: Record | None = None
    depth: int = 0


@dataclass
class ParseResult:
    records: list[Record] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    single: bool = False
    rejected: str | None = None
    title: str = ""
    site_name: str = ""


class Parser:
    """One page kind or platform. Subclasses set `name` and implement `parse`."""
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        raise NotImplementedError
