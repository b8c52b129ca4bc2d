"""Is this candidate an opportunity? A score from its title, its words, its facts and its place.

Hard rules first (a news headline, a paid job, an FAQ question, a testimonial, anything under
a "Latest news" heading is never an opportunity), then evidence adds up: a role noun in the
title, a minimum age, a time commitment, a deadline, a call to action, a page of its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scrapers.parsers import words

ACCEPT = 4
MAYBE = 2
_NEG_CONTEXT = re.compile(
    r"\b(?:news|latest\s+(?:news|updates|posts|stories|articles)|blog|press|stories|story|testimonials?|thank|thanks|"
    r"faqs?|frequently\s+asked|questions|polic(?:y|ies)|history|handbook|minutes|results|events?\s+calendar|"
    r"(?:useful\s+|key\s+|related\s+)?documents|downloads|publications|"
    r"long\s+service|case\s+stud\w*|information\s+for|parents\s+and\s+carers|for\s+parents|past\s+events|"
    r"in\s+their\s+own\s+words|hear\s+from|what\s+(?:our\s+)?volunteers\s+say|volunteer\s+voices|meet\s+our\s+volunteers)\b", re.I)
_SOFT_NEG_CONTEXT = re.compile(
    r"\b(?:related|what'?s\s+on|upcoming\s+events|in\s+this\s+section|useful\s+links|follow\s+us|contact|donat\w*|fundrais\w*|shops?|"
    r"jobs|careers|paid\s+roles|meet\s+(?:the|our)|our\s+(?:team|people|trustees))\b", re.I)
_POS_CONTEXT = re.compile(
    r"\b(?:roles?|opportunit\w*|volunteer\w*|vacanc\w*|consultations?|get(?:ting)?\s+involved|have\s+your\s+say|"
    r"ways\s+to|groups?|programmes?|recruiting|projects?|panels?|forums?|join)\b", re.I)
CLOSED_CONTEXT = re.compile(r"^(?:(?:recently|now)\s+)?(?:closed|past|previous|archived|completed|finished|expired)\b", re.I)
_BODY_NOT_OPPORTUNITY = re.compile(
    r"\bresults\s+(?:are\s+|have\s+been\s+)?published\b|\bwhat\s+you\s+told\s+us\b|\byou\s+said,?\s+we\s+did\b|"
    r"\boutcome\s+(?:is\s+|has\s+been\s+)?published\b|\bthis\s+(?:page|role)\s+is\s+for\s+(?:staff|employees)\b", re.I)
_SALARY = re.compile(r"\bsalary\b|\bper\s+annum\b|\bpro\s+rata\b|£\s?\d[\d,.]*\s*(?:-\s*£?\s?\d[\d,.]*\s*)?(?:per|a|an)\s+(?:hour|year|annum)\b|"
                     r"\bafc\s+band\b|\bcontracted\s+hours\b|\bpermanent,?\s+full[- ]time\b", re.I)
_VOLUNTEER_WORD = re.compile(r"\bvolunteer", re.I)
_AMOUNT = r"£\s?(?:\d{1,3}(?:,\d{3})+|\d{4,}|\d+(?:\.\d+)?\s?k\b)(?:\.\d{2})?"  # a salary's size: £1,000 and up
_PAID_BODY = re.compile(
    r"\bsalary\s*(?::|-|–|of|is|range)?\s*(?:up\s+to\s+|from\s+)?£|"
    rf"{_AMOUNT}\s*(?:(?:-|–|to)\s*{_AMOUNT}\s*)?(?:per\s+annum|p\.a\.|pro\s+rata|a\s+year|per\s+year|fte)\b|"
    r"\bafc\s+band\s+\d|\bagenda\s+for\s+change\s+band\b", re.I)
_UNPAID = re.compile(r"\bunpaid\b|\bvoluntary\s+(?:role|position|post|basis)\b|\bno\s+salary\b|"
                     r"\bthis\s+is\s+a\s+volunteer(?:ing)?\s+(?:role|position|opportunity)\b", re.I)


_NOT_PAY = re.compile(r"\b(?:rais\w*|fundrais\w*|need|needs|costs?|spend\w*|donat\w*|grants?|funding|worth|budget|"
                     r"turnover|income|target|save\w*|saving)\b[^.;£]{0,25}$", re.I)


def _pays(body: str) -> bool:
    """A salary is stated: "£24,000 a year" as pay, not "help us raise the £120,000 a year we need"."""
    return any(not (m.group(0).lstrip().startswith("£") and _NOT_PAY.search(body[max(0, m.start() - 40):m.start()]))
               for m in _PAID_BODY.finditer(body))


@dataclass(frozen=True)
class Verdict:
    decision: str  # accept, maybe, reject, or hub (points at more opportunities)
    score: int
    reason: str

    @property
    def kept(self) -> bool:
        return self.decision in ("accept", "maybe")


def judge(title: str, body: str, fields: dict[str, Any], *, link: str | None = None, context: list[str] = (),
          weak_title: bool = False, lenient: int | None = None, extra: int = 0) -> Verdict:
    """Decide one candidate. `lenient` is the lower threshold for a page reached from a listing entry
    that already looked like an opportunity (1 when the listing was sure, more when it was not)."""
    reason = rejection(title, body, context, weak_title)
    if reason == "hub":
        return Verdict("hub", 0, "points to more opportunities")
    if reason:
        return Verdict("reject", 0, reason)
    score = extra + _title_score(title) + _fact_score(fields) + _text_score(body) + _context_score(context)
    score += 1 if link else 0
    if _SALARY.search(body):
        score -= 3
    if title.rstrip().endswith(".") or len(title.split()) > 10:
        score -= 2
    threshold = ACCEPT if lenient is None else lenient
    if score >= threshold and lenient is None and link and not _says_what_it_is(title, fields, extra):
        return Verdict("maybe", score, "only its words and place point to an opportunity; its own page decides")
    if score >= threshold:
        return Verdict("accept", score, "enough signs of an opportunity")
    if score >= MAYBE and lenient is None:
        return Verdict("maybe", score, "some signs; its own page decides")
    return Verdict("reject", score, "too few signs of an opportunity")


def _says_what_it_is(title: str, fields: dict[str, Any], extra: int) -> bool:
    """Evidence of its own, beyond words any page about a service uses ("Register to vote"): a role or group
    in the title, a minimum age, a time, a deadline, or what the listing's structure says of it."""
    return bool(extra or _title_score(title) or _fact_score(fields))


def rejection(title: str, body: str = "", context: list[str] = (), weak_title: bool = False) -> str | None:
    """Why the candidate is plainly not an opportunity ("hub" when it points at more), or None."""
    t = title.strip()
    if not t or len(t) > 150 or len(t.split()) > 16:
        return "not a title"
    if words.is_hub_title(t):
        return "hub"
    if words.is_generic_heading(t):
        return "a heading about the page, not an opportunity"
    if why := words.not_an_opportunity(t):
        return why
    for heading in context:
        if _NEG_CONTEXT.search(heading) or (_SOFT_NEG_CONTEXT.search(heading) and not _POS_CONTEXT.search(heading)):
            return f"listed under {heading!r}"
    if context and words.is_furniture_heading(context[0]) and not _POS_CONTEXT.search(context[0]):
        return f"part of {context[0]!r}"
    if _BODY_NOT_OPPORTUNITY.search(body[:600]):
        return "a report of results, not an opportunity"
    if _pays(body[:1500]) and not _UNPAID.search(body[:3000]):
        return "a paid job"
    if weak_title and (t.endswith(".") or len(t.split()) > 8):
        return "a sentence, not a title"
    return None


def title_score(title: str) -> int:
    """What a title's nouns say: a role ("driver", "befriender") more than a group or a consultation."""
    return _title_score(title)


def _title_score(title: str) -> int:
    if words.has_role_noun(title):
        return 3
    if words.has_group_noun(title):
        return 2
    return 0


def _fact_score(fields: dict[str, Any]) -> int:
    score = 2 if fields.get("min_age") is not None else 0
    score += 1 if fields.get("commitment") else 0
    score += 2 if fields.get("closing_date") else 0
    score += 1 if fields.get("dbs_check") is not None else 0
    return score


def _text_score(body: str) -> int:
    text = body[:3000]
    score = min(2, len(words.CALL_TO_ACTION.findall(text)))
    score += 1 if words.PARTICIPATION.search(text) else 0
    score += 1 if words.ELIGIBILITY.search(text) else 0
    score += 1 if _VOLUNTEER_WORD.search(text) else 0
    return score


def _context_score(context: list[str]) -> int:
    return 1 if any(_POS_CONTEXT.search(c) for c in context[:2]) else 0
