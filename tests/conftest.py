"""Shared fixtures: an in-memory store, and one filled with the bundled seed data."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.catalogue import ensure_seeded
from bot.store import Store

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
