"""Work that needs the conversation or the matcher, and where the Telegram bot runs it.

The bot runs this work in one place only, so that there is one matcher (100,000 opportunities
take ~400 MB and half a minute to index): on the store's worker thread (`InThread`, tests and
in-memory stores) or in a process of its own (`bot.core_process.CoreProcess`, `getinvolved run`).
Both run `fn(service, *args)` for the module-level functions below, so the adapter and the jobs
do not care which.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, Callable, Protocol, TypeVar

from bot.messages import Incoming, Reply
from bot.store import Store

if TYPE_CHECKING:
    from bot.alert_check import AlertCheck

T = TypeVar("T")


class Core(Protocol):
    """The conversation core as the adapters see it (bot.conversation.Conversation)."""

    def handle(self, resident_id: int, incoming: Incoming, *, chat_id: int | None = None,
               private: bool = True) -> list[Reply]: ...


CoreFactory = Callable[[Store], Core]


def default_core(store: Store, *, workers: frozenset[int] = frozenset()) -> Core:
    """The real conversation core over the store; `workers` may /broadcast (GETINVOLVED_WORKERS)."""
    from bot.conversation import Conversation, store_matcher

    return Conversation(store, store_matcher(store), workers=workers)


class Service:
    """The store, and the conversation over it, made when first needed."""

    def __init__(self, store: Store, core_factory: CoreFactory = default_core):
        self.store = store
        self._core_factory = core_factory
        self._core: Core | None = None

    @property
    def core(self) -> Core:
        if self._core is None:
            self._core = self._core_factory(self.store)
        return self._core


def turn(service: Service, resident_id: int, incoming: Incoming, chat_id: int, private: bool) -> list[Reply]:
    """One resident's turn: the core's replies, their new state saved."""
    return service.core.handle(resident_id, incoming, chat_id=chat_id, private=private)


def warm_matcher(service: Service) -> None:
    """Build the matcher now, so that the first resident does not wait for it."""
    from bot.matching.holder import shared_holder

    shared_holder(service.store)()


def check_alerts(service: Service, *, now: dt.datetime, today: dt.date, per_day: int) -> AlertCheck:
    """Queue digests for what is new (bot.alert_check); its targeting uses the matcher."""
    from bot.alert_check import check_new

    return check_new(service.store, now=now, today=today, per_day=per_day)


class Runner(Protocol):
    """Where core work runs: `await runner.call(fn, *args)` is fn(service, *args) over there."""

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T: ...

    async def close(self) -> None: ...


class InThread:
    """Core work on the store's worker thread, in this process."""

    def __init__(self, service: Service):
        self.service = service

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await self.service.store.run(functools.partial(fn, self.service, *args, **kwargs))

    async def close(self) -> None:
        """The store belongs to whoever opened it."""
