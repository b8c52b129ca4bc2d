"""Chat load: many residents messaging the Telegram bot at once, through the fake Bot API.

The bot runs as it does in production (`getinvolved run`, long polling, its own process, a
fresh database seeded on start); this process plays Telegram (tests/fake_telegram.py) and the
residents. For each phase every resident sends one message at the same instant, and we time
from the moment the update is available to getUpdates to the bot's first sendMessage to that
resident (and to its last, for replies of several messages). Memory is the peak resident set
size (VmHWM) of the bot process and of its core process (bot.core_process, which matches).

Wall times on a shared machine are noisy, so each phase also reports CPU time (utime + stime
from /proc) per resident message: the bot process's, its event loop's thread alone (the main
thread), and the core process's.

    .venv/bin/python benchmarks/chat_load.py [--residents 200] [--rounds 3]

Target (issue 3): p95 <= 0.3 s for 200 residents at once, on a 2-core machine.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_telegram import FakeTelegram  # noqa: E402

TARGET_P95 = 0.3
FIRST_RESIDENT = 1_000_000
# (name, what each resident sends); the dialogue moves on from phase to phase
PHASES = [
    ("/start", lambda n: "/start"),
    ("passion (free text)", lambda n: ["I love animals", "gardening and parks", "helping older people",
                                       "food banks", "young people and sport"][n % 5]),
    ("/search (matching)", lambda n: ["/search litter picking", "/search dog walking NG7",
                                      "/search befriending", "/search food bank", "/search coaching"][n % 5]),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    """The process's child processes (the core process, bot.core_process)."""
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


def cpu_seconds(pid: int) -> tuple[float, float, float]:
    """(whole process, its main thread, its child processes) CPU seconds used so far: utime +
    stime from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")

    def used(stat: Path) -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (comm)"
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15)
    return (used(Path(f"/proc/{pid}/stat")), used(Path(f"/proc/{pid}/task/{pid}/stat")),
            sum(used(Path(f"/proc/{child}/stat")) for child in children(pid)))


async def start_bot(fake: FakeTelegram, db: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.api_url}
    env.pop("GETINVOLVED_DB", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--db", str(db), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def quiet(fake: FakeTelegram, seconds: float = 0.5, limit: float = 60) -> None:
    """Wait until the bot has sent nothing for `seconds`."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        count = len(fake.calls)
        await asyncio.sleep(seconds)
        if len(fake.calls) == count:
            return


async def answered(fake: FakeTelegram, residents: list[int], before: dict[int, int], limit: float = 120) -> None:
    """Wait until every resident has a new message.

    A look every 50 ms, not at every message the fake receives: the fake records when each
    message arrived, so how often we look changes no figure, and looking at every one (200
    residents at each of 800 messages) would take CPU the bot needs on a 2-core machine.
    """
    deadline = time.monotonic() + limit
    waiting = list(residents)
    while waiting := [r for r in waiting if len(fake.sent.get(r, ())) <= before[r]]:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(waiting)} residents had no answer after {limit:.0f} s")
        await asyncio.sleep(0.05)


async def phase(fake: FakeTelegram, pid: int, residents: list[int],
                text_for) -> tuple[list[float], list[float], float, tuple[float, ...]]:
    """Every resident sends at once.

    Returns (first-reply latencies, last-reply latencies, wall time, (CPU seconds of the bot
    process, of its event-loop thread, of its core process) spent on the phase).
    """
    before = {r: len(fake.messages(r)) for r in residents}
    cpu_before = cpu_seconds(pid)
    began = time.monotonic()
    queued = {r: fake.send_text(r, text_for(i)).queued_at for i, r in enumerate(residents)}
    await answered(fake, residents, before)
    await quiet(fake)
    cpu = tuple(after - before for after, before in zip(cpu_seconds(pid), cpu_before))
    firsts, lasts = [], []
    for r in residents:
        new = fake.messages(r)[before[r]:]
        firsts.append(new[0].sent_at - queued[r])
        lasts.append(new[-1].sent_at - queued[r])
    wall = max(m.sent_at for r in residents for m in fake.messages(r)[before[r]:]) - began
    return firsts, lasts, wall, cpu


def line(name: str, values: list[float]) -> str:
    return (f"{name:<28} p50 {statistics.median(values):6.3f} s   p95 {percentile(values, 0.95):6.3f} s   "
            f"max {max(values):6.3f} s")


async def round_(count: int, number: int) -> dict[str, list[float]]:
    async with FakeTelegram() as fake:
        with tempfile.TemporaryDirectory() as tmp:
            bot = await start_bot(fake, Path(tmp) / "load.db")
            try:
                await fake.wait_for(lambda: bool(fake.calls_to("deleteWebhook")), timeout=60)
                fake.send_text(FIRST_RESIDENT - 1, "/search gardening")  # warm-up: builds the matcher
                await fake.wait_for_messages(FIRST_RESIDENT - 1, timeout=60)
                await quiet(fake)
                residents = list(range(FIRST_RESIDENT, FIRST_RESIDENT + count))
                results: dict[str, list[float]] = {}
                print(f"round {number}: {count} residents at once")
                for name, text_for in PHASES:
                    calls = len(fake.calls_to("sendMessage"))
                    firsts, lasts, wall, (cpu, loop_cpu, core_cpu) = await phase(fake, bot.pid, residents, text_for)
                    sent = sum(len(fake.messages(r)) for r in residents)
                    refused = len(fake.refused)
                    calls = len(fake.calls_to("sendMessage")) - calls
                    print("  " + line(f"{name}, first reply", firsts))
                    print("  " + line(f"{name}, whole reply", lasts) + f"   (all done in {wall:.2f} s)")
                    print(f"  {'':<28} bot CPU {1000 * cpu / count:5.2f} ms a resident message "
                          f"({1000 * loop_cpu / count:5.2f} on the event loop), core process {1000 * core_cpu / count:5.2f} ms; "
                          f"{calls / count:.1f} sendMessage each")
                    results.setdefault("first", []).extend(firsts)
                    results.setdefault(name, []).extend(firsts)
                    results.setdefault("cpu", []).append(cpu / count)
                    results.setdefault("loop cpu", []).append(loop_cpu / count)
                    results.setdefault("core cpu", []).append(core_cpu / count)
                    results.setdefault(f"{name} cpu", []).append((cpu + core_cpu) / count)
                rss, core_rss = peak_rss_mb(bot.pid), sum(peak_rss_mb(child) for child in children(bot.pid))
                print(f"  messages sent {sent}, refused by the fake {refused}; peak RSS: bot {rss:.1f} MB, "
                      f"core process {core_rss:.1f} MB")
                results["rss"], results["core rss"] = [rss], [core_rss]
            finally:
                if bot.returncode is None:
                    bot.send_signal(signal.SIGTERM)
                _, err = await bot.communicate()
                if bot.returncode != 0:
                    print(f"  the bot exited with {bot.returncode}: {err.decode()[-400:]}")
    return results


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"chat_load: {args.residents} residents, {args.rounds} rounds, {os.cpu_count()} CPUs; "
          "the bot is `getinvolved run` (long polling) against the fake Bot API")
    every: dict[str, list[float]] = {}
    for number in range(1, args.rounds + 1):
        for key, values in (await round_(args.residents, number)).items():
            every.setdefault(key, []).extend(values)
    print("all rounds:")
    for name, _ in PHASES:
        print("  " + line(f"{name}, first reply", every[name])
              + f"   CPU {1000 * statistics.mean(every[f'{name} cpu']):.2f} ms/msg (bot and core)")
    p95 = percentile(every["first"], 0.95)
    print("  " + line("every message, first reply", every["first"]))
    print(f"  bot CPU per resident message: mean {1000 * statistics.mean(every['cpu']):.2f} ms "
          f"({1000 * statistics.mean(every['loop cpu']):.2f} ms on the event loop), core process "
          f"{1000 * statistics.mean(every['core cpu']):.2f} ms, over {len(every['cpu'])} phases")
    print(f"  peak RSS: bot max {max(every['rss']):.1f} MB, core process max {max(every['core rss']):.1f} MB")
    print(f"  target p95 <= {TARGET_P95} s: {'met' if p95 <= TARGET_P95 else 'NOT met'} (p95 {p95:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
