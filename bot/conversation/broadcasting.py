"""A community worker's /broadcast: which opportunity, what is missing, a preview, then Send.

Only residents whose Telegram id is in GETINVOLVED_WORKERS (`Turn.worker`) get past the first
line; anyone else is refused politely and the attempt is logged. The flow lives in the worker's
stored state (a Step and state_data["broadcast"]), so a restart loses nothing:

    BC_WHAT     an id of a stored opportunity -> BC_PREVIEW
                a link -> BC_READING (the adapter reads the page: a "read-page" Task, whose
                result comes back as Incoming("draft"))
                a pasted description -> drafted (bot.drafting), then the questions
    BC_TITLE / BC_LINK / BC_PLACE   one question at a time, for what the text did not say
    BC_PREVIEW  the card exactly as residents get it, "This will reach N residents", Send / Cancel

A newly drafted opportunity is stored only when the worker presses Send. Until then it exists
only in the worker's state, so nothing half-made can reach search results, exports or alerts,
and an abandoned draft leaves nothing behind; the preview's count is worked out on the same
annotated opportunity, with the same targeting as the send. Send stores it (through
bot.catalogue, like every import), enqueues the ledger rows and hands the adapter a
"deliver-broadcast" Task; the ledger sends each resident the message at most once, so a second
press, or a second worker, can never send it twice.
"""
from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from bot import broadcast as engine  # a module, not names: bot.broadcast imports the conversation's cards
from bot import drafting
from bot.catalogue import add_opportunities, annotate
from bot.conversation import buttons, dialogue, wording
from bot.conversation.state import Step
from bot.conversation.turn import Turn
from bot.messages import Button, Incoming, PageDraft, Reply, Task
from bot.models import LIMITS, InvalidOpportunity, Opportunity

log = logging.getLogger(__name__)

KEY = "broadcast"  # state_data: the broadcast being prepared
SENT_KEY = "broadcasts_sent"  # state_data: nonce -> opportunity id of previews already sent
KEEP_SENT = 5
PREVIEW_SECONDS = 3600.0  # an older preview is not sent: who it reaches may have changed


def command(turn: Turn, args: str) -> list[Reply]:
    """/broadcast, optionally with the id, link or description straight after it."""
    if not turn.worker:
        log.warning("Refused /broadcast from Telegram user %s: not in GETINVOLVED_WORKERS", turn.resident_id)
        return [Reply(wording.BROADCAST_REFUSED)]
    turn.state.change(step=Step.BC_WHAT)
    turn.state.put(KEY, {})
    if args.strip():
        return _what(turn, args)
    return [_ask(wording.ASK_BROADCAST)]


def handle(turn: Turn, incoming: Incoming) -> list[Reply]:
    """Text (or anything else but a command or button) while the worker is in the flow."""
    if not turn.worker:  # taken off the list since starting: drop the draft
        _reset(turn)
        return [Reply(wording.BROADCAST_REFUSED)]
    if incoming.kind == "location" and incoming.location and turn.state.step is Step.BC_PLACE:
        return _located(turn, incoming.location)
    if incoming.kind != "text":
        return [Reply(wording.UNSUPPORTED), prompt(turn)]
    if len(incoming.text) > drafting.MAX_PASTE:
        return [Reply(wording.broadcast_too_long(f"{len(incoming.text):,}")), prompt(turn)]
    step = turn.state.step
    if step in (Step.BC_WHAT, Step.BC_READING):
        return _what(turn, incoming.text)
    if step is Step.BC_PREVIEW:
        _reset(turn)
        return [Reply(wording.BROADCAST_ABANDONED)]
    return _answer(turn, step, incoming.text)


def cancel(turn: Turn) -> list[Reply]:
    """/cancel or the Cancel button: whatever was prepared is dropped and nothing is sent."""
    _reset(turn)
    return [Reply(wording.BROADCAST_CANCELLED)]


def is_choice(data: str) -> bool:
    return data == buttons.BROADCAST or data.startswith(buttons.BROADCAST + ":")


def choice(turn: Turn, data: str) -> list[Reply]:
    """Send, Cancel or "It can be done from home"; buttons from older previews change nothing."""
    _, _, arg = data.partition(":")
    action, _, nonce = arg.partition(":")
    if action == "send" and nonce in turn.state.data.get(SENT_KEY, {}):
        return [Reply(wording.ALREADY_SENDING)]
    if not turn.worker or not turn.state.step.broadcasting:
        return [Reply(wording.STALE_BUTTON)]
    if action == "cancel":
        return cancel(turn)
    if action == "remote" and turn.state.step is Step.BC_PLACE:
        _draft(turn)["remote"] = True
        return _next(turn)
    if action == "send" and turn.state.step is Step.BC_PREVIEW and nonce == _data(turn).get("nonce"):
        return _send(turn, nonce)
    return [Reply(wording.STALE_BUTTON)]


def page_read(turn: Turn, page: PageDraft | None) -> list[Reply]:
    """The adapter read the linked page: continue with what it found, or say why it could not."""
    if page is None or turn.state.step is not Step.BC_READING or _data(turn).get("reading") != page.url:
        return []  # the worker has moved on (cancelled, pasted the text instead): nothing to say
    data = _data(turn)
    data.pop("reading", None)
    if page.problem:
        turn.state.change(step=Step.BC_WHAT)
        return [_ask(wording.page_problem(page.problem, page.count))]
    data["draft"] = drafting.draft_from_page(page.fields, page.url)
    return [Reply(wording.PAGE_READ), *_next(turn)]


def prompt(turn: Turn) -> Reply:
    """The question the worker is in the middle of, to ask again."""
    step = turn.state.step
    if step is Step.BC_READING:
        return _ask(wording.READING_PAGE)
    if step in (Step.BC_TITLE, Step.BC_LINK, Step.BC_PLACE):
        return _question(turn, step)
    if step is Step.BC_PREVIEW:
        return Reply(wording.broadcast_reach(int(_data(turn).get("count", 0)), 0),
                     [[_send_button(str(_data(turn).get("nonce", ""))), _cancel_button()]])
    return _ask(wording.ASK_BROADCAST)


# -- which opportunity ---------------------------------------------------------------------------

def _what(turn: Turn, raw: str) -> list[Reply]:
    """An id, a link or a description: the first answer to /broadcast."""
    text = raw.strip()
    if len(raw) > drafting.MAX_PASTE:
        return [Reply(wording.broadcast_too_long(f"{len(raw):,}")), _ask(wording.ASK_BROADCAST)]
    if len(text) <= LIMITS["id"] and turn.store.get_opportunity(text) is not None:
        return _stored(turn, text)
    if link := drafting.only_link(text):
        turn.state.change(step=Step.BC_READING)
        turn.state.put(KEY, {"reading": link})
        return [Reply(wording.READING_PAGE, [[_cancel_button()]], tasks=[Task("read-page", link)])]
    if text and not any(ch.isspace() for ch in text):
        return [_ask(_single_word_problem(turn, text))]
    try:
        draft = drafting.draft_from_text(text, today=turn.day())
    except drafting.DraftProblem as e:
        said = wording.broadcast_too_long(e.detail) if e.code == "too-long" else wording.BROADCAST_NO_WORDS
        return [_ask(said)]
    turn.state.put(KEY, {"draft": draft})
    return _next(turn)


def _single_word_problem(turn: Turn, text: str) -> str:
    """One word that is neither a stored id nor an http(s) link."""
    try:
        drafting.read_link(text)
    except drafting.DraftProblem as e:
        if e.code == "not-web":
            return wording.draft_problem("url", "not-web") + "\n" + wording.BROADCAST_SOMETHING_ELSE
    try:
        engine.check_broadcastable(None, text[:60])
    except engine.NotBroadcastable as e:
        return wording.no_such_opportunity(str(e))
    return wording.BROADCAST_SOMETHING_ELSE  # pragma: no cover - check_broadcastable(None) always raises


def _stored(turn: Turn, opportunity_id: str) -> list[Reply]:
    try:
        opportunity = engine.check_broadcastable(turn.store.get_opportunity(opportunity_id), opportunity_id,
                                          today=turn.today)
    except engine.NotBroadcastable as e:
        turn.state.change(step=Step.BC_WHAT)
        return [_ask(wording.no_such_opportunity(str(e)))]
    return _preview(turn, opportunity, {"id": opportunity_id})


# -- what is missing -----------------------------------------------------------------------------

def _answer(turn: Turn, step: Step, text: str) -> list[Reply]:
    """An answer to the title, link or place question; asked again, with the reason, if unusable."""
    draft = _draft(turn)
    field = {Step.BC_TITLE: "title", Step.BC_LINK: "url", Step.BC_PLACE: "place"}[step]
    try:
        if step is Step.BC_TITLE:
            draft["title"] = drafting.read_title(text)
        elif step is Step.BC_LINK:
            draft["url"] = drafting.read_link(text)
        else:
            _place(draft, drafting.read_place(text))
    except drafting.DraftProblem as e:
        return [Reply(wording.draft_problem(field, e.code, e.detail)), _question(turn, step)]
    turn.state.dirty = True
    return _next(turn)


def _place(draft: dict[str, Any], place: drafting.PlaceAnswer) -> None:
    if place.remote:
        draft["remote"] = True
    else:
        draft["postcode"] = place.postcode
    if place.place:
        draft["place"] = place.place


def _located(turn: Turn, where: tuple[float, float]) -> list[Reply]:
    """A location shared for "where is it?": its postcode district, as for a resident."""
    district = dialogue.district_near(where)
    if district is None:
        return [Reply(wording.LOCATION_TOO_FAR), _question(turn, Step.BC_PLACE)]
    _draft(turn)["postcode"] = district
    return _next(turn)


def _next(turn: Turn) -> list[Reply]:
    """The next question the draft needs, or the preview once it has everything."""
    draft = _draft(turn)
    turn.state.dirty = True
    if closed := drafting.closed_on(draft, turn.day()):
        turn.state.change(step=Step.BC_WHAT)
        turn.state.put(KEY, {})
        return [_ask(wording.draft_closed(closed) + "\n" + wording.BROADCAST_SOMETHING_ELSE)]
    need = drafting.missing(draft)
    if need is not None:
        step = {"title": Step.BC_TITLE, "url": Step.BC_LINK, "place": Step.BC_PLACE}[need]
        turn.state.change(step=step)
        return [_question(turn, step)]
    try:
        opportunity = annotate(drafting.to_opportunity(draft))
    except InvalidOpportunity as e:
        _reset(turn)
        return [Reply(wording.draft_invalid(str(e)))]
    return _preview(turn, opportunity, {"draft": draft})


def _question(turn: Turn, step: Step) -> Reply:
    if step is Step.BC_TITLE:
        return _ask(wording.ASK_DRAFT_TITLE)
    if step is Step.BC_LINK:
        return _ask(wording.ASK_DRAFT_LINK)
    place = str(_draft(turn).get("place", ""))
    text = wording.ask_draft_place_named(place) if place else wording.ASK_DRAFT_PLACE
    return _ask(text, [buttons.choice(wording.FROM_HOME_BUTTON, buttons.BROADCAST, "remote")])


# -- preview and send ----------------------------------------------------------------------------

def _preview(turn: Turn, opportunity: Opportunity, data: dict[str, Any]) -> list[Reply]:
    """The message as residents will get it, how many it reaches, and Send / Cancel."""
    chosen = _recipients(turn, opportunity)
    had_it = {row["resident_id"] for row in turn.store.list_deliveries(engine.campaign_of(opportunity.id))
              if row["status"] == "sent"}
    already = sum(1 for r in chosen if r.resident_id in had_it)
    nonce = secrets.token_hex(4)
    turn.state.change(step=Step.BC_PREVIEW)
    turn.state.put(KEY, {**data, "nonce": nonce, "previewed_at": time.time(), "count": len(chosen)})
    return [Reply(wording.PREVIEW_INTRO), engine.broadcast_reply(opportunity),
            Reply(wording.broadcast_reach(len(chosen), already), [[_send_button(nonce), _cancel_button()]])]


def _send(turn: Turn, nonce: str) -> list[Reply]:
    data = _data(turn)
    if time.time() - float(data.get("previewed_at", 0)) > PREVIEW_SECONDS:
        _reset(turn)
        return [Reply(wording.PREVIEW_EXPIRED)]
    listed = "id" not in data
    try:
        opportunity_id = data["id"] if not listed else _store_draft(turn, data.get("draft") or {})
        opportunity = engine.check_broadcastable(turn.store.get_opportunity(opportunity_id), opportunity_id,
                                          today=turn.today)
    except (engine.NotBroadcastable, InvalidOpportunity) as e:
        _reset(turn)
        return [Reply(wording.draft_invalid(str(e).rstrip(".")))]
    chosen = _recipients(turn, opportunity)
    engine.enqueue_broadcast(turn.store, opportunity, chosen)
    owed = turn.store.delivery_counts(engine.campaign_of(opportunity.id))
    pending = owed.get("pending", 0) + owed.get("sending", 0)
    log.info("Worker %s broadcast %s: %d matching residents, %d to send", turn.resident_id,
             opportunity.id, len(chosen), pending)
    _remember_sent(turn, nonce, opportunity.id)
    _reset(turn)
    if pending:
        return [Reply(wording.broadcast_sending(pending), tasks=[Task("deliver-broadcast", opportunity.id)])]
    said = wording.BROADCAST_NO_ONE if not chosen else wording.ALREADY_SENDING
    return [Reply(said + (" " + wording.BROADCAST_LISTED if listed else ""))]


def _store_draft(turn: Turn, draft: dict[str, Any]) -> str:
    """Save the drafted opportunity, annotated like every import; its id."""
    opportunity = drafting.to_opportunity(draft)
    add_opportunities(turn.store, [opportunity])
    return opportunity.id


def _recipients(turn: Turn, opportunity: Opportunity) -> list[engine.Recipient]:
    targeting = engine.Targeting(matcher=turn.matcher(), today=turn.today)
    return engine.recipients(turn.store, opportunity, targeting=targeting, today=turn.today)


def _remember_sent(turn: Turn, nonce: str, opportunity_id: str) -> None:
    sent = dict(turn.state.data.get(SENT_KEY, {}))
    sent[nonce] = opportunity_id
    turn.state.put(SENT_KEY, dict(list(sent.items())[-KEEP_SENT:]))


# -- small helpers -------------------------------------------------------------------------------

def _data(turn: Turn) -> dict[str, Any]:
    data = turn.state.data.get(KEY)
    if not isinstance(data, dict):
        data = {}
        turn.state.data[KEY] = data
    return data


def _draft(turn: Turn) -> dict[str, Any]:
    data = _data(turn)
    if not isinstance(data.get("draft"), dict):
        data["draft"] = {}
    draft: dict[str, Any] = data["draft"]
    return draft


def _reset(turn: Turn) -> None:
    turn.state.change(step=Step.IDLE)
    turn.state.drop(KEY)


def _ask(html: str, extra: list[Button] | None = None) -> Reply:
    return Reply(html, [[*(extra or []), _cancel_button()]])


def _cancel_button() -> Button:
    return buttons.choice(wording.CANCEL, buttons.BROADCAST, "cancel")


def _send_button(nonce: str) -> Button:
    return buttons.choice(wording.SEND, buttons.BROADCAST, f"send:{nonce}")
