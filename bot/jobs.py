"""The bot's scheduled work: the scrape (issue 4) and alerts about new opportunities (issue 5).

Two repeating jobs on python-telegram-bot's JobQueue:

- scrape, every GETINVOLVED_SCRAPE_HOURS (none when 0), the first one GETINVOLVED_SCRAPE_DELAY_MINUTES
  after start-up: `getinvolved scrape` in a child process (bot.scrape_process), then an alerts check.
- alerts, at start-up and every GETINVOLVED_ALERT_CHECK_MINUTES: queue digests for opportunities
  that arrived by any route (bot.alert_check), then send what is owed, paced at
  GETINVOLVED_BROADCAST_RATE. Outside quiet hours (UK time) only.

Failures are logged and the bot goes on; the next run tries again. Python-telegram-bot waits
for running jobs when it stops, so a job notices the application stopping and winds down at
once: the scrape's child is terminated, a delivery finishes its sends in flight and gives the
rest back to the ledger for the next start.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Awaitable, Callable, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram.ext import Application, ContextTypes

from bot.alert_check import begin_alerts
from bot.alerts import DIGESTS, deliver_alerts
from bot.config import Settings
from bot.core_service import InThread, Runner, Service, check_alerts, warm_matcher
from bot.delivery import DeliveryAborted, Options, Scope, deliver, telegram_sender
from bot.scrape_process import ScrapeOutcome, run_scrape_process
from bot.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")


def _uk_time() -> dt.tzinfo:
    """Europe/London from the system's time zone data or the tzdata package; UTC (an hour out in
    summer) should both be missing."""
    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:
        log.warning("No time zone data (reinstall tzdata): quiet hours and alert days follow UTC")
        return dt.timezone.utc


UK = _uk_time()
SCRAPE_JOB, ALERTS_JOB, START_JOB = "scrape", "alerts", "start-up"
BROADCASTS = Scope("broadcast:", prefix=True)
STOP_POLL = 0.2  # seconds between looks at whether the application is stopping
SOONEST = 0.5  # seconds: the earliest first run (APScheduler takes a first run "now" as "after one interval")
# coalesce: runs missed while the loop was busy become one; misfire_grace_time None: late is fine.
# Alerts allow a second instance so that an overlap is skipped by our lock quietly, not by
# APScheduler with a warning; scrapes keep APScheduler's one instance and our flag besides.
SCRAPE_KWARGS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}
ALERTS_KWARGS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 2}


@dataclass
class Jobs:
    """The scheduled work of one running bot, and what keeps its runs from overlapping."""

    store: Store
    settings: Settings
    core: Runner | None = None  # where the matcher is (bot.core_service); by default the store's thread
    scraping: bool = False
    alerts_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def _core(self) -> Runner:
        if self.core is None:
            self.core = InThread(Service(self.store))
        return self.core

    async def scrape(self, application: Application) -> ScrapeOutcome | None:
        """One in-bot scrape, then an alerts check; None when skipped or stopped part-way."""
        if self.scraping:
            log.info("Scheduled scrape skipped: the previous one is still running")
            return None
        self.scraping = True
        try:
            await self.store.run(begin_alerts, self.store)  # before anything new can arrive
            log.info("Scheduled scrape starting")
            outcome = await unless_stopping(application, run_scrape_process(
                self.store.path, sources_file=self.settings.sources_file))
        finally:
            self.scraping = False
        if outcome is None:
            log.info("Scheduled scrape stopped: the bot is shutting down")
            return None
        level = logging.INFO if outcome.ok or outcome.status == "busy" else logging.WARNING
        log.log(level, "Scheduled scrape %s: %s", outcome.status, outcome.summary)
        await self.alert(application, wait=True)
        return outcome

    async def alert(self, application: Application, *, wait: bool = False) -> None:
        """Queue digests for what is new, then send everything owed; one check at a time.

        A periodic check skips while another runs; the check after a scrape waits its turn, as the
        running one may have looked before the scrape stored anything.
        """
        if self.alerts_lock.locked() and not wait:
            log.debug("Alerts check skipped: one is already running")
            return
        async with self.alerts_lock:
            now = dt.datetime.now(dt.timezone.utc)
            if is_quiet(now, self.settings.quiet_hours):
                await self.store.run(begin_alerts, self.store)  # a first start at night still begins now
                log.debug("Alerts wait: quiet hours")
                return
            check = await self._core().call(check_alerts, now=now, today=now.astimezone(UK).date(),
                                         per_day=self.settings.alerts_per_day)
            log.log(logging.INFO if check.began or check.queued else logging.DEBUG, "Alerts: %s", check.describe())
            await self._deliver(application)

    async def _deliver(self, application: Application) -> None:
        """Send every digest owed (today's, and any left by a restart), paced with the broadcasts' rate."""
        before = await self.store.run(self._sent_so_far)
        tally = await unless_stopping(application, deliver_alerts(
            self.store, telegram_sender(application.bot), options=Options(rate=self.settings.broadcast_rate)))
        if tally is not None and tally.sent + tally.blocked + tally.failed > before:
            log.info("Alerts delivered, all digests so far: %s", tally.describe())

    async def start_up(self, application: Application) -> None:
        """Build the matcher before the first resident needs it, then finish interrupted broadcasts."""
        await self._core().call(warm_matcher)
        owed = await self.store.run(lambda: self.store.delivery_counts(BROADCASTS.campaign, prefix=True))
        if not owed.get("pending") and not owed.get("sending"):
            return
        log.info("Finishing broadcasts a restart interrupted")
        tally = await unless_stopping(application, deliver(
            self.store, telegram_sender(application.bot), BROADCASTS, options=Options(rate=self.settings.broadcast_rate)))
        if tally is not None:
            log.info("Interrupted broadcasts finished: %s", tally.describe())

    def _sent_so_far(self) -> int:
        counts = self.store.delivery_counts(DIGESTS.campaign, prefix=True)
        return sum(counts.get(status, 0) for status in ("sent", "blocked", "failed"))


def schedule(application: Application, store: Store, settings: Settings, core: Runner | None = None) -> Jobs | None:
    """Register the jobs (called from post_init with the open store and where the core runs);
    None without a JobQueue."""
    queue = application.job_queue
    if queue is None:
        log.warning("No job queue (install python-telegram-bot[job-queue]): no scheduled scrapes or alerts")
        return None
    jobs = Jobs(store, settings, core)
    if settings.scrape_hours <= 0:
        log.info("The bot does not scrape (GETINVOLVED_SCRAPE_HOURS=0); run `getinvolved scrape` from cron")
    elif store.path == ":memory:":
        log.warning("No scheduled scrape: a scrape runs in its own process and cannot reach an in-memory database")
    else:
        queue.run_repeating(_scrape_job, interval=settings.scrape_hours * 3600,
                            first=max(SOONEST, settings.scrape_delay_minutes * 60), name=SCRAPE_JOB, data=jobs,
                            job_kwargs=SCRAPE_KWARGS)
    queue.run_once(_start_up_job, SOONEST, name=START_JOB, data=jobs)
    queue.run_repeating(_alerts_job, interval=settings.alert_check_minutes * 60, first=SOONEST, name=ALERTS_JOB,
                        data=jobs, job_kwargs=ALERTS_KWARGS)
    return jobs


JobWork = Callable[[Jobs, Application], Awaitable[object]]


def _logged(work: JobWork, what: str) -> Callable[[ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """A JobQueue callback doing `work`: a failure is logged, the bot goes on, and the next run
    tries again (what is owed stays owed in the ledger)."""
    async def job(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await work(_jobs(context), context.application)
        except DeliveryAborted as e:
            log.error("%s: messages not delivered: %s", what, e)
        except Exception:
            log.exception("%s failed; the bot goes on", what)
    return job


_scrape_job = _logged(Jobs.scrape, "Scheduled scrape")
_start_up_job = _logged(Jobs.start_up, "Start-up work")
_alerts_job = _logged(Jobs.alert, "Alerts check")


def _jobs(context: ContextTypes.DEFAULT_TYPE) -> Jobs:
    assert context.job is not None
    jobs: Jobs = context.job.data  # type: ignore[assignment]
    return jobs


def is_quiet(now: dt.datetime, hours: tuple[int, int] | None) -> bool:
    """Inside the quiet hours [start, end) in UK time; they may wrap midnight (21-8)."""
    if hours is None:
        return False
    start, end = hours
    hour = now.astimezone(UK).hour
    return start <= hour < end if start < end else (hour >= start or hour < end)


async def unless_stopping(application: Application, work: Awaitable[T]) -> T | None:
    """Await the work, unless the application starts stopping first: then cancel it and return None.

    python-telegram-bot's stop waits for running jobs; without this a long scrape would hold the
    bot's shutdown (and systemd's SIGTERM) for minutes.
    """
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(_stopping(application))
    try:
        await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not task.done():
            task.cancel()
            await asyncio.wait({task})  # let it clean up: stop the child, give claims back
    return None if task.cancelled() else task.result()


async def _stopping(application: Application) -> None:
    while application.running:
        await asyncio.sleep(STOP_POLL)
