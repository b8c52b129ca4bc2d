"""Drafting an opportunity from what a community worker sends: pasted text, or a page's record.

Pure functions, no I/O. A draft is a dict of the contract's fields holding only what the text
actually says: a field the text does not state is left out, never guessed. The broadcast
dialogue then asks the worker, one at a time, for what is still `missing`, and `to_opportunity`
turns the finished draft into a checked Opportunity with a stable id.

The facts (minimum age, DBS check, commitment, closing date) are read with the scrapers' own
readers, so a pasted description and a scraped page are understood the same way.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from bot.models import LIMITS, InvalidOpportunity, Opportunity, derive_id, opportunity_from_row
from bot.places import InvalidPostcode, Postcode, default_gazetteer, find_postcode, parse_postcode
from scrapers.parsers import facts
from scrapers.parsers.words import kind_of

SOURCE = "community-worker"  # the source of every opportunity a worker drafts in the chat
MAX_PASTE = 4096  # one Telegram message; longer text is refused rather than cut
TITLE_CHARS = 100  # a first line or sentence longer than this is not taken as the title

_LINK = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.I)
_LINK_END = ".,;:!?*"
_WEB_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)\S+$", re.I)
_LABEL_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z /'-]{1,40}?)\s*[:–-]\s+(.+?)\s*$")
_TITLE_LABEL = re.compile(r"^(?:title|role|opportunity|name)$", re.I)
_ORGANISED_BY = re.compile(
    r"\b(?i:organised|organized|run|hosted|led|offered)\s+by\s+(?:the\s+)?"
    r"([A-Z][\w'&-]*(?:\s+(?:[A-Z][\w'&-]*|of|and|for|the|&))*)")
_PLACE_LABELS = ("place", "postcode")
_REMOTE_ANSWERS = re.compile(
    r"^(?:remote(?:ly)?|online|from home|at home|home|anywhere|virtual|it can be done from home|"
    r"can be done from home|done from home|work from home)[.!]?$", re.I)
_BULLET = " -–—:•*#>\t"


@dataclass(frozen=True)
class PlaceAnswer:
    """A worker's answer to "where is it?": a postcode (with any place name given), or remote."""

    postcode: str | None = None
    place: str = ""
    remote: bool = False


class DraftProblem(ValueError):
    """Raised when an answer cannot be used; `code` says why, for the dialogue to word."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


# -- pasted text --------------------------------------------------------------------------------

def draft_from_text(text: str, *, today: dt.date) -> dict[str, Any]:
    """The contract fields a pasted description states, and nothing else.

    Raises DraftProblem("too-long") past one Telegram message and ("empty") without words.
    """
    if len(text) > MAX_PASTE:
        raise DraftProblem("too-long", f"{len(text):,}")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines or not re.search(r"[^\W\d_]", text):
        raise DraftProblem("empty")
    labelled = _labelled(lines)
    draft: dict[str, Any] = {}
    title, title_line = _title(lines, labelled)
    if title:
        draft["title"] = title
    if url := first_link(text):
        draft["url"] = url
    body = [line for i, line in enumerate(lines) if i != title_line]
    description = "\n".join(body).strip()
    if description and description != title:
        draft["description"] = description[:LIMITS["description"]]
    draft.update(_facts(text, labelled, today))
    if organisation := _organisation(text, labelled):
        draft["organisation"] = organisation
    draft["kind"] = kind_of(title, text)
    return draft


def _labelled(lines: list[str]) -> list[tuple[str, str]]:
    """"Label: value" lines, as the scrapers read label/value pairs on pages."""
    pairs = []
    for line in lines:
        m = _LABEL_LINE.match(line)
        if m and not m.group(1).lower().startswith(("http", "www")):
            pairs.append((m.group(1), m.group(2)))
    return pairs


def _title(lines: list[str], labelled: list[tuple[str, str]]) -> tuple[str, int | None]:
    """A title the text gives ("Title: ..."), else its first line or sentence if short enough."""
    for label, value in labelled:
        if _TITLE_LABEL.match(label.strip()) and 2 <= len(value) <= TITLE_CHARS:
            index = next((i for i, line in enumerate(lines) if value in line), None)
            return value.rstrip(". "), index
    first = _LINK.sub("", lines[0]).strip(_BULLET)
    m = _LABEL_LINE.match(lines[0])
    if not first or (m and facts.fact_field(m.group(1))):
        return "", None
    said = facts.sentences(first)
    if len(said) > 1:  # a paragraph: its first sentence, and the line stays in the description
        return (said[0].rstrip(". !"), None) if 3 <= len(said[0]) <= TITLE_CHARS else ("", None)
    if len(first) <= TITLE_CHARS and not _is_postcode_only(first):
        return first.rstrip(". "), 0
    return "", None


def _is_postcode_only(text: str) -> bool:
    try:
        parse_postcode(text)
    except InvalidPostcode:
        return False
    return True


def _facts(text: str, labelled: list[tuple[str, str]], today: dt.date) -> dict[str, Any]:
    """Minimum age, DBS, commitment, closing date, place and remote: labelled values first."""
    found = facts.fields_from_facts(labelled, today)
    found.pop("status", None)
    if "min_age" not in found and (age := facts.min_age(text)) is not None:
        found["min_age"] = age
    if "dbs_check" not in found and (dbs := facts.dbs_check(text)) is not None:
        found["dbs_check"] = dbs
    if "commitment" not in found and (commitment := facts.commitment(text)):
        found["commitment"] = commitment
    if "closing_date" not in found and (closing := facts.closing_date(text, today)):
        found["closing_date"] = closing.isoformat()
    if facts.remote(text) or found.get("remote") or _REMOTE_ANSWERS.match(str(found.get("place", ""))):
        found["remote"] = True
    if "postcode" not in found:
        if postcode := _postcode_in(text, [v for label, v in labelled if facts.fact_field(label) in _PLACE_LABELS]):
            found["postcode"] = postcode
    if facts.is_closed(text):
        found["closed"] = True
    return {k: v for k, v in found.items() if v not in (None, "")}


def _postcode_in(text: str, place_values: list[str]) -> str | None:
    """A full postcode anywhere, or a district in a labelled place line ("Where: Lenton, NG7").

    A bare district in running text is not taken: "M1" or "B2" are too often something else.
    """
    for value in place_values:
        if found := find_postcode(value):
            return str(found)
    found = find_postcode(text)
    while found is not None and found.inward is None:
        text = re.sub(rf"\b{found.outward}\b", " ", text, flags=re.I)
        found = find_postcode(text)
    return str(found) if found else None


def _organisation(text: str, labelled: list[tuple[str, str]]) -> str:
    for label, value in labelled:
        if facts.fact_field(label) == "organisation":
            return value[:LIMITS["organisation"]]
    m = _ORGANISED_BY.search(text)
    return m.group(1).strip()[:LIMITS["organisation"]] if m else ""


def first_link(text: str) -> str:
    """The first http(s) address in the text, without trailing punctuation."""
    m = _LINK.search(text)
    return m.group(0).rstrip(_LINK_END) if m else ""


def only_link(text: str) -> str:
    """The address when the whole message is one http(s) link, else ''."""
    text = text.strip().strip("<>")
    link = first_link(text)
    return link if link and link == text.rstrip(_LINK_END) else ""


# -- a page's record ---------------------------------------------------------------------------

_PAGE_FIELDS = ("title", "url", "organisation", "description", "kind", "postcode", "place", "remote",
                "commitment", "min_age", "dbs_check", "closing_date")


def draft_from_page(fields: Mapping[str, Any], page_url: str) -> dict[str, Any]:
    """The contract fields a parsed page stated, with the page's own address as the link."""
    draft = {k: fields[k] for k in _PAGE_FIELDS if fields.get(k) not in (None, "")}
    if not str(draft.get("url", "")).lower().startswith(("http://", "https://")):
        draft["url"] = page_url
    return draft


# -- the worker's answers -----------------------------------------------------------------------

def read_title(text: str) -> str:
    """A title as typed; DraftProblem("empty") or ("too-long") when it cannot be one."""
    title = " ".join(text.split()).strip(" -–:•*")
    if not re.search(r"[^\W\d_]{2}", title):
        raise DraftProblem("empty")
    if len(title) > LIMITS["title"]:
        raise DraftProblem("too-long", f"{len(title):,}")
    return title


def read_link(text: str) -> str:
    """An http(s) address; DraftProblem("not-web") for any other scheme, ("not-link") otherwise."""
    text = text.strip().strip("<>")
    if link := only_link(text):
        if len(link) > LIMITS["url"]:
            raise DraftProblem("too-long", f"{len(link):,}")
        return link
    if _WEB_LIKE.match(text) or first_link(text):
        raise DraftProblem("not-web")
    raise DraftProblem("not-link")


def read_place(text: str) -> PlaceAnswer:
    """A postcode or district (with a place name around it), or "remote".

    DraftProblem("unknown-district", outward) for a well-formed postcode we cannot place, and
    ("no-postcode") when there is none.
    """
    text = " ".join(text.split())
    if _REMOTE_ANSWERS.match(text):
        return PlaceAnswer(remote=True)
    found = find_postcode(text)
    if found is None:
        return _not_a_place(text)
    place = re.sub(rf"\b{re.escape(found.outward)}\s*{re.escape(found.inward or found.sector or '')}\b", " ",
                   text, count=1, flags=re.I)
    place = " ".join(place.split()).strip(" ,.-–")
    return PlaceAnswer(postcode=str(found), place=place[:LIMITS["place"]])


def _not_a_place(text: str) -> PlaceAnswer:
    try:
        postcode: Postcode = parse_postcode(text)
    except InvalidPostcode:
        raise DraftProblem("no-postcode") from None
    if postcode.outward not in default_gazetteer().centres:
        raise DraftProblem("unknown-district", postcode.outward)
    return PlaceAnswer(postcode=str(postcode))


# -- the finished draft --------------------------------------------------------------------------

def missing(draft: Mapping[str, Any]) -> str | None:
    """The first required thing the draft lacks: "title", "url" or "place" (a postcode or remote)."""
    if not draft.get("title"):
        return "title"
    if not str(draft.get("url", "")).lower().startswith(("http://", "https://")):
        return "url"
    if not draft.get("postcode") and not draft.get("remote"):
        return "place"
    return None


def closed_on(draft: Mapping[str, Any], today: dt.date) -> str | None:
    """Why the draft cannot be announced because it has closed: its date, "closed", or None."""
    closing = draft.get("closing_date")
    if isinstance(closing, str) and closing < today.isoformat():
        return closing
    return "closed" if draft.get("closed") else None


def to_opportunity(draft: Mapping[str, Any]) -> Opportunity:
    """The checked Opportunity, with an id derived from its link and title (the same draft, the
    same id). Raises InvalidOpportunity if a field is still unusable."""
    row = {k: v for k, v in draft.items() if k in _PAGE_FIELDS}
    row["source"] = SOURCE
    row["id"] = derive_id(SOURCE, str(row.get("url", "")), str(row.get("title", "")))
    opportunity = opportunity_from_row(row)
    if missing(draft):
        raise InvalidOpportunity(f"{missing(draft)} is missing")
    return opportunity
