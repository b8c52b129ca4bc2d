"""Clean titles: the name of the role, not the page furniture around it.

"Special Constables | West Yorkshire Police" -> "Special Constables";
"Join our Youth Forum" -> "Youth Forum"; "Could you be our next trustee?" -> "Trustee";
"Deliver our newsletter" + "A newsletter delivery volunteer takes..." -> "Newsletter delivery volunteer".
"""
from __future__ import annotations

import re
from typing import Iterable

from scrapers.parsers.words import (HOOK_QUESTION, ROLE_PHRASE, ends_with_role_noun, has_group_noun,
                                   has_role_noun)

_I = re.IGNORECASE
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|»|~)\s+|\s+:\s+")
_PREFIX = re.compile(r"^(?:role|opportunity|vacancy|volunteer\s+role|volunteering\s+role|job\s+title|position|"
                     r"new|featured|urgent|closing\s+soon|now\s+recruiting|recruiting)\s*[:\-–]\s*", _I)
_CTA_PREFIX = re.compile(r"^(?:join\s+our|become\s+(?:a|an|our)|be\s+(?:a|an|our)|volunteer\s+as\s+(?:a|an)|"
                         r"why\s+not\s+become\s+(?:a|an))\s+(?=\S)", _I)
_JOIN_NAME = re.compile(r"^(?i:join)\s+(?!(?i:us|the|our|in|a|an)\b)(?=[A-Z0-9])")
_APPOSITIVE = re.compile(r"^([A-Z0-9][\w'’&]*(?:\s+[A-Z0-9][\w'’&]*)*),\s+(?:our|the)\s+(.+)$")
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_TRAILING_WHEN = [
    re.compile(rf"\s*[,–-]?\s+(?:on|this|next|every|from)\s+{_WEEKDAY}s?\b.*$", _I),
    re.compile(rf"\s*[,–-]?\s+on\s+\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b.*$", _I),
    re.compile(r"\s*[(\[](?:closes|closing|closing\s+date|deadline|apply\s+by)[^)\]]*[)\]]\s*$", _I),
    re.compile(r"\s*[-–—:,]\s*(?:closes|closing\s+date|deadline|apply\s+by)\b.*$", _I),
]
# "Ward Companion role description (PDF, 96KB)": a link to a role's document names the role, then the document
_DOCUMENT_SUFFIX = re.compile(r"(?<=\w)\s*[-–—:,(]?\s*\b(?:role|job|volunteer)\s+(?:description|profile|specification|outline|pack)"
                              r"\)?\s*(?:\((?:pdf|word|docx?)\b[^)]*\))?$", _I)
_FILE_NOTE = re.compile(r"(?<=\w)\s*\((?:pdf|word|docx?|excel|odt)\b[^)]*\)\s*$", _I)
_WANTED = re.compile(r"^(.+?)\s+(?:needed|wanted|required|sought)\b.*$", _I)
_HOOK_ROLE = re.compile(r"^(?:could|would|can|will)\s+you\s+be\s+(?:a|an|our|the)\s+(?:next\s+|new\s+)?(.+?)\s*\?*$|"
                        r"^(?:are\s+you|want\s+to\s+be|fancy\s+being|do\s+you\s+want\s+to\s+be)\s+(?:a|an|our|the)\s+(?:next\s+|new\s+)?(.+?)\s*\?*$", _I)
# "Join the committee": the invitation is the title when what it names is a bare group noun, as
# "Committee" alone says less and the body's "committee member" is only its other wording
# ("Join the Area Committee" still becomes the "Area Committee member" the text names).
_JOIN_THE_GROUP = re.compile(r"^join\s+(?:the|our)\s+(?:" + "|".join(
    re.escape(w) for w in ("committee", "board", "panel", "forum", "council", "team", "group", "club", "network",
                           "association", "partnership", "assembly", "parliament", "collective", "circle")) + r")$", _I)
_ROLE_LINE = re.compile(r"^\s*(?:role|role\s+title|job\s+title|position|volunteer\s+role)\s*:\s*(.{3,80}?)\s*$", _I | re.M)
_STOP = {"a", "an", "the", "our", "your", "of", "and", "for", "to", "in", "on", "at", "with", "by", "as", "&", "or", "we", "you", "be"}
_VERBS = {"join", "become", "deliver", "help", "support", "give", "get", "be", "take", "volunteer", "sign", "apply",
          "come", "make", "lend", "start", "run", "lead", "befriend", "visit", "drive", "share", "keep", "look", "care",
          "teach", "read", "cook", "grow", "tidy", "plant", "walk", "raise", "collect", "stand", "represent"}


def clean_title(raw: str, site_names: Iterable[str] = ()) -> str:
    """The title without the site's name, labels, dates and calls to action."""
    title = " ".join(str(raw).replace("\xa0", " ").split()).strip(" \"'“”‘’")
    title = strip_site_name(title, site_names)
    title = _PREFIX.sub("", title)
    if not _JOIN_THE_GROUP.match(title):
        title = _JOIN_NAME.sub("", title)
        title = _CTA_PREFIX.sub("", title)
    if m := _APPOSITIVE.match(title):
        title = f"{m.group(1)} {m.group(2)}"
    for pattern in _TRAILING_WHEN:
        title = pattern.sub("", title)
    title = _DOCUMENT_SUFFIX.sub("", _FILE_NOTE.sub("", title))
    title = title.strip(" .:;,!–-—|")
    return title[:1].upper() + title[1:] if title else title


def is_role_document_name(text: str) -> bool:
    """Link text naming a role's own document: "Maternity Support Volunteer role description (PDF, 90KB)"."""
    m = _DOCUMENT_SUFFIX.search(_FILE_NOTE.sub("", " ".join(text.split())))
    return m is not None and not m.group(0).strip(" -–—:,(").lower().startswith("job")  # a job description is paid work


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """Drop "| Site name" (or "Site name - ") when a segment is one of the site's names."""
    names = [n.lower() for n in site_names if n and len(n) >= 3]
    parts = _SEPARATORS.split(title)
    if len(parts) < 2 or not names:
        return title
    kept = [p for p in parts if not any(_same_name(p.lower(), n) for n in names)]
    return " – ".join(kept) if kept and len(kept) < len(parts) else title


def _same_name(part: str, name: str) -> bool:
    part, name = part.strip(), name.strip()
    return part == name or (len(part) >= 8 and (part in name or name in part))


def content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
    return {_stem(w) for w in words if w not in _STOP and len(w) > 1}


def _stem(word: str) -> str:
    """Plural to singular, roughly: "buddies" -> "buddy", "coaches" -> "coach", "helpers" -> "helper"."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def is_call_to_action(title: str) -> bool:
    """An imperative: "Deliver our newsletter", "Join the committee" (not "Volunteer Police Cadets")."""
    words = title.lower().split()
    return len(words) >= 2 and words[0] in _VERBS and words[1] in {
        "our", "the", "a", "an", "your", "with", "at", "in", "for", "as", "us", "to", "on", "local", "people", "others"}


def role_title(title: str, body: str) -> str:
    """Name the role when the heading only invites ("Join the Area Committee", "Could you be our next trustee?").

    The body's own naming wins only when it shares words with the heading (or extends it:
    "Community Speedwatch" -> "Community Speedwatch volunteer"), so unrelated roles mentioned
    in passing never replace a good heading.
    """
    explicit = _ROLE_LINE.search(body)
    if explicit and len(explicit.group(1).split()) <= 8:
        return clean_title(explicit.group(1))
    hook = _HOOK_ROLE.match(title)
    if hook:
        return clean_title(hook.group(1) or hook.group(2))
    wanted = _WANTED.match(title)
    base = clean_title(wanted.group(1)) if wanted else title
    if _JOIN_THE_GROUP.match(base):
        return base
    needs_role = (wanted is not None or is_call_to_action(base) or HOOK_QUESTION.match(base) is not None
                  or not (has_role_noun(base) or has_group_noun(base)))
    if not needs_role:
        return _singular_from_body(base, body)
    action = bool(wanted or is_call_to_action(base) or HOOK_QUESTION.match(base))
    candidate = _best_body_role(base, body, extend_only=not action,
                                people_only=action and not base.lower().startswith(("join", "be ", "become")))
    return candidate or base


def _best_body_role(title: str, body: str, *, extend_only: bool, people_only: bool = False) -> str | None:
    wanted = content_words(title) - {_stem(v) for v in _VERBS}
    best: tuple[tuple[bool, int, bool, int], str] | None = None
    for m in ROLE_PHRASE.finditer(body[:3000]):
        phrase = _tidy_phrase(m.group(1))
        words = content_words(phrase)
        if not phrase or len(words) > 5 or not (has_role_noun(phrase) or has_group_noun(phrase)):
            continue
        if people_only and not ends_with_role_noun(phrase):
            continue
        shared = len(words & wanted)
        if extend_only and not (wanted and wanted <= words):
            continue
        if not extend_only and wanted and shared == 0:
            continue
        if not wanted and len(words) < 2:
            continue
        key = (ends_with_role_noun(phrase), shared, not phrase.lower().endswith("s"), -len(words))
        if best is None or key > best[0]:
            best = (key, phrase)
    return clean_title(best[1]) if best else None


_LEADING_DROP = _STOP | {"join", "become", "help", "support", "give", "get", "take", "sign", "apply", "come", "make",
                         "lend", "start", "deliver", "next", "new", "more", "few", "two", "three", "some", "other"}


def _tidy_phrase(phrase: str) -> str:
    words = phrase.split()
    while words and words[0].lower() in _LEADING_DROP:
        words = words[1:]
    return " ".join(words)


def _singular_from_body(title: str, body: str) -> str:
    """"Youth club helpers" becomes "Youth Club Helper" when the body names the role that way."""
    words = title.split()
    if not words or not words[-1].lower().endswith("s"):
        return title
    wanted = content_words(title)
    for m in ROLE_PHRASE.finditer(body[:3000]):
        phrase = _tidy_phrase(m.group(1))
        last = phrase.split()[-1] if phrase else ""
        if content_words(phrase) == wanted and words[-1].lower() in (last.lower() + "s", last.lower() + "es"):
            return " ".join(words[:-1] + [words[-1][: len(last)]])
    return title
