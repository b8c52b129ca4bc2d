import datetime as dt

import pytest

from bot.models import InvalidOpportunity, derive_id, opportunity_from_row


def test_missing_id_is_derived_stably_from_source_url_and_title():
    row = {"title": "Litter pickers", "url": "https://x.example.org", "source": "keep-tidy"}
    assert opportunity_from_row(row).id == opportunity_from_row(dict(row)).id == derive_id("keep-tidy", "https://x.example.org", "Litter pickers")


def test_postcodes_are_normalised():
    assert opportunity_from_row({"title": "t", "postcode": "ng76ab"}).postcode == "NG7 6AB"


@pytest.mark.parametrize("row, reason", [
    ({"title": "  "}, "title"),
    ({"title": "t", "url": "ftp://x.example.org"}, "http"),
    ({"title": "t", "closing_date": "2026-13-01"}, "YYYY-MM-DD"),
    ({"title": "t", "closing_date": "31/01/2026"}, "YYYY-MM-DD"),
    ({"title": "t", "min_age": -3}, "min_age"),
    ({"title": "t", "remote": "sometimes"}, "remote"),
    ({"title": "t", "kind": "party"}, "kind"),
    ({"title": "t", "description": "x" * 20001}, "description"),
    ({"title": ["a list"]}, "title"),
])
def test_invalid_rows_say_which_field_is_wrong(row, reason):
    with pytest.raises(InvalidOpportunity, match=reason):
        opportunity_from_row(row)


def test_opportunity_past_its_closing_date_is_not_open():
    opp = opportunity_from_row({"title": "t", "closing_date": "2026-01-31"})
    assert opp.is_open(dt.date(2026, 1, 31))
    assert not opp.is_open(dt.date(2026, 2, 1))


def test_csv_style_booleans_are_understood():
    opp = opportunity_from_row({"title": "t", "remote": "TRUE", "dbs_check": "no"})
    assert (opp.remote, opp.dbs_check) == (True, False)
