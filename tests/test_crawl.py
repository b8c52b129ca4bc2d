"""Crawling one source: which pages are read, in what order, within which limits, and how a
listing entry and its own page are combined. The fetcher here serves fixtures from memory."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from scrapers.crawl import Crawl, CrawlLimits, canonical
from scrapers.http import FetchError, Page
from scrapers.parsers import Document, ParseContext, ParseResult, Parser, get_parser
from scrapers.sources import Source

PAGES = Path(__file__).parent / "fixtures" / "pages"
TODAY = dt.date(2026, 11, 22)
VC = "https://vc.example"
LISTING = {
    "/opportunities": "listing/drupal-views-page1.html",
    "/opportunities?page=1": "listing/drupal-views-page2.html",
    "/opportunity/garden-helper": "listing/detail-garden-helper.html",
    "/opportunity/telephone-befriender": "listing/detail-telephone-befriender.html",
    "/opportunity/foodbank-driver": "listing/detail-foodbank-driver.html",
    "/opportunity/charity-shop-assistant": "listing/detail-charity-shop.html",
}


class MemoryFetcher:
    """Answers from a dict of URL -> fixture file or HTML; anything else is a 404."""

    def __init__(self, routes: dict[str, str], *, disallowed: tuple[str, ...] = (), base: str = VC):
        self.routes = {base + path: value for path, value in routes.items()}
        self.disallowed = disallowed
        self.fetched: list[str] = []
        self.redirects: dict[str, str] = {}

    async def allowed(self, url: str) -> bool:
        return not any(part in url for part in self.disallowed)

    async def get(self, url: str, *, delay: float | None = None) -> Page:
        self.fetched.append(url)
        if url in self.redirects:
            url = self.redirects[url]
        value = self.routes.get(url)
        if value is None:
            raise FetchError("http-404", url, f"{url} answered 404 Not Found")
        text = (PAGES / value).read_text() if not value.lstrip().startswith("<") else value
        ctype = "application/rss+xml" if value.endswith(".xml") else "text/html"
        return Page(url=url, status=200, content_type=ctype, text=text)


async def crawl(routes: dict[str, str], entry: str, *, parser: str = "auto", limits: CrawlLimits = CrawlLimits(),
                disallowed: tuple[str, ...] = (), base: str = VC, scope: str | None = None):
    fetcher = MemoryFetcher(routes, disallowed=disallowed, base=base)
    source = Source(name="test", url=base + entry, scope=scope)
    result = await Crawl(source, fetcher, get_parser(parser), today=TODAY, limits=limits).run()
    return result, fetcher


def titles(result) -> list[str]:
    return sorted(r.title for r in result.records)


async def test_a_listing_is_read_page_by_page_and_each_role_from_its_own_page():
    result, fetcher = await crawl(LISTING, "/opportunities")
    assert titles(result) == ["Charity Shop Assistant", "Community Garden Helper", "Foodbank Delivery Driver",
                              "Telephone Befriender"]
    assert result.pages_fetched == 6 and len(fetcher.fetched) == len(set(fetcher.fetched))


async def test_a_role_found_on_two_listing_pages_is_read_once():
    _, fetcher = await crawl(LISTING, "/opportunities")
    assert fetcher.fetched.count(VC + "/opportunity/garden-helper") == 1


async def test_a_role_takes_its_address_and_details_from_its_own_page():
    result, _ = await crawl(LISTING, "/opportunities")
    garden = next(r for r in result.records if r.title == "Community Garden Helper")
    assert garden.url == VC + "/opportunity/garden-helper" and garden.fields["min_age"] == 14
    assert garden.fields["organisation"] == "Greenfield Allotments Trust"


async def test_following_next_pages_stops_at_the_limit():
    _, fetcher = await crawl(LISTING, "/opportunities", limits=CrawlLimits(max_listing_pages=0))
    assert VC + "/opportunities?page=1" not in fetcher.fetched


async def test_no_more_pages_are_read_than_the_limit():
    result, fetcher = await crawl(LISTING, "/opportunities", limits=CrawlLimits(max_pages=2))
    assert len(fetcher.fetched) == 2 and result.pages_fetched == 2


async def test_a_page_robots_txt_forbids_is_never_fetched():
    result, fetcher = await crawl(LISTING, "/opportunities", disallowed=("telephone-befriender",))
    assert VC + "/opportunity/telephone-befriender" not in fetcher.fetched
    assert result.robots_skipped == 1 and "Telephone Befriender" in titles(result)


async def test_an_entry_page_that_fails_is_fatal_and_finds_nothing():
    result, _ = await crawl({}, "/gone")
    assert result.fatal is not None and result.fatal.kind == "http-404" and result.records == []


async def test_an_entry_page_robots_txt_forbids_is_fatal():
    result, fetcher = await crawl(LISTING, "/opportunities", disallowed=("/opportunities",))
    assert result.fatal.kind == "robots" and fetcher.fetched == []


async def test_a_role_page_that_fails_is_reported_and_the_listing_entry_kept():
    routes = {k: v for k, v in LISTING.items() if k != "/opportunity/foodbank-driver"}
    result, _ = await crawl(routes, "/opportunities")
    assert [e.kind for e in result.errors] == ["http-404"]
    assert "Foodbank Delivery Driver" in titles(result)


async def test_a_role_page_that_turns_out_to_be_news_drops_the_entry():
    routes = {"/hub": """<html><body><main><h1>Get involved</h1><ul>
        <li><h3><a href="/a">Ward volunteer</a></h3><p>Help on our wards. Aged 18 or over.</p></li>
        <li><h3><a href="/b">Young carers group</a></h3><p>Meets monthly.</p></li></ul></main></body></html>""",
              "/a": "<html><body><main><h1>Ward volunteer</h1><p>Chat with patients, one shift a week.</p></main></body></html>",
              "/b": "<html><body><main><h1>Young carers group: what happened at our first meeting</h1><p>Thanks to all.</p></main></body></html>"}
    result, _ = await crawl(routes, "/hub")
    assert titles(result) == ["Ward volunteer"]


async def test_a_page_describing_several_roles_replaces_the_entry_that_led_to_it():
    routes = {"/hub": """<html><body><main><h1>Get involved</h1><ul>
        <li><h3><a href="/libraries">Library volunteers</a></h3><p>Two roles in our libraries.</p></li>
        <li><h3><a href="/parks">Park rangers</a></h3><p>Help the ranger team.</p></li></ul></main></body></html>""",
              "/libraries": """<html><body><main><h1>Library volunteers</h1>
        <h2>Home Library Volunteer</h2><p>Take books to people at home. Minimum age: 18</p>
        <h2>Code Club Helper</h2><p>Help children code, two hours a week. Aged 16 or over.</p></main></body></html>""",
              "/parks": "<html><body><main><h1>Park rangers</h1><p>Conservation tasks every Tuesday.</p></main></body></html>"}
    result, _ = await crawl(routes, "/hub")
    assert titles(result) == ["Code Club Helper", "Home Library Volunteer", "Park rangers"]


async def test_links_off_the_site_are_not_followed():
    routes = {"/hub": """<html><body><main><h1>Ways to help</h1><ul>
        <li><h3><a href="https://elsewhere.example/role">Ward volunteer</a></h3><p>Help on our wards, aged 18 or over.</p></li>
        <li><h3><a href="/mentor">Youth mentor</a></h3><p>Meet a young person weekly. Aged 21 or over.</p></li></ul></main></body></html>"""}
    result, fetcher = await crawl(routes, "/hub")
    assert not any("elsewhere" in u for u in fetcher.fetched)
    ward = next(r for r in result.records if r.title == "Ward volunteer")
    assert ward.url == "https://elsewhere.example/role"


async def test_a_scope_keeps_the_crawl_under_a_path():
    routes = {"/charity/get-involved": """<html><body><main><h1>Get involved</h1><ul>
        <li><h3><a href="/charity/roles/a">Shop volunteer</a></h3><p>Aged 16 or over.</p></li>
        <li><h3><a href="/other-charity/roles/b">Gardener</a></h3><p>Aged 16 or over.</p></li></ul></main></body></html>""",
              "/charity/roles/a": "<html><body><main><h1>Shop volunteer</h1><p>One shift a week.</p></main></body></html>"}
    _, fetcher = await crawl(routes, "/charity/get-involved", scope=VC + "/charity/")
    assert fetcher.fetched == [VC + "/charity/get-involved", VC + "/charity/roles/a"]


async def test_a_feed_supplies_the_posts_so_they_are_not_fetched_one_by_one():
    base = "https://southgate-garden.example"
    routes = {"/": "wordpress/blog-home.html", "/feed/": "feed/wordpress-rss.xml",
              "/2026/09/treasurer/": "wordpress/post-treasurer.html"}
    result, fetcher = await crawl(routes, "/", base=base)
    assert fetcher.fetched[:2] == [base + "/", base + "/feed/"]
    assert base + "/2026/11/winter-pruning/" not in fetcher.fetched
    assert titles(result) == ["Pruning volunteers", "Treasurer"]
    treasurer = next(r for r in result.records if r.title == "Treasurer")
    assert treasurer.fields["min_age"] == 18


class Exploding(Parser):
    name = "exploding"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        if "bad" in doc.url:
            raise ValueError("odd markup")
        return get_parser("auto").parse(doc, ctx)


async def test_a_parser_failing_on_one_page_is_reported_and_the_crawl_goes_on():
    routes = {"/hub": """<html><body><main><h1>Roles</h1><ul>
        <li><h3><a href="/bad">Ward volunteer</a></h3><p>Help on our wards, aged 18 or over.</p></li>
        <li><h3><a href="/good">Youth mentor</a></h3><p>Aged 21 or over.</p></li></ul></main></body></html>""",
              "/bad": "<html><body><h1>x</h1></body></html>",
              "/good": "<html><body><main><h1>Youth mentor</h1><p>Weekly, aged 21 or over.</p></main></body></html>"}
    fetcher = MemoryFetcher(routes)
    result = await Crawl(Source(name="t", url=VC + "/hub"), fetcher, Exploding(), today=TODAY).run()
    assert [e.kind for e in result.errors] == ["parse"]
    assert sorted(r.title for r in result.records) == ["Ward volunteer", "Youth mentor"]


async def test_an_entry_page_that_moved_to_another_host_is_crawled_there():
    routes = {"/volunteer": """<html><body><main><h1>Volunteer</h1><ul>
        <li><h3><a href="/roles/a">Shop volunteer</a></h3><p>Aged 16 or over, one shift a week.</p></li>
        <li><h3><a href="/roles/b">Gardener</a></h3><p>Aged 16 or over.</p></li></ul></main></body></html>""",
              "/roles/a": "<html><body><main><h1>Shop volunteer</h1><p>One shift a week.</p></main></body></html>"}
    fetcher = MemoryFetcher(routes, base="https://new.example")
    fetcher.redirects["https://old.example/volunteer"] = "https://new.example/volunteer"
    result = await Crawl(Source(name="t", url="https://old.example/volunteer"), fetcher, get_parser("auto"), today=TODAY).run()
    assert "https://new.example/roles/a" in fetcher.fetched
    assert next(r for r in result.records if r.title == "Shop volunteer").url == "https://new.example/roles/a"


def test_canonical_urls_ignore_fragments_index_pages_and_tracking():
    assert canonical("HTTPS://Site.example/a/index.html?utm_source=x&id=2#top") == "https://site.example/a/?id=2"
