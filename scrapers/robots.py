"""robots.txt rules as RFC 9309 reads them, for one crawler.

urllib.robotparser is not enough for real sites: it knows neither the `*` and `$` wildcards
nor the longest-match rule (the most specific rule wins, Allow on a tie), so a common
`Disallow: /*?search=` would be ignored. This module is pure: text in, rules out; fetching
robots.txt, and what an HTTP error means for it, live in `scrapers.http`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

_KEYS = {"user-agent": "agent", "useragent": "agent", "user agent": "agent",
         "allow": "allow", "disallow": "disallow", "crawl-delay": "delay"}
_SAFE = "/?=&;:@!$'()*+,~-._%#[]"


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str
    regex: re.Pattern[str]


@dataclass
class RobotsRules:
    """What one host's robots.txt lets our crawler fetch; `note` says why when it was not read.

    `refusal_kind` is the FetchError kind for what it refuses: "robots", or "network", "timeout"
    or "tls" when robots.txt itself could not be fetched, which says more about the site.
    """

    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None
    disallow_everything: bool = False
    note: str | None = None
    refusal_kind: str = "robots"

    @classmethod
    def allow_all(cls, note: str | None = None) -> RobotsRules:
        return cls(note=note)

    @classmethod
    def deny_all(cls, note: str, *, kind: str = "robots") -> RobotsRules:
        return cls(disallow_everything=True, note=note, refusal_kind=kind)

    def allows(self, url: str) -> bool:
        """True if the longest matching rule allows the URL's path and query (Allow wins ties)."""
        parts = urlsplit(url)
        path = parts.path or "/"
        if path == "/robots.txt":
            return True
        if self.disallow_everything:
            return False
        target = _normalise(path + ("?" + parts.query if parts.query else ""))
        best: Rule | None = None
        for rule in self.rules:
            if rule.regex.match(target) and (best is None or _beats(rule, best)):
                best = rule
        return best is None or best.allow


def parse_robots(text: str, agent: str) -> RobotsRules:
    """The rules for `agent` (a product token such as "GetInvolvedBot"), else those for `*`.

    Every group naming our token counts, merged; `*` groups apply only when none does.
    """
    mine: list[tuple[str, str]] = []
    anyone: list[tuple[str, str]] = []
    token = agent.lower()
    for agents, lines in _groups(text):
        names = {a.split("/")[0].strip().lower() for a in agents}
        if token in names:
            mine.extend(lines)
        if "*" in names:
            anyone.extend(lines)
    chosen = mine or anyone
    rules = [_rule(kind == "allow", value) for kind, value in chosen if kind in ("allow", "disallow") and value]
    delays = [_float(value) for kind, value in chosen if kind == "delay"]
    delay = max((d for d in delays if d is not None), default=None)
    return RobotsRules(rules=rules, crawl_delay=delay)


def _groups(text: str) -> list[tuple[list[str], list[tuple[str, str]]]]:
    groups: list[tuple[list[str], list[tuple[str, str]]]] = []
    agents: list[str] = []
    lines: list[tuple[str, str]] = []
    for raw in text.splitlines():
        key, sep, value = raw.split("#", 1)[0].partition(":")
        kind = _KEYS.get(key.strip().lower())
        if not sep or kind is None:
            continue
        value = value.strip()
        if kind == "agent":
            if lines:
                groups.append((agents, lines))
                agents, lines = [], []
            agents.append(value)
        elif agents:
            lines.append((kind, value))
    if agents:
        groups.append((agents, lines))
    return groups


def _rule(allow: bool, pattern: str) -> Rule:
    pattern = _normalise(pattern if pattern.startswith(("/", "*")) else "/" + pattern)
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*")) + ("$" if anchored else "")
    return Rule(allow=allow, pattern=pattern, regex=re.compile(regex))


def _beats(rule: Rule, best: Rule) -> bool:
    if len(rule.pattern) != len(best.pattern):
        return len(rule.pattern) > len(best.pattern)
    return rule.allow and not best.allow


def _normalise(path: str) -> str:
    """Percent-encode what needs it and upper-case escapes, so `/caf%c3%a9` matches `/café`."""
    encoded = quote(path, safe=_SAFE)
    return re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), encoded)


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number >= 0 else None
