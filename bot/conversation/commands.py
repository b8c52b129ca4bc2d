"""The residents' commands in a private chat. Each works at any point in the dialogue."""
from __future__ import annotations

from typing import Callable

from bot.conversation import broadcasting, dialogue, results, wording
from bot.conversation import understanding as read
from bot.conversation.state import Step
from bot.conversation.turn import Turn
from bot.messages import Reply

MAX_LISTED = 10  # saved or hidden opportunities listed by name in /mydata


def run(turn: Turn, command: str, args: str) -> list[Reply]:
    handler = HANDLERS.get(command or "help")
    if handler is None:
        return [Reply(wording.unknown_command(command))]
    return handler(turn, read.clean(args))


def start(turn: Turn, args: str) -> list[Reply]:
    """/start, and '/start litter picking' answers the first question at once. A single code
    with digits or underscores (a Telegram deep link's payload) is not an answer."""
    said = args if read.has_words(args) and not read.is_token(args) else ""
    return dialogue.start(turn, said)


def search(turn: Turn, args: str) -> list[Reply]:
    """/search TEXT: matches at once, near the saved place (or a postcode given with the words)."""
    district, words = read.district_in(args)
    if district:
        turn.state.change(postcode=district)
        turn.state.drop("place_skipped")
    times, words = _times_in_search(words)
    if times:
        turn.state.change(availability=times)
    if read.has_words(words) and not read.only_filler(words):
        return results.show(turn, read.shorten_words(words, read.MAX_PASSION_CHARS))
    if turn.state.passions:
        return results.show(turn, turn.passion_query())
    return [Reply(wording.SEARCH_HOW)]


def _times_in_search(words: str) -> tuple[list[str], str]:
    """'/search weekends NG7', '/search dog walking weekends': the times, and what to look for."""
    if times := read.only_times(words):
        return times, ""
    return read.split_times(words)


def postcode(turn: Turn, args: str) -> list[Reply]:
    if not args:
        return [Reply(wording.POSTCODE_HOW)]
    found, rest = read.district_in(args)
    if found and read.only_filler(rest):
        args = found  # '/postcode my postcode is LE4 5AB'
    district, problem = dialogue.postcode_given(args)
    if district is None:
        return [Reply(problem)]
    return dialogue.place_set(turn, district, wording.place_kept(district))


def subscribe(turn: Turn, args: str) -> list[Reply]:
    """/subscribe [TOPIC]: news about the topic, or about the saved passions; asks when there are none."""
    district, args = read.district_in(args)
    if district:
        turn.state.change(postcode=district)
        turn.state.drop("place_skipped")
    if read.has_words(args) and not read.only_filler(args):
        return results.subscribe(turn, read.shorten_words(read.passion_from(args), dialogue.MAX_TOPIC_CHARS))
    if turn.state.passions:
        return results.subscribe(turn, "")
    if turn.state.step is not Step.TOPIC:
        turn.state.put("before_topic", turn.state.step.value)
    turn.state.change(step=Step.TOPIC)
    return [Reply(wording.ASK_TOPIC)]


def unsubscribe(turn: Turn, args: str) -> list[Reply]:
    stopped = turn.store.unsubscribe(turn.resident_id)
    return [Reply(wording.UNSUBSCRIBED if stopped else wording.NOT_SUBSCRIBED)]


def forget(turn: Turn, args: str) -> list[Reply]:
    turn.store.forget_resident(turn.resident_id)
    turn.forgotten = True
    return [Reply(wording.FORGOTTEN)]


def help_(turn: Turn, args: str) -> list[Reply]:
    return [Reply(wording.help_text(worker=turn.worker))]


def cancel(turn: Turn, args: str) -> list[Reply]:
    if turn.state.step.broadcasting:
        return broadcasting.cancel(turn)
    if turn.state.exists or turn.state.dirty:
        turn.state.change(step=Step.IDLE)
        turn.state.drop("place_given", "offer", "before_topic")
    return [Reply(wording.CANCELLED)]


def mydata(turn: Turn, args: str) -> list[Reply]:
    """Everything stored about the resident, in plain words."""
    state, store = turn.state, turn.store
    saved = store.saved_ids(turn.resident_id)
    hidden = sorted(store.hidden_ids(turn.resident_id))
    topics = store.subscriptions(turn.resident_id)
    if not (state.exists or saved or hidden or topics):
        return [Reply(wording.MYDATA_NOTHING)]
    line = wording.mydata_line
    lines = [wording.MYDATA_TITLE, line("Your user number", str(turn.resident_id))]
    if state.chat_id is not None:
        lines.append(line("Your chat number (so I can reply)", str(state.chat_id)))
    lines.append(line("What you care about", state.passions or "not given"))
    lines.append(line("What you're good at", state.skills or "not given"))
    where = f"{state.postcode} (only the first part of your postcode)" if state.postcode else "not given"
    lines.append(line("Where you are", where))
    if (age := state.data.get("age")) is not None:
        lines.append(line("Your age, as you told me", str(age)))
    times = ", ".join(wording.AVAILABILITY.get(a, a) for a in state.availability)
    lines.append(line("Time you have", times or "not given"))
    lines.append(line("Where we are in our chat", wording.STEP_NAMES.get(state.step.value, state.step.value)))
    if query := state.data.get("query"):
        lines.append(line("Your last search", query))
    if state.shown:
        lines.append(line("Also", "which results I've shown you, so I don't repeat them"))
    news = [("your interests" if t == "" else f"“{t}”") for t in topics]
    lines.append(line("News you asked for", ", ".join(news) or "none"))
    lines += _listing(turn, "Saved for later", saved)
    lines += _listing(turn, "Not for you (I won't show these again)", hidden)
    if state.created_at:
        lines.append(line("First message", state.created_at[:10]))
    lines.append("\n" + wording.MYDATA_FOOTER)
    return [Reply("\n".join(lines)), *turn.prompt()]  # then the question they were in the middle of


def _listing(turn: Turn, label: str, ids: list[str]) -> list[str]:
    if not ids:
        return [wording.mydata_line(label, "none")]
    lines = [wording.mydata_line(label, str(len(ids)))]
    for opportunity_id in ids[:MAX_LISTED]:
        opp = turn.store.get_opportunity(opportunity_id)
        lines.append(wording.mydata_item((opp.title if opp else opportunity_id)[:120]))
    if len(ids) > MAX_LISTED:
        lines.append("  " + wording.and_more(len(ids) - MAX_LISTED))
    return lines


HANDLERS: dict[str, Callable[[Turn, str], list[Reply]]] = {
    "start": start, "search": search, "postcode": postcode, "subscribe": subscribe,
    "unsubscribe": unsubscribe, "mydata": mydata, "forget": forget, "help": help_, "cancel": cancel,
}
