"""Reading what pages say: dates, minimum ages, DBS checks, deadlines, closed notices, clean titles."""
from __future__ import annotations

import datetime as dt

import pytest

from scrapers.parsers import facts
from bot.dates import find_dates, parse_date
from scrapers.parsers.titles import clean_title, role_title

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("text, expected", [
    ("Saturday 9 January 2027", dt.date(2027, 1, 9)),
    ("9th Jan 2027", dt.date(2027, 1, 9)),
    ("January 9, 2027", dt.date(2027, 1, 9)),
    ("09/01/2027", dt.date(2027, 1, 9)),
    ("2027-01-09T23:59:00Z", dt.date(2027, 1, 9)),
])
def test_dates_are_read_in_the_ways_uk_pages_write_them(text, expected):
    assert parse_date(text, TODAY) == expected


def test_a_date_without_a_year_is_the_next_one_after_today():
    assert parse_date("closes 12 January", TODAY) == dt.date(2027, 1, 12)


def test_a_weekday_decides_the_year_of_a_date_without_one():
    assert parse_date("by Friday 29 January", TODAY) == dt.date(2027, 1, 29)


def test_the_first_date_of_a_range_takes_the_year_of_the_second():
    assert [d for _, _, d in find_dates("1 June to 31 August 2026", TODAY)] == [dt.date(2026, 6, 1), dt.date(2026, 8, 31)]


@pytest.mark.parametrize("text, age", [
    ("Anyone aged 16 or over can apply.", 16),
    ("You must be 18+ to volunteer.", 18),
    ("Our uniformed youth scheme for 13 to 17 year olds.", 13),
    ("Are you aged 11 to 18?", 11),
    ("You must be at least 18 years old.", 18),
    ("Minimum age: 14", 14),
    ("You need to be 21 or over with a clean licence.", 21),
])
def test_minimum_ages_are_read_from_the_usual_phrasings(text, age):
    assert facts.min_age(text) == age


@pytest.mark.parametrize("text", [
    "Children are welcome, but under-16s must come with a parent.",
    "We ask for at least 16 hours a month.",
    "Volunteers of all ages are welcome.",
    "Over 60 volunteers help every week.",
])
def test_no_minimum_age_is_invented_from_other_numbers(text):
    assert facts.min_age(text) is None


def test_the_strongest_phrasing_wins_over_the_ages_of_the_people_helped():
    assert facts.min_age("Our club is for 8 to 12-year-olds. Helpers need to be 18 or over.") == 18


@pytest.mark.parametrize("text, needed", [
    ("An enhanced DBS check is required for this role.", True),
    ("You will need a basic DBS check, which we pay for.", True),
    ("No DBS check is needed.", False),
    ("Tea and biscuits provided.", None),
])
def test_dbs_checks_are_read_as_needed_not_needed_or_unsaid(text, needed):
    assert facts.dbs_check(text) is needed


@pytest.mark.parametrize("text, date", [
    ("Closing date: Friday 15 January 2027", "2027-01-15"),
    ("The consultation closes at midnight on 12 January 2027.", "2027-01-12"),
    ("Applications for this intake close on Saturday 9 January 2027.", "2027-01-09"),
    ("Please make sure your bid reaches the team by 5pm on Friday 29 January 2027, as we cannot take late bids.", "2027-01-29"),
    ("Fill in the form and get it back to us by 13 January.", "2027-01-13"),
])
def test_closing_dates_are_found_even_inside_a_sentence(text, date):
    assert facts.closing_date(text, TODAY).isoformat() == date


@pytest.mark.parametrize("text", [
    "Our AGM is on Wednesday 27 January 2027.",
    "The litter pick starts at 10am on Saturday 5 December 2026.",
    "Closing date: ongoing",
])
def test_other_dates_are_not_taken_for_a_closing_date(text):
    assert facts.closing_date(text, TODAY) is None


@pytest.mark.parametrize("text", [
    "This role is no longer accepting applications.",
    "Recruitment is currently closed.",
    "Sorry, recruitment for this role is currently paused.",
    "This consultation closed on 30 September 2026. You can no longer respond.",
    "We are not currently recruiting.",
])
def test_closed_roles_are_recognised(text):
    assert facts.is_closed(text)


@pytest.mark.parametrize("text", ["Applications close soon.", "Closing date: 1 March 2027", "We recruit all year round."])
def test_open_roles_are_not_called_closed(text):
    assert not facts.is_closed(text)


def test_labelled_facts_become_fields():
    fields = facts.fields_from_facts([("Minimum age", "16+"), ("Closing date", "31 October 2026"), ("Postcode", "NE15 6SP"),
                                      ("Checks", "None"), ("Time commitment", "2 hours a week")], TODAY)
    assert fields == {"min_age": 16, "closing_date": "2026-10-31", "postcode": "NE15 6SP", "dbs_check": False,
                      "commitment": "2 hours a week"}


def test_the_time_commitment_is_the_sentence_that_says_how_much_time():
    text = "Cadets learn first aid. They meet for two hours one evening a week in term time. Uniform is free."
    assert facts.commitment(text) == "They meet for two hours one evening a week in term time."


@pytest.mark.parametrize("raw, clean", [
    ("Special Constables | West Yorkshire Police", "Special Constables"),
    ("Join our Youth Forum", "Youth Forum"),
    ("Become a Street Coordinator", "Street Coordinator"),
    ("Join our litter pick on Saturday 5 December", "Litter pick"),
    ("Role: Garden Volunteer", "Garden Volunteer"),
    ("Event Marshal – Quayside 10K", "Event Marshal – Quayside 10K"),
])
def test_titles_lose_the_site_name_labels_dates_and_calls_to_action(raw, clean):
    assert clean_title(raw, ["West Yorkshire Police"]) == clean


@pytest.mark.parametrize("heading, body, title", [
    ("Could you be our next trustee?", "Trustees meet six times a year.", "Trustee"),
    ("Deliver our newsletter", "A newsletter delivery volunteer takes a bundle to each street.", "Newsletter delivery volunteer"),
    ("Join the Area Committee", "We have two vacancies for an Area Committee member.", "Area Committee member"),
    ("Youth club helpers needed", "We are looking for a Youth Club Helper to join us.", "Youth Club Helper"),
    ("Community Speedwatch", "As a Community Speedwatch volunteer you would check speeds.", "Community Speedwatch volunteer"),
    ("Friends of Leazes Park", "A group that looks after the park.", "Friends of Leazes Park"),
])
def test_a_heading_that_only_invites_is_replaced_by_the_role_the_text_names(heading, body, title):
    assert role_title(heading, body) == title


def test_an_unrelated_role_in_the_text_never_replaces_a_good_heading():
    assert role_title("Neighbourhood Budgets 2027", "Any community group can put forward an idea for a vote.") == "Neighbourhood Budgets 2027"
