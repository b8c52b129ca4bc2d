"""The one way opportunities enter the store, so every path (import, scrape, broadcast) adds
the same derived facts: where it is, and which causes it serves."""
from __future__ import annotations

from typing import Iterable

from bot.matching import find_causes
from bot.models import Opportunity
from bot.places import default_gazetteer
from bot.store import Store


def annotate(opp: Opportunity) -> Opportunity:
    """Fill in coordinates from the postcode and the causes found in the text."""
    if opp.postcode and (opp.lat is None or opp.lon is None):
        centre = default_gazetteer().try_locate(opp.postcode)
        if centre:
            opp.lat, opp.lon = centre
    opp.causes = find_causes(" ".join((opp.title, opp.organisation, opp.description)))
    return opp


def add_opportunities(store: Store, opps: Iterable[Opportunity], *, seen_at: str | None = None) -> tuple[list[str], list[str]]:
    """Annotate and upsert in one transaction; returns (new ids, updated ids)."""
    return store.upsert_opportunities((annotate(o) for o in opps), seen_at=seen_at)


def ensure_seeded(store: Store) -> int:
    """Fill an empty store from the bundled seed file; returns how many were added."""
    if store.count_opportunities():
        return 0
    from bot.config import SEED_FILE
    from bot.transfer import read_opportunities

    new, _ = add_opportunities(store, read_opportunities(SEED_FILE).opportunities)
    return len(new)
