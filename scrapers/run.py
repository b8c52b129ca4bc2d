"""Running a scrape: every source at once, each one's health recorded, a report at the end.

Library entry point, for the bot's scheduler and for tests:

    report = await run_scrape(store, sources, names=(), fetcher_factory=None, progress=None)

`sources` are `scrapers.sources.Source`s (from `load_sources(path).sources`); `names` picks some
of them; `fetcher_factory()` returns the async-context-manager fetcher to use (default: the
polite `scrapers.http.Fetcher` with the store as its conditional-GET cache); `progress(event,
source, detail)` hears "start", "page" and "done". It returns a `ScrapeReport` (see
`scrapers.report`) and raises `ScrapeAlreadyRunning` if another scrape holds the database's lock,
`UnknownSource` for a name not in `sources`.

Per source: a failed entry page (or a crawl that finds nothing where the store holds live
opportunities from it) is a failure and changes nothing stored; otherwise what was found is
stored and, when every page could be read, what the source no longer lists is marked not offered.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from bot.store import Store, utcnow
from scrapers.crawl import Crawl, CrawlLimits, CrawlResult
from scrapers.lock import ScrapeAlreadyRunning, scrape_lock
from scrapers.parsers.registry import get_parser
from scrapers.report import ScrapeReport, SourceReport, TerminalProgress, render
from scrapers.save import save
from scrapers.sources import Source, SourcesFile, SourcesFileError, load_sources

log = logging.getLogger(__name__)
Progress = Callable[[str, str, Any], None]
TRANSIENT = {"timeout", "network", "http-5xx", "http-429", "parse"}


class UnknownSource(LookupError):
    """Raised when a source is asked for by a name the sources file does not have."""


async def run_scrape(store: Store, sources: Sequence[Source], *, names: Sequence[str] = (),
                     fetcher_factory: Callable[[], Any] | None = None, progress: Progress | None = None,
                     today: dt.date | None = None, limits: CrawlLimits = CrawlLimits()) -> ScrapeReport:
    """Scrape the sources concurrently (politeness is per host, in the fetcher) and store the results."""
    chosen = _choose(sources, names)
    with scrape_lock(store.path):
        started, clock = utcnow(), time.monotonic()
        fetcher = fetcher_factory() if fetcher_factory else _default_fetcher(store)
        async with fetcher:
            reports = await asyncio.gather(*(
                _scrape_source(store, s, fetcher, today or dt.date.today(), limits, progress) for s in chosen))
        hosts = {h: st.as_dict() for h, st in getattr(fetcher, "stats", {}).items()}
    return ScrapeReport(sources=list(reports), started_at=started, seconds=time.monotonic() - clock, hosts=hosts)


def _choose(sources: Sequence[Source], names: Sequence[str]) -> list[Source]:
    known = {s.name for s in sources}
    missing = [n for n in names if n not in known]
    if missing:
        raise UnknownSource(f"No source called {missing[0]!r} in the sources file.")
    return [s for s in sources if not names or s.name in names]


def _default_fetcher(store: Store) -> Any:
    from scrapers.http import Fetcher

    return Fetcher(store=store)


async def _scrape_source(store: Store, source: Source, fetcher: Any, today: dt.date, limits: CrawlLimits,
                         progress: Progress | None) -> SourceReport:
    clock = time.monotonic()
    report = SourceReport(name=source.name)
    _tell(progress, "start", source.name)
    try:
        crawl = Crawl(source, fetcher, get_parser(source.parser), today=today, limits=limits,
                      on_page=lambda url: _tell(progress, "page", source.name, url))
        result = await crawl.run()
        await _settle(store, source, result, report)
    except Exception as e:  # one source's surprise must not stop the others
        log.warning("scraping %s failed", source.name, exc_info=True)
        report.ok, report.error_kind, report.error = False, "internal", f"{e.__class__.__name__}: {e}"
    report.seconds = time.monotonic() - clock
    await store.run(lambda: store.record_source_run(
        source.name, ok=report.ok, report=report.as_dict(), error=report.error, error_kind=report.error_kind,
        config=source.config()))
    _tell(progress, "done", source.name, report)
    return report


async def _settle(store: Store, source: Source, result: CrawlResult, report: SourceReport) -> None:
    """Store a good crawl's findings; leave everything as it was after a failed one."""
    report.pages_fetched, report.errors, report.robots_skipped = result.pages_fetched, result.errors, result.robots_skipped
    report.found = len(result.records)
    if result.fatal is not None:
        report.ok, report.error_kind, report.error = False, result.fatal.kind, f"{result.fatal.url}: {result.fatal.message}"
        return
    if not result.records and await store.run(store.offered_count, source.name):
        report.ok, report.error_kind = False, "empty"
        report.error = "no opportunities found this time (has the page changed?); the ones stored are kept"
        return
    complete = not any(e.kind in TRANSIENT for e in result.errors)
    saved = await store.run(lambda: save(store, source, result.records, site_name=result.site_name, complete=complete))
    report.new, report.updated, report.gone = len(saved.new), len(saved.updated), len(saved.gone)
    report.closed, report.invalid = saved.closed, saved.invalid


def _tell(progress: Progress | None, event: str, source: str, detail: Any = None) -> None:
    if progress is not None:
        try:
            progress(event, source, detail)
        except Exception:  # a display problem is never a scrape problem
            log.debug("progress display failed", exc_info=True)


# -- the command line (bot/cli.py calls these) -------------------------------------------------------

def scrape_command(settings: Any, *, sources_file: str | None = None, names: Sequence[str] = (),
                   as_json: bool = False) -> int:
    """`getinvolved scrape`: run, print the report; exit 1 if any source failed."""
    try:
        config = _load(sources_file, settings)
    except SourcesFileError as e:
        return _fail(str(e))
    store = _open_store(settings)
    if store is None:
        return 1
    progress = TerminalProgress(len(config.named(list(names)))) if sys.stderr.isatty() and not as_json else None
    try:
        report = asyncio.run(run_scrape(store, config.sources, names=list(names), progress=progress))
    except (ScrapeAlreadyRunning, UnknownSource) as e:
        return _fail(str(e))
    finally:
        if progress:
            progress.close()
        store.close()
    report.problems = config.problems
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) if as_json else render(report))
    return 0 if report.ok else 1


def sources_command(settings: Any, *, sources_file: str | None = None, as_json: bool = False) -> int:
    """`getinvolved sources`: each configured source and its health."""
    try:
        config = _load(sources_file, settings)
    except SourcesFileError as e:
        return _fail(str(e))
    store = _open_store(settings)
    if store is None:
        return 1
    try:
        health = store.source_health()
    finally:
        store.close()
    rows = [_health_row(s, health.get(s.name)) for s in config.sources]
    if as_json:
        print(json.dumps({"sources": rows, "problems": [str(p) for p in config.problems]}, ensure_ascii=False, indent=1))
    else:
        print(_health_table(rows))
        for p in config.problems:
            print(f"skipped: {p}")
    return 0 if not config.problems else 1


def _load(sources_file: str | None, settings: Any) -> SourcesFile:
    """--sources FILE, else GETINVOLVED_SOURCES, else the bundled file."""
    from bot.config import SOURCES_FILE

    default = getattr(settings, "sources_file", None) or SOURCES_FILE
    return load_sources(Path(sources_file) if sources_file else default)


def _open_store(settings: Any) -> Store | None:
    try:
        return Store(settings.db_path)
    except Exception as e:  # sqlite3 errors: not a database, unwritable folder...
        _fail(f"Cannot open the database {settings.db_path}: {e}.")
        return None


def _fail(message: str) -> int:
    print(f"getinvolved: {message}", file=sys.stderr)
    return 1


def _health_row(source: Source, health: dict[str, Any] | None) -> dict[str, Any]:
    h = health or {}
    return {"name": source.name, "url": source.url, "kind": source.kind, "area": source.area,
            "parser": source.parser, "last_run": h.get("last_run_at"), "last_success": h.get("last_success_at"),
            "consecutive_failures": h.get("consecutive_failures") or 0, "last_error_kind": h.get("last_error_kind"),
            "last_error": h.get("last_error")}


def _health_table(rows: list[dict[str, Any]]) -> str:
    width = max([len(r["name"]) for r in rows] + [6])
    lines = [f"{'source':<{width}}  {'kind':<9}  {'last success':<25}  {'failures':>8}  last error"]
    for r in rows:
        error = f"{r['last_error_kind']}: {r['last_error']}" if r["consecutive_failures"] and r["last_error_kind"] else "-"
        lines.append(f"{r['name']:<{width}}  {r['kind']:<9}  {(r['last_success'] or 'never'):<25}  "
                     f"{r['consecutive_failures']:>8}  {error[:90]}")
    return "\n".join(lines)
