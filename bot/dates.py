"""Dates as UK web pages write them: "Saturday 9 January 2027", "9 Jan", "09/01/2027", "2027-01-09".

A date without a year ("closes Friday 29 January") is read as the next such day on or after
the page's today, checked against the weekday when one is given, so a January deadline read
in November lands in the following year.
"""
from __future__ import annotations

import datetime as dt
import re

MONTHS = {name: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
WEEKDAYS = {name: i for i, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"))) for name in names}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
DAY_MONTH = re.compile(rf"\b{_WEEKDAY}(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}{_YEAR}\b", re.IGNORECASE)
MONTH_DAY = re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY},?{_YEAR}\b", re.IGNORECASE)
NUMERIC = re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4}|\d{2})\b")
ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")
RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|and|-|–|—)\s*$", re.IGNORECASE)


def find_dates(text: str, today: dt.date) -> list[tuple[int, int, dt.date]]:
    """Every date written in the text, as (start, end, date), in order of appearance."""
    found: list[tuple[int, int, dt.date]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (ISO, DAY_MONTH, MONTH_DAY, NUMERIC):
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            date = _to_date(m, today)
            if date:
                found.append((m.start(), m.end(), date))
                taken.append((m.start(), m.end()))
    return _years_from_range_ends(text, sorted(found))


def _years_from_range_ends(text: str, found: list[tuple[int, int, dt.date]]) -> list[tuple[int, int, dt.date]]:
    """"1 June to 31 August 2026": the first date takes its year from the second."""
    for i in range(len(found) - 1):
        (s1, e1, d1), (s2, _, d2) = found[i], found[i + 1]
        if RANGE_JOIN.match(text[e1:s2]) and not re.search(r"\d{4}", text[s1:e1]):
            year = d2.year if (d1.month, d1.day) <= (d2.month, d2.day) else d2.year - 1
            found[i] = (s1, e1, _safe(year, d1.month, d1.day) or d1)
    return found


def parse_date(text: str, today: dt.date) -> dt.date | None:
    """The first date written in the text, or None."""
    dates = find_dates(text, today)
    return dates[0][2] if dates else None


def _to_date(m: re.Match[str], today: dt.date) -> dt.date | None:
    parts = m.groupdict()
    month = parts["month"]
    month_no = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
    day = int(parts["day"])
    year = parts.get("year")
    weekday = parts.get("weekday")
    if year:
        y = int(year)
        if y < 100:
            y += 2000
        return _safe(y, month_no, day)
    return _infer_year(month_no, day, WEEKDAYS.get(weekday.lower()) if weekday else None, today)


def _infer_year(month: int, day: int, weekday: int | None, today: dt.date) -> dt.date | None:
    """The year that makes the date sensible: matching its weekday, else the next one from today."""
    candidates = [d for y in (today.year - 1, today.year, today.year + 1) if (d := _safe(y, month, day))]
    if weekday is not None:
        matching = [d for d in candidates if d.weekday() == weekday]
        if matching:
            return min(matching, key=lambda d: (d < today - dt.timedelta(days=31), abs((d - today).days)))
    upcoming = [d for d in candidates if d >= today - dt.timedelta(days=31)]
    return upcoming[0] if upcoming else (candidates[-1] if candidates else None)


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
