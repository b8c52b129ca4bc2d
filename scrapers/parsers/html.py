"""Reading an HTML page into records: the engine the listing, sections and programme parsers share.

A page either lists several opportunities (cards, rows, sections, definition lists, tables)
or is about one (a programme page: a heading, then "Who can apply?", "How much time?"). Both
readings are tried; a page followed from a listing is read as that one opportunity unless it
plainly describes several roles of its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from bs4 import BeautifulSoup, Tag

from scrapers.parsers import dom, facts, words
from scrapers.parsers.base import Document, Link, ParseContext, Record
from scrapers.parsers.blocks import Block, facts_in, find_blocks, page_heading
from scrapers.parsers.judge import ACCEPT, CLOSED_CONTEXT, Verdict, judge, rejection, title_score
from scrapers.parsers.microdata import microdata_items
from scrapers.parsers.titles import clean_title, role_title

_NEXT_TEXT = re.compile(r"^(?:next(?:\s+page)?|next\s*[»›>]+|[»›>]|older\s+(?:posts|entries)|more\s+results|next\s+results|"
                        r"show\s+more|load\s+more|page\s+suivante)$", re.I)
_QUESTION_HEADING = re.compile(r"\?\s*$|^(?:who|what|how|when|where|why|will|do|does|is|can)\b", re.I)
_NEGATIVE_SECTION = re.compile(r"\b(?:news|related|latest|stories|testimonials|share|follow|contact|useful\s+links|"
                               r"in\s+this\s+section|parents\s+and\s+carers|cookies)\b", re.I)
DESCRIPTION_CHARS = 1500


@dataclass
class HtmlPage:
    """A page read once: its site's names, its main content, its candidate blocks and its onward links."""
    doc: Document
    soup: BeautifulSoup
    main: Tag
    site_names: list[str]
    heading: Tag | None
    blocks: list[Block]
    next_links: list[str] = field(default_factory=list)
    feed_links: list[str] = field(default_factory=list)
    is_wordpress: bool = False
    ld_json: list[str] = field(default_factory=list)
    microdata: list[dict[str, Any]] = field(default_factory=list)
    generator: str = ""
    _body: tuple[str, list[tuple[str, str]], int] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.doc.url

    @property
    def site_name(self) -> str:
        return self.site_names[0] if self.site_names else ""


def read_html(doc: Document) -> HtmlPage:
    soup = dom.make_soup(doc.text)
    logos = dom.logo_names(soup)
    next_links = pagination_links(soup, doc.url)
    feeds = feed_links(soup, doc.url)
    wordpress = bool(soup.find("meta", attrs={"name": "generator", "content": re.compile("wordpress", re.I)})) \
        or "/wp-content/" in doc.text[:200_000]
    ld_json = [s.string or s.get_text() or "" for s in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)})]
    generator = dom.meta_content(soup, "generator")
    items = microdata_items(soup)
    dom.strip_boilerplate(soup)
    main = dom.main_content(soup)
    names = dom.site_names(soup, [dom.text_of(h) for h in main.find_all(["h1", "h2"], limit=3)])
    names += [n for n in logos if n not in names]
    heading = page_heading(main, names)
    return HtmlPage(doc=doc, soup=soup, main=main, site_names=names, heading=heading,
                    blocks=find_blocks(main, doc.url), next_links=next_links, feed_links=feeds, is_wordpress=wordpress,
                    ld_json=ld_json, microdata=items, generator=generator)


def pagination_links(soup: BeautifulSoup, base: str) -> list[str]:
    """The listing's next page: rel=next, or a link reading "Next" / "Older posts"."""
    found: list[str] = []
    for tag in soup.find_all(["a", "link"], href=True):
        rel = " ".join(tag.get("rel") or []).lower()
        label = dom.text_of(tag) if tag.name == "a" else ""
        aria = str(tag.get("aria-label") or tag.get("title") or "")
        if "next" in rel.split() or _NEXT_TEXT.match(label) or re.match(r"^next\b", aria, re.I):
            url = dom.absolute(base, tag.get("href"))
            if url and url != base and url not in found:
                found.append(url)
    return found[:1]


def feed_links(soup: BeautifulSoup, base: str) -> list[str]:
    out: list[str] = []
    for link in soup.find_all("link", href=True):
        rel = " ".join(link.get("rel") or []).lower()
        kind = str(link.get("type") or "").lower()
        if "alternate" in rel and ("rss" in kind or "atom" in kind):
            url = dom.absolute(base, link.get("href"))
            if url and "comments" not in url.lower() and url not in out:
                out.append(url)
    return out


# -- records from candidate blocks --------------------------------------------------------------

def read_fields(text: str, pairs: Iterable[tuple[str, str]], today: Any) -> dict[str, Any]:
    """Fields from labelled facts first, then from the words; only what is said."""
    out = facts.fields_from_facts(pairs, today)
    if "min_age" not in out and (age := facts.min_age(text)) is not None:
        out["min_age"] = age
    if "dbs_check" not in out and (dbs := facts.dbs_check(text)) is not None:
        out["dbs_check"] = dbs
    if "closing_date" not in out and (date := facts.closing_date(text, today)):
        out["closing_date"] = date.isoformat()
    if not out.get("commitment") and (time := facts.commitment(text)):
        out["commitment"] = time
    if "remote" not in out and facts.remote(text):
        out["remote"] = True
    if "postcode" not in out and (pc := facts.postcode_in(out.get("place", "") or "") or facts.postcode_in(text[:2000])):
        out["postcode"] = pc
    return out


def block_record(block: Block, page: HtmlPage, ctx: ParseContext) -> tuple[Record | None, Verdict]:
    """A record for one candidate, or None with the verdict that turned it down."""
    if block.weak_title and block.title.rstrip().endswith((".", "!")):
        return None, Verdict("reject", 0, "a sentence, not a title")
    title = role_title(clean_title(block.title, page.site_names), block.body)
    if (why := rejection(title, "", block.context, block.weak_title)) is not None:
        return None, Verdict("hub", 0, "points to more opportunities") if why == "hub" else Verdict("reject", 0, why)
    fields = read_fields(block.body, block.facts, ctx.today)
    _inherit(fields, block.intros)
    verdict = judge(title, block.body, fields, link=block.link, context=block.context, weak_title=block.weak_title,
                    extra=_column_says(block, title))
    if not verdict.kept:
        return None, verdict
    closed = fields.pop("status", None) == "closed" or facts.is_closed(block.body) or \
        bool(block.context and CLOSED_CONTEXT.match(block.context[0]))
    fields["description"] = _description(block.body)
    fields["kind"] = words.kind_of(title, "\n".join([block.body, *block.context[:1], block.column]))
    detail = block.link if block.link and block.link != page.url else None
    record = Record(title=title, url=page.url, fields=fields, closed=closed, detail_url=detail,
                    verdict=verdict.decision, score=verdict.score, role_like=_role_like(title, fields),
                    why=f"{block.kind}: {verdict.reason}", section=block.context[0] if block.context else "")
    return record, verdict


def _column_says(block: Block, title: str) -> int:
    """A table row is what its title column's heading calls it: each row under "Consultation" is a
    consultation even when its own title does not say so ("Dog control order renewal")."""
    if block.kind != "table" or not block.column or title_score(title):
        return 0
    return title_score(block.column)


def _inherit(fields: dict[str, Any], intros: list[str]) -> None:
    """What a role's own section leaves unsaid, from the sections it sits in, nearest first: an
    age or check said once for a group of roles ("Adult volunteers must be 18 or over")."""
    for intro in intros:
        if "min_age" not in fields and (age := facts.min_age(intro, requirement_only=True)) is not None:
            fields["min_age"] = age
        if "dbs_check" not in fields and (dbs := facts.dbs_check(intro)) is not None:
            fields["dbs_check"] = dbs


def item_records(page: HtmlPage, ctx: ParseContext, kinds: Iterable[str] | None = None) -> tuple[list[Record], list[Link]]:
    """The opportunities a page lists, and links to pages that list more ("Volunteer with us")."""
    wanted = set(kinds) if kinds is not None else None
    kept: list[tuple[Block, Record]] = []
    hubs: list[Link] = []
    for block in page.blocks:
        if (wanted is not None and block.kind not in wanted) or block.anchor is page.heading:
            continue
        record, verdict = block_record(block, page, ctx)
        if record is not None:
            kept.append((block, record))
        elif verdict.decision == "hub" and block.link and not _under_negative(block):
            hubs.append(Link(block.link, "hub"))
    _vouch_for_siblings(kept)
    records = _drop_containers(kept)
    hubs += [Link(url, "hub") for text, url in _all_links(page)
             if words.is_hub_title(text) or (words.is_involvement_event(text) and url != page.url)]
    return _dedupe(records), _unique_links(hubs)


def page_record(page: HtmlPage, ctx: ParseContext, *, extra: int = 0) -> tuple[Record | None, Verdict]:
    """The page read as one opportunity: its heading, its text and its facts."""
    body, pairs, questions = _page_body(page)
    raw = dom.text_of(page.heading) if page.heading is not None else dom.page_title(page.soup)
    title = role_title(clean_title(raw, page.site_names), body)
    lenient = None if ctx.detail_of is None else (1 if ctx.detail_of.verdict == "accept" else ACCEPT - 1)
    if ctx.detail_of is not None and (words.is_hub_title(title) or words.is_generic_heading(title)):
        title = ctx.detail_of.title
    fields = read_fields(body, pairs, ctx.today)
    verdict = judge(title, body, fields, lenient=lenient, extra=extra + (1 if questions >= 2 else 0))
    if not verdict.kept:
        return None, verdict
    closed = fields.pop("status", None) == "closed" or facts.is_closed(body)
    fields["description"] = _description(body)
    fields["kind"] = words.kind_of(title, body)
    return Record(title=title, url=page.url, fields=fields, closed=closed, verdict=verdict.decision,
                  score=verdict.score, role_like=_role_like(title, fields), why=f"page: {verdict.reason}"), verdict


def is_programme_page(page: HtmlPage) -> bool:
    """One role described under question headings ("Who can apply?", "How much time?")."""
    return _page_body(page)[2] >= 2


def _page_body(page: HtmlPage) -> tuple[str, list[tuple[str, str]], int]:
    if page._body is None:
        page._body = _read_page_body(page)
    return page._body


def _read_page_body(page: HtmlPage) -> tuple[str, list[tuple[str, str]], int]:
    """The page's own text and facts, without its heading and its news, related and similar sections."""
    skip = [b for b in page.blocks if b.kind in ("section", "card")
            and (_NEGATIVE_SECTION.search(b.title) or (b.kind == "section" and words.RELATED.search(b.title)))]
    skipped = {i for b in skip for i in b.covers} | {id(b.anchor) for b in skip}
    around = {id(a) for b in skip for a in b.anchor.parents}
    if page.heading is not None:
        skipped.add(id(page.heading))
        around |= {id(a) for a in page.heading.parents}
    parts: list[str] = []
    pairs: list[tuple[str, str]] = []

    def walk(el: Tag) -> None:
        for child in el.children:
            if not isinstance(child, Tag):
                parts.append(dom.clean_text(str(child)))
            elif id(child) in skipped:
                continue
            elif id(child) in around:
                walk(child)
            else:
                parts.append(dom.text_of(child, lines=True))
                pairs.extend(facts_in(child))

    walk(page.main)
    pairs += [(b.title, b.body) for b in page.blocks if b.kind == "section" and b.anchor is not page.heading
              and facts.fact_field(b.title) and b.body]
    questions = sum(1 for b in page.blocks if b.kind == "section" and _QUESTION_HEADING.search(b.title))
    return dom.clean_text("\n".join(p for p in parts if p)), pairs, questions


def _under_negative(block: Block) -> bool:
    return any(_NEGATIVE_SECTION.search(c) for c in block.context)


def _vouch_for_siblings(kept: list[tuple[Block, Record]]) -> None:
    """An item with some signs of a role and no page of its own to decide is a role when most of
    the list it stands in are ("Soup Saturday cook" beside "Pantry helper", "Food collection driver")."""
    lists: dict[int, list[Record]] = {}
    for block, record in kept:
        if block.anchor.parent is not None:
            lists.setdefault(id(block.anchor.parent), []).append(record)
    for block, record in kept:
        if record.verdict != "maybe" or record.detail_url or block.anchor.parent is None \
                or words.RELATED.search(record.title) or words.is_generic_heading(record.title):
            continue
        siblings = lists[id(block.anchor.parent)]
        accepted = sum(r.verdict == "accept" for r in siblings)
        if accepted >= 2 and accepted * 2 >= len(siblings):
            record.verdict = "accept"


def _drop_containers(kept: list[tuple[Block, Record]]) -> list[Record]:
    """A section whose text holds other kept items is their heading, not an opportunity itself."""
    anchors = {id(b.anchor) for b, _ in kept}
    return [record for block, record in kept if not (block.covers & anchors) - {id(block.anchor)}]


def _dedupe(records: list[Record]) -> list[Record]:
    seen: dict[str, Record] = {}
    for r in records:
        key = r.detail_url or f"{r.url}#{r.title.lower()}"
        if key in seen:
            seen[key] = seen[key] if seen[key].score >= r.score else r
        else:
            seen[key] = r
    return list(seen.values())


def _all_links(page: HtmlPage) -> list[tuple[str, str]]:
    return [(dom.text_of(a), url) for a, url in dom.links_in(page.main, page.url) if not dom.is_document_link(url)]


def _unique_links(links: list[Link]) -> list[Link]:
    seen: set[str] = set()
    out: list[Link] = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out


def _role_like(title: str, fields: dict[str, Any]) -> bool:
    return words.has_role_noun(title) or words.has_group_noun(title) or fields.get("min_age") is not None \
        or bool(fields.get("commitment"))


def _description(text: str) -> str:
    text = dom.clean_text(text)
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
