import io
import json

from bot.transfer import read_opportunities, write_csv, write_jsonl
from conftest import FIXTURES


def test_good_jsonl_rows_all_become_opportunities():
    reading = read_opportunities(FIXTURES / "import" / "good.jsonl")
    assert [o.title for o in reading.opportunities] == ["Dog walking buddy", "Tenants' panel"]
    assert reading.errors == []


def test_every_bad_jsonl_row_is_reported_by_line_and_the_good_ones_kept():
    reading = read_opportunities(FIXTURES / "import" / "mixed.jsonl")
    assert [o.id for o in reading.opportunities] == ["ok-1", "ok-2"]
    assert [e.line for e in reading.errors] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "JSON" in reading.errors[1].reason


def test_unknown_fields_are_noted_not_fatal():
    assert read_opportunities(FIXTURES / "import" / "mixed.jsonl").unknown_fields == {"extra_column"}


def test_csv_rows_are_validated_with_their_line_numbers():
    reading = read_opportunities(FIXTURES / "import" / "mixed.csv")
    assert [o.id for o in reading.opportunities] == ["csv-1", "csv-3"]
    assert [(e.line, "title" in e.reason or "cells" in e.reason) for e in reading.errors] == [(3, True), (5, True)]
    assert reading.opportunities[0].organisation == "Good Company, Nottingham"
    assert reading.opportunities[1].remote is True


def test_bytes_that_are_not_utf8_reject_only_their_row(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"title": "Caf\xe9 helper"}\n{"title": "Fine"}\n')
    reading = read_opportunities(path)
    assert [o.title for o in reading.opportunities] == ["Fine"]
    assert reading.errors[0].line == 1


def test_a_repeated_id_in_one_file_is_reported(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "a", "title": "One"}\n{"id": "a", "title": "Two"}\n')
    assert "line 1" in read_opportunities(path).errors[0].reason


def test_jsonl_export_round_trips_through_import(tmp_path):
    opps = read_opportunities(FIXTURES / "import" / "good.jsonl").opportunities
    out = io.StringIO()
    write_jsonl(opps, out)
    path = tmp_path / "again.jsonl"
    path.write_text(out.getvalue())
    assert [o.contract_dict() for o in read_opportunities(path).opportunities] == [o.contract_dict() for o in opps]


def test_csv_export_round_trips_through_import(tmp_path):
    opps = read_opportunities(FIXTURES / "import" / "good.jsonl").opportunities
    path = tmp_path / "again.csv"
    with open(path, "w", newline="") as f:
        write_csv(opps, f)
    assert [o.contract_dict() for o in read_opportunities(path).opportunities] == [o.contract_dict() for o in opps]


def test_jsonl_export_uses_exactly_the_contract_fields():
    out = io.StringIO()
    write_jsonl(read_opportunities(FIXTURES / "import" / "good.jsonl").opportunities, out)
    first = json.loads(out.getvalue().splitlines()[0])
    assert list(first) == ["id", "title", "organisation", "description", "url", "kind", "postcode", "place",
                           "remote", "commitment", "min_age", "dbs_check", "closing_date", "source"]
