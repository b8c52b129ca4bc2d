"""The scraper on a fourth round of sites it was not developed against
(tests/fixtures/unseen_sites_4, described in its README), scored as the development benchmark scores.

The sites are a LocalGov Drupal council (views of consultations with Open/Closed facets, a
directory of roles whose ages and dates are only on their own pages), a Wix animal rescue whose
roles are styled <div>s with no headings beside Donate and Shop buttons, an NHS trust whose roles
are links to PDF role descriptions among other documents, a volunteer centre whose cards repeat
the organisation's name and whose slick carousel repeats cards, and a police and crime
commissioner whose schemes are ARIA tabs of <h3> roles with <dl> facts and dates with no year.
All are static, so no routes are needed.
"""
from __future__ import annotations

from typing import Any

import pytest

from unseen_kit import (TODAY, assert_polite, assert_ran_cleanly, assert_scores_well, found_titles, is_open,
                        match, scrape_once, unseen_round)

SITES, EXPECTED, pytestmark = unseen_round("unseen_sites_4")


@pytest.fixture(scope="module")
def scraped() -> dict[str, Any]:
    """One scrape of all the sites, shared by the tests below."""
    return scrape_once(SITES, EXPECTED)




def test_the_fourth_unseen_sites_score_well(scraped):
    assert_scores_well(EXPECTED, scraped, TODAY)


def test_every_source_ran_without_failing(scraped):
    assert_ran_cleanly(scraped)


def test_the_servers_saw_one_request_at_a_time_and_nothing_robots_txt_forbids(scraped):
    forbidden = ("/oakhurst-council/forms/", "/oakhurst-council/search", "/thimble-lane-rescue/_api/",
                 "/thimble-lane-rescue/volunteer-form", "/greyfriars-nhs/media/documents/careers/",
                 "/wendover-volunteer-centre/login/", "/wendover-volunteer-centre/organisations/", "/marlcombe-pcc/apply/")
    assert_polite(scraped, forbidden)


# -- a LocalGov Drupal council ----------------------------------------------------------------------

@pytest.mark.parametrize("title, age, date", [
    ("Library Digital Buddy", 16, "2027-01-15"),          # only the role's own page says so
    ("Volunteer Park Ranger", 18, None),                  # "Open to adults aged 18 and over", "all year round"
    ("Young Inspector", 13, "2027-01-29"),                # "Suitable for 13 to 19 year olds"
    ("Draft Climate Action Plan 2027 to 2030", None, "2027-02-05"),
])
def test_views_rows_and_their_own_pages_give_ages_and_dates(scraped, title, age, date):
    row = match(scraped, "oakhurst-council", title)
    assert (row["min_age"], row["closing_date"]) == (age, date) and is_open(row)


def test_closed_consultations_in_the_view_are_closed(scraped):
    for title in ("Town centre parking charges review", "Public toilets survey"):
        row = match(scraped, "oakhurst-council", title)
        assert not is_open(row) and row["kind"] == "have-your-say"


@pytest.mark.parametrize("title", ["Elections and voting", "Open", "Closed", "Volunteer Coordinator (Libraries)",
                                   "Library volunteers thanked at civic reception"])
def test_service_teasers_facets_paid_jobs_and_news_stay_out(scraped, title):
    assert not found_titles(scraped, "oakhurst-council", title)


# -- a Wix charity with no headings ------------------------------------------------------------------

@pytest.mark.parametrize("title, age", [("Dog Walker", 16), ("Cattery Assistant", 18), ("Foster Carer", 21),
                                        ("Charity Shop Volunteer", 14), ("Fundraising Event Helper", None)])
def test_roles_titled_by_inline_bold_spans_arefound_titles(scraped, title, age):
    row = match(scraped, "thimble-lane-rescue", title)
    assert row["min_age"] == age and is_open(row)


def test_donate_shop_and_adoption_blocks_stay_out(scraped):
    assert len(scraped["found"]["thimble-lane-rescue"]) == 5, [o["title"] for o in scraped["found"]["thimble-lane-rescue"]]


# -- an NHS trust's PDF role descriptions ------------------------------------------------------------

def test_role_description_links_name_roles_without_the_document_words(scraped):
    titles = sorted(o["title"] for o in scraped["found"]["greyfriars-nhs"])
    assert not [t for t in titles if "description" in t.lower() or "profile" in t.lower() or "pdf" in t.lower()], titles
    assert match(scraped, "greyfriars-nhs", "Ward Companion")["min_age"] == 16
    assert match(scraped, "greyfriars-nhs", "End of Life Companion")["min_age"] == 18


def test_a_role_named_in_a_sentence_saying_it_is_not_recruited_to_is_not_open(scraped):
    assert not is_open(match(scraped, "greyfriars-nhs", "Maternity Support Volunteer"))


@pytest.mark.parametrize("title", ["Volunteer application form", "Volunteer handbook 2026", "Volunteer expenses policy",
                                   "Volunteering annual report 2025", "Volunteer Services Assistant", "Staff Nurse"])
def test_other_documents_and_job_descriptions_stay_out(scraped, title):
    assert not found_titles(scraped, "greyfriars-nhs", title)


# -- a volunteer centre with a carousel ---------------------------------------------------------------

def test_carousel_copies_are_not_counted_twice_and_organisations_are_not_roles(scraped):
    rows = scraped["found"]["wendover-volunteer-centre"]
    assert len(rows) == 6, [o["title"] for o in rows]
    assert not found_titles(scraped, "wendover-volunteer-centre", "Wendover Foodbank")


@pytest.mark.parametrize("title, age, date, still_open", [
    ("Junior Park Ranger", 14, None, True),               # "Suitable for 14-17 year olds"
    ("Youth Club Assistant", 16, "2027-01-08", True),     # "Suitable for 16-25 year olds", "08/01/2027"
    ("Reading Helper", 16, "2026-11-27", False),
])
def test_suitable_for_ages_and_numeric_dates(scraped, title, age, date, still_open):
    row = match(scraped, "wendover-volunteer-centre", title)
    assert (row["min_age"], row["closing_date"], is_open(row)) == (age, date, still_open)


# -- a police and crime commissioner's tabs --------------------------------------------------------

@pytest.mark.parametrize("title, age, date", [
    ("Independent Custody Visitor", 18, "2027-01-08"),    # "Friday 8th January": no year, so the next one
    ("Out of Court Resolutions Scrutiny Panel member", 18, "2027-01-31"),  # "Deadline 31/01/2027"
    ("Marlcombe Youth Commission member", 14, "2027-01-17"),
    ("Dog Welfare Visitor", 18, None),                    # "You must be over 18", "We recruit all year round"
])
def test_roles_under_tab_panels_are_named_by_their_own_headings(scraped, title, age, date):
    row = match(scraped, "marlcombe-pcc", title)
    assert (row["min_age"], row["closing_date"]) == (age, date) and is_open(row)


def test_a_panel_whose_recruitment_has_closed_is_not_open(scraped):
    assert not is_open(match(scraped, "marlcombe-pcc", "Stop and Search Scrutiny Panel member"))


@pytest.mark.parametrize("title", ["Community Panels", "Youth Commission", "What you'll do", "Time", "Will I be paid?",
                                   "Volunteer Schemes Manager", "Custody visitors make 412 visits in a year"])
def test_tab_names_fact_labels_faqs_and_paid_jobs_stay_out(scraped, title):
    assert not [t for t in found_titles(scraped, "marlcombe-pcc", title) if t.casefold() == title.casefold()]
