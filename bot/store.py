"""The one store: schema, migrations and queries, shared by the scrapers, the bot and the CLI.

SQLite through sqlite-utils. The schema is (re)applied on every start and only ever adds what
is missing, so old databases are upgraded in place. The connection runs in autocommit mode and
every multi-statement write goes through `db.atomic()`, so a failure never leaves half a change.
Async callers use `Store.run`, which serialises all database work on one worker thread: the
event loop never blocks on SQLite, and writes go through one place.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import sqlite_utils

from bot.models import Opportunity

T = TypeVar("T")

_OPPORTUNITY_COLUMNS = {
    "id": str, "title": str, "organisation": str, "description": str, "url": str, "kind": str,
    "postcode": str, "place": str, "remote": int, "commitment": str, "min_age": int,
    "dbs_check": int, "closing_date": str, "source": str, "lat": float, "lon": float,
    "causes": str, "first_seen": str, "last_seen": str, "offered": int,
}

# table -> (columns, primary key, defaults); columns missing from an older database are added.
SCHEMA: dict[str, tuple[dict[str, type], str | tuple[str, ...], dict[str, Any]]] = {
    "opportunities": (_OPPORTUNITY_COLUMNS, "id", {"offered": 1, "remote": 0}),
    "sources": ({
        "name": str, "url": str, "kind": str, "area": str, "postcode": str, "parser": str,
        "last_run_at": str, "last_success_at": str, "consecutive_failures": int,
        "last_error": str, "last_error_kind": str, "last_report": str,
    }, "name", {"consecutive_failures": 0}),
    "http_cache": ({
        "url": str, "etag": str, "last_modified": str, "content_type": str, "body": str,
        "fetched_at": str,
    }, "url", {}),
    "residents": ({
        "id": int, "chat_id": int, "passions": str, "skills": str, "postcode": str,
        "availability": str, "state": str, "state_data": str, "active": int,
        "created_at": str, "updated_at": str,
    }, "id", {"active": 1}),
    "hidden": ({"resident_id": int, "opportunity_id": str}, ("resident_id", "opportunity_id"), {}),
    "saved": ({"resident_id": int, "opportunity_id": str, "saved_at": str}, ("resident_id", "opportunity_id"), {}),
    "subscriptions": ({"resident_id": int, "topic": str, "created_at": str}, ("resident_id", "topic"), {}),
    "deliveries": ({
        "id": int, "campaign": str, "resident_id": int, "chat_id": int, "payload": str,
        "status": str, "attempts": int, "last_error": str, "created_at": str, "updated_at": str,
        "sent_at": str,
    }, "id", {"status": "pending", "attempts": 0}),
    "meta": ({"key": str, "value": str}, "key", {}),
}
INDEXES = [
    ("opportunities", ["source"]),
    ("opportunities", ["offered", "closing_date"]),
    ("deliveries", ["campaign", "resident_id"], True),
    ("deliveries", ["status"]),
    ("subscriptions", ["topic"]),
]
FTS_COLUMNS = ["title", "organisation", "description"]


def utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class Store:
    """An open database with the schema in place."""

    def __init__(self, path: str | Path = ":memory:"):
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self.path = path
        self.db = sqlite_utils.Database(conn)
        self._executor: ThreadPoolExecutor | None = None
        self.db.execute("PRAGMA busy_timeout = 30000")
        if path != ":memory:":
            self.db.enable_wal()
        ensure_schema(self.db)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking database work on the store's single worker thread."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self.db.close()

    # -- opportunities -------------------------------------------------------------------

    def upsert_opportunities(self, opps: Iterable[Opportunity], *, seen_at: str | None = None) -> tuple[list[str], list[str]]:
        """Add or update opportunities in one transaction; returns (new ids, updated ids).

        An update keeps when it was first seen, and marks the opportunity offered again.
        """
        seen_at = seen_at or utcnow()
        rows = [_opportunity_row(o, seen_at) for o in opps]
        if not rows:
            return [], []
        with self.db.atomic():
            existing = self._existing_ids([r["id"] for r in rows])
            self.db.conn.executemany(_UPSERT_SQL, rows)
            self._bump_version()
        new = [r["id"] for r in rows if r["id"] not in existing]
        return new, [r["id"] for r in rows if r["id"] in existing]

    def mark_not_offered(self, source: str, still_listed: Iterable[str], *, at: str | None = None) -> list[str]:
        """After a successful scrape: what the source no longer lists stays stored but is not offered."""
        keep = set(still_listed)
        at = at or utcnow()
        with self.db.atomic():
            gone = [row[0] for row in self.db.execute(
                "select id from opportunities where source = ? and offered = 1", [source]) if row[0] not in keep]
            self.db.conn.executemany(
                "update opportunities set offered = 0, last_seen = coalesce(last_seen, ?) where id = ?",
                [(at, i) for i in gone])
            if gone:
                self._bump_version()
        return gone

    def get_opportunity(self, opportunity_id: str) -> Opportunity | None:
        rows = list(self.db.query("select * from opportunities where id = ?", [opportunity_id]))
        return _opportunity_from_db(rows[0]) if rows else None

    def iter_opportunities(self, *, include_closed: bool = False, today: dt.date | None = None) -> Iterator[Opportunity]:
        """Every opportunity, by id; by default only those still offered and not past closing."""
        sql = "select * from opportunities"
        params: list[Any] = []
        if not include_closed:
            sql += " where offered = 1 and (closing_date is null or closing_date >= ?)"
            params.append((today or dt.date.today()).isoformat())
        for row in self.db.query(sql + " order by id", params):
            yield _opportunity_from_db(row)

    def count_opportunities(self) -> int:
        return self.db["opportunities"].count

    def opportunities_version(self) -> int:
        """Changes whenever opportunities change, so in-memory indexes know when to reload."""
        rows = list(self.db.query("select value from meta where key = 'opportunities_version'"))
        return int(rows[0]["value"]) if rows else 0

    def _existing_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.db.execute(f"select id from opportunities where id in ({marks})", chunk))
        return found

    def _bump_version(self) -> None:
        self.db.execute(
            "insert into meta (key, value) values ('opportunities_version', '1') "
            "on conflict(key) do update set value = cast(value as integer) + 1")

    # -- sources and their health -------------------------------------------------------

    def record_source_run(self, name: str, *, ok: bool, report: dict[str, Any], error: str | None = None,
                          error_kind: str | None = None, config: dict[str, Any] | None = None) -> None:
        """Keep a source's health: last success, consecutive failures, and the last error's kind."""
        now = utcnow()
        table = self.db["sources"]
        with self.db.atomic():
            previous = next(iter(self.db.query("select * from sources where name = ?", [name])), None)
            row: dict[str, Any] = {"name": name, "last_run_at": now, "last_report": json.dumps(report)}
            row.update({k: v for k, v in (config or {}).items() if k in ("url", "kind", "area", "postcode", "parser")})
            failures = (previous or {}).get("consecutive_failures") or 0
            if ok:
                row.update(last_success_at=now, consecutive_failures=0)
            else:
                row.update(consecutive_failures=failures + 1, last_error=error, last_error_kind=error_kind)
            table.upsert(row, pk="name", alter=False)

    def source_health(self) -> dict[str, dict[str, Any]]:
        return {row["name"]: row for row in self.db.query("select * from sources order by name")}

    # -- the scrapers' HTTP cache (conditional GET) -----------------------------------------

    def http_cache_get(self, url: str) -> dict[str, Any] | None:
        """The validators (etag, last_modified) and body last fetched from a URL, if any."""
        return next(iter(self.db.query("select * from http_cache where url = ?", [url])), None)

    def http_cache_put(self, url: str, *, etag: str | None, last_modified: str | None,
                       content_type: str, body: str) -> None:
        self.db["http_cache"].upsert({"url": url, "etag": etag, "last_modified": last_modified,
                                      "content_type": content_type, "body": body, "fetched_at": utcnow()},
                                     pk="url", alter=False)

    # -- residents --------------------------------------------------------------------------

    def get_resident(self, resident_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from residents where id = ?", [resident_id]))
        if not rows:
            return None
        row = rows[0]
        row["availability"] = json.loads(row["availability"] or "[]")
        row["state_data"] = json.loads(row["state_data"] or "{}")
        return row

    def save_resident(self, resident_id: int, **fields: Any) -> None:
        """Create or update a resident; only the given fields change."""
        unknown = set(fields) - set(SCHEMA["residents"][0])
        if unknown:
            raise ValueError(f"unknown resident fields: {sorted(unknown)}")
        now = utcnow()
        row: dict[str, Any] = {"id": resident_id, "updated_at": now, **fields}
        for name in ("availability", "state_data"):
            if name in row and not isinstance(row[name], str) and row[name] is not None:
                row[name] = json.dumps(row[name])
        with self.db.atomic():
            if not self.db.execute("select 1 from residents where id = ?", [resident_id]).fetchone():
                row.setdefault("created_at", now)
            self.db["residents"].upsert(row, pk="id", alter=False)

    def forget_resident(self, resident_id: int) -> None:
        """Delete everything stored about a resident, in one transaction."""
        with self.db.atomic():
            for table, column in (("hidden", "resident_id"), ("saved", "resident_id"),
                                  ("subscriptions", "resident_id"), ("deliveries", "resident_id"),
                                  ("residents", "id")):
                self.db.execute(f"delete from {table} where {column} = ?", [resident_id])

    def hide(self, resident_id: int, opportunity_id: str) -> None:
        self.db["hidden"].upsert({"resident_id": resident_id, "opportunity_id": opportunity_id},
                                 pk=("resident_id", "opportunity_id"))

    def hidden_ids(self, resident_id: int) -> set[str]:
        return {r[0] for r in self.db.execute("select opportunity_id from hidden where resident_id = ?", [resident_id])}

    def save_for_later(self, resident_id: int, opportunity_id: str) -> None:
        self.db["saved"].upsert({"resident_id": resident_id, "opportunity_id": opportunity_id, "saved_at": utcnow()},
                                pk=("resident_id", "opportunity_id"))

    def saved_ids(self, resident_id: int) -> list[str]:
        return [r[0] for r in self.db.execute(
            "select opportunity_id from saved where resident_id = ? order by saved_at", [resident_id])]

    def subscribe(self, resident_id: int, topic: str = "") -> None:
        """Subscribe to alerts; an empty topic means 'whatever my saved passions are'."""
        self.db["subscriptions"].upsert({"resident_id": resident_id, "topic": topic, "created_at": utcnow()},
                                        pk=("resident_id", "topic"))

    def unsubscribe(self, resident_id: int) -> int:
        return self.db.execute("delete from subscriptions where resident_id = ?", [resident_id]).rowcount

    def subscriptions(self, resident_id: int) -> list[str]:
        return [r[0] for r in self.db.execute(
            "select topic from subscriptions where resident_id = ? order by created_at", [resident_id])]


_UPSERT_SQL = f"""
insert into opportunities ({", ".join(_OPPORTUNITY_COLUMNS)})
values ({", ".join(":" + c for c in _OPPORTUNITY_COLUMNS)})
on conflict(id) do update set
{", ".join(f"{c} = excluded.{c}" for c in _OPPORTUNITY_COLUMNS if c not in ("id", "first_seen"))},
first_seen = coalesce(opportunities.first_seen, excluded.first_seen)
"""


def _opportunity_row(o: Opportunity, seen_at: str) -> dict[str, Any]:
    return {
        "id": o.id, "title": o.title, "organisation": o.organisation, "description": o.description,
        "url": o.url, "kind": o.kind, "postcode": o.postcode, "place": o.place, "remote": int(o.remote),
        "commitment": o.commitment, "min_age": o.min_age,
        "dbs_check": None if o.dbs_check is None else int(o.dbs_check),
        "closing_date": o.closing_date, "source": o.source, "lat": o.lat, "lon": o.lon,
        "causes": json.dumps(o.causes), "first_seen": o.first_seen or seen_at,
        "last_seen": seen_at, "offered": int(o.offered),
    }


def _opportunity_from_db(row: dict[str, Any]) -> Opportunity:
    data = dict(row)
    data["remote"] = bool(data["remote"])
    data["offered"] = bool(data["offered"])
    if data["dbs_check"] is not None:
        data["dbs_check"] = bool(data["dbs_check"])
    data["causes"] = json.loads(data["causes"] or "[]")
    data = {k: v for k, v in data.items() if k in _OPPORTUNITY_COLUMNS}
    for text in ("organisation", "description", "url", "place", "commitment", "source"):
        data[text] = data[text] or ""
    return Opportunity(**data)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing and add new columns; never drops or rewrites existing data."""
    with db.atomic():
        for name, (columns, pk, defaults) in SCHEMA.items():
            table = db[name]
            if not table.exists():
                table.create(columns, pk=pk, defaults=defaults, not_null={pk} if isinstance(pk, str) else set(pk))
                continue
            present = set(table.columns_dict)
            for column, col_type in columns.items():
                if column not in present:
                    table.add_column(column, col_type, not_null_default=defaults.get(column))
        for table_name, columns, *unique in INDEXES:
            db[table_name].create_index(columns, unique=bool(unique and unique[0]), if_not_exists=True)
    if not db["opportunities_fts"].exists():
        db["opportunities"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize="porter")
