"""How long a resident waits right after a big import, with the matcher rebuilt in the turn vs in the background.

    .venv/bin/python benchmarks/matcher_refresh.py [--count N] [--keep DIR]

1. Builds N opportunities (default 100,000) as search_speed.py does and imports them once into a
   template database through `getinvolved import`.
2. For each way of refreshing the matcher, in a fresh child process: a bot over the bundled seed
   opportunities with a resident who has a postcode; then the N are copied in (one SQL insert, as
   an import would leave them) and the resident searches straight away, then every half second.
   - "in the turn" (before): the provider rebuilds the matcher inside the resident's turn when
     the opportunities' version changes.
   - "background" (now): bot.matching.holder.MatcherHolder serves the old matcher and rebuilds
     over its own connection, swapping the new one in when ready.
Prints the turns' times, when the new matcher was in use, and the process's peak memory.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

_CHILD = r"""
import json, sys, time
from bot.catalogue import ensure_seeded
from bot.conversation import Conversation
from bot.matching import Matcher
from bot.matching.holder import MatcherHolder
from bot.messages import Incoming
from bot.store import Store

db, template, mode = sys.argv[1], sys.argv[2], sys.argv[3]
store = Store(db)
ensure_seeded(store)


def in_the_turn():
    cache = {}  # the provider as it was: rebuild inside the turn whenever the version changes

    def provide():
        version = store.opportunities_version()
        if cache.get("version") != version or "matcher" not in cache:
            cache["matcher"] = Matcher.from_store(store)
            cache["version"] = version
        return cache["matcher"]
    return provide


provider = in_the_turn() if mode == "turn" else MatcherHolder(store)
chat = Conversation(store, provider)
chat.handle(1, Incoming("command", command="postcode", text="NG7"), chat_id=1)
chat.handle(1, Incoming("command", command="search", text="dog walking"), chat_id=1)
seed_matcher = provider()

store.db.execute("attach database ? as template", [template])
with store.db.atomic():
    store.db.execute("insert or ignore into opportunities select * from template.opportunities")
    store._bump_version()
store.db.execute("detach database template")

turns = []
imported = time.perf_counter()
while True:
    t = time.perf_counter()
    chat.handle(1, Incoming("command", command="search", text="gardening"), chat_id=1)
    took = time.perf_counter() - t
    fresh = provider() is not seed_matcher
    turns.append({"at_s": t - imported, "turn_ms": took * 1000, "new_matcher": fresh})
    if fresh and sum(x["new_matcher"] for x in turns) >= 3:
        break
    time.sleep(0.5)
import resource
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"turns": turns, "indexed": len(provider().opportunities), "peak_rss_mb": rss}))
"""


def run_mode(mode: str, template: Path, work: Path) -> dict:
    db = work / f"{mode}.db"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-c", _CHILD, str(db), str(template), mode], cwd=ROOT, check=True,
                            capture_output=True, text=True)
    return json.loads(result.stdout)


def report(label: str, found: dict) -> None:
    turns = found["turns"]
    old = [t["turn_ms"] for t in turns if not t["new_matcher"]]
    first_new = next(t for t in turns if t["new_matcher"])
    ready = first_new["at_s"] + first_new["turn_ms"] / 1000
    print(f"{label}: first turn after the import {turns[0]['turn_ms']:,.0f} ms;"
          f" new matcher ({found['indexed']:,} opportunities) in use {ready:.1f} s after the import;"
          f" peak RSS {found['peak_rss_mb']:.0f} MB")
    if old:
        print(f"  {len(old)} turns served by the old matcher while rebuilding: median {statistics.median(old):.0f} ms,"
              f" max {max(old):.0f} ms")
    after = [t["turn_ms"] for t in turns if t["new_matcher"]][1:]
    if after:
        print(f"  turns after the swap: median {statistics.median(after):.0f} ms")


def main(argv: list[str] | None = None) -> int:
    import search_speed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the catalogue and template database here")
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp()
    try:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        catalogue, template = work / "catalogue.jsonl", work / "speed.db"
        if not template.exists():
            search_speed.build_catalogue(args.count, catalogue)
            search_speed.time_import(catalogue, template)
        print(f"a bot over the seed opportunities, then {args.count:,} more imported while a resident searches")
        report("in the turn (before)", run_mode("turn", template, Path(tmp)))
        report("background   (now)  ", run_mode("background", template, Path(tmp)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
