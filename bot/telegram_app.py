"""The Telegram adapter: python-telegram-bot 22 in front of the conversation core.

Handlers only translate: an Update becomes an `Incoming`, the core returns `Reply` objects, and
`deliver` renders them as Telegram messages that Telegram will accept (see bot.telegram_render).
No dialogue logic here. The core does blocking SQLite work and matching, so it runs off the event
loop (bot.core_service): in a process of its own for `run` (bot.core_process), else on the
store's worker thread.

Updates from different residents are handled concurrently; each chat's own updates are handled
one at a time, in order (`PerChatUpdateProcessor`). Under load every resident's first message
goes out before anyone's follow-ups (`SendOrder`). The store is opened in post_init and closed
in post_shutdown. Long polling by default; with a webhook URL an aiohttp server receives the
updates (python-telegram-bot's own webhook server needs tornado, which we do not install).

    run_bot(settings)                                  # what `getinvolved run` calls
    app = build_application(settings, core_factory=...) # tests: any object with .handle()
    async with running(app): ...                       # run inside an existing event loop
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import hmac
import logging
import os
import re
import secrets
import signal
import sys
from dataclasses import dataclass, field, replace
from typing import Any, AsyncIterator, Awaitable, Iterator, Sequence
from urllib.parse import urlsplit

# Opt in now to python-telegram-bot 23's durations (RetryAfter.retry_after as a timedelta): without
# it every 429 raises a deprecation warning inside PTB itself.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from aiohttp import web  # noqa: E402
from telegram import BotCommand, Chat, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import (AIORateLimiter, Application, ApplicationBuilder, BaseUpdateProcessor,
                          CallbackQueryHandler, ChatMemberHandler, ContextTypes, MessageHandler, filters)

from bot.config import Settings
from bot.core_process import CoreProcess
from bot.core_service import Core, CoreFactory, InThread, Runner, Service, default_core
from bot.core_service import turn as turn_of
from bot.messages import Incoming, Reply
from bot.store import Store
from bot.telegram_broadcast import register_worker_commands, start_tasks
from bot.telegram_http import AiohttpRequest
from bot.telegram_render import REMOVE_KEYBOARD, Outgoing, combine, plain, render
from bot.telegram_send import edit_message, send_message

log = logging.getLogger(__name__)

SECRET_ENV = "GETINVOLVED_WEBHOOK_SECRET"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
POLL_TIMEOUT = 10  # seconds a getUpdates long poll may wait
MAX_CONCURRENT_UPDATES = 256
# Connections to the Bot API for sending. A connection for each reply of a burst costs the event loop
# more than the queueing it saves (benchmarks/chat_load.py, /start to 200 residents at once: first
# reply p95 0.26-0.27 s with up to 256 connections, 0.20-0.23 s with 32), and against the real API
# each new one is a TLS handshake. Requests waiting for a connection are sent in turn, oldest first.
SEND_CONNECTIONS = 32
GROUP_MESSAGES_PER_MINUTE = 20  # Telegram's limit per group
GC_YOUNG_THRESHOLD = 10_000  # allocations between young-generation collections (Python's default: 700)
FOLLOW_UP_MAX_WAIT = 2.0  # seconds a reply's later messages may be held back for others' first ones
SORRY = "Sorry, something went wrong on my side. Please try again in a moment, or send /help."
_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+|$)(.*)$", re.S)


class BotStartError(Exception):
    """Raised when the bot cannot start (bad token, unreachable API, bad webhook); one sentence."""


@dataclass
class Runtime:
    """What the handlers share, kept in application.bot_data["runtime"]."""

    settings: Settings
    core_factory: CoreFactory
    commands: Sequence[tuple[str, str]] | None
    store: Store | None = None
    owns_store: bool = True
    core_process: bool = False  # the core in a process of its own (bot.core_process), else on the store's thread
    runner: Runner | None = None  # where the core's work runs, from post_init to post_shutdown
    order: SendOrder = field(default_factory=lambda: SendOrder())  # (a lambda: defined further down)
    extra: dict[str, Any] = field(default_factory=dict)  # for scheduled jobs (alerts, scrapes)
    location_asked: set[int] = field(default_factory=set)  # chats showing the share-location keyboard

    @property
    def core(self) -> Core | None:
        """The core when it runs in this process (tests); None before post_init or in a process of its own."""
        return self.runner.service.core if isinstance(self.runner, InThread) else None


def runtime_of(application: Application) -> Runtime:
    runtime: Runtime = application.bot_data["runtime"]
    return runtime


# -- building the application ---------------------------------------------------------------

def build_application(settings: Settings, *, core_factory: CoreFactory | None = None,
                      store: Store | None = None, commands: Sequence[tuple[str, str]] | None = None,
                      overall_rate: float = 0, core_process: bool = False) -> Application:
    """The python-telegram-bot Application, with our handlers, limits and lifecycle hooks.

    `store`: an already open store the caller keeps ownership of (tests); by default the store
    at settings.db_path is opened in post_init and closed in post_shutdown. `commands`: for
    setMyCommands, by default the core's COMMANDS. `overall_rate`: messages a second across all
    chats; 0 leaves replies unthrottled, as Telegram's 30/s applies to bulk notifications, which
    the broadcast engine paces itself (GETINVOLVED_BROADCAST_RATE). Group chats are always
    kept to Telegram's 20 a minute, and a 429's retry_after is always honoured. `core_process`:
    run the core in a child process (bot.core_process; needs a database file), as `run` does.
    """
    if not settings.token:
        raise BotStartError("Set TELEGRAM_BOT_TOKEN to the bot's token from @BotFather to run the Telegram bot.")
    builder = (ApplicationBuilder()
               .token(settings.token)
               .base_url(settings.api_url)
               .request(AiohttpRequest(connections=SEND_CONNECTIONS))
               .get_updates_request(AiohttpRequest(connections=1))
               .rate_limiter(AIORateLimiter(overall_max_rate=overall_rate, overall_time_period=1,
                                            group_max_rate=GROUP_MESSAGES_PER_MINUTE, group_time_period=60,
                                            max_retries=3))
               .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES))
               .post_init(_post_init)
               .post_shutdown(_post_shutdown))
    if file_url := _file_url(settings.api_url):
        builder = builder.base_file_url(file_url)
    application = builder.build()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # if used, it logs every URL, token included
    core_factory = core_factory or functools.partial(default_core, workers=settings.workers)
    application.bot_data["runtime"] = Runtime(settings, core_factory, commands, store=store,
                                              owns_store=store is None, core_process=core_process)
    add_handlers(application)
    return application


def _file_url(api_url: str) -> str | None:
    """The Bot API's file URL beside its method URL: ".../bot" -> ".../file/bot"."""
    return api_url[:-len("bot")] + "file/bot" if api_url.endswith("/bot") else None


def default_commands() -> list[tuple[str, str]]:
    from bot.conversation import COMMANDS

    return list(COMMANDS)


def add_handlers(application: Application) -> None:
    """One handler per kind of update; anything not listed is ignored."""
    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(new_message & filters.COMMAND, on_command))
    application.add_handler(MessageHandler(new_message & private & filters.TEXT, on_text))
    application.add_handler(MessageHandler(new_message & private & filters.LOCATION, on_location))
    application.add_handler(MessageHandler(new_message & private & ~filters.StatusUpdate.ALL, on_unsupported))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(on_error)


async def _post_init(application: Application) -> None:
    """Open the store, get the core ready, register the commands, schedule jobs."""
    runtime = runtime_of(application)
    if runtime.store is None:
        runtime.store = Store(runtime.settings.db_path)
    if runtime.core_process and runtime.store.path not in ("", ":memory:"):  # a child needs a file to open
        runtime.runner = CoreProcess(runtime.store.path, workers=runtime.settings.workers)
    else:
        runtime.runner = InThread(Service(runtime.store, runtime.core_factory))
    commands = runtime.commands if runtime.commands is not None else default_commands()
    try:
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in commands])
    except TelegramError as e:  # clients then just show no command list; not worth stopping for
        log.warning("Could not register the bot's commands with Telegram: %s", e)
    if runtime.commands is None:
        await register_worker_commands(application.bot, runtime.settings.workers)
    schedule_jobs(application, runtime.store, runtime.settings, runtime.runner)


async def _post_shutdown(application: Application) -> None:
    """Stop the core, then close the store we opened (after every handler has finished)."""
    runtime = runtime_of(application)
    if runtime.runner is not None:
        await runtime.runner.close()
        runtime.runner = None
    if runtime.store is not None and runtime.owns_store:
        runtime.store.close()
        runtime.store = None


def schedule_jobs(application: Application, store: Store, settings: Settings, runner: Runner) -> None:
    """The scheduled scrape and new-opportunity alerts (bot.jobs), once, from post_init.

    Their state is kept in runtime.extra["jobs"]; they wind down when the application stops.
    """
    from bot.jobs import schedule

    runtime_of(application).extra["jobs"] = schedule(application, store, settings, runner)


# -- per-chat ordering ---------------------------------------------------------------------------

class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Handles updates concurrently, except that one chat's updates run one at a time, in order.

    A resident who types two messages quickly must get the answers in order (the second reads
    the state the first saved); different residents must not wait for each other.
    """

    def __init__(self, max_concurrent_updates: int):
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _order_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _order_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user else None


# -- first messages first -------------------------------------------------------------------------

class SendOrder:
    """Under load, every waiting resident's first message goes out before anyone's follow-ups.

    When 200 residents write at once and an answer is four messages, sending each as soon as it
    is ready puts later residents' first message behind earlier residents' second to fourth, and
    the event loop's time on those follow-ups also slows the core's thread (they share the GIL).
    So a follow-up (a reply's second message onwards) waits while some resident is still
    waiting for their first message, for at most `max_wait` seconds per reply, so that a steady
    stream of newcomers cannot hold an answer back for long. A chat's own messages keep their
    order: its follow-ups are sent by its own handler, after its first. Only private chats take
    part (see respond): a group's first message may wait long for Telegram's group limit.

        with order.first_reply() as turn:   # from the update's arrival
            ...                             # the core works out the replies
            await send(first); turn.sent()
            await turn.follow_up(); await send(second)
    """

    def __init__(self, max_wait: float = FOLLOW_UP_MAX_WAIT):
        self.max_wait = max_wait
        self.waiting = 0  # residents whose first message is not sent yet
        self._none_waiting = asyncio.Event()
        self._none_waiting.set()

    @contextlib.contextmanager
    def first_reply(self) -> Iterator[Turn]:
        """One resident's turn, from their update to their last message."""
        turn = Turn(self)
        self.waiting += 1
        self._none_waiting.clear()
        try:
            yield turn
        finally:
            turn.sent()

    def _first_sent(self) -> None:
        self.waiting -= 1
        if not self.waiting:
            self._none_waiting.set()

    async def _until_none_waiting(self, deadline: float) -> None:
        left = deadline - asyncio.get_running_loop().time()
        if self.waiting and left > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._none_waiting.wait(), left)


class Turn:
    """One resident's place in the SendOrder (see there)."""

    __slots__ = ("_order", "_deadline")

    def __init__(self, order: SendOrder):
        self._order = order
        self._deadline: float | None = None  # set once the first message is sent

    def sent(self) -> None:
        """The first message is out (or there will be none): others' follow-ups need not wait for it."""
        if self._deadline is None:
            self._deadline = asyncio.get_running_loop().time() + self._order.max_wait
            self._order._first_sent()

    async def follow_up(self) -> None:
        """Wait, if need be, before sending a message after the first."""
        self.sent()
        assert self._deadline is not None
        await self._order._until_none_waiting(self._deadline)


# -- handlers: Update -> Incoming ---------------------------------------------------------------

async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command, in a private chat or addressed to this bot in a group."""
    message = update.effective_message
    if message is None or not message.text:
        return
    parsed = parse_command(message.text)
    if parsed is None:
        return
    command, addressee, args = parsed
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return  # meant for another bot in the group
    if (message.chat.type != ChatType.PRIVATE and not addressee
            and context.bot.bot.can_read_all_group_messages):
        return  # privacy mode off: a bare /command in a group may be meant for another bot
    await respond(update, context, Incoming("command", text=args, command=command))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text in a private chat."""
    assert update.effective_message is not None
    await respond(update, context, Incoming("text", text=update.effective_message.text or ""))


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A location shared in a private chat (Telegram's attachment menu)."""
    assert update.effective_message is not None and update.effective_message.location is not None
    where = update.effective_message.location
    await respond(update, context, Incoming("location", location=(where.latitude, where.longitude)))


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo, voice note... in a private chat: the core answers with a short hint."""
    await respond(update, context, Incoming("unsupported"))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: always answered (stops the client's spinner), then handled as a choice."""
    query = update.callback_query
    assert query is not None
    with contextlib.suppress(BadRequest):  # too old to answer: the press still counts
        await query.answer()
    if not query.data or update.effective_chat is None:
        return
    pressed = query.message if isinstance(query.message, Message) else None
    await respond(update, context, Incoming("choice", choice=query.data), pressed=pressed)


async def on_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A resident blocked (or unblocked) the bot: keep their stored `active` flag in step."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await set_active(context.application, change.chat.id, False)
    elif status == ChatMemberStatus.MEMBER:
        await set_active(context.application, change.chat.id, True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every error with its traceback; tell a private chat that something went wrong."""
    error = context.error
    if isinstance(error, (NetworkError, Forbidden)) and update is None:
        log.warning("Telegram API problem while fetching updates: %s", error)
        return
    log.error("Error while handling %s", _describe(update), exc_info=error)
    if isinstance(error, TelegramError) or not isinstance(update, Update):
        return  # Telegram itself failed: a message would likely fail too
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat.id, SORRY)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        chat = update.effective_chat
        return f"update {update.update_id} (chat {chat.id if chat else '?'})"
    return repr(update)[:80]


def parse_command(text: str) -> tuple[str, str, str] | None:
    """"/Search@MyBot dog walking" -> ("search", "MyBot", "dog walking")."""
    m = _COMMAND.match(text.strip())
    if not m:
        return None
    return m.group(1).lower(), m.group(2) or "", m.group(3).strip()


# -- Incoming -> core -> Telegram -------------------------------------------------------------

async def respond(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming, *,
                  pressed: Message | None = None) -> None:
    """Ask the core (see bot.core_service) and deliver its replies to the chat."""
    runtime = runtime_of(context.application)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or runtime.runner is None:
        return
    private = chat.type == ChatType.PRIVATE
    # Not for groups: Telegram's limit there (20 a minute) may hold their first message for long.
    with runtime.order.first_reply() if private else contextlib.nullcontext() as turn:
        replies = await runtime.runner.call(turn_of, user.id, incoming, chat.id, private)
        message = update.effective_message
        reply_to = message.message_id if message is not None and not private and pressed is None else None
        await deliver(context.application, chat, replies, pressed=pressed, reply_to=reply_to, turn=turn)
    if private:
        start_tasks(context.application, user.id, chat, replies)  # reading a page, sending a broadcast


async def deliver(application: Application, chat: Chat, replies: Sequence[Reply], *,
                  pressed: Message | None = None, reply_to: int | None = None, turn: Turn | None = None) -> None:
    """Send the replies in order. A reply marked `edit` replaces the pressed message when it can.

    With a `turn` (see SendOrder), messages after the first may wait for other residents' first.
    A resident who blocked the bot is marked inactive and the rest is dropped quietly.
    """
    bot = application.bot
    first = True
    shown, remove_keyboard = _with_keyboard_removed(runtime_of(application).location_asked, chat.id, replies)
    try:
        for reply in shown:
            await _wait_turn(turn, first)  # before rendering: a follow-up's work waits too
            parts = render(reply)
            if remove_keyboard:
                parts[-1], remove_keyboard = Outgoing(parts[-1].html, REMOVE_KEYBOARD), False
            if getattr(reply, "edit", False) and pressed is not None and len(parts) == 1:
                if await _edit(bot, pressed, parts[0]):
                    first = _sent(turn)
                    continue
            for part in parts:
                await _wait_turn(turn, first)
                await _send(bot, chat.id, part, reply_to)
                reply_to, first = None, _sent(turn)
    except Forbidden as e:
        log.info("Chat %s cannot be messaged (%s); dropping its replies", chat.id, e.message)
        if chat.type == ChatType.PRIVATE:
            await set_active(application, chat.id, False)


def _with_keyboard_removed(asked: set[int], chat_id: int, replies: Sequence[Reply]) -> tuple[list[Reply], bool]:
    """The replies as messages, and whether the first must take away a "share my location" keyboard.

    That keyboard (see telegram_render.location_keyboard) stays under the message box until a
    message removes it; the answer to a place question starts with a bare acknowledgement ("Thanks.
    I'll look near NG7."), which carries the removal, so it is sent on its own.
    """
    if any(reply.ask_location for reply in replies):
        asked.add(chat_id)
        return combine(replies), False
    if chat_id in asked and replies and replies[0] == Reply(replies[0].html):
        asked.discard(chat_id)
        return [replies[0], *combine(replies[1:])], True
    return combine(replies), False


async def _wait_turn(turn: Turn | None, first: bool) -> None:
    if turn is not None and not first:
        await turn.follow_up()


def _sent(turn: Turn | None) -> bool:
    """After a chat's message went out: tell its turn; returns False (it was no longer the first)."""
    if turn is not None:
        turn.sent()
    return False


async def _send(bot: Any, chat_id: int, part: Outgoing, reply_to: int | None) -> None:
    try:
        await send_message(bot, chat_id, part, reply_to=reply_to)
    except BadRequest as e:
        if "entities" not in e.message.lower():
            raise
        log.warning("Telegram refused a reply's formatting (%s); sending it as plain text", e.message)
        await send_message(bot, chat_id, replace(part, html=plain(part.html)), reply_to=reply_to)


async def _edit(bot: Any, message: Message, part: Outgoing) -> bool:
    """Replace the pressed message; False when Telegram cannot edit it (then we send anew)."""
    try:
        await edit_message(bot, message.chat.id, message.message_id, part)
    except BadRequest as e:
        if "not modified" in e.message.lower():
            return True  # the same button pressed twice: nothing changes, nothing to send
        log.info("Could not edit message %s (%s); sending a new one", message.message_id, e.message)
        return False
    return True


async def set_active(application: Application, resident_id: int, active: bool) -> None:
    """Mark a stored resident (in)active; residents we never stored stay unknown."""
    store = runtime_of(application).store
    if store is not None:
        await store.run(store.set_active, resident_id, active)


# -- running ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Webhook:
    """Webhook mode: Telegram posts to `url`; we listen on listen:port at the URL's path."""

    url: str
    listen: str = "127.0.0.1"
    port: int = 8443
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


class WebhookServer:
    """A small aiohttp server that checks Telegram's secret token and queues the updates."""

    def __init__(self, application: Application, webhook: Webhook):
        self.application, self.webhook = application, webhook
        self.port = webhook.port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_post(self.webhook.path, self.receive)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.webhook.listen, self.webhook.port)
        await site.start()
        server = site._server  # the bound port, for port 0 (tests)
        sockets = getattr(server, "sockets", None)
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def receive(self, request: web.Request) -> web.Response:
        """One update from Telegram: 403 without the right secret, 400 if it is not an update."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.webhook.secret.encode()):
            log.warning("Refused a webhook request without the right secret token from %s", request.remote)
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except Exception:  # not JSON, or not an update: whatever it is, it is not for us
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        await self.application.update_queue.put(update)
        return web.Response()


@contextlib.asynccontextmanager
async def running(application: Application, *, webhook: Webhook | None = None,
                  poll_timeout: float = POLL_TIMEOUT) -> AsyncIterator[WebhookServer | None]:
    """Run the application inside the current event loop until the block ends.

    The same order as Application.run_polling: initialize, post_init, start receiving updates,
    start; and on the way out stop receiving, stop (letting handlers finish), shutdown,
    post_shutdown. Yields the webhook server in webhook mode (its `port` is the bound port).
    """
    try:
        await application.initialize()
    except BaseException:
        await application.bot.shutdown()  # close the HTTP clients opened before getMe failed
        raise
    server: WebhookServer | None = None
    try:
        if application.post_init:
            await application.post_init(application)
        if webhook is None:
            assert application.updater is not None
            await application.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
        else:
            server = WebhookServer(application, webhook)
            await server.start()
            await application.bot.set_webhook(webhook.url, secret_token=webhook.secret,
                                              allowed_updates=ALLOWED_UPDATES)
        await application.start()
        yield server
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if server is not None:
            await server.stop()
        if application.running:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def serve(application: Application, *, webhook: Webhook | None = None) -> None:
    """Run until SIGINT or SIGTERM, then shut down cleanly (the store closes in post_shutdown)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with running(application, webhook=webhook) as server:
            where = f"webhook {webhook.url} (listening on {webhook.listen}:{server.port if server else '?'})" \
                if webhook else "long polling"
            log.info("Bot @%s running with %s", application.bot.username, where)
            await stop.wait()
            log.info("Stopping")
    finally:
        for sig in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


def webhook_secret() -> str:
    """GETINVOLVED_WEBHOOK_SECRET if set (it must be 1-256 of A-Z a-z 0-9 _ -), else a random one."""
    secret = os.environ.get(SECRET_ENV)
    if not secret:
        return secrets.token_urlsafe(32)
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise BotStartError(f"{SECRET_ENV} may hold only letters, digits, _ and -, at most 256 of them.")
    return secret


def run_bot(settings: Settings, *, webhook_url: str | None = None, listen: str = "127.0.0.1",
            port: int = 8443) -> int:
    """`getinvolved run`: seed an empty store, then run the bot until stopped. Returns the exit status."""
    _configure_logging()
    try:
        webhook = None
        if webhook_url:
            if not webhook_url.lower().startswith("https://") or not urlsplit(webhook_url).hostname:
                raise BotStartError("The webhook URL must be a public https:// address, as Telegram requires.")
            webhook = Webhook(webhook_url, listen, port, webhook_secret())
        application = build_application(settings, core_process=True)
        _seed(settings)
        tune_gc()
        asyncio.run(serve(application, webhook=webhook))
    except BotStartError as e:
        return _fail(str(e))
    except InvalidToken:
        return _fail("Telegram refused the bot token; check TELEGRAM_BOT_TOKEN (from @BotFather).")
    except BadRequest as e:
        return _fail(f"Telegram refused to start the bot: {e.message}.")
    except NetworkError as e:
        return _fail(f"Cannot reach the Telegram Bot API at {settings.api_url}: {e.message}.")
    except OSError as e:
        return _fail(f"Cannot start the bot: {e.strerror or e}.")
    except KeyboardInterrupt:
        return 130
    return 0


def tune_gc() -> None:
    """Fewer, cheaper garbage collections in the serving process.

    Each message sent makes a few hundred short-lived python-telegram-bot objects; with the
    default threshold (700) the young generation is collected every couple of messages, and
    objects still held by the other residents' turns get promoted and scanned again and again:
    about a tenth of the bot's CPU under load, and full collections pausing the event loop for
    tens of milliseconds. What is alive at start (modules, the application) is frozen out of
    collections. Process-wide, so only for `run`, not for an application built inside tests.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def _seed(settings: Settings) -> None:
    """`run` on an empty database first fills it from the bundled seed data."""
    from bot.catalogue import ensure_seeded

    try:
        store = Store(settings.db_path)
    except Exception as e:  # sqlite3 errors: not a database, unwritable folder...
        raise BotStartError(f"Cannot open the database {settings.db_path}: {e}.") from None
    try:
        added = ensure_seeded(store)
    finally:
        store.close()
    if added:
        log.info("Filled the empty database with %d opportunities from the seed data", added)


def _fail(sentence: str) -> int:
    print(f"getinvolved: {sentence}", file=sys.stderr)
    return 1


def _configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every request URL, token included
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
