"""The conversation core: one resident's input and stored state in, replies out.

It knows nothing of Telegram or terminals. Adapters call `Conversation.handle` on the store's
worker thread (`store.run`), because it reads and writes the store synchronously.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Callable, Iterable

from bot.conversation import broadcasting, commands, dialogue, wording
from bot.conversation import understanding as read
from bot.conversation.cards import card, fit
from bot.conversation.finding import Finder, store_matcher
from bot.conversation.state import load, save
from bot.conversation.turn import Turn
from bot.matching import Matcher
from bot.messages import Incoming, Reply
from bot.store import Store

log = logging.getLogger(__name__)

MatcherProvider = Callable[[], Matcher]


class Conversation:
    """The coaching dialogue, shared by every channel; all state lives in the store."""

    def __init__(self, store: Store, matcher_provider: MatcherProvider | Matcher | None = None, *,
                 today: dt.date | None = None, workers: Iterable[int] = ()):
        """`matcher_provider` is a Matcher, or a function returning the current one (so a
        long-running bot sees new opportunities); None builds one from the store and rebuilds
        it when the opportunities change. `today` fixes the date for closing dates (tests).
        `workers`: the user ids of community workers (GETINVOLVED_WORKERS), who may /broadcast."""
        self.store = store
        self.workers = frozenset(workers)
        if matcher_provider is None:
            matcher_provider = store_matcher(store)
        if hasattr(matcher_provider, "search"):
            fixed = matcher_provider
            self._matcher: MatcherProvider = lambda: fixed  # type: ignore[assignment,return-value]
        else:
            self._matcher = matcher_provider  # type: ignore[assignment]
        self.today = today

    def handle(self, resident_id: int, incoming: Incoming, *, chat_id: int | None = None,
               private: bool = True) -> list[Reply]:
        """Replies to one thing a resident did, saving their new state before returning.

        In a group (`private=False`) nothing is read or stored about anyone. Never raises for
        bad input; an unexpected error is logged and answered with a short apology.
        """
        try:
            if not private:
                replies = self._group(incoming)
            else:
                replies = self._private(resident_id, incoming, chat_id)
        except Exception:
            log.exception("conversation failed for an update of kind %s", incoming.kind)
            replies = [Reply(wording.SORRY)]
        return [_fit(r) for r in replies]

    def _private(self, resident_id: int, incoming: Incoming, chat_id: int | None) -> list[Reply]:
        state = load(self.store, resident_id)
        if chat_id is not None and chat_id != state.chat_id:
            state.chat_id = chat_id
            state.dirty = state.exists
        turn = Turn(self.store, self._matcher, state, today=self.today, worker=resident_id in self.workers)
        replies = _dispatch(turn, incoming)
        if not turn.forgotten:
            save(self.store, state)
        return replies

    def _group(self, incoming: Incoming) -> list[Reply]:
        """Groups get /help and /search only, answered without storing anything."""
        command = incoming.command.lower() or "help"
        if incoming.kind != "command":
            return [Reply(wording.GROUP_PRIVATE)]
        if command == "help":
            return [Reply(wording.help_text())]
        if command == "start":
            return [Reply(wording.GROUP_START)]
        if command == "broadcast":
            return [Reply(wording.BROADCAST_IN_GROUP)]
        if command == "search":
            return self._group_search(read.clean(incoming.text))
        if command in commands.HANDLERS:
            return [Reply(wording.GROUP_PRIVATE)]
        return [Reply(wording.unknown_command(command))]

    def _group_search(self, args: str) -> list[Reply]:
        district, words = read.district_in(args)
        if not read.has_words(words) or read.only_filler(words):
            return [Reply(wording.SEARCH_HOW)]
        query = read.shorten_words(words, read.MAX_PASSION_CHARS)
        found = Finder(self._matcher(), district=district or "", today=self.today).find(query)
        if not found.matches:
            return [Reply(wording.nothing_found(query, district or "") + "\n" + wording.GROUP_FOOTER)]
        intro = (wording.nothing_local_but_remote(district or "") if found.reach == "remote"
                 else wording.results_intro(len(found.matches), district or ""))
        first_dbs = next((m for m in found.matches if m.opportunity.dbs_check), None)
        cards = [card(m, None, explain_dbs=m is first_dbs) for m in found.matches]
        return [Reply(intro), *cards, Reply(wording.GROUP_FOOTER)]


def _fit(reply: Reply) -> Reply:
    """`fit`, keeping the reply's tasks when it has to shorten the text."""
    shown = fit(reply)
    if shown is not reply:
        shown.tasks = list(reply.tasks)
    return shown


def _dispatch(turn: Turn, incoming: Incoming) -> list[Reply]:
    if incoming.kind == "command" and incoming.command.lower() == "broadcast":
        return broadcasting.command(turn, incoming.text)  # the raw text: a pasted description keeps its lines
    if incoming.kind == "command":
        return commands.run(turn, incoming.command.lower(), incoming.text)
    if incoming.kind == "choice" and broadcasting.is_choice(incoming.choice):
        return broadcasting.choice(turn, incoming.choice)
    if incoming.kind == "choice":
        return dialogue.choice(turn, incoming.choice)
    if incoming.kind == "draft":
        return broadcasting.page_read(turn, incoming.draft)
    if turn.state.step.broadcasting:
        return broadcasting.handle(turn, incoming)
    if incoming.kind == "location" and incoming.location is not None:
        return dialogue.location(turn, incoming.location)
    if incoming.kind == "text":
        return dialogue.text(turn, incoming.text)
    return dialogue.unsupported(turn)
