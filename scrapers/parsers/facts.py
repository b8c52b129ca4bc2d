"""What a page says about an opportunity, read from its words and its label/value pairs.

Each reader returns None when the page does not say, so a scraper never invents a field:
"aged 16 or over" gives a minimum age, "under-16s must bring a parent" does not.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Iterable

from bot.places import InvalidPostcode, parse_postcode
from bot.dates import find_dates, parse_date

_I = re.IGNORECASE
_AGE = r"(\d{1,2})"
_MIN_AGE_PATTERNS = [
    re.compile(rf"\bminimum age(?:\s+(?:is|of))?\s*:?\s*{_AGE}\b", _I),
    re.compile(rf"\b{_AGE}\s*(?:years?(?:\s+of\s+age|\s+old)?\s*)?(?:or|and)\s+(?:over|above|older|upwards)\b", _I),
    re.compile(rf"\b(?:aged|be|are)\s+at\s+least\s+{_AGE}\b", _I),
    re.compile(rf"\bat\s+least\s+{_AGE}\s+years?\s+(?:old|of\s+age)\b", _I),
    re.compile(rf"(?<![£$\d.,])\b{_AGE}\s*\+(?!\s*(?:hours?|hrs|years?\s+(?:of\s+)?experience|people|volunteers|members|staff|%))", _I),
    re.compile(rf"\b(?:must\s+be|need\s+to\s+be|needs\s+to\s+be|only|open\s+to)\s+over[- ]?{_AGE}s?\b", _I),
    re.compile(rf"\b(?:aged|ages|age\s+range|for|young\s+people(?:\s+aged)?|children(?:\s+aged)?)\s+(?:between\s+)?{_AGE}\s*(?:to|-|–|and)\s*\d{{1,2}}\b", _I),
    re.compile(rf"\b{_AGE}\s*(?:to|-|–)\s*\d{{1,2}}[- ]?(?:year[- ]?olds?|years?\s+old|yrs?)\b", _I),
    re.compile(rf"\bover\s+the\s+age\s+of\s+{_AGE}\b|\bfrom\s+(?:the\s+)?age\s+(?:of\s+)?{_AGE}\b", _I),
    re.compile(rf"\bminimum\s+of\s+{_AGE}\s+years?\s+(?:old|of\s+age)\b", _I),
    re.compile(rf"(?<![£$\d.,])\b{_AGE}\s*(?:years?\s*\+|plus\b)(?!\s*(?:hours?|hrs|years?|people|volunteers|members|staff))", _I),
    re.compile(rf"\b(?:over|aged)[- ]?{_AGE}s\b(?!\s+(?:and\s+under|must\s+(?:be|have)\s+(?:a\s+)?(?:parent|accompanied|supervised)))", _I),
]
_NUMBER_WORDS = {w: i for i, w in enumerate(
    ("five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty "
     "twenty-one twenty-two twenty-three twenty-four twenty-five").split(), start=5)}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b", _I)
_NO_MIN_AGE = re.compile(r"\b(?:all ages|any age|no (?:minimum|lower) age)\b", _I)

_DBS_NO = re.compile(r"\b(?:no|not?\s+(?:need|require)|don'?t\s+need|do\s+not\s+need|does\s+not\s+need|doesn'?t\s+need|without)\s+(?:an?\s+)?(?:enhanced\s+|basic\s+|standard\s+)?DBS\b", _I)
_DBS_YES = [
    re.compile(r"\b(?:enhanced|basic|standard)?\s*DBS\b(?:\s+(?:check|disclosure|clearance))?\s+(?:is\s+|will\s+be\s+)?(?:required|needed|necessary|essential)\b", _I),
    re.compile(r"\b(?:need|needs|require|requires|required|undergo|undergoes|have|get|complete|subject\s+to)\s+(?:to\s+(?:have|get|complete)\s+)?(?:an?\s+)?(?:satisfactory\s+)?(?:enhanced\s+|basic\s+|standard\s+)?DBS\b", _I),
    re.compile(r"\b(?:enhanced|basic|standard)\s+DBS\b", _I),
]

_CLOSING_LEAD = [
    re.compile(r"\b(?:closing\s+date|deadline)(?:\s+for\s+(?:applications|nominations|entries|bids))?\s*(?:is|was|:|-|–)?\s*", _I),
    re.compile(r"\b(?:applications?|nominations?|entries|bids|submissions|registrations?|the\s+(?:consultation|survey|role|opportunity|questionnaire)|this\s+(?:consultation|survey|role|opportunity|questionnaire|intake))"
               r"(?:\s+for\s+[\w\s]{1,30}?)?\s+(?:will\s+)?(?:close[sd]?|end[sd]?|run[s]?\s+until)\b[^.;]{0,30}?", _I),
    re.compile(r"(?:^|[\s(–-])(?:closes|closing|closed|ends)\b(?:\s+(?:on|at\s+[^.;]{0,20}?\s+on))?\s*:?\s*", _I),
    re.compile(r"\bapply\s+(?:by|before)\s*", _I),
    re.compile(r"(?:^\s*|\b(?:consultation|survey|questionnaire|applications?|nominations?|recruitment|registrations?|it|this|which)\b"
               r"[^.;\n]{0,25}?\b)(?:is\s+open|remains\s+open|open|runs?|running|live)\s+(?:from\s+[^.;\n]{3,40}?\s+)?"
               r"(?:until|till|through|to)\s+(?:(?:\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)|midnight|noon|midday)\s+(?:on\s+)?)?(?=\S)", _I | re.M),
]
_BY_DATE = re.compile(r"\b(?:by|before|no\s+later\s+than)\s+(?:(?:\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)|midnight|noon|midday)\s+(?:on\s+)?)?(?=\S)", _I)
_APPLY_CONTEXT = re.compile(r"\b(?:appl(?:y|ication)|submit|send|return|reach|bid|nominat|register|sign\s+up|respond|response|form|get\s+it\s+back|complete|expressions?\s+of\s+interest|entries|cv|note\s+about|enrol|book|get\s+in\s+touch|let\s+us\s+know|"
                            r"have\s+your\s+say|take\s+part|comments?\b|your\s+views|feedback|sign\s+up|join)", _I)
_NOT_ONGOING = re.compile(r"^\s*(?:ongoing|none|n/?a|open|rolling|no closing date|all year)", _I)

_CLOSED = [re.compile(p, _I) for p in (
    r"\bno\s+longer\s+(?:accepting|taking|open|available|recruiting|running|possible\s+to\s+(?:apply|respond))",
    r"\brecruitment(?:\s+(?:for|to)\s+[\w\s]{1,30}?)?\s+(?:is\s+|has\s+been\s+|has\s+)?(?:currently\s+|now\s+|temporarily\s+)?(?:closed|paused|suspended|on\s+hold)\b",
    r"\b(?:applications|nominations|registrations?|entries|bookings)\s+(?:for\s+[\w\s]{1,40}?\s+)?(?:are\s+|is\s+|have\s+|has\s+)?(?:now\s+|currently\s+)?closed\b",
    r"\b(?:this|the)\s+(?:role|opportunity|vacancy|consultation|survey|position|post|programme|questionnaire)\s+(?:is\s+|has\s+|has\s+now\s+)?(?:now\s+|currently\s+)?(?:closed|expired|filled|been\s+filled)\b",
    r"\b(?:this|the)\s+(?:consultation|survey|questionnaire)\s+(?:closed|ended|finished)\s+on\b",
    r"\b(?:this|the)\s+(?:consultation|survey|questionnaire)\s+(?:has\s+)?(?:now\s+)?(?:ended|finished)\b",
    r"\bclosing\s+date\s+(?:for\s+[\w\s]{1,30}?\s+)?has\s+(?:now\s+)?passed\b",
    r"\bnot\s+(?:currently\s+)?(?:taking\s+on|looking\s+for|accepting)\s+(?:any\s+)?(?:new\s+|more\s+|further\s+)?(?:volunteers|applications|applicants|members|helpers)\b",
    r"\bplaces\s+(?:are|have)\s+(?:now\s+)?(?:all\s+)?(?:full|gone|been\s+filled)\b|\b(?:now|is|are)\s+fully\s+(?:booked|subscribed)\b",
    r"\byou\s+can\s+no\s+longer\s+(?:apply|respond|take\s+part|register|sign\s+up|comment)",
    r"\b(?:not|no\s+longer)\s+(?:currently\s+)?(?:recruiting|accepting\s+(?:new\s+)?(?:applications|volunteers))",
    r"\bstatus\s*:?\s*closed\b",
    r"^\s*(?:closed|recruitment\s+closed|applications\s+closed|now\s+closed|expired|filled)\s*$",
)]

_PERIOD = r"(?:a|per|each|every)\s+(?:week|month|fortnight|year|day|term)"
_AMOUNT_OF_TIME = re.compile(
    r"\b(?:(?:\d+(?:\.\d+)?|one|two|three|four|five|six|a\s+few|a\s+couple\s+of|an?|half\s+an?)\s*(?:(?:to|-|–|or)\s*\d+(?:\.\d+)?\s*)?-?\s*"
    r"(?:hours?|hrs?|minutes|mins|days?|mornings?|afternoons?|evenings?|nights?|shifts?|sessions?|weekends?(?:\s+days?)?|"
    r"trips?|visits?|calls?|meetings?|walks?|outings?|journeys?)\s+" + _PERIOD +
    r"|\b(?:\d+|one|two|three|four|five|six)[- ](?:hour|hr)\s+(?:shift|session|slot|visit)s?\s+(?:a|per|each|every)\s+(?:week|month|fortnight)"
    r"|\b(?:once|twice|three\s+times|four\s+times)\s+(?:a|per|each|every)\s+(?:week|month|fortnight|year|term))", _I)
_WHEN = re.compile(
    r"\bevery\s+(?:other\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|fortnight|\w+\s+weeks)"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:mornings|afternoons|evenings|nights)"
    r"|\b(?:weekly|fortnightly|monthly)\b|\bflexible\b|\bone-off\b|\bterm\s+time\b", _I)
_TIME_EXPR = re.compile(f"{_AMOUNT_OF_TIME.pattern}|{_WHEN.pattern}", _I)
_REMOTE = re.compile(r"\b(?:from\s+(?:your\s+(?:own\s+)?)?home|remotely|remote\s+(?:role|volunteering|working|opportunity)|"
                     r"online\s+(?:role|volunteering|opportunity)|virtual\s+(?:role|volunteering|volunteer)|can\s+be\s+done\s+online)\b", _I)
_FULL_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s?([0-9][A-Z]{2})\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“‘(])|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


# Phrasings that state a requirement ("must be 18 or over", "minimum age 16", "16+"), not the ages
# of the people a group serves ("clubs for young people aged 11 to 16"): what a heading's text
# may say for every role under it.
_REQUIREMENT_PATTERNS = [p for i, p in enumerate(_MIN_AGE_PATTERNS) if i not in (6, 7, 11)]


def min_age(text: str, *, requirement_only: bool = False) -> int | None:
    """The youngest age the text says can take part, from the strongest phrasing found."""
    if _NUMBER_WORD.search(text):
        text = _NUMBER_WORD.sub(lambda m: str(_NUMBER_WORDS[m.group(1).lower()]), text)
    for pattern in _REQUIREMENT_PATTERNS if requirement_only else _MIN_AGE_PATTERNS:
        for m in pattern.finditer(text):
            age = int(next(g for g in m.groups() if g))
            if 5 <= age <= 25:
                return age
    return None


def min_age_value(value: str) -> int | None:
    """A labelled value such as "16+", "18", "16 and over" or "14 to 18"."""
    if _NO_MIN_AGE.search(value) or re.fullmatch(r"\s*(?:none|no minimum|n/?a)\s*\.?", value, _I):
        return None
    m = re.match(r"\s*(?:aged\s+|over\s+)?(\d{1,2})\b", value, _I)
    if m and 5 <= int(m.group(1)) <= 25:
        return int(m.group(1))
    return min_age(value)


def dbs_check(text: str) -> bool | None:
    """Whether the text says a DBS check is needed (True), not needed (False), or nothing (None)."""
    if _DBS_NO.search(text):
        return False
    if any(p.search(text) for p in _DBS_YES):
        return True
    return None


def dbs_value(value: str) -> bool | None:
    """A labelled value under "DBS check" or "Checks"."""
    if re.match(r"\s*(?:none|no\b|not\s+(?:required|needed)|n/?a)", value, _I):
        return False
    if re.search(r"\b(?:DBS|disclosure|enhanced|basic|standard|yes|required|needed)\b", value, _I):
        return True
    return None


def closing_date(text: str, today: dt.date) -> dt.date | None:
    """The deadline the text gives: a closing date, "closes ...", or "by <date>" after an application verb."""
    for lead in _CLOSING_LEAD:
        for m in lead.finditer(text):
            date = _date_right_after(text, m.end(), today)
            if date:
                return date
    for sentence in sentences(text):
        if not _APPLY_CONTEXT.search(sentence):
            continue
        for m in _BY_DATE.finditer(sentence):
            date = _date_right_after(sentence, m.end(), today)
            if date:
                return date
    return None


def closing_value(value: str, today: dt.date) -> dt.date | None:
    """A labelled closing date; "ongoing" and the like mean none."""
    if _NOT_ONGOING.match(value):
        return None
    return parse_date(value, today)


def _date_right_after(text: str, start: int, today: dt.date) -> dt.date | None:
    window = text[start:start + 45]
    for s, _, date in find_dates(window, today):
        if s <= 22:
            return date
    return None


def is_closed(text: str) -> bool:
    """The text says recruitment or the consultation has closed."""
    return any(p.search(text) for p in _CLOSED)


def commitment(text: str) -> str:
    """The first sentence that says how much time it takes ("about 2 hours a week"), else the first
    that says when ("on Tuesday evenings"), trimmed to a readable length."""
    said = [s for s in sentences(text) if len(s) <= 400]
    for pattern in (_AMOUNT_OF_TIME, _WHEN):
        for sentence in said:
            if pattern.search(sentence):
                label = re.match(r"([A-Za-z][\w '/()-]{1,40}?)\s*:\s*(?=\S)", sentence)
                if label and fact_field(label.group(1)) == "commitment":
                    sentence = sentence[label.end():]
                return _trim(sentence[:1].upper() + sentence[1:], 200)
    return ""


def commitment_value(value: str) -> str:
    """A labelled commitment, up to the end of its last sentence about time: "4 hours a week." and
    not the "We also need adult volunteers..." that follows it in the same paragraph."""
    parts = sentences(value)
    kept = parts[:1]
    for sentence in parts[1:]:
        if not _TIME_EXPR.search(sentence):
            break
        kept.append(sentence)
    return " ".join(kept) if kept else value


def remote(text: str) -> bool | None:
    return True if _REMOTE.search(text) else None


def postcode_in(text: str) -> str | None:
    """A full UK postcode written in the text, if any."""
    for m in _FULL_POSTCODE.finditer(text):
        try:
            return str(parse_postcode(f"{m.group(1)} {m.group(2)}"))
        except InvalidPostcode:
            continue
    return None


def any_postcode(value: str) -> str | None:
    """A labelled postcode: a full one, or at least an outward code."""
    full = postcode_in(value.upper())
    if full:
        return full
    try:
        return str(parse_postcode(value.strip()))
    except InvalidPostcode:
        return None


def _trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


# -- label/value facts ("Minimum age: 16", <dt>Closing date</dt><dd>...</dd>) ------------------

_FACT_FIELDS: list[tuple[re.Pattern[str], str]] = [(re.compile(p, _I), f) for p, f in (
    (r"^(?:minimum\s+)?age(?:\s+(?:limit|range|requirement|restrictions?))?$|^minimum\s+age|^suitable\s+for|^ages?\b|"
     r"^who\s+(?:can|is\s+it\s+for|should)\b|^how\s+old\b|^eligibility$", "min_age"),
    (r"dbs|disclosure|^checks?$|^(?:background\s+)?checks?\s+(?:needed|required)|vetting", "dbs_check"),
    (r"^(?:closing(?:\s+date)?|closes|deadline|apply\s+by|applications\s+close|end\s+date|closing\s+date\s+for\s+applications)$", "closing_date"),
    (r"^status$", "status"),
    (r"^post\s*code$", "postcode"),
    (r"^(?:location|where|venue|address|place|based\s+(?:at|in)|area|locality|town)$", "place"),
    (r"^(?:organi[sz]ation|organi[sz]er|provider|charity|run\s+by|hosted\s+by|group|team|department)$", "organisation"),
    (r"^(?:time(?:\s+commitment)?|commitment|hours|when|availability|duration|shifts?|frequency|days?|when\s+(?:they|we|it)\s+meets?|meetings?|time\s+needed)$|"
     r"^how\s+much\s+time\b|^how\s+often\b|^when\s+(?:does|do|is|will|are)\b|^time\s+commitment\b", "commitment"),
    (r"^(?:remote|online|home\s*-?based)$", "remote"),
)]


@functools.lru_cache(maxsize=4096)
def fact_field(label: str) -> str | None:
    """Which opportunity field a label names ("Time commitment" -> commitment), if any."""
    label = " ".join(label.strip().rstrip(":").split())
    for pattern, name in _FACT_FIELDS:
        if pattern.search(label):
            return name
    return None


def fields_from_facts(facts: Iterable[tuple[str, str]], today: dt.date) -> dict[str, Any]:
    """Contract fields from label/value pairs; the first pair for a field wins."""
    out: dict[str, Any] = {}
    for label, value in facts:
        name = fact_field(label)
        value = " ".join(value.split())
        if not name or name in out or not value:
            continue
        parsed = _fact_value(name, value, today)
        if parsed is not None:
            out[name] = parsed
    return out


def _fact_value(name: str, value: str, today: dt.date) -> Any:
    if name == "min_age":
        return min_age_value(value)
    if name == "dbs_check":
        return dbs_value(value)
    if name == "closing_date":
        date = closing_value(value, today)
        return date.isoformat() if date else None
    if name == "status":
        return "closed" if is_closed(value) or re.match(r"\s*(?:closed|expired|archived|filled)\b", value, _I) else None
    if name == "postcode":
        return any_postcode(value)
    if name == "remote":
        return True if re.match(r"\s*(?:yes|true|remote|online)", value, _I) else None
    if name == "commitment":
        value = commitment_value(value)
        if len(value) > 200:
            value = (sentences(value) or [value])[0]
    return _trim(value, 300) if value else None
