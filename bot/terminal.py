"""`getinvolved chat`: the resident conversation in a terminal, for trying the bot without Telegram.

A thin adapter: it reads lines, turns them into `Incoming`s for the conversation core, and prints
the core's replies as plain text with numbered choices. It needs no TTY, so scripts can pipe a
whole conversation in; it stops cleanly at end of input or on Ctrl-C.
"""
from __future__ import annotations

import sqlite3
import sys
from html.parser import HTMLParser
from typing import TextIO

from bot.catalogue import ensure_seeded
from bot.config import Settings
from bot.conversation import Conversation
from bot.messages import Button, Incoming, Reply
from bot.store import Store

RESIDENT_ID = 0  # the one local resident of a terminal chat
# Whoever runs the terminal chat holds the database and could run `getinvolved broadcast` anyway,
# so they may try /broadcast here too; only sending needs Telegram.
TASK_NOTES = {
    "deliver-broadcast": "(Broadcasts are sent from Telegram, or with: getinvolved broadcast {target})",
    "read-page": "(The terminal chat can't read web pages. Paste the description instead, or /cancel.)",
}
INTRO = "(Type your answers and press Enter. Type a number to pick an option. /help lists commands; /quit or Ctrl-D leaves.)"
QUIT = {"/quit", "/exit", "quit", "exit"}


def chat(settings: Settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the dialogue on the terminal; 0 at end of input, 130 on Ctrl-C, 1 if the store won't open."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for stream in (stdin, stdout):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        store = Store(settings.db_path)
    except (sqlite3.Error, OSError) as e:
        print(f"getinvolved: Cannot open the database {settings.db_path}: {e}.", file=sys.stderr)
        return 1
    try:
        ensure_seeded(store)
        return TerminalChat(Conversation(store, workers={RESIDENT_ID}), stdin, stdout).run()
    finally:
        store.close()


class TerminalChat:
    """One terminal session: the numbered choices from the last replies, and the read loop."""

    def __init__(self, conversation: Conversation, stdin: TextIO, stdout: TextIO):
        self.conversation = conversation
        self.stdin = stdin
        self.stdout = stdout
        self.choices: list[str] = []
        self.interactive = bool(getattr(stdin, "isatty", lambda: False)())

    def run(self) -> int:
        try:
            self.write(INTRO + "\n\n")
            self.send(Incoming("command", command="start"))
            while (line := self.read()) is not None:
                text = line.strip()
                if text.lower() in QUIT:
                    break
                if text:
                    self.send(self.incoming(text))
        except KeyboardInterrupt:
            self.write("\n")
            return 130
        return 0

    def read(self) -> str | None:
        if self.interactive:
            self.write("> ")
        line = self.stdin.readline()
        return line if line else None

    def send(self, incoming: Incoming) -> None:
        replies = self.conversation.handle(RESIDENT_ID, incoming, chat_id=RESIDENT_ID)
        self.write(self.render(replies))
        for task in (t for reply in replies for t in reply.tasks):
            self.write(TASK_NOTES[task.kind].format(target=task.target) + "\n\n")

    def incoming(self, text: str) -> Incoming:
        """A typed line as the core expects it: a number picks a choice, /word is a command."""
        if text.isdigit() and self.choices:
            number = int(text)
            if 1 <= number <= len(self.choices):
                return Incoming("choice", choice=self.choices[number - 1])
        if text.startswith("/") and len(text) > 1 and not text[1].isspace():
            word, _, args = text[1:].partition(" ")
            return Incoming("command", command=word.split("@", 1)[0].lower(), text=args.strip())
        return Incoming("text", text=text)

    def render(self, replies: list[Reply]) -> str:
        """Plain text for the replies, numbering every choice button from 1."""
        self.choices = []
        blocks = []
        for reply in replies:
            lines = [plain_text(reply.html)]
            for row in reply.buttons:
                lines += self._row(row)
            blocks.append("\n".join(line for line in lines if line))
        return "\n\n".join(blocks) + "\n\n"

    def _row(self, row: list[Button]) -> list[str]:
        links = [f"  {b.label}: {b.url}" for b in row if b.url]
        picks = []
        for button in row:
            if button.data:
                self.choices.append(button.data)
                picks.append(f"[{len(self.choices)}] {button.label}")
        return links + (["  " + "   ".join(picks)] if picks else [])

    def write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()


def plain_text(markup: str) -> str:
    """Telegram HTML as plain text: tags removed, entities decoded, links as 'label: url'."""
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: str | None = None
        self.link_start = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.href = dict(attrs).get("href") or None
            self.link_start = len(self.parts)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href:
            label = "".join(self.parts[self.link_start:]).strip()
            if label != self.href:
                self.parts.append(f": {self.href}")
            self.href = None

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
