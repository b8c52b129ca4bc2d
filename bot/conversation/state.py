"""A resident's place in the dialogue and their answers, loaded from and saved to the store.

Nothing about a resident lives only in memory: every turn loads this, changes it, and saves it,
so a restart (or a second process) carries on where the resident left off.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot.store import Store

MAX_REFS = 100  # button references kept per resident (for opportunity ids too long for a button)
MAX_SHOWN = 60  # opportunity ids remembered as already shown in the current search


class Step(str, Enum):
    """Which question the resident was last asked; decides how free text is read."""

    IDLE = "idle"  # nothing asked: free text is read as what they care about
    PASSION = "passion"  # "what are you passionate about?"
    SKILLS = "skills"  # "what are you good at?" (skippable)
    PLACE = "place"  # "where are you?"
    TIME = "time"  # "how much time do you have?" (multi-select, then Done)
    RESULTS = "results"  # matches shown: cards' buttons act, free text changes the passion
    TOPIC = "topic"  # /subscribe asked what to be told about
    # a community worker's /broadcast (bot/conversation/broadcasting.py); the draft is kept in
    # state_data["broadcast"], so no new column is needed and a restart loses nothing
    BC_WHAT = "bc-what"  # "which opportunity?": an id, a link or a pasted description
    BC_READING = "bc-reading"  # the adapter is reading the linked page
    BC_TITLE = "bc-title"  # asking for what the text did not say, one at a time
    BC_LINK = "bc-link"
    BC_PLACE = "bc-place"
    BC_PREVIEW = "bc-preview"  # the message as residents will see it, with Send / Cancel

    @property
    def broadcasting(self) -> bool:
        return self.value.startswith("bc-")


@dataclass
class State:
    """One resident's stored answers and dialogue state (residents.state / state_data)."""

    resident_id: int
    exists: bool = False
    step: Step = Step.IDLE
    chat_id: int | None = None
    passions: str = ""
    skills: str = ""
    postcode: str = ""  # the postcode district only, e.g. "NG7"
    availability: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None
    dirty: bool = False

    def change(self, **fields: Any) -> None:
        """Set fields and remember that the resident must be saved."""
        for name, value in fields.items():
            setattr(self, name, value)
        self.dirty = True

    def put(self, key: str, value: Any) -> None:
        """Set one value in state_data."""
        self.data[key] = value
        self.dirty = True

    def drop(self, *keys: str) -> None:
        for key in keys:
            if key in self.data:
                del self.data[key]
                self.dirty = True

    # -- opportunities shown in the current search ---------------------------------------

    @property
    def shown(self) -> list[str]:
        return list(self.data.get("shown", []))

    def add_shown(self, ids: list[str]) -> None:
        shown = [i for i in self.shown if i not in ids] + ids
        self.put("shown", shown[-MAX_SHOWN:])

    # -- references for long ids ---------------------------------------------------------

    def ref(self, opportunity_id: str) -> int:
        """A small number standing for an opportunity id, for button data that must stay short."""
        refs: dict[str, str] = dict(self.data.get("refs", {}))
        for number, known in refs.items():
            if known == opportunity_id:
                return int(number)
        number = int(self.data.get("next_ref", 0))
        refs[str(number)] = opportunity_id
        for old in sorted(refs, key=int)[:-MAX_REFS]:
            del refs[old]
        self.put("refs", refs)
        self.put("next_ref", number + 1)
        return number

    def deref(self, number: str) -> str | None:
        return dict(self.data.get("refs", {})).get(number)


def load(store: Store, resident_id: int) -> State:
    """The resident's state, or a fresh unsaved one for someone new."""
    row = store.get_resident(resident_id)
    if row is None:
        return State(resident_id)
    try:
        step = Step(row.get("state") or Step.IDLE.value)
    except ValueError:
        step = Step.IDLE
    data = row.get("state_data")
    availability = row.get("availability")
    return State(
        resident_id,
        exists=True,
        step=step,
        chat_id=row.get("chat_id"),
        passions=row.get("passions") or "",
        skills=row.get("skills") or "",
        postcode=row.get("postcode") or "",
        availability=[a for a in availability if isinstance(a, str)] if isinstance(availability, list) else [],
        data=data if isinstance(data, dict) else {},
        created_at=row.get("created_at"),
        updated_at=row.get("updated_at"),
    )


def save(store: Store, state: State) -> None:
    """Write the resident back, only if something changed this turn."""
    if not state.dirty:
        return
    store.save_resident(
        state.resident_id,
        chat_id=state.chat_id,
        passions=state.passions or None,
        skills=state.skills or None,
        postcode=state.postcode or None,
        availability=state.availability,
        state=state.step.value,
        state_data=state.data,
    )
    state.exists = True
    state.dirty = False
