"""How the fetcher meets failure: retries when worth it, a clear FetchError kind when not."""
from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from scrapers.http import Fetcher, FetchError
from sitesrv import bindable, hang_up, page, redirect, sequence, serve, site_app, slow

TLS = Path(__file__).parent / "fixtures" / "http" / "tls"
HOST = "127.0.0.2"
pytestmark = pytest.mark.skipif(not bindable(HOST), reason="needs loopback address 127.0.0.2")


def polite(*, retries: int = 3, timeout: float = 2.0, max_retry_after: float = 60.0) -> Fetcher:
    return Fetcher(delay=0.02, backoff=0.01, retries=retries, timeout=timeout, max_retry_after=max_retry_after)


async def test_a_429_with_retry_after_is_waited_out_then_retried():
    answers = sequence(page(status=429, headers={"Retry-After": "1"}), page("<p>ok</p>"))
    async with serve(site_app(routes={"/busy": answers}), HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/busy"))
    assert fetched.text == "<p>ok</p>"
    refused, accepted = site.hits[1:]
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.start - refused.start >= 1.0


async def test_a_retry_after_beyond_the_cap_gives_up_at_once():
    answers = page(status=503, headers={"Retry-After": "3600"})
    async with serve(site_app(routes={"/down": answers}), HOST) as site, polite(max_retry_after=5) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/down"))
    assert caught.value.kind == "http-5xx"
    assert "3600" in str(caught.value)
    assert site.paths() == ["/robots.txt", "/down"]


async def test_server_errors_are_retried_then_reported_as_http_5xx():
    async with serve(site_app(routes={"/broken": page(status=500)}), HOST) as site, polite(retries=2) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/broken"))
    assert caught.value.kind == "http-5xx"
    assert site.paths().count("/broken") == 3


async def test_a_server_error_that_clears_up_is_retried_to_success():
    answers = sequence(page(status=502), page(status=503), page("<p>back</p>"))
    async with serve(site_app(routes={"/flaky": answers}), HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/flaky"))
    assert fetched.text == "<p>back</p>"


async def test_a_dropped_connection_is_retried():
    answers = sequence(hang_up(), page("<p>there</p>"))
    async with serve(site_app(routes={"/flaky": answers}), HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/flaky"))
    assert fetched.text == "<p>there</p>"
    assert site.paths().count("/flaky") == 2


async def test_connections_that_keep_dropping_are_reported_as_network():
    async with serve(site_app(routes={"/down": hang_up()}), HOST) as site, polite(retries=1) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/down"))
    assert caught.value.kind == "network"


async def test_an_untrusted_certificate_is_refused_as_tls():
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")
    async with serve(site_app(routes={"/": page("secret")}), HOST, ssl_context=context) as site, polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/"))
    assert caught.value.kind == "tls"
    assert site.hits == []


async def test_not_found_is_reported_as_http_404_without_retrying():
    async with serve(site_app(), HOST) as site, polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/gone"))
    assert (caught.value.kind, caught.value.url) == ("http-404", site.url("/gone"))
    assert site.paths() == ["/robots.txt", "/gone"]


async def test_a_slow_page_is_reported_as_a_timeout():
    app = site_app(routes={"/slow": slow(1.0, page("late"))})
    async with serve(app, HOST) as site, polite(retries=0, timeout=0.2) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/slow"))
    assert caught.value.kind == "timeout"


async def test_redirects_are_followed_to_the_final_url():
    app = site_app(routes={"/old": redirect("/new", status=301), "/new": page("<p>new</p>")})
    async with serve(app, HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/old"))
    assert (fetched.url, fetched.text) == (site.url("/new"), "<p>new</p>")


async def test_a_redirect_loop_is_reported_as_redirects():
    app = site_app(routes={"/a": redirect("/b"), "/b": redirect("/a")})
    async with serve(app, HOST) as site, polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/a"))
    assert caught.value.kind == "redirects"
    assert site.paths() == ["/robots.txt", "/a", "/b"]


async def test_too_many_redirects_are_reported_as_redirects():
    chain = {f"/{n}": redirect(f"/{n + 1}") for n in range(10)}
    async with serve(site_app(routes=chain), HOST) as site, Fetcher(delay=0.01, max_redirects=3) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/0"))
    assert caught.value.kind == "redirects"
    assert site.paths() == ["/robots.txt", "/0", "/1", "/2", "/3"]


async def test_a_redirect_away_from_the_web_is_reported_as_a_bad_url():
    app = site_app(routes={"/mail": redirect("mailto:volunteers@example.org")})
    async with serve(app, HOST) as site, polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/mail"))
    assert caught.value.kind == "bad-url"


@pytest.mark.parametrize("url", ["ftp://example.org/file", "javascript:alert(1)", "/relative/path", "http://"])
async def test_only_http_and_https_urls_are_fetched(url):
    async with Fetcher() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(url)
    assert caught.value.kind == "bad-url"
