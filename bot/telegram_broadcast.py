"""The Telegram adapter's part in a community worker's broadcast: the tasks the core hands back.

The core does no I/O, so its replies can carry Tasks (bot.messages.Task) for the adapter:

* "read-page": read the linked page (bot.page_reader) and hand what it says back to the core as
  Incoming("draft"), then deliver the core's answer to the worker.
* "deliver-broadcast": send what the ledger owes for the opportunity, paced at
  GETINVOLVED_BROADCAST_RATE (bot.broadcast.send_broadcast over the application's own bot), with
  one progress message for the worker, edited at most every PROGRESS_SECONDS, that ends with the
  summary (delivered, blocked, failed).

Both run with application.create_task, so the worker's other updates (and everyone else's) are
not held up. When the bot stops, a running broadcast is stopped too rather than holding the
shutdown: its unsent rows stay owed, and the bot finishes them when it starts again (bot.jobs),
with no resident getting it twice.

Also here: /broadcast in the command menu of each worker's own chat (a per-chat command scope).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Awaitable, Iterable, Sequence, TypeVar

from telegram import BotCommand, BotCommandScopeChat, Chat
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot import page_reader
from bot.broadcast import campaign_of, send_broadcast
from bot.conversation import wording
from bot.core_service import turn
from bot.delivery import DeliveryAborted, Options, Tally, telegram_sender
from bot.messages import Incoming, Reply
from bot.telegram_render import Outgoing
from bot.telegram_send import edit_message, send_message

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 3.0  # the worker's progress message is edited at most this often
STOP_CHECK_SECONDS = 0.5  # how soon a background task notices that the bot is stopping
T = TypeVar("T")


class Stopped(Exception):
    """Raised by `_unless_stopping` when the bot stopped before the work finished."""


def start_tasks(application: Application, resident_id: int, chat: Chat, replies: Sequence[Reply]) -> None:
    """Start, in the background, every task the core's replies carry."""
    for task in (t for reply in replies for t in getattr(reply, "tasks", ())):
        if task.kind == "read-page":
            application.create_task(read_page_for(application, resident_id, chat, task.target),
                                    name=f"read-page:{resident_id}")
        elif task.kind == "deliver-broadcast":
            application.create_task(deliver_broadcast(application, chat.id, task.target),
                                    name=f"broadcast:{task.target}")
        else:
            log.warning("Ignoring a task of unknown kind %r", task.kind)


async def read_page_for(application: Application, resident_id: int, chat: Chat, url: str) -> None:
    """Read the page, give the core what it says, and show the worker the core's answer."""
    from bot.telegram_app import deliver, runtime_of  # the adapter imports this module

    try:
        draft = await _unless_stopping(application, page_reader.read_page(url))
    except Stopped:
        return  # the worker's state still says "reading": /cancel or pasting the text moves on
    runtime = runtime_of(application)
    if runtime.runner is None:
        return
    replies = await runtime.runner.call(turn, resident_id, Incoming("draft", draft=draft), chat.id, True)
    await deliver(application, chat, replies)
    start_tasks(application, resident_id, chat, replies)


async def deliver_broadcast(application: Application, chat_id: int, opportunity_id: str) -> Tally | None:
    """Send the broadcast, keeping the worker's progress message up to date; the final tally."""
    from bot.telegram_app import runtime_of

    runtime = runtime_of(application)
    store = runtime.store
    if store is None:
        return None
    progress = ProgressMessage(application.bot, chat_id)
    await progress.update(await _tally(store, opportunity_id))
    options = Options(rate=runtime.settings.broadcast_rate, progress_every=PROGRESS_SECONDS)
    sending = send_broadcast(store, telegram_sender(application.bot), opportunity_id, options=options,
                             progress=progress.update)
    tally = None
    try:
        tally = await _unless_stopping(application, sending)
        summary = wording.broadcast_finished(tally.describe())
    except DeliveryAborted as e:
        summary = wording.broadcast_stopped(str(e), opportunity_id)
    except Stopped:
        summary = wording.broadcast_paused((await _tally(store, opportunity_id)).describe(), opportunity_id)
    log.info("Broadcast of %s for worker %s: %s", opportunity_id, chat_id, summary)
    await progress.finish(summary)
    return tally


async def _tally(store: Any, opportunity_id: str) -> Tally:
    return Tally.from_counts(await store.run(store.delivery_counts, campaign_of(opportunity_id)))


async def _unless_stopping(application: Application, work: Awaitable[T]) -> T:
    """Await `work`, cancelling it (and raising Stopped) if the application stops meanwhile."""
    task = asyncio.ensure_future(work)
    while not task.done():
        await asyncio.wait({task}, timeout=STOP_CHECK_SECONDS)
        if not application.running and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            raise Stopped
    return task.result()


class ProgressMessage:
    """One message to the worker, sent once and then edited; a failure here never stops a broadcast."""

    def __init__(self, bot: Any, chat_id: int):
        self.bot, self.chat_id = bot, chat_id
        self.message_id: int | None = None
        self.shown = ""

    async def update(self, tally: Tally) -> None:
        """A progress report from the delivery engine (the final one is left to `finish`)."""
        if tally.pending or self.message_id is None:
            await self._show(wording.broadcast_progress(tally.sent, tally.blocked, tally.failed, tally.pending))

    async def finish(self, html: str) -> None:
        await self._show(html)

    async def _show(self, html: str) -> None:
        if html == self.shown:
            return
        try:
            if self.message_id is None or not await self._edit(html):
                self.message_id = await send_message(self.bot, self.chat_id, Outgoing(html))
            self.shown = html
        except TelegramError as e:
            log.warning("Could not update the broadcast progress for chat %s: %s", self.chat_id, e)

    async def _edit(self, html: str) -> bool:
        try:
            await edit_message(self.bot, self.chat_id, self.message_id, Outgoing(html))
        except BadRequest as e:
            return "not modified" in e.message.lower()  # else (deleted?) send it anew
        return True


async def register_worker_commands(bot: Any, workers: Iterable[int]) -> None:
    """Show /broadcast in each worker's own command menu (everyone else sees the residents' list)."""
    commands = [BotCommand(name, text) for name, text in wording.WORKER_COMMANDS]
    for worker in sorted(workers):
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(worker))
        except TelegramError as e:  # e.g. the worker has not started a chat with the bot yet
            log.warning("Could not add /broadcast to the command menu of worker %s: %s", worker, e)
