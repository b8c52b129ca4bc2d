"""What comes back: decoded text whatever the charset, no huge or non-page bodies, cached copies."""
from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.http import Fetcher, FetchError
from sitesrv import bindable, endless, page, serve, site_app

SITE = Path(__file__).parent / "fixtures" / "http" / "site"
HOST = "127.0.0.2"
pytestmark = pytest.mark.skipif(not bindable(HOST), reason="needs loopback address 127.0.0.2")


def polite(*, max_bytes: int = 5_000_000, store=None) -> Fetcher:
    return Fetcher(delay=0.01, backoff=0.01, timeout=2.0, max_bytes=max_bytes, store=store)


async def test_an_undeclared_windows_1252_page_keeps_its_pound_signs_and_dashes():
    async with serve(site_app(SITE), HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/windows-1252.html"))
    assert "Travel paid up to £5 – ask on the day." in fetched.text
    assert fetched.encoding == "cp1252"


async def test_the_pages_meta_charset_is_honoured():
    async with serve(site_app(SITE), HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/latin-9.html"))
    assert "Lunch allowance €5." in fetched.text and "Café" in fetched.text


async def test_the_header_charset_comes_before_the_pages_meta():
    body = '<meta charset="utf-8"><p>Caf\u00e9</p>'.encode("iso-8859-15")
    app = site_app(routes={"/p": page(body, content_type="text/html; charset=ISO-8859-15")})
    async with serve(app, HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/p"))
    assert "Café" in fetched.text and fetched.encoding == "iso8859-15"


async def test_a_header_wrongly_claiming_utf_8_still_decodes_windows_1252():
    body = "<p>Tickets £3 – free for carers</p>".encode("cp1252")
    app = site_app(routes={"/p": page(body, content_type="text/html; charset=utf-8")})
    async with serve(app, HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/p"))
    assert fetched.text == "<p>Tickets £3 – free for carers</p>"


async def test_content_type_is_the_bare_lower_case_media_type():
    app = site_app(routes={"/p": page("<p>x</p>", content_type="Text/HTML; Charset=UTF-8")})
    async with serve(app, HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/p"))
    assert (fetched.content_type, fetched.status, fetched.from_cache) == ("text/html", 200, False)


async def test_a_page_over_the_declared_size_cap_is_too_large():
    app = site_app(routes={"/big": page("<p>" + "x" * 20_000 + "</p>")})
    async with serve(app, HOST) as site, polite(max_bytes=10_000) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/big"))
    assert caught.value.kind == "too-large"


async def test_an_endless_page_is_cut_off_while_streaming():
    app = site_app(routes={"/endless": endless(limit=10**12)})
    async with serve(app, HOST) as site, polite(max_bytes=100_000) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/endless"))
    assert caught.value.kind == "too-large"


async def test_a_pdf_is_refused_by_content_type_without_reading_it():
    app = site_app(routes={"/leaflet": endless(content_type="application/pdf", limit=10**12)})
    async with serve(app, HOST) as site, polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/leaflet"))
    assert caught.value.kind == "content-type"


async def test_a_pdf_file_is_refused_by_content_type():
    async with serve(site_app(SITE), HOST) as site, polite() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/leaflet.pdf"))
    assert caught.value.kind == "content-type"


async def test_a_caller_can_accept_other_types():
    async with serve(site_app(SITE), HOST) as site, polite() as fetcher:
        fetched = await fetcher.get(site.url("/robots.txt"), accept=["text/plain"])
    assert "Disallow: /private/" in fetched.text


async def test_an_unchanged_page_is_served_from_the_cache_with_304(store):
    async with serve(site_app(SITE), HOST) as site:
        async with polite(store=store) as first_run:
            fresh = await first_run.get(site.url("/volunteer.html"))
        async with polite(store=store) as second_run:
            cached = await second_run.get(site.url("/volunteer.html"))
    assert (cached.status, cached.from_cache) == (304, True)
    assert cached.text == fresh.text and cached.content_type == "text/html"
    conditional = site.hits[-1]
    assert (conditional.status, conditional.headers["If-None-Match"]) == (304, fresh.headers["ETag"])


async def test_a_fetched_page_stores_its_validators_and_body(store):
    async with serve(site_app(SITE), HOST) as site, polite(store=store) as fetcher:
        fetched = await fetcher.get(site.url("/volunteer.html"))
    row = store.http_cache_get(site.url("/volunteer.html"))
    assert row["etag"] == fetched.headers["ETag"] and row["last_modified"] == fetched.headers["Last-Modified"]
    assert row["body"] == fetched.text
