"""The command line, called in-process: exit codes, one-line errors, never a traceback."""
import json

import pytest

from bot.cli import main
from conftest import FIXTURES


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_keeps_good_rows_reports_bad_ones_and_exits_1(capsys, db_path):
    code, out, err = run(capsys, "import", FIXTURES / "import" / "mixed.jsonl", "--db", db_path)
    assert code == 1
    assert "2 added" in out
    assert "line 3: not valid JSON" in err
    assert "Traceback" not in err


def test_import_of_clean_file_exits_0(capsys, db_path):
    assert run(capsys, "import", FIXTURES / "import" / "good.jsonl", "--db", db_path)[0] == 0


def test_import_twice_updates_rather_than_duplicates(capsys, db_path):
    run(capsys, "import", FIXTURES / "import" / "good.jsonl", "--db", db_path)
    code, out, _ = run(capsys, "import", FIXTURES / "import" / "good.jsonl", "--db", db_path)
    assert "0 added, 2 updated" in out


def test_import_of_a_missing_file_is_one_sentence(capsys, db_path):
    code, _, err = run(capsys, "import", "/no/such/file.jsonl", "--db", db_path)
    assert (code, err.strip()) == (1, "getinvolved: There is no file at /no/such/file.jsonl.")


def test_export_prints_every_current_opportunity_as_jsonl(capsys, db_path):
    run(capsys, "import", FIXTURES / "import" / "good.jsonl", "--db", db_path)
    code, out, _ = run(capsys, "export", "--db", db_path)
    assert sorted(json.loads(line)["title"] for line in out.splitlines()) == ["Dog walking buddy", "Tenants' panel"]


def test_export_csv_has_the_contract_header(capsys, db_path):
    run(capsys, "import", FIXTURES / "import" / "good.jsonl", "--db", db_path)
    _, out, _ = run(capsys, "export", "--format", "csv", "--db", db_path)
    assert out.splitlines()[0].startswith("id,title,organisation,description,url,kind,postcode")


def test_search_json_has_the_contract_shape(capsys, db_path):
    run(capsys, "import", FIXTURES / "import" / "good.jsonl", "--db", db_path)
    code, out, _ = run(capsys, "search", "dog walking", "--json", "--postcode", "NG7", "--db", db_path)
    result = json.loads(out)
    assert (code, result["qid"], result["query"]) == (0, None, "dog walking")
    assert set(result["results"][0]) == {"id", "title", "organisation", "score", "distance_km", "url"}
    assert result["results"][0]["distance_km"] is not None


def test_batch_search_answers_each_query_in_order_and_reports_bad_lines(capsys, db_path, tmp_path):
    run(capsys, "import", FIXTURES / "import" / "good.jsonl", "--db", db_path)
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"qid": "a", "text": "dogs", "postcode": null}\nnonsense\n{"qid": "b", "text": "panel", "postcode": "NG7"}\n')
    code, out, err = run(capsys, "search", "--queries", queries, "--json", "--db", db_path)
    assert [json.loads(line)["qid"] for line in out.splitlines()] == ["a", "b"]
    assert (code, "line 2" in err) == (1, True)


@pytest.mark.parametrize("args", [["search", "dogs", "--postcode", "banana"], ["search", "dogs", "--postcode", "ZZ99"], ["search", "  "]])
def test_bad_search_input_is_one_sentence_and_exit_1(capsys, db_path, args):
    code, _, err = run(capsys, *args, "--db", db_path)
    assert code == 1 and err.count("\n") == 1 and err.startswith("getinvolved: ")


def test_usage_errors_exit_2(capsys, db_path):
    with pytest.raises(SystemExit) as exit:
        main(["search", "dogs", "--limit", "many", "--db", str(db_path)])
    assert exit.value.code == 2


def test_a_file_that_is_not_a_database_is_reported(capsys, tmp_path):
    bad = tmp_path / "not.db"
    bad.write_text("hello, I am not SQLite" * 100)
    code, _, err = run(capsys, "export", "--db", bad)
    assert code == 1 and "Cannot open the database" in err
