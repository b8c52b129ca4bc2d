"""Understanding added after the fourth relevance set ("blind 3"): what residents do NOT want,
a child's age that is not the resident's, doing something with one's children, bodies that
cannot be on their feet, partners who are not a topic, and loneliness told as a story.
Checked on what the words are understood to mean and on small hand-made catalogues, never on
the seed catalogue."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.catalogue import annotate
from bot.matching import Matcher, parse_query
from test_matching import catalogue

TODAY = dt.date(2025, 6, 1)


def features(text: str) -> dict[str, float]:
    return parse_query(text).features


def concepts(text: str) -> set[str]:
    return {f[2:] for f, w in features(text).items() if f.startswith("c:") and w >= 0.8}


def opportunity(id: str, title: str, description: str, commitment: str = "flexible", remote: bool = False):
    first = catalogue()[0]
    return annotate(dataclasses.replace(first, id=id, title=title, description=description, commitment=commitment,
                                        closing_date=None, min_age=None, remote=remote))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    """A family litter pick, a police role, a phone befriender and a kennel role."""
    pick = opportunity("pick", "Litter pick in the park", "Bags and pickers provided. Children welcome with an "
                       "adult.", "one-off, Saturday 10am-12pm")
    police = opportunity("police", "Police Support Volunteer", "Help at the police station front counter.")
    phone = opportunity("phone", "Telephone befriender", "Call an older person for a chat once a week, from "
                        "home.", "one 30-minute call a week", remote=True)
    kennel = opportunity("kennel", "Kennel volunteer", "Walk the dogs and clean the kennels.")
    return Matcher([*catalogue(), pick, police, phone, kennel])


def top(matcher: Matcher, text: str) -> list[str]:
    return [m.opportunity.id for m in matcher.search(text, today=TODAY)]


def test_a_not_reaches_across_small_words_to_the_topic():
    assert features("nothing to do with the police").get("c:policing", 0) < 0


def test_a_not_stops_at_but():
    assert features("not dogs but cats").get("c:cats", 0) > 0


def test_a_plain_word_after_a_not_is_not_wanted():
    assert "w:regular" not in features("just a one-off, nothing regular")


def test_a_phrase_starting_with_never_is_not_itself_negated():
    assert "loneliness" in concepts("the old lady across the road never sees a soul")


def test_my_childs_age_is_not_the_residents_age():
    assert parse_query("something I can do with my 10 year old").age is None


def test_the_residents_own_age_is_still_read():
    assert parse_query("I'm 10 years old").age == 10


def test_doing_something_with_my_child_means_family_friendly():
    assert "family_friendly" in concepts("something I can do with my 10 year old")


def test_bringing_my_kids_means_family_friendly():
    assert "family_friendly" in concepts("something I can bring my kids to on a sunday")


def test_using_a_wheelchair_points_to_what_can_be_done_from_home():
    assert "remote" in concepts("I use a wheelchair, what could I do?")


def test_sitting_down_points_to_what_can_be_done_from_home():
    assert "remote" in concepts("something I can do sitting down, my knees are shot")


def test_my_partner_is_not_a_topic():
    assert "w:partner" not in features("me and my partner want to do something together outdoors")


def test_face_to_face_is_not_a_topic():
    assert "w:face" not in features("I want to meet people face to face")


def test_good_at_chatting_is_a_listening_skill():
    assert "listening" in concepts("I'm good at chatting")


def test_a_parent_and_child_are_shown_what_children_can_come_to(matcher):
    assert top(matcher, "something I can do with my 10 year old")[0] == "pick"


def test_a_wheelchair_user_is_shown_what_can_be_done_from_home(matcher):
    assert top(matcher, "I use a wheelchair, what could I do?")[0] == "phone"


def test_not_wanting_the_police_never_shows_the_police(matcher):
    assert "police" not in top(matcher, "litter picking, nothing to do with the police")


def test_not_wanting_dogs_never_shows_dogs(matcher):
    assert "kennel" not in top(matcher, "anything outdoors but not dogs please")
