"""Targeting (the matcher in reverse) and the broadcast message."""
from __future__ import annotations

import pytest

from bot.broadcast import (NotBroadcastable, broadcast_reply, campaign_of, check_broadcastable, enqueue_broadcast,
                           recipients, send_broadcast)
from bot.delivery import Options
from bot.models import Opportunity
from bot.store import Store
from fixtures.broadcast.kit import Recorder, add_opportunity, add_subscriber

GARDEN = "garden vegetables"


@pytest.fixture
def garden(store: Store) -> Opportunity:
    return add_opportunity(store)


def ids(store: Store, opportunity: Opportunity) -> list[int]:
    return sorted(r.resident_id for r in recipients(store, opportunity))


def test_saved_passions_are_used_when_the_topic_is_empty(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN)
    assert ids(store, garden) == [1]


def test_saved_skills_count_as_interests(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions="", skills=GARDEN)
    assert ids(store, garden) == [1]


def test_a_topic_subscription_matches_by_its_topic(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions="chess", topic=GARDEN)
    [recipient] = recipients(store, garden)
    assert recipient.topic == GARDEN and "garden" in recipient.why()


def test_a_topic_subscription_does_not_fall_back_to_passions(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN, topic="chess")
    assert ids(store, garden) == []


def test_residents_whose_interests_do_not_match_are_left_out(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions="chess tournaments")
    assert ids(store, garden) == []


def test_residents_beyond_the_radius_are_left_out(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN, postcode="M1")
    add_subscriber(store, 2, passions=GARDEN, postcode="NG1")
    assert ids(store, garden) == [2]


def test_distance_is_from_the_residents_district(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN, postcode="NG1")
    [recipient] = recipients(store, garden)
    assert recipient.district == "NG1" and 2 < recipient.distance_km < 4  # type: ignore[operator]


def test_remote_opportunities_reach_residents_anywhere(store: Store) -> None:
    online = add_opportunity(store, id="online", postcode=None, remote=True)
    add_subscriber(store, 1, passions=GARDEN, postcode="M1")
    assert ids(store, online) == [1]


def test_residents_who_gave_no_place_are_not_left_out_by_distance(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN, postcode="")
    assert ids(store, garden) == [1]


def test_residents_known_to_be_too_young_are_left_out(store: Store) -> None:
    adults = add_opportunity(store, id="adults", min_age=18)
    add_subscriber(store, 1, passions=GARDEN, state_data={"age": 16})
    add_subscriber(store, 2, passions=GARDEN, state_data={"age": 30})
    add_subscriber(store, 3, passions=GARDEN)
    assert ids(store, adults) == [2, 3]


def test_residents_who_hid_it_are_left_out(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN)
    add_subscriber(store, 2, passions=GARDEN)
    store.hide(1, garden.id)
    assert ids(store, garden) == [2]


def test_unsubscribed_residents_are_left_out(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN)
    add_subscriber(store, 2, passions=GARDEN)
    store.unsubscribe(1)
    assert ids(store, garden) == [2]


def test_residents_who_never_subscribed_are_left_out(store: Store, garden: Opportunity) -> None:
    store.save_resident(1, chat_id=1, passions=GARDEN, postcode="NG7")
    assert ids(store, garden) == []


def test_blocked_residents_are_left_out(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN, active=False)
    assert ids(store, garden) == []


def test_a_closed_opportunity_reaches_nobody(store: Store) -> None:
    closed = add_opportunity(store, id="closed", closing_date="2000-01-01")
    add_subscriber(store, 1, passions=GARDEN)
    assert ids(store, closed) == []


def test_unknown_id_cannot_be_broadcast(store: Store) -> None:
    with pytest.raises(NotBroadcastable, match="no opportunity with the id 'nope'"):
        check_broadcastable(store.get_opportunity("nope"), "nope")


def test_closed_opportunity_cannot_be_broadcast(store: Store) -> None:
    add_opportunity(store, id="closed", closing_date="2000-01-01")
    with pytest.raises(NotBroadcastable, match="closed on 2000-01-01"):
        check_broadcastable(store.get_opportunity("closed"), "closed")


def test_opportunity_no_longer_offered_cannot_be_broadcast(store: Store, garden: Opportunity) -> None:
    store.mark_not_offered("", [])
    with pytest.raises(NotBroadcastable, match="no longer offered"):
        check_broadcastable(store.get_opportunity(garden.id), garden.id)


def test_opportunity_with_a_non_http_link_cannot_be_broadcast(garden: Opportunity) -> None:
    garden.url = "javascript:alert(1)"
    with pytest.raises(NotBroadcastable, match="http or https"):
        check_broadcastable(garden, garden.id)


def test_opportunity_without_a_title_cannot_be_broadcast(garden: Opportunity) -> None:
    garden.title = "  "
    with pytest.raises(NotBroadcastable, match="title"):
        check_broadcastable(garden, garden.id)


def test_the_message_is_the_chat_card_with_a_way_to_stop(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN, postcode="NG1")
    [recipient] = recipients(store, garden)
    reply = broadcast_reply(garden, recipient)
    assert "<b>Community garden volunteers</b>" in reply.html and "km away" in reply.html
    assert [b.url for row in reply.buttons for b in row if b.url] == ["https://example.org/garden"]
    assert reply.buttons[-1][0].data == "unsub"


def test_enqueueing_twice_owes_each_resident_one_message(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN)
    chosen = recipients(store, garden)
    assert enqueue_broadcast(store, garden, chosen) == 1
    assert enqueue_broadcast(store, garden, chosen) == 0


async def test_a_resident_who_got_it_in_a_digest_is_not_sent_it_again(store: Store, garden: Opportunity) -> None:
    add_subscriber(store, 1, passions=GARDEN)
    store.enqueue_deliveries([{"campaign": "digest:1:2030-01-01", "resident_id": 1, "chat_id": 1,
                               "payload": {"opportunities": [garden.id], "html": "digest"}}])
    assert enqueue_broadcast(store, garden, recipients(store, garden)) == 0


async def test_send_broadcast_delivers_the_campaign(store: Store, garden: Opportunity) -> None:
    for resident in (1, 2, 3):
        add_subscriber(store, resident, passions=GARDEN)
    enqueue_broadcast(store, garden, recipients(store, garden))
    sender = Recorder()
    tally = await send_broadcast(store, sender, garden.id, options=Options(rate=500))
    assert sorted(sender.chats()) == [1, 2, 3] and tally.sent == 3
    assert {r["campaign"] for r in store.list_deliveries(campaign_of(garden.id))} == {"broadcast:garden"}
