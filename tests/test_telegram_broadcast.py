"""A community worker broadcasting from Telegram, end to end: the real python-telegram-bot
Application and conversation core against the fake Bot API, with residents subscribed in the
store, and a linked page served by a loopback web server."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import AsyncIterator

import pytest
from telegram.ext import Application

from bot.broadcast import campaign_of
from bot.config import load_settings
from bot.conversation import COMMANDS, wording
from bot.store import Store
from bot import telegram_broadcast
from bot.telegram_app import build_application, running
from fake_telegram import FakeTelegram
from fixtures.broadcast.kit import add_opportunity, add_subscriber
from sitesrv import page, serve, site_app

WORKER = 900
OUTSIDER = 901
GARDENERS = [11, 12, 13]
CHESS = 14
PAGE = (Path(__file__).parent / "fixtures" / "drafting" / "allotment-page.html").read_text()


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        for user in (WORKER, OUTSIDER, *GARDENERS, CHESS):
            server.add_user(user)
        yield server


@pytest.fixture
def town(store: Store) -> Store:
    add_opportunity(store)
    for resident in GARDENERS:
        add_subscriber(store, resident, passions="gardening, vegetables")
    add_subscriber(store, CHESS, passions="chess")
    return store


def application_for(fake: FakeTelegram, store: Store, *, rate: float = 50.0) -> Application:
    settings = dataclasses.replace(load_settings(Path(":memory:")), token=fake.token, api_url=fake.api_url,
                                   workers=frozenset({WORKER}), broadcast_rate=rate)
    return build_application(settings, store=store)


@pytest.fixture
async def app(fake: FakeTelegram, town: Store) -> AsyncIterator[Application]:
    application = application_for(fake, town)
    async with running(application, poll_timeout=1):
        yield application


async def finished(fake: FakeTelegram) -> str:
    """The worker's progress message, once it says the broadcast has finished."""
    def done() -> bool:
        return any(m.text.startswith("Broadcast finished.") for m in fake.messages(WORKER))
    await fake.wait_for(done, timeout=15)
    return next(m.text for m in fake.messages(WORKER) if m.text.startswith("Broadcast finished."))


async def test_only_workers_see_broadcast_in_their_command_menu(fake: FakeTelegram, app: Application) -> None:
    assert "broadcast" not in [c["command"] for c in fake.commands]
    assert [c["command"] for c in fake.chat_commands[WORKER]] == [name for name, _ in COMMANDS] + ["broadcast"]
    assert OUTSIDER not in fake.chat_commands


async def test_someone_else_is_refused(fake: FakeTelegram, app: Application, town: Store) -> None:
    fake.send_text(OUTSIDER, "/broadcast garden")
    [refusal] = await fake.wait_for_messages(OUTSIDER)
    assert refusal.text.startswith("Sorry, only community workers can send broadcasts")
    assert town.list_deliveries("broadcast:", prefix=True) == []


async def test_a_worker_broadcasts_to_the_residents_it_matches_and_sees_the_summary(
        fake: FakeTelegram, app: Application, town: Store) -> None:
    fake.send_text(WORKER, "/broadcast garden")
    preview, reach = await fake.wait_for_messages(WORKER, 2)
    assert preview.text.startswith("This is the message residents will get.")
    assert "This will reach 3 residents" in reach.text and reach.labels == ["Send", "Cancel"]
    assert "Community garden volunteers" in preview.text and preview.button("Stop")["callback_data"] == "unsub"

    fake.press_button(WORKER, "Send")
    assert await finished(fake) == "Broadcast finished. Delivered 3, blocked 0, failed 0."
    sending = fake.messages(WORKER)[2:]
    assert sending[0].text == "Sending it to 3 residents now. I'll show you how it's going."
    assert len(sending) == 2 and sending[1].edits >= 1  # one progress message, edited into the summary
    for resident in GARDENERS:
        [message] = fake.messages(resident)
        shown = preview.text.split("\n\n", 1)[1].splitlines()  # the card, after the intro
        assert set(shown) <= set(message.text.splitlines())  # plus their own distance and why it matched
        assert "km away" in message.text
        assert message.labels == preview.labels
    assert fake.messages(CHESS) == []
    assert {r["status"] for r in town.list_deliveries(campaign_of("garden"))} == {"sent"}

    fake.press_button(WORKER, "Send")  # the same preview's button again
    [again] = await fake.wait_for_new(WORKER, len(fake.messages(WORKER)))
    assert again.text == wording.ALREADY_SENDING
    assert len(fake.calls_to("sendMessage", chat_id=GARDENERS[0])) == 1
    assert not fake.refused


async def test_a_resident_can_stop_the_messages_from_the_broadcast_itself(
        fake: FakeTelegram, app: Application, town: Store) -> None:
    fake.send_text(WORKER, "/broadcast garden")
    await fake.wait_for_messages(WORKER, 2)
    fake.press_button(WORKER, "Send")
    await finished(fake)
    fake.press_button(GARDENERS[0], "Stop these messages")
    [answer] = await fake.wait_for_new(GARDENERS[0], 1)
    assert answer.text == wording.STOPPED
    assert town.subscriptions(GARDENERS[0]) == []


async def test_a_linked_page_is_read_drafted_previewed_and_sent(fake: FakeTelegram, app: Application,
                                                                town: Store) -> None:
    async with serve(site_app(routes={"/allotment": page(PAGE)}), "127.0.0.1") as site:
        fake.send_text(WORKER, f"/broadcast {site.url('/allotment')}")
        reading, card, reach = await fake.wait_for_messages(WORKER, 3, timeout=15)
    assert reading.text == wording.READING_PAGE and reading.labels == ["Cancel"]
    assert card.text.startswith(wording.PAGE_READ)
    assert "Allotment volunteers" in card.text and "Lenton Community Garden" in card.text
    assert card.urls == [site.url("/allotment")]
    assert "This will reach 3 residents" in reach.text
    assert "/robots.txt" in site.paths()  # the polite fetcher asked first

    fake.press_button(WORKER, "Send")
    assert await finished(fake) == "Broadcast finished. Delivered 3, blocked 0, failed 0."
    assert all("Allotment volunteers" in fake.messages(r)[0].text for r in GARDENERS)


async def test_a_link_that_cannot_be_read_asks_for_the_text_instead(fake: FakeTelegram, app: Application) -> None:
    async with serve(site_app(), "127.0.0.1") as site:
        fake.send_text(WORKER, f"/broadcast {site.url('/gone')}")
        reading, problem = await fake.wait_for_messages(WORKER, 2, timeout=15)
    assert problem.text.startswith("That page couldn't be found.")
    assert "paste the description instead" in problem.text and problem.labels == ["Cancel"]


async def test_a_slow_broadcast_runs_in_the_background_and_reports_progress_as_it_goes(
        fake: FakeTelegram, town: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_broadcast, "PROGRESS_SECONDS", 0.3)
    async with running(application_for(fake, town, rate=2.0), poll_timeout=1):
        fake.send_text(WORKER, "/broadcast garden")
        await fake.wait_for_messages(WORKER, 2)
        fake.press_button(WORKER, "Send")
        await fake.wait_for(lambda: any(m.text.startswith("Sending:") for m in fake.messages(WORKER)))
        fake.send_text(WORKER, "/help")  # answered while the broadcast is still going
        await fake.wait_for(lambda: any("/broadcast" in m.text for m in fake.messages(WORKER)))
        assert not any(m.text.startswith("Broadcast finished.") for m in fake.messages(WORKER))
        summary = await finished(fake)
    progress = next(m for m in fake.messages(WORKER) if m.text == summary)
    assert summary == "Broadcast finished. Delivered 3, blocked 0, failed 0." and progress.edits >= 2
    edits = fake.calls_to("editMessageText", chat_id=WORKER)
    assert any("1 delivered" in c.params["text"] or "2 delivered" in c.params["text"] for c in edits)


async def test_stopping_the_bot_pauses_a_broadcast_and_tells_the_worker_how_to_finish_it(
        fake: FakeTelegram, town: Store) -> None:
    async with running(application_for(fake, town, rate=0.5), poll_timeout=1):
        fake.send_text(WORKER, "/broadcast garden")
        await fake.wait_for_messages(WORKER, 2)
        fake.press_button(WORKER, "Send")
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage", ok=True)) >= 5)  # the first resident's
    paused = fake.messages(WORKER)[-1]
    assert paused.text.startswith("Broadcast paused because the bot is restarting.")
    assert "I'll finish it when I'm back" in paused.text
    statuses = [r["status"] for r in town.list_deliveries(campaign_of("garden"))]
    assert "pending" in statuses and "sending" not in statuses
