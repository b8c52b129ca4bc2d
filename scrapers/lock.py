"""One scrape at a time per database: an advisory lock file beside it.

The bot's daily job and a cron or systemd-timer run may start together; the second one finds
the lock held and stops with "a scrape is already running" instead of fetching everything twice.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class ScrapeAlreadyRunning(Exception):
    """Raised when another scrape of the same database holds the lock."""


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.scrape.lock")


@contextmanager
def scrape_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the database's scrape lock for the block; in-memory databases need none."""
    if str(db_path) == ":memory:":
        yield
        return
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise ScrapeAlreadyRunning("A scrape is already running on this database; try again when it has finished.") from None
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
