"""Broadcasts: who an opportunity should reach (the matcher in reverse), and sending it to them.

A community worker announces one opportunity; it goes to every subscribed resident whose
interests it matches by the matcher's own scoring, who is near enough, old enough and has not
said "not for me" to it. Sending goes through the delivery ledger (campaign
"broadcast:<opportunity id>"), so a rerun after any interruption sends each resident at most once.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any, Iterable

from bot.config import Settings
from bot.conversation.cards import card, fit
from bot.delivery import (DeliveryAborted, Options, Progress, Scope, Sender, Tally, deliver, payload_for,
                          telegram_bot, telegram_sender)
from bot.matching import Match, Matcher, Query
from bot.matching.holder import shared_holder
from bot.messages import Button, Reply
from bot.models import InvalidOpportunity, Opportunity, opportunity_from_row
from bot.places import default_gazetteer, haversine_km
from bot.store import Store

DEFAULT_RADIUS_KM = 25.0
MIN_SCORE = 0.5  # the matcher's 0-1 scale: weaker fits are noise for a message nobody asked for
UNSUBSCRIBE = Button("Stop these messages", data="unsub")
HEADER = "<b>New, and it matches what you told me:</b>"


class NotBroadcastable(ValueError):
    """Raised when an opportunity cannot be announced: unknown, closed, or not valid."""


@dataclass(frozen=True)
class Recipient:
    """A resident an opportunity fits, and why: what the dry run lists and the message shows."""

    resident_id: int
    chat_id: int
    district: str
    distance_km: float | None
    score: float
    reasons: list[str] = field(default_factory=list)
    topic: str = ""  # the subscription that matched; "" = their saved passions and skills

    def why(self) -> str:
        source = f"topic “{self.topic}”" if self.topic else "their interests"
        found = ", ".join(self.reasons) if self.reasons else "overall fit"
        return f"{source} matched: {found} (score {self.score:.2f})"

    def match(self, opportunity: Opportunity) -> Match:
        return Match(opportunity, self.score, self.distance_km, list(self.reasons))


def campaign_of(opportunity_id: str) -> str:
    return f"broadcast:{opportunity_id}"


# -- targeting ----------------------------------------------------------------------------------

def check_broadcastable(opportunity: Opportunity | None, opportunity_id: str, *,
                        today: dt.date | None = None) -> Opportunity:
    """The opportunity, if it exists, is valid (title, http link) and still offered."""
    if opportunity is None:
        raise NotBroadcastable(f"There is no opportunity with the id {opportunity_id!r}.")
    try:
        opportunity_from_row(opportunity.contract_dict())
    except InvalidOpportunity as e:
        raise NotBroadcastable(f"{opportunity_id!r} cannot be sent: {e}.") from None
    if not opportunity.offered:
        raise NotBroadcastable(f"{opportunity_id!r} is no longer offered by its source, so it was not sent.")
    if not opportunity.is_open(today):
        raise NotBroadcastable(f"{opportunity_id!r} closed on {opportunity.closing_date}, so it was not sent.")
    return opportunity


def recipients(store: Store, opportunity: Opportunity, *, targeting: "Targeting | None" = None,
               today: dt.date | None = None) -> list[Recipient]:
    """Subscribed, active residents the opportunity fits, best fit first."""
    if not opportunity.is_open(today):
        return []
    targeting = targeting or Targeting(store, today=today)
    hidden = store.hidden_by([opportunity.id]).get(opportunity.id, set())
    found = [r for sub in store.alert_subscribers() if sub["id"] not in hidden
             and (r := targeting.fit(opportunity, sub))]
    return sorted(found, key=lambda r: (-r.score, r.resident_id))


class Targeting:
    """The matcher in reverse, for many subscribers at once.

    One matcher scores every pair exactly as a search would; each distinct interest text is parsed
    once, and residents who share interests, district, age and times share one score, because
    quick-pick passions make such residents common and scoring is the slow part.
    """

    def __init__(self, store: Store | None = None, *, matcher: Matcher | None = None,
                 radius_km: float = DEFAULT_RADIUS_KM, min_score: float = MIN_SCORE, today: dt.date | None = None):
        if matcher is None and store is None:
            raise ValueError("give a store or a matcher")
        self.matcher = matcher or shared_holder(store)()  # type: ignore[arg-type]
        self.radius_km, self.min_score, self.today = radius_km, min_score, today
        self._queries: dict[str, Query] = {}
        self._scores: dict[tuple[Any, ...], Match | None] = {}

    def fit(self, opportunity: Opportunity, subscriber: dict[str, Any]) -> Recipient | None:
        """How well one opportunity fits one subscriber (a row of Store.alert_subscribers), or None."""
        district = subscriber.get("postcode") or ""
        age = subscriber.get("state_data", {}).get("age")
        age = age if isinstance(age, int) and not isinstance(age, bool) else None
        times = tuple(a for a in subscriber.get("availability") or () if isinstance(a, str))
        best: Recipient | None = None
        for topic in subscriber.get("topics") or [""]:
            text = topic or " ".join(filter(None, (subscriber.get("passions"), subscriber.get("skills"))))
            match = self._score(opportunity, text, district, age, times)
            if match and (best is None or match.score > best.score):
                best = Recipient(subscriber["id"], subscriber["chat_id"], district, match.distance_km,
                                 match.score, list(match.reasons), topic)
        return best

    def _score(self, opportunity: Opportunity, text: str, district: str, age: int | None,
               times: tuple[str, ...]) -> Match | None:
        key = (opportunity.id, text, district, age, times)
        if key not in self._scores:
            self._scores[key] = self._score_now(opportunity, text, district, age, times)
        return self._scores[key]

    def _score_now(self, opportunity: Opportunity, text: str, district: str, age: int | None,
                   times: tuple[str, ...]) -> Match | None:
        if not text.strip():
            return None
        location = default_gazetteer().try_locate(district)
        if _too_far(opportunity, location, self.radius_km):
            return None  # what the matcher would say, without its cost
        if text not in self._queries:
            self._queries[text] = self.matcher.parse(text)
        match = self.matcher.score(self._queries[text], opportunity, location=location, radius_km=self.radius_km,
                                   availability=times, age=age, today=self.today)
        return match if match is not None and match.score >= self.min_score else None


def _too_far(opportunity: Opportunity, location: tuple[float, float] | None, radius_km: float) -> bool:
    if opportunity.remote or location is None or opportunity.lat is None or opportunity.lon is None:
        return False
    return haversine_km(location, (opportunity.lat, opportunity.lon)) > radius_km


# -- the message --------------------------------------------------------------------------------

def broadcast_reply(opportunity: Opportunity, recipient: Recipient | None = None) -> Reply:
    """The message a resident gets: the same card as in chat results, and a way to stop them."""
    match = recipient.match(opportunity) if recipient else Match(opportunity, 1.0)
    shown = card(match, None)
    return fit(Reply(f"{HEADER}\n\n{shown.html}", [*shown.buttons, [UNSUBSCRIBE]]))


def enqueue_broadcast(store: Store, opportunity: Opportunity, chosen: Iterable[Recipient]) -> int:
    """Owe the message to each recipient (idempotent); returns how many rows were new."""
    rows = [{"campaign": campaign_of(opportunity.id), "resident_id": r.resident_id, "chat_id": r.chat_id,
             "payload": payload_for(broadcast_reply(opportunity, r), [opportunity.id])} for r in chosen]
    return len(store.enqueue_deliveries(rows))


async def send_broadcast(store: Store, sender: Sender, opportunity_id: str, *, options: Options | None = None,
                         progress: Progress | None = None) -> Tally:
    """Deliver what is owed for this opportunity (resuming any earlier run); the final tally."""
    return await deliver(store, sender, Scope(campaign_of(opportunity_id)), options=options, progress=progress)


# -- `getinvolved broadcast ID [--dry-run]` -------------------------------------------------------

def broadcast_command(settings: Settings, opportunity_id: str, *, dry_run: bool = False) -> int:
    """The shell command: check, list (dry run) or enqueue and deliver, print the summary."""
    try:
        store = Store(settings.db_path)
    except Exception as e:  # not a database, unwritable folder...
        return _fail(f"Cannot open the database {settings.db_path}: {e}.")
    try:
        try:
            opportunity = check_broadcastable(store.get_opportunity(opportunity_id), opportunity_id)
        except NotBroadcastable as e:
            return _fail(str(e))
        chosen = recipients(store, opportunity)
        if dry_run:
            _print_dry_run(store, opportunity, chosen)
            return 0
        if not settings.token:
            return _fail("Set TELEGRAM_BOT_TOKEN to the bot's token from @BotFather to send a broadcast.")
        added = enqueue_broadcast(store, opportunity, chosen)
        print(f"{opportunity.title}: {len(chosen):,} matching residents, {added:,} newly queued.", file=sys.stderr)
        os.environ.setdefault("PTB_TIMEDELTA", "true")  # python-telegram-bot warns about RetryAfter otherwise
        return asyncio.run(_deliver_from_shell(store, settings, opportunity_id))
    finally:
        store.close()


async def _deliver_from_shell(store: Store, settings: Settings, opportunity_id: str) -> int:
    from telegram.error import InvalidToken, TelegramError

    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]
    options = Options(rate=settings.broadcast_rate, progress_every=5.0)
    try:
        async with telegram_bot(settings.token or "", settings.api_url) as bot:
            tally = await send_broadcast(store, telegram_sender(bot), opportunity_id, options=options,
                                         progress=_print_progress)
    except InvalidToken:
        return _fail("Telegram refused TELEGRAM_BOT_TOKEN; check the token from @BotFather.")
    except DeliveryAborted as e:
        return _fail(f"Stopped: {e}. Nothing more was sent; run the command again to continue.")
    except TelegramError as e:
        return _fail(f"Cannot reach Telegram at {settings.api_url}: {e}. Run the command again to continue.")
    except asyncio.CancelledError:
        tally = Tally.from_counts(await store.run(lambda: store.delivery_counts(campaign_of(opportunity_id))))
        print(f"Interrupted. {tally.describe()} Run the command again to continue.")
        return 130
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    print(tally.describe())
    return 0


def _print_progress(tally: Tally) -> None:
    print(f"… sent {tally.sent:,}, blocked {tally.blocked:,}, failed {tally.failed:,}, "
          f"still to send {tally.pending:,}", file=sys.stderr)


def _print_dry_run(store: Store, opportunity: Opportunity, chosen: list[Recipient]) -> None:
    ledger = {row["resident_id"]: row["status"] for row in store.list_deliveries(campaign_of(opportunity.id))}
    print(f"Dry run: {opportunity.title} ({opportunity.id}) would go to {len(chosen):,} residents. Nothing was sent.")
    if chosen:
        print("resident\tdistrict\tdistance\tstatus\twhy")
    for r in chosen:
        distance = "remote" if opportunity.remote else ("-" if r.distance_km is None else f"{r.distance_km:.1f} km")
        status = ledger.get(r.resident_id, "new")
        print(f"{r.resident_id}\t{r.district or '-'}\t{distance}\t{status}\t{r.why()}")


def _fail(message: str) -> int:
    print(f"getinvolved: {message}", file=sys.stderr)
    return 1
