"""What passes between a channel (Telegram, terminal) and the conversation core.

The core never sees Telegram objects and never writes to a terminal: an adapter turns what a
resident did into an `Incoming`, and renders the `Reply` objects the core returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

IncomingKind = Literal["text", "command", "choice", "location", "unsupported", "draft"]
TaskKind = Literal["read-page", "deliver-broadcast"]


@dataclass(frozen=True)
class PageDraft:
    """What an adapter found on a web page the core asked it to read (a "read-page" task).

    `fields` holds the contract fields the page states (title, url, organisation...), empty when
    nothing usable was found; `problem` then names why, as a short code the core words for the
    worker: a FetchError kind ("robots", "http-404", "timeout"...), "nothing", "several" or "closed".
    """

    url: str
    fields: dict[str, Any] = field(default_factory=dict)
    problem: str = ""
    count: int = 0  # opportunities the page listed, for "several"


@dataclass(frozen=True)
class Incoming:
    """One thing a resident did: typed text, a /command, a button press, a shared location,
    or something the bot cannot read (a sticker, photo or voice note)."""

    kind: IncomingKind
    text: str = ""  # the text typed, or a command's arguments
    command: str = ""  # without the slash or @botname, lower case: "start", "search"
    choice: str = ""  # a pressed button's data
    location: tuple[float, float] | None = None
    draft: PageDraft | None = None  # kind "draft": the page a "read-page" task read


@dataclass(frozen=True)
class Task:
    """Work with I/O that the core asks its adapter to do, since the core itself does none.

    "read-page": fetch and parse `target` (a URL), then hand the result back as
    Incoming("draft", draft=PageDraft(...)). "deliver-broadcast": send what the ledger owes
    for opportunity `target`, telling the worker how it goes. Adapters that cannot do a task
    say so instead.
    """

    kind: TaskKind
    target: str


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
    tasks: list[Task] = field(default_factory=list)  # run by the adapter after showing the reply
    # True: this asks where the resident is; an adapter that can offers to share the device's
    # location (Telegram: a one-tap button), with the choice buttons beside it.
    ask_location: bool = False
