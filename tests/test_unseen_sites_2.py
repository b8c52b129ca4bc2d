"""The scraper on a second round of sites it was not developed against
(tests/fixtures/unseen_sites_2), scored as the development benchmark scores.

The sites are a council consultation hub on Citizen Space (read through its public JSON API,
served here as the real one answers: filtered by ?st=open / ?st=closed, as application/json),
an EngagementHQ "Have your say" site whose project tiles sit in a grid that shares their class
stem, a charity's WordPress site whose volunteer roles are posts in a category, next to news,
a paid job and a testimonial in the same feed, a volunteer centre whose listing pages by
?page=N query strings ("Load more") and whose role pages carry schema.org JobPostings, two of
them paid, and a youth charity's one long page of roles under h2/h3 headings with an age said
once for a group of roles and another for each of some.

The static server cannot tell /opportunities?page=2 from /opportunities, so the listing's pages
are stored the way wget mirrors them (opportunities/index.html@page=2) and answered by a route.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp import web

from sitesrv import serve, site_app
from scrapers.http import Fetcher
from unseen_kit import (TODAY, assert_polite, assert_ran_cleanly, assert_scores_well, hosts_for, is_open,
                        match, same_title, scrape_once, unseen_round)


SITES, EXPECTED, pytestmark = unseen_round("unseen_sites_2")
HOSTS = hosts_for(EXPECTED)
CS_API = "/harrowfield-council/api/2.4/json_search_results"
LISTING = "/kirkmoor-volunteer-centre/opportunities"


async def citizen_space_search(request: web.Request) -> web.Response:
    """json_search_results as Citizen Space answers it: every activity, or those with the asked status."""
    items = json.loads((SITES / CS_API.lstrip("/")).read_text())
    wanted = request.query.getall("st", [])
    return web.json_response([i for i in items if not wanted or i["status"] in wanted])


async def listing_page(request: web.Request) -> web.Response:
    """/opportunities?page=N from the mirrored files (page 1 is the folder's index.html)."""
    n = request.query.get("page", "1")
    name = "index.html" if n == "1" else f"index.html@page={n}"
    path = SITES / LISTING.lstrip("/") / name
    if not path.is_file():
        return web.Response(status=404, text="not found")
    return web.Response(body=path.read_bytes(), content_type="text/html", charset="utf-8")


ROUTES = {CS_API: citizen_space_search, LISTING: listing_page, LISTING + "/": listing_page}


@pytest.fixture(scope="module")
def scraped() -> dict[str, Any]:
    """One scrape of all the sites, shared by the tests below."""
    return scrape_once(SITES, EXPECTED, ROUTES)



def test_the_second_unseen_sites_score_well(scraped):
    assert_scores_well(EXPECTED, scraped, TODAY)


def test_every_source_ran_without_failing(scraped):
    assert_ran_cleanly(scraped)


def test_the_servers_saw_one_request_at_a_time_and_nothing_robots_txt_forbids(scraped):
    forbidden = ("/harrowfield-council/users/", "/lowmoor-have-your-say/register", "/lowmoor-have-your-say/login",
                 "/brambling-befrienders/wp-admin/", "/kirkmoor-volunteer-centre/account/",
                 "/fellside-youth-trust/get-involved/volunteer-form/")
    assert_polite(scraped, forbidden)


# -- Citizen Space ---------------------------------------------------------------------------------

def test_the_citizen_space_api_is_asked_at_the_hubs_own_root_for_open_and_closed_activities(scraped):
    asked = [h.path for h in scraped["hits"]["harrowfield-council"] if "/api/" in h.path]
    assert {p.split("?")[0] for p in asked} == {CS_API}
    assert any("st=open" in p for p in asked) and any("st=closed" in p for p in asked)


@pytest.mark.parametrize("title, date", [
    ("Library opening hours review", "2026-10-31"),
    ("Adult social care charging policy", "2026-09-30"),
])
def test_closed_consultations_are_marked_closed(scraped, title, date):
    row = match(scraped, "harrowfield-council", title)
    assert row["closing_date"] == date and not is_open(row)


@pytest.mark.parametrize("title, date, age", [
    ("Local Plan Review: Preferred Options", "2027-01-22", None),
    ("Youth Voice Survey 2026", "2027-01-08", 11),  # "for young people aged 11 to 19"
    ("Proposed changes to garden waste collections", "2026-12-18", None),
])
def test_open_consultations_keep_their_api_closing_dates(scraped, title, date, age):
    row = match(scraped, "harrowfield-council", title)
    assert is_open(row) and row["closing_date"] == date and row["min_age"] == age


def test_we_asked_you_said_results_are_not_consultations(scraped):
    titles = [o["title"] for o in scraped["found"]["harrowfield-council"]]
    assert not [t for t in titles if "asked" in t.lower() or same_title("Town centre parking charges", t)]


# -- EngagementHQ ----------------------------------------------------------------------------------

def test_each_engagementhq_tile_is_its_own_project_with_its_own_state(scraped):
    rows = scraped["found"]["lowmoor-have-your-say"]
    assert len(rows) == 6
    assert is_open(match(scraped, "lowmoor-have-your-say", "Riverside Park masterplan"))
    for title in ("Draft Climate Action Plan", "Moor Road play area improvements"):
        assert not is_open(match(scraped, "lowmoor-have-your-say", title))
    assert match(scraped, "lowmoor-have-your-say", "Riverside Park masterplan")["closing_date"] == "2027-01-17"
    assert match(scraped, "lowmoor-have-your-say", "Join the Lowmoor Community Panel")["min_age"] == 16


# -- WordPress feed --------------------------------------------------------------------------------

@pytest.mark.parametrize("title", [
    "Our AGM 2026: what happened", "Meet Doreen: ten years of befriending", "Thank you, Selby Rotary Club!",
    "We're hiring: Befriending Coordinator", "Befriending Coordinator",
])
def test_blog_posts_a_paid_job_and_a_testimonial_in_the_feed_stay_out(scraped, title):
    assert not [o["title"] for o in scraped["found"]["brambling-befrienders"] if same_title(title, o["title"])]


def test_the_feed_was_read_and_a_post_whose_applications_closed_is_closed(scraped):
    assert any(h.path == "/brambling-befrienders/feed/" for h in scraped["hits"]["brambling-befrienders"])
    assert not is_open(match(scraped, "brambling-befrienders", "Christmas Day Lunch Helpers"))
    driver = match(scraped, "brambling-befrienders", "Volunteer Driver")
    assert driver["min_age"] == 21 and driver["closing_date"] == "2027-01-15"


# -- JSON-LD volunteer centre ----------------------------------------------------------------------

@pytest.mark.parametrize("title", ["Befriending Service Manager", "Finance and Operations Manager"])
def test_paid_job_postings_are_excluded(scraped, title):
    assert not [o["title"] for o in scraped["found"]["kirkmoor-volunteer-centre"] if same_title(title, o["title"])]


def test_every_page_of_the_query_string_listing_was_read(scraped):
    paths = [h.path for h in scraped["hits"]["kirkmoor-volunteer-centre"]]
    assert any(p.endswith("?page=2") for p in paths) and any(p.endswith("?page=3") for p in paths)
    for title, age in (("Conservation Volunteer", 16), ("Charity Shop Volunteer", 14), ("Repair Café Fixer", None)):
        assert match(scraped, "kirkmoor-volunteer-centre", title)["min_age"] == age


def test_a_volunteer_posting_past_its_valid_through_is_closed(scraped):
    row = match(scraped, "kirkmoor-volunteer-centre", "Youth Mentor")
    assert row["closing_date"] == "2026-11-15" and not is_open(row)


# -- one long page of roles ------------------------------------------------------------------------

@pytest.mark.parametrize("title, age", [
    ("Young Leader", 14),           # "Young leaders aged 14 to 17", in its own section
    ("Youth Board member", 13),     # "aged 13 to 19"
    ("Youth Club Volunteer", 18),   # no age of its own: "Adult volunteers must be 18 or over" above the adult roles
    ("Minibus Driver", 25),         # its own "must be 25 or over" beats the group's 18
    ("Expedition Supervisor", 18),
    ("Fundraising Volunteer", 18),  # "raise the £120,000 a year we need" is not a salary
])
def test_each_role_on_one_page_has_its_own_minimum_age(scraped, title, age):
    assert match(scraped, "fellside-youth-trust", title)["min_age"] == age


def test_commitments_stop_at_the_end_of_their_sentence(scraped):
    young = match(scraped, "fellside-youth-trust", "Young Leader")["commitment"]
    assert young == "It's about 2 hours a week in term time."
    driver = match(scraped, "fellside-youth-trust", "Minibus Driver")["commitment"]
    assert driver == "Roughly one trip a month, usually at weekends."


@pytest.mark.parametrize("title", ["How to apply", "What we offer volunteers", "What our volunteers say",
                                   "Roles for adults", "Roles for young people", "Travel expenses paid"])
def test_sections_that_are_not_roles_stay_out(scraped, title):
    assert not [o["title"] for o in scraped["found"]["fellside-youth-trust"] if same_title(title, o["title"])]


# -- an API that does not say it is JSON -----------------------------------------------------------

async def test_json_sent_as_application_octet_stream_is_read_and_a_pdf_still_is_not():
    from scrapers.http import FetchError
    from sitesrv import page

    body = (SITES / CS_API.lstrip("/")).read_bytes()
    routes = {"/api/2.4/json_search_results": page(body, content_type="application/octet-stream"),
              "/minutes.pdf": page(b"%PDF-1.7 ...", content_type="application/octet-stream")}
    async with serve(site_app(routes=routes), HOSTS[0]) as site, \
            Fetcher(delay=0.01, backoff=0.01, timeout=2.0, retries=0) as fetcher:
        api = await fetcher.get(site.url("/api/2.4/json_search_results?st=open&fields=extended"))
        assert api.content_type == "application/json" and json.loads(api.text)[0]["title"]
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/minutes.pdf"))
    assert caught.value.kind == "content-type"
