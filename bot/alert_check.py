"""Which opportunities are new to residents, and queueing their digests: the alerts checkpoint.

Opportunities arrive by any route (the bot's own scrape, a cron scrape, `getinvolved import`),
so the alerts job is not told what is new; it looks at the store, which keeps two marks in its
`meta` table and so survives restarts:

- `alerts:since`: the newest `first_seen` already stored when alerting began. Nothing first seen
  at or before it is ever "new", so a fresh deployment never announces its seed catalogue.
- `alerts:checked`: the opportunities' version and the UK day of the last check whose digests
  were queued. It is written only after queueing succeeded, so a crash means a second look,
  never a missed one.

A check looks only when the opportunities changed or a new day began, and then considers
everything first seen after `alerts:since` within the last CARRY_OVER: a match that arrived after
a resident's digest for the day goes in the next day's digest instead of being lost. Nothing is
sent twice: queue_alerts leaves out whatever a resident was already sent or owed, and keeps to
the day's allowance. Blocking SQLite work: run these on the store's thread (`Store.run`).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from bot.alerts import queue_alerts
from bot.store import Store

SINCE = "alerts:since"
CHECKED = "alerts:checked"
CARRY_OVER = dt.timedelta(days=7)
EPOCH = "0000-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class AlertCheck:
    """What one check did: began alerting, found nothing changed, or queued `queued` digests."""

    began: bool = False
    looked: bool = False
    candidates: int = 0
    queued: int = 0

    def describe(self) -> str:
        if self.began:
            return "alerts begin now: opportunities already stored are not announced"
        if not self.looked:
            return "no new opportunities since the last check"
        return f"{self.candidates} new opportunities considered, {self.queued} digests queued"


def begin_alerts(store: Store) -> bool:
    """Set `alerts:since` if alerting has not begun yet; True when this call began it."""
    if read_meta(store, SINCE) is not None:
        return False
    newest = store.db.execute("select max(first_seen) from opportunities").fetchone()[0]
    write_meta(store, SINCE, newest or EPOCH)
    return True


def check_new(store: Store, *, now: dt.datetime, today: dt.date, per_day: int, max_items: int = 3) -> AlertCheck:
    """Queue digests for opportunities new since the checkpoint; the first call only sets it."""
    if begin_alerts(store):
        write_meta(store, CHECKED, _state(store, today))
        return AlertCheck(began=True)
    state = _state(store, today)  # read before the candidates: a change meanwhile means another look
    if read_meta(store, CHECKED) == state:
        return AlertCheck()
    ids = new_opportunity_ids(store, after=max(read_meta(store, SINCE) or EPOCH, _stamp(now - CARRY_OVER)))
    queued = queue_alerts(store, ids, today=today, per_day=per_day, max_items=max_items)
    write_meta(store, CHECKED, state)
    return AlertCheck(looked=True, candidates=len(ids), queued=queued)


def new_opportunity_ids(store: Store, *, after: str) -> list[str]:
    """Offered opportunities first seen after the timestamp (ISO, UTC), oldest first."""
    return [row[0] for row in store.db.execute(
        "select id from opportunities where first_seen > ? and offered = 1 order by first_seen, id", [after])]


def read_meta(store: Store, key: str) -> str | None:
    row = store.db.execute("select value from meta where key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def write_meta(store: Store, key: str, value: str) -> None:
    store.db.execute("insert into meta (key, value) values (?, ?) "
                     "on conflict(key) do update set value = excluded.value", [key, value])


def _state(store: Store, today: dt.date) -> str:
    return json.dumps({"version": store.opportunities_version(), "day": today.isoformat()})


def _stamp(moment: dt.datetime) -> str:
    """The format of `first_seen` (bot.store.utcnow), so timestamps compare as text."""
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()
