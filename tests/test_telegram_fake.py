"""The fake Bot API itself: Telegram's URL shape, long polling, error shapes and the knobs that
delivery tests rely on (429 flood control, 403 blocked users, injected 500s)."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, AsyncIterator

import aiohttp
import pytest

from fake_telegram import BOT_USERNAME, TOKEN, FakeTelegram


@pytest.fixture
async def call(fake: FakeTelegram) -> AsyncIterator[Any]:
    """call(method, **params) -> (HTTP status, JSON body), posted as a form like python-telegram-bot."""
    async with aiohttp.ClientSession() as session:
        async def post(method: str, *, token: str = TOKEN, **params: Any) -> tuple[int, dict[str, Any]]:
            form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            async with session.post(f"{fake.api_url}{token}/{method}", data=form) as response:
                return response.status, await response.json()
        yield post


async def test_get_me_and_telegrams_errors_for_bad_tokens_and_unknown_methods(call):
    status, body = await call("getMe")
    assert status == 200 and body["result"]["username"] == BOT_USERNAME
    assert await call("getMe", token="1:wrong") == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert await call("sendTelepathy") == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_get_updates_long_polls_until_an_update_arrives_and_offset_confirms(fake, call):
    started = time.monotonic()
    waiting = asyncio.create_task(call("getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    queued = fake.send_text(1, "/start now")
    status, body = await waiting
    assert time.monotonic() - started < 2
    [update] = body["result"]
    assert update["update_id"] == queued.update_id
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert (await call("getUpdates", offset=queued.update_id))[1]["result"] == [update]
    assert (await call("getUpdates", offset=queued.update_id + 1))[1]["result"] == []


async def test_get_updates_conflicts_with_a_webhook(fake, call):
    assert (await call("setWebhook", url="http://insecure.example.org"))[1]["description"] == \
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    assert (await call("setWebhook", url="https://bot.example.org/h", secret_token="ok_secret-1"))[0] == 200
    status, body = await call("getUpdates")
    assert status == 409 and body["description"].startswith("Conflict: can't use getUpdates method")
    assert (await call("getWebhookInfo"))[1]["result"]["url"] == "https://bot.example.org/h"
    await call("deleteWebhook")
    assert (await call("getUpdates"))[0] == 200


@pytest.mark.parametrize("params, description", [
    ({"text": "<b>open"}, "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""),
    ({"text": "x" * 4097}, "Bad Request: message is too long"),
    ({"text": "   "}, "Bad Request: message text is empty"),
    ({"text": "ok", "reply_markup": {"inline_keyboard": [[{"text": "B", "callback_data": "x" * 65}]]}},
     "Bad Request: BUTTON_DATA_INVALID"),
    ({"text": "ok", "reply_markup": {"inline_keyboard": [[{"text": "B", "url": "ftp://x.org"}]]}},
     "Bad Request: BUTTON_URL_INVALID"),
    ({"text": "ok", "reply_markup": {"inline_keyboard": [[{"text": "B"}]]}},
     "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
])
async def test_send_message_refuses_what_telegram_refuses(fake, call, params, description):
    fake.add_user(5)
    status, body = await call("sendMessage", chat_id=5, parse_mode="HTML", **params)
    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": description})
    assert fake.refused[-1].description == description and not fake.messages(5)


async def test_4096_characters_after_entity_parsing_are_accepted(fake, call):
    fake.add_user(5)
    assert (await call("sendMessage", chat_id=5, parse_mode="HTML", text="<b>" + "&amp;" * 4096 + "</b>"))[0] == 200


async def test_unknown_chats_blocked_users_and_missing_messages(fake, call):
    assert (await call("sendMessage", chat_id=77, text="hi"))[1]["description"] == "Bad Request: chat not found"
    fake.add_user(6)
    fake.block(6)
    assert await call("sendMessage", chat_id=6, text="hi") == (
        403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    fake.unblock(6)
    status, body = await call("sendMessage", chat_id=6, text="hi")
    message_id = body["result"]["message_id"]
    assert (await call("editMessageText", chat_id=6, message_id=999, text="x"))[1]["description"] == \
        "Bad Request: message to edit not found"
    assert (await call("editMessageText", chat_id=6, message_id=message_id, text="hi"))[1]["description"] \
        .startswith("Bad Request: message is not modified")
    assert (await call("editMessageText", chat_id=6, message_id=message_id, text="hello"))[0] == 200
    assert fake.messages(6)[0].text == "hello" and fake.messages(6)[0].edits == 1


async def test_callback_queries_can_be_answered_once(fake, call):
    fake.add_user(7)
    query_id = fake.press(7, 1, "data").body["callback_query"]["id"]
    assert (await call("answerCallbackQuery", callback_query_id=query_id))[0] == 200
    assert (await call("answerCallbackQuery", callback_query_id=query_id))[1]["description"] == \
        "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def test_commands_are_checked_and_kept(fake, call):
    assert (await call("setMyCommands", commands=[{"command": "Bad-Name", "description": "x"}]))[1]["description"] \
        == "Bad Request: BOT_COMMAND_INVALID"
    assert (await call("setMyCommands", commands=[{"command": "start", "description": "Begin"}]))[0] == 200
    assert (await call("getMyCommands"))[1]["result"] == [{"command": "start", "description": "Begin"}]


async def test_flood_control_answers_429_with_retry_after(fake, call):
    fake.add_user(8)
    fake.add_user(9)
    fake.limit_rate(per_chat_per_second=1)
    assert (await call("sendMessage", chat_id=8, text="one"))[0] == 200
    status, body = await call("sendMessage", chat_id=8, text="two")
    assert (status, body["parameters"]) == (429, {"retry_after": 1})
    assert body["description"] == "Too Many Requests: retry after 1"
    assert (await call("sendMessage", chat_id=9, text="other chat"))[0] == 200

    fake.limit_rate(global_per_second=5)
    statuses = [(await call("sendMessage", chat_id=8 + n % 2, text=f"m{n}"))[0] for n in range(8)]
    assert statuses.count(200) == 5 and statuses.count(429) == 3


async def test_random_500s_are_repeatable_with_a_seed(fake, call):
    fake.add_user(10)

    async def outcomes() -> list[int]:
        return [(await call("sendMessage", chat_id=10, text=f"m{n}"))[0] for n in range(40)]

    fake.fail_randomly(0.25, seed=3)
    first = await outcomes()
    fake.fail_randomly(0.25, seed=3)
    assert await outcomes() == first
    assert 0 < first.count(500) < 40
    assert fake.calls_to("sendMessage", ok=False)[0].description == "Internal Server Error"
