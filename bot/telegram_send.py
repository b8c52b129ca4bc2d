"""The bot's messages sent as plain JSON: sendMessage and editMessageText without PTB objects.

Why: when 200 residents write at once, python-telegram-bot spent about a third of the event
loop's time per reply converting our parameters into its objects and building a `Message`
from each of Telegram's answers, which we never read (chat_load benchmark). Here the
parameters go out as the JSON Telegram documents, and only the message id is read back.
Telegram's errors are still python-telegram-bot's exceptions (AiohttpRequest.post_json), and
the application's rate limiter still applies (group limits, waiting out a 429 and retrying).
"""
from __future__ import annotations

import functools
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.telegram_http import AiohttpRequest
from bot.telegram_render import Outgoing

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


async def send_message(bot: Bot, chat_id: int, part: Outgoing, *, reply_to: int | None = None,
                       preview: bool = True) -> int | None:
    """Send one rendered message; returns its message id."""
    params: dict[str, Any] = {"chat_id": chat_id, "text": part.html, "parse_mode": "HTML"}
    if part.keyboard is not None:
        params["reply_markup"] = markup_json(part.keyboard)
    if reply_to:
        params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    if not preview:
        params["link_preview_options"] = {"is_disabled": True}
    result = await call(bot, "sendMessage", params)
    return result.get("message_id") if isinstance(result, dict) else None


async def edit_message(bot: Bot, chat_id: int, message_id: int, part: Outgoing) -> None:
    """Replace a message's text (and its inline keyboard, if the part has one)."""
    params: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id, "text": part.html,
                              "parse_mode": "HTML"}
    if part.keyboard is not None:
        params["reply_markup"] = markup_json(part.keyboard)
    await call(bot, "editMessageText", params)


async def call(bot: Bot, method: str, params: dict[str, Any]) -> Any:
    """One Bot API call through the bot's request object and rate limiter (if it has one)."""
    request = bot.request
    if not isinstance(request, AiohttpRequest):
        raise TypeError("telegram_send needs a bot built with bot.telegram_http.AiohttpRequest")
    url = f"{bot.base_url}/{method}"
    limiter = getattr(bot, "rate_limiter", None)
    if limiter is None:
        return await request.post_json(url, params)
    return await limiter.process_request(callback=request.post_json, args=(url, params), kwargs={},
                                         endpoint=method, data=params, rate_limit_args=None)


def markup_json(markup: Markup) -> dict[str, Any]:
    """A keyboard as Telegram's JSON (not to be modified: inline keyboards' are shared)."""
    return _inline_json(markup) if isinstance(markup, InlineKeyboardMarkup) else markup.to_dict()


@functools.lru_cache(maxsize=1024)
def _inline_json(markup: InlineKeyboardMarkup) -> dict[str, Any]:
    """Converted once each: render shares its inline keyboards, and they compare by their buttons.

    (Reply keyboards compare by their buttons only, not their options, so they are not cached.)
    """
    return markup.to_dict()
