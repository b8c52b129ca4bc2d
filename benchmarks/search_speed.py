"""Speed and memory of the matcher on 100,000 opportunities, printing what it measured.

    .venv/bin/python benchmarks/search_speed.py [--count N] [--rounds N] [--keep DIR [--reuse]]

1. Builds N opportunities (default 100,000) by recombining the bundled seed items across the
   country's postcode districts (data/uk-outcodes.csv): each is one seed's title and organisation,
   its description plus a sentence from another seed of the same kind, placed in a district.
2. Imports them through the real path, `getinvolved import` in a child process (which annotates
   each one: place and causes), and times it. Target: 30 s or less.
3. In a fresh child process: loads the matcher from the store (start-up), then answers the
   development and held-out queries in batch, with and without postcodes, several rounds, timing
   each search. Targets after start-up: median 5 ms or less, 20 ms at most. Then, reported
   separately, the adversarial queries (benchmarks/data/adversarial_queries.jsonl: only a time,
   an age, "anything", one very common word, emoji, a 2,000-character ramble, a postcode, search
   syntax), with and without their postcodes: the same targets. Peak memory (RSS) of that
   process: 500 MB or less.
4. Times the naive alternative beside it: rapidfuzz WRatio over every opportunity's text.
Timings depend on the machine and whatever else runs on it; run it a few times.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
QUERY_FILES = [ROOT / "benchmarks" / "data" / "relevance" / "dev_queries.jsonl",
               ROOT / "tests" / "fixtures" / "matching" / "heldout_queries.jsonl"]
# Queries that say almost nothing about a topic (only a time, an age, "anything", one very common
# word, emoji, a long ramble, a postcode, search-engine syntax): the worst cases for ranking speed.
ADVERSARIAL_FILE = ROOT / "benchmarks" / "data" / "adversarial_queries.jsonl"


def build_catalogue(count: int, path: Path, seed: int = 7) -> None:
    """Recombine the seed opportunities across every postcode district into a JSON Lines file."""
    rng = random.Random(seed)
    seeds = [json.loads(line) for line in (ROOT / "data" / "seed-opportunities.jsonl").read_text().splitlines() if line]
    with open(ROOT / "data" / "uk-outcodes.csv", newline="", encoding="utf-8") as f:
        outcodes = [row["outcode"] for row in csv.DictReader(f)]
    by_kind: dict[str, list[dict]] = {}
    for s in seeds:
        by_kind.setdefault(s["kind"], []).append(s)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            base = seeds[i % len(seeds)]
            other = rng.choice(by_kind[base["kind"]])
            district = outcodes[rng.randrange(len(outcodes))]
            row = dict(base)
            row["id"] = f"{base['id']}-{district.lower()}-{i}"
            row["url"] = f"{base['url']}?d={district}&n={i}"
            row["postcode"] = None if base["remote"] else district
            row["place"] = district
            row["description"] = f"{base['description']} {_first_sentence(other['description'])}"
            out.write(json.dumps(row) + "\n")


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def time_import(catalogue: Path, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run([PYTHON, "-m", "bot.cli", "import", str(catalogue), "--db", str(db)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


_SEARCH_CHILD = r"""
import json, resource, statistics, sys, time, datetime as dt
from bot.matching import Matcher
from bot.store import Store
db, rounds, sets = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
queries = {name: [json.loads(l) for f in files for l in open(f, encoding="utf-8") if l.strip()]
           for name, files in sets.items()}
started = time.perf_counter()
store = Store(db)
matcher = Matcher.from_store(store)
store.close()
startup = time.perf_counter() - started
today = dt.date(2025, 11, 20)
times = {name: {"no postcode": [], "with postcode": []} for name in queries}
worst = {name: {"no postcode": (0.0, ""), "with postcode": (0.0, "")} for name in queries}
for _ in range(rounds):
    for name, group in queries.items():
        for q in group:
            for label, pc in (("no postcode", None), ("with postcode", q.get("postcode"))):
                t = time.perf_counter()
                matcher.search(q["text"], postcode=pc, limit=5, today=today)
                ms = (time.perf_counter() - t) * 1000
                times[name][label].append(ms)
                if ms > worst[name][label][0]:
                    worst[name][label] = (ms, q["text"][:40])
relevance = queries["relevance"]
t = time.perf_counter()
for q in relevance:
    matcher.search(q["text"], postcode=q.get("postcode") or "NG7 2", radius_km=25, limit=3, today=today)
radius_ms = (time.perf_counter() - t) * 1000 / len(relevance)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"startup_s": startup, "times": times, "worst": worst, "radius_ms": radius_ms, "peak_rss_mb": rss,
                  "indexed": matcher.index.n, "queries": {name: len(group) for name, group in queries.items()}}))
"""


def time_searches(db: Path, rounds: int) -> dict:
    sets = {"relevance": [str(f) for f in QUERY_FILES], "adversarial": [str(ADVERSARIAL_FILE)]}
    result = subprocess.run([PYTHON, "-c", _SEARCH_CHILD, str(db), str(rounds), json.dumps(sets)],
                            cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def time_naive_scan(catalogue: Path, samples: int) -> float:
    from rapidfuzz import fuzz, process, utils

    rows = [json.loads(line) for line in catalogue.read_text(encoding="utf-8").splitlines()]
    texts = [f"{r['title']} {r['organisation']} {r['description']}" for r in rows]
    queries = [json.loads(line)["text"] for line in QUERY_FILES[0].read_text().splitlines() if line][:samples]
    started = time.perf_counter()
    for q in queries:
        process.extract(q, texts, scorer=fuzz.WRatio, processor=utils.default_process, limit=5)
    return (time.perf_counter() - started) * 1000 / len(queries)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="times each query set is searched")
    parser.add_argument("--naive-queries", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="keep the catalogue and database here")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: search the database kept there by an earlier run of the same --count "
                             "instead of building and importing again")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        catalogue, db, built = work / "catalogue.jsonl", work / "speed.db", work / "built-count"
        if args.reuse and args.keep and db.exists() and built.exists() and built.read_text() == str(args.count):
            print(f"catalogue: {args.count:,} opportunities, database reused from {work} (import not timed)")
        else:
            for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), built):
                stale.unlink(missing_ok=True)
            build_catalogue(args.count, catalogue)
            print(f"catalogue: {args.count:,} opportunities recombined from the seed set across UK postcode districts")
            import_s = time_import(catalogue, db)
            built.write_text(str(args.count))
            print(f"import through `getinvolved import`: {import_s:.1f} s  (target <= 30 s)")
        found = time_searches(db, args.rounds)
        print(f"matcher start-up (load {found['indexed']:,} from the store and index them): {found['startup_s']:.1f} s")
        for label, values in found["times"]["relevance"].items():
            print(f"search {label:14}: median {statistics.median(values):5.2f} ms   p95 {percentile(values, 0.95):5.2f} ms"
                  f"   max {max(values):6.2f} ms   ({len(values)} searches; target median <= 5 ms, <= 20 ms)")
        for label, values in found["times"]["adversarial"].items():
            slowest_ms, slowest = found["worst"]["adversarial"][label]
            print(f"adversarial {label:14}: median {statistics.median(values):5.2f} ms   p95 {percentile(values, 0.95):5.2f} ms"
                  f"   max {max(values):6.2f} ms   ({len(values)} searches of {found['queries']['adversarial']}"
                  f" queries; slowest: {slowest!r})")
        print(f"search with a postcode and 25 km radius: mean {found['radius_ms']:.2f} ms")
        print(f"peak memory (RSS) of the searching process: {found['peak_rss_mb']:.0f} MB  (target <= 500 MB)")
        naive = time_naive_scan(catalogue, args.naive_queries)
        print(f"naive rapidfuzz WRatio full scan: {naive:.0f} ms per query ({args.naive_queries} queries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
