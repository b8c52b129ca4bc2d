"""Understanding added after the third relevance set ("blind 2"): residents new to volunteering,
regional and informal sayings, night owls and adults learning to read. Checked on what the words
are understood to mean and on small hand-made catalogues, never on the seed catalogue."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.catalogue import annotate
from bot.matching import Matcher, parse_query
from bot.matching.schedule import EVENING_PART, bit, resident_when
from test_matching import catalogue

TODAY = dt.date(2025, 6, 1)


def concepts(text: str) -> set[str]:
    return {f[2:] for f, w in parse_query(text).features.items() if f.startswith("c:") and w >= 0.8}


def opportunity(id: str, title: str, description: str, commitment: str = "flexible"):
    first = catalogue()[0]
    return annotate(dataclasses.replace(first, id=id, title=title, description=description, commitment=commitment,
                                        closing_date=None, min_age=None))


@pytest.fixture(scope="module")
def starter_matcher() -> Matcher:
    """The small catalogue plus a volunteering fair and a role anyone can start on."""
    fair = opportunity("fair", "Volunteering Fair", "Not sure where to start? Meet local charities and "
                       "community groups looking for volunteers. Free entry, no need to book.", "one-off")
    marshal = opportunity("marshal", "Marshal at the Saturday run", "Cheer on runners and keep everyone on "
                          "course. No experience needed - pick a week.", "Saturday mornings")
    return Matcher([*catalogue(), fair, marshal])


def top(matcher: Matcher, text: str) -> list[str]:
    return [m.opportunity.id for m in matcher.search(text, today=TODAY)]


# -- wanting to help, with nothing more said -------------------------------------------------------

@pytest.mark.parametrize("text", ["whats the best way to get into volunteering",
                                  "never done any volunteering before", "not sure where to start"])
def test_new_to_volunteering_starts_at_the_volunteering_fair(starter_matcher, text):
    assert top(starter_matcher, text)[0] == "fair"


def test_after_the_fair_come_roles_anyone_can_start_on(starter_matcher):
    assert top(starter_matcher, "never done any volunteering before")[:2] == ["fair", "marshal"]


def test_naming_a_cause_means_the_cause_not_the_fair(starter_matcher):
    assert "getting_started" not in concepts("I want to volunteer with dogs")
    assert "fair" not in top(starter_matcher, "I want to volunteer with dogs")[:3]


def test_something_for_my_cv_is_a_way_in_to_volunteering():
    assert "getting_started" in {f[2:] for f in parse_query("uni student, need something to put on my CV").features}


# -- everyday and regional sayings ------------------------------------------------------------------

def test_bin_men_are_a_council_service_not_a_mens_group():
    found = concepts("bin men keep missing our street, where do I moan about it")
    assert "local_issues" in found and "men" not in found


def test_mens_mental_health_is_about_men_and_about_mental_health():
    assert {"men", "mental_health"} <= concepts("mens mental health needs sorting")


def test_needs_sorting_is_not_sorting_donations():
    assert "sorting_donations" not in concepts("mens mental health needs sorting")


def test_more_bobbies_on_the_beat_points_to_volunteer_police_officers():
    assert "police_volunteering" in concepts("we need more bobbies on the beat round here")


def test_big_into_sport_is_about_sport_not_big_things():
    features = parse_query("big into sport").features
    assert "c:sport" in features and "w:big" not in features


def test_grown_ups_who_cannot_read_are_adults_learning_not_childrens_reading():
    found = concepts("loads of grown ups round here cant read or write properly")
    assert "adult_learning" in found and "reading" not in found


def test_a_solicitor_is_pointed_towards_advice_work():
    assert parse_query("I'm a solicitor").features.get("c:advice", 0) >= 0.5


# -- where and when ----------------------------------------------------------------------------------

def test_working_from_home_is_not_a_wish_to_volunteer_from_home():
    assert not parse_query("we both work from home and love being outdoors").wants_remote
    assert parse_query("I'd love to help from home").wants_remote


def test_a_night_owl_is_free_at_night_not_interested_in_owls():
    query = parse_query("night owl, can't sleep, could I be useful at 3am")
    assert "c:birds" not in query.features and "w:3am" not in query.features
    assert query.when.mask & bit(0, EVENING_PART)


def test_the_small_hours_are_night_but_midday_to_four_stays_daytime():
    assert resident_when("free at 3am").mask == resident_when("free at night").mask
    assert resident_when("12-4pm").mask == resident_when("afternoons").mask
