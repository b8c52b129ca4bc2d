"""Reading what residents type: postcodes, times, small talk, and what they care about.

Kept apart from the dialogue so the rules are easy to read and to test: plain functions from
text to facts, no state and no store.
"""
from __future__ import annotations

import re

from bot.places import find_postcode

MAX_INPUT_CHARS = 1000  # longer messages are read only this far
MAX_PASSION_CHARS = 200  # what is kept of the resident's own words

_WORDY = re.compile(r"[^\W_]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_LEAD = re.compile(r"^(?:(?:actually|well|hmm+|ok|okay|so|but|oh|and|um+|erm+|no)\b[\s,!.]*)+", re.I)
_PHRASES = [re.compile(p, re.I) for p in (
    r"^(?:i'?m|i am|i'?d be)\s+(?:more|really|mostly|also|quite|very)?\s*"
    r"(?:into|interested in|passionate about|keen on|thinking about|thinking of)\s+",
    r"^i(?:'?d| would)\s+(?:rather|really|much rather)?\s*(?:like|love|prefer)?\s*(?:to\s+)?(?:do|help with)?\s*",
    r"^(?:what|how)\s+about\s+",
    r"^i\s+(?:really\s+|also\s+)?(?:love|like|enjoy|care about|want to help with|want to help)\s+",
    r"^(?:more|rather|instead|something)?\s*(?:like|along the lines of)\s+",
    r"^(?:more|rather|instead)\s+",
    r"^something\s+(?:with|about|in|around|to do with)\s+",
    r"^(?:i live in|my postcode is|postcode|near)\s+",
    r"^(?:more|really|mostly|rather)?\s*into\s+",
)]
_TRAILING = re.compile(r"[\s,.!?]*(?:\b(?:instead|please|thanks|thank you|really)\b[\s,.!?]*)*$", re.I)
_PLACE_TAIL = re.compile(r"[\s,]*\b(?:(?:i|we)\s+(?:live|am|are|'m|'re)\s+|i'?m\s+|based\s+)?"
                         r"(?:near|in|around|at|from)\s*[.!]?$", re.I)
_CHANGE_OF_MIND = re.compile(r"^\s*(?:actually|instead|rather)\b|\bmore into\b|\binstead\b", re.I)

_AVAILABILITY = {
    "one-off": re.compile(r"\bone[- ]?offs?\b|\bonce\b|\bone time\b|\bsingle\b", re.I),
    "monthly": re.compile(r"\bmonth(?:ly|s)?\b", re.I),
    "weekly": re.compile(r"\bweekly\b|\b(?:every|a|per|each|once a) week\b", re.I),
    "weekdays": re.compile(r"\bweek ?days?\b|\bday ?times?\b|\bduring the day\b", re.I),
    "evenings": re.compile(r"\bevenings?\b|\bnights?\b|\bafter work\b", re.I),
    "weekends": re.compile(r"\bweek ?ends?\b|\bsaturdays?\b|\bsundays?\b", re.I),
}

GREETINGS = {"hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening", "hi there", "hello there"}
THANKS = {"thanks", "thank you", "cheers", "ta", "thanks a lot", "thank you very much", "many thanks", "great thanks"}
YES = {"yes", "yes please", "yeah", "yep", "sure", "please do", "ok", "okay", "go on"}
NO = {"no", "no thanks", "no thank you", "nope", "not now", "maybe later"}
MORE = {"more", "show more", "more please", "show me more", "next", "any more", "anything else"}
HELP = {"help", "?", "what can you do", "menu"}
SKIP = {"skip", "no", "nothing", "none", "not sure", "pass", "n/a", "dont know", "don't know",
        "nothing really", "no idea", "not really", "nope"}
ANY_TIME = {"any", "anytime", "any time", "anything", "flexible", "don't mind", "dont mind",
            "whenever", "done", "all", "all of them", "not sure", "skip"}
NO_PLACE = {"skip", "anywhere", "rather not say", "i'd rather not say", "no", "online",
            "from home", "remote", "not saying", "prefer not to say", "i'd rather not"}


def clean(text: str) -> str:
    """One line of at most MAX_INPUT_CHARS, with spaces collapsed and quotes straightened."""
    return " ".join(text[:MAX_INPUT_CHARS].translate(_APOSTROPHES).split())


def key(text: str) -> str:
    """The text as a lookup key for the small-talk sets: lower case, no end punctuation."""
    return clean(text).lower().strip(" .,!?;:")


def has_words(text: str) -> bool:
    """False for emoji-only or punctuation-only messages."""
    return bool(_WORDY.search(text))


def district_in(text: str) -> tuple[str | None, str]:
    """The postcode district named in the text (if any), and the text without the postcode."""
    found = find_postcode(text)
    if found is None:
        return None, text
    rest = found.inward or found.sector or ""
    pattern = rf"\b{re.escape(found.outward)}(?:\s*{re.escape(rest)})?\b" if rest else rf"\b{re.escape(found.outward)}\b"
    rest = " ".join(re.sub(pattern, " ", text, count=1, flags=re.I).split())
    return found.outward, _PLACE_TAIL.sub("", rest).strip(" ,.")


_FILLER = {
    "i", "im", "i'm", "am", "live", "living", "in", "near", "around", "at", "my", "postcode", "post",
    "code", "is", "it", "it's", "its", "the", "from", "actually", "ok", "okay", "now", "moved", "to",
    "we", "we're", "are", "based", "area", "district", "here", "and", "so", "just", "oh", "well",
    "sorry", "i've", "ive", "me", "that", "this", "one", "please", "thanks", "hi", "hello",
    "meant", "mean", "oops", "no", "not", "wait", "correction", "instead", "change", "place",
}


def only_filler(text: str) -> bool:
    """True when nothing is left but words like 'I live in': no new passion in the text."""
    words = re.findall(r"[^\W_][\w']*", text.lower())
    return all(w in _FILLER for w in words)


def availability_in(text: str) -> list[str]:
    """Availability codes named in the text, in the matcher's order."""
    return [code for code, pattern in _AVAILABILITY.items() if pattern.search(text)]


def changes_mind(text: str) -> bool:
    """'actually I'm more into gardening': a new passion, even in the middle of another question."""
    return bool(_CHANGE_OF_MIND.search(text))


def passion_from(text: str) -> str:
    """What the resident cares about, without 'actually I'm more into' and the like."""
    words = clean(text)
    for _ in range(4):
        before = words
        words = _LEAD.sub("", words).strip(" ,.!")
        for phrase in _PHRASES:
            words = phrase.sub("", words).strip(" ,.!")
        if words == before:
            break
    words = _TRAILING.sub("", words).strip(" ,.!?")
    if not has_words(words):
        words = clean(text)
    return shorten_words(words, MAX_PASSION_CHARS)


_SKILL_LEAD = re.compile(r"^(?:i'?m|i am|i'?d say i'?m)?\s*(?:really|quite|pretty|very)?\s*(?:good at|good with|great at|ok at|decent at)\s+|"
                         r"^i\s+(?:really\s+)?(?:enjoy|like|love|can do|can)\s+", re.I)


def skills_from(text: str) -> str:
    """What the resident is good at, without 'I'm good at' and the like."""
    words = _SKILL_LEAD.sub("", _LEAD.sub("", clean(text))).strip(" ,.!")
    return shorten_words(words if has_words(words) else clean(text), MAX_PASSION_CHARS)


def shorten_words(text: str, limit: int) -> str:
    """Cut at a word boundary, so what we keep of someone's words stays readable."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[:cut.rindex(" ")] if " " in cut else cut
