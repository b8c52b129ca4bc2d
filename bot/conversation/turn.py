"""What one turn of the conversation works with: the store, the matcher, the resident's state.

The dialogue, results and command handlers are plain functions taking a Turn, so each stays
short and none of them keeps anything between turns except through the store.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from bot.conversation import buttons, wording
from bot.conversation.finding import Finder
from bot.conversation.state import State, Step
from bot.matching import Matcher
from bot.messages import Button, Reply
from bot.store import Store


class Turn:
    def __init__(self, store: Store, matcher: Callable[[], Matcher], state: State, *, today: dt.date | None,
                 worker: bool = False):
        self.store = store
        self._matcher = matcher
        self.state = state
        self.today = today
        self.worker = worker  # a community worker (GETINVOLVED_WORKERS): may broadcast
        self.forgotten = False  # set by /forget: nothing may be saved after it

    @property
    def resident_id(self) -> int:
        return self.state.resident_id

    def matcher(self) -> Matcher:
        return self._matcher()

    def day(self) -> dt.date:
        """The date closing dates are judged by: fixed in tests, else today."""
        return self.today or dt.date.today()

    def finder(self) -> Finder:
        return Finder(self._matcher(), district=self.state.postcode, availability=self.state.availability,
                      age=self.state.data.get("age"), today=self.today)

    def passion_query(self) -> str:
        """What to search for from the resident's answers: their passions, then their skills."""
        return " ".join(part for part in (self.state.passions, self.state.skills) if part)

    def excluded(self, *, with_shown: bool) -> set[str]:
        skip = self.store.hidden_ids(self.resident_id)
        return skip | set(self.state.shown) if with_shown else skip

    # -- the questions --------------------------------------------------------------------

    def ask_passion(self) -> Reply:
        return Reply(wording.ASK_PASSION, cause_buttons())

    def ask_skills(self) -> Reply:
        return Reply(wording.ASK_SKILLS, [[buttons.choice(wording.SKIP, buttons.SKIP_SKILLS)]])

    def ask_place(self) -> Reply:
        return Reply(wording.ASK_PLACE, self.place_buttons(), ask_location=True)

    def place_buttons(self) -> list[list[Button]]:
        """Keep the place we have, or go on without one: under the question and under any
        "that isn't a postcode", so no resident is stuck at the place question."""
        row = []
        if self.state.postcode:
            row.append(buttons.choice(wording.KEEP_PLACE.format(district=self.state.postcode), buttons.PLACE, "keep"))
        row.append(buttons.choice(wording.SKIP_PLACE, buttons.PLACE, "skip"))
        return [row]

    def ask_time(self, *, edit: bool = False) -> Reply:
        ticked = set(self.state.availability)
        picks = [buttons.choice((wording.TICK if code in ticked else "") + label, buttons.TIME, code)
                 for code, label in wording.AVAILABILITY.items()]
        rows = [picks[0:3], picks[3:6], [buttons.choice(wording.DONE, buttons.TIME, "done")]]
        return Reply(wording.ASK_TIME, rows, edit=edit)

    def prompt(self) -> list[Reply]:
        """The question the resident is in the middle of, to ask again; nothing outside the questions."""
        step = self.state.step
        asks = {Step.PASSION: self.ask_passion, Step.SKILLS: self.ask_skills,
                Step.PLACE: self.ask_place, Step.TIME: self.ask_time}
        if step in asks:
            return [asks[step]()]
        if step is Step.TOPIC:
            return [Reply(wording.ASK_TOPIC)]
        return []


def cause_buttons(leave_out: str = "") -> list[list[Button]]:
    """Quick picks for common causes, two to a row; leaves out causes already in `leave_out`."""
    words = leave_out.lower()
    picks = [buttons.choice(label, buttons.PASSION, key)
             for key, (label, passion) in wording.CAUSES.items() if passion.lower() not in words]
    return [picks[i:i + 2] for i in range(0, len(picks), 2)]
