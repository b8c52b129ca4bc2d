"""Relevance of the matcher on graded queries, beside two baselines, printing what it measured.

    .venv/bin/python benchmarks/relevance.py [--verbose]

Sets: the development set (benchmarks/data/relevance/dev_queries.jsonl, a copy of the shared
development set), our own held-out set (tests/fixtures/matching/heldout_queries.jsonl) and our
second, "blind" set (tests/fixtures/matching/blind_queries.jsonl, see the README there) and a
third, "blind 2" (tests/fixtures/matching/blind_queries_2.jsonl) and a fourth, "blind 3"
(tests/fixtures/matching/blind_queries_3.jsonl), all over the bundled seed
opportunities (data/seed-opportunities.jsonl). Metrics: nDCG@5 (gain 2^grade - 1, log2 discount), recall@10 and MRR (first relevant within the top 10). The
judgments are about topic and fit, so the headline figure leaves the queries' postcodes out; the
figure with postcodes shows that distance only reorders equally fitting ones. Closing dates are
judged as of the day before the earliest closing date in the set (the set was written then).
Baselines: SQLite FTS5 BM25 and rapidfuzz WRatio, both over title + organisation + description.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sqlite3
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from bot.catalogue import add_opportunities  # noqa: E402
from bot.config import SEED_FILE  # noqa: E402
from bot.matching import Matcher  # noqa: E402
from bot.models import Opportunity  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.transfer import read_opportunities  # noqa: E402

DEV = ROOT / "benchmarks" / "data" / "relevance" / "dev_queries.jsonl"
HELDOUT = ROOT / "tests" / "fixtures" / "matching" / "heldout_queries.jsonl"
BLIND = ROOT / "tests" / "fixtures" / "matching" / "blind_queries.jsonl"
BLIND_2 = ROOT / "tests" / "fixtures" / "matching" / "blind_queries_2.jsonl"
BLIND_3 = ROOT / "tests" / "fixtures" / "matching" / "blind_queries_3.jsonl"
Ranker = Callable[[dict], list[str]]
# Common English words left out of the BM25 baseline's query, as a search box would.
STOPWORDS = frozenset(
    "a an and are as at be but by can do for from had has have i id im ive if in into is it its me my no not of on "
    "or our so some than that the their them there they this to too up us was we were what when where which who "
    "will with would you your just like want s t d ve m ll re".split()) if False else frozenset(
    "a an and are as at be but by can do for from had has have i id im ive if in into is it its me my no not of on "
    "or our so some than that the their them there they this to too up us was we were what when where which who "
    "will with would you your just like want s t d ve m ll re".split())


def ndcg_at_5(ranked: list[str], grades: dict[str, int]) -> float:
    dcg = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranked[:5]))
    ideal = sorted(grades.values(), reverse=True)[:5]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    relevant = {d for d, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:10])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranked[:10]) if grades.get(d, 0) > 0), 0.0)


def evaluate(ranker: Ranker, queries: list[dict]) -> dict[str, float]:
    totals = {"ndcg@5": 0.0, "recall@10": 0.0, "mrr": 0.0}
    for q in queries:
        ranked = ranker(q)
        totals["ndcg@5"] += ndcg_at_5(ranked, q["relevant"])
        totals["recall@10"] += recall_at_10(ranked, q["relevant"])
        totals["mrr"] += reciprocal_rank(ranked, q["relevant"])
    return {k: v / len(queries) for k, v in totals.items()}


def as_of_date(opps: list[Opportunity]) -> dt.date:
    earliest = min(o.closing_date for o in opps if o.closing_date)
    return dt.date.fromisoformat(earliest) - dt.timedelta(days=1)


def matcher_ranker(matcher: Matcher, today: dt.date, *, with_postcode: bool) -> Ranker:
    def rank(q: dict) -> list[str]:
        postcode = q.get("postcode") if with_postcode else None
        return [m.opportunity.id for m in matcher.search(q["text"], postcode=postcode, limit=10, today=today)]
    return rank


def bm25_ranker(opps: list[Opportunity]) -> Ranker:
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table docs using fts5(id unindexed, body, tokenize='porter')")
    db.executemany("insert into docs values (?, ?)",
                   [(o.id, f"{o.title} {o.organisation} {o.description}") for o in opps])

    def rank(q: dict) -> list[str]:
        words = [w for w in re.findall(r"\w+", q["text"].lower()) if w not in STOPWORDS]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = db.execute("select id from docs where docs match ? order by bm25(docs) limit 10", [match])
        return [r[0] for r in rows]
    return rank


def wratio_ranker(opps: list[Opportunity]) -> Ranker:
    texts = [f"{o.title} {o.organisation} {o.description}" for o in opps]

    def rank(q: dict) -> list[str]:
        found = process.extract(q["text"], texts, scorer=fuzz.WRatio, processor=utils.default_process, limit=10)
        return [opps[i].id for _, _, i in found]
    return rank


def load_queries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_matcher() -> tuple[Matcher, list[Opportunity], float]:
    """The real path: import into a store (which annotates), then a matcher from the store."""
    store = Store(":memory:")
    add_opportunities(store, read_opportunities(SEED_FILE).opportunities)
    started = time.perf_counter()
    matcher = Matcher.from_store(store)
    elapsed = time.perf_counter() - started
    opps = list(store.iter_opportunities(include_closed=True))
    store.close()
    return matcher, opps, elapsed


def show_details(name: str, matcher: Matcher, queries: list[dict], today: dt.date) -> None:
    print(f"\n-- {name}: per query (nDCG@5, then our top 5 with their grades)")
    rank = matcher_ranker(matcher, today, with_postcode=False)
    for q in queries:
        ranked = rank(q)
        shown = ", ".join(f"{d}({q['relevant'].get(d, 0)})" for d in ranked[:5])
        print(f"{q['qid']} {ndcg_at_5(ranked, q['relevant']):.2f}  {q['text'][:60]!r}\n      {shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="per-query figures and top results")
    args = parser.parse_args(argv)
    matcher, opps, build_s = build_matcher()
    today = as_of_date(opps)
    print(f"{len(opps)} opportunities; closing dates judged as of {today} (the day before the earliest "
          f"closing date in the set); matcher built in {build_s * 1000:.0f} ms")
    sets = [("development", load_queries(DEV)), ("held-out (ours)", load_queries(HELDOUT)),
            ("blind (ours, second)", load_queries(BLIND)), ("blind 2 (ours, third)", load_queries(BLIND_2)),
            ("blind 3 (ours, fourth)", load_queries(BLIND_3))]
    rankers = [
        ("matcher, postcodes left out", matcher_ranker(matcher, today, with_postcode=False)),
        ("matcher, with postcodes", matcher_ranker(matcher, today, with_postcode=True)),
        ("baseline: SQLite FTS5 BM25", bm25_ranker(opps)),
        ("baseline: rapidfuzz WRatio", wratio_ranker(opps)),
    ]
    for set_name, queries in sets:
        print(f"\n{set_name} set: {len(queries)} queries")
        print(f"  {'ranker':32} {'nDCG@5':>7} {'recall@10':>10} {'MRR':>6}")
        for name, ranker in rankers:
            m = evaluate(ranker, queries)
            print(f"  {name:32} {m['ndcg@5']:7.3f} {m['recall@10']:10.3f} {m['mrr']:6.3f}")
    if args.verbose:
        for set_name, queries in sets:
            show_details(set_name, matcher, queries, today)
    return 0


if __name__ == "__main__":
    sys.exit(main())
