"""Broadcast: one opportunity to 10,000 subscribers through the fake Bot API, with a kill -9 part-way.

This process plays Telegram (tests/fake_telegram.py) with Telegram's limits switched on: a global
rate (the allowed rate, answering 429 retry_after beyond it), 1 message a second per chat, a few
random 500s and some residents who blocked the bot (403). It runs the real `getinvolved
broadcast ID` as a child process, kills it with SIGKILL once part of the messages are out, and
runs it again to the end. It reports:

- achieved rate / allowed rate: send calls Telegram accepted (200 or 403) per second of sending,
  over the rerun (the uninterrupted stretch) and over both runs (target >= 0.95);
- messages lost: recipients that did not end sent, blocked or failed-with-a-reason, plus any
  difference between what the fake received and what the ledger says was sent (target 0);
- duplicates: messages a resident received more than once (target <= 1 after one kill -9);
- peak memory of the broadcast process (largest resident set of the two runs).

    .venv/bin/python benchmarks/broadcast.py [--residents 10000] [--rate 30] [--kill-at 0.4]

At the default 30 messages a second, 10,000 messages take about 5.5 minutes.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import os
import random
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bot.catalogue import add_opportunities  # noqa: E402
from bot.models import Opportunity  # noqa: E402
from bot.store import Store, utcnow  # noqa: E402
from fake_telegram import TOKEN, FakeTelegram  # noqa: E402

FIRST_RESIDENT = 5_000_000
OPPORTUNITY = Opportunity(
    id="bench-park-volunteers", title="Park & garden volunteers <weekends>", organisation="Friends of the Park",
    description="Help look after the park: planting, weeding, litter picking and caring for the community garden.",
    url="https://example.org/park-volunteers", postcode="NG7", place="Highfields Park, Nottingham",
    commitment="Saturday mornings, once a month")
PASSIONS = ["nature, parks, gardening, environment", "gardening", "parks and green spaces", "litter picking",
            "looking after the park", "growing vegetables, gardening"]
DISTRICTS = ["NG1", "NG2", "NG3", "NG5", "NG7", "NG8", "NG9", "NG10", "NG11", "DE7", "NG4", "NG6"]


def build_db(path: Path, residents: int, seed: int) -> list[int]:
    """A database with the opportunity and `residents` subscribers it matches; returns their ids."""
    store = Store(path)
    add_opportunities(store, [OPPORTUNITY])
    rng = random.Random(seed)
    ids = list(range(FIRST_RESIDENT, FIRST_RESIDENT + residents))
    now = utcnow()
    with store.db.atomic():
        store.db.conn.executemany(
            "insert into residents (id, chat_id, passions, skills, postcode, availability, state, state_data,"
            " active, created_at, updated_at) values (?, ?, ?, '', ?, '[]', 'idle', '{}', 1, ?, ?)",
            [(i, i, rng.choice(PASSIONS), rng.choice(DISTRICTS), now, now) for i in ids])
        store.db.conn.executemany("insert into subscriptions (resident_id, topic, created_at) values (?, '', ?)",
                                  [(i, now) for i in ids])
    store.close()
    return ids


async def start(db: Path, fake: FakeTelegram, rate: float) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.api_url,
           "GETINVOLVED_BROADCAST_RATE": str(rate)}
    env.pop("GETINVOLVED_DB", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "broadcast", OPPORTUNITY.id, "--db", str(db), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)


def accepted(fake: FakeTelegram, since: float = 0.0) -> list[float]:
    """When each send call that counted against Telegram's rate (answered 200 or 403) arrived."""
    return [c.at for c in fake.calls_to("sendMessage") if c.status in (200, 403) and c.at >= since]


def rate_of(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else float("nan")


def ledger(db: Path) -> list[dict]:
    store = Store(db)
    try:
        return store.list_deliveries(f"broadcast:{OPPORTUNITY.id}")
    finally:
        store.close()


async def run(args: argparse.Namespace) -> int:
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)  # the killed run's dropped connections
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.monotonic()
        ids = build_db(db, args.residents, args.seed)
        print(f"broadcast: {args.residents:,} subscribers in a temp db ({time.monotonic() - t0:.1f} s to build); "
              f"allowed rate {args.rate:g}/s (GETINVOLVED_BROADCAST_RATE and the fake's global limit), "
              f"1/s per chat")
        rng = random.Random(args.seed)
        blocked = set(rng.sample(ids, args.blocked))
        async with FakeTelegram(accept_unknown_chats=True) as fake:
            fake.limit_rate(global_per_second=args.rate, per_chat_per_second=1)
            fake.fail_randomly(args.fail_rate, seed=args.seed)
            for resident in blocked:
                fake.block(resident)
            kill_after = int(args.residents * args.kill_at)
            started = time.monotonic()
            first = await start(db, fake, args.rate)
            await fake.wait_for(lambda: len(accepted(fake)) >= kill_after, timeout=args.residents / args.rate * 3 + 120)
            first.send_signal(signal.SIGKILL)
            await first.wait()
            killed_at = time.monotonic()
            first_run = accepted(fake)
            print(f"  run 1: killed with SIGKILL after {len(first_run):,} accepted sends "
                  f"({killed_at - started:.1f} s from start)")
            second = await start(db, fake, args.rate)
            out, _ = await second.communicate()
            finished = time.monotonic()
            rerun = accepted(fake, since=killed_at)
            summary = out.decode().strip().splitlines()[-1] if out.strip() else "(no summary)"
            print(f"  run 2: exit {second.returncode}, {len(rerun):,} accepted sends, "
                  f"{finished - killed_at:.1f} s; it printed: {summary}")
            report(fake, db, ids, blocked, args, first_run, rerun, started, killed_at)
    return 0


def report(fake: FakeTelegram, db: Path, ids: list[int], blocked: set[int], args: argparse.Namespace,
           first_run: list[float], rerun: list[float], started: float, killed_at: float) -> None:
    rows = ledger(db)
    received = collections.Counter(c.chat_id for c in fake.calls_to("sendMessage", ok=True))
    statuses = collections.Counter(r["status"] for r in rows)
    ledger_sent = {r["resident_id"] for r in rows if r["status"] == "sent"}
    ended = {r["resident_id"] for r in rows if r["status"] in ("sent", "blocked")
             or (r["status"] == "failed" and r["last_error"])}
    lost = len(set(ids) - ended) + len(ledger_sent ^ set(received))
    duplicates = sum(n - 1 for n in received.values())
    codes = collections.Counter(c.status for c in fake.calls_to("sendMessage"))
    overall = (len(first_run) + len(rerun)) / ((first_run[-1] - first_run[0]) + (rerun[-1] - rerun[0]))
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    delivered_rate = rate_of(sorted(c.at for c in fake.calls_to("sendMessage", ok=True) if c.at >= killed_at))
    print(f"  ledger: {dict(sorted(statuses.items()))}; fake's answers to sendMessage: {dict(sorted(codes.items()))}")
    print(f"  achieved rate / allowed rate: rerun {rate_of(rerun):.2f}/s / {args.rate:g}/s = "
          f"{rate_of(rerun) / args.rate:.3f}; both runs {overall:.2f}/s = {overall / args.rate:.3f} "
          f"(target >= 0.95); delivered (200 only) in the rerun {delivered_rate:.2f}/s")
    print(f"  messages lost: {lost} (target 0): {len(ended):,} of {len(ids):,} ended sent, blocked or failed "
          f"with a reason; the fake received {len(received):,} residents, the ledger says {len(ledger_sent):,} sent, "
          f"{len(ledger_sent ^ set(received))} differ; {len(blocked)} blocked by the fake")
    print(f"  duplicates after kill -9 and rerun: {duplicates} (target <= 1)")
    print(f"  429s: {codes.get(429, 0)}, 500s: {codes.get(500, 0)}, 403s: {codes.get(403, 0)}")
    print(f"  peak memory of the broadcast process: {peak_mb:.0f} MB")
    print("  " + json.dumps({"rate": args.rate, "residents": len(ids), "rate_ratio_rerun": round(rate_of(rerun) / args.rate, 3),
                             "rate_ratio_overall": round(overall / args.rate, 3), "lost": lost,
                             "duplicates": duplicates, "peak_mb": round(peak_mb)}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0, help="allowed messages a second (default 30)")
    parser.add_argument("--kill-at", type=float, default=0.4, help="kill -9 after this share of sends (default 0.4)")
    parser.add_argument("--blocked", type=int, default=100, help="residents who blocked the bot (default 100)")
    parser.add_argument("--fail-rate", type=float, default=0.002, help="share of sends answered 500 (default 0.002)")
    parser.add_argument("--seed", type=int, default=1)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
