"""Button data: short codes that come back when a resident presses a button.

Telegram allows at most 64 bytes of callback data, so a button about an opportunity carries its
id ("hide:ncc-citizens-panel") only when that fits, and otherwise a small number that the
resident's state_data maps back to the id ("hide#12").
"""
from __future__ import annotations

from bot.conversation.state import State
from bot.messages import Button

MAX_DATA_BYTES = 64

# actions about one opportunity
MORE, HIDE, SAVE = "more", "hide", "save"
# dialogue actions
PASSION = "pas"  # pas:<cause key>
SKIP_SKILLS = "skip"
PLACE = "place"  # place:keep / place:skip
TIME = "t"  # t:<availability> toggles, t:done finishes
NEXT = "next"  # three more for the same search
SMALL = "small"  # smaller first steps
SUBSCRIBE = "sub"  # sub:yes / sub:no
UNSUBSCRIBE = "unsub"  # "Stop these messages" under alert digests and broadcasts (bot.broadcast)
BROADCAST = "bc"  # bc:send:<draft nonce> / bc:cancel / bc:remote, in a worker's /broadcast


def choice(label: str, action: str, arg: str = "") -> Button:
    data = f"{action}:{arg}" if arg else action
    if len(data.encode()) > MAX_DATA_BYTES:
        raise ValueError(f"button data too long: {data!r}")
    return Button(label, data=data)


def about(label: str, action: str, opportunity_id: str, state: State) -> Button:
    """A button acting on one opportunity; falls back to a stored reference for long ids."""
    data = f"{action}:{opportunity_id}"
    if len(data.encode()) > MAX_DATA_BYTES:
        data = f"{action}#{state.ref(opportunity_id)}"
    return Button(label, data=data)


def link(label: str, url: str) -> Button | None:
    """A URL button, only for http(s) addresses."""
    if url.lower().startswith(("http://", "https://")) and " " not in url:
        return Button(label, url=url)
    return None


def parse(data: str, state: State) -> tuple[str, str | None]:
    """(action, argument) from button data; the argument is None when a reference has expired."""
    if "#" in data and ":" not in data.split("#", 1)[0]:
        action, number = data.split("#", 1)
        return action, state.deref(number)
    action, _, arg = data.partition(":")
    return action, arg
