"""The conversation core, driven directly: the /start dialogue, cards and their buttons.

The helpers here (Chat, TODAY, load_fixture) are shared by the other test_conversation_* files.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.catalogue import add_opportunities
from bot.conversation import Conversation, Step, wording
from bot.messages import Button, Incoming, Reply
from bot.store import Store
from bot.transfer import read_opportunities

TODAY = dt.date(2025, 11, 1)  # the seed data's closing dates are judged as of this day
FIXTURES = Path(__file__).parent / "fixtures" / "conversation"


def load_fixture(store: Store, name: str) -> None:
    add_opportunities(store, read_opportunities(FIXTURES / name).opportunities)


class Chat:
    """One resident talking to the core, keeping every reply for later checks."""

    def __init__(self, store: Store, resident_id: int = 1, *, chat_id: int = 101, private: bool = True,
                 conversation: Conversation | None = None):
        self.store = store
        self.conversation = conversation or Conversation(store, None, today=TODAY)
        self.resident_id = resident_id
        self.chat_id = chat_id
        self.private = private
        self.last: list[Reply] = []
        self.history: list[Reply] = []

    def send(self, incoming: Incoming) -> list[Reply]:
        self.last = self.conversation.handle(self.resident_id, incoming, chat_id=self.chat_id, private=self.private)
        self.history += self.last
        return self.last

    def say(self, text: str) -> list[Reply]:
        return self.send(Incoming("text", text=text))

    def command(self, name: str, args: str = "") -> list[Reply]:
        return self.send(Incoming("command", command=name, text=args))

    def press(self, data: str) -> list[Reply]:
        return self.send(Incoming("choice", choice=data))

    def press_label(self, label: str) -> list[Reply]:
        return self.press(self.button(label).data)

    def share(self, lat: float, lon: float) -> list[Reply]:
        return self.send(Incoming("location", location=(lat, lon)))

    def button(self, label: str) -> Button:
        for button in self.buttons():
            if button.label.lstrip("✓ ") == label:
                return button
        raise AssertionError(f"no button {label!r} in {[b.label for b in self.buttons()]}")

    def buttons(self, replies: list[Reply] | None = None) -> list[Button]:
        return [b for r in (self.last if replies is None else replies) for row in r.buttons for b in row]

    def text(self) -> str:
        return "\n".join(r.html for r in self.last)

    def cards(self) -> list[Reply]:
        return [r for r in self.last if any(b.data.startswith("hide") for b in self.buttons([r]))]

    def card_ids(self) -> list[str]:
        ids = []
        for card in self.cards():
            data = next(b.data for b in self.buttons([card]) if b.data.startswith("hide"))
            ids.append(data.split(":", 1)[1] if ":" in data else self.state()["state_data"]["refs"][data.split("#")[1]])
        return ids

    def state(self) -> dict:
        row = self.store.get_resident(self.resident_id)
        assert row is not None
        return row

    def step(self) -> Step:
        return Step(self.state()["state"])

    def answer_everything(self, passion: str = "nature, parks and gardening", postcode: str = "NG7") -> list[Reply]:
        self.command("start")
        self.say(passion)
        self.press_label("Skip")
        self.say(postcode)
        return self.press_label("Done")


# -- /start and its questions -------------------------------------------------------------------

def test_start_asks_for_passion_first(chat: Chat) -> None:
    replies = chat.command("start")
    assert "Get Involved" in replies[0].html
    assert "passionate about" in replies[-1].html
    assert chat.step() is Step.PASSION


def test_start_offers_quick_picks_for_common_causes(chat: Chat) -> None:
    chat.command("start")
    picks = [b for b in chat.buttons() if b.data.startswith("pas:")]
    assert len(picks) >= 6
    assert "Animals" in [b.label for b in picks]


def test_quick_pick_keeps_the_cause_as_passion(chat: Chat) -> None:
    chat.command("start")
    chat.press_label("Animals")
    assert "animals" in chat.state()["passions"]
    assert chat.step() is Step.SKILLS


def test_passion_in_own_words_is_kept_without_filler(chat: Chat) -> None:
    chat.command("start")
    chat.say("I really love helping older people")
    assert chat.state()["passions"] == "helping older people"


def test_skills_question_follows_passion_and_is_skippable(chat: Chat) -> None:
    chat.command("start")
    replies = chat.say("gardening")
    assert "good at" in replies[-1].html
    chat.press_label("Skip")
    assert chat.step() is Step.PLACE
    assert chat.state()["skills"] is None


def test_typed_skip_also_skips_skills(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.say("nothing really")
    assert chat.step() is Step.PLACE
    assert chat.state()["skills"] is None


def test_skills_are_kept(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.say("cooking and DIY")
    assert chat.state()["skills"] == "cooking and DIY"


def test_full_postcode_is_stored_as_district_only(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.say("ng7 2rd")
    row = chat.state()
    assert row["postcode"] == "NG7"
    assert "2RD" not in json.dumps(row, default=str).upper()


def test_shared_location_is_stored_as_district_only(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    replies = chat.share(52.9536, -1.1505)  # Nottingham city centre
    row = chat.state()
    assert row["postcode"] == "NG1"
    assert "52.95" not in json.dumps(row, default=str)
    assert "How much time" in replies[-1].html


def test_location_outside_the_uk_is_refused_kindly(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    replies = chat.share(48.8566, 2.3522)  # Paris
    assert "postcode" in replies[0].html
    assert chat.step() is Step.PLACE
    assert chat.state()["postcode"] is None


def test_invalid_postcode_is_explained_and_asked_again(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    replies = chat.say("not a place 123")
    assert "doesn't look like a UK postcode" in replies[0].html
    assert chat.step() is Step.PLACE


def test_a_resident_stuck_at_the_place_question_can_go_on_without_one(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.say("somewhere near the big tesco")
    assert wording.SKIP_PLACE in [b.label for b in chat.buttons()]
    chat.press_label(wording.SKIP_PLACE)
    assert chat.step() is Step.TIME


def test_an_age_said_with_the_passion_leaves_out_roles_for_older_volunteers(chat: Chat) -> None:
    chat.command("start")
    chat.say("I'm 15 and I love animals")
    chat.press_label("Skip")
    chat.say("NG12")
    chat.say("weekends")
    ages = [chat.store.get_opportunity(i).min_age for i in chat.card_ids()]
    assert ages and all(age is None or age <= 15 for age in ages)
    assert "Your age, as you told me: 15" in chat.command("mydata")[0].html


@pytest.mark.parametrize("said", ["something with my kids, they're 8 and 10", "I have 2 kids aged 8 and 10",
                                  "litter picking, I'm 5 minutes from the park"])
def test_other_peoples_ages_and_other_numbers_are_not_the_residents_age(chat: Chat, said: str) -> None:
    chat.command("start")
    chat.say(said)
    assert "age" not in chat.state()["state_data"]


def test_unknown_district_is_named(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    replies = chat.say("ZZ9 9ZZ")
    assert "ZZ9" in replies[0].html
    assert chat.step() is Step.PLACE


def test_place_can_be_kept_from_last_time(chat: Chat) -> None:
    chat.answer_everything(postcode="LE1")
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.press_label("Keep LE1")
    assert chat.step() is Step.TIME
    assert chat.state()["postcode"] == "LE1"


def test_place_can_be_skipped(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.press_label("I'd rather not say")
    assert chat.step() is Step.TIME
    assert chat.state()["postcode"] is None


def test_postcode_in_the_passion_answer_skips_the_place_question(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening near NG7")
    assert chat.state()["postcode"] == "NG7"
    assert chat.state()["passions"] == "gardening"
    chat.press_label("Skip")
    assert chat.step() is Step.TIME


def test_time_is_multi_select_with_ticks_then_done(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.say("NG7")
    chat.press_label("Weekends")
    replies = chat.press_label("Evenings")
    assert replies[0].edit
    ticked = [b.label for b in chat.buttons() if b.label.startswith("✓")]
    assert ticked == ["✓ Evenings", "✓ Weekends"]
    assert chat.state()["availability"] == ["evenings", "weekends"]
    chat.press_label("Done")
    assert chat.step() is Step.RESULTS


def test_pressing_a_time_twice_unticks_it(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.say("NG7")
    chat.press_label("Weekdays")
    chat.press_label("Weekdays")
    assert chat.state()["availability"] == []


def test_typed_times_are_understood(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.say("NG7")
    chat.say("weekends and the odd evening")
    assert chat.state()["availability"] == ["evenings", "weekends"]
    assert chat.step() is Step.RESULTS


# -- results ------------------------------------------------------------------------------------

def test_answers_lead_to_three_cards(chat: Chat) -> None:
    chat.answer_everything()
    assert len(chat.cards()) == 3


def test_cards_show_title_organisation_place_and_link(chat: Chat) -> None:
    chat.answer_everything()
    opp = chat.store.get_opportunity(chat.card_ids()[0])
    card = chat.cards()[0].html
    assert f"<b>{opp.title}</b>" in card.replace("&#x27;", "'")
    assert opp.organisation.replace("'", "&#x27;") in card
    assert "Where:" in card
    assert [b.url for b in chat.buttons([chat.cards()[0]]) if b.url] == [opp.url]


def test_cards_say_why_they_matched(chat: Chat) -> None:
    chat.answer_everything()
    assert all("Matches:" in card.html for card in chat.cards())


def test_cards_show_distance_from_the_district(chat: Chat) -> None:
    chat.answer_everything()
    assert any("km away" in card.html for card in chat.cards())


def test_cards_offer_more_like_this_not_for_me_and_save(chat: Chat) -> None:
    chat.answer_everything()
    labels = [b.label for b in chat.buttons([chat.cards()[0]]) if b.data]
    assert labels == ["More like this", "Not for me", "Save"]


def test_card_shows_commitment_minimum_age_and_dbs(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("postcode", "NG7")
    chat.command("search", "puppy walker police dogs")
    card = next(c.html for c in chat.cards() if "Puppy Walker" in c.html)
    assert "Time: care for a puppy" in card
    assert "Age 18 and over" in card


def test_dbs_check_is_explained_the_first_time_only(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("postcode", "NG7")
    chat.command("search", "befriending older people")
    first = [c.html for c in chat.cards() if "Needs a DBS check" in c.html]
    assert first and "criminal record check" in first[0]
    assert sum("criminal record check" in c.html for c in chat.cards()) == 1
    chat.press_label("Show me more")
    chat.command("search", "befriending older people")
    assert not any("criminal record check" in r.html for r in chat.last)


def test_results_end_with_an_offer_of_news(chat: Chat) -> None:
    chat.answer_everything()
    assert "tell you when something new" in chat.last[-1].html
    assert [b.data for b in chat.buttons([chat.last[-1]]) if b.data.startswith("sub")] == ["sub:yes", "sub:no"]


def test_yes_to_the_offer_subscribes_to_the_passions(chat: Chat) -> None:
    chat.answer_everything()
    replies = chat.press("sub:yes")
    assert chat.store.subscriptions(1) == [""]
    assert "/unsubscribe" in replies[0].html


def test_no_to_the_offer_subscribes_nothing_and_is_not_repeated(chat: Chat) -> None:
    chat.answer_everything()
    chat.press("sub:no")
    chat.press("next")
    assert chat.store.subscriptions(1) == []
    assert "tell you when something new" not in chat.text()


def test_start_small_is_suggested_when_everything_is_a_big_commitment(store: Store) -> None:
    load_fixture(store, "big-commitments.jsonl")
    chat = Chat(store)
    chat.command("postcode", "NG7")
    chat.command("search", "knitting")
    assert len(chat.cards()) == 3
    assert "start small" in chat.last[-1].html
    assert chat.button("Something smaller").data == "small"


def test_start_small_is_not_suggested_when_a_small_step_is_there(store: Store) -> None:
    load_fixture(store, "big-commitments.jsonl")
    load_fixture(store, "small-step.jsonl")
    chat = Chat(store)
    chat.command("postcode", "NG7")
    chat.command("search", "knitting drop-in")
    assert "knit-drop-in" in chat.card_ids()
    assert "start small" not in chat.text()


def test_something_smaller_finds_a_small_first_step(store: Store) -> None:
    load_fixture(store, "big-commitments.jsonl")
    chat = Chat(store)
    chat.command("postcode", "NG7")
    chat.command("search", "knitting")
    load_fixture(store, "small-step.jsonl")
    chat.press("small")
    assert chat.card_ids() == ["knit-drop-in"]


def test_nothing_smaller_is_said_kindly(store: Store) -> None:
    load_fixture(store, "big-commitments.jsonl")
    chat = Chat(store)
    chat.command("postcode", "NG7")
    chat.command("search", "knitting")
    replies = chat.press("small")
    assert replies and "smaller first step" in replies[0].html


def test_not_for_me_is_never_shown_again(chat: Chat) -> None:
    chat.answer_everything()
    hidden = chat.card_ids()[0]
    chat.press(f"hide:{hidden}")
    seen = list(chat.card_ids())
    for _ in range(5):
        chat.press("next")
        seen += chat.card_ids()
    chat.command("search", "gardening")
    seen += chat.card_ids()
    chat.command("start")
    chat.answer_everything()
    seen += chat.card_ids()
    assert hidden in chat.store.hidden_ids(1)
    assert hidden not in seen


def test_not_for_me_offers_another_in_its_place(chat: Chat) -> None:
    chat.answer_everything()
    first = chat.card_ids()
    replies = chat.press(f"hide:{first[0]}")
    assert "won't show you" in replies[0].html
    assert chat.card_ids() and chat.card_ids()[0] not in first


def test_not_for_me_pressed_twice_is_answered_gently(chat: Chat) -> None:
    chat.answer_everything()
    hidden = chat.card_ids()[0]
    chat.press(f"hide:{hidden}")
    replies = chat.press(f"hide:{hidden}")
    assert replies == [Reply("You've already told me that one isn't for you.")]


def test_save_keeps_the_opportunity(chat: Chat) -> None:
    chat.answer_everything()
    saved = chat.card_ids()[1]
    replies = chat.press(f"save:{saved}")
    assert chat.store.saved_ids(1) == [saved]
    assert "Saved" in replies[0].html


def test_save_pressed_twice_keeps_one(chat: Chat) -> None:
    chat.answer_everything()
    saved = chat.card_ids()[1]
    chat.press(f"save:{saved}")
    replies = chat.press(f"save:{saved}")
    assert chat.store.saved_ids(1) == [saved]
    assert "already saved" in replies[0].html


def test_more_like_this_shows_new_similar_ones(chat: Chat) -> None:
    chat.answer_everything()
    first = chat.card_ids()
    chat.press(f"more:{first[0]}")
    assert chat.card_ids()
    assert not set(chat.card_ids()) & set(first)


def test_show_me_more_never_repeats(chat: Chat) -> None:
    chat.answer_everything()
    seen = chat.card_ids()
    chat.press_label("Show me more")
    assert chat.card_ids()
    assert not set(chat.card_ids()) & set(seen)


def test_no_results_is_never_empty(chat: Chat) -> None:
    chat.command("postcode", "NG7")
    replies = chat.command("search", "xyzzy plugh")
    assert replies and "couldn't find anything" in replies[0].html
    assert any(b.data.startswith("pas:") for b in chat.buttons())


def test_nothing_local_offers_things_to_do_from_home(chat: Chat) -> None:
    chat.command("postcode", "IV1")  # Inverness: far from every seed opportunity
    chat.command("search", "surveys have your say")
    assert "from home" in chat.last[0].html
    ids = chat.card_ids()
    assert ids and all(chat.store.get_opportunity(i).remote for i in ids)


# -- free text at any point ---------------------------------------------------------------------

def test_new_passion_in_free_text_restarts_matching(chat: Chat) -> None:
    chat.answer_everything(passion="animals")
    chat.say("actually I'm more into gardening")
    assert chat.state()["passions"] == "gardening"
    titles = " ".join(c.html for c in chat.cards()).lower()
    assert "garden" in titles


def test_change_of_mind_during_skills_keeps_the_question(chat: Chat) -> None:
    chat.command("start")
    chat.say("animals")
    replies = chat.say("actually I'm more into gardening")
    assert chat.state()["passions"] == "gardening"
    assert chat.step() is Step.SKILLS
    assert "good at" in replies[-1].html


def test_postcode_typed_after_results_sets_place_and_refreshes(chat: Chat) -> None:
    chat.answer_everything(postcode="NG7")
    chat.say("I live in LE1 now")
    assert chat.state()["postcode"] == "LE1"
    assert chat.state()["passions"] == "nature, parks and gardening"
    assert "near LE1" in chat.text()


def test_postcode_typed_during_the_time_question_keeps_asking_it(chat: Chat) -> None:
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.say("NG7")
    replies = chat.say("sorry, I meant LE1")
    assert chat.state()["postcode"] == "LE1"
    assert chat.step() is Step.TIME
    assert [r.html for r in replies] == ["Thanks. I'll look near LE1.", chat.last[-1].html]
    assert "How much time" in replies[-1].html


def test_yes_out_of_the_blue_is_not_taken_as_a_passion(chat: Chat) -> None:
    chat.say("yes")
    assert chat.store.get_resident(1) is None


def test_passion_without_a_place_asks_where(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    replies = chat.say("helping at a food bank")
    assert chat.state()["passions"] == "helping at a food bank"
    assert "Where are you?" in replies[-1].html


def test_greeting_gets_a_greeting(chat: Chat) -> None:
    replies = chat.say("Hello!")
    assert "Hello" in replies[0].html
    assert chat.store.get_resident(1) is None
