"""The engine end to end with python-telegram-bot's real Bot against the fake Bot API: flood
control (429 retry_after), blocked residents (403) and server errors (500)."""
from __future__ import annotations

import collections
from dataclasses import replace
from typing import AsyncIterator

import pytest

from bot.broadcast import broadcast_reply
from bot.delivery import Options, Scope, deliver, payload_for, telegram_bot, telegram_sender
from bot.store import Store
from fake_telegram import TOKEN, FakeTelegram
from fixtures.broadcast.kit import add_opportunity, add_subscriber

CAMPAIGN = "broadcast:garden"
RESIDENTS = list(range(101, 109))
FAST = Options(rate=200, chat_gap=1.0, backoff=0.02, progress_every=0)


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else python-telegram-bot warns when it builds RetryAfter


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        for resident in RESIDENTS:
            server.add_user(resident)
        yield server


@pytest.fixture
def owed(store: Store) -> Store:
    opportunity = add_opportunity(store, title="Garden <volunteers> & friends")
    for resident in RESIDENTS:
        add_subscriber(store, resident)
    store.enqueue_deliveries([{"campaign": CAMPAIGN, "resident_id": r, "chat_id": r,
                               "payload": payload_for(broadcast_reply(opportunity), ["garden"])} for r in RESIDENTS])
    return store


async def run(store: Store, fake: FakeTelegram, options: Options = FAST) -> None:
    async with telegram_bot(TOKEN, fake.api_url) as bot:
        await deliver(store, telegram_sender(bot), Scope(CAMPAIGN), options=options)


def received(fake: FakeTelegram) -> collections.Counter[int]:
    return collections.Counter(c.chat_id for c in fake.calls_to("sendMessage", ok=True))


async def test_each_resident_gets_the_card_once_as_telegram_accepts_it(owed: Store, fake: FakeTelegram) -> None:
    await run(owed, fake)
    assert received(fake) == {r: 1 for r in RESIDENTS}
    assert fake.refused == []
    message = fake.messages(RESIDENTS[0])[0]
    assert "Garden <volunteers> & friends" in message.text
    assert message.urls == ["https://example.org/garden"]
    assert message.button("Stop")["callback_data"] == "unsub"


async def test_sent_rows_keep_telegram_message_ids(owed: Store, fake: FakeTelegram) -> None:
    await run(owed, fake)
    ids = {row["resident_id"]: row["message_id"] for row in owed.list_deliveries(CAMPAIGN)}
    assert ids == {r: fake.messages(r)[0].message_id for r in RESIDENTS}


async def test_429_retry_after_is_honoured_and_everything_arrives_once(owed: Store, fake: FakeTelegram) -> None:
    fake.limit_rate(global_per_second=4, global_burst=4, per_chat_per_second=1)
    await run(owed, fake, replace(FAST, max_in_flight=1))
    floods = fake.calls_to("sendMessage", ok=False)
    assert floods and all(c.status == 429 for c in floods)
    assert received(fake) == {r: 1 for r in RESIDENTS}
    sends = fake.calls_to("sendMessage")
    for flood in floods:  # the fake asks for retry_after = 1; a second refusal in a row pauses everything
        assert len([c for c in sends if flood.at < c.at < flood.at + 0.95]) <= 1
        assert not [c for c in sends if c.chat_id == flood.chat_id and flood.at < c.at < flood.at + 0.95]


async def test_403_blocked_resident_is_marked_blocked_and_inactive(owed: Store, fake: FakeTelegram) -> None:
    fake.block(RESIDENTS[2])
    await run(owed, fake)
    assert len(fake.calls_to("sendMessage", chat_id=RESIDENTS[2])) == 1
    row = next(r for r in owed.list_deliveries(CAMPAIGN) if r["resident_id"] == RESIDENTS[2])
    assert row["status"] == "blocked" and "blocked" in row["last_error"]
    assert owed.get_resident(RESIDENTS[2])["active"] == 0  # type: ignore[index]


async def test_500s_are_retried_until_every_message_arrives_once(owed: Store, fake: FakeTelegram) -> None:
    fake.fail_randomly(0.4, seed=3)
    await run(owed, fake, replace(FAST, max_attempts=20, chat_gap=0.05))
    assert any(c.status == 500 for c in fake.calls)
    assert received(fake) == {r: 1 for r in RESIDENTS}
    assert {row["status"] for row in owed.list_deliveries(CAMPAIGN)} == {"sent"}


async def test_unknown_chat_fails_with_telegrams_reason_and_is_not_retried(owed: Store, fake: FakeTelegram) -> None:
    del fake.chats[RESIDENTS[1]]
    await run(owed, fake)
    assert len(fake.calls_to("sendMessage", chat_id=RESIDENTS[1])) == 1
    row = next(r for r in owed.list_deliveries(CAMPAIGN) if r["resident_id"] == RESIDENTS[1])
    assert row["status"] == "failed" and "chat not found" in row["last_error"].lower()
