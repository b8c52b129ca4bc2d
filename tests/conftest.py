"""Shared fixtures: an in-memory store, one filled with the bundled seed data, and the fake Bot API."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, AsyncIterator, Iterator

import pytest

from bot.catalogue import ensure_seeded
from bot.store import Store
from fake_telegram import FakeTelegram

if TYPE_CHECKING:
    from test_conversation import Chat

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


@pytest.fixture(scope="module")
def shared_store() -> Iterator[Store]:
    """One seeded store for a whole module, for tests in which each resident is a new one."""
    s = Store(":memory:")
    ensure_seeded(s)
    yield s
    s.close()


@pytest.fixture
def chat(seeded_store: Store) -> "Chat":
    """A resident talking to the real conversation core over the seed data."""
    from test_conversation import Chat

    return Chat(seeded_store)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The local fake Telegram Bot API; test modules that need users or options define their own."""
    async with FakeTelegram() as server:
        yield server
