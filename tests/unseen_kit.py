"""Scraping a folder of test sites (each on its own loopback address) as the benchmark does, for
the tests of sites the scraper was not developed against."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections import defaultdict
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, Mapping

import pytest
from aiohttp import web

from bot.store import Store
from scrapers.http import Fetcher
from scrapers.run import run_scrape
from scrapers.sources import Source
from sitesrv import bindable, serve, site_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from scrape_sites import same_title, score  # noqa: E402  (same_title is re-exported for the tests)


FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 12, 3)  # the day every round's answer key is judged by


def unseen_round(folder: str) -> tuple[Path, dict[str, Any], pytest.MarkDecorator]:
    """A round's sites, its answer key, and the mark that skips it where loopback addresses
    beyond 127.0.0.1 cannot be bound (one per site)."""
    sites = FIXTURES / folder
    expected = json.loads((sites / "expected.json").read_text())
    bindable_here = all(bindable(h) for h in hosts_for(expected))
    return sites, expected, pytest.mark.skipif(not bindable_here, reason="needs loopback addresses beyond 127.0.0.1")


def scrape_once(sites: Path, expected: Mapping[str, Any], routes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One scrape of a round's sites, as of TODAY (for a module-scoped fixture)."""
    return asyncio.run(scrape_all(sites, expected, TODAY, routes))


def is_open(row: Mapping[str, Any]) -> bool:
    """Offered and not past its closing date, as of TODAY."""
    return bool(row["offered"]) and (not row["closing_date"] or row["closing_date"] >= TODAY.isoformat())


def found_titles(scraped: Mapping[str, Any], site: str, title: str) -> list[str]:
    """The titles stored for a site that are the same title as `title`."""
    return [o["title"] for o in scraped["found"][site] if same_title(title, o["title"])]


def hosts_for(expected: Mapping[str, Any]) -> list[str]:
    return [f"127.0.0.{i + 2}" for i in range(len(expected["sites"]))]


async def scrape_all(sites: Path, expected: Mapping[str, Any], today: dt.date,
                     routes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One scrape of every site: what was stored per source, the servers' hits and in-flight peaks."""
    store = Store(":memory:")
    try:
        async with AsyncExitStack() as stack:
            servers = {}
            for host, site in zip(hosts_for(expected), expected["sites"]):
                app: web.Application = site_app(sites, routes=dict(routes or {}), latency=0.002)
                servers[site["site"]] = await stack.enter_async_context(serve(app, host))
            sources = [Source(name=s["site"], url=servers[s["site"]].url(s["entry"]), kind=s["kind"], area=s["area"],
                              postcode=s.get("postcode"), scope=servers[s["site"]].url(f"/{s['site']}/"))
                       for s in expected["sites"]]
            report = await run_scrape(store, sources, today=today,
                                      fetcher_factory=lambda: Fetcher(delay=0.01, timeout=5.0, retries=0, backoff=0.01))
            hits = {name: site.hits for name, site in servers.items()}
            in_flight = {name: site.max_in_flight() for name, site in servers.items()}
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in store.db.query("select * from opportunities"):
            found[row["source"]].append(dict(row))
        return {"report": report, "found": found, "hits": hits, "in_flight": in_flight}
    finally:
        store.close()


def match(scraped: Mapping[str, Any], site: str, title: str) -> dict[str, Any]:
    """The stored row for an expected title (titles compared as the benchmark compares them)."""
    rows = [o for o in scraped["found"][site] if same_title(title, o["title"])]
    assert rows, f"{title!r} not found on {site}: {[o['title'] for o in scraped['found'][site]]}"
    return rows[0]


def assert_scores_well(expected: Mapping[str, Any], scraped: Mapping[str, Any], today: dt.date, *,
                       f1: float = 0.95) -> None:
    """Scored as the benchmark scores: F1 (0.95 unless a round has not been worked on yet), minimum
    ages and open/closed all at 0.95 or better."""
    result = score(expected, scraped["found"], today)
    assert result["f1"] >= f1, (result["missed"], result["extra"])
    assert result["min_age_accuracy"] >= 0.95 and result["open_accuracy"] >= 0.95


def assert_ran_cleanly(scraped: Mapping[str, Any]) -> None:
    """Every source found something and none failed."""
    report = scraped["report"]
    assert report.ok
    assert all(s.found > 0 and not s.errors for s in report.sources), report.sources


def assert_polite(scraped: Mapping[str, Any], forbidden: tuple[str, ...]) -> None:
    """One request at a time per site, and no path that robots.txt forbids (given as prefixes)."""
    assert max(scraped["in_flight"].values()) <= 1
    assert not [h.path for hits in scraped["hits"].values() for h in hits if h.path.startswith(forbidden)]

