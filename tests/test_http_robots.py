"""The fetcher asks robots.txt first, once per host, and obeys it (RFC 9309 status rules)."""
from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.http import Fetcher, FetchError
from sitesrv import bindable, page, redirect, serve, site_app

SITE = Path(__file__).parent / "fixtures" / "http" / "site"
HOST = "127.0.0.2"
OTHER_HOST = "127.0.0.3"
pytestmark = pytest.mark.skipif(not bindable(OTHER_HOST), reason="needs loopback addresses beyond 127.0.0.1")


def polite() -> Fetcher:
    return Fetcher(delay=0.02, backoff=0.01, timeout=2.0)


async def test_a_disallowed_page_is_not_fetched_and_is_counted():
    async with serve(site_app(SITE), HOST) as site, polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/private/staff.html"))
    assert caught.value.kind == "robots"
    assert site.paths() == ["/robots.txt"]
    assert fetcher.stats[HOST].robots_skips == 1


async def test_allowed_reports_what_robots_txt_permits():
    async with serve(site_app(SITE), HOST) as site, polite() as fetcher:
        assert await fetcher.allowed(site.url("/volunteer.html"))
        assert not await fetcher.allowed(site.url("/private/staff.html"))


async def test_robots_txt_is_fetched_once_per_host_and_counts_as_a_request():
    async with serve(site_app(SITE), HOST) as site, polite() as fetcher:
        await fetcher.get(site.url("/index.html"))
        await fetcher.get(site.url("/volunteer.html"))
    assert site.paths() == ["/robots.txt", "/index.html", "/volunteer.html"]
    assert fetcher.stats[HOST].requests == 3


async def test_a_missing_robots_txt_allows_everything():
    app = site_app(routes={"/page": page("<p>hello</p>")})
    async with serve(app, HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/page"))
    assert fetched.text == "<p>hello</p>"
    assert site.paths() == ["/robots.txt", "/page"]


async def test_a_failing_robots_txt_stops_all_fetching_from_that_host_and_says_why():
    app = site_app(SITE, routes={"/robots.txt": page("oops", status=500)})
    async with serve(app, HOST) as site, polite() as fetcher:
        for path in ("/index.html", "/volunteer.html"):
            with pytest.raises(FetchError) as caught:
                await fetcher.get(site.url(path))
            assert caught.value.kind == "robots"
            assert "HTTP 500" in str(caught.value) and "nothing" in str(caught.value)
    assert site.paths() == ["/robots.txt"]
    assert "HTTP 500" in (fetcher.stats[HOST].robots_note or "")


async def test_an_unreachable_host_is_a_network_error_found_at_robots_txt():
    async with serve(site_app(), HOST) as site:
        dead_url = site.url("/page")
    async with polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(dead_url)
    assert caught.value.kind == "network"
    assert "robots.txt could not be reached" in str(caught.value)


async def test_a_group_for_our_bot_overrides_the_group_for_everyone():
    rules = "User-agent: *\nDisallow: /\n\nUser-agent: GetInvolvedBot\nDisallow: /private/\n"
    app = site_app(SITE, routes={"/robots.txt": page(rules, content_type="text/plain")})
    async with serve(app, HOST) as site, polite() as fetcher:
        assert await fetcher.allowed(site.url("/volunteer.html"))
        assert not await fetcher.allowed(site.url("/private/staff.html"))


async def test_a_redirected_robots_txt_is_followed_and_obeyed():
    app = site_app(SITE, routes={
        "/robots.txt": redirect("/rules.txt", status=301),
        "/rules.txt": page("User-agent: *\nDisallow: /volunteer\n", content_type="text/plain"),
    })
    async with serve(app, HOST) as site, polite() as fetcher:
        assert not await fetcher.allowed(site.url("/volunteer.html"))
    assert site.paths() == ["/robots.txt", "/rules.txt"]


async def test_a_redirect_into_a_disallowed_path_is_not_followed():
    app = site_app(SITE, routes={"/staff": redirect("/private/staff.html")})
    async with serve(app, HOST) as site, polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/staff"))
    assert caught.value.kind == "robots"
    assert "/private/staff.html" not in site.paths()


async def test_a_redirect_to_another_host_asks_that_hosts_robots_txt():
    async with serve(site_app(SITE), OTHER_HOST) as other:
        app = site_app(routes={"/moved": redirect(other.url("/volunteer.html"))})
        async with serve(app, HOST) as site, polite() as fetcher:
            fetched = await fetcher.get(site.url("/moved"))
    assert fetched.url == other.url("/volunteer.html")
    assert other.paths() == ["/robots.txt", "/volunteer.html"]
    assert fetcher.stats[OTHER_HOST].requests == 2


async def test_robots_crawl_delay_spaces_requests_further():
    rules = "User-agent: *\nCrawl-delay: 0.3\n"
    app = site_app(SITE, routes={"/robots.txt": page(rules, content_type="text/plain")})
    async with serve(app, HOST) as site, polite() as fetcher:
        await fetcher.get(site.url("/index.html"))
        await fetcher.get(site.url("/volunteer.html"))
    starts = [hit.start for hit in site.hits]
    assert starts[2] - starts[1] >= 0.3 - 0.005
