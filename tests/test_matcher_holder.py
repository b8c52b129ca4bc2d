"""The current matcher of a running bot: served at once, rebuilt off the resident's turn."""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Iterator

import pytest

from bot.catalogue import add_opportunities
from bot.conversation import store_matcher
from bot.matching import Matcher
from bot.matching.holder import MatcherHolder
from bot.models import Opportunity
from bot.store import Store
from bot.transfer import read_opportunities
from conftest import FIXTURES


def catalogue() -> list[Opportunity]:
    return list(read_opportunities(FIXTURES / "matching" / "opportunities.jsonl").opportunities)


@pytest.fixture
def file_store(db_path: Path) -> Iterator[Store]:
    s = Store(db_path)
    add_opportunities(s, catalogue()[:3])
    yield s
    s.close()


class SlowLoader:
    """A rebuild that waits until the test lets it finish, counting how often it was started."""

    def __init__(self, store: Store, *, fail: bool = False):
        self.store = store
        self.fail = fail
        self.calls = 0
        self.version = 0  # the version the rebuilt matcher says it holds
        self.release = threading.Event()

    def __call__(self) -> Matcher:
        self.calls += 1
        assert self.release.wait(5)
        if self.fail:
            raise RuntimeError("disk went away")
        return Matcher(catalogue()[:6], version=self.version)


def test_a_memory_store_is_rebuilt_in_the_turn_only_when_it_changes(store: Store) -> None:
    add_opportunities(store, catalogue()[:3])
    holder = store_matcher(store)
    first = holder()
    assert holder() is first
    add_opportunities(store, catalogue()[3:6])
    fresh = holder()
    assert fresh is not first and len(fresh.opportunities) == 6
    assert holder() is fresh


def test_the_first_matcher_is_built_in_the_turn(file_store: Store) -> None:
    loader = SlowLoader(file_store)
    matcher = MatcherHolder(file_store, loader=loader)()
    assert len(matcher.opportunities) == 3 and loader.calls == 0


def test_a_change_starts_one_rebuild_and_serves_the_old_matcher_meanwhile(file_store: Store) -> None:
    loader = SlowLoader(file_store)
    holder = MatcherHolder(file_store, loader=loader)
    old = holder()
    add_opportunities(file_store, catalogue()[3:6])
    loader.version = file_store.opportunities_version()
    assert [holder() for _ in range(5)] == [old] * 5
    loader.release.set()
    assert holder.wait(5)
    assert loader.calls == 1
    fresh = holder()
    assert fresh is not old and len(fresh.opportunities) == 6
    assert holder() is fresh and loader.calls == 1


def test_a_failed_rebuild_keeps_the_old_matcher_and_is_logged(file_store: Store, caplog) -> None:
    loader = SlowLoader(file_store, fail=True)
    loader.release.set()
    holder = MatcherHolder(file_store, loader=loader)
    old = holder()
    add_opportunities(file_store, catalogue()[3:6])
    with caplog.at_level(logging.ERROR, logger="bot.matching.holder"):
        assert holder() is old
        assert holder.wait(5)
    assert "keeping the old one" in caplog.text
    assert holder() is old and holder.wait(5)
    assert loader.calls == 1  # the same version is not tried again at once


def test_a_failed_rebuild_is_tried_again_when_the_catalogue_changes_again(file_store: Store) -> None:
    loader = SlowLoader(file_store, fail=True)
    loader.release.set()
    holder = MatcherHolder(file_store, loader=loader)
    holder()
    add_opportunities(file_store, catalogue()[3:4])
    holder()
    holder.wait(5)
    add_opportunities(file_store, catalogue()[4:5])
    holder()
    holder.wait(5)
    assert loader.calls == 2


def test_the_rebuild_reads_the_file_over_its_own_connection(file_store: Store) -> None:
    holder = store_matcher(file_store)
    old = holder()
    add_opportunities(file_store, catalogue()[3:6])
    holder()
    assert holder.wait(30)
    fresh = holder()
    assert fresh is not old and len(fresh.opportunities) == 6
    assert fresh.version == file_store.opportunities_version()
    assert [m.opportunity.id for m in fresh.search("dog walking")] == \
        [m.opportunity.id for m in Matcher.from_store(file_store).search("dog walking")]


def test_everything_asking_about_one_store_shares_one_holder(store: Store) -> None:
    other = Store(":memory:")
    try:
        assert store_matcher(store) is store_matcher(store)
        assert store_matcher(store) is not store_matcher(other)
    finally:
        other.close()
