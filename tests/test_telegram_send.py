"""Replies sent as plain JSON (bot.telegram_send) against the fake Bot API: what Telegram
receives, what comes back, and that Telegram's errors and rate limits are handled as before."""
from __future__ import annotations

from typing import AsyncIterator

import pytest
from telegram import KeyboardButton, ReplyKeyboardMarkup
from telegram.error import BadRequest, Forbidden
from telegram.ext import AIORateLimiter, ExtBot

from bot.messages import Button
from bot.telegram_http import AiohttpRequest
from bot.telegram_render import REMOVE_KEYBOARD, Outgoing, keyboard
from bot.telegram_send import edit_message, markup_json, send_message
from fake_telegram import FakeTelegram

RESIDENT = 77


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else python-telegram-bot warns when it builds RetryAfter


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.add_user(RESIDENT)
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[ExtBot]:
    limiter = AIORateLimiter(overall_max_rate=0, max_retries=2)
    async with ExtBot(fake.token, base_url=fake.api_url, request=AiohttpRequest(connections=4),
                      rate_limiter=limiter) as extbot:
        yield extbot


CARD = Outgoing("<b>Park clean-up</b> &amp; picnic", keyboard([[Button("Find out more", url="https://example.org/p")],
                                                                 [Button("Save", data="save:p1")]]))


async def test_a_message_goes_out_as_telegrams_json_and_its_id_comes_back(fake, bot):
    message_id = await send_message(bot, RESIDENT, CARD, reply_to=3, preview=False)

    [call] = fake.calls_to("sendMessage")
    assert call.params == {
        "chat_id": RESIDENT, "text": "<b>Park clean-up</b> &amp; picnic", "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "Find out more", "url": "https://example.org/p"}],
                                             [{"text": "Save", "callback_data": "save:p1"}]]},
        "reply_parameters": {"message_id": 3, "allow_sending_without_reply": True},
        "link_preview_options": {"is_disabled": True}}
    assert message_id == fake.messages(RESIDENT)[-1].message_id


async def test_an_edit_replaces_the_text_and_the_buttons(fake, bot):
    message_id = await send_message(bot, RESIDENT, Outgoing("Choose one", keyboard([[Button("A", data="a")]])))
    assert message_id is not None

    await edit_message(bot, RESIDENT, message_id, Outgoing("Chosen: <i>A</i>", keyboard([[Button("Undo", data="u")]])))

    [message] = fake.messages(RESIDENT)
    assert message.text == "Chosen: A"
    assert message.buttons == [[{"text": "Undo", "callback_data": "u"}]]


async def test_telegrams_refusals_are_python_telegram_bots_exceptions(fake, bot):
    with pytest.raises(BadRequest, match="entities"):
        await send_message(bot, RESIDENT, Outgoing("<b>unclosed"))
    fake.block(RESIDENT)
    with pytest.raises(Forbidden):
        await send_message(bot, RESIDENT, CARD)


async def test_a_flood_wait_is_waited_out_and_the_message_sent(fake, bot):
    fake.limit_rate(per_chat_per_second=1)

    await send_message(bot, RESIDENT, Outgoing("first"))
    await send_message(bot, RESIDENT, Outgoing("second"))

    assert [m.text for m in fake.messages(RESIDENT)] == ["first", "second"]
    assert [c.status for c in fake.calls_to("sendMessage")] == [200, 429, 200]


def test_reply_keyboards_that_differ_only_in_their_options_keep_their_own_options():
    button = [[KeyboardButton("Share", request_location=True)]]
    once = ReplyKeyboardMarkup(button, one_time_keyboard=True)
    always = ReplyKeyboardMarkup(button, one_time_keyboard=False)

    assert markup_json(once)["one_time_keyboard"] is True
    assert markup_json(always)["one_time_keyboard"] is False
    assert markup_json(REMOVE_KEYBOARD) == {"remove_keyboard": True}
