"""Per-host politeness: one request in flight, request starts spaced out, and counts to prove it.

A host is a hostname (without the port): what a site's operator sees as one machine. The gate
is held for a whole exchange, from sending the request to the last byte of the body, and every
request takes a turn, robots.txt, retries and redirect hops included.
"""
from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import AsyncIterator


@dataclass
class HostStats:
    """What we did to one host during a run."""

    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    robots_skipped: set[str] = field(default_factory=set)
    robots_note: str | None = None

    @property
    def robots_skips(self) -> int:
        """Distinct URLs not fetched because robots.txt (or its absence) said no."""
        return len(self.robots_skipped)

    def as_dict(self) -> dict[str, object]:
        return {"requests": self.requests, "max_in_flight": self.max_in_flight,
                "robots_skips": self.robots_skips, "robots_note": self.robots_note}


class HostGate:
    """Lets one request at a time through to a host, starting at least `delay` after the last."""

    def __init__(self, stats: HostStats) -> None:
        self.stats = stats
        self._lock = asyncio.Lock()
        self._last_start: float | None = None
        self._not_before = 0.0

    def defer(self, seconds: float) -> None:
        """Hold every later request to this host back by `seconds` (a Retry-After, a backoff)."""
        self._not_before = max(self._not_before, time.monotonic() + seconds)

    @asynccontextmanager
    async def turn(self, delay: float) -> AsyncIterator[None]:
        async with self._lock:
            await self._wait(delay)
            self._last_start = time.monotonic()
            self.stats.requests += 1
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
            try:
                yield
            finally:
                self.stats.in_flight -= 1

    async def _wait(self, delay: float) -> None:
        earliest = self._not_before
        if self._last_start is not None:
            earliest = max(earliest, self._last_start + delay)
        while (wait := earliest - time.monotonic()) > 0:
            await asyncio.sleep(wait)
