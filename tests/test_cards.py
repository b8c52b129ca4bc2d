"""A match as a card: each fact once, in plain words, escaped, within Telegram's limits."""
from __future__ import annotations

from bot.conversation.cards import MAX_TELEGRAM_TEXT, card, visible_length
from bot.matching import Match
from bot.matching.index import explain
from bot.models import Opportunity

KENNELS = Opportunity(
    id="kennels", title="Kennel & cattery volunteer", organisation="Trentside <Animal> Rescue",
    url="https://example.org/kennels", place="Radcliffe on Trent", commitment="one morning a week",
    min_age=16, dbs_check=True, description="Help care for the dogs and cats waiting for new homes.")


def kennel_card(*, distance: float | None = 10.7, explain_dbs: bool = False) -> str:
    match = Match(KENNELS, 0.7, distance, ["animals", "dog walking"])
    return card(match, None, explain_dbs=explain_dbs).html


def test_the_distance_is_shown_once_on_the_where_line() -> None:
    html = kennel_card()
    assert "Where: Radcliffe on Trent · 11 km away" in html
    assert html.count("km") == 1


def test_the_matched_words_have_a_line_of_their_own() -> None:
    assert "<i>Matches: animals, dog walking</i>" in kennel_card()


def test_minimum_age_and_dbs_share_a_line_and_the_check_is_explained_beneath_it() -> None:
    lines = kennel_card(explain_dbs=True).splitlines()
    asks = lines.index("Age 16 and over · Needs a DBS check")
    assert "criminal record check" in lines[asks + 1]
    assert "criminal record check" not in kennel_card()


def test_everything_from_the_data_is_escaped() -> None:
    html = kennel_card()
    assert "<b>Kennel &amp; cattery volunteer</b>" in html
    assert "Trentside &lt;Animal&gt; Rescue" in html


def test_a_card_with_long_data_stays_short() -> None:
    long = Opportunity(id="x", title="t " * 3000, organisation="o " * 3000, place="p " * 3000,
                       commitment="c " * 3000, description="d " * 3000)
    assert visible_length(card(Match(long, 0.5, 3.0, ["w " * 500]), None).html) < MAX_TELEGRAM_TEXT // 2


def test_reasons_never_repeat_one_another() -> None:
    labels = {"a": "children", "b": "children and young people", "c": "schools and education"}
    assert explain([("a", 1.0), ("b", 0.9), ("c", 0.5)], labels) == ["children", "schools and education"]
