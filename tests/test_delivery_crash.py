"""A run killed at any moment (os._exit in a child process, as kill -9) is continued by the next
run: nothing is lost, and at most the one message in flight at the kill is repeated."""
from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import pytest

from bot.delivery import Options, Scope, deliver
from bot.store import Store
from fixtures.broadcast.kit import Recorder, add_opportunity, add_subscriber, owe

CAMPAIGN = "broadcast:garden"
SCRIPT = Path(__file__).parent / "fixtures" / "broadcast" / "crash_run.py"
ROOT = Path(__file__).resolve().parent.parent
RESIDENTS = list(range(1, 31))


@pytest.fixture
def owed(db_path: Path) -> Path:
    store = Store(db_path)
    add_opportunity(store)
    for resident in RESIDENTS:
        add_subscriber(store, resident)
    owe(store, CAMPAIGN, RESIDENTS)
    store.close()
    return db_path


async def crash_then_rerun(db_path: Path, tmp_path: Path, when: str) -> collections.Counter[int]:
    log = tmp_path / "received.log"
    child = subprocess.run([sys.executable, str(SCRIPT), str(db_path), str(log), CAMPAIGN, "12", when],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert child.returncode == 9, child.stderr
    before = [int(line) for line in log.read_text().split()] if log.exists() else []
    store = Store(db_path)
    try:
        sender = Recorder()
        await deliver(store, sender, Scope(CAMPAIGN), options=Options(rate=1000, chat_gap=0))
        assert all(row["status"] == "sent" for row in store.list_deliveries(CAMPAIGN))
    finally:
        store.close()
    return collections.Counter(before + sender.chats())


async def test_crash_between_claim_and_send_loses_nothing_and_repeats_nothing(owed: Path, tmp_path: Path) -> None:
    received = await crash_then_rerun(owed, tmp_path, "before-send")
    assert sorted(received) == RESIDENTS and set(received.values()) == {1}


async def test_crash_after_send_before_recording_repeats_at_most_one(owed: Path, tmp_path: Path) -> None:
    received = await crash_then_rerun(owed, tmp_path, "after-send")
    assert sorted(received) == RESIDENTS
    assert sum(n - 1 for n in received.values()) == 1
