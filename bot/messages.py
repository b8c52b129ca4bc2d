"""What passes between a channel (Telegram, terminal) and the conversation core.

The core never sees Telegram objects and never writes to a terminal: an adapter turns what a
resident did into an `Incoming`, and renders the `Reply` objects the core returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

IncomingKind = Literal["text", "command", "choice", "location", "unsupported"]


@dataclass(frozen=True)
class Incoming:
    """One thing a resident did: typed text, a /command, a button press, a shared location,
    or something the bot cannot read (a sticker, photo or voice note)."""

    kind: IncomingKind
    text: str = ""  # the text typed, or a command's arguments
    command: str = ""  # without the slash or @botname, lower case: "start", "search"
    choice: str = ""  # a pressed button's data
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Button:
    """A button: either a choice sent back to the core (`data`) or a link opened by the client (`url`)."""

    label: str
    data: str = ""
    url: str = ""


@dataclass
class Reply:
    """One message to show. `html` uses only Telegram's HTML subset (<b>, <i>, <a href>), with
    everything that came from data escaped; the terminal turns it into plain text."""

    html: str
    buttons: list[list[Button]] = field(default_factory=list)
    # True: this replaces the message whose button was pressed (a multi-select showing its new
    # ticks) rather than adding a new one. Adapters that cannot edit simply show it again.
    edit: bool = False
