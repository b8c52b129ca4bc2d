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


def test_a_one_off_event_is_over_once_its_written_day_has_passed():
    fair = opportunity_from_row({"title": "Volunteering fair", "kind": "event",
                                 "commitment": "one-off, Saturday 6 June 2026, 11am-3pm, drop in"})
    assert fair.is_open(dt.date(2026, 6, 6)) and not fair.is_open(dt.date(2026, 6, 7))


def test_a_course_over_two_days_stays_open_until_the_second():
    course = opportunity_from_row({"title": "First aid", "kind": "training",
                                   "commitment": "two days: Tuesday 10 and Wednesday 11 March 2026"})
    assert course.is_open(dt.date(2026, 3, 11)) and not course.is_open(dt.date(2026, 3, 12))


def test_a_regular_role_is_not_closed_by_a_date_in_its_times():
    role = opportunity_from_row({"title": "Park ranger helper", "kind": "volunteer",
                                 "commitment": "weekly, since 1 May 2020"})
    assert role.is_open(dt.date(2026, 12, 3))
