"""Storing what a source's crawl found: the same checks and annotations as every other way in.

Each record becomes a contract row and goes through `bot.models.opportunity_from_row` (the one
validator) and `bot.catalogue.add_opportunities` (the one way in). Ids are stable: the same
source, page and title give the same id on every run. After a complete run, what the source
no longer lists is marked not offered (kept, never matched); closed roles are kept, not offered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.catalogue import add_opportunities
from bot.models import InvalidOpportunity, Opportunity, derive_id, opportunity_from_row
from bot.store import Store
from scrapers.crawl import canonical
from scrapers.parsers.base import Record
from scrapers.sources import Source

_FIELDS = ("organisation", "description", "kind", "postcode", "place", "remote", "commitment", "min_age",
           "dbs_check", "closing_date")


@dataclass
class Saved:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    closed: int = 0
    invalid: list[str] = field(default_factory=list)


def to_row(record: Record, source: Source, site_name: str = "") -> dict[str, Any]:
    """A contract row: the page's fields, the source's place where the page names none."""
    row: dict[str, Any] = {k: record.fields.get(k) for k in _FIELDS}
    row.update(title=record.title, url=record.url, source=source.name)
    row["id"] = derive_id(source.name, canonical(record.url), record.title)
    row["organisation"] = row["organisation"] or site_name
    if not row["postcode"]:
        row["postcode"] = source.postcode
    row["place"] = row["place"] or source.area
    return row


def to_opportunities(records: list[Record], source: Source, site_name: str = "") -> tuple[list[Opportunity], list[str]]:
    """Valid opportunities, and a reason for each record that was not one."""
    opps: dict[str, Opportunity] = {}
    invalid: list[str] = []
    for record in records:
        try:
            opp = opportunity_from_row(to_row(record, source, site_name))
        except InvalidOpportunity as e:
            invalid.append(f"{record.title[:60]!r} ({record.url}): {e}")
            continue
        opp.offered = not record.closed
        opps.setdefault(opp.id, opp)
    return list(opps.values()), invalid


def save(store: Store, source: Source, records: list[Record], *, site_name: str = "", complete: bool = True) -> Saved:
    """Upsert the source's opportunities; after a complete run, mark the rest not offered."""
    opps, invalid = to_opportunities(records, source, site_name)
    new, updated = add_opportunities(store, opps)
    gone = store.mark_not_offered(source.name, [o.id for o in opps]) if complete else []
    return Saved(new=new, updated=updated, gone=gone, closed=sum(1 for o in opps if not o.offered), invalid=invalid)
