"""Shared fixtures: an in-memory store, one filled with the bundled seed data, and the fake Bot API."""
from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator, Iterator

import pytest

from bot.catalogue import ensure_seeded
from bot.store import Store
from fake_telegram import FakeTelegram

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture
def seeded_store(store: Store) -> Store:
    ensure_seeded(store)
    return store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The local fake Telegram Bot API; test modules that need users or options define their own."""
    async with FakeTelegram() as server:
        yield server
