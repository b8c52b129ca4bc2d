"""One match as a short card: what, who, where, when, who can, why it matched, and buttons.

Every value from the data is escaped here; descriptions are cut to a sentence or two so a card
stays short (and always far below Telegram's 4096 characters).
"""
from __future__ import annotations

import html
import re
from html import escape

from bot.conversation import buttons, wording
from bot.conversation.state import State
from bot.matching import Match
from bot.messages import Button, Reply

MAX_TELEGRAM_TEXT = 4096
DESCRIPTION_CHARS = 240
TITLE_CHARS = 200
LINE_CHARS = 200
_TAG = re.compile(r"<[^>]*>")
MATCHES = "Matches: "  # not "what you said": the words may be close ones the matcher found
_SAYS_REMOTE = re.compile(r"\b(?:home|online|remote)\b", re.I)


def shorten(text: str, limit: int) -> str:
    """Plain text cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def card(match: Match, state: State | None, *, explain_dbs: bool = False) -> Reply:
    """A card for one match. With no state (a group chat) it offers only the link.

    The distance appears once, on the Where line; the matched words get a line of their own.
    A DBS check is explained right under the line that asks for it, the first time one appears.
    """
    opp = match.opportunity
    lines = [f"<b>{escape(shorten(opp.title, TITLE_CHARS))}</b>"]
    who = [shorten(opp.organisation, LINE_CHARS)] if opp.organisation else []
    who.append(wording.KINDS.get(opp.kind, ""))
    lines.append(escape(" · ".join(w for w in who if w)))
    lines.append(escape(_where(match)))
    if opp.commitment:
        lines.append(escape("Time: " + shorten(opp.commitment, LINE_CHARS)))
    if needs := _who_can(match):
        lines.append(escape(needs))
    if explain_dbs and opp.dbs_check:
        lines.append(wording.DBS_EXPLAINED)
    if match.reasons:
        lines.append(f"<i>{escape(MATCHES + shorten(', '.join(match.reasons), LINE_CHARS))}</i>")
    if opp.description:
        lines.append(escape(shorten(opp.description, DESCRIPTION_CHARS)))
    return Reply("\n".join(line for line in lines if line), _card_buttons(match, state))


def _where(match: Match) -> str:
    opp = match.opportunity
    parts = [shorten(opp.place, LINE_CHARS)] if opp.place else []
    if opp.remote:
        if not _SAYS_REMOTE.search(opp.place):
            parts.append(wording.FROM_HOME)
    elif match.distance_km is not None:
        parts.append(wording.km_away(match.distance_km))
    return "Where: " + " · ".join(parts) if parts else ""


def _who_can(match: Match) -> str:
    opp = match.opportunity
    parts = []
    if opp.min_age:
        parts.append(wording.min_age(opp.min_age))
    if opp.dbs_check:
        parts.append(wording.DBS_NEEDED)
    return " · ".join(parts)


def _card_buttons(match: Match, state: State | None) -> list[list[Button]]:
    opp = match.opportunity
    rows: list[list[Button]] = []
    if url_button := buttons.link(wording.APPLY, opp.url):
        rows.append([url_button])
    if state is not None:
        rows.append([
            buttons.about(wording.MORE_LIKE_THIS, buttons.MORE, opp.id, state),
            buttons.about(wording.NOT_FOR_ME, buttons.HIDE, opp.id, state),
            buttons.about(wording.SAVE, buttons.SAVE, opp.id, state),
        ])
    return rows


def visible_length(markup: str) -> int:
    """Length as Telegram counts it: tags removed, entities decoded, in UTF-16 code units."""
    text = html.unescape(_TAG.sub("", markup))
    return len(text.encode("utf-16-le")) // 2


def fit(reply: Reply) -> Reply:
    """A last guard: a reply too long for Telegram becomes plain, shortened text."""
    if len(reply.html) * 2 <= MAX_TELEGRAM_TEXT:
        return reply  # even all astral characters (two UTF-16 units each) would fit
    if visible_length(reply.html) <= MAX_TELEGRAM_TEXT and len(reply.html) <= MAX_TELEGRAM_TEXT * 2:
        return reply
    text = html.unescape(_TAG.sub("", reply.html))
    short = text[:2000].rsplit("\n", 1)[0] + "\n…"
    return Reply(escape(short), reply.buttons, reply.edit)
