"""Politeness as the servers see it: who we say we are, one request at a time per host, spacing."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web

from scrapers.http import Fetcher, default_user_agent
from sitesrv import Site, bindable, page, serve, site_app, slow

SITE = Path(__file__).parent / "fixtures" / "http" / "site"
HOST = "127.0.0.2"
OTHER_HOST = "127.0.0.3"
TOLERANCE = 0.005  # server-side clock readings of a loopback request, not a speed target
pytestmark = pytest.mark.skipif(not bindable(OTHER_HOST), reason="needs loopback addresses beyond 127.0.0.1")


def gaps_between_starts(site: Site) -> list[float]:
    starts = [hit.start for hit in site.hits]
    return [later - earlier for earlier, later in zip(starts, starts[1:])]


async def test_the_user_agent_names_get_involved_with_a_contact_url():
    async with serve(site_app(SITE), HOST) as site, Fetcher(delay=0.01) as fetcher:
        await fetcher.get(site.url("/index.html"))
    agents = {hit.headers["User-Agent"] for hit in site.hits}
    assert agents == {default_user_agent()}
    agent = agents.pop()
    assert agent.startswith("GetInvolvedBot/") and "(+http" in agent and "Mozilla" not in agent


def test_the_contact_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("GETINVOLVED_CONTACT_URL", "https://council.example/bot-info")
    assert Fetcher().user_agent == "GetInvolvedBot/0.1 (+https://council.example/bot-info)"


def test_a_browser_user_agent_is_refused():
    with pytest.raises(ValueError):
        Fetcher(user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64)")


async def test_two_concurrent_gets_to_one_host_never_overlap():
    app = site_app(routes={"/a": slow(0.15, page("a")), "/b": slow(0.15, page("b"))})
    async with serve(app, HOST) as site, Fetcher(delay=0.01) as fetcher:
        await asyncio.gather(fetcher.get(site.url("/a")), fetcher.get(site.url("/b")))
    assert site.max_in_flight() == 1
    assert fetcher.stats[HOST].max_in_flight == 1


async def test_two_hosts_are_fetched_at_the_same_time():
    def slow_site() -> web.Application:
        return site_app(routes={"/slow": slow(0.3, page("slow"))})
    async with serve(slow_site(), HOST) as first, serve(slow_site(), OTHER_HOST) as second:
        async with Fetcher(delay=0.01) as fetcher:
            await asyncio.gather(fetcher.get(first.url("/slow")), fetcher.get(second.url("/slow")))
    one, two = first.hits[-1], second.hits[-1]
    assert one.start < two.end and two.start < one.end


async def test_request_starts_to_a_host_are_at_least_the_delay_apart():
    async with serve(site_app(SITE), HOST) as site, Fetcher(delay=0.15) as fetcher:
        await asyncio.gather(*(fetcher.get(site.url(path)) for path in ("/index.html", "/volunteer.html", "/")))
    gaps = gaps_between_starts(site)
    assert len(gaps) == 3  # robots.txt counts too
    assert min(gaps) >= 0.15 - TOLERANCE


async def test_a_per_call_delay_overrides_the_fetchers_delay():
    async with serve(site_app(SITE), HOST) as site, Fetcher(delay=0.01) as fetcher:
        await fetcher.get(site.url("/index.html"), delay=0.2)
        await fetcher.get(site.url("/volunteer.html"), delay=0.2)
    assert min(gaps_between_starts(site)) >= 0.2 - TOLERANCE
