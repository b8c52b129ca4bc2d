"""The conversation core in a process of its own (bot.core_process): what `getinvolved run` uses,
so that the core's CPU is not the event loop's."""
from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from pathlib import Path
from typing import AsyncIterator

import pytest

import core_requests
from bot import core_process
from bot.catalogue import ensure_seeded
from bot.config import load_settings
from bot.core_process import CoreError, CoreProcess
from bot.core_service import turn, warm_matcher
from bot.messages import Incoming
from bot.store import Store
from bot.telegram_app import build_application, running, runtime_of
from fake_telegram import FakeTelegram
from fixtures.broadcast.kit import add_opportunity, add_subscriber
from sitesrv import page, serve, site_app

ME = 601
WORKER, GARDENERS = 900, [11, 12, 13]
PAGE = (Path(__file__).parent / "fixtures" / "drafting" / "allotment-page.html").read_text()


@pytest.fixture
def seeded_db(tmp_path: Path) -> Path:
    path = tmp_path / "bot.db"
    store = Store(path)
    ensure_seeded(store)
    store.close()
    return path


@pytest.fixture
def core_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lets the child import tests/core_requests.py."""
    here = str(Path(__file__).resolve().parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])))


@pytest.fixture
async def core(seeded_db: Path, core_env: None) -> AsyncIterator[CoreProcess]:
    process = CoreProcess(str(seeded_db))
    yield process
    await process.close()


async def test_a_turn_runs_in_another_process_and_its_state_is_stored(core, seeded_db):
    replies = await core.call(turn, ME, Incoming("command", command="start"), ME, True)

    assert "Get Involved" in replies[0].html
    assert await core.call(core_requests.process_id) not in (os.getpid(), None)
    store = Store(seeded_db)
    assert store.get_resident(ME) is not None
    store.close()


async def test_a_failing_request_is_reported_and_the_next_is_answered(core):
    with pytest.raises(CoreError, match="LookupError: no such opportunity"):
        await core.call(core_requests.fail)

    assert await core.call(warm_matcher) is None


async def test_the_child_dying_fails_the_waiting_request_at_once(core):
    pid = await core.call(core_requests.process_id)
    waiting = asyncio.ensure_future(core.call(core_requests.stall, 30))
    await asyncio.sleep(0.2)
    os.kill(pid, signal.SIGKILL)

    with pytest.raises(CoreError, match="stopped"):
        await asyncio.wait_for(waiting, 10)


async def test_after_the_child_died_the_next_call_starts_a_new_one(core, monkeypatch):
    monkeypatch.setattr(core_process, "RESTART_WAIT", 0.0)
    first = await core.call(core_requests.process_id)
    os.kill(first, signal.SIGKILL)
    await asyncio.sleep(0.5)

    assert await core.call(core_requests.process_id) not in (first, None)


async def test_a_child_that_dies_just_after_starting_is_not_restarted_in_a_loop(core):
    first = await core.call(core_requests.process_id)
    os.kill(first, signal.SIGKILL)
    await asyncio.sleep(0.5)

    with pytest.raises(CoreError, match="just after starting"):
        await core.call(core_requests.process_id)


async def test_ctrl_c_and_sigterm_for_the_process_group_leave_the_child_to_the_bot(core):
    pid = await core.call(core_requests.process_id)
    os.kill(pid, signal.SIGINT)
    os.kill(pid, signal.SIGTERM)

    assert await core.call(core_requests.process_id) == pid


async def test_closing_lets_the_child_finish_then_stops_it(core):
    pid = await core.call(core_requests.process_id)
    slow = asyncio.ensure_future(core.call(core_requests.stall, 0.3))
    await asyncio.sleep(0.05)
    await core.close()

    assert await slow is None
    assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(CoreError):
        await core.call(core_requests.process_id)


async def test_telegram_residents_are_answered_by_the_core_process(fake: FakeTelegram, seeded_db):
    settings = dataclasses.replace(load_settings(seeded_db), token=fake.token, api_url=fake.api_url)
    application = build_application(settings, core_process=True)
    async with running(application, poll_timeout=1):
        fake.send_text(ME, "/search dog walking NG7")
        replies = await fake.wait_for_messages(ME, count=2)

        assert runtime_of(application).core is None  # nothing of the core in the bot's process
        assert any(message.urls for message in replies)


async def test_a_workers_broadcast_is_drafted_in_the_core_process_and_sent_by_the_bot(fake: FakeTelegram, tmp_path):
    db = tmp_path / "town.db"
    town = Store(db)
    add_opportunity(town)
    for resident in GARDENERS:
        add_subscriber(town, resident)
    for user in (WORKER, *GARDENERS):
        fake.add_user(user)
    settings = dataclasses.replace(load_settings(db), token=fake.token, api_url=fake.api_url,
                                   workers=frozenset({WORKER}), broadcast_rate=50.0)
    async with serve(site_app(routes={"/allotment": page(PAGE)}), "127.0.0.1") as site:
        async with running(build_application(settings, core_process=True), poll_timeout=1):
            fake.send_text(WORKER, f"/broadcast {site.url('/allotment')}")
            *_, reach = await fake.wait_for_messages(WORKER, 3, timeout=15)
            assert "This will reach 3 residents" in reach.text
            fake.press_button(WORKER, "Send")
            await fake.wait_for(lambda: any(m.text == "Broadcast finished. Delivered 3, blocked 0, failed 0."
                                            for m in fake.messages(WORKER)), timeout=15)
    town.close()

    assert all("Allotment volunteers" in fake.messages(r)[0].text for r in GARDENERS)
