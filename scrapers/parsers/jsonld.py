"""schema.org JSON-LD: JobPosting with employmentType VOLUNTEER, Event, Course.

The most reliable source when a page has it: the publisher states title, organisation, place,
hours and closing date in named fields. Paid job postings are left out.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Iterator

from scrapers.parsers import dom, facts, words
from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser, Record
from scrapers.parsers.html import pagination_links
from scrapers.parsers.registry import register
from scrapers.parsers.titles import clean_title

SCHEMA_WHY = "schema.org data"
_EVENT_TYPES = re.compile(r"(?:Event|Course|CourseInstance|Festival|Workshop)$")


@register
class JsonLdParser(Parser):
    name = "jsonld"
    description = "schema.org JSON-LD (volunteer JobPosting, Event, Course)"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        soup = dom.make_soup(doc.text)
        names = dom.site_names(soup)
        records = jsonld_records(soup, doc.url, ctx.today, names)
        return ParseResult(records=records, links=[Link(u, "next") for u in pagination_links(soup, doc.url)],
                           site_name=names[0] if names else "")


def jsonld_records(soup: Any, base_url: str, today: dt.date, site_names: list[str] = ()) -> list[Record]:
    scripts = soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)})
    return records_from_scripts([s.string or s.get_text() or "" for s in scripts], base_url, today, site_names)


def records_from_scripts(scripts: list[str], base_url: str, today: dt.date, site_names: list[str] = (),
                         involving_page: bool = False) -> list[Record]:
    """Opportunities in the page's JSON-LD blocks; malformed blocks are skipped."""
    return records_from_items([i for text in scripts for i in _items(_load(text))], base_url, today, site_names,
                              involving_page)


def records_from_items(items: list[dict[str, Any]], base_url: str, today: dt.date, site_names: list[str] = (),
                       involving_page: bool = False) -> list[Record]:
    """Opportunities among schema.org nodes (from JSON-LD or microdata). On a page about taking part
    (`involving_page`: "Volunteer events") every event is one, whatever its own name says."""
    records: list[Record] = []
    for item in items:
        record = _record(item, base_url, today, list(site_names), involving_page)
        if record is not None:
            records.append(record)
    return records


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        try:
            return json.loads(re.sub(r",\s*([}\]])", r"\1", text.strip().rstrip(";")))
        except ValueError:
            return None


def _items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for d in data:
            yield from _items(d)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _items(data["@graph"])
        if "@type" in data:
            yield data
        for key in ("itemListElement", "item", "mainEntity"):
            if key in data:
                yield from _items(data[key])


def _types(item: dict[str, Any]) -> list[str]:
    t = item.get("@type")
    return [str(x) for x in (t if isinstance(t, list) else [t]) if x]


def _record(item: dict[str, Any], base_url: str, today: dt.date, site_names: list[str],
            involving_page: bool = False) -> Record | None:
    types = _types(item)
    if "JobPosting" in types:
        return _job(item, base_url, today, site_names) if _is_volunteer_job(item) else None
    if any(_EVENT_TYPES.search(t) for t in types) and (involving_page or _involving(item)):
        return _event(item, base_url, today, site_names, training=any(t.startswith("Course") for t in types))
    return None


_INVOLVING = re.compile(r"\bvolunteer|\bget(?:ting)?\s+involved|\bhave\s+your\s+say|\bconsultation|\bdrop-?in|\btaster|"
                        r"\bopen\s+(?:day|evening|morning)|\blitter\s+pick|\bclean-?up|\b(?:beach|river|canal|street|park)\s+clean\b|"
                        r"\b(?:tree|hedge|bulb)\s+planting\b|\bwork\s+party|\bmeet\s+the\s+team|"
                        r"\btraining|\bcourse|\bworkshop|\binformation\s+(?:evening|session|event)|\bsign\s+up|\bjoin\s+us", re.I)


def about_taking_part(text: str) -> bool:
    """Words that make a page, or an event, about taking part: "Volunteer events", "work party"."""
    return bool(_INVOLVING.search(text))


def _involving(item: dict[str, Any]) -> bool:
    """An event about taking part (an open evening, a litter pick, a course), not any concert or meeting."""
    return bool(_INVOLVING.search(f"{_text(item.get('name'))} {_html_text(item.get('description'))}"))


def _is_volunteer_job(item: dict[str, Any]) -> bool:
    employment = item.get("employmentType")
    values = employment if isinstance(employment, list) else [employment]
    if any(str(v).upper() == "VOLUNTEER" for v in values if v):
        return True
    text = f"{_text(item.get('title'))} {_text(item.get('description'))}"
    return "baseSalary" not in item and bool(re.search(r"\bvolunteer", text, re.I))


def _job(item: dict[str, Any], base_url: str, today: dt.date, site_names: list[str]) -> Record | None:
    title = clean_title(_text(item.get("title") or item.get("name")), site_names)
    if not title:
        return None
    description = _html_text(item.get("description"))
    fields = _common(item, description, today)
    fields["organisation"] = _name(item.get("hiringOrganization")) or (site_names[0] if site_names else "")
    fields.update(_place(item.get("jobLocation")))
    if hours := _text(item.get("workHours")):
        fields["commitment"] = hours
    if str(item.get("jobLocationType", "")).upper() == "TELECOMMUTE":
        fields["remote"] = True
    if (valid := _date(item.get("validThrough"))) is not None:
        fields["closing_date"] = valid.isoformat()
    fields["kind"] = words.kind_of(title, description)
    return _finish(title, item, base_url, fields, closed=facts.is_closed(description))


def _event(item: dict[str, Any], base_url: str, today: dt.date, site_names: list[str], *, training: bool) -> Record | None:
    title = clean_title(_text(item.get("name")), site_names)
    if not title:
        return None
    description = _html_text(item.get("description"))
    fields = _common(item, description, today)
    fields["organisation"] = _name(item.get("organizer")) or _name(item.get("provider")) or (site_names[0] if site_names else "")
    fields.update(_place(item.get("location")))
    start, end = _date(item.get("startDate")), _date(item.get("endDate"))
    if start is not None:
        fields["commitment"] = f"{start:%A} {start.day} {start:%B %Y}"
    if "online" in str(item.get("eventAttendanceMode", "")).lower():
        fields["remote"] = True
    fields["kind"] = "training" if training else "event"
    if (end or start) is not None and "closing_date" not in fields:
        fields["closing_date"] = (end or start).isoformat()  # once it has happened it is no longer offered
    status = str(item.get("eventStatus", "")).lower()
    over = (end or start) is not None and (end or start) < today
    return _finish(title, item, base_url, fields, closed=over or "cancel" in status or "postponed" in status)


def _common(item: dict[str, Any], description: str, today: dt.date) -> dict[str, Any]:
    """Fields said in words; an item marked up in the page (microdata) says them anywhere in its text."""
    fields: dict[str, Any] = {"description": description[:1500]}
    text = str(item.get("@text") or description)
    if (age := facts.min_age(text)) is not None:
        fields["min_age"] = age
    if (dbs := facts.dbs_check(text)) is not None:
        fields["dbs_check"] = dbs
    if (date := facts.closing_date(text, today)) is not None:
        fields["closing_date"] = date.isoformat()
    return fields


def _finish(title: str, item: dict[str, Any], base_url: str, fields: dict[str, Any], *, closed: bool) -> Record:
    url = dom.absolute(base_url, _text(item.get("url"))) or dom.absolute(base_url, base_url) or base_url
    page = dom.absolute(base_url, base_url)
    return Record(title=title, url=url, fields=fields, closed=closed, detail_url=url if url != page else None,
                  verdict="accept", score=10, role_like=True, why=SCHEMA_WHY)


def _place(location: Any) -> dict[str, Any]:
    if isinstance(location, list):
        location = location[0] if location else None
    if not isinstance(location, dict):
        return {}
    address = location.get("address")
    out: dict[str, Any] = {}
    if isinstance(address, dict):
        if pc := facts.any_postcode(_text(address.get("postalCode"))):
            out["postcode"] = pc
        place = ", ".join(x for x in (_text(address.get("addressLocality")), _text(address.get("addressRegion"))) if x)
        if place:
            out["place"] = place
    elif isinstance(address, str) and address.strip():
        out["place"] = address.strip()
        if pc := facts.postcode_in(address.upper()):
            out["postcode"] = pc
    if "place" not in out and (name := _text(location.get("name"))):
        out["place"] = name
    return out


def _name(org: Any) -> str:
    if isinstance(org, list):
        org = org[0] if org else None
    if isinstance(org, dict):
        return _text(org.get("name"))
    return _text(org)


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return " ".join(str(value or "").split())


def _html_text(value: Any) -> str:
    text = _text(value) if not isinstance(value, str) else value
    if "<" in text:
        return dom.text_of(dom.make_soup(text), lines=True)
    return dom.clean_text(text)


def _date(value: Any) -> dt.date | None:
    text = _text(value)
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
