import sqlite3
import threading
from pathlib import Path

import pytest

from bot.catalogue import add_opportunities
from bot.models import opportunity_from_row
from bot.store import Store


def opp(id: str, **fields):
    return opportunity_from_row({"id": id, "title": fields.pop("title", id), **fields})


def test_upsert_reports_new_and_updated_and_keeps_first_seen(store):
    assert store.upsert_opportunities([opp("a")], seen_at="2026-01-01T00:00:00+00:00") == (["a"], [])
    assert store.upsert_opportunities([opp("a", title="A2")], seen_at="2026-02-01T00:00:00+00:00") == ([], ["a"])
    stored = store.get_opportunity("a")
    assert (stored.title, stored.first_seen, stored.last_seen) == ("A2", "2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00")


def test_what_a_source_no_longer_lists_is_kept_but_not_offered(store):
    store.upsert_opportunities([opp("a", source="s"), opp("b", source="s"), opp("c", source="other")])
    assert store.mark_not_offered("s", ["a"]) == ["b"]
    assert store.get_opportunity("b").offered is False
    assert [o.id for o in store.iter_opportunities()] == ["a", "c"]


def test_seeing_an_opportunity_again_offers_it_again(store):
    store.upsert_opportunities([opp("a", source="s")])
    store.mark_not_offered("s", [])
    store.upsert_opportunities([opp("a", source="s")])
    assert store.get_opportunity("a").offered is True


def test_closed_opportunities_are_not_current(store):
    import datetime as dt
    store.upsert_opportunities([opp("old", closing_date="2026-01-01"), opp("new", closing_date="2099-01-01")])
    assert [o.id for o in store.iter_opportunities(today=dt.date(2026, 6, 1))] == ["new"]


def test_a_failed_batch_writes_nothing(store):
    good, bad = opp("good"), opp("bad")
    bad.id = None
    with pytest.raises(sqlite3.IntegrityError):
        store.upsert_opportunities([good, bad])
    assert store.count_opportunities() == 0


def test_version_changes_with_every_write(store):
    before = store.opportunities_version()
    store.upsert_opportunities([opp("a")])
    assert store.opportunities_version() > before


def test_catalogue_adds_coordinates_from_the_postcode(store):
    add_opportunities(store, [opp("a", postcode="NG1 5AW")])
    stored = store.get_opportunity("a")
    assert stored.lat == pytest.approx(52.95, abs=0.02)


def test_schema_is_upgraded_in_place_without_losing_rows(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("create table opportunities (id text primary key, title text)")
    conn.execute("insert into opportunities values ('kept', 'Kept title')")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.get_opportunity("kept").title == "Kept title"
    assert "causes" in store.db["opportunities"].columns_dict
    store.close()


def test_reopening_a_database_keeps_everything(tmp_path):
    path = tmp_path / "x.db"
    s = Store(path)
    s.upsert_opportunities([opp("a")])
    s.save_resident(7, passions="parks")
    s.close()
    s = Store(path)
    assert (s.count_opportunities(), s.get_resident(7)["passions"]) == (1, "parks")
    s.close()


def test_forget_removes_every_trace_of_a_resident(store):
    store.upsert_opportunities([opp("a")])
    store.save_resident(7, passions="parks", postcode="NG7", availability=["weekends"])
    store.hide(7, "a")
    store.save_for_later(7, "a")
    store.subscribe(7, "parks")
    store.forget_resident(7)
    assert store.get_resident(7) is None
    for table in ("hidden", "saved", "subscriptions", "deliveries", "residents"):
        column = "id" if table == "residents" else "resident_id"
        assert store.db[table].count_where(f"{column} = 7") == 0


def test_forgotten_words_do_not_linger_in_the_database_files(tmp_path):
    path = tmp_path / "g.db"
    s = Store(path)
    s.save_resident(7, passions="zebra-crossing-campaigns-xyzzy", postcode="NG7")
    s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.forget_resident(7)
    s.close()
    leftovers = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"xyzzy" not in leftovers


async def test_async_callers_run_on_the_store_thread(store):
    import threading
    names = await store.run(lambda: threading.current_thread().name)
    assert names.startswith("store")


def test_a_transaction_that_read_first_still_writes_when_another_process_writes_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    mine, theirs = Store(path), Store(path)  # two connections, as the bot and its core process have
    theirs_done = threading.Event()

    def their_write() -> None:
        theirs.save_resident(2, passions="chess")
        theirs_done.set()

    with mine.transaction():
        mine.get_resident(1)
        other = threading.Thread(target=their_write)
        other.start()
        assert not theirs_done.wait(0.3)  # they wait for our write lock...
        mine.save_resident(1, passions="gardening")  # ...so our read cannot have gone stale
    other.join(10)

    assert [mine.get_resident(r)["passions"] for r in (1, 2)] == ["gardening", "chess"]
    mine.close()
    theirs.close()


def test_marking_a_resident_inactive_never_stores_someone_unknown(store: Store) -> None:
    store.save_resident(1, passions="parks")

    assert store.set_active(1, False) is True
    assert store.set_active(2, False) is False  # forgotten (or never stored): stays that way
    assert store.get_resident(1)["active"] == 0 and store.get_resident(2) is None
