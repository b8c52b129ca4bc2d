"""`getinvolved broadcast ID [--dry-run]`: in-process for answers that send nothing, and as a real
process against the fake Bot API for sending, a wrong token, and a kill -9 then a rerun."""
from __future__ import annotations

import asyncio
import collections
import os
import signal
import sys
from pathlib import Path
from typing import AsyncIterator

import pytest

from bot.cli import main
from bot.store import Store
from fake_telegram import TOKEN, FakeTelegram
from fixtures.broadcast.kit import add_opportunity, add_subscriber

ROOT = Path(__file__).resolve().parent.parent
GARDEN = "garden vegetables"


@pytest.fixture
def db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    store = Store(db_path)
    add_opportunity(store)
    add_opportunity(store, id="closed", closing_date="2000-01-01")
    add_subscriber(store, 1, passions=GARDEN, postcode="NG1")
    add_subscriber(store, 2, passions="chess")
    store.close()
    return db_path


def ledger(db: Path) -> list[dict]:
    store = Store(db)
    try:
        return store.list_deliveries("broadcast:", prefix=True)
    finally:
        store.close()


def test_unknown_id_is_one_plain_sentence(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["broadcast", "nope", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err == "getinvolved: There is no opportunity with the id 'nope'.\n"


def test_closed_opportunity_is_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["broadcast", "closed", "--db", str(db)]) == 1
    assert "closed on 2000-01-01" in capsys.readouterr().err
    assert ledger(db) == []


def test_dry_run_lists_who_would_receive_it_and_sends_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["broadcast", "garden", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "would go to 1 residents" in out and "Nothing was sent" in out
    [line] = [line for line in out.splitlines() if line.startswith("1\t")]
    assert "NG1" in line and "km" in line and "garden" in line
    assert ledger(db) == []


def test_without_a_token_it_says_so_and_queues_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["broadcast", "garden", "--db", str(db)]) == 1
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert ledger(db) == []


# -- as a real process -----------------------------------------------------------------------------

@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(accept_unknown_chats=True) as server:
        yield server


async def start(db: Path, fake: FakeTelegram, *, token: str = TOKEN, rate: str = "500") -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": fake.api_url,
           "GETINVOLVED_BROADCAST_RATE": rate}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "broadcast", "garden", "--db", str(db), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finish(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_broadcast_sends_to_matching_residents_and_prints_the_summary(db: Path, fake: FakeTelegram) -> None:
    code, out, err = await finish(await start(db, fake))
    assert code == 0, err
    assert out.strip() == "Delivered 1, blocked 0, failed 0."
    assert [c.chat_id for c in fake.calls_to("sendMessage", ok=True)] == [1]


async def test_running_it_again_sends_nothing_more(db: Path, fake: FakeTelegram) -> None:
    await finish(await start(db, fake))
    code, out, _ = await finish(await start(db, fake))
    assert code == 0 and out.strip() == "Delivered 1, blocked 0, failed 0."
    assert len(fake.calls_to("sendMessage")) == 1


async def test_a_wrong_token_is_one_plain_sentence(db: Path, fake: FakeTelegram) -> None:
    code, _, err = await finish(await start(db, fake, token="123:wrong"))
    assert code == 1
    assert err.strip().splitlines()[-1] == "getinvolved: Telegram refused TELEGRAM_BOT_TOKEN; check the token from @BotFather."
    assert fake.calls_to("sendMessage") == []


async def test_killed_part_way_the_rerun_finishes_with_at_most_one_repeat(db_path: Path, fake: FakeTelegram,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    store = Store(db_path)
    add_opportunity(store)
    residents = list(range(1, 61))
    for resident in residents:
        add_subscriber(store, resident, passions=GARDEN)
    store.close()
    # At Telegram's 30 a second, one send in flight keeps pace on a fast link, so a kill -9 can
    # leave at most one send whose fate the ledger does not know.
    first = await start(db_path, fake, rate="30")
    await fake.wait_for(lambda: len(fake.calls_to("sendMessage", ok=True)) >= 20, timeout=30)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    code, _, err = await finish(await start(db_path, fake, rate="30"))
    assert code == 0, err
    got = collections.Counter(c.chat_id for c in fake.calls_to("sendMessage", ok=True))
    assert sorted(got) == residents
    assert sum(n - 1 for n in got.values()) <= 1


async def test_sigterm_stops_cleanly_and_leaves_the_rest_owed(db_path: Path, fake: FakeTelegram,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    store = Store(db_path)
    add_opportunity(store)
    for resident in range(1, 41):
        add_subscriber(store, resident, passions=GARDEN)
    store.close()
    process = await start(db_path, fake, rate="20")
    await fake.wait_for(lambda: len(fake.calls_to("sendMessage", ok=True)) >= 5, timeout=30)
    process.send_signal(signal.SIGTERM)
    code, out, _ = await finish(process)
    assert code == 130 and "Run the command again to continue." in out
    statuses = {row["status"] for row in ledger(db_path)}
    assert statuses == {"sent", "pending"}
