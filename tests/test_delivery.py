"""The delivery engine against an in-memory sender: ledger, pacing, retries, outcomes, claims."""
from __future__ import annotations

import asyncio
import collections
import os
import socket
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot.delivery import DeliveryAborted, Options, Outcome, Pacer, Scope, Tally, deliver
from bot.store import Store
from fixtures.broadcast.kit import Recorder, add_opportunity, add_subscriber, owe

CAMPAIGN = "broadcast:garden"
FAST = Options(rate=500, chat_gap=0.05, backoff=0.01, progress_every=0)


@pytest.fixture
def ledger(store: Store) -> Store:
    add_opportunity(store)
    for resident in range(1, 6):
        add_subscriber(store, resident)
    owe(store, CAMPAIGN, list(range(1, 6)))
    return store


def statuses(store: Store, campaign: str = CAMPAIGN) -> dict[int, str]:
    return {row["resident_id"]: row["status"] for row in store.list_deliveries(campaign)}


def dead_owner() -> str:
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}:gone"


async def test_every_owed_message_is_sent_once(ledger: Store) -> None:
    sender = Recorder()
    tally = await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert sorted(sender.chats()) == [1, 2, 3, 4, 5]
    assert tally == Tally(sent=5)


async def test_enqueue_is_idempotent(ledger: Store) -> None:
    assert owe(ledger, CAMPAIGN, [1, 2, 3, 4, 5]) == []
    assert len(ledger.list_deliveries(CAMPAIGN)) == 5


async def test_enqueue_skips_an_opportunity_already_owed_in_another_campaign(ledger: Store) -> None:
    assert owe(ledger, "digest:1:2030-01-01", [1]) == []
    assert owe(ledger, "digest:1:2030-01-01", [1], opportunity_id="other") == [1]


async def test_a_rerun_after_completion_sends_nothing(ledger: Store) -> None:
    await deliver(ledger, Recorder(), Scope(CAMPAIGN), options=FAST)
    again = Recorder()
    tally = await deliver(ledger, again, Scope(CAMPAIGN), options=FAST)
    assert again.calls == [] and tally.sent == 5


async def test_sending_never_goes_faster_than_the_rate(store: Store) -> None:
    add_opportunity(store)
    for resident in range(1, 41):
        add_subscriber(store, resident)
    owe(store, CAMPAIGN, list(range(1, 41)))
    sender = Recorder()
    await deliver(store, sender, Scope(CAMPAIGN), options=Options(rate=200, window=0.1, progress_every=0))
    times = sorted(t for _, _, t in sender.sent)
    assert max(sum(1 for u in times if t <= u < t + 0.1) for t in times) <= 20 + 1  # +1: timing jitter
    assert times[-1] - times[0] >= (40 - 20) / 200


async def test_messages_to_one_chat_are_spaced_by_the_chat_gap(store: Store) -> None:
    add_subscriber(store, 1)
    for day in ("2030-01-01", "2030-01-02", "2030-01-03"):
        add_opportunity(store, id=day)
        owe(store, f"digest:1:{day}", [1], opportunity_id=day)
    sender = Recorder()
    await deliver(store, sender, Scope("digest:", prefix=True), options=Options(rate=500, chat_gap=0.15))
    times = [t for _, _, t in sender.sent]
    assert len(times) == 3
    assert all(b - a >= 0.14 for a, b in zip(times, times[1:]))


async def test_flood_wait_is_honoured_before_the_chat_is_tried_again(ledger: Store) -> None:
    sender = Recorder(script={2: [Outcome.flood(0.3)]})
    started = time.monotonic()
    await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    retried_at = next(t for chat, _, t in sender.sent if chat == 2)
    assert retried_at - started >= 0.3
    assert statuses(ledger)[2] == "sent"


async def test_flood_on_one_chat_holds_only_that_chat(ledger: Store) -> None:
    sender = Recorder(script={1: [Outcome.flood(0.3)]})
    started = time.monotonic()
    await deliver(ledger, sender, Scope(CAMPAIGN), options=replace(FAST, max_in_flight=1))
    assert min(t for chat, _, t in sender.sent if chat != 1) - started < 0.3


async def test_floods_on_two_chats_in_a_row_pause_every_chat(ledger: Store) -> None:
    sender = Recorder(script={1: [Outcome.flood(0.3)], 2: [Outcome.flood(0.3)]})
    started = time.monotonic()
    await deliver(ledger, sender, Scope(CAMPAIGN), options=replace(FAST, max_in_flight=1))
    assert min(t for _, _, t in sender.sent) - started >= 0.3


async def test_flood_wait_does_not_use_up_attempts(ledger: Store) -> None:
    sender = Recorder(script={1: [Outcome.flood(0.01)] * 6})
    await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert statuses(ledger)[1] == "sent"


async def test_blocked_resident_is_marked_inactive_and_not_retried(ledger: Store) -> None:
    sender = Recorder(script={3: [Outcome.blocked()]})
    tally = await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert sender.calls.count(3) == 1
    assert statuses(ledger)[3] == "blocked" and tally.blocked == 1
    assert ledger.get_resident(3)["active"] == 0  # type: ignore[index]


async def test_resident_blocked_earlier_is_not_tried(ledger: Store) -> None:
    ledger.save_resident(4, active=0)
    sender = Recorder()
    await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert 4 not in sender.calls and statuses(ledger)[4] == "blocked"


async def test_server_errors_are_retried_until_sent(ledger: Store) -> None:
    sender = Recorder(script={2: [Outcome.retry("500 Internal Server Error")] * 2})
    await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert sender.calls.count(2) == 3
    [row] = [r for r in ledger.list_deliveries(CAMPAIGN) if r["resident_id"] == 2]
    assert row["status"] == "sent" and row["attempts"] == 3


async def test_server_errors_fail_after_the_last_attempt_with_the_reason(ledger: Store) -> None:
    sender = Recorder(script={2: [Outcome.retry("500 Internal Server Error")] * 10})
    tally = await deliver(ledger, sender, Scope(CAMPAIGN), options=replace(FAST, max_attempts=3))
    assert sender.calls.count(2) == 3
    [row] = [r for r in ledger.list_deliveries(CAMPAIGN) if r["resident_id"] == 2]
    assert row["status"] == "failed" and "500 Internal Server Error" in row["last_error"]
    assert tally.failed == 1 and tally.sent == 4


async def test_retries_back_off_exponentially(ledger: Store) -> None:
    sender = Recorder(script={2: [Outcome.retry("timed out")] * 2})
    options = replace(FAST, backoff=0.1)
    started = time.monotonic()
    await deliver(ledger, sender, Scope(CAMPAIGN), options=options)
    assert next(t for chat, _, t in sender.sent if chat == 2) - started >= 0.1 + 0.2


async def test_permanent_refusal_is_not_retried(ledger: Store) -> None:
    sender = Recorder(script={5: [Outcome.failed("Bad Request: chat not found")]})
    await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert sender.calls.count(5) == 1 and statuses(ledger)[5] == "failed"


async def test_a_sender_exception_counts_as_a_passing_error(ledger: Store) -> None:
    calls = 0

    async def flaky(chat_id: int, reply: object) -> Outcome:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("connection reset")
        return Outcome.sent()

    tally = await deliver(ledger, flaky, Scope(CAMPAIGN), options=FAST)
    assert tally.sent == 5 and calls == 6


async def test_fatal_outcome_stops_the_run_and_keeps_rows_owed(ledger: Store) -> None:
    sender = Recorder(script={1: [Outcome.fatal("token refused")]})
    with pytest.raises(DeliveryAborted):
        await deliver(ledger, sender, Scope(CAMPAIGN), options=replace(FAST, max_in_flight=1))
    assert statuses(ledger)[1] == "pending"
    assert "sending" not in statuses(ledger).values()


async def test_an_outage_stops_the_run_instead_of_failing_every_row(ledger: Store) -> None:
    sender = Recorder(script={r: [Outcome.retry("connection refused")] * 10 for r in range(1, 6)})
    with pytest.raises(DeliveryAborted, match="3 sends in a row failed"):
        await deliver(ledger, sender, Scope(CAMPAIGN), options=replace(FAST, outage_after=3, max_attempts=2))
    assert set(statuses(ledger).values()) == {"pending"}


async def test_resident_who_unsubscribes_mid_run_is_not_sent(ledger: Store) -> None:
    sender = Recorder()

    async def unsubscribe_five_on_first_send(chat_id: int, reply: object) -> Outcome:
        ledger.unsubscribe(5)
        return await sender(chat_id, reply)  # type: ignore[arg-type]

    options = replace(FAST, max_in_flight=1)
    tally = await deliver(ledger, unsubscribe_five_on_first_send, Scope(CAMPAIGN), options=options)
    assert 5 not in sender.calls
    assert statuses(ledger)[5] == "cancelled" and tally.cancelled == 1


async def test_opportunity_closed_before_its_turn_is_not_sent(ledger: Store) -> None:
    ledger.mark_not_offered("", [])  # the source no longer lists it
    sender = Recorder()
    tally = await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert sender.calls == [] and tally.cancelled == 5


async def test_opportunity_hidden_before_its_turn_is_not_sent(ledger: Store) -> None:
    ledger.hide(2, "garden")
    sender = Recorder()
    await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert 2 not in sender.calls and statuses(ledger)[2] == "cancelled"


async def test_progress_reports_reach_the_final_counts(ledger: Store) -> None:
    seen: list[Tally] = []
    await deliver(ledger, Recorder(), Scope(CAMPAIGN), options=FAST, progress=seen.append)
    assert seen[-1] == Tally(sent=5)
    assert all(t.total == 5 for t in seen)


async def test_claim_left_by_a_dead_run_is_sent_again(ledger: Store) -> None:
    ledger.claim_deliveries(dead_owner(), CAMPAIGN, limit=2, now=time.time())
    sender = Recorder()
    await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert sorted(sender.chats()) == [1, 2, 3, 4, 5]


async def test_claim_of_a_live_run_is_left_alone(ledger: Store) -> None:
    live = f"{socket.gethostname()}:{os.getppid()}:other-process"
    ledger.claim_deliveries(live, CAMPAIGN, limit=1, now=time.time())
    sender = Recorder()
    tally = await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert 1 not in sender.calls and statuses(ledger)[1] == "sending" and tally.pending == 1


async def test_claim_older_than_the_lease_is_taken_back(ledger: Store) -> None:
    live = f"{socket.gethostname()}:{os.getppid()}:stuck"
    ledger.claim_deliveries(live, CAMPAIGN, limit=1, now=time.time() - 3600)
    sender = Recorder()
    await deliver(ledger, sender, Scope(CAMPAIGN), options=FAST)
    assert 1 in sender.chats()


async def test_two_engines_on_one_database_never_send_twice(db_path: Path) -> None:
    first, second = Store(db_path), Store(db_path)
    try:
        add_opportunity(first)
        for resident in range(1, 81):
            add_subscriber(first, resident)
        owe(first, CAMPAIGN, list(range(1, 81)))
        sender = Recorder(latency=0.002)
        await asyncio.gather(deliver(first, sender, Scope(CAMPAIGN), options=FAST),
                             deliver(second, sender, Scope(CAMPAIGN), options=FAST))
        counts = collections.Counter(sender.chats())
        assert sorted(counts) == list(range(1, 81)) and set(counts.values()) == {1}
    finally:
        first.close()
        second.close()


async def test_engine_delivers_only_its_scope(ledger: Store) -> None:
    owe(ledger, "broadcast:other", [1], opportunity_id="other-opportunity")
    await deliver(ledger, Recorder(), Scope(CAMPAIGN), options=FAST)
    assert statuses(ledger, "broadcast:other") == {1: "pending"}


async def test_pacer_never_runs_ahead_of_its_schedule() -> None:
    pacer = Pacer(100)
    times = []
    for _ in range(10):
        await pacer.wait()
        times.append(time.monotonic())
    assert times[-1] - times[0] >= 9 * 0.01 - 0.001


async def test_pacer_catches_up_missed_slots_without_exceeding_the_window() -> None:
    pacer = Pacer(100, window=0.1, catch_up=0.05)
    await pacer.wait()
    await asyncio.sleep(0.05)  # the loop fell behind by five slots
    started = time.monotonic()
    for _ in range(5):
        await pacer.wait()
    assert time.monotonic() - started < 0.02  # caught up at once
    assert len(pacer.recent) <= 10
