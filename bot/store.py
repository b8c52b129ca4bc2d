"""The one store: schema, migrations and queries, shared by the scrapers, the bot and the CLI.

SQLite through sqlite-utils. The schema is (re)applied on every start and only ever adds what
is missing, so old databases are upgraded in place. The connection runs in autocommit mode and
every multi-statement write goes through `transaction()`, so a failure never leaves half a change.
Async callers use `Store.run`, which serialises a connection's work on one worker thread, so the
event loop never blocks on SQLite. Other processes write to the same file at the same time (the
bot's core process, a scrape), which WAL allows.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

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
        "sent_at": str, "claim": str, "claimed_at": float, "not_before": float, "message_id": int,
    }, "id", {"status": "pending", "attempts": 0}),
    "meta": ({"key": str, "value": str}, "key", {}),
}
INDEXES = [
    ("opportunities", ["source"]),
    ("opportunities", ["offered", "closing_date"]),
    ("deliveries", ["campaign", "resident_id"], True),
    ("deliveries", ["status"]),
    ("deliveries", ["chat_id", "status"]),
    ("deliveries", ["resident_id"]),
    ("deliveries", ["claim"]),
    ("subscriptions", ["topic"]),
]


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
        self.db.execute("PRAGMA secure_delete = ON")  # /forget overwrites what it deletes
        self.db.execute("PRAGMA synchronous = NORMAL")  # with WAL: safe after a crash, one fsync per checkpoint
        if path != ":memory:":
            self.db.enable_wal()
        ensure_schema(self.db)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction that takes the write lock before it reads (BEGIN IMMEDIATE); nested, a savepoint.

        Other processes write to the same database (the bot's core process, a scrape, the CLI). A
        transaction begun the default way reads a snapshot, and if another process commits before
        its first write, that write fails at once with "database is locked", without waiting.
        Taking the lock first makes it wait its turn instead (busy_timeout).
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking database work on the store's single worker thread."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _select(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts, read lazily, as db.query gives them.

        Not db.query itself: it wraps each statement in a savepoint in case it writes, three
        statements where a select needs one, and a resident's every turn reads through here.
        """
        cursor = self.db.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row)) for row in cursor)

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
        with self.transaction():
            existing = self._existing_ids([r["id"] for r in rows])
            self.db.conn.executemany(_UPSERT_SQL, rows)
            self._bump_version()
        new = [r["id"] for r in rows if r["id"] not in existing]
        return new, [r["id"] for r in rows if r["id"] in existing]

    def mark_not_offered(self, source: str, still_listed: Iterable[str], *, at: str | None = None) -> list[str]:
        """After a successful scrape: what the source no longer lists stays stored but is not offered."""
        keep = set(still_listed)
        at = at or utcnow()
        with self.transaction():
            gone = [row[0] for row in self.db.execute(
                "select id from opportunities where source = ? and offered = 1", [source]) if row[0] not in keep]
            self.db.conn.executemany(
                "update opportunities set offered = 0, last_seen = coalesce(last_seen, ?) where id = ?",
                [(at, i) for i in gone])
            if gone:
                self._bump_version()
        return gone

    def get_opportunity(self, opportunity_id: str) -> Opportunity | None:
        rows = list(self._select("select * from opportunities where id = ?", [opportunity_id]))
        return _opportunity_from_db(rows[0]) if rows else None

    def iter_opportunities(self, *, include_closed: bool = False, today: dt.date | None = None) -> Iterator[Opportunity]:
        """Every opportunity, by id; by default only those still offered and not past closing."""
        sql = "select * from opportunities"
        params: list[Any] = []
        if not include_closed:
            sql += " where offered = 1 and (closing_date is null or closing_date >= ?)"
            params.append((today or dt.date.today()).isoformat())
        for row in self._select(sql + " order by id", params):
            yield _opportunity_from_db(row)

    def count_opportunities(self) -> int:
        return self.db["opportunities"].count

    def opportunities_version(self) -> int:
        """Changes whenever opportunities change, so in-memory indexes know when to reload."""
        rows = list(self._select("select value from meta where key = 'opportunities_version'"))
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
        with self.transaction():
            previous = next(iter(self._select("select * from sources where name = ?", [name])), None)
            row: dict[str, Any] = {"name": name, "last_run_at": now, "last_report": json.dumps(report)}
            row.update({k: v for k, v in (config or {}).items() if k in ("url", "kind", "area", "postcode", "parser")})
            failures = (previous or {}).get("consecutive_failures") or 0
            if ok:
                row.update(last_success_at=now, consecutive_failures=0)
            else:
                row.update(consecutive_failures=failures + 1, last_error=error, last_error_kind=error_kind)
            table.upsert(row, pk="name", alter=False)

    def source_health(self) -> dict[str, dict[str, Any]]:
        return {row["name"]: row for row in self._select("select * from sources order by name")}

    def offered_count(self, source: str) -> int:
        """How many of a source's opportunities are offered now (a scrape finding none is suspect)."""
        return self.db.execute("select count(*) from opportunities where source = ? and offered = 1", [source]).fetchone()[0]

    # -- the scrapers' HTTP cache (conditional GET) -----------------------------------------

    def http_cache_get(self, url: str) -> dict[str, Any] | None:
        """The validators (etag, last_modified) and body last fetched from a URL, if any."""
        return next(iter(self._select("select * from http_cache where url = ?", [url])), None)

    def http_cache_put(self, url: str, *, etag: str | None, last_modified: str | None,
                       content_type: str, body: str) -> None:
        self.db["http_cache"].upsert({"url": url, "etag": etag, "last_modified": last_modified,
                                      "content_type": content_type, "body": body, "fetched_at": utcnow()},
                                     pk="url", alter=False)

    # -- residents --------------------------------------------------------------------------

    def get_resident(self, resident_id: int) -> dict[str, Any] | None:
        rows = list(self._select("select * from residents where id = ?", [resident_id]))
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
        row.setdefault("created_at", now)  # kept from the first save: the update below skips it
        columns = ", ".join(row)
        updates = ", ".join(f"{name} = excluded.{name}" for name in row if name not in ("id", "created_at"))
        self.db.execute(f"insert into residents ({columns}) values ({', '.join('?' * len(row))}) "
                        f"on conflict(id) do update set {updates}", list(row.values()))

    def set_active(self, resident_id: int, active: bool) -> bool:
        """Mark a stored resident (in)active; False for one not stored. One statement, so a
        resident forgotten by another process at the same moment is not stored again."""
        return self.db.execute("update residents set active = ?, updated_at = ? where id = ?",
                               [int(active), utcnow(), resident_id]).rowcount > 0

    def forget_resident(self, resident_id: int) -> None:
        """Delete everything stored about a resident, in one transaction."""
        with self.transaction():
            for table, column in (("hidden", "resident_id"), ("saved", "resident_id"),
                                  ("subscriptions", "resident_id"), ("deliveries", "resident_id"),
                                  ("residents", "id")):
                self.db.execute(f"delete from {table} where {column} = ?", [resident_id])
        if self.path != ":memory:":
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # old copies in the WAL get overwritten too

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

    # -- deliveries: the ledger of every message owed (driven by bot/delivery.py) -------------
    #
    # Rows move pending -> sending (claimed by one run: `claim` names it) -> sent | blocked |
    # failed | cancelled, or back to pending to retry after `not_before`. Every read-then-write
    # runs in a BEGIN IMMEDIATE transaction so two processes on one WAL database never both
    # claim a row. Times in claimed_at / not_before are Unix seconds.

    _OWED = ("pending", "sending", "sent")

    def _write(self, fn: Callable[[], T]) -> T:
        with self.transaction():
            return fn()

    def enqueue_deliveries(self, rows: Iterable[dict[str, Any]]) -> list[int]:
        """Add messages owed, idempotently; returns the resident ids that got a new row.

        Each row: campaign, resident_id, chat_id, payload (a dict whose "opportunities" lists the
        ids it carries). A row is skipped when its (campaign, resident) already exists, or when the
        resident is already owed or was sent any of its opportunities in another campaign.
        """
        rows = list(rows)
        now = utcnow()

        def insert() -> list[int]:
            owed = self.owed_opportunities([r["resident_id"] for r in rows])
            added = []
            for r in rows:
                carries = set(r["payload"].get("opportunities", []))
                if carries & owed.get(r["resident_id"], set()):
                    continue
                cursor = self.db.execute(
                    "insert or ignore into deliveries (campaign, resident_id, chat_id, payload, status, attempts,"
                    " created_at, updated_at) values (?, ?, ?, ?, 'pending', 0, ?, ?)",
                    [r["campaign"], r["resident_id"], r["chat_id"], json.dumps(r["payload"]), now, now])
                if cursor.rowcount:
                    added.append(r["resident_id"])
                    owed.setdefault(r["resident_id"], set()).update(carries)
            return added

        return self._write(insert)

    def owed_opportunities(self, resident_ids: Iterable[int]) -> dict[int, set[str]]:
        """Opportunity ids each resident has been sent, or is about to be sent, in any campaign."""
        ids = list(dict.fromkeys(resident_ids))
        owed: dict[int, set[str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            sql = ("select d.resident_id, j.value from deliveries d, json_each(d.payload, '$.opportunities') j "
                   f"where d.resident_id in ({','.join('?' * len(chunk))}) and d.status in (?, ?, ?)")
            for resident_id, opportunity_id in self.db.execute(sql, [*chunk, *self._OWED]):
                owed.setdefault(resident_id, set()).add(opportunity_id)
        return owed

    def claim_deliveries(self, owner: str, campaign: str, *, prefix: bool = False, limit: int = 10,
                         now: float, chat_gap: float = 1.0) -> list[dict[str, Any]]:
        """Atomically mark up to `limit` due pending rows as sending by `owner`, oldest first.

        At most one row per chat; skips chats another row is being sent to right now, or that any
        run tried to message less than `chat_gap` seconds ago (a crashed run's last try included),
        so no two runs message one chat at once.
        """
        scope, params = self._campaign_scope("d.campaign", campaign, prefix)
        candidates = f"""select d.id, d.chat_id from deliveries d where d.status = 'pending' and {scope}
            and coalesce(d.not_before, 0) <= ?
            and not exists (select 1 from deliveries o where o.chat_id = d.chat_id and o.status = 'sending')
            and not exists (select 1 from deliveries o where o.chat_id = d.chat_id and o.claimed_at > ?)
            order by d.id limit ?"""

        def claim() -> list[dict[str, Any]]:
            chosen: dict[int, int] = {}  # chat -> row: one row per chat in a batch
            for row_id, chat_id in self.db.execute(candidates, [*params, now, now - chat_gap, limit * 4]):
                if chat_id not in chosen and len(chosen) < limit:
                    chosen[chat_id] = row_id
            if not chosen:
                return []
            ids = list(chosen.values())
            cursor = self.db.execute(
                "update deliveries set status = 'sending', claim = ?, claimed_at = ?, updated_at = ? "
                f"where status = 'pending' and id in ({','.join('?' * len(ids))}) returning *",
                [owner, now, utcnow(), *ids])
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

        claimed = self._write(claim)
        for row in claimed:
            row["payload"] = json.loads(row["payload"] or "{}")
        return sorted(claimed, key=lambda r: r["id"])

    def finish_delivery(self, delivery_id: int, owner: str, status: str, *, error: str | None = None,
                        message_id: int | None = None, attempted: bool = True) -> bool:
        """Record a claimed row's final outcome; 'blocked' also marks the resident inactive.

        Returns False when the row is no longer this owner's claim (nothing is changed then).
        """
        if status not in ("sent", "blocked", "failed", "cancelled"):
            raise ValueError(f"not a final delivery status: {status!r}")
        sent_at = utcnow() if status == "sent" else None

        def finish() -> bool:
            changed = self.db.execute(
                "update deliveries set status = ?, last_error = ?, message_id = ?, sent_at = ?, claim = null,"
                " attempts = attempts + ?, updated_at = ? where id = ? and claim = ? and status = 'sending'",
                [status, error, message_id, sent_at, int(attempted), utcnow(), delivery_id, owner]).rowcount
            if changed and status == "blocked":
                self.db.execute("update residents set active = 0, updated_at = ? where id = "
                                "(select resident_id from deliveries where id = ?)", [utcnow(), delivery_id])
            return bool(changed)

        return self._write(finish)

    def retry_delivery(self, delivery_id: int, owner: str, *, not_before: float, error: str | None = None,
                       attempted: bool = True) -> bool:
        """Put a claimed row back to pending, not to be tried before `not_before`."""
        return bool(self._write(lambda: self.db.execute(
            "update deliveries set status = 'pending', claim = null, not_before = ?, last_error = coalesce(?, last_error),"
            " attempts = attempts + ?, updated_at = ? where id = ? and claim = ? and status = 'sending'",
            [not_before, error, int(attempted), utcnow(), delivery_id, owner]).rowcount))

    def release_deliveries(self, owner: str, ids: Iterable[int] | None = None, *, not_before: float | None = None) -> int:
        """Give back claimed rows (all of the owner's when ids is None) unsent, as pending."""
        chosen = None if ids is None else list(ids)
        sql = ("update deliveries set status = 'pending', claim = null, not_before = coalesce(?, not_before),"
               " updated_at = ? where claim = ? and status = 'sending'")
        args: list[Any] = [not_before, utcnow(), owner]
        if chosen is not None:
            if not chosen:
                return 0
            sql += f" and id in ({','.join('?' * len(chosen))})"
            args += chosen
        return self._write(lambda: self.db.execute(sql, args).rowcount)

    def requeue_stale_claims(self, is_dead: Callable[[str], bool], *, claimed_before: float,
                             retry_at: float = 0.0) -> int:
        """Rows left 'sending' by a run that died (or claimed before `claimed_before`) go back to pending.

        Such a row may or may not have reached the resident (last_error says so), perhaps just now:
        it is not tried again before `retry_at`, so its chat is not messaged twice in a second.
        """

        def requeue() -> int:
            owners = [r[0] for r in self.db.execute(
                "select distinct claim from deliveries where status = 'sending'")]
            dead = [o for o in owners if o is None or is_dead(o)]
            marks = ",".join("?" * len(dead))
            where = f"(claim in ({marks}) or claim is null or claimed_at < ?)" if dead else "(claim is null or claimed_at < ?)"
            return self.db.execute(
                "update deliveries set status = 'pending', claim = null, updated_at = ?,"
                " not_before = max(coalesce(not_before, 0), ?),"
                " last_error = 'interrupted while sending: it may have been delivered once already'"
                f" where status = 'sending' and {where}",
                [utcnow(), retry_at, *dead, claimed_before]).rowcount

        return self._write(requeue)

    def delivery_counts(self, campaign: str, *, prefix: bool = False) -> dict[str, int]:
        """How many rows of the campaign (or campaigns starting with it) are in each status."""
        scope, params = self._campaign_scope("campaign", campaign, prefix)
        return {status: n for status, n in self.db.execute(
            f"select status, count(*) from deliveries where {scope} group by status", params)}

    def next_pending_at(self, campaign: str, *, prefix: bool = False) -> float | None:
        """When the earliest pending row may be tried (0 when one is due now); None when none is pending."""
        scope, params = self._campaign_scope("campaign", campaign, prefix)
        row = self.db.execute(f"select min(coalesce(not_before, 0)), count(*) from deliveries "
                              f"where status = 'pending' and {scope}", params).fetchone()
        return float(row[0]) if row[1] else None

    def list_deliveries(self, campaign: str, *, prefix: bool = False) -> list[dict[str, Any]]:
        """Every row of the campaign(s), oldest first, payload decoded."""
        scope, params = self._campaign_scope("campaign", campaign, prefix)
        rows = list(self._select(f"select * from deliveries where {scope} order by id", params))
        for row in rows:
            row["payload"] = json.loads(row["payload"] or "{}")
        return rows

    def campaigns_of(self, resident_id: int, prefix: str) -> list[str]:
        """The resident's campaigns that start with prefix (e.g. today's digests)."""
        scope, params = self._campaign_scope("campaign", prefix, True)
        return [r[0] for r in self.db.execute(
            f"select campaign from deliveries where resident_id = ? and {scope} order by id", [resident_id, *params])]

    def alert_subscribers(self) -> list[dict[str, Any]]:
        """Active residents with a chat and at least one subscription, with their topics."""
        rows = self._select(
            "select r.id, r.chat_id, r.passions, r.skills, r.postcode, r.availability, r.state_data, "
            "json_group_array(s.topic) as topics from residents r join subscriptions s on s.resident_id = r.id "
            "where coalesce(r.active, 1) = 1 and r.chat_id is not null group by r.id order by r.id")
        out = []
        for row in rows:
            row["topics"] = json.loads(row["topics"])
            row["availability"] = json.loads(row["availability"] or "[]")
            row["state_data"] = json.loads(row["state_data"] or "{}")
            out.append(row)
        return out

    def hidden_by(self, opportunity_ids: Iterable[str]) -> dict[str, set[int]]:
        """For each opportunity, the residents who said 'not for me' to it."""
        ids = list(opportunity_ids)
        out: dict[str, set[int]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for resident_id, opportunity_id in self.db.execute(
                    f"select resident_id, opportunity_id from hidden where opportunity_id in ({','.join('?' * len(chunk))})",
                    chunk):
                out.setdefault(opportunity_id, set()).add(resident_id)
        return out

    def still_subscribed(self, resident_id: int) -> tuple[bool, bool] | None:
        """(active, subscribed) for one resident, read fresh just before each send; None if forgotten."""
        row = self.db.execute(
            "select coalesce(r.active, 1), exists(select 1 from subscriptions s where s.resident_id = r.id) "
            "from residents r where r.id = ?", [resident_id]).fetchone()
        return (bool(row[0]), bool(row[1])) if row else None

    @staticmethod
    def _campaign_scope(column: str, campaign: str, prefix: bool) -> tuple[str, list[str]]:
        """SQL for one campaign, or every campaign starting with it (a range, so ids with % or _ are safe)."""
        if not prefix:
            return f"{column} = ?", [campaign]
        return f"({column} >= ? and {column} < ?)", [campaign, campaign + "\U0010ffff"]


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
    _drop_unused_fts(db)


def _drop_unused_fts(db: sqlite_utils.Database) -> None:
    """Early databases kept an FTS5 index that no query used; its triggers cost most of an
    import's time (11 s of 14 s per 100,000 rows), so it goes. Matching indexes in memory."""
    with db.atomic():
        for suffix in ("ai", "ad", "au"):
            db.execute(f"drop trigger if exists opportunities_{suffix}")
        db.execute("drop table if exists opportunities_fts")
