"""After-scrape alerts: at most one digest a day (configurable) of up to 3 new matches, never the
same opportunity twice, each with a button to stop them; delivered by the ledger engine."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.alerts import DIGESTS, deliver_alerts, digest_campaign, queue_alerts
from bot.broadcast import enqueue_broadcast, recipients
from bot.delivery import Options
from bot.store import Store
from fixtures.broadcast.kit import Recorder, add_opportunity, add_subscriber

TODAY = dt.date(2030, 3, 1)
GARDEN = "garden vegetables"
NEW = ["g1", "g2", "g3", "g4"]


@pytest.fixture
def scraped(store: Store) -> Store:
    for i, id in enumerate(NEW):
        add_opportunity(store, id=id, title=f"Community garden volunteers {i}")
    add_opportunity(store, id="chess", title="Chess club helpers", description="Run the weekly chess club.")
    add_subscriber(store, 1, passions=GARDEN)
    return store


def digests(store: Store) -> list[dict]:
    return store.list_deliveries(DIGESTS.campaign, prefix=True)


def test_a_digest_holds_at_most_three_matches(scraped: Store) -> None:
    assert queue_alerts(scraped, NEW, today=TODAY) == 1
    [digest] = digests(scraped)
    assert digest["campaign"] == "digest:1:2030-03-01"
    assert len(digest["payload"]["opportunities"]) == 3


def test_only_matching_opportunities_are_in_a_digest(scraped: Store) -> None:
    queue_alerts(scraped, ["chess", "g1"], today=TODAY)
    [digest] = digests(scraped)
    assert digest["payload"]["opportunities"] == ["g1"]


def test_nothing_matching_means_no_digest(scraped: Store) -> None:
    assert queue_alerts(scraped, ["chess"], today=TODAY) == 0
    assert digests(scraped) == []


def test_at_most_one_digest_a_day(scraped: Store) -> None:
    queue_alerts(scraped, ["g1"], today=TODAY)
    assert queue_alerts(scraped, ["g2"], today=TODAY) == 0
    assert len(digests(scraped)) == 1


def test_more_digests_a_day_when_configured(scraped: Store) -> None:
    queue_alerts(scraped, ["g1"], today=TODAY, per_day=2)
    assert queue_alerts(scraped, ["g2"], today=TODAY, per_day=2) == 1
    assert queue_alerts(scraped, ["g3"], today=TODAY, per_day=2) == 0
    assert [d["campaign"] for d in digests(scraped)] == ["digest:1:2030-03-01", "digest:1:2030-03-01:2"]


def test_the_next_day_brings_a_new_digest(scraped: Store) -> None:
    queue_alerts(scraped, ["g1"], today=TODAY)
    assert queue_alerts(scraped, ["g2"], today=TODAY + dt.timedelta(days=1)) == 1


def test_an_opportunity_is_never_alerted_twice(scraped: Store) -> None:
    queue_alerts(scraped, ["g1"], today=TODAY)
    assert queue_alerts(scraped, ["g1"], today=TODAY + dt.timedelta(days=1)) == 0


def test_an_opportunity_already_broadcast_to_the_resident_is_left_out(scraped: Store) -> None:
    g1 = scraped.get_opportunity("g1")
    assert g1 is not None
    enqueue_broadcast(scraped, g1, recipients(scraped, g1))
    queue_alerts(scraped, ["g1", "g2"], today=TODAY)
    [digest] = digests(scraped)
    assert digest["payload"]["opportunities"] == ["g2"]


def test_hidden_opportunities_are_left_out(scraped: Store) -> None:
    scraped.hide(1, "g1")
    queue_alerts(scraped, ["g1", "g2"], today=TODAY)
    assert digests(scraped)[0]["payload"]["opportunities"] == ["g2"]


def test_closed_new_opportunities_are_left_out(scraped: Store) -> None:
    add_opportunity(scraped, id="old", closing_date="2030-02-01")
    assert queue_alerts(scraped, ["old"], today=TODAY) == 0


def test_unsubscribed_residents_get_no_digest(scraped: Store) -> None:
    scraped.unsubscribe(1)
    assert queue_alerts(scraped, NEW, today=TODAY) == 0


def test_a_digest_shows_cards_links_and_a_stop_button(scraped: Store) -> None:
    queue_alerts(scraped, ["g1", "g2"], today=TODAY)
    payload = digests(scraped)[0]["payload"]
    assert "1. <b>Community garden volunteers 0</b>" in payload["html"]
    assert "2. <b>Community garden volunteers 1</b>" in payload["html"]
    assert [b["url"] for row in payload["buttons"] for b in row if b["url"]] == [
        "https://example.org/g1", "https://example.org/g2"]
    assert payload["buttons"][-1] == [{"label": "Stop these alerts", "data": "unsub", "url": ""}]


def test_digest_campaigns_are_named_by_resident_and_day() -> None:
    assert digest_campaign(7, TODAY) == "digest:7:2030-03-01"
    assert digest_campaign(7, TODAY, 2) == "digest:7:2030-03-01:2"


async def test_digests_are_delivered_through_the_engine(scraped: Store) -> None:
    add_subscriber(scraped, 2, passions=GARDEN)
    queue_alerts(scraped, NEW, today=TODAY)
    sender = Recorder()
    tally = await deliver_alerts(scraped, sender, options=Options(rate=500))
    assert sorted(sender.chats()) == [1, 2] and tally.sent == 2
