"""The fetcher's pure rules, without a server: robots.txt matching, charsets, Retry-After."""
from __future__ import annotations

import codecs
import datetime as dt

import pytest

from scrapers.charset import decode
from scrapers.responses import media_type, retry_after, sniff_media_type
from scrapers.robots import parse_robots

BOT = "GetInvolvedBot"


def allows(robots: str, path: str) -> bool:
    return parse_robots(robots, BOT).allows("https://council.example" + path)


@pytest.mark.parametrize("path, expected", [
    ("/search?q=litter", False), ("/search", True), ("/volunteer/index.html", True),
])
def test_robots_wildcards_match_anywhere_in_the_path(path, expected):
    assert allows("User-agent: *\nDisallow: /*?q=\n", path) is expected


@pytest.mark.parametrize("path, expected", [("/files/leaflet.pdf", False), ("/files/leaflet.pdf.html", True)])
def test_robots_dollar_anchors_the_end(path, expected):
    assert allows("User-agent: *\nDisallow: /*.pdf$\n", path) is expected


def test_robots_the_longest_matching_rule_wins():
    robots = "User-agent: *\nAllow: /private/volunteering/\nDisallow: /private/\n"
    assert allows(robots, "/private/volunteering/roles.html")
    assert not allows(robots, "/private/staff.html")


def test_robots_allow_wins_a_tie():
    assert allows("User-agent: *\nDisallow: /page\nAllow: /page\n", "/page")


def test_robots_percent_encoding_is_compared_fairly():
    assert not allows("User-agent: *\nDisallow: /café/\n", "/caf%c3%a9/menu")


def test_robots_groups_for_our_bot_are_merged_and_replace_the_star_group():
    robots = ("User-agent: *\nDisallow: /\n\nUser-agent: getinvolvedbot\nDisallow: /a/\n\n"
              "User-agent: OtherBot\nUser-agent: GetInvolvedBot\nDisallow: /b/\n")
    assert allows(robots, "/c/") and not allows(robots, "/a/") and not allows(robots, "/b/")


def test_robots_an_empty_disallow_allows_everything():
    assert allows("User-agent: *\nDisallow:\n", "/anything")


def test_robots_txt_itself_is_always_allowed():
    assert allows("User-agent: *\nDisallow: /\n", "/robots.txt")


def test_robots_crawl_delay_is_read():
    assert parse_robots("User-agent: *\nCrawl-delay: 2.5\n", BOT).crawl_delay == 2.5


def test_a_byte_order_mark_beats_every_declaration():
    text, encoding = decode(codecs.BOM_UTF8 + "£5".encode("utf-8"), "windows-1252")
    assert (text, encoding) == ("£5", "utf-8-sig")


def test_latin_1_labels_are_read_as_windows_1252_as_browsers_do():
    assert decode("£5 – “free”".encode("cp1252"), "ISO-8859-1")[0] == "£5 – “free”"


def test_an_xml_declaration_counts_as_the_documents_charset():
    body = '<?xml version="1.0" encoding="ISO-8859-15"?><rss><title>€</title></rss>'.encode("iso-8859-15")
    assert "<title>€</title>" in decode(body)[0]


def test_bytes_no_charset_can_decode_are_replaced_not_fatal():
    text, _ = decode(b"<p>\x81\x8d</p>")
    assert text.startswith("<p>") and text.endswith("</p>")


def test_media_type_drops_parameters_and_case():
    assert media_type('Text/HTML; charset="UTF-8"') == ("text/html", "UTF-8")
    assert media_type(None) == (None, None)


def test_a_body_without_a_content_type_is_sniffed_cautiously():
    assert sniff_media_type(b"  <!doctype html><p>") == "text/html"
    assert sniff_media_type(b"%PDF-1.7") == "application/octet-stream"


def test_retry_after_reads_seconds_and_http_dates():
    now = dt.datetime(2026, 1, 29, 12, 0, 0, tzinfo=dt.timezone.utc)
    assert retry_after("120") == 120.0
    assert retry_after("Thu, 29 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after("Thu, 29 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after("soon") is None
