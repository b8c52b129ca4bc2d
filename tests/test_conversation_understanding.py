"""Reading residents' free text: passions, skills, postcodes and times."""
from __future__ import annotations

import pytest

from bot.conversation import understanding as read
from bot.conversation.finding import is_big_commitment
from bot.models import Opportunity


@pytest.mark.parametrize("typed,passion", [
    ("gardening", "gardening"),
    ("actually I'm more into gardening", "gardening"),
    ("Actually, I am really into wildlife instead", "wildlife"),
    ("what about tree planting instead?", "tree planting"),
    ("I would like to help with food banks", "food banks"),
    ("I love animals", "animals"),
    ("I care about climate change!", "climate change"),
    ("I’m passionate about youth clubs", "youth clubs"),
])
def test_passion_is_read_without_filler(typed: str, passion: str) -> None:
    assert read.passion_from(typed) == passion


def test_passion_that_is_all_filler_keeps_the_words() -> None:
    assert read.passion_from("actually") == "actually"


@pytest.mark.parametrize("typed,skills", [
    ("I'm good at cooking", "cooking"),
    ("i enjoy talking to people", "talking to people"),
    ("DIY and painting", "DIY and painting"),
])
def test_skills_are_read_without_filler(typed: str, skills: str) -> None:
    assert read.skills_from(typed) == skills


@pytest.mark.parametrize("typed,district,rest", [
    ("gardening near NG7", "NG7", "gardening"),
    ("ng7 2rd", "NG7", ""),
    ("dogs, I live in LE1 5WW", "LE1", "dogs"),
    ("I'm in DE1", "DE1", ""),
    ("no postcode here", None, "no postcode here"),
])
def test_postcode_is_found_in_free_text(typed: str, district: str | None, rest: str) -> None:
    assert read.district_in(typed) == (district, rest)


@pytest.mark.parametrize("typed,codes", [
    ("weekends", ["weekends"]),
    ("evenings and Saturdays", ["evenings", "weekends"]),
    ("just a one-off", ["one-off"]),
    ("a few hours a month, weekday daytimes", ["monthly", "weekdays"]),
    ("every week", ["weekly"]),
    ("whenever", []),
    ("free most nights", ["evenings"]),
    ("I work nights so daytime only", ["weekdays"]),
    ("I do night shifts", []),
])
def test_times_are_read(typed: str, codes: list[str]) -> None:
    assert read.availability_in(typed) == codes


@pytest.mark.parametrize("typed,words", [("🌳🐶", False), ("!!!", False), ("café", True), ("NG7", True)])
def test_words_are_told_from_emoji_and_punctuation(typed: str, words: bool) -> None:
    assert read.has_words(typed) is words


def test_very_long_text_is_read_only_so_far() -> None:
    assert len(read.clean("word " * 100_000)) <= read.MAX_INPUT_CHARS


@pytest.mark.parametrize("commitment,dbs,big", [
    ("2 hours every week for at least 6 months", None, True),
    ("one-off, Saturday morning", None, False),
    ("about 4 short surveys a year", None, False),
    ("first Saturday of the month", None, False),
    ("first Saturday of the month", True, True),
])
def test_big_commitments_are_recognised(commitment: str, dbs: bool | None, big: bool) -> None:
    assert is_big_commitment(Opportunity(id="x", title="x", commitment=commitment, dbs_check=dbs)) is big
