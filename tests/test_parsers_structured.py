"""Structured sources and shared platforms: JSON-LD, RSS and Atom, WordPress, Citizen Space,
EngagementHQ, the police forces' shared site; and the auto parser choosing among them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scrapers.parsers import Document, ParseContext, ParseResult, Record, UnknownParser, get_parser, parser_names

PAGES = Path(__file__).parent / "fixtures" / "pages"
TODAY = dt.date(2026, 11, 22)


def parse(name: str, url: str, *, parser: str = "auto", content_type: str = "text/html",
          detail_of: Record | None = None) -> ParseResult:
    doc = Document(url=url, text=(PAGES / name).read_text(), content_type=content_type)
    return get_parser(parser).parse(doc, ParseContext(today=TODAY, detail_of=detail_of))


def titles(result: ParseResult) -> list[str]:
    return [r.title for r in result.records]


# -- JSON-LD ----------------------------------------------------------------------------------------

def test_volunteer_job_postings_and_events_come_from_json_ld():
    result = parse("jsonld/graph-roles.html", "https://lowfield.example/join")
    assert titles(result) == ["Dog Walker", "Volunteer taster morning", "Summer open day 2026"]


def test_a_json_ld_posting_gives_its_named_fields():
    walker = parse("jsonld/graph-roles.html", "https://lowfield.example/join").records[0]
    assert walker.fields["postcode"] == "LF2 7QD" and walker.fields["closing_date"] == "2027-02-28"
    assert walker.fields["commitment"] == "Two hours on a weekday morning"
    assert (walker.fields["min_age"], walker.fields["dbs_check"]) == (16, False)
    assert walker.fields["organisation"] == "Lowfield Animal Sanctuary"


def test_paid_job_postings_are_left_out():
    assert "Kennel Supervisor" not in titles(parse("jsonld/graph-roles.html", "https://lowfield.example/join"))


def test_events_are_events_and_past_ones_are_closed():
    result = parse("jsonld/graph-roles.html", "https://lowfield.example/join")
    events = {r.title: r for r in result.records if r.fields["kind"] == "event"}
    assert not events["Volunteer taster morning"].closed and events["Summer open day 2026"].closed


def test_the_jsonld_parser_ignores_the_rest_of_the_page():
    assert titles(parse("jsonld/graph-roles.html", "https://lowfield.example/join", parser="jsonld"))[0] == "Dog Walker"


# -- feeds and WordPress --------------------------------------------------------------------------------

def test_rss_items_that_invite_volunteers_are_kept_and_news_is_not():
    result = parse("feed/wordpress-rss.xml", "https://southgate-garden.example/feed/", content_type="application/rss+xml")
    assert titles(result) == ["Pruning volunteers", "Treasurer"]


def test_a_feed_item_with_its_full_text_gives_its_fields():
    item = parse("feed/wordpress-rss.xml", "https://southgate-garden.example/feed/", content_type="application/rss+xml").records[0]
    assert item.url == "https://southgate-garden.example/2026/11/winter-pruning/"
    assert (item.fields["min_age"], item.fields["closing_date"]) == (16, "2026-12-12")


def test_a_feed_item_with_only_a_summary_points_at_its_post():
    result = parse("feed/wordpress-rss.xml", "https://southgate-garden.example/feed/", content_type="application/rss+xml")
    assert result.records[1].detail_url == "https://southgate-garden.example/2026/09/treasurer/"


def test_atom_entries_are_read():
    result = parse("feed/atom.xml", "https://westbury-food.example/feed.atom", content_type="application/atom+xml")
    assert titles(result) == ["Volunteer driver"] and result.records[0].fields["min_age"] == 21


def test_a_wordpress_blog_points_at_its_feed_first():
    result = parse("wordpress/blog-home.html", "https://southgate-garden.example/")
    assert result.links[0].kind == "feed" and result.links[0].url == "https://southgate-garden.example/feed/"


def test_the_wordpress_parser_falls_back_to_the_standard_feed_address():
    doc = Document("https://group.example/news/", "<html><body><main><h1>News</h1></main></body></html>")
    result = get_parser("wordpress").parse(doc, ParseContext(today=TODAY))
    assert [(l.kind, l.url) for l in result.links] == [("feed", "https://group.example/feed/")]


# -- Citizen Space, EngagementHQ, police ------------------------------------------------------------------

def test_a_citizen_space_hub_points_at_its_search_api():
    result = parse("citizenspace/hub.html", "https://consult.dunmore.example/")
    assert result.links[0].kind == "api"
    assert result.links[0].url == "https://consult.dunmore.example/api/2.4/json_search_results?st=open&fields=extended"


def test_citizen_space_api_results_are_consultations_with_closing_dates():
    result = parse("citizenspace/search.json", "https://consult.dunmore.example/api/2.4/json_search_results?st=open",
                   content_type="application/json")
    plan, lanes = result.records
    assert plan.title == "Local Plan: preferred options" and plan.fields["closing_date"] == "2027-02-19"
    assert plan.fields["kind"] == "have-your-say" and not plan.closed
    assert lanes.closed


def test_engagementhq_tiles_are_consultations_with_their_open_or_closed_badge():
    result = parse("engagementhq/hub.html", "https://haveyoursay.fernleigh.example/")
    assert [(r.title, r.closed) for r in result.records] == [("Town centre plan", False), ("Library review", True)]
    assert result.records[0].detail_url == "https://haveyoursay.fernleigh.example/town-centre-plan"


def test_an_engagementhq_project_page_takes_its_closing_date_from_key_dates():
    tile = Record(title="Town centre plan", url="https://haveyoursay.fernleigh.example/", verdict="accept")
    result = parse("engagementhq/project.html", "https://haveyoursay.fernleigh.example/town-centre-plan", detail_of=tile)
    assert result.records[0].fields["closing_date"] == "2027-01-15"


def test_a_police_role_page_names_the_force_and_points_at_other_volunteer_roles_not_paid_ones():
    url = "https://www.harbourshire.police.example/police-forces/greater-harbourshire-police/areas/greater-harbourshire-police/careers/police-volunteer-roles/psv/"
    result = parse("police/soh-role.html", url)
    assert titles(result) == ["Police support volunteer"]
    assert result.records[0].fields["organisation"] == "Greater Harbourshire Police"
    followed = [l.url for l in result.links]
    assert any("special-constable" in u for u in followed) and not any("police-officer" in u for u in followed)


# -- choosing -------------------------------------------------------------------------------------------------

def test_every_named_parser_is_registered():
    assert {"auto", "jsonld", "rss", "wordpress", "listing", "sections", "programme", "citizenspace", "engagementhq",
            "police"} <= set(parser_names())


def test_an_unknown_parser_name_is_refused_with_the_known_ones():
    with pytest.raises(UnknownParser, match="known parsers"):
        get_parser("magic")


def test_the_programme_parser_reads_a_page_as_one_opportunity():
    result = parse("programme/bootstrap-appropriate-adult.html", "https://nv.example/aa", parser="programme")
    assert titles(result) == ["Appropriate Adult volunteers"]


def test_the_listing_parser_reads_only_repeated_items():
    result = parse("deflist/trust-roles.html", "https://brookside.example/roles", parser="listing")
    assert titles(result) == ["Ward Buddy", "Wayfinder", "Hospital Radio Presenter"]


def test_json_ld_events_that_are_not_about_taking_part_are_left_out():
    html = """<html><head><script type="application/ld+json">[
      {"@type": "Event", "name": "Brass band concert", "startDate": "2027-03-01", "description": "An evening of music."},
      {"@type": "Event", "name": "Volunteer information evening", "startDate": "2027-03-02", "description": "Meet the team."}
    ]</script></head><body></body></html>"""
    result = get_parser("jsonld").parse(Document("https://x.example/", html), ParseContext(today=TODAY))
    assert titles(result) == ["Volunteer information evening"]
