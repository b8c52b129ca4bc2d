"""General understanding of residents' own words: everyday and regional English, life situations,
and sayings that look like times but are not. Checked on what the words are understood to mean
(the lexicon's concepts) and on the small hand-made catalogue, never on a particular catalogue."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.matching import Matcher, find_causes, parse_query
from bot.matching.schedule import ONE_OFF, WEEKLY, opportunity_when, resident_when, time_fit
from bot.matching.spelling import Speller
from test_matching import catalogue

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(catalogue())


def concepts(text: str) -> set[str]:
    return {f[2:] for f, w in parse_query(text).features.items() if f.startswith("c:") and w >= 0.8}


def top(matcher: Matcher, text: str) -> list[str]:
    return [m.opportunity.id for m in matcher.search(text, today=TODAY)]


# -- spelling: real words stay as they are ---------------------------------------------------------

def test_ordinary_english_words_are_never_corrected_into_other_words():
    speller = Speller(["brother", "carer", "swan", "sea", "staff", "animals"],
                      preferred=["brother", "carer", "swan", "sea", "staff", "animals"])
    for word in ("bother", "carrier", "swansea", "stiff", "nicked", "useless"):
        assert speller.correct(word) is None, word
    assert speller.correct("anmals") == ("animals",)


def test_a_correction_into_a_filler_word_counts_as_further_away():
    speller = Speller(["police", "place"], preferred=["police", "place"], filler=["place"])
    assert speller.correct("pleece") == ("police",)


# -- life situations and everyday words ------------------------------------------------------------

@pytest.mark.parametrize("text, meant", [
    ("skint families round ours, kids going without", "poverty"),
    ("my lad is dyslexic and school is no help", "send"),
    ("going through the change and nobody talks about it", "womens_health"),
    ("anything going on down the cut?", "waterways"),
    ("sick of crisp packets everywhere on my road", "clean_streets"),
    ("had two cars nicked off our drive", "burglary"),
    ("lads on bikes causing bother outside the shops", "antisocial_behaviour"),
    ("thinking of becoming a PCSO", "police_career"),
    ("my dad's care home is shocking, who checks on these places", "inspection"),
    ("could I visit an old fella who's on his own", "older_people"),
    ("lost a mate to suicide last year", "suicide_prevention"),
    ("my kid is trans and gets picked on", "bullying"),
    ("retired and not sure where to start", "getting_started"),
])
def test_residents_everyday_words_name_what_they_care_about(text, meant):
    assert meant in concepts(text)


def test_lads_on_bikes_are_not_about_cycling():
    assert "cycling" not in concepts("lads on bikes causing bother")


def test_my_mum_is_family_but_my_son_makes_me_a_parent():
    assert "parents" not in concepts("my mum's got dementia") and "dementia" in concepts("my mum's got dementia")
    assert "parents" in {f[2:] for f in parse_query("my son is autistic").features if f.startswith("c:")}


def test_emoji_that_name_a_topic_count_and_feelings_do_not():
    assert "Environment" in find_causes("🌍") and find_causes("😍😢") == []


# -- sayings that are not times --------------------------------------------------------------------

def test_some_day_and_sleepless_nights_are_not_when_a_resident_is_free():
    assert resident_when("I'd love to be a councillor one day").frequency is None
    assert resident_when("the state of the planet keeps me up at night").mask is None
    assert resident_when("just one day, it's a one day thing").frequency == ONE_OFF


def test_one_day_a_week_is_weekly():
    assert resident_when("I can do one day a week").frequency == WEEKLY
    assert opportunity_when("one day a week, Tuesday to Friday").frequency == WEEKLY


def test_a_time_wholly_inside_the_residents_free_time_fits_best():
    free = resident_when("only Saturdays")
    saturday, saturday_or_wednesday = opportunity_when("Saturdays 10am-1pm"), opportunity_when(
        "Wednesday or Saturday, 9.30am-3.30pm")
    assert time_fit(saturday, free) == 1.0 > time_fit(saturday_or_wednesday, free) > 0


# -- on the hand-made catalogue --------------------------------------------------------------------

def test_an_old_fella_on_his_own_finds_befriending(matcher):
    assert set(top(matcher, "could I visit an old fella who's on his own once a week")[:2]) == {
        "befriending", "phone-befriender"}


def test_a_people_carrier_finds_driving_not_caring(matcher):
    assert top(matcher, "I've got a people carrier and a full licence, happy to ferry folk about")[0] == (
        "community-driver")


def test_a_place_name_that_looks_like_two_words_is_left_alone(matcher):
    found = top(matcher, "Swansea based, I'm good with numbers")
    assert found and found[0] == "treasurer"


@pytest.mark.parametrize("text, meant", [
    ("help people with no food", "food_poverty"),
    ("hi i wnt 2 help ppl wiv no food", "food_poverty"),
    ("there's nothing for teenagers to do round here", "young_people"),
    ("there is no youth club round here", "youth_work"),
])
def test_what_someone_lacks_is_what_the_resident_wants_to_help_with(text, meant):
    assert parse_query(text).features.get("c:" + meant, 0) > 0


@pytest.mark.parametrize("text, unwanted", [("nothing to do with the police", "policing"),
                                            ("I have no interest in sport", "sport"), ("not dogs", "dogs")])
def test_a_dislike_still_counts_against(text, unwanted):
    assert parse_query(text).features["c:" + unwanted] < 0


def test_the_shops_as_a_place_are_not_a_charity_shop():
    assert "c:charity_shop" not in parse_query("flytipping behind the shops").features
