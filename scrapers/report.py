"""What a scrape did, per source and in total, for people (a table) and for machines (JSON)."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from scrapers.crawl import PageError
from scrapers.sources import SourceProblem


@dataclass
class SourceReport:
    """One source's run: pages fetched, opportunities found, new and gone, and what went wrong."""
    name: str
    ok: bool = True
    pages_fetched: int = 0
    found: int = 0
    new: int = 0
    updated: int = 0
    gone: int = 0
    closed: int = 0
    robots_skipped: int = 0
    errors: list[PageError] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    error: str | None = None
    error_kind: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "pages_fetched": self.pages_fetched, "found": self.found,
                "new": self.new, "updated": self.updated, "gone": self.gone, "closed": self.closed,
                "robots_skipped": self.robots_skipped, "errors": [e.as_dict() for e in self.errors],
                "invalid": self.invalid, "error": self.error, "error_kind": self.error_kind,
                "seconds": round(self.seconds, 2)}


@dataclass
class ScrapeReport:
    """A whole run. `ok` is false when any source failed or was left out for a mistake."""
    sources: list[SourceReport] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    started_at: str = ""
    seconds: float = 0.0
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sources) and not self.problems

    def totals(self) -> dict[str, int]:
        return {"sources": len(self.sources), "failed": sum(not s.ok for s in self.sources),
                "skipped": len(self.problems),
                **{k: sum(getattr(s, k) for s in self.sources)
                   for k in ("pages_fetched", "found", "new", "updated", "gone", "closed", "robots_skipped")},
                "errors": sum(len(s.errors) for s in self.sources)}

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "started_at": self.started_at, "seconds": round(self.seconds, 2),
                "sources": [s.as_dict() for s in self.sources], "totals": self.totals(),
                "problems": [{"source": p.name, "position": p.position, "reason": p.reason} for p in self.problems],
                "hosts": self.hosts}


def render(report: ScrapeReport) -> str:
    """A table per source, each failure and page error on its own line, then the totals."""
    width = max([len(s.name) for s in report.sources] + [6])
    lines = [f"{'source':<{width}}  {'pages':>5}  {'found':>5}  {'new':>4}  {'gone':>4}  {'errors':>6}"]
    for s in report.sources:
        if s.ok:
            lines.append(f"{s.name:<{width}}  {s.pages_fetched:>5}  {s.found:>5}  {s.new:>4}  {s.gone:>4}  {len(s.errors):>6}")
        else:
            lines.append(f"{s.name:<{width}}  {s.pages_fetched:>5}  FAILED ({s.error_kind}): {s.error}")
        lines += [f"{'':<{width}}    {e.kind}: {e.url}" for e in s.errors[:10]]
        if len(s.errors) > 10:
            lines.append(f"{'':<{width}}    ... and {len(s.errors) - 10} more errors")
        lines += [f"{'':<{width}}    not stored: {why}" for why in s.invalid[:10]]
    lines += [f"skipped: {p}" for p in report.problems]
    t = report.totals()
    lines.append(f"total: {t['sources']} sources ({t['failed']} failed, {t['skipped']} skipped), {t['pages_fetched']} pages, "
                 f"{t['found']} found, {t['new']} new, {t['gone']} gone, {t['errors']} page errors, {report.seconds:.1f} s")
    return "\n".join(lines)


class TerminalProgress:
    """A one-line status on a terminal's stderr while sources are being read."""

    def __init__(self, total: int, stream: TextIO = sys.stderr):
        self.total = total
        self.stream = stream
        self.done = 0
        self.pages = 0
        self.running: dict[str, int] = {}
        self._last = 0.0

    def __call__(self, event: str, source: str, detail: Any = None) -> None:
        if event == "start":
            self.running[source] = 0
        elif event == "page":
            self.pages += 1
            self.running[source] = self.running.get(source, 0) + 1
        elif event == "done":
            self.running.pop(source, None)
            self.done += 1
        now = time.monotonic()
        if event != "page" or now - self._last > 0.2:
            self._last = now
            self._draw()

    def _draw(self) -> None:
        busy = ", ".join(sorted(self.running))[:60]
        line = f"scraping {self.done}/{self.total} sources, {self.pages} pages" + (f" - {busy}" if busy else "")
        self.stream.write("\r\x1b[2K" + line)
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\x1b[2K")
        self.stream.flush()
