"""A community worker's /broadcast in the conversation core, and the residents' "Stop these
messages" button: who may broadcast, the three ways to name an opportunity, the questions for
what is missing, the preview, Cancel at every step, and Send (once)."""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from bot.broadcast import broadcast_reply, campaign_of
from bot.conversation import Conversation, Step
from bot.conversation import broadcasting, wording
from bot.delivery import Options, Outcome, Scope, deliver
from bot.drafting import SOURCE
from bot.messages import Incoming, PageDraft, Reply, Task
from bot.store import Store
from fixtures.broadcast.kit import add_opportunity, add_subscriber
from test_conversation import Chat

TODAY = dt.date(2025, 11, 1)
WORKER = 900
RESIDENT = 1
FIXTURES = Path(__file__).parent / "fixtures" / "drafting"
FAST = Options(rate=500, chat_gap=0.0, progress_every=0)


@pytest.fixture
def town(store: Store) -> Store:
    """One gardening opportunity near NG7, three gardeners and a chess player subscribed."""
    add_opportunity(store)
    add_opportunity(store, id="closed", closing_date="2000-01-01")
    for resident in (1, 2, 3):
        add_subscriber(store, resident, passions="gardening, vegetables")
    add_subscriber(store, 4, passions="chess")
    return store


def chat_as(store: Store, resident: int = WORKER) -> Chat:
    return Chat(store, resident, chat_id=resident,
                conversation=Conversation(store, None, today=TODAY, workers={WORKER}))


@pytest.fixture
def worker(town: Store) -> Chat:
    return chat_as(town)


def text(replies: list[Reply]) -> str:
    return "\n".join(r.html for r in replies)


def tasks(replies: list[Reply]) -> list[Task]:
    return [t for r in replies for t in r.tasks]


def ledger(store: Store, opportunity_id: str = "garden") -> dict[int, str]:
    return {row["resident_id"]: row["status"] for row in store.list_deliveries(campaign_of(opportunity_id))}


def paste(worker: Chat, name: str) -> list[Reply]:
    worker.command("broadcast")
    return worker.say((FIXTURES / name).read_text())


# -- who may broadcast ---------------------------------------------------------------------------

def test_a_resident_who_is_not_a_worker_is_refused_politely_and_the_attempt_is_logged(
        town: Store, caplog: pytest.LogCaptureFixture) -> None:
    resident = chat_as(town, RESIDENT)
    with caplog.at_level(logging.WARNING):
        replies = resident.command("broadcast", "garden")
    assert text(replies).startswith("Sorry, only community workers can send broadcasts")
    assert any(r.levelno == logging.WARNING and str(RESIDENT) in r.getMessage() for r in caplog.records)
    assert town.get_resident(RESIDENT)["state"] in (None, "idle") and ledger(town) == {}  # type: ignore[index]


def test_broadcast_is_refused_in_a_group_even_for_a_worker(town: Store) -> None:
    group = Chat(town, WORKER, chat_id=-100, private=False,
                 conversation=Conversation(town, None, today=TODAY, workers={WORKER}))
    assert text(group.command("broadcast", "garden")) == wording.BROADCAST_IN_GROUP
    assert town.get_resident(WORKER) is None


def test_only_a_workers_help_lists_broadcast(town: Store) -> None:
    assert "/broadcast" in text(chat_as(town).command("help"))
    assert "/broadcast" not in text(chat_as(town, RESIDENT).command("help"))


# -- an id -------------------------------------------------------------------------------------------

def test_an_id_shows_the_message_exactly_as_residents_get_it_and_how_many_it_reaches(worker: Chat, town: Store) -> None:
    asked = worker.command("broadcast")
    assert "Send its id" in text(asked) and worker.step() is Step.BC_WHAT
    intro, card, reach = worker.say("garden")
    expected = broadcast_reply(town.get_opportunity("garden"))  # type: ignore[arg-type]
    assert (card.html, card.buttons) == (expected.html, expected.buttons)
    assert "This will reach 3 residents" in reach.html
    assert [b.label for b in worker.buttons([reach])] == ["Send", "Cancel"]
    assert worker.step() is Step.BC_PREVIEW
    assert ledger(town) == {}  # nothing is queued before Send


def test_the_id_can_come_with_the_command(worker: Chat) -> None:
    assert "This will reach 3 residents" in text(worker.command("broadcast", "garden"))


def test_an_unknown_id_is_named_and_asked_again(worker: Chat) -> None:
    worker.command("broadcast")
    replies = worker.say("gardn")
    assert "There is no opportunity with the id 'gardn'." in text(replies)
    assert worker.button("Cancel") and worker.step() is Step.BC_WHAT


def test_a_closed_opportunity_cannot_be_sent(worker: Chat, town: Store) -> None:
    replies = worker.command("broadcast", "closed")
    assert "closed on 2000-01-01" in text(replies)
    assert worker.step() is Step.BC_WHAT and ledger(town, "closed") == {}


# -- pasted text ---------------------------------------------------------------------------------------

def test_pasted_text_is_drafted_and_the_missing_link_asked_for(worker: Chat) -> None:
    replies = paste(worker, "drivers-no-link.txt")
    assert worker.step() is Step.BC_LINK
    assert "Where can residents find out more" in text(replies)
    replies = worker.say("ftp://example.org/drivers")
    assert "http:// or https://" in replies[0].html and worker.step() is Step.BC_LINK
    replies = worker.say("https://example.org/drivers")
    assert worker.step() is Step.BC_PREVIEW
    assert "We need volunteer drivers" in replies[1].html and "Age Friendly Nottingham" in replies[1].html


def test_a_missing_title_is_asked_for_and_an_empty_one_refused(worker: Chat) -> None:
    replies = paste(worker, "no-title.txt")
    assert worker.step() is Step.BC_TITLE and "What is it called?" in text(replies)
    replies = worker.say("!!!")
    assert "A title needs some words." in replies[0].html and worker.step() is Step.BC_TITLE
    worker.say("Phone befriending")
    assert worker.step() is Step.BC_PREVIEW  # remote: no place needed


def test_a_missing_place_is_asked_for_with_a_from_home_button(worker: Chat) -> None:
    paste(worker, "not-a-postcode.txt")
    assert worker.step() is Step.BC_PLACE
    assert "I couldn't find a UK postcode" in text(worker.say("by the motorway"))
    assert "I don't know where ZZ9 is" in text(worker.say("ZZ9"))
    worker.press_label("It can be done from home")
    assert worker.step() is Step.BC_PREVIEW and worker.state()["state_data"]["broadcast"]["draft"]["remote"]


def test_a_place_answer_keeps_the_postcode_and_the_place_name(worker: Chat) -> None:
    paste(worker, "not-a-postcode.txt")
    worker.say("Lenton Community Centre, NG7 2RD")
    draft = worker.state()["state_data"]["broadcast"]["draft"]
    assert (draft["postcode"], draft["place"]) == ("NG7 2RD", "Lenton Community Centre")


def test_a_shared_location_answers_where_it_is(worker: Chat) -> None:
    paste(worker, "not-a-postcode.txt")
    worker.share(52.95, -1.18)  # Lenton, Nottingham
    assert worker.step() is Step.BC_PREVIEW
    assert worker.state()["state_data"]["broadcast"]["draft"]["postcode"].startswith("NG")


def test_a_worker_taken_off_the_list_mid_way_is_stopped(worker: Chat, town: Store) -> None:
    paste(worker, "drivers-no-link.txt")
    no_longer = Chat(town, WORKER, chat_id=WORKER, conversation=Conversation(town, None, today=TODAY))
    assert text(no_longer.say("https://example.org/drivers")) == wording.BROADCAST_REFUSED
    assert no_longer.step() is Step.IDLE


def test_text_saying_it_has_closed_is_not_drafted(worker: Chat) -> None:
    replies = paste(worker, "closed.txt")
    assert "I can only send opportunities that are still open" in text(replies)
    assert worker.step() is Step.BC_WHAT


def test_text_longer_than_one_telegram_message_is_refused_with_the_reason(worker: Chat) -> None:
    worker.command("broadcast")
    replies = worker.say("Litter pick\n" + "and more words " * 300)
    assert "longer than I can take in one message (4,096)" in text(replies)
    assert worker.step() is Step.BC_WHAT


def test_a_draft_is_not_stored_until_send(worker: Chat, town: Store) -> None:
    before = town.count_opportunities()
    paste(worker, "litter-pick.txt")
    assert worker.step() is Step.BC_PREVIEW
    assert town.count_opportunities() == before


def test_the_flow_survives_a_restart(worker: Chat, town: Store) -> None:
    paste(worker, "drivers-no-link.txt")
    restarted = chat_as(town)
    restarted.say("https://example.org/drivers")
    assert restarted.step() is Step.BC_PREVIEW


# -- a link --------------------------------------------------------------------------------------------

def test_a_link_asks_the_adapter_to_read_the_page(worker: Chat) -> None:
    worker.command("broadcast")
    replies = worker.say("https://example.org/befrienders")
    assert tasks(replies) == [Task("read-page", "https://example.org/befrienders")]
    assert worker.step() is Step.BC_READING and worker.button("Cancel")


def test_what_the_page_said_continues_the_dialogue(worker: Chat) -> None:
    worker.command("broadcast", "https://example.org/befrienders")
    page = PageDraft("https://example.org/befrienders", {"title": "Garden befrienders", "postcode": "NG7 1AA",
                                                         "description": "Grow vegetables with neighbours."})
    replies = worker.send(Incoming("draft", draft=page))
    assert replies[0].html == wording.PAGE_READ
    assert worker.step() is Step.BC_PREVIEW and "Garden befrienders" in text(replies)


def test_a_page_that_cannot_be_read_says_why_and_offers_pasting(worker: Chat) -> None:
    worker.command("broadcast", "https://example.org/private")
    replies = worker.send(Incoming("draft", draft=PageDraft("https://example.org/private", problem="robots")))
    assert "asks services like mine not to read" in text(replies) and "paste the description" in text(replies)
    assert worker.step() is Step.BC_WHAT
    paste_replies = worker.say((FIXTURES / "litter-pick.txt").read_text())
    assert worker.step() is Step.BC_PREVIEW and "Litter pick" in text(paste_replies)


def test_a_page_read_after_the_worker_moved_on_is_ignored(worker: Chat) -> None:
    worker.command("broadcast", "https://example.org/slow")
    worker.command("cancel")
    assert worker.send(Incoming("draft", draft=PageDraft("https://example.org/slow", {"title": "Late"}))) == []
    assert worker.step() is Step.IDLE


# -- cancel at every step, and abandoning the preview ----------------------------------------------------

def _to_what(worker: Chat) -> None:
    worker.command("broadcast")


def _to_reading(worker: Chat) -> None:
    worker.command("broadcast", "https://example.org/x")


def _to_link(worker: Chat) -> None:
    paste(worker, "drivers-no-link.txt")


def _to_title(worker: Chat) -> None:
    paste(worker, "no-title.txt")


def _to_place(worker: Chat) -> None:
    paste(worker, "not-a-postcode.txt")


def _to_preview(worker: Chat) -> None:
    paste(worker, "litter-pick.txt")


@pytest.mark.parametrize("reach", [_to_what, _to_reading, _to_link, _to_title, _to_place, _to_preview])
@pytest.mark.parametrize("how", ["button", "command"])
def test_cancel_at_any_step_sends_and_stores_nothing(worker: Chat, town: Store, reach, how: str) -> None:
    before = town.count_opportunities()
    reach(worker)
    assert worker.step().broadcasting
    replies = worker.press_label("Cancel") if how == "button" else worker.command("cancel")
    assert text(replies) == wording.BROADCAST_CANCELLED
    assert worker.step() is Step.IDLE and "broadcast" not in worker.state()["state_data"]
    assert town.count_opportunities() == before and town.list_deliveries("broadcast:", prefix=True) == []


def test_other_text_at_the_preview_abandons_it_and_its_send_button_then_does_nothing(worker: Chat, town: Store) -> None:
    worker.command("broadcast", "garden")
    send = worker.button("Send").data
    assert text(worker.say("actually, wait")) == wording.BROADCAST_ABANDONED
    assert text(worker.press(send)) == wording.STALE_BUTTON
    assert ledger(town) == {}


def test_a_preview_left_too_long_is_not_sent(worker: Chat, town: Store) -> None:
    worker.command("broadcast", "garden")
    state = worker.state()["state_data"]
    state["broadcast"]["previewed_at"] -= broadcasting.PREVIEW_SECONDS + 1
    town.save_resident(WORKER, state_data=state)
    assert text(worker.press_label("Send")) == wording.PREVIEW_EXPIRED
    assert ledger(town) == {}


# -- send ----------------------------------------------------------------------------------------------

def test_send_queues_one_message_per_matching_resident_and_hands_delivery_to_the_adapter(worker: Chat,
                                                                                       town: Store) -> None:
    worker.command("broadcast", "garden")
    replies = worker.press_label("Send")
    assert tasks(replies) == [Task("deliver-broadcast", "garden")]
    assert "Sending it to 3 residents now" in text(replies)
    assert ledger(town) == {1: "pending", 2: "pending", 3: "pending"}
    assert worker.step() is Step.IDLE


def test_pressing_send_twice_sends_once(worker: Chat, town: Store) -> None:
    worker.command("broadcast", "garden")
    send = worker.button("Send").data
    worker.press(send)
    again = worker.press(send)
    assert text(again) == wording.ALREADY_SENDING and tasks(again) == []
    assert len(town.list_deliveries(campaign_of("garden"))) == 3


def test_a_second_broadcast_of_the_same_opportunity_reaches_only_those_who_have_not_had_it(worker: Chat,
                                                                                        town: Store) -> None:
    worker.command("broadcast", "garden")
    worker.press_label("Send")
    for row in town.list_deliveries(campaign_of("garden")):
        town.db["deliveries"].update(row["id"], {"status": "sent"})
    add_subscriber(town, 5, passions="gardening")
    assert "3 of them have had it already" in text(worker.command("broadcast", "garden"))
    replies = worker.press_label("Send")
    assert "Sending it to 1 resident now" in text(replies)


def test_send_stores_a_drafted_opportunity_like_an_import(worker: Chat, town: Store) -> None:
    worker.command("broadcast")
    worker.say("Allotment volunteers\nHelp grow vegetables in our community garden in Lenton, NG7 2RD.\n"
               "https://example.org/allotment")
    [task] = tasks(worker.press_label("Send"))
    stored = town.get_opportunity(task.target)
    assert stored is not None and stored.source == SOURCE and stored.title == "Allotment volunteers"
    assert stored.lat is not None  # annotated like an import: located from its postcode
    assert ledger(town, stored.id) == {1: "pending", 2: "pending", 3: "pending"}


def test_a_draft_nobody_matches_is_listed_but_nothing_is_sent(worker: Chat, town: Store) -> None:
    worker.command("broadcast")
    replies = worker.say("Knitting circle\nKnit and natter every Tuesday.\nhttps://example.org/knit\nNG7 2RD")
    assert "doesn't match any subscribed residents" in text(replies)
    replies = worker.press_label("Send")
    assert tasks(replies) == [] and wording.BROADCAST_LISTED in text(replies)
    assert any(o.title == "Knitting circle" for o in town.iter_opportunities())
    assert town.list_deliveries("broadcast:", prefix=True) == []


# -- "Stop these messages" -------------------------------------------------------------------------------

def test_the_stop_button_unsubscribes_like_the_command(town: Store) -> None:
    resident = chat_as(town, RESIDENT)
    assert text(resident.press("unsub")) == wording.STOPPED
    assert town.subscriptions(RESIDENT) == []
    assert text(resident.press("unsub")) == wording.ALREADY_STOPPED


def test_the_stop_button_kindly_answers_someone_who_never_subscribed(store: Store) -> None:
    assert text(chat_as(store, 77).press("unsub")) == wording.ALREADY_STOPPED


async def test_a_resident_who_stops_messages_mid_broadcast_is_not_sent_it(worker: Chat, town: Store) -> None:
    worker.command("broadcast", "garden")
    worker.press_label("Send")
    resident = chat_as(town, 3)
    sent: list[int] = []

    async def sender(chat_id: int, reply: Reply) -> Outcome:
        if not sent:
            resident.press("unsub")  # while the first message is on its way
        sent.append(chat_id)
        return Outcome.sent()

    tally = await deliver(town, sender, Scope(campaign_of("garden")), options=FAST)
    assert sent == [1, 2]
    assert ledger(town) == {1: "sent", 2: "sent", 3: "cancelled"}
    assert tally.cancelled == 1
