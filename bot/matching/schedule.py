"""When an opportunity happens, when a resident is free, and how old they are.

Times are kept as a 14-bit mask: each day of the week, daytime and evening. An opportunity's
commitment ("Tuesday and Saturday mornings", "one evening a week, 6.30-9pm") gives its mask; a
resident's words ("only free on saturdays", "I work 9-5") or quick picks give theirs. How often
(one-off, monthly, weekly) is kept beside it, so "one-off" never brings up a weekly rota.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_PART, EVENING_PART = 0, 1
ALL = (1 << 14) - 1
ONE_OFF, MONTHLY, WEEKLY = 0, 1, 2
FREQUENCIES = {"one-off": ONE_OFF, "monthly": MONTHLY, "weekly": WEEKLY}
PARTLY_FREE = 0.97


def bit(day: int, part: int) -> int:
    return 1 << (day * 2 + part)


def days_mask(days: range | tuple[int, ...], parts: tuple[int, ...] = (DAY_PART, EVENING_PART)) -> int:
    mask = 0
    for d in days:
        for p in parts:
            mask |= bit(d, p)
    return mask


WEEKDAYS = range(0, 5)
WEEKEND = (5, 6)
EVENINGS = days_mask(range(7), (EVENING_PART,))
# Coarse slots used as search features: enough to favour what fits, few enough to index cheaply.
TIME_BUCKETS = {"t:weekday": days_mask(WEEKDAYS, (DAY_PART,)), "t:weekday-evening": days_mask(WEEKDAYS, (EVENING_PART,)),
                "t:saturday": days_mask((5,)), "t:sunday": days_mask((6,))}

_DAY = re.compile(r"\b(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\b")
_WEEKDAY = re.compile(r"\b(?:week ?days?|midweek|monday to friday|mon-fri|during the week)\b")
_WEEKEND = re.compile(r"\bweekends?\b(?:\s+(mornings?|afternoons?|evenings?|nights?))?")
_EVERY_DAY = re.compile(r"\b(?:seven days a week|7 days a week|every day|any day)\b")
_EVENING = re.compile(r"\b(?:evenings?|nights?|overnight|after work|teatime)\b")
_DAYTIME = re.compile(r"\b(?:mornings?|afternoons?|daytime|lunchtime|during the day|school hours|matinee)\b")
_RANGE = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)?\s*(?:-|to|\u2013)\s*(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)\b")
_CLOCK = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)\b")
_FLEXIBLE = re.compile(r"\b(?:flexible|as and when|any ?time|whenever|when you(?:'re| are) (?:free|available)|"
                       r"(?:at )?a time that suits|times that suit|to suit you|as much or as little|"
                       r"as often as you like|set your own|when you can)\b")
_ONE_OFF = re.compile(r"\b(?:one[- ]off|one day(?!\s+(?:a|per|each|every)\s+(?:week|fortnight|month))|single|just once|once only|a one[- ]time|"
                      r"\d{1,2}(?:st|nd|rd|th)? (?:january|february|march|april|may|june|july|august|september|"
                      r"october|november|december) \d{4})\b")
_WEEKLY = re.compile(r"\b(?:weekly|a week|per week|each week|every week|fortnight(?:ly)?|twice a week|"
                     r"\d+ evenings? a week|regular(?:ly)?)\b")
_MONTHLY = re.compile(r"\b(?:monthly|a month|per month|each month|every month|quarterly|a year|per year|"
                      r"a term|bi-monthly|every (?:two|six|\d+) (?:months|weeks)|occasional(?:ly)?|now and (?:then|again)|"
                      r"the odd)\b")
_WORKS_DAYS = re.compile(r"\b(?:9 ?(?:-|to) ?5|nine to five|work full[- ]time|full[- ]time job|work all day|"
                         r"at work all day|work days)\b")
_STRICT = re.compile(r"\b(?:only|just|can only|cant do|can't do|not free|busy)\b")
_AGE = re.compile(r"\b(?:i'?m|i am|im|aged?|age)\s+(\d{1,3})\b(?!\s*(?:hours?|hrs?|mins?|minutes|miles?|km|"
                  r"kids|children|pm|am|%|-|x\b))")
_AGE_OLD = re.compile(r"\b(\d{1,3})\s*(?:years? old|yrs? old|y/?o\b|year old)")
_AGE_RANGE = re.compile(r"(?:\bages?d?\s+|\()(\d{1,2})\s*(?:-|to|\u2013)\s*(\d{1,2})\b|"
                        r"\b(\d{1,2})\s*(?:-|to|\u2013)\s*(\d{1,2})\s*(?:year olds|years old|yrs)\b")


@dataclass(frozen=True)
class When:
    """What text says about time: a mask (None: it does not say), how often, and whether it is firm."""
    mask: int | None = None
    frequency: int | None = None
    flexible: bool = False
    strict: bool = False

    @property
    def says_anything(self) -> bool:
        return self.mask is not None or self.frequency is not None


def opportunity_when(commitment: str, description: str = "") -> When:
    """The times an opportunity needs, from its commitment, else from its description."""
    found = _parse_commitment(commitment)
    if found.mask is None and not found.flexible and description:
        from_text = _parse(description.lower())
        found = When(from_text.mask, found.frequency if found.frequency is not None else from_text.frequency,
                     from_text.flexible)
    return found


# Residents' sayings that name a time but do not say when they are free: "it keeps me up at
# night", "day and night", and "one day" meaning some day ("I'd like to be a councillor one day").
_NOT_WHEN = re.compile(r"\b(?:(?:keeps?|kept|keeping) (?:me|us|them) (?:up|awake)(?: at night)?|up at night|"
                       r"awake at night|lie awake|lying awake|sleepless nights?|day and night|night and day|"
                       r"all day and all night|day or night)\b")
_ONE_DAY = re.compile(r"\b(\w+ )?one day\b(?!\s*(?:a|per|each|every|event|thing|course|session|only|a week)\b)")
_ONE_DAY_OFF = frozenset("a just only for the on".split())


def _someday(m: re.Match) -> str:
    """'one day' stays a time ('just one day', 'a one day course') unless it means some day."""
    before = (m.group(1) or "").strip()
    return m.group(0) if before in _ONE_DAY_OFF else before + " someday"


def resident_when(text: str) -> When:
    """The times a resident says they are free, from their own words."""
    low = _ONE_DAY.sub(_someday, _NOT_WHEN.sub(" ", text.lower()))
    found = _parse(low)
    mask = found.mask
    if _WORKS_DAYS.search(low):
        free = EVENINGS | days_mask(WEEKEND)
        mask = free if mask is None else (mask & free) or mask
    frequency = found.frequency
    if frequency is None and re.search(r"\bonce\b", low):
        frequency = ONE_OFF
    return When(mask, frequency, strict=bool(_STRICT.search(low)) or bool(_WORKS_DAYS.search(low)))


def picked_when(availability: tuple[str, ...] | list[str]) -> When:
    """The quick picks ("weekends", "evenings", "monthly"...) as a firm constraint."""
    mask = 0
    frequency = None
    for pick in availability:
        if pick == "weekends":
            mask |= days_mask(WEEKEND)
        elif pick == "evenings":
            mask |= EVENINGS
        elif pick == "weekdays":
            mask |= days_mask(WEEKDAYS, (DAY_PART,))
        elif pick in FREQUENCIES:
            frequency = max(frequency or 0, FREQUENCIES[pick])
    return When(mask or None, frequency, strict=True)


@functools.lru_cache(maxsize=20_000)
def _parse_commitment(commitment: str) -> When:
    """Commitments repeat across a catalogue ("flexible", "one evening a week"): parsed once each."""
    return _parse(commitment.lower())


def _parse(low: str) -> When:
    parts = _parts(low)
    mask = 0
    specific = [_day_index(m.group(1)) for m in _DAY.finditer(low)]
    if _WEEKDAY.search(low):
        specific.extend(WEEKDAYS)
    if _EVERY_DAY.search(low):
        specific.extend(range(7))
    for day in specific:
        mask |= days_mask((day,), parts or (DAY_PART, EVENING_PART))
    weekend = False
    for m in _WEEKEND.finditer(low):
        weekend = True
        attached = (EVENING_PART,) if m.group(1) and m.group(1).startswith(("evening", "night")) else (
            (DAY_PART,) if m.group(1) else (DAY_PART, EVENING_PART))
        mask |= days_mask(WEEKEND, attached)
    if parts and not specific:
        mask |= days_mask(range(7), parts) if not weekend or _unattached_parts(low) else 0
    flexible = bool(_FLEXIBLE.search(low))
    if flexible and not mask:
        mask = ALL
    return When(mask or None, _frequency(low), flexible)


def _parts(low: str) -> tuple[int, ...]:
    parts = set()
    if _EVENING.search(low):
        parts.add(EVENING_PART)
    if _DAYTIME.search(low):
        parts.add(DAY_PART)
    for m in _RANGE.finditer(low):
        parts.add(_part_of(int(m.group(1)), m.group(3) or m.group(6), int(m.group(4))))
    if not _RANGE.search(low):
        for m in _CLOCK.finditer(low):
            parts.add(_part_of(int(m.group(1)), m.group(3), int(m.group(1))))
    return tuple(sorted(parts))


def _part_of(start: int, meridiem: str, end: int) -> int:
    hour = start % 12 + (12 if meridiem == "pm" and (start <= end or end == 12) else 0)
    small_hours = meridiem == "am" and hour < 5  # "3am" is the night, kept with the evening
    return EVENING_PART if hour >= 17 or small_hours else DAY_PART


def _unattached_parts(low: str) -> bool:
    """'evenings and weekends': the evening is any evening, not only a weekend one."""
    stripped = _WEEKEND.sub(" ", low)
    return bool(_EVENING.search(stripped) or _DAYTIME.search(stripped))


def _day_index(name: str) -> int:
    return next(i for i, day in enumerate(DAYS) if day.startswith(name[:3]))


def _frequency(low: str) -> int | None:
    if _ONE_OFF.search(low):
        return ONE_OFF
    if _WEEKLY.search(low):
        return WEEKLY
    if _MONTHLY.search(low):
        return MONTHLY
    return None


def time_fit(need: When, free: When) -> float | None:
    """1.0 fits, below 1 fits less well, None clashes. Unknown times are given the benefit of the doubt."""
    if free.frequency is not None and need.frequency is not None and need.frequency > free.frequency:
        return None
    if free.mask is None:
        return 1.0
    if need.mask is None:
        return 0.85
    if not need.mask & free.mask:
        return None
    if need.flexible:
        return 0.95
    # Only partly inside their free time ("Wednesday or Saturday" for "only Saturdays"): it still
    # fits, a little less surely than one that is wholly inside it.
    return 1.0 if not need.mask & ~free.mask else PARTLY_FREE


_SOMEONE_ELSE = re.compile(r"\b(?:kids?|children|child|sons?|daughters?|grand\w+|nephews?|nieces?|brothers?|sisters?|"
                           r"partner|husband|wife|mum|mom|dad|he|she|they|they're|he's|she's)\b[^.,;!?]*$")


def age_from_text(text: str) -> int | None:
    """The resident's own age when they say it ("I'm 15", "67 years old"); None otherwise, and
    not a child's or anyone else's ("my kids aged 8 and 10", "my son is 12 years old")."""
    low = text.lower()
    for pattern in (_AGE, _AGE_OLD):
        for m in pattern.finditer(low):
            first_person = m.group(0).startswith("i")
            if not first_person and _SOMEONE_ELSE.search(low[max(0, m.start() - 40):m.start()]):
                continue
            if 5 <= int(m.group(1)) <= 110:
                return int(m.group(1))
    return None


def participant_ages(title: str, description: str, kind: str, min_age: int | None) -> tuple[int, int] | None:
    """The age band an opportunity is *for* ("Volunteer Police Cadets (ages 13-17)"), if it says one.

    Only bands that start at the opportunity's own minimum age count, so a youth worker role for
    adults who work with 13-17 year olds is not mistaken for one open only to teenagers.
    """
    sources = [title]
    if kind in ("group", "have-your-say"):
        sources.append(description)
    for text in sources:
        for m in _AGE_RANGE.finditer(text.lower()):
            low, high = (int(g) for g in (m.groups()[:2] if m.group(1) else m.groups()[2:]))
            if low < high <= 30 and (min_age is None or low == min_age):
                return low, high
    return None
