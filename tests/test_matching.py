"""The matcher, behaviour by behaviour, on a small hand-made catalogue (tests/fixtures/matching)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.catalogue import annotate
from bot.matching import Matcher, find_causes, parse_query
from bot.models import Opportunity
from bot.places import InvalidPostcode, UnknownPostcode
from bot.transfer import read_opportunities
from conftest import FIXTURES

TODAY = dt.date(2025, 6, 1)


def catalogue() -> list[Opportunity]:
    return [annotate(o) for o in read_opportunities(FIXTURES / "matching" / "opportunities.jsonl").opportunities]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(catalogue())


def ids(matches) -> list[str]:
    return [m.opportunity.id for m in matches]


def top(matcher: Matcher, text: str, **options) -> list[str]:
    return ids(matcher.search(text, today=TODAY, **options))


# -- understanding what residents mean ---------------------------------------------------------

def test_a_wish_to_help_has_no_topic_but_a_cause_we_lack_does(matcher):
    assert not matcher.has_topic("I just want to give back to my community")
    assert matcher.has_topic("falconry")
    assert matcher.has_topic("gardening")


def test_only_the_residents_own_age_is_read_as_theirs(matcher):
    assert matcher.parse("I'm 15 and I love animals").age == 15
    assert matcher.parse("I have 2 kids aged 8 and 10").age is None
    assert matcher.parse("my son is 12 years old, he loves football").age is None


def test_misspelt_words_are_understood(matcher):
    assert set(top(matcher, "volunterring with anmals")[:2]) == {"dog-walking", "cat-fostering"}
    assert top(matcher, "intrepreter")[0] == "interpreter"
    assert top(matcher, "consevation")[:2] == top(matcher, "conservation")[:2]


def test_pets_dogs_and_cats_all_mean_animals(matcher):
    for words in ("pets", "I love dogs", "cats"):
        assert set(top(matcher, words)[:2]) & {"dog-walking", "cat-fostering"}, words


def test_mattresses_dumped_in_the_street_finds_litter_picking(matcher):
    assert top(matcher, "people keep dumping mattresses on our street")[0] == "litter-pickers"


def test_knife_crime_finds_youth_mentoring(matcher):
    assert top(matcher, "knife crime is getting worse round here")[0] == "youth-mentor"


def test_a_lonely_nan_finds_befriending_older_people(matcher):
    found = top(matcher, "my nan is really lonely, I'd like to help people like her")
    assert set(found[:2]) == {"befriending", "phone-befriender"}


def test_a_retired_accountant_is_offered_the_treasurer_role(matcher):
    assert top(matcher, "I'm a retired accountant")[0] == "treasurer"


def test_speaking_turkish_finds_interpreting(matcher):
    assert top(matcher, "I speak Turkish")[0] == "interpreter"


def test_having_a_car_finds_driving(matcher):
    assert top(matcher, "I've got a car and some spare time")[0] == "community-driver"


def test_wanting_a_say_finds_consultations(matcher):
    assert top(matcher, "I want a say in how the council spends money")[0] == "budget-consultation"


def test_helping_from_home_prefers_what_can_be_done_from_home(matcher):
    assert top(matcher, "I'm housebound but would love to chat to lonely people from home")[0] == "phone-befriender"


def test_saying_not_to_a_topic_counts_against_it(matcher):
    with_sport = matcher.search("young people, sport", today=TODAY, limit=10)
    without_sport = matcher.search("young people, but not sport", today=TODAY, limit=10)
    score = {m.opportunity.id: m.score for m in with_sport}
    lowered = {m.opportunity.id: m.score for m in without_sport}
    assert lowered.get("football-coach", 0) < score["football-coach"]


# -- age and time ----------------------------------------------------------------------------------

def test_a_15_year_old_never_sees_anything_with_a_higher_minimum_age(matcher):
    found = matcher.search("I'm 15 and want to do something", today=TODAY, limit=20)
    assert found and all((m.opportunity.min_age or 0) <= 15 for m in found)
    assert found[0].opportunity.id == "youth-council"


def test_an_age_given_by_the_caller_filters_too(matcher):
    assert "youth-mentor" not in top(matcher, "knife crime", age=19, limit=20)
    assert "youth-mentor" in top(matcher, "knife crime", age=25, limit=20)


def test_an_adult_is_not_offered_a_scheme_for_teenagers_only(matcher):
    assert "youth-council" not in top(matcher, "I'm 30 and want a say", limit=20)


def test_only_free_on_saturdays_puts_the_saturday_session_first(matcher):
    found = top(matcher, "only free on saturdays, I like conservation")
    assert found.index("reserve-saturday") < found.index("reserve-wednesday")


def test_evenings_said_in_words_put_evening_roles_first(matcher):
    found = top(matcher, "I work 9-5 so only evenings, something with young people")
    assert found[0] == "evening-youth-club"


def test_picked_evenings_leave_out_daytime_only_roles(matcher):
    found = top(matcher, "youth club", availability=["evenings"], limit=10)
    assert "evening-youth-club" in found and "daytime-youth-club" not in found


def test_picking_one_off_leaves_out_weekly_commitments(matcher):
    found = top(matcher, "young people", availability=["one-off"], limit=20)
    assert "youth-mentor" not in found


# -- place ------------------------------------------------------------------------------------------

def test_nearer_comes_first_among_equally_fitting(matcher):
    assert top(matcher, "friends of the park", postcode="NG7 2AA")[:2] == ["park-friends-near", "park-friends-far"]
    assert top(matcher, "friends of the park", postcode="LS1 4AP")[:2] == ["park-friends-far", "park-friends-near"]


def test_distance_never_beats_a_better_topic(matcher):
    found = top(matcher, "dog walking", postcode="NG12 5")
    assert found[0] == "dog-walking"


def test_a_radius_cuts_far_ones_out_but_keeps_remote_ones(matcher):
    found = top(matcher, "lonely older people", postcode="LE2 1", radius_km=10, limit=10)
    assert "phone-befriender" in found
    assert "befriending" not in found  # Nottingham is about 40 km from Leicester


def test_distance_is_reported_for_place_bound_ones_only(matcher):
    found = {m.opportunity.id: m for m in matcher.search("lonely older people", postcode="NG7 1", today=TODAY)}
    assert found["befriending"].distance_km is not None and found["befriending"].distance_km < 5
    assert found["phone-befriender"].distance_km is None


@pytest.mark.parametrize("postcode, error", [("banana", InvalidPostcode), ("ZZ99 9ZZ", UnknownPostcode)])
def test_a_bad_postcode_is_refused(matcher, postcode, error):
    with pytest.raises(error):
        matcher.search("dogs", postcode=postcode)


# -- what is never shown ------------------------------------------------------------------------

def test_past_its_closing_date_it_is_never_shown(matcher):
    assert "closed-consultation" not in top(matcher, "dogs in parks consultation", limit=20)
    earlier = ids(matcher.search("dogs in parks consultation", today=dt.date(2025, 1, 1), limit=20))
    assert "closed-consultation" in earlier


def test_no_longer_offered_it_is_never_shown():
    opps = catalogue()
    opps = [dataclasses.replace(o, offered=False) if o.id == "treasurer" else o for o in opps]
    assert "treasurer" not in top(Matcher(opps), "treasurer accounts bookkeeping", limit=20)


def test_what_the_resident_said_no_to_is_never_shown(matcher):
    found = top(matcher, "animals", exclude={"dog-walking"}, limit=20)
    assert "dog-walking" not in found and "cat-fostering" in found


# -- why it matched ------------------------------------------------------------------------------

def test_why_names_what_matched_in_human_words_and_the_distance(matcher):
    match = matcher.search("dog walking", postcode="LE2 1", today=TODAY)[0]
    assert match.why().startswith("matches: dog walking")
    assert match.why().endswith(" km")


def test_why_does_not_repeat_a_word_already_inside_a_shown_reason(matcher):
    match = matcher.search("people keep dumping mattresses on our street", today=TODAY)[0]
    assert match.opportunity.id == "litter-pickers"
    assert "clean streets" in match.reasons and "street" not in match.reasons
    scored = matcher.score("people keep dumping mattresses on our street", match.opportunity, today=TODAY)
    assert scored is not None and scored.reasons == match.reasons


def test_why_uses_the_residents_words_not_stems(matcher):
    match = matcher.search("volunteering with animals", today=TODAY)[0]
    assert "anim" not in match.reasons and "animals" in match.reasons


# -- awkward input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    '"dogs" NEAR(cats, 2) AND (walking OR *', "NOT AND OR", "dog*", "'; drop table opportunities; --",
    "", "   ", "🐶🐱🎉", "\x00\x01", "dogs " * 5000, "x" * 100_000, "ÀÉÎ café",
])
def test_awkward_queries_never_raise(matcher, text):
    found = matcher.search(text, today=TODAY)
    assert isinstance(found, list)


def test_queries_that_say_nothing_find_nothing(matcher):
    assert top(matcher, "") == [] and top(matcher, "😍🎉👍") == [] and top(matcher, "hello") == []


def test_emoji_that_name_a_topic_are_read_as_words(matcher):
    assert set(top(matcher, "🐶🐱")) & {"cat-fostering", "dog-walking"}


def test_an_empty_catalogue_finds_nothing():
    assert Matcher([]).search("dogs") == []


# -- the reverse matcher, causes and freshness -----------------------------------------------------

def test_scoring_one_opportunity_agrees_with_search(matcher):
    query = matcher.parse("lonely older people")
    for match in matcher.search(query, today=TODAY, limit=5):
        single = matcher.score(query, match.opportunity, today=TODAY)
        assert single is not None and single.score == pytest.approx(match.score)


def test_scoring_one_opportunity_says_none_when_it_would_not_be_shown(matcher):
    query = parse_query("I'm 15, dog walking")
    dog_walking = next(o for o in matcher.opportunities if o.id == "dog-walking")
    assert matcher.score(query, dog_walking, today=TODAY) is None  # needs 18+


def test_causes_come_from_the_volunteering_data_standard():
    assert find_causes("Dog walking for older people") == ["Animal Welfare", "Older People"]
    assert find_causes("") == [] and find_causes("🎉") == [] and find_causes("🐶") == ["Animal Welfare"]
