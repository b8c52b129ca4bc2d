"""`getinvolved search` end to end, in-process, on the matching fixture catalogue."""
from __future__ import annotations

import json

import pytest

from bot.cli import main
from conftest import FIXTURES

CATALOGUE = FIXTURES / "matching" / "opportunities.jsonl"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(capsys, db_path):
    assert run(capsys, "import", CATALOGUE, "--db", db_path)[0] == 0
    return db_path


def test_search_finds_what_the_words_mean(capsys, db):
    code, out, _ = run(capsys, "search", "I'm a retired accountant", "--json", "--as-of", "2025-06-01", "--db", db)
    assert code == 0 and json.loads(out)["results"][0]["id"] == "treasurer"


def test_search_prints_why_each_matched(capsys, db):
    code, out, _ = run(capsys, "search", "dog walking", "--postcode", "LE2 1", "--as-of", "2025-06-01", "--db", db)
    assert code == 0 and "matches: dog walking" in out and " km" in out


def test_as_of_decides_what_has_closed(capsys, db):
    query = ["search", "dogs in parks consultation", "--json", "--limit", "20", "--db", db]
    before = json.loads(run(capsys, *query, "--as-of", "2025-01-01")[1])["results"]
    after = json.loads(run(capsys, *query, "--as-of", "2025-06-01")[1])["results"]
    assert "closed-consultation" in [r["id"] for r in before]
    assert "closed-consultation" not in [r["id"] for r in after]


def test_radius_keeps_remote_ones(capsys, db):
    code, out, _ = run(capsys, "search", "lonely older people", "--postcode", "LE2 1", "--radius-km", "10",
                       "--json", "--as-of", "2025-06-01", "--db", db)
    found = {r["id"]: r for r in json.loads(out)["results"]}
    assert "phone-befriender" in found and found["phone-befriender"]["distance_km"] is None
    assert "befriending" not in found


def test_batch_of_awkward_queries_answers_every_line(capsys, db, tmp_path):
    texts = ['"dogs" NEAR(cats)', "AND (", "dog*", "", "🐶", "x" * 5000, "animals"]
    queries = tmp_path / "q.jsonl"
    queries.write_text("".join(json.dumps({"qid": i, "text": t, "postcode": None}) + "\n" for i, t in enumerate(texts)))
    code, out, err = run(capsys, "search", "--queries", queries, "--json", "--as-of", "2025-06-01", "--db", db)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and "Traceback" not in err
    assert [line["qid"] for line in lines] == list(range(len(texts)))
    assert lines[-1]["results"]
