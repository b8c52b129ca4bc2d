"""The bot's scheduled scrape and alerts, end to end: a real `getinvolved scrape` child process reads
a loopback site into the bot's database, and a subscribed resident gets the new opportunity as a
digest through the fake Bot API. A scrape held off by cron's lock, or failing, is logged and the
bot goes on; stopping the bot stops a running scrape at once."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import time
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from telegram.ext import Application

from bot.alert_check import CHECKED, read_meta
from bot.catalogue import add_opportunities
from bot.config import Settings, load_settings
from bot.jobs import ALERTS_JOB, SCRAPE_JOB, Jobs
from bot.messages import Incoming, Reply
from bot.models import Opportunity
from bot.scrape_process import outcome_of, run_scrape_process
from bot.store import Store
from bot.telegram_app import build_application, running, runtime_of
from fake_telegram import FakeTelegram
from fixtures.broadcast.kit import add_opportunity, add_subscriber, owe
from scrapers.lock import scrape_lock
from sitesrv import bindable, page, serve, site_app, slow

HOST = "127.0.0.2"
RESIDENT = 501
pytestmark = pytest.mark.skipif(not bindable(HOST), reason="needs loopback addresses beyond 127.0.0.1")

HUB = ('<html><head><title>Volunteer | Millbrook Trust</title></head><body><main><h1>Volunteer with Millbrook Trust</h1>'
       '<ul><li><h3><a href="/roles/garden">Community Garden Volunteer</a></h3>'
       '<p>Help grow vegetables one morning a week. Aged 16 or over.</p></li></ul></main></body></html>')
ROLE = ('<html><body><main><h1>Community Garden Volunteer</h1><p>Help us grow vegetables and look after the '
        'community garden, one morning a week, 9am to 12pm.</p><p>You must be 16 or over.</p></main></body></html>')


class QuietCore:
    """The jobs under test send everything themselves; residents' messages are not part of it."""

    def __init__(self, store: Store):
        self.store = store

    def handle(self, resident_id: int, incoming: Incoming, *, chat_id: int | None = None,
               private: bool = True) -> list[Reply]:
        return []


def millbrook(routes: dict[str, Any] | None = None):
    return serve(site_app(routes=routes or {"/volunteer": page(HUB), "/roles/garden": page(ROLE)}), HOST)


def write_sources(path: Path, url: str) -> Path:
    path.write_text(f'[[source]]\nname = "millbrook"\nurl = "{url}"\nkind = "voluntary"\n'
                    f'area = "Nottingham"\npostcode = "NG7"\n')
    return path


def bot_settings(fake: FakeTelegram, db: Path, sources: Path, **changes: Any) -> Settings:
    fast: dict[str, Any] = dict(token=fake.token, api_url=fake.api_url, sources_file=sources, scrape_hours=1,
                                scrape_delay_minutes=0, alert_check_minutes=60, quiet_hours=None)
    return dataclasses.replace(load_settings(db), **{**fast, **changes})


def existing_catalogue(db: Path) -> None:
    """Last week's catalogue (which must not be announced as new) and a gardener subscribed to alerts."""
    store = Store(db)
    try:
        old = Opportunity(id="old-garden", title="Allotment garden helpers", description="Grow vegetables with us.",
                          postcode="NG7", url="https://example.org/old", organisation="Old Allotments")
        add_opportunities(store, [old], seen_at=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=7)).isoformat())
        add_subscriber(store, RESIDENT, passions="gardening, growing vegetables", postcode="NG7")
    finally:
        store.close()


def alerting_began(db: Path) -> bool:
    store = Store(db)
    try:
        return read_meta(store, CHECKED) is not None
    finally:
        store.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.add_user(RESIDENT)
        yield server


def app_for(settings: Settings, *, core_process: bool = False) -> Application:
    return build_application(settings, core_factory=QuietCore, commands=[], core_process=core_process)


def jobs_of(application: Application) -> Jobs:
    jobs = runtime_of(application).extra["jobs"]
    assert isinstance(jobs, Jobs)
    return jobs


@pytest.mark.parametrize("core_process", [False, True], ids=["core on a thread", "core in its own process"])
async def test_the_scheduled_scrape_brings_a_subscriber_a_digest_of_what_is_new(fake, tmp_path, caplog, core_process):
    caplog.set_level(logging.INFO, logger="bot.jobs")
    db = tmp_path / "bot.db"
    existing_catalogue(db)
    async with millbrook() as site:
        sources = write_sources(tmp_path / "sources.toml", site.url("/volunteer"))
        application = app_for(bot_settings(fake, db, sources), core_process=core_process)
        started = time.monotonic()
        async with running(application, poll_timeout=1):
            [digest] = await fake.wait_for_messages(RESIDENT, timeout=30)
            took = time.monotonic() - started
            await asyncio.sleep(0.3)
    assert "Community Garden Volunteer" in digest.text
    assert "Allotment" not in digest.text  # last week's catalogue is not news
    assert digest.urls == [site.url("/roles/garden")]
    assert digest.button("Stop these alerts")["callback_data"] == "unsub"
    assert len(fake.messages(RESIDENT)) == 1
    assert "Scheduled scrape done: 1 sources, 2 pages, 1 found, 1 new, 0 gone" in caplog.text
    assert "Alerts: 1 new opportunities considered, 1 digests queued" in caplog.text
    assert "Alerts delivered, all digests so far: Delivered 1, blocked 0, failed 0." in caplog.text
    print(f"scrape job to digest received: {took:.2f} s")


async def test_with_scrape_hours_0_the_bot_never_scrapes_but_still_checks_for_alerts(fake, tmp_path):
    application = app_for(bot_settings(fake, tmp_path / "bot.db", tmp_path / "none.toml", scrape_hours=0))
    async with running(application, poll_timeout=1):
        assert application.job_queue is not None
        assert application.job_queue.get_jobs_by_name(SCRAPE_JOB) == ()
        assert len(application.job_queue.get_jobs_by_name(ALERTS_JOB)) == 1


async def test_a_broadcast_a_restart_interrupted_is_finished_when_the_bot_starts(fake, tmp_path):
    db = tmp_path / "bot.db"
    store = Store(db)
    try:
        add_opportunity(store)
        add_subscriber(store, RESIDENT)
        owe(store, "broadcast:garden", [RESIDENT])
    finally:
        store.close()
    application = app_for(bot_settings(fake, db, tmp_path / "none.toml", scrape_hours=0))
    async with running(application, poll_timeout=1):
        [message] = await fake.wait_for_messages(RESIDENT, timeout=10)
    assert message.text == f"hello {RESIDENT}"


async def test_the_scrape_job_is_scheduled_after_the_first_delay_and_repeats(fake, tmp_path):
    settings = bot_settings(fake, tmp_path / "bot.db", tmp_path / "none.toml", scrape_hours=24, scrape_delay_minutes=5)
    application = app_for(settings)
    async with running(application, poll_timeout=1):
        assert application.job_queue is not None
        [job] = application.job_queue.get_jobs_by_name(SCRAPE_JOB)
        assert job.job.trigger.interval == dt.timedelta(hours=24)
        wait = job.next_t - dt.datetime.now(dt.timezone.utc)
        assert dt.timedelta(minutes=4) < wait <= dt.timedelta(minutes=5)


async def test_alerts_that_arrive_by_import_are_sent_by_the_periodic_check(fake, tmp_path):
    db = tmp_path / "bot.db"
    existing_catalogue(db)
    application = app_for(bot_settings(fake, db, tmp_path / "none.toml", scrape_hours=0, alert_check_minutes=0.01))
    async with running(application, poll_timeout=1):
        await fake.wait_for(lambda: alerting_began(db))
        store = Store(db)  # as `getinvolved import` would, from another process
        try:
            add_opportunities(store, [Opportunity(id="new-garden", title="Community garden volunteers",
                                                  description="Help us grow vegetables.", postcode="NG7",
                                                  url="https://example.org/new")])
        finally:
            store.close()
        [digest] = await fake.wait_for_messages(RESIDENT, timeout=10)
    assert "Community garden volunteers" in digest.text


async def test_a_scrape_held_off_by_crons_lock_is_skipped_and_logged(fake, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.jobs")
    db = tmp_path / "bot.db"
    application = app_for(bot_settings(fake, db, write_sources(tmp_path / "s.toml", "http://127.0.0.2:9/")))
    with scrape_lock(db):
        async with running(application, poll_timeout=1):
            await fake.wait_for(lambda: "Scheduled scrape" in caplog.text and "busy" in caplog.text, timeout=20)
            assert application.running
    [record] = [r for r in caplog.records if "Scheduled scrape busy" in r.message]
    assert record.levelno == logging.INFO
    assert "another scrape of this database (cron?) is running" in record.message


async def test_a_failing_scrape_is_logged_and_the_bot_goes_on(fake, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.jobs")
    bad = tmp_path / "s.toml"
    bad.write_text("[[source\n")
    application = app_for(bot_settings(fake, tmp_path / "bot.db", bad))
    async with running(application, poll_timeout=1):
        await fake.wait_for(lambda: "Scheduled scrape failed" in caplog.text, timeout=20)
        assert application.running and not jobs_of(application).scraping
    [record] = [r for r in caplog.records if "Scheduled scrape failed" in r.message]
    assert record.levelno == logging.WARNING and "The sources file" in record.message


async def test_stopping_the_bot_stops_a_running_scrape_at_once(fake, tmp_path):
    db = tmp_path / "bot.db"
    asked = asyncio.Event()

    async def never_answers(request: Any) -> Any:
        asked.set()
        await asyncio.sleep(60)

    async with millbrook({"/volunteer": never_answers}) as site:
        application = app_for(bot_settings(fake, db, write_sources(tmp_path / "s.toml", site.url("/volunteer"))))
        async with running(application, poll_timeout=1):
            await asyncio.wait_for(asked.wait(), 20)
            assert jobs_of(application).scraping
            stopping = time.monotonic()
        took = time.monotonic() - stopping
    assert took < 5, f"stopping took {took:.1f} s"
    with scrape_lock(db):  # the child is gone: its lock is free
        pass


async def test_two_scrapes_never_overlap(tmp_path):
    db = tmp_path / "bot.db"
    async with millbrook({"/volunteer": slow(0.5, page(HUB)), "/roles/garden": page(ROLE)}) as site:
        sources = write_sources(tmp_path / "s.toml", site.url("/volunteer"))
        store = Store(db)
        try:
            jobs = Jobs(store, dataclasses.replace(load_settings(db), sources_file=sources))
            application = _RunningStub()
            first, second = await asyncio.gather(jobs.scrape(application), jobs.scrape(application))
        finally:
            store.close()
    assert first is not None and first.new == 1 and second is None


class _RunningStub:
    """Just enough of an Application for Jobs.scrape outside a bot: running, with no one to alert."""

    running = True
    bot = None


def test_a_scrape_report_becomes_one_summary_line():
    report = {"ok": False, "seconds": 12.34, "sources": [{"name": "a", "ok": True}, {"name": "b", "ok": False}],
              "totals": {"sources": 2, "failed": 1, "skipped": 0, "pages_fetched": 9, "found": 7, "new": 3, "gone": 1}}
    outcome = outcome_of(1, json.dumps(report), "")
    assert (outcome.status, outcome.new, outcome.ok) == ("done", 3, False)
    assert outcome.summary == "2 sources, 9 pages, 7 found, 3 new, 1 gone in 12.3 s, failed: b"


def test_a_scrape_without_a_report_is_busy_or_failed():
    busy = outcome_of(1, "", "getinvolved: A scrape is already running on this database; try again when it has finished.\n")
    assert busy.status == "busy"
    failed = outcome_of(1, "", "Traceback...\nMemoryError\n")
    assert failed.status == "failed" and failed.summary == "the scrape failed (exit status 1): MemoryError"


async def test_a_scrape_process_that_runs_too_long_is_stopped(tmp_path):
    async with millbrook({"/volunteer": slow(60, page(HUB))}) as site:
        sources = write_sources(tmp_path / "s.toml", site.url("/volunteer"))
        outcome = await run_scrape_process(tmp_path / "bot.db", sources_file=sources, timeout=1.5)
    assert outcome.status == "failed" and "stopped after running" in outcome.summary
    with scrape_lock(tmp_path / "bot.db"):
        pass
