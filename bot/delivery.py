"""The delivery engine: every message owed to a resident is one row in one ledger, sent at most once.

Broadcasts and alert digests only enqueue rows (campaign x resident, e.g. "broadcast:<opportunity
id>" or "digest:<resident>:<date>"); `deliver` sends them, paced, and records each outcome.

Claim protocol (how two live runs on one database never send a row twice, and a killed run
continues where it stopped):
1. A run has an owner name, "<host>:<pid>:<random>". It claims due pending rows in one
   BEGIN IMMEDIATE transaction: status 'sending', claim = owner, claimed_at = now. SQLite's write
   lock makes the claim atomic, so only one run ever holds a row.
2. It sends, then records the outcome with `where claim = owner and status = 'sending'`:
   sent / blocked / failed, or back to pending with a not_before time (429, 5xx, network).
3. A 'sending' row whose owner is dead (same host, pid gone; or a run of this process no longer
   live) or that was claimed more than `lease` seconds ago goes back to pending at the next
   start, not to be tried for one chat gap. Such a row may have reached the resident before the
   crash: at most the sends in flight at the moment of a kill -9 can be repeated, and a run keeps
   no more in flight than rate x latency needs (one, on a fast link at 30 a second). Live runs
   never take each other's rows, so concurrent runs repeat nothing.
Pacing: at most `rate` sends in any second overall (Pacer), one row per chat per claim and
`chat_gap` seconds between two messages to one chat, across processes too (the claim skips chats
any run tried within the gap).
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import inspect
import logging
import math
import os
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Literal

from bot.messages import Button, Reply
from bot.store import Store

log = logging.getLogger(__name__)

OutcomeKind = Literal["sent", "blocked", "failed", "retry", "flood", "fatal"]


@dataclass(frozen=True)
class Outcome:
    """What became of one send: the sender's answer, independent of the transport."""

    kind: OutcomeKind
    error: str = ""
    retry_after: float = 0.0  # for "flood": seconds the transport asked us to wait
    message_id: int | None = None

    @classmethod
    def sent(cls, message_id: int | None = None) -> "Outcome":
        return cls("sent", message_id=message_id)

    @classmethod
    def blocked(cls, error: str = "the resident has blocked the bot") -> "Outcome":
        return cls("blocked", error)

    @classmethod
    def failed(cls, error: str) -> "Outcome":
        """A permanent refusal (a bad request): retrying would not help."""
        return cls("failed", error)

    @classmethod
    def retry(cls, error: str) -> "Outcome":
        """A passing problem (5xx, network): worth a bounded number of retries with backoff."""
        return cls("retry", error)

    @classmethod
    def flood(cls, seconds: float) -> "Outcome":
        """Too many requests: wait `seconds` before the next try (does not use up an attempt)."""
        return cls("flood", f"flood control: retry after {seconds:g} s", retry_after=seconds)

    @classmethod
    def fatal(cls, error: str) -> "Outcome":
        """Nothing can be sent at all (a bad token): the run stops and every row stays owed."""
        return cls("fatal", error)


Sender = Callable[[int, Reply], Awaitable[Outcome]]


@dataclass(frozen=True)
class Tally:
    """Where a campaign's rows stand; pending counts rows being sent right now too."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    pending: int = 0
    cancelled: int = 0  # not sent on purpose: unsubscribed, hidden or closed before its turn

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> "Tally":
        return cls(sent=counts.get("sent", 0), blocked=counts.get("blocked", 0), failed=counts.get("failed", 0),
                   pending=counts.get("pending", 0) + counts.get("sending", 0),
                   cancelled=counts.get("cancelled", 0))

    @property
    def total(self) -> int:
        return self.sent + self.blocked + self.failed + self.pending + self.cancelled

    def describe(self) -> str:
        """'Delivered 9,412, blocked 31, failed 2.' plus what was skipped or is still owed."""
        text = f"Delivered {self.sent:,}, blocked {self.blocked:,}, failed {self.failed:,}."
        if self.cancelled:
            text += f" Not sent {self.cancelled:,} (unsubscribed, hidden or closed meanwhile)."
        if self.pending:
            text += f" Still to send {self.pending:,}."
        return text


Progress = Callable[[Tally], Awaitable[None] | None]


@dataclass(frozen=True)
class Scope:
    """The rows a run delivers: one campaign, or every campaign starting with `campaign`."""

    campaign: str
    prefix: bool = False


class DeliveryAborted(Exception):
    """Raised when the transport says nothing can be sent (a bad token); every unsent row stays owed."""


# -- payloads: a pre-rendered Reply, and the opportunities it carries --------------------------

def payload_for(reply: Reply, opportunity_ids: list[str]) -> dict[str, Any]:
    """What the ledger keeps for one message: exactly what will be shown, so a resend is identical."""
    return {"opportunities": opportunity_ids, "html": reply.html,
            "buttons": [[{"label": b.label, "data": b.data, "url": b.url} for b in row] for row in reply.buttons]}


def reply_from(payload: dict[str, Any]) -> Reply:
    return Reply(payload.get("html", ""), [[Button(b.get("label", ""), b.get("data", ""), b.get("url", ""))
                                           for b in row] for row in payload.get("buttons", [])])


# -- owners: who holds a claim, and whether they are still alive --------------------------------

_LIVE: set[str] = set()  # owners of runs going on in this process


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def owner_is_dead(owner: str) -> bool:
    """True only when we can tell: a run of this process that ended, or a process on this host that is gone."""
    parts = owner.split(":")
    try:
        pid = int(parts[-2])
    except (IndexError, ValueError):
        return True
    host = ":".join(parts[:-2])
    if host != socket.gethostname():
        return False  # another machine: only the lease can tell
    if pid == os.getpid():
        return owner not in _LIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


# -- the engine --------------------------------------------------------------------------------

class Pacer:
    """Send slots at `rate` a second: evenly spaced, never more than rate x window in any window.

    A slot missed because the loop fell behind (a slow answer, a database write) may be caught
    up, at most `catch_up` seconds' worth, so the achieved rate stays at the allowed rate without
    ever exceeding it over a window. A pause (a flood wait) holds every slot and is not caught up.
    """

    def __init__(self, rate: float, *, window: float = 1.0, catch_up: float = 0.25):
        if not rate > 0:
            raise ValueError("the rate must be above 0 messages a second")
        self.interval, self.window, self.catch_up = 1.0 / rate, window, catch_up
        self.capacity = max(1, math.floor(rate * window))
        self.next = 0.0
        self.paused_until = 0.0
        self.recent: collections.deque[float] = collections.deque()

    async def wait(self) -> None:
        while True:
            now = time.monotonic()
            while self.recent and self.recent[0] <= now - self.window:
                self.recent.popleft()
            start = max(self.next, self.paused_until)
            if len(self.recent) >= self.capacity:
                start = max(start, self.recent[0] + self.window)
            if start <= now:
                break
            await asyncio.sleep(start - now)
        self.recent.append(now)
        sending = len(self.recent) > 1  # after a quiet window there is nothing to catch up
        self.next = max(self.next, now - self.catch_up if sending else now) + self.interval

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)
        self.next = max(self.next, self.paused_until)


@dataclass
class Options:
    """How a run paces and retries; defaults follow Telegram's limits."""

    rate: float = 30.0  # messages a second overall
    window: float = 1.0  # the rate holds over any window this long
    chat_gap: float = 1.0  # seconds between two messages to one chat
    max_attempts: int = 5  # sends tried for 5xx / network errors before a row fails
    outage_after: int = 20  # passing errors in a row, with no success between: stop, keep rows owed
    backoff: float = 1.0  # first retry after this many seconds, doubling each time
    max_backoff: float = 60.0
    max_in_flight: int = 8  # sends awaiting an answer at once (network latency x rate)
    lease: float = 600.0  # a claim older than this is taken back even if its owner looks alive
    progress_every: float = 2.0  # seconds between progress reports
    wait_for_retries: bool = True  # False: stop once nothing is due now (rows waiting stay pending)


async def deliver(store: Store, sender: Sender, scope: Scope, *, options: Options | None = None,
                  progress: Progress | None = None, owner: str | None = None) -> Tally:
    """Send every owed row in scope, paced; returns where the scope's rows stand at the end.

    Safe to run again after any interruption, and alongside other runs on the same database.
    Raises DeliveryAborted when the sender reports a fatal problem.
    """
    run = _Run(store, sender, scope, options or Options(), progress, owner or new_owner())
    return await run.run()


class _Run:
    def __init__(self, store: Store, sender: Sender, scope: Scope, options: Options,
                 progress: Progress | None, owner: str):
        self.store, self.sender, self.scope, self.o = store, sender, scope, options
        self.progress, self.owner = progress, owner
        self.pacer = Pacer(options.rate, window=options.window)
        self.batch = max(1, min(50, math.ceil(options.rate * 0.25)))
        self.queue: list[dict[str, Any]] = []
        self.chat_ready: dict[int, float] = {}  # chat -> wall time it may be messaged again
        self.last_flood: tuple[float, int | None] = (0.0, None)  # when, and which chat, the last 429 came
        self.tasks: set[asyncio.Task[None]] = set()
        self.latency = 0.1  # seconds a send takes (moving average): decides how many may be in flight
        self.aborted: str | None = None
        self.errors_in_a_row = 0
        self.last_report = 0.0
        self.last_requeue = 0.0

    async def run(self) -> Tally:
        _LIVE.add(self.owner)
        try:
            await self._requeue_stale()
            await self._loop()
        finally:
            await self._stop()
            _LIVE.discard(self.owner)
        if self.aborted:
            raise DeliveryAborted(self.aborted)
        tally = await self._tally()
        await self._report(tally)
        return tally

    async def _loop(self) -> None:
        while not self.aborted:
            row = await self._next_row()
            if row is None or self.aborted:
                if row is not None:
                    self.queue.append(row)
                return
            await self._free_slot()
            await self.pacer.wait()
            if self.aborted:
                self.queue.append(row)
                return
            self.tasks.add(asyncio.create_task(self._send(row)))

    async def _free_slot(self) -> None:
        """Wait until fewer sends are in flight than the pace needs: rate x latency, at least one.

        Each send in flight when a run is killed may be repeated by the next run, so no more are
        kept in flight than keeping up with the rate requires.
        """
        while True:
            self._reap()
            needed = math.ceil(self.o.rate * self.latency * 1.5)
            if len(self.tasks) < max(1, min(self.o.max_in_flight, needed)):
                return
            await asyncio.wait(self.tasks, return_when=asyncio.FIRST_COMPLETED)

    def _reap(self) -> None:
        """Forget finished sends; a send that crashed (a database error) stops the run with its error."""
        done = {t for t in self.tasks if t.done()}
        self.tasks -= done
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]

    async def _next_row(self) -> dict[str, Any] | None:
        """The next claimed row whose chat may be messaged now; None when nothing is left to do."""
        while not self.aborted:
            now = time.time()
            for i, row in enumerate(self.queue):
                if self.chat_ready.get(row["chat_id"], 0.0) <= now:
                    self.chat_ready[row["chat_id"]] = now + self.o.chat_gap
                    return self.queue.pop(i)
            if len(self.queue) < self.batch and await self._claim():
                continue
            if self.queue:
                await asyncio.sleep(max(0.005, min(self.chat_ready.get(r["chat_id"], 0.0) for r in self.queue) - now))
            elif self.tasks:
                await asyncio.wait(self.tasks, return_when=asyncio.FIRST_COMPLETED)
                self._reap()
            elif not await self._wait_for_due(now):
                return None
        return None

    async def _claim(self) -> bool:
        rows = await self.store.run(lambda: self.store.claim_deliveries(
            self.owner, self.scope.campaign, prefix=self.scope.prefix, limit=self.batch - len(self.queue),
            now=time.time(), chat_gap=self.o.chat_gap))
        self.queue.extend(rows)
        return bool(rows)

    async def _wait_for_due(self, now: float) -> bool:
        """Sleep towards the next row that becomes due; False when none is pending (or we should not wait)."""
        if now - self.last_requeue > 30:
            await self._requeue_stale()
        due = await self.store.run(lambda: self.store.next_pending_at(self.scope.campaign, prefix=self.scope.prefix))
        if due is None or (not self.o.wait_for_retries and due > now):
            return False
        await self._report_maybe()
        await asyncio.sleep(min(1.0, max(0.02, due - now)))
        return True

    async def _send(self, row: dict[str, Any]) -> None:
        unwanted = await self.store.run(_unwanted, self.store, row)
        if unwanted:
            status, reason = unwanted
            await self.store.run(lambda: self.store.finish_delivery(
                row["id"], self.owner, status, error=reason, attempted=False))
            return
        chat = row["chat_id"]
        self.chat_ready[chat] = max(self.chat_ready.get(chat, 0.0), time.time() + self.o.chat_gap)
        started = time.monotonic()
        try:
            outcome = await self.sender(chat, reply_from(row["payload"]))
        except Exception as e:  # a transport bug must not stop the run: treat it as passing
            log.warning("Sender raised %s for delivery %s", type(e).__name__, row["id"], exc_info=True)
            outcome = Outcome.retry(f"{type(e).__name__}: {e}")
        self.latency = 0.8 * self.latency + 0.2 * (time.monotonic() - started)
        await self._record(row, outcome)
        await self._report_maybe()

    async def _record(self, row: dict[str, Any], outcome: Outcome) -> None:
        store, owner, rid = self.store, self.owner, row["id"]
        now = time.time()
        self.errors_in_a_row = self.errors_in_a_row + 1 if outcome.kind == "retry" else 0
        if self.errors_in_a_row >= self.o.outage_after:
            self.aborted = f"{self.errors_in_a_row} sends in a row failed (last: {outcome.error})"
        if outcome.kind in ("sent", "blocked", "failed"):
            await store.run(lambda: store.finish_delivery(
                rid, owner, outcome.kind, error=outcome.error or None, message_id=outcome.message_id))
        elif outcome.kind == "flood":
            await self._flood(row, outcome.retry_after)
        elif outcome.kind == "fatal":
            self.aborted = outcome.error
            await store.run(lambda: store.release_deliveries(owner, [rid]))
        elif row["attempts"] + 1 >= self.o.max_attempts:
            await store.run(lambda: store.finish_delivery(
                rid, owner, "failed", error=f"gave up after {row['attempts'] + 1} tries: {outcome.error}"))
        else:
            wait = min(self.o.max_backoff, self.o.backoff * 2 ** row["attempts"])
            await store.run(lambda: store.retry_delivery(rid, owner, not_before=now + wait, error=outcome.error))

    async def _flood(self, row: dict[str, Any], seconds: float) -> None:
        """429: hold this chat for `seconds`; hold every chat too once a second chat is refused.

        Telegram does not say whether a 429 is about one chat (someone else messaged it just now)
        or the bot as a whole; two different chats refused in a row means the whole bot.
        """
        now = time.time()
        chat = row["chat_id"]
        seconds = max(seconds, 0.0)
        self.chat_ready[chat] = max(self.chat_ready.get(chat, 0.0), now + seconds)
        last_at, last_chat = self.last_flood
        if last_chat is not None and last_chat != chat and now - last_at <= max(2.0, 2 * self.o.chat_gap):
            self.pacer.pause(seconds)
        self.last_flood = (now, chat)
        held = [r["id"] for r in self.queue if r["chat_id"] == chat]
        self.queue = [r for r in self.queue if r["chat_id"] != chat]
        owner, store = self.owner, self.store
        await store.run(lambda: store.retry_delivery(row["id"], owner, not_before=now + seconds,
                                                     error=f"flood control: retry after {seconds:g} s",
                                                     attempted=False))
        if held:
            await store.run(lambda: store.release_deliveries(owner, held, not_before=now + seconds))

    async def _requeue_stale(self) -> None:
        self.last_requeue = time.time()
        claimed_before = time.time() - self.o.lease
        n = await self.store.run(lambda: self.store.requeue_stale_claims(
            owner_is_dead, claimed_before=claimed_before, retry_at=time.time() + self.o.chat_gap))
        if n:
            log.warning("Took back %d messages left mid-send by a run that stopped; each is sent again", n)

    async def _stop(self) -> None:
        """Let sends in flight finish and record, then give back every claim still held."""
        if self.tasks:
            done, pending = await asyncio.wait(self.tasks, timeout=15)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.error("A send failed while stopping", exc_info=task.exception())
        self.tasks.clear()
        self.queue.clear()
        await self.store.run(lambda: self.store.release_deliveries(self.owner))

    async def _tally(self) -> Tally:
        return Tally.from_counts(await self.store.run(
            lambda: self.store.delivery_counts(self.scope.campaign, prefix=self.scope.prefix)))

    async def _report_maybe(self) -> None:
        if self.progress and time.monotonic() - self.last_report >= self.o.progress_every:
            self.last_report = time.monotonic()  # before awaiting, so concurrent sends report once
            await self._report(await self._tally())

    async def _report(self, tally: Tally) -> None:
        if not self.progress:
            return
        self.last_report = time.monotonic()
        try:
            result = self.progress(tally)
            if inspect.isawaitable(result):
                await result
        except Exception:  # a progress display must never stop a delivery
            log.warning("Progress callback failed", exc_info=True)


def _unwanted(store: Store, row: dict[str, Any]) -> tuple[str, str] | None:
    """Re-checked just before each send: (status, reason) when the message is no longer wanted."""
    state = store.still_subscribed(row["resident_id"])
    if state is None:
        return "cancelled", "the resident's data was deleted"
    active, subscribed = state
    if not active:
        return "blocked", "the resident has blocked the bot"
    if not subscribed:
        return "cancelled", "the resident unsubscribed before it was sent"
    ids = row["payload"].get("opportunities", [])
    if ids:
        if not any((opp := store.get_opportunity(i)) is not None and opp.is_open() for i in ids):
            return "cancelled", "the opportunity closed before it was sent"
        if set(ids) <= store.hidden_ids(row["resident_id"]):
            return "cancelled", "the resident said it was not for them"
    return None


# -- Telegram ----------------------------------------------------------------------------------

def telegram_sender(bot: Any) -> Sender:
    """A Sender over python-telegram-bot's Bot: rendered as in chat, errors mapped to outcomes."""
    from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

    from bot.telegram_render import render
    from bot.telegram_send import send_message

    async def send(chat_id: int, reply: Reply) -> Outcome:
        message_id = None
        try:
            for part in render(reply):
                message_id = await send_message(bot, chat_id, part, preview=False)
        except RetryAfter as e:
            return Outcome.flood(_retry_seconds(e))
        except Forbidden as e:
            return Outcome.blocked(str(e))
        except InvalidToken as e:
            return Outcome.fatal(f"Telegram refused the bot token ({e})")
        except BadRequest as e:
            return Outcome.failed(str(e))
        except NetworkError as e:  # includes TimedOut and 5xx answers
            return Outcome.retry(f"{type(e).__name__}: {e}")
        except TelegramError as e:
            return Outcome.failed(f"{type(e).__name__}: {e}")
        return Outcome.sent(message_id)

    return send


def _retry_seconds(error: Any) -> float:
    """RetryAfter's wait in seconds, without touching its deprecated int-valued attribute."""
    value = getattr(error, "_retry_after", None)
    if value is None:
        value = error.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


@contextlib.asynccontextmanager
async def telegram_bot(token: str, api_url: str, *, connections: int = 8) -> AsyncIterator[Any]:
    """An initialised telegram.Bot for sending (getMe checks the token first)."""
    from telegram import Bot
    from bot.telegram_http import AiohttpRequest

    request = AiohttpRequest(connections=connections, read_timeout=15.0, connect_timeout=10.0, pool_timeout=15.0)
    async with Bot(token, base_url=api_url, request=request) as bot:
        yield bot
