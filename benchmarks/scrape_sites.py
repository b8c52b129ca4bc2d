"""Scrape the development websites and measure what was found and how politely.

Usage: .venv/bin/python benchmarks/scrape_sites.py [--sites DIR] [--delay S] [--keep DB]

Each site folder in DIR (default benchmarks/sites, a copy of ../shared/eval/sites) is served on
its own loopback address (127.0.0.2, 127.0.0.3, ...) at /<site>/, with the folder's robots.txt on
every host. A sources file pointing at each site's entry page is written, and the real command
runs: `getinvolved scrape --sources FILE --json` on a fresh database, with the default delay.

Printed: precision, recall and F1 of the titles found against DIR/expected.json; minimum age
and open/closed accuracy over the matched opportunities; requests per host; robots.txt-disallowed
pages fetched (target 0); most requests in flight at once per host (target <= 1); total time
against the politeness bound, the busiest host's requests x delay (target <= 1.25x).

Titles match when equal after normalising case, accents, punctuation, plurals and little words
(a, an, the, our, of, and, ...), allowing one extra or missing word ("Community Speedwatch" for
"Community Speedwatch volunteer"); a title with the site's name or a date left on it is a miss.
Exit status 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import mimetypes
import os
import re
import sys
import tempfile
import time
import unicodedata
import urllib.robotparser
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
TARGETS = {"f1": 0.90, "robots": 0, "in_flight": 1, "time_ratio": 1.25}
_STOP = {"a", "an", "the", "our", "your", "of", "and", "for", "to", "in", "on", "at", "with", "by", "as", "or", "&"}
_TYPES = {".html": "text/html", ".htm": "text/html", ".xml": "application/rss+xml", ".css": "text/css",
          ".js": "application/javascript", ".svg": "image/svg+xml", ".pdf": "application/pdf", ".gif": "image/gif"}


# -- serving the sites ------------------------------------------------------------------------------

@dataclass
class HostLog:
    requests: list[tuple[float, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0


def make_app(site_dir: Path, robots: Path, log: HostLog) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        log.in_flight += 1
        log.max_in_flight = max(log.max_in_flight, log.in_flight)
        log.requests.append((time.monotonic(), request.path_qs))
        try:
            await asyncio.sleep(0.005)
            return _response(request.path, site_dir, robots, request.query_string)
        finally:
            log.in_flight -= 1

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    return app


def _response(path: str, site_dir: Path, robots: Path, query: str = "") -> web.StreamResponse:
    """The file for the path; with a query string, the copy saved as `name@query` if there is one (as wget
    mirrors it), else the file itself, as servers ignore queries they do not use."""
    if path == "/robots.txt":
        return web.Response(body=robots.read_bytes(), content_type="text/plain")
    prefix = f"/{site_dir.name}/"
    if not (path + "/").startswith(prefix) and path != prefix.rstrip("/"):
        return web.Response(status=404, text="not found")
    target = (site_dir / path[len(prefix):]).resolve() if path.startswith(prefix) else site_dir
    if not str(target).startswith(str(site_dir.resolve())):
        return web.Response(status=404, text="not found")
    if target.is_dir():
        target = next((target / n for n in ("index.html", "index.xml") if (target / n).is_file()), target)
    if not target.is_file():
        return web.Response(status=404, text="not found")
    ctype = _TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    saved = target.with_name(f"{target.name}@{query}")
    body = saved.read_bytes() if query and saved.is_file() else target.read_bytes()  # else the query is ignored
    return web.Response(body=body, headers={"Content-Type": ctype})


async def serve(sites: list[Path], robots: Path) -> tuple[list[web.AppRunner], dict[str, HostLog], dict[str, str]]:
    runners, logs, bases = [], {}, {}
    port = 0
    for i, site in enumerate(sites):
        host = f"127.0.0.{i + 2}"
        logs[host] = HostLog()
        runner = web.AppRunner(make_app(site, robots, logs[host]), access_log=None)
        await runner.setup()
        tcp = web.TCPSite(runner, host, port)
        await tcp.start()
        if port == 0:
            port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        runners.append(runner)
        bases[site.name] = f"http://{host}:{port}"
    return runners, logs, bases


# -- running the real command -------------------------------------------------------------------------

def sources_toml(expected: dict[str, Any], bases: dict[str, str]) -> str:
    """A sources file for the sites; each lives under /<site>/ on its host, so that path is its scope."""
    kinds = {"council", "police", "nhs", "voluntary", "other"}
    out = []
    for s in expected["sites"]:
        base = bases[s["site"]]
        out.append("\n".join([
            "[[source]]", f'name = "{s["site"]}"', f'url = "{base}{s["entry"]}"',
            f'kind = "{s["kind"] if s["kind"] in kinds else "other"}"', f'area = {json.dumps(s["area"])}',
            f'postcode = "{s["postcode"]}"' if s.get("postcode") else "", f'scope = "{base}/{s["site"]}/"', ""]))
    return "\n".join(out)


async def run_scrape_command(sources_file: Path, db: Path) -> tuple[dict[str, Any], float, int]:
    cmd = [str(ROOT / ".venv/bin/getinvolved"), "scrape", "--sources", str(sources_file), "--json", "--db", str(db)]
    if not Path(cmd[0]).exists():
        cmd = [sys.executable, "-m", "bot.cli", *cmd[1:]]
    start = time.monotonic()
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    out, err = await proc.communicate()
    seconds = time.monotonic() - start
    try:
        report = json.loads(out.decode())
    except ValueError:
        print(err.decode()[-3000:], file=sys.stderr)
        raise SystemExit("the scrape command did not print a JSON report")
    return report, seconds, proc.returncode or 0


# -- scoring --------------------------------------------------------------------------------------------

def tokens(title: str) -> frozenset[str]:
    t = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower().replace("'", "")
    return frozenset(_singular(w) for w in re.findall(r"[a-z0-9]+", t) if w not in _STOP)


def _singular(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def same_title(expected: str, found: str) -> bool:
    a, b = tokens(expected), tokens(found)
    if a == b:
        return True
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return len(small) >= 2 and small <= big and len(big - small) == 1


def is_open(opp: dict[str, Any], today: dt.date) -> bool:
    return bool(opp["offered"]) and (not opp["closing_date"] or opp["closing_date"] >= today.isoformat())


def score(expected: dict[str, Any], found: dict[str, list[dict[str, Any]]], today: dt.date) -> dict[str, Any]:
    tp = fp = fn = age_right = open_right = 0
    misses: list[str] = []
    extras: list[str] = []
    for site in expected["sites"]:
        pool = list(found.get(site["site"], []))
        for exp in site["opportunities"]:
            match = next((o for o in pool if same_title(exp["title"], o["title"])), None)
            if match is None:
                fn += 1
                misses.append(f"{site['site']}: {exp['title']}")
                continue
            pool.remove(match)
            tp += 1
            age_right += match["min_age"] == exp["min_age"]
            open_right += is_open(match, today) == exp["open"]
        fp += len(pool)
        extras += [f"{site['site']}: {o['title']}" for o in pool]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1,
            "min_age_accuracy": age_right / tp if tp else 0.0, "open_accuracy": open_right / tp if tp else 0.0,
            "missed": misses, "extra": extras}


def stored(db: Path) -> dict[str, list[dict[str, Any]]]:
    sys.path.insert(0, str(ROOT))
    from bot.store import Store

    store = Store(db)
    try:
        by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in store.db.query("select title, source, min_age, closing_date, offered from opportunities"):
            by_source[row["source"]].append(row)
        return by_source
    finally:
        store.close()


def robots_violations(logs: dict[str, HostLog], robots: Path) -> list[str]:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(robots.read_text().splitlines())
    return [f"{host}{path}" for host, log in logs.items() for _, path in log.requests
            if path != "/robots.txt" and not parser.can_fetch("GetInvolvedBot", path)]


# -- main -------------------------------------------------------------------------------------------------

async def main(argv: list[str]) -> int:
    args = _args(argv)
    sites_dir = Path(args.sites)
    expected = json.loads((sites_dir / "expected.json").read_text())
    sites = [sites_dir / s["site"] for s in expected["sites"]]
    robots = sites_dir / "robots.txt"
    runners, logs, bases = await serve(sites, robots)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sources_file = Path(tmp) / "sources.toml"
            sources_file.write_text(sources_toml(expected, bases))
            db = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
            report, seconds, status = await run_scrape_command(sources_file, db)
            found = stored(db)
    finally:
        for r in runners:
            await r.cleanup()
    _print(expected, found, report, seconds, status, logs, bases, robots, args.delay)
    return 0 if _targets_met(expected, found, report, seconds, logs, robots, args.delay) else 1


def _args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sites", default=str(SITES), help="folder of sites with robots.txt and expected.json")
    p.add_argument("--delay", type=float, default=1.0, help="the fetcher's delay the bound is computed with")
    p.add_argument("--keep", metavar="DB", help="keep the scraped database at this path")
    return p.parse_args(argv)


def _measures(expected: dict[str, Any], found: dict[str, Any], seconds: float, logs: dict[str, HostLog],
              robots: Path, delay: float) -> dict[str, Any]:
    s = score(expected, found, dt.date.today())
    busiest = max(len(log.requests) for log in logs.values())
    bound = busiest * delay
    return {**s, "busiest": busiest, "bound": bound, "ratio": seconds / bound if bound else 0.0,
            "violations": robots_violations(logs, robots), "in_flight": max(l.max_in_flight for l in logs.values())}


def _print(expected: dict[str, Any], found: dict[str, Any], report: dict[str, Any], seconds: float, status: int,
           logs: dict[str, HostLog], bases: dict[str, str], robots: Path, delay: float) -> None:
    m = _measures(expected, found, seconds, logs, robots, delay)
    print(f"sites: {len(bases)}; scrape exit status {status}; {report['totals']['found']} stored "
          f"({report['totals']['failed']} sources failed)")
    print(f"titles: precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}  "
          f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']}; target F1 >= {TARGETS['f1']})")
    print(f"min_age accuracy {m['min_age_accuracy']:.3f}; open/closed accuracy {m['open_accuracy']:.3f} (matched)")
    for line in m["missed"]:
        print(f"  missed: {line}")
    for line in m["extra"]:
        print(f"  extra:  {line}")
    print("requests per host (max in flight):")
    for site, base in bases.items():
        host = base.split("//")[1].split(":")[0]
        print(f"  {host:<11} {site:<26} {len(logs[host].requests):>3}  ({logs[host].max_in_flight})")
    print(f"robots.txt-disallowed pages fetched: {len(m['violations'])} (target 0) {m['violations'] or ''}")
    print(f"max requests in flight per host: {m['in_flight']} (target <= {TARGETS['in_flight']})")
    print(f"time: {seconds:.1f} s; bound {m['busiest']} requests x {delay:g} s = {m['bound']:.1f} s; "
          f"ratio {m['ratio']:.2f} (target <= {TARGETS['time_ratio']})")


def _targets_met(expected: dict[str, Any], found: dict[str, Any], report: dict[str, Any], seconds: float,
                 logs: dict[str, HostLog], robots: Path, delay: float) -> bool:
    m = _measures(expected, found, seconds, logs, robots, delay)
    return m["f1"] >= TARGETS["f1"] and not m["violations"] and m["in_flight"] <= TARGETS["in_flight"] \
        and m["ratio"] <= TARGETS["time_ratio"]


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
