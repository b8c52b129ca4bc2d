"""The matcher's parts: words, spelling, times and ages, the lexicon, and fast search being exact."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.catalogue import annotate
from bot.config import SEED_FILE, TAXONOMY_FILE
from bot.matching import Matcher, parse_query
from bot.matching.lexicon import default_lexicon, load_lexicon
from bot.matching.schedule import (EVENINGS, When, age_from_text, bit, opportunity_when, participant_ages,
                                   picked_when, resident_when, time_fit)
from bot.matching.spelling import Speller
from bot.matching.stemmer import stem
from bot.matching.text import skeleton, words
from bot.transfer import read_opportunities

SATURDAY, WEDNESDAY, TUESDAY = 5, 2, 1
DAY, EVENING = 0, 1


# -- words -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [("volunteering", "volunteers"), ("gardening", "gardener"), ("police", "policing"),
                                  ("children", "child"), ("people", "person"), ("dogs", "dog")])
def test_word_forms_share_a_stem(a, b):
    assert stem(a) == stem(b)


def test_words_drop_possessives_and_apostrophes_and_split_hyphens():
    assert words("My nan's been lonely, I don't know; fly-tipping, Café") == [
        "my", "nan", "been", "lonely", "i", "dont", "know", "fly", "tipping", "cafe"]


def test_skeletons_keep_consonants():
    assert skeleton("pleece") == skeleton("police") == "plc"


# -- spelling --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def speller() -> Speller:
    vocabulary = ["animals", "volunteering", "police", "please", "refugees", "refuges", "mental", "gentle",
                  "health", "fly", "tipping", "gardening", "flat", "dementia"]
    frequency = {"refugees": 9, "refuges": 1, "police": 30, "please": 3, "mental": 12, "gentle": 2}
    return Speller(vocabulary, preferred=vocabulary, frequency=lambda w: frequency.get(w, 0))


@pytest.mark.parametrize("typo, meant", [("anmals", "animals"), ("demensia", "dementia"),
                                         ("pleece", "police"), ("refugess", "refugees"), ("mentle", "mental"),
                                         ("helth", "health"), ("gardning", "gardening")])
def test_misspellings_are_corrected_to_the_word_meant(speller, typo, meant):
    assert speller.correct(typo) == (meant,)


def test_run_together_words_are_split(speller):
    assert speller.correct("flytipping") == ("fly", "tipping")


def test_known_and_short_words_are_left_alone(speller):
    assert speller.correct("flat") is None and speller.correct("cat") is None


def test_a_misspelling_with_a_known_stem_needs_no_correcting(speller):
    assert speller.correct("volunterring") is None and stem("volunterring") == stem("volunteering")


def test_words_far_from_anything_known_are_left_alone(speller):
    assert speller.correct("binoculars") is None


# -- times and ages --------------------------------------------------------------------------------

def test_a_commitment_gives_its_days_and_parts_of_day():
    when = opportunity_when("Tuesday and Saturday mornings, 9.30am-12.30pm")
    assert when.mask == bit(TUESDAY, DAY) | bit(SATURDAY, DAY)


def test_an_evening_time_range_is_an_evening():
    assert opportunity_when("one evening a week, 6.30-9pm").mask == EVENINGS


def test_evenings_and_weekends_mean_any_evening_and_all_weekend():
    mask = opportunity_when("16 hours a month including evenings and weekends").mask
    assert mask & bit(WEDNESDAY, EVENING) and mask & bit(SATURDAY, DAY) and not mask & bit(WEDNESDAY, DAY)


def test_flexible_commitments_fit_any_time():
    when = opportunity_when("flexible - as often as you like")
    assert when.flexible and time_fit(when, resident_when("only free on saturdays")) is not None


def test_a_commitment_without_times_falls_back_to_the_description():
    assert opportunity_when("one shift a week", "Shifts are on Saturday mornings.").mask == bit(SATURDAY, DAY)


def test_only_saturdays_clashes_with_wednesdays():
    free = resident_when("only free on saturdays")
    assert free.strict and time_fit(opportunity_when("Wednesdays 10am-3pm"), free) is None


def test_working_nine_to_five_leaves_evenings_and_weekends():
    free = resident_when("I work 9-5")
    assert free.mask & bit(TUESDAY, EVENING) and free.mask & bit(SATURDAY, DAY) and not free.mask & bit(TUESDAY, DAY)


def test_a_one_off_pick_clashes_with_a_weekly_rota():
    assert time_fit(opportunity_when("one 3-hour shift a week"), picked_when(["one-off"])) is None
    assert time_fit(opportunity_when("one-off, Saturday 7 March 2026"), picked_when(["one-off"])) == 1.0


def test_unknown_times_get_the_benefit_of_the_doubt():
    assert time_fit(When(), picked_when(["weekends"])) == pytest.approx(0.85)


@pytest.mark.parametrize("text, age", [("I'm 15", 15), ("im 67, just retired", 67), ("aged 19", 19),
                                       ("I am 40 years old", 40), ("I work 9-5", None), ("my son is 12", None),
                                       ("I'm 5 minutes away", None)])
def test_the_residents_own_age_is_read_from_their_words(text, age):
    assert age_from_text(text) == age


def test_an_age_band_counts_only_when_it_is_who_the_opportunity_is_for():
    assert participant_ages("Volunteer Police Cadets (ages 13-17)", "", "group", 13) == (13, 17)
    assert participant_ages("Cadet Leader", "Help young people aged 13-17 grow", "volunteer", 18) is None
    assert participant_ages("Walk", "Walk 6-8pm; walkers aged 12-17 with an adult", "event", 12) is None


# -- the lexicon -----------------------------------------------------------------------------------

def test_the_lexicon_loads_and_credits_every_taxonomy_cause():
    lexicon = default_lexicon()
    homes = {term for c in lexicon.concepts.values() for term in c.odi}
    assert set(lexicon.odi_order) <= homes


def test_longest_phrase_wins_and_uses_its_words_once():
    lexicon = default_lexicon()
    found = {h.concept for h in lexicon.match(["boxing", "day", "lunch"], [stem(w) for w in ["boxing", "day", "lunch"]])}
    assert "boxing" not in found and "christmas" in found


def test_a_lexicon_naming_an_unknown_concept_is_refused(tmp_path: Path):
    broken = tmp_path / "lexicon.toml"
    broken.write_text('[[concept]]\nid = "a"\nterms = ["a"]\nbroader = ["nowhere"]\n')
    with pytest.raises(ValueError, match="unknown concept"):
        load_lexicon(broken, TAXONOMY_FILE)


def test_expansions_weigh_less_than_what_the_resident_said():
    query = parse_query("dogs")
    assert query.features["c:dogs"] == 1.0
    assert 0 < query.features["c:animals"] < query.features["c:dogs"]


def test_concepts_inside_a_phrase_outweigh_its_single_words():
    query = parse_query("people keep dumping mattresses on our street")
    assert query.features["c:clean_streets"] > query.features["w:mattress"]


# -- fast search is exact --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_matcher() -> Matcher:
    return Matcher([annotate(o) for o in read_opportunities(SEED_FILE).opportunities])


@pytest.mark.parametrize("text, postcode", [
    ("animals", None), ("I'm 15 and want to do something", "DE23 4"), ("mental health", "NG7 2"),
    ("only free on saturdays, like being outside", None), ("lonely older people", "LE1"),
    ("I want a say in how the council spends money", None), ("young people but not sport", None),
])
def test_search_returns_exactly_what_scoring_every_opportunity_would(seed_matcher, text, postcode):
    today = dt.date(2025, 11, 20)
    query = seed_matcher.parse(text)
    everything = [m for o in seed_matcher.opportunities
                  if (m := seed_matcher.score(query, o, postcode=postcode, today=today)) is not None]
    order = {o.id: i for i, o in enumerate(seed_matcher.opportunities)}
    expected = sorted(everything, key=lambda m: (-m.score, order[m.opportunity.id]))[:10]
    found = seed_matcher.search(query, postcode=postcode, today=today, limit=10)
    assert [m.opportunity.id for m in found] == [m.opportunity.id for m in expected]


# -- fast search stays exact when thousands tie (adversarial queries) ------------------------------

ADVERSARIAL = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "adversarial_queries.jsonl"


@pytest.fixture(scope="module")
def crowded_matcher() -> Matcher:
    """1,500 opportunities recombined from the seed set across a few hundred districts, like the
    speed benchmark's catalogue: many opportunities tie on topic and differ only by place and time."""
    import csv
    import dataclasses
    import random

    from bot.config import OUTCODES_FILE

    rng = random.Random(3)
    seeds = read_opportunities(SEED_FILE).opportunities
    with open(OUTCODES_FILE, newline="", encoding="utf-8") as f:
        districts = [row["outcode"] for row in csv.DictReader(f)][::7]
    opps = []
    for i in range(1500):
        base = seeds[i % len(seeds)]
        district = rng.choice(districts)
        opps.append(annotate(dataclasses.replace(
            base, id=f"{base.id}-{i}", postcode=None if base.remote else district, lat=None, lon=None,
            description=f"{base.description} {rng.choice(seeds).description.split('. ')[0]}")))
    return Matcher(opps)


def _adversarial() -> list[tuple[str, str | None]]:
    import json
    rows = [json.loads(line) for line in ADVERSARIAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["text"], pc) for r in rows for pc in (None, r["postcode"])]


def _exhaustive(matcher: Matcher, query, limit: int, **options) -> list:
    order = {o.id: i for i, o in enumerate(matcher.opportunities)}
    everything = [m for o in matcher.opportunities if (m := matcher.score(query, o, **options)) is not None]
    return sorted(everything, key=lambda m: (-m.score, order[m.opportunity.id]))[:limit]


@pytest.mark.parametrize("walk_early", [False, True], ids=["as-tuned", "walks-at-once"])
def test_adversarial_searches_return_exactly_what_scoring_every_opportunity_would(crowded_matcher, monkeypatch,
                                                                                   walk_early):
    from bot.matching import matcher as matcher_module
    from bot.matching import retrieval

    profiles: dict[str, object] = {}  # the reference scores each opportunity alone; analyse each once
    analyse = matcher_module.profile
    monkeypatch.setattr(matcher_module, "profile", lambda opp, *args: profiles.get(opp.id) or profiles.setdefault(
        opp.id, analyse(opp, *args)))
    if walk_early:  # make the other orders (nearest first, best time fit first) join in at once
        monkeypatch.setattr(retrieval, "WALK_AFTER", 0)
        monkeypatch.setattr(retrieval, "CROWDED", 0)
    today = dt.date(2025, 11, 20)
    cases = _adversarial() + [("dog walking", "LE2 1"), ("mental health", None), ("litter picking", "M1"),
                              ("young people but not sport", "NG7 2")]
    for text, postcode in cases:
        query = crowded_matcher.parse(text)
        for options in ({}, {"availability": ("weekends",)}, {"radius_km": 40.0}):
            if "radius_km" in options and postcode is None:
                continue
            found = crowded_matcher.search(query, postcode=postcode, today=today, limit=8, **options)
            expected = _exhaustive(crowded_matcher, query, 8, postcode=postcode, today=today, **options)
            # the same, best first; the search may stop short only where what is left is noise beside the best
            assert [m.opportunity.id for m in found] == [m.opportunity.id for m in expected[:len(found)]], (
                text, postcode, options)
            assert len(found) == len(expected) or expected[len(found)].score < 0.5 * found[0].score, (
                text, postcode, options)
