"""The scraper on sites it was not developed against (tests/fixtures/unseen_sites), scored the
way the development benchmark scores: titles found against each site's answer key, minimum
ages and open/closed over the matches, politeness as the servers saw it.

The sites are a GOV.UK-style council hub with tables of open and closed consultations, an NHS
trust with roles in <details> accordions, a police force on the shared platform with block-link
tiles, a volunteer centre listing with pagination, paid jobs and news among the cards, a Drupal
heritage site with a view of roles and definition lists, and an old table-layout page in
windows-1252 with no charset anywhere.
"""
from __future__ import annotations

from typing import Any

import pytest

from unseen_kit import (TODAY, assert_polite, assert_ran_cleanly, assert_scores_well, match, same_title,
                        scrape_once, unseen_round)


SITES, EXPECTED, pytestmark = unseen_round("unseen_sites")


@pytest.fixture(scope="module")
def scraped() -> dict[str, Any]:
    """One scrape of all the sites, shared by the tests below."""
    return scrape_once(SITES, EXPECTED)


def test_the_unseen_sites_score_well(scraped):
    assert_scores_well(EXPECTED, scraped, TODAY)


def test_every_source_ran_without_failing(scraped):
    assert_ran_cleanly(scraped)


def test_the_servers_saw_one_request_at_a_time_and_nothing_robots_txt_forbids(scraped):
    forbidden = ("/calderbrook-council/forms/", "/wensum-valley-cvs/apply.html", "/wensum-valley-cvs/login.html",
                 "/fenland-heritage-trust/volunteer-application")
    assert_polite(scraped, forbidden)


@pytest.mark.parametrize("site, title, age", [
    ("north-dales-police", "Volunteer Police Cadets", 13),
    ("north-dales-police", "Special Constables", 18),
    ("calderbrook-council", "Calderbrook Youth Parliament", 11),
    ("calderbrook-council", "Library volunteer", 14),
    ("wensum-valley-cvs", "Youth Club Helper", 18),  # helps 11 to 16-year-olds, but must be 18 or over
    ("wensum-valley-cvs", "Foodbank Delivery Driver", 21),
    ("pennine-vale-nhs", "Wayfinding volunteer", 16),
    ("marshside-community-centre", "Café Volunteer", 16),
])
def test_minimum_ages(scraped, site, title, age):
    assert match(scraped, site, title)["min_age"] == age


@pytest.mark.parametrize("site, title", [
    ("calderbrook-council", "Household waste collection changes"),
    ("pennine-vale-nhs", "Chaplaincy visitor"),
    ("north-dales-police", "Independent Advisory Group"),
    ("wensum-valley-cvs", "Christmas Grotto Elf"),
    ("fenland-heritage-trust", "Tea Room Volunteer"),
])
def test_closed_roles_and_consultations_are_not_offered(scraped, site, title):
    row = match(scraped, site, title)
    assert not row["offered"] or (row["closing_date"] and row["closing_date"] < TODAY.isoformat())


@pytest.mark.parametrize("site, title, date", [
    ("wensum-valley-cvs", "Telephone Befriending Volunteer", "2027-01-29"),  # "please apply by Friday 29 January"
    ("pennine-vale-nhs", "Breastfeeding peer supporter", "2027-01-15"),  # inside an accordion
    ("calderbrook-council", "Calder Street bus lane proposals", "2027-01-16"),
    ("marshside-community-centre", "Trustee", "2027-01-08"),
])
def test_closing_dates_from_sentences_tables_and_summary_lists(scraped, site, title, date):
    assert match(scraped, site, title)["closing_date"] == date


@pytest.mark.parametrize("site, title", [
    ("wensum-valley-cvs", "Volunteer Coordinator (part-time)"),
    ("wensum-valley-cvs", "Finance Officer"),
    ("wensum-valley-cvs", "Volunteers celebrated at civic reception"),
    ("wensum-valley-cvs", "Post a volunteer role"),
    ("north-dales-police", "Police Officer"),
    ("north-dales-police", "Volunteer Police Cadets: information for parents and guardians"),
    ("pennine-vale-nhs", "Healthcare Support Worker (Band 3)"),
    ("pennine-vale-nhs", "Do I need a DBS check?"),
    ("pennine-vale-nhs", "Shirley, ward befriender"),
    ("calderbrook-council", "Town centre parking charges"),
])
def test_paid_jobs_news_faqs_and_testimonials_stay_out(scraped, site, title):
    wanted = next(s["opportunities"] for s in EXPECTED["sites"] if s["site"] == site)
    found = [o["title"] for o in scraped["found"][site] if not any(same_title(w["title"], o["title"]) for w in wanted)]
    assert not [t for t in found if same_title(title, t)]


def test_the_police_tiles_lead_to_their_role_pages_and_the_force_is_named(scraped):
    specials = match(scraped, "north-dales-police", "Special Constables")
    assert specials["url"].endswith("/police-volunteers/special-constables/")
    assert specials["organisation"] == "North Dales Police"
    assert len([o for o in scraped["found"]["north-dales-police"] if same_title("Special Constables", o["title"])]) == 1


def test_an_event_linked_from_the_text_is_read_from_its_json_ld(scraped):
    event = match(scraped, "fenland-heritage-trust", "Volunteer open morning")
    assert event["postcode"] == "PE11 3QA"


def test_a_windows_1252_page_without_a_charset_keeps_its_accents(scraped):
    assert "Café Volunteer" in [o["title"] for o in scraped["found"]["marshside-community-centre"]]
