"""A local fake of the Telegram Bot API, for driving the real python-telegram-bot against it.

aiohttp on 127.0.0.1 (a random port). URLs have Telegram's shape, `<base>/bot<token>/<method>`,
so the bot under test only needs TELEGRAM_API_URL=fake.api_url. Tests queue what residents do
(`send_text`, `press`, `share_location`, `send_sticker`...), the bot fetches it with getUpdates
long polling, and every call the bot makes is recorded with a timestamp (`calls`, `messages`).

It refuses what Telegram refuses, with Telegram's error shapes: invalid HTML entities (a real
small parser of Telegram's HTML subset), text over 4096 characters, callback data over 64 bytes,
link buttons that are not http(s)/tg, unknown chats and messages, and 403 for users marked
`block`ed. It is slightly stricter than Telegram where that protects us: a bare "&" or an
unsupported named entity is refused (Telegram's docs require escaping them; the server happens
to tolerate some), and lengths are counted in UTF-16 code units.

Knobs for load and delivery tests: `limit_rate(global_per_second=, per_chat_per_second=)` answers
429 with retry_after like Telegram's flood control; `fail_randomly(rate, seed=)` injects 500s.

    async with FakeTelegram() as fake:
        fake.send_text(42, "/start")
        [reply] = await fake.wait_for_messages(42)
"""
from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import math
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

TOKEN = "123456:TEST-token_for-the-fake"
BOT_ID = 123456
BOT_USERNAME = "GetInvolvedTestBot"
MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument", "sendlocation", "sendsticker",
                          "sendvoice", "sendvideo", "sendaudio", "sendanimation", "sendmediagroup",
                          "copymessage", "forwardmessage"})


class ApiError(Exception):
    """Raised inside the fake to answer a call with Telegram's error shape."""

    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, "Bad Request: " + description)


@dataclass
class Call:
    """One request the bot made, and how the fake answered it."""

    method: str  # as Telegram spells it: "sendMessage"
    params: dict[str, Any]
    at: float  # time.monotonic() when it arrived
    status: int = 200  # 200, or the error_code returned
    description: str = ""
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None


@dataclass
class SentMessage:
    """A message the bot sent (as it stands after any edits)."""

    message_id: int
    chat_id: int
    html: str  # the text exactly as sent (HTML when parse_mode was HTML)
    text: str  # what the resident sees: entities parsed
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    sent_at: float = 0.0
    edits: int = 0
    keyboard: dict[str, Any] | None = None  # a reply keyboard ({"keyboard": ...}) or its removal

    def button(self, label: str) -> dict[str, Any]:
        """The button whose label contains `label` (case-insensitive)."""
        for row in self.buttons:
            for button in row:
                if label.lower() in button["text"].lower():
                    return button
        raise KeyError(f"no button {label!r} in {[b['text'] for row in self.buttons for b in row]}")

    @property
    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    @property
    def urls(self) -> list[str]:
        return [b["url"] for row in self.buttons for b in row if "url" in b]


@dataclass
class QueuedUpdate:
    update_id: int
    body: dict[str, Any]
    chat_id: int | None
    queued_at: float  # when it became available to getUpdates


class _Bucket:
    """A token bucket: `rate` a second with bursts of up to `burst`."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def take(self) -> float:
        """0 when allowed, else seconds until a token is free."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


# -- Telegram's HTML subset -------------------------------------------------------------------

HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
             "tg-spoiler", "span", "blockquote"}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_PLAIN = re.compile(r"[^&<]+")  # a run of text with no entity or tag in it, taken whole


class EntityError(ValueError):
    """Raised by parse_html with Telegram's wording for why the entities cannot be parsed."""


def parse_html(text: str) -> str:
    """The visible text of Telegram HTML, or EntityError with the reason Telegram gives."""
    out: list[str] = []
    stack: list[str] = []
    i, n = 0, len(text)

    def offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    while i < n:
        ch = text[i]
        if ch == "&":
            m = _ENTITY.match(text, i)
            if not m:
                raise EntityError(f'Character "&" must be escaped as "&amp;" at byte offset {offset(i)}')
            name = m.group(1)
            if name.startswith("#"):
                code = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:])
                if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    raise EntityError(f"Unsupported HTML entity at byte offset {offset(i)}")
                out.append(chr(code))
            elif name in _NAMED:
                out.append(_NAMED[name])
            else:
                raise EntityError(f'Unsupported HTML entity "&{name};" at byte offset {offset(i)}')
            i = m.end()
            continue
        if ch != "<":
            plain = _PLAIN.match(text, i)
            assert plain is not None
            out.append(plain.group())
            i = plain.end()
            continue
        start = i
        if i + 1 < n and text[i + 1] == "/":
            end = text.find(">", i)
            if end < 0:
                raise EntityError(f"Unclosed end tag at byte offset {offset(start)}")
            name = text[i + 2:end].strip().lower()
            if not stack:
                raise EntityError(f"Unexpected end tag at byte offset {offset(start)}")
            if name != stack[-1]:
                raise EntityError(f'Unmatched end tag at byte offset {offset(start)}, expected "</{stack[-1]}>", '
                                  f'found "</{name}>"')
            stack.pop()
            i = end + 1
            continue
        j = i + 1
        while j < n and (text[j].isalnum() or text[j] == "-"):
            j += 1
        name = text[i + 1:j].lower()
        if name not in HTML_TAGS:
            raise EntityError(f'Unsupported start tag "{name}" at byte offset {offset(start)}')
        attrs, i = _parse_attributes(text, j, name, offset(start))
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset(start)}')
        stack.append(name)
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _parse_attributes(text: str, i: int, tag: str, at: int) -> tuple[dict[str, str], int]:
    """Attributes of a start tag beginning at i; returns them and the index after '>'."""
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityError(f"Unclosed start tag at byte offset {at}")
        if text[i] == ">":
            return attrs, i + 1
        j = i
        while j < n and (text[j].isalnum() or text[j] in "-_"):
            j += 1
        name = text[i:j].lower()
        if not name:
            raise EntityError(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
        i = j
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] != "=":  # an attribute without a value: <blockquote expandable>
            attrs[name] = ""
            continue
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityError(f"Unclosed start tag at byte offset {at}")
        if text[i] in "\"'":
            close = text.find(text[i], i + 1)
            if close < 0:
                raise EntityError(f"Unclosed start tag at byte offset {at}")
            value, i = text[i + 1:close], close + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            value, i = text[i:j], j
        if "<" in value:
            raise EntityError(f"Unclosed start tag at byte offset {at}")
        attrs[name] = html.unescape(value)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- the server ---------------------------------------------------------------------------------

Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class FakeTelegram:
    """The fake Bot API server. Use `async with FakeTelegram() as fake:` or start()/stop()."""

    def __init__(self, *, token: str = TOKEN, username: str = BOT_USERNAME,
                 privacy_mode: bool = True, accept_unknown_chats: bool = False):
        self.token = token
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Get Involved", "username": username,
                         "can_join_groups": True, "can_read_all_group_messages": not privacy_mode,
                         "supports_inline_queries": False}
        self.accept_unknown_chats = accept_unknown_chats
        self.calls: list[Call] = []
        self.sent: dict[int, list[SentMessage]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.commands: list[dict[str, str]] = []  # the default scope's
        self.chat_commands: dict[int, list[dict[str, str]]] = {}  # BotCommandScopeChat's, by chat
        self.webhook: dict[str, Any] = {"url": ""}
        self.updates: list[QueuedUpdate] = []  # not yet confirmed by an offset
        self.history: list[QueuedUpdate] = []  # every update ever queued
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._open_callbacks: set[str] = set()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0
        self._global_bucket: _Bucket | None = None
        self._chat_rate: tuple[float, float] | None = None
        self._chat_buckets: dict[int, _Bucket] = {}
        self._fail_rate = 0.0
        self._random = random.Random(0)
        self._methods: dict[str, Handler] = {
            "getme": self._get_me, "getupdates": self._get_updates, "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query, "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands, "deletemycommands": self._delete_my_commands,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook, "getwebhookinfo": self._get_webhook_info,
            "sendchataction": self._send_chat_action, "close": self._ok, "logout": self._ok,
        }

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> "FakeTelegram":
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._closing = True
        self._notify()  # long polls still waiting return at once
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeTelegram":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """What TELEGRAM_API_URL should be: the token is appended by the client."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- knobs ---------------------------------------------------------------------------------

    def block(self, user_id: int) -> None:
        """The user blocked the bot: sends to them answer 403."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def limit_rate(self, *, global_per_second: float | None = None, per_chat_per_second: float | None = None,
                   global_burst: float | None = None, per_chat_burst: float = 1) -> None:
        """Flood control like Telegram's: beyond these rates, send methods answer 429 retry_after."""
        self._global_bucket = (_Bucket(global_per_second, global_burst or global_per_second)
                               if global_per_second else None)
        self._chat_rate = (per_chat_per_second, per_chat_burst) if per_chat_per_second else None
        self._chat_buckets.clear()

    def fail_randomly(self, rate: float, *, seed: int = 0) -> None:
        """Answer this fraction of send/edit calls with 500 Internal Server Error (seeded)."""
        self._fail_rate, self._random = rate, random.Random(seed)

    def add_user(self, user_id: int, *, first_name: str | None = None) -> dict[str, Any]:
        """A user who has started the bot (so the bot may message them) without queuing anything."""
        user = self.users.setdefault(user_id, {"id": user_id, "is_bot": False,
                                               "first_name": first_name or f"Resident{user_id}",
                                               "language_code": "en"})
        self.chats.setdefault(user_id, {"id": user_id, "type": "private", "first_name": user["first_name"]})
        return user

    def add_group(self, chat_id: int, *, title: str = "Residents' group", kind: str = "group") -> dict[str, Any]:
        return self.chats.setdefault(chat_id, {"id": chat_id, "type": kind, "title": title})

    # -- what residents do -----------------------------------------------------------------------

    def queue_update(self, body: dict[str, Any], chat_id: int | None = None) -> QueuedUpdate:
        """Make an update available to getUpdates; returns it (with its id and time)."""
        update = QueuedUpdate(next(self._update_ids), body, chat_id, time.monotonic())
        update.body["update_id"] = update.update_id
        self.updates.append(update)
        self.history.append(update)
        self._notify()
        return update

    def send_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> QueuedUpdate:
        """The user types text (a /command gets Telegram's bot_command entities)."""
        message = self._message(user_id, chat_id, text=text)
        entities = [{"type": "bot_command", "offset": utf16_len(text[:m.start()]),
                     "length": utf16_len(m.group(0))}
                    for m in re.finditer(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?", text)]
        if entities:
            message["entities"] = entities
        return self.queue_update({"message": message}, message["chat"]["id"])

    def share_location(self, user_id: int, latitude: float, longitude: float, *,
                       chat_id: int | None = None) -> QueuedUpdate:
        message = self._message(user_id, chat_id, location={"latitude": latitude, "longitude": longitude})
        return self.queue_update({"message": message}, message["chat"]["id"])

    def send_sticker(self, user_id: int, *, chat_id: int | None = None) -> QueuedUpdate:
        sticker = {"file_id": "CAACAgIAAxkBAAEB", "file_unique_id": "AgADsticker", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
        message = self._message(user_id, chat_id, sticker=sticker)
        return self.queue_update({"message": message}, message["chat"]["id"])

    def send_photo(self, user_id: int, *, caption: str = "", chat_id: int | None = None) -> QueuedUpdate:
        photo = [{"file_id": "AgACAgQAAxkBAAEC", "file_unique_id": "AQADphoto", "width": 90, "height": 60}]
        extra: dict[str, Any] = {"photo": photo}
        if caption:
            extra["caption"] = caption
        message = self._message(user_id, chat_id, **extra)
        return self.queue_update({"message": message}, message["chat"]["id"])

    def send_voice(self, user_id: int, *, chat_id: int | None = None) -> QueuedUpdate:
        voice = {"file_id": "AwACAgQAAxkBAAED", "file_unique_id": "AgADvoice", "duration": 3}
        message = self._message(user_id, chat_id, voice=voice)
        return self.queue_update({"message": message}, message["chat"]["id"])

    def press(self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None) -> QueuedUpdate:
        """The user presses an inline button with this data under the bot's message `message_id`."""
        chat = self._chat(user_id, chat_id)
        query_id = str(next(self._callback_ids))
        self._open_callbacks.add(query_id)
        sent = self.find_message(chat["id"], message_id)
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": chat,
                                   "from": self.bot_user, "text": sent.text if sent else "…"}
        if sent and sent.buttons:
            message["reply_markup"] = {"inline_keyboard": sent.buttons}
        query = {"id": query_id, "from": self.users[user_id], "chat_instance": f"ci{chat['id']}",
                 "message": message, "data": data}
        return self.queue_update({"callback_query": query}, chat["id"])

    def press_button(self, user_id: int, label: str, *, chat_id: int | None = None) -> QueuedUpdate:
        """Press the callback button labelled `label` on the newest bot message that has one."""
        for sent in reversed(self.messages(chat_id if chat_id is not None else user_id)):
            try:
                button = sent.button(label)
            except KeyError:
                continue
            if "callback_data" in button:
                return self.press(user_id, sent.message_id, button["callback_data"], chat_id=chat_id)
        raise KeyError(f"no message in the chat has a button {label!r}")

    def block_via_update(self, user_id: int) -> QueuedUpdate:
        """The user blocks the bot: Telegram sends a my_chat_member update and refuses later sends."""
        self.block(user_id)
        chat = self._chat(user_id, None)
        member = {"chat": chat, "from": self.users[user_id], "date": int(time.time()),
                  "old_chat_member": {"status": "member", "user": self.bot_user},
                  "new_chat_member": {"status": "kicked", "user": self.bot_user, "until_date": 0}}
        return self.queue_update({"my_chat_member": member}, user_id)

    def _chat(self, user_id: int, chat_id: int | None) -> dict[str, Any]:
        self.add_user(user_id)
        if chat_id is None or chat_id == user_id:
            return self.chats[user_id]
        return self.add_group(chat_id)

    def _message(self, user_id: int, chat_id: int | None, **content: Any) -> dict[str, Any]:
        chat = self._chat(user_id, chat_id)
        return {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                "from": self.users[user_id], **content}

    # -- what the bot did ---------------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to a chat, oldest first (as edited since)."""
        return list(self.sent.get(chat_id, []))

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.messages(chat_id)]

    def find_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        return next((m for m in self.sent.get(chat_id, []) if m.message_id == message_id), None)

    def calls_to(self, method: str, *, chat_id: int | None = None, ok: bool | None = None) -> list[Call]:
        """Recorded calls of one method (case-insensitive), optionally for one chat or by outcome."""
        return [c for c in self.calls if c.method.lower() == method.lower()
                and (chat_id is None or c.chat_id == chat_id) and (ok is None or c.ok == ok)]

    @property
    def refused(self) -> list[Call]:
        """Calls answered with an error other than 403/429/500 we injected: the bot's mistakes."""
        return [c for c in self.calls if c.status == 400 or c.status == 404 or c.status == 401]

    async def wait_for(self, predicate: Callable[[], bool], *, timeout: float = 5.0) -> None:
        """Wait until predicate() holds (TimeoutError if not), re-checking whenever the fake sees a
        change and every 20 ms (for changes elsewhere, such as the bot's database)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, 0.02))

    async def wait_for_messages(self, chat_id: int, count: int = 1, *, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until the chat holds at least `count` bot messages; returns them all."""
        try:
            await self.wait_for(lambda: len(self.sent.get(chat_id, [])) >= count, timeout=timeout)
        except TimeoutError:
            raise AssertionError(f"chat {chat_id} got {self.texts(chat_id)!r}, expected {count} messages; "
                                 f"refused calls: {[(c.method, c.description) for c in self.refused]}") from None
        return self.messages(chat_id)

    async def wait_for_new(self, chat_id: int, after: int, count: int = 1, *,
                           timeout: float = 5.0) -> list[SentMessage]:
        """Messages beyond the first `after` in the chat, waiting for at least `count` of them."""
        return (await self.wait_for_messages(chat_id, after + count, timeout=timeout))[after:]

    def _notify(self) -> None:
        """Wake everything waiting for a change (wait_for, long-polling getUpdates)."""
        self._changed.set()
        self._changed = asyncio.Event()

    # -- HTTP -----------------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _read_params(request)
        call = Call(method, params, time.monotonic())
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            self._flood_control(method.lower(), params)
            call.result = await handler(params)
            body: dict[str, Any] = {"ok": True, "result": call.result}
        except ApiError as e:
            call.status, call.description = e.code, e.description
            body = e.body()
        if method.lower() != "getupdates" or call.result:
            self.calls.append(call)
            self._notify()
        return web.json_response(body, status=call.status)

    def _flood_control(self, method: str, params: dict[str, Any]) -> None:
        if method not in SEND_METHODS and not method.startswith("edit"):
            return
        if self._fail_rate and self._random.random() < self._fail_rate:
            raise ApiError(500, "Internal Server Error")
        if method not in SEND_METHODS:
            return
        waits = []
        if self._global_bucket:
            waits.append(self._global_bucket.take())
        if self._chat_rate and "chat_id" in params:
            bucket = self._chat_buckets.setdefault(int(params["chat_id"]), _Bucket(*self._chat_rate))
            waits.append(bucket.take())
        wait = max(waits, default=0.0)
        if wait:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    # -- methods -------------------------------------------------------------------------------

    async def _ok(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook["url"]:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.updates = [u for u in self.updates if u.update_id >= offset]
        if not self.updates and timeout > 0:
            with contextlib.suppress(TimeoutError):
                await self.wait_for(lambda: bool(self.updates) or self._closing, timeout=timeout)
        return [u.body for u in self.updates[:limit]]

    def _check_chat(self, params: dict[str, Any]) -> int:
        if "chat_id" not in params or params["chat_id"] in ("", None):
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(params["chat_id"])
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if chat_id not in self.chats:
            if not self.accept_unknown_chats:
                raise bad_request("chat not found")
            self.add_user(chat_id) if chat_id > 0 else self.add_group(chat_id)
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _check_text(self, params: dict[str, Any]) -> tuple[str, str]:
        """(as sent, as shown) after Telegram's checks on text and parse_mode."""
        raw = str(params.get("text") or "")
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                shown = parse_html(raw)
            except EntityError as e:
                raise bad_request(f"can't parse entities: {e}") from None
        elif mode:
            raise bad_request(f"unsupported parse_mode {params['parse_mode']!r} in this fake")
        else:
            shown = raw
        shown = shown.strip()
        if not shown:
            raise bad_request("message text is empty")
        if utf16_len(shown) > MAX_TEXT:
            raise bad_request("message is too long")
        return raw, shown

    def _check_markup(self, params: dict[str, Any]) -> list[list[dict[str, Any]]]:
        markup = params.get("reply_markup")
        if not markup:
            return []
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            self._check_reply_keyboard(markup)
            return []
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not str(button.get("text") or "").strip():
                    raise bad_request("can't parse inline keyboard button: Text buttons are unallowed "
                                      "in the inline keyboard")
                if "url" in button:
                    if not _valid_button_url(str(button["url"])):
                        raise bad_request("BUTTON_URL_INVALID")
                elif "callback_data" in button:
                    data = str(button["callback_data"])
                    if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES:
                        raise bad_request("BUTTON_DATA_INVALID")
                else:
                    raise bad_request("can't parse inline keyboard button: Text buttons are unallowed "
                                      "in the inline keyboard")
        return rows

    @staticmethod
    def _check_reply_keyboard(markup: dict[str, Any]) -> None:
        if markup.get("remove_keyboard") is True:
            return
        rows = markup.get("keyboard")
        if not isinstance(rows, list) or not all(isinstance(r, list) and r for r in rows):
            raise bad_request("field \"keyboard\" of the ReplyKeyboardMarkup must be an Array of Arrays")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not str(button.get("text") or "").strip():
                    raise bad_request("can't parse keyboard button: text must be non-empty")

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._check_chat(params)
        raw, shown = self._check_text(params)
        buttons = self._check_markup(params)
        sent = SentMessage(next(self._message_ids), chat_id, raw, shown, buttons, time.monotonic())
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" not in markup:
            sent.keyboard = markup
        self.sent.setdefault(chat_id, []).append(sent)
        return self._message_json(sent)

    def _message_json(self, sent: SentMessage) -> dict[str, Any]:
        body: dict[str, Any] = {"message_id": sent.message_id, "date": int(time.time()),
                                "chat": self.chats[sent.chat_id], "from": self.bot_user, "text": sent.text}
        if sent.edits:
            body["edit_date"] = int(time.time())
        if sent.buttons:
            body["reply_markup"] = {"inline_keyboard": sent.buttons}
        return body

    def _message_to_edit(self, params: dict[str, Any]) -> SentMessage:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")
        chat_id = self._check_chat(params)
        try:
            message_id = int(params.get("message_id") or 0)
        except (TypeError, ValueError):
            message_id = 0
        sent = self.find_message(chat_id, message_id)
        if sent is None:
            raise bad_request("message to edit not found")
        return sent

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._message_to_edit(params)
        raw, shown = self._check_text(params)
        buttons = self._check_markup(params)
        if shown == sent.text and buttons == sent.buttons:
            raise bad_request("message is not modified: specified new message content and reply markup "
                              "are exactly the same as a current content and reply markup of the message")
        sent.html, sent.text, sent.buttons = raw, shown, buttons
        sent.edits += 1
        return self._message_json(sent)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._message_to_edit(params)
        buttons = self._check_markup(params)
        if buttons == sent.buttons:
            raise bad_request("message is not modified: specified new message content and reply markup "
                              "are exactly the same as a current content and reply markup of the message")
        sent.buttons = buttons
        sent.edits += 1
        return self._message_json(sent)

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if utf16_len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = str(command.get("command") or "")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description") or "").strip()) <= 256:
                raise bad_request("command description must be non-empty")
        listed = [{"command": c["command"], "description": c["description"]} for c in commands]
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in ("default", "chat"):
            raise bad_request("unsupported command scope in this fake")
        if scope["type"] == "chat":
            self.chat_commands[self._check_chat(scope)] = listed
        else:
            self.commands = listed
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands = []
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {"url": ""}
        if _truthy(params.get("drop_pending_updates")):
            self.updates.clear()
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        if not url.lower().startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if _truthy(params.get("drop_pending_updates")):
            self.updates.clear()
        self.webhook = {"url": url, "secret_token": secret, "allowed_updates": params.get("allowed_updates"),
                        "max_connections": params.get("max_connections")}
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook["url"], "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._check_chat(params)
        return True


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Parameters from the query string and a JSON, form or multipart body, as Telegram reads them."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        else:
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    for key in ("reply_markup", "commands", "allowed_updates", "entities", "link_preview_options",
                "reply_parameters", "scope"):
        if isinstance(params.get(key), str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                pass
    return params


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _valid_button_url(url: str) -> bool:
    if any(ch.isspace() for ch in url):
        return False
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.hostname)
    return parts.scheme.lower() == "tg" and bool(parts.netloc or parts.path)
