"""What keeps the bot quick when many residents write at once: first messages before follow-ups
(SendOrder), shared keyboards, JSON request bodies, fewer garbage collections.
benchmarks/chat_load.py measures the effect; these tests pin the behaviour."""
from __future__ import annotations

import asyncio
import gc
import json
import time
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.ext import Application

from bot.messages import Button, Incoming, Reply
from bot.store import Store
from bot.telegram_app import GC_YOUNG_THRESHOLD, SendOrder, build_application, running, runtime_of, tune_gc
from bot.telegram_http import AiohttpRequest
from bot.telegram_render import keyboard
from fake_telegram import FakeTelegram
from test_telegram import COMMANDS, settings_for

# -- SendOrder -------------------------------------------------------------------------------


async def test_a_follow_up_waits_until_every_waiting_resident_has_had_a_first_message():
    order = SendOrder(max_wait=5)
    log: list[str] = []

    async def resident(name: str, core_time: float, messages: int) -> None:
        with order.first_reply() as turn:
            await asyncio.sleep(core_time)
            for n in range(messages):
                if n:
                    await turn.follow_up()
                log.append(f"{name}{n + 1}")
                await asyncio.sleep(0)

    await asyncio.gather(resident("a", 0, 3), resident("b", 0.02, 2), resident("c", 0.04, 1))
    assert log == ["a1", "b1", "c1", "a2", "b2", "a3"]
    assert order.waiting == 0


async def test_a_follow_up_is_held_back_for_at_most_max_wait():
    order = SendOrder(max_wait=0.05)
    stuck = order.first_reply()
    stuck.__enter__()  # someone whose core never answers
    with order.first_reply() as turn:
        turn.sent()
        began = time.monotonic()
        await turn.follow_up()
        waited = time.monotonic() - began
    assert 0.03 <= waited < 1
    stuck.__exit__(None, None, None)
    assert order.waiting == 0


async def test_a_turn_that_sends_nothing_or_fails_releases_the_others():
    order = SendOrder(max_wait=5)
    with order.first_reply():
        pass  # the core had nothing to say
    with pytest.raises(RuntimeError):
        with order.first_reply():
            raise RuntimeError("the core broke")
    assert order.waiting == 0
    with order.first_reply() as turn:
        turn.sent()
        await asyncio.wait_for(turn.follow_up(), 0.5)  # nobody waiting: no wait at all


class ThreeMessages:
    """A core whose answers are three messages (buttons keep combine() from folding them)."""

    def __init__(self, store: Store):
        self.store = store

    def handle(self, resident_id: int, incoming: Incoming, *, chat_id: int | None = None,
               private: bool = True) -> list[Reply]:
        time.sleep(0.005)  # the core's own work, on the store's thread
        return [Reply(f"{incoming.text} {n}", [[Button("OK", data=f"ok{n}")]]) for n in (1, 2, 3)]


@pytest.fixture
async def app(fake: FakeTelegram, store: Store) -> AsyncIterator[Application]:
    application = build_application(settings_for(fake, Path(":memory:")), core_factory=ThreeMessages,
                                     store=store, commands=COMMANDS)
    async with running(application, poll_timeout=1):
        yield application


async def test_residents_writing_at_once_all_get_a_first_message_before_anyone_a_second(fake, app):
    residents = range(500, 520)
    for r in residents:
        fake.send_text(r, f"hi{r}")
    for r in residents:
        await fake.wait_for_messages(r, 3)
    sends = [int(c.params["chat_id"]) for c in fake.calls_to("sendMessage")]
    firsts = [sends.index(r) for r in residents]
    seconds = [sends.index(r, first + 1) for r, first in zip(residents, firsts)]
    assert max(firsts) < min(seconds)
    for r in residents:
        assert fake.texts(r) == [f"hi{r} 1", f"hi{r} 2", f"hi{r} 3"]  # each chat in order


class Watcher:
    """A core that notes how many residents wait for a first message while it works."""

    order: SendOrder | None = None
    seen: list[int] = []

    def __init__(self, store: Store):
        self.store = store

    def handle(self, resident_id: int, incoming: Incoming, *, chat_id: int | None = None,
               private: bool = True) -> list[Reply]:
        assert Watcher.order is not None
        Watcher.seen.append(Watcher.order.waiting)
        return [Reply("one", [[Button("A", data="a")]]), Reply("two")]


async def test_group_chats_hold_back_nobodys_follow_ups(fake, store):
    application = build_application(settings_for(fake, Path(":memory:")), core_factory=Watcher,
                                    store=store, commands=COMMANDS)
    Watcher.order, Watcher.seen = runtime_of(application).order, []
    fake.add_group(-100555)
    async with running(application, poll_timeout=1):
        fake.send_text(31, "hello")
        await fake.wait_for_messages(31, 2)
        fake.send_text(32, "/start", chat_id=-100555)
        await fake.wait_for_messages(-100555, 2)
    assert Watcher.seen == [1, 0]  # the private chat's turn counts, the group's does not
    assert Watcher.order.waiting == 0


# -- keyboards -------------------------------------------------------------------------------


def test_equal_keyboards_are_built_once_and_shared(caplog):
    rows = [[Button("Apply", url="https://example.org/a")], [Button("Bad", url="ftp://x"), Button("Hide", data="h")]]
    first = keyboard(rows)
    again = keyboard([list(row) for row in rows])
    assert first is again and first is not None
    assert [[b.text for b in row] for row in first.inline_keyboard] == [["Apply"], ["Hide"]]
    assert keyboard([[Button("Other", data="o")]]) is not first
    assert keyboard([]) is None and keyboard([[Button("  ", data="x")]]) is None


# -- the HTTP client -------------------------------------------------------------------------


@pytest.fixture
async def recorder() -> AsyncIterator[tuple[str, list[tuple[str, str, bytes]]]]:
    """A stand-in Bot API that records (method, content type, body) and answers like Telegram."""
    seen: list[tuple[str, str, bytes]] = []
    me = {"id": 1, "is_bot": True, "first_name": "Bot", "username": "bot"}

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        seen.append((method, request.content_type, await request.read()))
        result: Any = me if method == "getMe" else {
            "message_id": 7, "date": 0, "chat": {"id": 5, "type": "private"}, "from": me, "text": "x"}
        return web.json_response({"ok": True, "result": result})

    server = web.Application()
    server.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/bot", seen
    finally:
        await runner.cleanup()


async def test_parameters_are_sent_as_json_and_files_as_multipart(recorder):
    base_url, seen = recorder
    async with Bot("1:abc", base_url=base_url, request=AiohttpRequest(connections=4)) as bot:
        await bot.send_message(5, "Café & <b>crème</b> ✓", parse_mode="HTML",
                               reply_markup=keyboard([[Button("Go", data="go")]]))
        await bot.send_document(5, InputFile(b"hello", filename="a.txt"), caption="Notes")
    method, content_type, body = seen[-2]
    assert (method, content_type) == ("sendMessage", "application/json")
    assert json.loads(body.decode("utf-8")) == {
        "chat_id": 5, "text": "Café & <b>crème</b> ✓", "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}}
    method, content_type, body = seen[-1]
    assert (method, content_type) == ("sendDocument", "multipart/form-data")
    assert b"hello" in body and b"Notes" in body


# -- garbage collection ------------------------------------------------------------------------


def test_tune_gc_collects_young_objects_less_often_and_freezes_what_lives_from_the_start():
    thresholds = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *thresholds[1:])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
