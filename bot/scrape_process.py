"""The bot's scrape as a child process: `python -m bot.cli scrape --json`.

A scrape parses a lot of HTML. In a child process that work never stalls the bot's event loop
(residents keep getting answers) nor its store thread, and a scraper crash cannot take the bot
down. The child is the same `getinvolved scrape` that cron runs, so both take the database's
scrape lock (scrapers.lock) and never run at once: the loser says so and changes nothing.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # where `bot` and `scrapers` are importable from
TIMEOUT = 3 * 3600.0  # seconds: a scrape still running after this is stuck, and is stopped
TERMINATE_GRACE = 5.0  # seconds a stopped child gets to exit before it is killed
BUSY_MARK = "already running"  # how ScrapeAlreadyRunning's message reads on the child's stderr


@dataclass(frozen=True)
class ScrapeOutcome:
    """How a scrape ended: done (possibly with failed sources), busy (another holds the lock), failed."""

    status: Literal["done", "busy", "failed"]
    summary: str
    new: int = 0
    ok: bool = False  # done, and every source succeeded


def scrape_argv(db_path: str | Path, sources_file: str | Path | None = None) -> list[str]:
    """The child's command line: this interpreter, so it runs the bot's own code and packages."""
    argv = [sys.executable, "-m", "bot.cli", "scrape", "--json", "--db", str(db_path)]
    return argv + ["--sources", str(sources_file)] if sources_file else argv


def child_env() -> dict[str, str]:
    """The bot's environment, minus its token (a scrape needs none), with our code importable."""
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    return env


async def run_scrape_process(db_path: str | Path, *, sources_file: str | Path | None = None,
                             timeout: float = TIMEOUT) -> ScrapeOutcome:
    """Run one scrape in a child process and say how it went. Cancelled, it stops the child first."""
    process = await asyncio.create_subprocess_exec(
        *scrape_argv(db_path, sources_file), env=child_env(), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        await stop_process(process)
        return ScrapeOutcome("failed", f"the scrape was stopped after running {timeout / 60:.0f} minutes")
    except BaseException:  # cancelled: the bot is stopping
        await stop_process(process)
        raise
    return outcome_of(process.returncode, out.decode(errors="replace"), err.decode(errors="replace"))


async def stop_process(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, then SIGKILL if it lingers. Its transactions roll back and its lock is freed."""
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), TERMINATE_GRACE)
    except TimeoutError:
        process.kill()
        await process.wait()


def outcome_of(returncode: int | None, out: str, err: str) -> ScrapeOutcome:
    """Read the child's JSON report (printed even when some sources failed) or its one-line error."""
    report = _json_report(out)
    if report is not None:
        return ScrapeOutcome("done", summarise(report), new=int(report["totals"].get("new", 0)),
                             ok=bool(report.get("ok")) and returncode == 0)
    last = next((line.strip() for line in reversed(err.splitlines()) if line.strip()), "")
    if BUSY_MARK in last:
        return ScrapeOutcome("busy", "skipped: another scrape of this database (cron?) is running")
    return ScrapeOutcome("failed", f"the scrape failed (exit status {returncode}): {last or 'no message'}")


def summarise(report: dict[str, Any]) -> str:
    """One line: sources (failed ones named), pages, found, new, gone, seconds."""
    t = report["totals"]
    failed = [s["name"] for s in report.get("sources", []) if not s.get("ok")]
    failures = f", failed: {', '.join(failed)}" if failed else ""
    skipped = f", {t['skipped']} skipped" if t.get("skipped") else ""
    return (f"{t['sources']} sources{skipped}, {t['pages_fetched']} pages, {t['found']} found, {t['new']} new, "
            f"{t['gone']} gone in {report.get('seconds', 0):.1f} s{failures}")


def _json_report(out: str) -> dict[str, Any] | None:
    try:
        report = json.loads(out)
    except ValueError:
        return None
    return report if isinstance(report, dict) and isinstance(report.get("totals"), dict) else None
