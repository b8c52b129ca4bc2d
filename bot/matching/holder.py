"""The current matcher for a long-running bot, rebuilt off the resident's turn when the catalogue changes.

Building a matcher reads and indexes every opportunity: about half a minute at 100,000. The
conversation runs on the store's single worker thread, so rebuilding there after an import would
make every resident wait. Instead the holder keeps serving the matcher it has and builds the new
one in a thread of its own, over its own read-only connection to the same SQLite file (WAL lets
it read while the bot writes), then swaps it in. Only the very first matcher is built in the
caller's turn, since there is nothing to serve before it; a store with no file (":memory:", as in
tests) has no second connection to read from, so it is rebuilt in the turn as before.
"""
from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import TYPE_CHECKING, Callable

from bot.matching.matcher import Matcher

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)

RETRY_AFTER_S = 300.0  # a rebuild that failed is not tried again for the same version before this

Loader = Callable[[], Matcher]


class MatcherHolder:
    """Call it for the current matcher; it never waits for a rebuild once it has one."""

    def __init__(self, store: "Store", *, loader: Loader | None = None, retry_after: float = RETRY_AFTER_S):
        """`loader` builds a fresh matcher away from `store`'s connection (any thread may call it);
        by default it reads the store's file, and a store with no file is rebuilt in the caller's turn."""
        self._store = store
        self._loader = loader if loader is not None else file_loader(store.path)
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._matcher: Matcher | None = None
        self._building: threading.Thread | None = None
        self._failed: tuple[int, float] | None = None  # (version, when) of the last failed rebuild

    def __call__(self) -> Matcher:
        """The newest matcher ready now; starts a background rebuild if the catalogue has moved on."""
        version = self._store.opportunities_version()
        current = self._matcher
        if current is None:
            return self._first()
        if current.version != version:
            if self._loader is None:
                return self._rebuild_here(current)
            self._start(self._loader, version)
        return self._matcher or current

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a running rebuild is done (tests, shutdown); True when none is running."""
        thread = self._building
        if thread is not None:
            thread.join(timeout)
        return self._building is None or not self._building.is_alive()

    def _first(self) -> Matcher:
        with self._lock:
            if self._matcher is None:
                self._matcher = Matcher.from_store(self._store)
            return self._matcher

    def _rebuild_here(self, current: Matcher) -> Matcher:
        """No other connection to read with: rebuild in this turn, keeping the old one on failure."""
        try:
            self._matcher = Matcher.from_store(self._store)
        except Exception:
            log.exception("rebuilding the matcher failed; keeping the one built for version %s", current.version)
            return current
        return self._matcher

    def _start(self, loader: Loader, version: int) -> None:
        """Start one rebuild unless one is running or this version failed a moment ago."""
        with self._lock:
            if self._building is not None and self._building.is_alive():
                return
            if self._failed and self._failed[0] == version and time.monotonic() - self._failed[1] < self._retry_after:
                return
            self._building = threading.Thread(target=self._rebuild, args=(loader, version), name="matcher-rebuild",
                                              daemon=True)
            self._building.start()

    def _rebuild(self, loader: Loader, version: int) -> None:
        """The background thread: build, then swap in; on failure log and keep serving the old one."""
        started = time.perf_counter()
        try:
            fresh = loader()
        except Exception:
            log.exception("rebuilding the matcher for version %s failed; keeping the old one", version)
            self._failed = (version, time.monotonic())
            return
        self._matcher = fresh  # one reference assignment: searches see the old matcher or the new
        self._failed = None
        log.info("matcher rebuilt for version %s: %d opportunities in %.1f s", fresh.version,
                 len(fresh.opportunities), time.perf_counter() - started)


_SHARED: "weakref.WeakKeyDictionary[Store, MatcherHolder]" = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def shared_holder(store: "Store") -> MatcherHolder:
    """The one holder for this store, so the conversation, alerts and broadcasts share one matcher
    (100,000 opportunities take ~400 MB and half a minute to index) instead of building their own."""
    with _SHARED_LOCK:
        holder = _SHARED.get(store)
        if holder is None:
            holder = _SHARED[store] = MatcherHolder(store)
        return holder


def file_loader(path: str) -> Loader | None:
    """Builds a matcher over a read-only connection of its own to the database at `path`; None
    for a database that lives only in its one connection (":memory:" or a temporary one)."""
    if path in ("", ":memory:"):
        return None
    return lambda: load_matcher(path)


def load_matcher(path: str) -> Matcher:
    """Every opportunity and the version they belong to, read in one snapshot over a connection
    of its own that cannot write; indexed after the read ends, so the snapshot does not hold the
    WAL back for the whole build."""
    from bot.store import Store

    reader = Store(path)  # the schema is already in place, so opening it only reads
    try:
        reader.db.execute("PRAGMA query_only = ON")
        reader.db.execute("BEGIN")
        version = reader.opportunities_version()
        opportunities = list(reader.iter_opportunities(include_closed=True))
        reader.db.execute("COMMIT")
    finally:
        reader.close()
    return Matcher(opportunities, version=version)
