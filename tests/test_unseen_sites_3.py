"""The scraper on a third round of sites it was not developed against
(tests/fixtures/unseen_sites_3, described in its README), scored as the development benchmark scores.

The sites are a council whose "Get involved" page is tables (the opportunities are rows whose
titles are unlinked row headers, then a table of closed consultations and one of contacts), an
NHS trust whose roles and FAQs are items of the same Bootstrap accordion, a volunteer centre's
Next.js app (hashed class names, whole-card links, "16+" age pills, a featured strip repeating
roles), a police force's vacancies board mixing volunteer roles with paid jobs, and a wildlife
trust whose volunteer events are schema.org microdata inside a page that is mostly boilerplate.
All are static, so no routes are needed.
"""
from __future__ import annotations

from typing import Any

import pytest

from unseen_kit import (TODAY, assert_polite, assert_ran_cleanly, assert_scores_well, found_titles, is_open,
                        match, scrape_once, unseen_round)

SITES, EXPECTED, pytestmark = unseen_round("unseen_sites_3")


@pytest.fixture(scope="module")
def scraped() -> dict[str, Any]:
    """One scrape of all the sites, shared by the tests below."""
    return scrape_once(SITES, EXPECTED)




def test_the_third_unseen_sites_score_well(scraped):
    assert_scores_well(EXPECTED, scraped, TODAY)


def test_every_source_ran_without_failing(scraped):
    assert_ran_cleanly(scraped)


def test_the_servers_saw_one_request_at_a_time_and_nothing_robots_txt_forbids(scraped):
    forbidden = ("/ashby-vale-council/forms/", "/ashby-vale-council/search/", "/tamarside-nhs/volunteering-application/",
                 "/brackenford-volunteers/account/", "/brackenford-volunteers/_next/", "/severn-shore-police/apply/",
                 "/severn-shore-police/search/", "/wyrebank-wildlife-trust/basket/", "/wyrebank-wildlife-trust/my-account/")
    assert_polite(scraped, forbidden)


# -- a council page of tables ----------------------------------------------------------------------

@pytest.mark.parametrize("title, age, date", [
    ("Ashby Vale Youth Forum", 11, None),                 # "Young people aged 11 to 18 ..."
    ("Residents' Panel", 16, None),
    ("Library Home Delivery Volunteer", 18, "2027-01-31"),
    ("Street Champion", 14, None),                        # "Anyone aged 14 or over; under-18s need ... consent"
    ("Holywell Park play area survey", None, "2027-01-08"),  # "families with children under 12" is no minimum
])
def test_each_table_row_is_an_opportunity_named_by_its_row_header(scraped, title, age, date):
    row = match(scraped, "ashby-vale-council", title)
    assert (row["min_age"], row["closing_date"]) == (age, date) and is_open(row)


def test_links_inside_a_row_do_not_become_its_title(scraped):
    titles = [o["title"] for o in scraped["found"]["ashby-vale-council"]]
    assert "Join the panel" not in titles and "Sign up to be a Street Champion" not in titles


def test_rows_of_the_recently_closed_table_are_closed_consultations(scraped):
    for title in ("Council Tax Support scheme 2027 to 2028 consultation", "Dog control Public Spaces Protection Order renewal"):
        row = match(scraped, "ashby-vale-council", title)
        assert not is_open(row) and row["kind"] == "have-your-say"


@pytest.mark.parametrize("title", ["Consultation and engagement team", "consultation@ashbyvale.gov.example",
                                   "Youth services", "Libraries"])
def test_a_table_of_contacts_stays_out(scraped, title):
    assert not found_titles(scraped, "ashby-vale-council", title)


# -- an NHS trust's accordion ------------------------------------------------------------------------

@pytest.mark.parametrize("title, age, date", [
    ("Ward Volunteer", 16, "2027-01-09"),                 # "You must be 16 or over. Applications close 9 January 2027."
    ("Emergency Department Volunteer", 18, "2027-01-31"),
    ("Home from Hospital Buddy", 18, None),               # "We recruit all year round."
    ("Chaplaincy Visitor", None, "2027-02-20"),
])
def test_roles_in_collapsed_accordion_panels_keep_their_ages_and_dates(scraped, title, age, date):
    row = match(scraped, "tamarside-nhs", title)
    assert (row["min_age"], row["closing_date"]) == (age, date) and is_open(row)


def test_a_role_whose_recruitment_is_paused_is_not_open(scraped):
    assert not is_open(match(scraped, "tamarside-nhs", "Therapy Dog Volunteer"))


@pytest.mark.parametrize("title", ["Do I need a DBS check?", "I am under 16. Can I volunteer?",
                                   "Volunteer Services Coordinator", "Healthcare Assistant"])
def test_faqs_in_the_same_accordion_and_paid_jobs_stay_out(scraped, title):
    assert not found_titles(scraped, "tamarside-nhs", title)


# -- a Next.js volunteer centre ---------------------------------------------------------------------

def test_featured_roles_are_not_counted_twice_and_the_volunteer_of_the_month_is_not_a_role(scraped):
    rows = scraped["found"]["brackenford-volunteers"]
    assert len(rows) == 8, [o["title"] for o in rows]
    assert not found_titles(scraped, "brackenford-volunteers", "Meet Priya, our December volunteer of the month")


@pytest.mark.parametrize("title, age, date", [
    ("Hospice Shop Volunteer", 14, None),                 # "14+", "Ongoing"
    ("Community Transport Driver", 21, "2027-02-28"),     # "21+", "Closes 28 Feb 2027"
    ("Wildlife Pond Volunteer", 12, None),
])
def test_age_pills_and_short_dates_are_read(scraped, title, age, date):
    row = match(scraped, "brackenford-volunteers", title)
    assert (row["min_age"], row["closing_date"]) == (age, date)


def test_a_card_with_a_closed_badge_is_closed(scraped):
    row = match(scraped, "brackenford-volunteers", "Christmas Toy Appeal Sorter")
    assert row["closing_date"] == "2026-11-20" and not is_open(row)


# -- a police vacancies board -----------------------------------------------------------------------

@pytest.mark.parametrize("title", ["Police Community Support Officer (PCSO)", "Control Room Call Handler",
                                   "Police Constable: Degree Holder Entry Programme", "Volunteer Coordinator",
                                   "Specials recognised at annual awards", "Speedwatch volunteers check 4,000 vehicles"])
def test_paid_jobs_and_news_beside_the_volunteer_roles_stay_out(scraped, title):
    assert not found_titles(scraped, "severn-shore-police", title)


def test_the_closed_role_is_closed_and_cadets_start_at_13(scraped):
    rural = match(scraped, "severn-shore-police", "Rural Crime Watch Volunteer")
    assert not is_open(rural)
    cadets = next(o for o in scraped["found"]["severn-shore-police"] if o["title"] == "Volunteer Police Cadets")
    assert cadets["min_age"] == 13 and cadets["closing_date"] == "2027-01-10" and is_open(cadets)


# -- microdata events among boilerplate ------------------------------------------------------------

@pytest.mark.parametrize("title, age, date", [
    ("Hedge laying work party at Cowpen Meadows", 18, "2027-01-16"),
    ("Winter beach clean at Saltmarsh Point", None, "2027-01-24"),  # "children under 16 must come with an adult"
    ("New volunteer welcome morning", 16, "2027-02-06"),
])
def test_microdata_events_are_read_with_their_dates_and_ages(scraped, title, age, date):
    row = match(scraped, "wyrebank-wildlife-trust", title)
    assert (row["kind"], row["min_age"], row["closing_date"]) == ("event", age, date) and is_open(row)


@pytest.mark.parametrize("title", ["Tree planting at Hollin Beck", "Wildflower seed collecting", "Pond platform repair work party"])
def test_cancelled_and_past_events_are_not_open(scraped, title):
    assert not is_open(match(scraped, "wyrebank-wildlife-trust", title))


@pytest.mark.parametrize("title", ["Help us protect Wyre's wildlife", "Become a member from £3 a month", "Sign up to Wild Wyre",
                                   "Adopt a barn owl", "Give your time", "Reserves Officer", "Can't make a date?"])
def test_menus_calls_to_donate_and_the_newsletter_stay_out(scraped, title):
    assert not found_titles(scraped, "wyrebank-wildlife-trust", title)
