"""More of the ways UK pages say who can take part, by when, and that a role has closed.

Collected from council, NHS, police and charity pages that differ from the development sites:
ages written as words or as "over-18s", deadlines in sentences ("let us know by Friday 29
January", "the consultation runs from ... to ..."), and closed notices beyond "recruitment closed".
"""
from __future__ import annotations

import datetime as dt

import pytest

from scrapers.parsers import facts

TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize("text, age", [
    ("Over 18s only.", 18),
    ("Volunteers from age 14 are welcome.", 14),
    ("Applicants must be aged eighteen or over.", 18),
    ("You need to be sixteen or older.", 16),
    ("You'll need to be over the age of 18.", 18),
    ("Volunteers must be a minimum of 16 years old.", 16),
    ("Age 16 plus", 16),
    ("18 years +", 18),
    ("You must be 17 or older to apply.", 17),
    ("For 13-17 year olds.", 13),
    ("Young people aged between 14 and 25.", 14),
    ("Must be 18 years of age or over", 18),
])
def test_more_minimum_age_phrasings(text, age):
    assert facts.min_age(text) == age


@pytest.mark.parametrize("text", [
    "Under 18s must have parental consent.",
    "The group is for people over 50.",
    "Give 16 plus hours a month.",
    "Five hours a week, with twenty volunteers.",
    "Over 16s and under must be accompanied by an adult.",
])
def test_no_minimum_age_from_numbers_that_are_not_one(text):
    assert facts.min_age(text) is None


@pytest.mark.parametrize("text, date", [
    ("Please get in touch by Friday 29 January.", dt.date(2027, 1, 29)),
    ("Expressions of interest by 14 January, please.", dt.date(2027, 1, 14)),
    ("Let us know by 20 January if you'd like to take part.", dt.date(2027, 1, 20)),
    ("The consultation runs from 1 December 2026 to 28 February 2027.", dt.date(2027, 2, 28)),
    ("Have your say before 31 January 2027.", dt.date(2027, 1, 31)),
    ("Open until 31 March 2027", dt.date(2027, 3, 31)),
    ("The survey is open until midnight on 14 January 2027", dt.date(2027, 1, 14)),
])
def test_more_deadlines_in_sentences(text, date):
    assert facts.closing_date(text, TODAY) == date


@pytest.mark.parametrize("text", [
    "The café is open from 9am to 5pm on 12 January.",
    "We meet from 7pm to 9pm on Tuesdays.",
    "Training starts 12 January 2027.",
    "Interviews will be held on 3 February.",
])
def test_times_and_other_dates_are_not_deadlines(text):
    assert facts.closing_date(text, TODAY) is None


@pytest.mark.parametrize("text", [
    "The closing date for this role has passed.",
    "This opportunity has expired.",
    "We're not currently taking on new volunteers.",
    "Sorry, we are not looking for new volunteers right now.",
    "This role is now filled.",
    "Registration is now closed.",
    "This survey has now ended.",
    "The consultation ended on 30 October 2026.",
    "Places are now full.",
])
def test_more_closed_notices(text):
    assert facts.is_closed(text)


@pytest.mark.parametrize("text", [
    "The café is closed on Sundays.",
    "Applications close on 10 January.",
    "We currently have a waiting list for some shifts, but this role is open.",
])
def test_open_roles_stay_open(text):
    assert not facts.is_closed(text)
