"""Running scrapes against loopback sites: what is stored, what a failure leaves alone, the
report, the health record, the lock, and the `scrape` and `sources` commands."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store
from scrapers.http import Fetcher
from scrapers.lock import ScrapeAlreadyRunning, scrape_lock
from scrapers.parsers.base import Record
from scrapers.run import UnknownSource, run_scrape
from scrapers.save import to_opportunities
from scrapers.sources import Source
from sitesrv import bindable, page, redirect, serve, site_app, slow

HOST = "127.0.0.2"
OTHER = "127.0.0.3"
TODAY = dt.date(2026, 11, 22)
pytestmark = pytest.mark.skipif(not bindable(OTHER), reason="needs loopback addresses beyond 127.0.0.1")


def hub(*roles: str) -> str:
    items = "".join(f'<li><h3><a href="/roles/{r}">{r.replace("-", " ").title()} Volunteer</a></h3>'
                    f"<p>Help us one morning a week. Aged 16 or over.</p></li>" for r in roles)
    return f"<html><head><title>Volunteer | Millbrook Trust</title></head><body><main><h1>Volunteer with Millbrook Trust</h1><ul>{items}</ul></main></body></html>"


def role(name: str, extra: str = "") -> str:
    return (f"<html><body><main><h1>{name.replace('-', ' ').title()} Volunteer</h1><p>One morning a week, 9am to 12pm.</p>"
            f"<p>You must be 16 or over.</p>{extra}</main></body></html>")


def fetcher_factory():
    return lambda: Fetcher(delay=0.01, timeout=2.0, retries=0, backoff=0.01)


def routes(*names: str, extra: dict | None = None) -> dict:
    table = {"/volunteer": page(hub(*names))}
    table.update({f"/roles/{n}": page(role(n)) for n in names})
    table.update(extra or {})
    return table


async def scrape(store: Store, sources: list[Source], **kw):
    return await run_scrape(store, sources, fetcher_factory=fetcher_factory(), today=TODAY, **kw)


def offered_titles(store: Store) -> list[str]:
    return sorted(o.title for o in store.iter_opportunities(today=TODAY))


async def test_a_scrape_stores_what_the_site_offers_with_the_sources_defaults(store: Store):
    async with serve(site_app(routes=routes("garden", "shop")), HOST) as site:
        source = Source(name="millbrook", url=site.url("/volunteer"), kind="voluntary", area="Millbrook", postcode="MB1 2AB")
        report = await scrape(store, [source])
    assert report.ok and report.sources[0].found == 2 and report.sources[0].new == 2
    assert offered_titles(store) == ["Garden Volunteer", "Shop Volunteer"]
    garden = next(o for o in store.iter_opportunities(today=TODAY) if o.title == "Garden Volunteer")
    assert (garden.source, garden.postcode, garden.place, garden.min_age) == ("millbrook", "MB1 2AB", "Millbrook", 16)
    assert garden.organisation == "Millbrook Trust" and garden.url == site.url("/roles/garden")


async def test_the_same_role_keeps_its_id_from_run_to_run(store: Store):
    async with serve(site_app(routes=routes("garden")), HOST) as site:
        source = Source(name="millbrook", url=site.url("/volunteer"))
        await scrape(store, [source])
        first = [o.id for o in store.iter_opportunities(today=TODAY)]
        report = await scrape(store, [source])
    assert [o.id for o in store.iter_opportunities(today=TODAY)] == first
    assert (report.sources[0].new, report.sources[0].updated) == (0, 1)


async def test_a_role_the_site_no_longer_lists_is_kept_but_not_offered(store: Store):
    source = None
    async with serve(site_app(routes=routes("garden", "shop")), HOST) as site:
        source = Source(name="millbrook", url=site.url("/volunteer"))
        await scrape(store, [source])
    async with serve(site_app(routes=routes("garden")), HOST, port=site.port) as site:
        report = await scrape(store, [source])
    assert report.sources[0].gone == 1
    assert offered_titles(store) == ["Garden Volunteer"]
    assert sorted(o.title for o in store.iter_opportunities(include_closed=True)) == ["Garden Volunteer", "Shop Volunteer"]


async def test_a_failed_run_changes_nothing_stored_and_is_recorded_in_the_health(store: Store):
    async with serve(site_app(routes=routes("garden")), HOST) as site:
        source = Source(name="millbrook", url=site.url("/volunteer"))
        await scrape(store, [source])
    async with serve(site_app(routes={"/volunteer": page("down", status=500)}), HOST, port=site.port):
        report = await scrape(store, [source])
    assert not report.ok and report.sources[0].error_kind == "http-5xx"
    assert offered_titles(store) == ["Garden Volunteer"]
    health = store.source_health()["millbrook"]
    assert health["consecutive_failures"] == 1 and health["last_error_kind"] == "http-5xx" and health["last_success_at"]


async def test_a_run_that_suddenly_finds_nothing_is_a_failure_and_keeps_what_was_stored(store: Store):
    async with serve(site_app(routes=routes("garden")), HOST) as site:
        source = Source(name="millbrook", url=site.url("/volunteer"))
        await scrape(store, [source])
    async with serve(site_app(routes={"/volunteer": page("<html><body><p>Under maintenance</p></body></html>")}), HOST, port=site.port):
        report = await scrape(store, [source])
    assert report.sources[0].error_kind == "empty"
    assert offered_titles(store) == ["Garden Volunteer"]


async def test_an_incomplete_run_does_not_mark_roles_gone(store: Store):
    async with serve(site_app(routes=routes("garden", "shop")), HOST) as site:
        source = Source(name="millbrook", url=site.url("/volunteer"))
        await scrape(store, [source])
    flaky = routes("garden", extra={"/roles/garden": page("oops", status=503)})
    async with serve(site_app(routes=flaky), HOST, port=site.port):
        report = await scrape(store, [source])
    assert report.ok and report.sources[0].gone == 0 and [e.kind for e in report.sources[0].errors] == ["http-5xx"]
    assert offered_titles(store) == ["Garden Volunteer", "Shop Volunteer"]


async def test_a_closed_role_is_stored_but_not_offered(store: Store):
    closed = {"/roles/shop": page(role("shop", "<p><strong>Recruitment is currently closed.</strong></p>"))}
    async with serve(site_app(routes=routes("garden", "shop", extra=closed)), HOST) as site:
        report = await scrape(store, [Source(name="millbrook", url=site.url("/volunteer"))])
    assert report.sources[0].closed == 1
    assert offered_titles(store) == ["Garden Volunteer"]


async def test_sources_run_at_once_and_one_failing_does_not_stop_the_others(store: Store):
    bad = site_app(routes={"/volunteer": redirect("/volunteer")})
    async with serve(site_app(routes=routes("garden")), HOST) as good_site, serve(bad, OTHER) as bad_site:
        report = await scrape(store, [Source(name="loop", url=bad_site.url("/volunteer")),
                                      Source(name="millbrook", url=good_site.url("/volunteer"))])
    by_name = {s.name: s for s in report.sources}
    assert by_name["loop"].error_kind == "redirects" and by_name["millbrook"].ok
    assert offered_titles(store) == ["Garden Volunteer"]


@pytest.mark.parametrize("answer, kind", [
    (page(b"%PDF-1.4 binary", content_type="application/pdf"), "content-type"),
    (page("<html>" + "x" * 3_000_000 + "</html>"), "too-large"),
])
async def test_an_entry_page_that_is_no_web_page_is_reported_with_its_kind(store: Store, answer, kind):
    async with serve(site_app(routes={"/volunteer": answer}), HOST) as site:
        source = Source(name="odd", url=site.url("/volunteer"))
        report = await run_scrape(store, [source], today=TODAY,
                                  fetcher_factory=lambda: Fetcher(delay=0.01, retries=0, max_bytes=1_000_000))
    assert report.sources[0].error_kind == kind


async def test_a_page_that_never_answers_is_a_timeout_and_the_rest_of_the_site_is_still_read(store: Store):
    hanging = routes("garden", "shop", extra={"/roles/shop": slow(5, page(role("shop")))})
    async with serve(site_app(routes=hanging), HOST) as site:
        report = await run_scrape(store, [Source(name="millbrook", url=site.url("/volunteer"))], today=TODAY,
                                  fetcher_factory=lambda: Fetcher(delay=0.01, timeout=0.3, retries=0))
    assert report.ok and [e.kind for e in report.sources[0].errors] == ["timeout"]
    assert offered_titles(store) == ["Garden Volunteer", "Shop Volunteer"]


async def test_a_page_in_windows_1252_that_claims_utf_8_is_still_read(store: Store):
    body = ('<html><head><meta charset="utf-8"></head><body><main><h1>Caf\xe9 volunteer</h1>'
            '<p>Serve tea at our caf\xe9 \x96 aged 16 or over, one morning a week.</p></main></body></html>').encode("latin-1")
    async with serve(site_app(routes={"/volunteer": page(body, content_type="text/html")}), HOST) as site:
        await scrape(store, [Source(name="cafe", url=site.url("/volunteer"))])
    assert offered_titles(store) == ["Café volunteer"]


async def test_only_the_named_sources_run(store: Store):
    async with serve(site_app(routes=routes("garden")), HOST) as site:
        sources = [Source(name="a", url=site.url("/volunteer")), Source(name="b", url=site.url("/volunteer"))]
        report = await scrape(store, sources, names=["b"])
    assert [s.name for s in report.sources] == ["b"]


async def test_an_unknown_source_name_is_refused(store: Store):
    with pytest.raises(UnknownSource):
        await scrape(store, [Source(name="a", url="http://127.0.0.2:9/")], names=["nope"])


async def test_a_second_scrape_of_the_same_database_is_refused_while_one_runs(tmp_path: Path):
    db = tmp_path / "gi.db"
    store = Store(db)
    try:
        with scrape_lock(db):
            with pytest.raises(ScrapeAlreadyRunning, match="already running"):
                await scrape(store, [Source(name="a", url="http://127.0.0.2:9/")])
    finally:
        store.close()


def test_a_record_the_validator_refuses_is_reported_not_stored():
    records = [Record(title="x" * 400, url="https://a.example/"), Record(title="Fine", url="https://a.example/b")]
    opps, invalid = to_opportunities(records, Source(name="s", url="https://a.example/"))
    assert [o.title for o in opps] == ["Fine"] and "title" in invalid[0]


# -- the commands -----------------------------------------------------------------------------------------

def write_sources(path: Path, site_url: str, extra: str = "") -> Path:
    path.write_text(f'[[source]]\nname = "millbrook"\nurl = "{site_url}"\nkind = "voluntary"\narea = "Millbrook"\n' + extra)
    return path


async def run_cli(args: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(main, args)


async def test_the_scrape_command_prints_a_json_report_and_the_sources_command_the_health(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("scrapers.run._default_fetcher", lambda store: Fetcher(store=store, delay=0.01, retries=0))
    db = tmp_path / "gi.db"
    async with serve(site_app(routes=routes("garden")), HOST) as site:
        sources = write_sources(tmp_path / "sources.toml", site.url("/volunteer"))
        status = await run_cli(["scrape", "--sources", str(sources), "--json", "--db", str(db)])
    report = json.loads(capsys.readouterr().out)
    assert status == 0 and report["ok"] and report["sources"][0]["found"] == 1 and report["totals"]["new"] == 1
    status = await run_cli(["sources", "--sources", str(sources), "--json", "--db", str(db)])
    health = json.loads(capsys.readouterr().out)["sources"][0]
    assert status == 0 and health["name"] == "millbrook" and health["last_success"] and health["consecutive_failures"] == 0


async def test_the_scrape_command_exits_1_and_says_why_when_a_source_fails_or_is_skipped(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("scrapers.run._default_fetcher", lambda store: Fetcher(store=store, delay=0.01, retries=0))
    async with serve(site_app(routes={"/volunteer": page("gone", status=404)}), HOST) as site:
        sources = write_sources(tmp_path / "s.toml", site.url("/volunteer"), '[[source]]\nname = "broken"\nkind = "council"\n')
        status = await run_cli(["scrape", "--sources", str(sources), "--db", str(tmp_path / "gi.db")])
    out = capsys.readouterr().out
    assert status == 1
    assert "FAILED (http-404)" in out and "source 'broken' skipped: it has no url" in out


def test_the_scrape_command_reports_an_unreadable_sources_file_in_one_sentence(tmp_path, capsys):
    bad = tmp_path / "s.toml"
    bad.write_text("[[source\n")
    assert main(["scrape", "--sources", str(bad), "--db", str(tmp_path / "gi.db")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("getinvolved: The sources file") and "Traceback" not in err


def test_the_scrape_command_refuses_an_unknown_source_name(tmp_path, capsys):
    sources = write_sources(tmp_path / "s.toml", "http://127.0.0.2:9/")
    assert main(["scrape", "--sources", str(sources), "--source", "nope", "--db", str(tmp_path / "gi.db")]) == 1
    assert "No source called 'nope'" in capsys.readouterr().err


def test_the_sources_listed_come_from_GETINVOLVED_SOURCES_when_no_file_is_given(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GETINVOLVED_SOURCES", str(write_sources(tmp_path / "s.toml", "http://127.0.0.2:9/")))
    assert main(["sources", "--json", "--db", str(tmp_path / "gi.db")]) == 0
    assert "millbrook" in capsys.readouterr().out
