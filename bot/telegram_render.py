"""Reply -> what Telegram accepts: valid HTML, at most 4096 characters, safe buttons.

The conversation core already escapes data and keeps replies short; this is the adapter's
defence in depth, so a slip in the core (or a surprising scraped title) can never produce a
message Telegram refuses. Pure functions, no I/O.
"""
from __future__ import annotations

import functools
import html
import logging
import re
from dataclasses import dataclass, replace
from typing import Sequence
from urllib.parse import urlsplit

from telegram import (InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup,
                      ReplyKeyboardRemove)

from bot.messages import Button, Reply

log = logging.getLogger(__name__)

MAX_TEXT = 4096  # Telegram's limit, counted here in UTF-16 code units (the stricter reading)
MAX_CALLBACK_BYTES = 64
MAX_PARTS = 3  # a reply longer than this many messages is cut: never flood a resident
ELLIPSIS = "…"

# Telegram's HTML subset: tag -> attributes we pass through.
ALLOWED_TAGS = {
    "b": (), "strong": (), "i": (), "em": (), "u": (), "ins": (), "s": (), "strike": (), "del": (),
    "a": ("href",), "code": ("class",), "pre": (), "tg-spoiler": (), "span": ("class",),
    "blockquote": ("expandable",),
}
_TOKEN = re.compile(r"<[^<>]*>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);|[^<&]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>$", re.S)
_ATTR = re.compile(r"""([a-zA-Z_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message to send: HTML text and an optional keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None


SHARE_LOCATION = "📍 Share my location"
PLACE_PLACEHOLDER = "Postcode, like NG7 2RD"
REMOVE_KEYBOARD = ReplyKeyboardRemove()


def render(reply: Reply) -> list[Outgoing]:
    """The messages that show one Reply; the buttons go on the last one."""
    parts = split_html(safe_html(reply.html))
    markup = location_keyboard(reply.buttons) if reply.ask_location else keyboard(reply.buttons)
    return [Outgoing(part, markup if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


def location_keyboard(rows: Sequence[Sequence[Button]]) -> ReplyKeyboardMarkup:
    """A one-tap "share my location" under the message box, the question's choices beside it.

    Only a reply keyboard can ask for the device's location; its choices come back as the
    resident's own text ("I'd rather not say"), which the core understands as typed.
    """
    choices = [KeyboardButton(" ".join(b.label.split())) for row in rows for b in row if b.data and b.label.strip()]
    return ReplyKeyboardMarkup([[KeyboardButton(SHARE_LOCATION, request_location=True)], *([choices] if choices else [])],
                               resize_keyboard=True, one_time_keyboard=True,
                               input_field_placeholder=PLACE_PLACEHOLDER)


def combine(replies: Sequence[Reply]) -> list[Reply]:
    """Fold each bare reply (text only, no buttons) into the reply after it.

    Telegram asks bots to keep to about one message a second per chat, and a resident's phone
    buzzes for each one: "Here are 3 ideas near NG7" belongs on top of the first card, not on a
    message of its own. Replies that edit a message, carry buttons or tasks stay as they are.
    """
    combined: list[Reply] = []
    for reply in replies:
        previous = combined[-1] if combined else None
        if (previous is not None and previous == Reply(previous.html) and not reply.edit
                and utf16_len(previous.html) + utf16_len(reply.html) + 2 <= MAX_TEXT):
            combined[-1] = replace(reply, html=f"{previous.html}\n\n{reply.html}")
        else:
            combined.append(reply)
    return combined


def plain(markup: str) -> str:
    """The text without tags, escaped again: always valid, used when formatting cannot be kept."""
    return html.escape(visible_text(markup), quote=False)


def visible_text(markup: str) -> str:
    """What a resident sees of valid markup: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^<>]*>", "", markup))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- HTML ------------------------------------------------------------------------------------

def safe_html(markup: str) -> str:
    """The markup itself when it is valid Telegram HTML; otherwise its escaped plain text.

    Never empty: Telegram refuses a message with no visible text, so that becomes an ellipsis.
    """
    try:
        _check(markup)
    except ValueError as e:
        log.warning("Reply HTML was not valid for Telegram (%s); sending it as plain text", e)
        markup = plain(markup)
    return markup if visible_text(markup).strip() else html.escape(ELLIPSIS)


def _check(markup: str) -> None:
    stack: list[str] = []
    for token in _TOKEN.findall(markup):
        if token in ("<", "&"):
            raise ValueError(f"bare {token!r}")
        if not token.startswith("<"):
            continue
        m = _TAG.match(token)
        if not m or m.group(2).lower() not in ALLOWED_TAGS:
            raise ValueError(f"unsupported tag {token[:40]!r}")
        closing, name = m.group(1), m.group(2).lower()
        if closing:
            if not stack or stack.pop() != name:
                raise ValueError(f"unmatched {token!r}")
            continue
        attrs = _attrs(m.group(3))
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise ValueError("span without class tg-spoiler")
        stack.append(name)
    if stack:
        raise ValueError(f"unclosed <{stack[-1]}>")


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
            for m in _ATTR.finditer(text)}


def split_html(markup: str, limit: int = MAX_TEXT, max_parts: int = MAX_PARTS) -> list[str]:
    """Valid HTML cut into messages of at most `limit` visible characters, preferring line breaks.

    Tags open at a cut are closed at the end of one part and reopened at the start of the next.
    After `max_parts` parts the rest is dropped and the last part ends with an ellipsis.
    """
    if utf16_len(markup) <= limit or utf16_len(visible_text(markup)) <= limit:
        return [markup]  # the usual case (what shows is never longer than the markup), without the work below
    tokens = _TOKEN.findall(markup)
    atoms: list[tuple[str, int]] = []  # (markup, visible length); tags have length 0
    for token in tokens:
        if token.startswith("<") or (token.startswith("&") and token.endswith(";")):
            atoms.append((token, 0 if token.startswith("<") else utf16_len(html.unescape(token))))
        else:
            atoms.extend((ch, utf16_len(ch)) for ch in token)
    if sum(n for _, n in atoms) <= limit:
        return [markup]
    parts: list[str] = []
    start, reopen = 0, []
    while start < len(atoms) and len(parts) < max_parts:
        end, stack, cut = _fill(atoms, start, limit, list(reopen))
        last = len(parts) == max_parts - 1
        if last and end < len(atoms):  # room for the ellipsis that says something was cut
            end, stack, cut = _fill(atoms, start, limit - utf16_len(ELLIPSIS) - 1, list(reopen))
        tail = [f"</{_name(t)}>" for t in reversed(stack)]
        body = "".join(reopen + [a for a, _ in atoms[start:end]])
        if end < len(atoms) and last:
            body = body.rstrip() + "\n" + ELLIPSIS if cut == "line" else body.rstrip() + ELLIPSIS
        if visible_text(body).strip():
            parts.append(body + "".join(tail))
        start, reopen = end, stack
    return parts or [html.escape(ELLIPSIS)]


def _fill(atoms: list[tuple[str, int]], start: int, budget: int, stack: list[str]) -> tuple[int, list[str], str]:
    """How far one part reaches: (end index, open tags there, 'line' or 'word' or 'hard')."""
    used, i = 0, start
    best: tuple[int, list[str]] | None = None
    word: tuple[int, list[str]] | None = None
    while i < len(atoms):
        token, size = atoms[i]
        if used + size > budget:
            break
        used += size
        if token.startswith("</"):
            stack.pop()
        elif token.startswith("<"):
            stack.append(token)
        elif token == "\n":
            best = (i + 1, list(stack))
        elif token == " ":
            word = (i + 1, list(stack))
        i += 1
    if i >= len(atoms):
        return i, stack, "end"
    if best and best[0] - start > (i - start) // 2:
        return best[0], best[1], "line"
    if word and word[0] - start > (i - start) // 2:
        return word[0], word[1], "word"
    return max(i, start + 1), stack, "hard"


def _name(open_tag: str) -> str:
    m = _TAG.match(open_tag)
    return m.group(2).lower() if m else "b"


# -- buttons ---------------------------------------------------------------------------------

def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Inline keyboard for the buttons Telegram would accept; the others are dropped (and logged).

    Residents are mostly shown the same keyboards (a question's choices, a card's buttons), and
    building python-telegram-bot's objects for them is a good part of a message's cost, so the
    keyboards last built are kept and shared (they are immutable); a dropped button is logged
    when its keyboard is first built.
    """
    return _keyboard(tuple(tuple(row) for row in rows)) if rows else None


@functools.lru_cache(maxsize=1024)
def _keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    kept = [[b for b in (_button(button) for button in row) if b] for row in rows]
    kept = [row for row in kept if row]
    return InlineKeyboardMarkup(kept) if kept else None


def _button(button: Button) -> InlineKeyboardButton | None:
    label = " ".join(button.label.split())
    if not label:
        return None
    if button.url:
        if is_web_url(button.url):
            return InlineKeyboardButton(label, url=button.url)
        log.warning("Dropped a link button that is not an http(s) link: %.80r", button.url)
        return None
    if button.data and len(button.data.encode()) <= MAX_CALLBACK_BYTES:
        return InlineKeyboardButton(label, callback_data=button.data)
    log.warning("Dropped a button whose data is empty or over %d bytes: %.80r", MAX_CALLBACK_BYTES, button.data)
    return None


def is_web_url(url: str) -> bool:
    """An absolute http(s) link with a host and no spaces: the only links we put on buttons."""
    if any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
