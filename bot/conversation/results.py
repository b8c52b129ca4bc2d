"""Showing matches and acting on them: the cards, "more like this", "not for me", "save",
starting small, and the offer to hear about new opportunities."""
from __future__ import annotations

from bot.conversation import buttons, wording
from bot.conversation.cards import card
from bot.conversation.finding import NEAR_KM, Found, is_big_commitment, nearest_km
from bot.conversation.state import Step
from bot.conversation.turn import Turn, cause_buttons
from bot.matching import Match
from bot.messages import Reply


def show(turn: Turn, query: str) -> list[Reply]:
    """A fresh search: the best few, then what to do next. Never an empty answer."""
    state = turn.state
    state.change(step=Step.RESULTS)
    state.put("query", query)
    state.put("shown", [])
    found = turn.finder().find(query, exclude=turn.excluded(with_shown=False))
    if not found.matches:
        return nothing_found(turn, query)
    return [Reply(_intro(turn, found)), *cards(turn, found.matches), closing(turn, found.matches)]


def next_page(turn: Turn) -> list[Reply]:
    query = turn.state.data.get("query", "")
    if not query:
        return [Reply(wording.ASK_FOR_WORDS)]
    found = turn.finder().find(query, exclude=turn.excluded(with_shown=True))
    if not found.matches:
        return [Reply(wording.NOTHING_MORE + "\n" + wording.TRY_OTHER_CAUSES, cause_buttons(query))]
    return [Reply(wording.NEXT_INTRO), *cards(turn, found.matches), closing(turn, found.matches)]


def more_like(turn: Turn, opportunity_id: str) -> list[Reply]:
    opp = turn.store.get_opportunity(opportunity_id)
    if opp is None:
        return [Reply(wording.GONE)]
    query = " ".join([opp.title, *opp.causes])
    skip = turn.excluded(with_shown=True) | {opp.id}
    found = turn.finder().find(query, exclude=skip)
    if not found.matches:
        return [Reply(wording.NOTHING_MORE + "\n" + wording.TRY_OTHER_CAUSES, cause_buttons())]
    return [Reply(wording.more_like_intro(opp.title)), *cards(turn, found.matches), closing(turn, found.matches)]


def smaller(turn: Turn) -> list[Reply]:
    query = turn.state.data.get("query", "")
    if not query:
        return [Reply(wording.ASK_FOR_WORDS)]
    matches = turn.finder().smaller(query, exclude=turn.excluded(with_shown=True))
    if not matches:
        return [Reply(wording.NOTHING_SMALLER)]
    return [Reply(wording.SMALL_INTRO), *cards(turn, matches), closing(turn, matches)]


def hide(turn: Turn, opportunity_id: str) -> list[Reply]:
    """'Not for me': never shown again, and one more in its place when there is one."""
    if opportunity_id in turn.store.hidden_ids(turn.resident_id):
        return [Reply(wording.ALREADY_HIDDEN)]
    opp = turn.store.get_opportunity(opportunity_id)
    if opp is None:
        return [Reply(wording.GONE)]
    turn.store.hide(turn.resident_id, opportunity_id)
    turn.state.dirty = True
    said = wording.hidden(opp.title)
    query = turn.state.data.get("query", "")
    if turn.state.step is not Step.RESULTS or not query:
        return [Reply(said)]
    found = turn.finder().find(query, exclude=turn.excluded(with_shown=True), limit=1)
    if not found.matches:
        return [Reply(said)]
    return [Reply(said + "\n" + wording.INSTEAD), *cards(turn, found.matches)]


def save(turn: Turn, opportunity_id: str) -> list[Reply]:
    if opportunity_id in turn.store.saved_ids(turn.resident_id):
        return [Reply(wording.ALREADY_SAVED)]
    opp = turn.store.get_opportunity(opportunity_id)
    if opp is None:
        return [Reply(wording.GONE)]
    turn.store.save_for_later(turn.resident_id, opportunity_id)
    turn.state.dirty = True
    return [Reply(wording.saved(opp.title))]


def cards(turn: Turn, matches: list[Match]) -> list[Reply]:
    """Cards for matches, explaining DBS checks the first time one appears for this resident."""
    replies = []
    for match in matches:
        explain = bool(match.opportunity.dbs_check) and not turn.state.data.get("dbs_explained")
        if explain:
            turn.state.put("dbs_explained", True)
        replies.append(card(match, turn.state, explain_dbs=explain))
    turn.state.add_shown([m.opportunity.id for m in matches])
    return replies


def closing(turn: Turn, matches: list[Match]) -> Reply:
    """After the cards: start small if everything is a big ask, an offer of news, and more."""
    parts, rows = [], []
    if matches and all(is_big_commitment(m.opportunity) for m in matches):
        parts.append(wording.start_small(len(matches)))
        rows.append([buttons.choice(wording.START_SMALL_BUTTON, buttons.SMALL)])
    topic = _alert_topic(turn)
    if topic is not None:
        parts.append(wording.offer_alerts(topic or turn.state.passions))
        turn.state.put("offer", topic)
        rows.append([buttons.choice(wording.YES_PLEASE, buttons.SUBSCRIBE, "yes"),
                     buttons.choice(wording.NO_THANKS, buttons.SUBSCRIBE, "no")])
    if not parts:
        parts.append(wording.SOMETHING_ELSE)
    rows.append([buttons.choice(wording.SHOW_MORE, buttons.NEXT)])
    return Reply("\n\n".join(parts), rows)


def nothing_found(turn: Turn, query: str) -> list[Reply]:
    """Easy first steps nearby when there are any (after a "sorry" when the words named
    something we have nothing for), then the causes, then an offer of news about the topic."""
    topical = turn.matcher().has_topic(query)
    causes = [passion for _, passion in wording.CAUSES.values()]
    nearby = turn.finder().starters(causes, exclude=turn.excluded(with_shown=True))
    sorry = wording.nothing_found(query, turn.state.postcode)
    if nearby:
        intro = f"{sorry}\n{wording.starters_intro(turn.state.postcode)}" if topical else wording.ways_to_start(
            turn.state.postcode)
        replies = [Reply(intro), *cards(turn, nearby), Reply(wording.TRY_OTHER_CAUSES, cause_buttons(query))]
    else:
        replies = [Reply(sorry + "\n" + wording.TRY_OTHER_CAUSES, cause_buttons(query))]
    topic = _alert_topic(turn) if topical else None  # news about "give back" would never come
    if topic is not None:
        turn.state.put("offer", topic)
        replies.append(Reply(wording.offer_alerts(topic or turn.state.passions), [[
            buttons.choice(wording.YES_PLEASE, buttons.SUBSCRIBE, "yes"),
            buttons.choice(wording.NO_THANKS, buttons.SUBSCRIBE, "no")]]))
    return replies


def subscribe(turn: Turn, topic: str) -> list[Reply]:
    """Alerts for a topic; an empty topic means the saved passions."""
    shown = topic or turn.state.passions
    if topic in turn.store.subscriptions(turn.resident_id):
        return [Reply(wording.already_subscribed(shown))]
    turn.store.subscribe(turn.resident_id, topic)
    turn.state.dirty = True
    turn.state.drop("offer")
    return [Reply(wording.subscribed(shown, turn.state.postcode))]


def answer_offer(turn: Turn, yes: bool) -> list[Reply]:
    topic = turn.state.data.get("offer")
    if topic is None:
        return [Reply(wording.STALE_BUTTON)]
    if not yes:
        turn.state.drop("offer")
        turn.state.put("declined", topic)
        return [Reply(wording.NO_ALERTS_THANKS)]
    return subscribe(turn, topic)


def _alert_topic(turn: Turn) -> str | None:
    """What to offer news about ('' = the saved passions), or None when there is nothing to offer."""
    query = turn.state.data.get("query", "")
    passions_search = turn.state.passions and query == turn.passion_query()
    topic = "" if passions_search else query
    if not (topic or turn.state.passions):
        return None
    if topic == turn.state.data.get("declined") or topic in turn.store.subscriptions(turn.resident_id):
        return None
    return topic


def _intro(turn: Turn, found: Found) -> str:
    if found.reach == "remote":
        return wording.nothing_local_but_remote(turn.state.postcode)
    nearest = nearest_km(found.matches)
    if turn.state.postcode and nearest is not None and nearest > NEAR_KM:
        return wording.only_far_away(turn.state.postcode, nearest)
    return wording.results_intro(len(found.matches), turn.state.postcode)
