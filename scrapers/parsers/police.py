"""The police forces' shared "single online home" platform.

Many forces' sites share one structure: volunteer roles live under paths such as
/police-forces/<force>/areas/<area>/careers/.../police-volunteer-roles/<role>/, next to the
paid careers. Role pages are followed, the force is named from its path, paid roles stay out.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapers.parsers import dom
from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser
from scrapers.parsers.generic import parse_page
from scrapers.parsers.html import read_html
from scrapers.parsers.registry import register

_FORCE = re.compile(r"/police-forces/([a-z0-9-]+)/", re.I)
_ROLE_PATH = re.compile(r"/(?:police-volunteer-roles|volunteer-roles|volunteering|volunteer|special-constab\w*|"
                        r"police-support-volunteers?|cadets?|independent-custody-visit\w*)(?:/|$)", re.I)
_PAID_PATH = re.compile(r"/(?:police-officer|pcso|police-staff|detective|jobs|vacancies)(?:/|$|-)", re.I)


@register
class PoliceParser(Parser):
    name = "police"
    description = "police forces' single online home: volunteer role pages"

    def parse(self, doc: Document, ctx: ParseContext) -> ParseResult:
        page = read_html(doc)
        result = parse_page(page, ctx)
        force = force_name(doc.url)
        for record in result.records:
            if force and record.fields.get("organisation") in ("", None, page.site_name):
                record.fields["organisation"] = force
        if ctx.detail_of is None:
            seen = {link.url for link in result.links} | {r.detail_url for r in result.records}
            result.links += [Link(url, "hub") for _, url in dom.links_in(page.main, doc.url)
                             if url not in seen and url != doc.url and _ROLE_PATH.search(urlsplit(url).path)
                             and not _PAID_PATH.search(urlsplit(url).path) and not dom.is_document_link(url)]
        return result


def looks_like_police_platform(url: str, html: str) -> bool:
    return bool(_FORCE.search(urlsplit(url).path)) or "single online home" in html[:300_000].lower()


def force_name(url: str) -> str:
    """"metropolitan-police" -> "Metropolitan Police"."""
    m = _FORCE.search(urlsplit(url).path)
    return " ".join(w.capitalize() for w in m.group(1).split("-")) if m else ""
