"""The alerts checkpoint: residents hear about opportunities new since alerting began, each at most
once, within the day's allowance, and the bot's scheduling settings read from the environment."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.alert_check import CHECKED, SINCE, check_new, read_meta
from bot.alerts import DIGESTS
from bot.catalogue import add_opportunities
from bot.config import ConfigError, load_settings
from bot.jobs import is_quiet
from bot.models import Opportunity
from bot.store import Store
from fixtures.broadcast.kit import add_subscriber

NOW = dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.timezone.utc)
TODAY = NOW.date()
GARDEN = "garden vegetables"


def add(store: Store, id: str, *, seen: dt.datetime, title: str = "Community garden volunteers",
        description: str = "Help us grow vegetables and look after the garden.") -> None:
    opportunity = Opportunity(id=id, title=title, description=description,
                              postcode="NG7", url=f"https://example.org/{id}", organisation="Friends of the Park")
    add_opportunities(store, [opportunity], seen_at=seen.isoformat())


def check(store: Store, now: dt.datetime = NOW, per_day: int = 1):
    return check_new(store, now=now, today=now.date(), per_day=per_day)


def digests(store: Store) -> list[tuple[int, list[str]]]:
    return [(d["resident_id"], d["payload"]["opportunities"])
            for d in store.list_deliveries(DIGESTS.campaign, prefix=True)]


@pytest.fixture
def catalogue(store: Store) -> Store:
    """A store holding yesterday's catalogue and one gardener subscribed to alerts."""
    add(store, "old-garden", seen=NOW - dt.timedelta(days=1))
    add_subscriber(store, 1, passions=GARDEN)
    return store


def test_the_first_check_begins_alerting_without_announcing_the_catalogue(catalogue: Store) -> None:
    assert check(catalogue).began
    assert digests(catalogue) == []
    assert read_meta(catalogue, SINCE) == (NOW - dt.timedelta(days=1)).isoformat()


def test_an_opportunity_new_since_the_checkpoint_is_queued_for_a_matching_subscriber(catalogue: Store) -> None:
    check(catalogue)
    add(catalogue, "new-garden", seen=NOW)
    result = check(catalogue, NOW + dt.timedelta(minutes=15))
    assert (result.candidates, result.queued) == (1, 1)
    assert digests(catalogue) == [(1, ["new-garden"])]


def test_the_checkpoint_advances_and_nothing_is_queued_twice(catalogue: Store) -> None:
    check(catalogue)
    add(catalogue, "new-garden", seen=NOW)
    check(catalogue)
    checked = read_meta(catalogue, CHECKED)
    assert not check(catalogue).looked  # nothing changed since
    assert read_meta(catalogue, CHECKED) == checked
    tomorrow = NOW + dt.timedelta(days=1)
    assert check(catalogue, tomorrow).queued == 0  # a new day looks again, and finds it already sent
    assert digests(catalogue) == [(1, ["new-garden"])]


def test_opportunities_that_do_not_match_queue_nothing(catalogue: Store) -> None:
    check(catalogue)
    add(catalogue, "chess", seen=NOW, title="Chess club helpers", description="Run the weekly chess club.")
    assert check(catalogue).queued == 0


def test_a_match_after_the_days_digest_waits_for_the_next_day(catalogue: Store) -> None:
    check(catalogue)
    add(catalogue, "morning", seen=NOW)
    check(catalogue)
    add(catalogue, "afternoon", seen=NOW + dt.timedelta(hours=4))
    assert check(catalogue, NOW + dt.timedelta(hours=4)).queued == 0  # today's one digest is used
    assert check(catalogue, NOW + dt.timedelta(days=1)).queued == 1
    assert digests(catalogue) == [(1, ["morning"]), (1, ["afternoon"])]


def test_more_digests_a_day_when_configured(catalogue: Store) -> None:
    check(catalogue)
    add(catalogue, "morning", seen=NOW)
    check(catalogue, per_day=2)
    add(catalogue, "afternoon", seen=NOW + dt.timedelta(hours=4))
    assert check(catalogue, NOW + dt.timedelta(hours=4), per_day=2).queued == 1


def test_a_week_old_opportunity_is_no_longer_new(catalogue: Store) -> None:
    check(catalogue, NOW - dt.timedelta(days=20))
    add(catalogue, "new-garden", seen=NOW - dt.timedelta(days=8))
    assert check(catalogue).candidates == 0


def test_the_checkpoint_stays_when_queueing_fails(catalogue: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    check(catalogue)
    checked = read_meta(catalogue, CHECKED)
    add(catalogue, "new-garden", seen=NOW)

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr("bot.alert_check.queue_alerts", broken)
    with pytest.raises(RuntimeError):
        check(catalogue)
    assert read_meta(catalogue, CHECKED) == checked
    monkeypatch.undo()
    assert check(catalogue).queued == 1


def test_on_an_empty_store_everything_added_later_is_new(store: Store) -> None:
    add_subscriber(store, 1, passions=GARDEN)
    assert check(store).began
    add(store, "first", seen=NOW)
    assert check(store).queued == 1


def test_the_checkpoint_survives_a_restart(tmp_path: Path) -> None:
    store = Store(tmp_path / "gi.db")
    add(store, "old-garden", seen=NOW - dt.timedelta(days=1))
    add_subscriber(store, 1, passions=GARDEN)
    check(store)
    store.close()
    store = Store(tmp_path / "gi.db")
    try:
        assert not check(store).began
        add(store, "new-garden", seen=NOW)
        assert check(store).queued == 1
    finally:
        store.close()


# -- quiet hours ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("utc, quiet", [
    (dt.datetime(2030, 1, 15, 20, 59), False),  # winter: UK time is UTC
    (dt.datetime(2030, 1, 15, 21, 0), True),
    (dt.datetime(2030, 1, 15, 7, 59), True),
    (dt.datetime(2030, 1, 15, 8, 0), False),
    (dt.datetime(2030, 7, 15, 7, 30), False),  # summer: 07:30 UTC is 08:30 in the UK
    (dt.datetime(2030, 7, 15, 20, 30), True),  # 21:30 BST
])
def test_quiet_hours_are_uk_hours_that_wrap_midnight(utc: dt.datetime, quiet: bool) -> None:
    assert is_quiet(utc.replace(tzinfo=dt.timezone.utc), (21, 8)) is quiet


def test_no_quiet_hours_when_switched_off() -> None:
    assert not is_quiet(dt.datetime(2030, 1, 15, 23, 0, tzinfo=dt.timezone.utc), None)


# -- settings -----------------------------------------------------------------------------------------------

def test_scheduling_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SCRAPE_HOURS", "SCRAPE_DELAY_MINUTES", "ALERTS_PER_DAY", "ALERT_CHECK_MINUTES", "QUIET_HOURS",
                 "SOURCES"):
        monkeypatch.delenv(f"GETINVOLVED_{name}", raising=False)
    s = load_settings()
    assert (s.scrape_hours, s.scrape_delay_minutes, s.alerts_per_day, s.alert_check_minutes) == (24, 5, 1, 15)
    assert s.quiet_hours == (21, 8) and s.sources_file is None


def test_scheduling_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GETINVOLVED_SCRAPE_HOURS", "0")
    monkeypatch.setenv("GETINVOLVED_SCRAPE_DELAY_MINUTES", "0.5")
    monkeypatch.setenv("GETINVOLVED_ALERTS_PER_DAY", "2")
    monkeypatch.setenv("GETINVOLVED_ALERT_CHECK_MINUTES", "60")
    monkeypatch.setenv("GETINVOLVED_QUIET_HOURS", "off")
    monkeypatch.setenv("GETINVOLVED_SOURCES", "/etc/getinvolved/sources.toml")
    s = load_settings()
    assert (s.scrape_hours, s.scrape_delay_minutes, s.alerts_per_day, s.alert_check_minutes) == (0, 0.5, 2, 60)
    assert s.quiet_hours is None and s.sources_file == Path("/etc/getinvolved/sources.toml")


@pytest.mark.parametrize("name, value, message", [
    ("GETINVOLVED_SCRAPE_HOURS", "daily", "GETINVOLVED_SCRAPE_HOURS must be a number of hours, not 'daily'."),
    ("GETINVOLVED_SCRAPE_HOURS", "-1", "GETINVOLVED_SCRAPE_HOURS must be from 0 to 744, not -1."),
    ("GETINVOLVED_SCRAPE_HOURS", "nan", "GETINVOLVED_SCRAPE_HOURS must be from 0 to 744, not nan."),
    ("GETINVOLVED_SCRAPE_DELAY_MINUTES", "soon", "GETINVOLVED_SCRAPE_DELAY_MINUTES must be a number of minutes"),
    ("GETINVOLVED_ALERTS_PER_DAY", "1.5", "GETINVOLVED_ALERTS_PER_DAY must be a whole number of digests, not '1.5'."),
    ("GETINVOLVED_ALERTS_PER_DAY", "100", "GETINVOLVED_ALERTS_PER_DAY must be from 0 to 24, not 100."),
    ("GETINVOLVED_ALERT_CHECK_MINUTES", "0", "GETINVOLVED_ALERT_CHECK_MINUTES must be from 1 to 1440, not 0."),
    ("GETINVOLVED_QUIET_HOURS", "9pm-8am", "GETINVOLVED_QUIET_HOURS must be two hours of the day like 21-8, or off"),
    ("GETINVOLVED_QUIET_HOURS", "21-24", "GETINVOLVED_QUIET_HOURS must be two hours of the day like 21-8, or off"),
])
def test_a_bad_scheduling_setting_is_one_sentence(monkeypatch: pytest.MonkeyPatch, name: str, value: str,
                                                  message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(message)


def test_a_bad_setting_stops_the_command_with_one_sentence(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path) -> None:
    from bot.cli import main

    monkeypatch.setenv("GETINVOLVED_SCRAPE_HOURS", "weekly")
    assert main(["export", "--db", str(tmp_path / "gi.db")]) == 1
    assert capsys.readouterr().err == "getinvolved: GETINVOLVED_SCRAPE_HOURS must be a number of hours, not 'weekly'.\n"
