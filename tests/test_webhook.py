"""Webhook mode: the adapter's own aiohttp server receives updates as Telegram would post them,
checks the secret token, and the replies reach the fake Bot API server."""
from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest

from bot.config import load_settings
from bot.messages import Incoming, Reply
from bot.store import Store
from bot.telegram_app import (SECRET_ENV, SECRET_HEADER, BotStartError, Webhook, build_application, run_bot,
                              running, webhook_secret)
from fake_telegram import FakeTelegram

URL = "https://bot.example.org/tg/hook"
SECRET = "s3cret-Token_1"


class EchoCore:
    """Answers text with an echo and counts what it was asked."""

    def __init__(self, store: Store):
        self.calls = 0

    def handle(self, resident_id: int, incoming: Incoming, *, chat_id: int | None = None,
               private: bool = True) -> list[Reply]:
        self.calls += 1
        return [Reply(f"echo: {html.escape(incoming.text or incoming.command)}")]


@pytest.fixture
async def hook(fake: FakeTelegram, store: Store) -> AsyncIterator[tuple[str, EchoCore]]:
    """The bot in webhook mode on a free loopback port: (the local URL to post to, the core)."""
    settings = dataclasses.replace(load_settings(Path(":memory:")), token=fake.token, api_url=fake.api_url)
    application = build_application(settings, core_factory=EchoCore, store=store, commands=[("start", "Start")])
    async with running(application, webhook=Webhook(URL, "127.0.0.1", 0, SECRET)) as server:
        assert server is not None
        yield f"http://127.0.0.1:{server.port}/tg/hook", application.bot_data["runtime"].core


async def post(url: str, body: object, headers: dict[str, str] | None = None) -> int:
    async with aiohttp.ClientSession() as session:
        if isinstance(body, (bytes, str)):
            response = await session.post(url, data=body, headers=headers)
        else:
            response = await session.post(url, json=body, headers=headers)
        async with response:
            return response.status


async def test_the_webhook_is_registered_with_its_secret_and_nothing_polls(fake, hook):
    assert fake.webhook["url"] == URL
    assert fake.webhook["secret_token"] == SECRET
    assert not fake.calls_to("getUpdates")


async def test_an_update_posted_with_the_secret_is_answered(fake, hook):
    url, core = hook
    update = fake.send_text(61, "hello there")
    assert await post(url, update.body, {SECRET_HEADER: SECRET}) == 200
    [reply] = await fake.wait_for_messages(61)
    assert reply.text == "echo: hello there"


@pytest.mark.parametrize("headers", [None, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}])
async def test_an_update_without_the_right_secret_is_refused(fake, hook, headers):
    url, core = hook
    update = fake.send_text(62, "let me in")
    assert await post(url, update.body, headers) == 403
    assert core.calls == 0


async def test_what_is_not_an_update_is_refused(fake, hook):
    url, core = hook
    assert await post(url, b"not json", {SECRET_HEADER: SECRET}) == 400
    assert await post(url, {"no": "update_id"}, {SECRET_HEADER: SECRET}) == 400
    assert await post(url.replace("/tg/hook", "/other"), {}, {SECRET_HEADER: SECRET}) == 404
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 405
    assert core.calls == 0


async def test_the_server_stops_listening_on_shutdown(fake, store):
    settings = dataclasses.replace(load_settings(Path(":memory:")), token=fake.token, api_url=fake.api_url)
    application = build_application(settings, core_factory=EchoCore, store=store, commands=[])
    async with running(application, webhook=Webhook(URL, "127.0.0.1", 0, SECRET)) as server:
        assert server is not None
        url = f"http://127.0.0.1:{server.port}/tg/hook"
        assert await post(url, fake.send_text(63, "hi").body, {SECRET_HEADER: SECRET}) == 200
        await fake.wait_for_messages(63)
    assert not application.running
    with pytest.raises(aiohttp.ClientConnectionError):
        await post(url, {}, {SECRET_HEADER: SECRET})


def test_the_secret_comes_from_the_environment_or_is_random(monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    first, second = webhook_secret(), webhook_secret()
    assert first != second and len(first) >= 32
    monkeypatch.setenv(SECRET_ENV, "my_secret-1")
    assert webhook_secret() == "my_secret-1"
    monkeypatch.setenv(SECRET_ENV, "has spaces!")
    with pytest.raises(BotStartError):
        webhook_secret()


def test_a_webhook_url_that_is_not_https_is_one_sentence(capsys, tmp_path):
    settings = dataclasses.replace(load_settings(tmp_path / "bot.db"), token="123:abc",
                                   api_url="http://127.0.0.1:9/bot")
    assert run_bot(settings, webhook_url="http://bot.example.org/hook") == 1
    err = capsys.readouterr().err
    assert err == "getinvolved: The webhook URL must be a public https:// address, as Telegram requires.\n"
