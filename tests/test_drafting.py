"""Drafting an opportunity from what a community worker pastes: only what the text says, never more."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.drafting import (MAX_PASTE, SOURCE, DraftProblem, PlaceAnswer, closed_on, draft_from_page, draft_from_text,
                          missing, only_link, read_link, read_place, read_title, to_opportunity)
from bot.models import derive_id

TODAY = dt.date(2025, 11, 1)
FIXTURES = Path(__file__).parent / "fixtures" / "drafting"


def draft_of(name: str) -> dict:
    return draft_from_text((FIXTURES / name).read_text(), today=TODAY)


def test_a_full_description_gives_title_link_place_and_facts() -> None:
    draft = draft_of("litter-pick.txt")
    assert draft["title"] == "Litter pick in Lenton Park"
    assert draft["url"] == "https://example.org/litter-pick"  # the full stop after it is not part of it
    assert draft["postcode"] == "NG7 2RD"
    assert draft["place"] == "Lenton Park, NG7 2RD"
    assert draft["min_age"] == 16
    assert draft["closing_date"] == "2025-11-30"
    assert "Saturday morning" in draft["commitment"]
    assert draft["description"].startswith("Join Friends of Lenton Park")  # the title line is not repeated
    assert missing(draft) is None


def test_labelled_lines_are_read_like_a_pages_facts() -> None:
    draft = draft_of("labelled.txt")
    assert draft["title"] == "Youth panel members"
    assert draft["organisation"] == "Nottingham City Council"
    assert draft["min_age"] == 14
    assert draft["commitment"] == "One evening a month"
    assert draft["remote"] is True  # "Location: Online"
    assert draft["url"] == "https://www.example.gov.uk/youth-panel"
    assert draft["closing_date"] == "2025-12-15"
    assert missing(draft) is None


def test_a_paragraph_gives_its_first_sentence_as_title_and_the_organisation_it_names() -> None:
    draft = draft_of("drivers-no-link.txt")
    assert draft["title"] == "We need volunteer drivers to take older people to hospital appointments"
    assert draft["organisation"] == "Age Friendly Nottingham"
    assert draft["dbs_check"] is False
    assert draft["postcode"] == "NG1 5AW"
    assert "url" not in draft
    assert missing(draft) == "url"


def test_nothing_is_invented_when_the_text_does_not_say() -> None:
    draft = draft_of("no-title.txt")
    assert "title" not in draft  # the first line is only a link
    assert draft["url"] == "https://example.org/befriending"
    assert draft["remote"] is True
    for field in ("organisation", "min_age", "dbs_check", "closing_date", "postcode"):
        assert field not in draft
    assert missing(draft) == "title"


def test_a_bare_district_in_running_text_is_not_taken_as_the_place() -> None:
    draft = draft_of("not-a-postcode.txt")  # "the M1 services"
    assert "postcode" not in draft
    assert missing(draft) == "place"


def test_text_saying_it_has_closed_is_marked_closed() -> None:
    assert closed_on(draft_of("closed.txt"), TODAY) == "closed"
    assert closed_on({"closing_date": "2025-10-31"}, TODAY) == "2025-10-31"
    assert closed_on({"closing_date": "2025-11-01"}, TODAY) is None


def test_text_longer_than_one_telegram_message_is_refused_not_cut() -> None:
    with pytest.raises(DraftProblem) as e:
        draft_from_text("Litter pick\n" + "word " * MAX_PASTE, today=TODAY)
    assert e.value.code == "too-long"


def test_text_without_words_is_refused() -> None:
    with pytest.raises(DraftProblem) as e:
        draft_from_text("  12 34 \n !!! ", today=TODAY)
    assert e.value.code == "empty"


def test_only_link_recognises_a_message_that_is_just_a_link() -> None:
    assert only_link(" https://example.org/a?b=1 ") == "https://example.org/a?b=1"
    assert only_link("<https://example.org/a>") == "https://example.org/a"
    assert only_link("see https://example.org/a") == ""
    assert only_link("example.org") == ""


@pytest.mark.parametrize("typed, code", [("ftp://example.org/file", "not-web"), ("www.example.org", "not-web"),
                                         ("javascript:alert(1)", "not-link"), ("the council website", "not-link")])
def test_a_link_must_be_http_or_https(typed: str, code: str) -> None:
    with pytest.raises(DraftProblem) as e:
        read_link(typed)
    assert e.value.code == code


def test_a_good_link_is_kept_as_typed() -> None:
    assert read_link("https://example.org/join-us") == "https://example.org/join-us"


def test_a_title_needs_words_and_a_sensible_length() -> None:
    assert read_title("  Litter   pick ") == "Litter pick"
    for typed, code in (("!!", "empty"), ("x" * 301, "too-long")):
        with pytest.raises(DraftProblem) as e:
            read_title(typed)
        assert e.value.code == code


def test_place_answers() -> None:
    assert read_place("Lenton Community Centre, NG7 2RD") == PlaceAnswer("NG7 2RD", "Lenton Community Centre")
    assert read_place("ng7") == PlaceAnswer("NG7")
    assert read_place("It can be done from home") == PlaceAnswer(remote=True)
    assert read_place("online") == PlaceAnswer(remote=True)


def test_place_problems_say_what_is_wrong() -> None:
    with pytest.raises(DraftProblem) as e:
        read_place("the park")
    assert e.value.code == "no-postcode"
    with pytest.raises(DraftProblem) as e:
        read_place("ZZ9")
    assert (e.value.code, e.value.detail) == ("unknown-district", "ZZ9")


def test_a_pages_fields_become_a_draft_with_the_page_as_link() -> None:
    draft = draft_from_page({"title": "Befrienders", "url": "", "organisation": "Age UK", "status": "x",
                             "min_age": None}, "https://example.org/befrienders")
    assert draft == {"title": "Befrienders", "url": "https://example.org/befrienders", "organisation": "Age UK"}


def test_a_finished_draft_becomes_a_checked_opportunity_with_a_stable_id() -> None:
    draft = draft_of("litter-pick.txt")
    opportunity = to_opportunity(draft)
    assert opportunity.id == derive_id(SOURCE, "https://example.org/litter-pick", "Litter pick in Lenton Park")
    assert opportunity.id == to_opportunity(dict(draft)).id
    assert opportunity.source == SOURCE and opportunity.postcode == "NG7 2RD" and opportunity.min_age == 16
