"""The candidate items on a page, found from its structure alone.

A candidate is anything that could name one opportunity: a card or row repeated with its
siblings, a list item led by a link, a heading and the text under it, a <dt> with its <dd>,
a table row, an accordion's <summary>. Each carries its title, its own text, a link to a page
of its own, label/value facts ("Minimum age: 16") and the headings it sits under, which
later decide whether it is an opportunity at all.
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from urllib.parse import urlsplit
from dataclasses import dataclass, field

from bs4 import NavigableString, Tag

from scrapers.parsers import dom, words
from scrapers.parsers.facts import fact_field

MAX_BLOCKS = 600
CARD_TAGS = {"li", "article", "div", "section", "tr", "aside", "a", "p"}
_MORE_LINK = re.compile(r"^(?:read\s+more|more\s+(?:details|info(?:rmation)?|about.*)|find\s+out\s+more.*|learn\s+more.*|"
                        r"view(?:\s+(?:role|opportunity|details|more|project|consultation))?|details|continue\s+reading.*|"
                        r"see\s+(?:more|details|the\s+role)|full\s+details|apply(?:\s+now)?|sign\s+up.*|register.*|"
                        r"find\s+out\s+about.*|take\s+part.*|have\s+your\s+say.*|respond.*|get\s+involved|join\s+.*|"
                        r"more)\b", re.I)
_NOT_TITLE_LINK = re.compile(r"^(?:read\s+more|more|details|view|apply(?:\s+now|\s+for\s+this\s+role)?|email.*|call.*|"
                             r"download.*|share.*|continue\s+reading.*|back\s+to.*|contact.*|click\s+here|here|this\s+page|"
                             r"find\s+out\s+more|learn\s+more|see\s+more|\d+)$", re.I)


@dataclass
class Block:
    title: str
    body: str
    link: str | None
    kind: str
    anchor: Tag
    covers: set[int] = field(default_factory=set)
    fact_sources: list[Tag] = field(default_factory=list)
    given_facts: list[tuple[str, str]] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    weak_title: bool = False
    level: int = 7
    links: list[tuple[str, str]] = field(default_factory=list)
    intros: list[str] = field(default_factory=list)
    column: str = ""
    _facts: list[tuple[str, str]] | None = field(default=None, repr=False)

    @property
    def facts(self) -> list[tuple[str, str]]:
        """Label/value pairs, read only when a candidate gets that far (most are turned down on their title)."""
        if self._facts is None:
            self._facts = self.given_facts + [f for el in self.fact_sources for f in facts_in(el)]
        return self._facts


class Page:
    """A page's main content, walked once, with document order for ranges and context."""

    def __init__(self, main: Tag, base_url: str):
        self.main = main
        self.base_url = base_url
        self.nodes = list(main.descendants)
        self.index = {id(n): i for i, n in enumerate(self.nodes) if isinstance(n, Tag)}
        self.headings = [n for n in self.nodes if isinstance(n, Tag) and n.name in dom.HEADINGS and dom.text_of(n)]

    def pos(self, tag: Tag) -> int:
        return self.index.get(id(tag), -1)

    def end(self, tag: Tag) -> int:
        """Index just past the tag's last descendant."""
        last = tag
        while isinstance(last, Tag) and last.contents:
            last = last.contents[-1]
        return self.index.get(id(last), self.pos(tag)) + 1 if isinstance(last, Tag) else self._string_index(last) + 1

    def _string_index(self, node: NavigableString) -> int:
        parent = node.parent
        start = self.pos(parent) if isinstance(parent, Tag) else 0
        for i in range(max(start, 0), len(self.nodes)):
            if self.nodes[i] is node:
                return i
        return start


def find_blocks(main: Tag, base_url: str) -> list[Block]:
    """Every candidate item in the main content, each with its context headings."""
    page = Page(main, base_url)
    cards = _card_elements(main)
    card_ids = {id(c) for c in cards}
    blocks: list[Block] = []
    blocks += [b for c in cards if (b := _card_block(page, c))]
    blocks += _table_blocks(page, card_ids)
    blocks += _deflist_blocks(page)
    blocks += _accordion_blocks(page)
    blocks += _linked_list_items(page, card_ids)
    blocks += _role_document_links(page, blocks)
    blocks += _section_blocks(page, cards)
    blocks = blocks[:MAX_BLOCKS]
    contexts = _Contexts(page, cards)
    for b in blocks:
        b.context = contexts.of(b)
    return blocks


def page_heading(main: Tag, site_names: list[str]) -> Tag | None:
    """The page's own heading: its <h1>, unless that is only the site's name, else the first heading."""
    names = {n.lower() for n in site_names}
    for h in main.find_all("h1"):
        if dom.text_of(h) and dom.text_of(h).lower() not in names:
            return h
    for h in main.find_all(dom.HEADINGS):
        if dom.text_of(h) and dom.text_of(h).lower() not in names:
            return h
    return None


# -- cards: repeated siblings --------------------------------------------------------------

def _card_elements(main: Tag) -> list[Tag]:
    found: list[Tag] = []
    for parent in [main, *dom.tags(main)]:
        if parent.name in ("dl", "table", "tbody", "thead", "select"):
            continue
        groups: dict[tuple[str, str], list[Tag]] = defaultdict(list)
        for child in dom.block_children(parent):
            if child.name in CARD_TAGS:
                groups[(child.name, (child.get("class") or [""])[0])].append(child)
        for members in groups.values():
            items = [m for m in members if _looks_like_item(m)]
            if len(items) >= 2:
                found += items
    return found


_HEADING_SET = frozenset(dom.HEADINGS)
_EMPHASIS = frozenset(("a", "strong", "b"))
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold(?:er)?|[6-9]00)\b", re.I)


def _is_bold(tag: Tag) -> bool:
    """<strong>, <b>, or what site builders write instead: <span style="font-weight:bold">."""
    return tag.name in ("strong", "b") or (tag.name == "span" and bool(_BOLD_STYLE.search(str(tag.get("style") or ""))))


def _looks_like_item(el: Tag) -> bool:
    heads = marked = chars = 0
    for node in el.descendants:  # one walk, not three searches: this runs for every child of every element
        if isinstance(node, Tag):
            if node.name in _HEADING_SET:
                heads += 1
                if heads > 3:
                    return False
            elif node.name in _EMPHASIS or _is_bold(node):
                marked += 1
        else:
            chars += len(node)
            if chars > 6000:
                return False
    if el.name == "tr" and not heads:
        return False
    if heads >= 2 and _names_sub_roles(el):
        return False
    if not heads and not marked:
        return False
    if chars < 8:
        return False
    if el.name == "p":
        return bool(_leading_strong(el))
    return bool(heads) or bool(_title_link(el)) or bool(_leading_strong(el))


def _names_sub_roles(el: Tag) -> bool:
    """A panel whose first heading is followed by deeper headings naming roles ("Community Panels", then
    "Scrutiny Panel member" and its facts) is a group of those roles, not one item: its headings become sections."""
    heads = el.find_all(dom.HEADINGS)
    top = dom.heading_level(heads[0])
    return any(dom.heading_level(h) > top and (words.has_role_noun(t := dom.text_of(h)) or words.has_group_noun(t))
               and not words.is_generic_heading(t) and not fact_field(t) for h in heads[1:])


def _card_block(page: Page, card: Tag) -> Block | None:
    heading = card.find(dom.HEADINGS)
    title_el: Tag | None = heading
    weak = False
    if heading is None:
        title_el = _leading_strong(card) if card.name == "p" else (_title_link(card) or _leading_strong(card))
        weak = True
    title = dom.text_of(title_el)
    if not title:
        return None
    link = _item_link(page, card, title_el, title)
    return Block(title=title, body=_body_without(card, title_el), link=link, kind="card", anchor=card,
                 covers=_ids(card), fact_sources=[card], weak_title=weak and title_el is not None and title_el.name != "a",
                 level=dom.heading_level(heading) if heading else 7, links=_links(page, card))


def _title_link(el: Tag) -> Tag | None:
    """The link the item's text starts with, when it reads like a title."""
    a = el.find("a", href=True)
    if a is None:
        return None
    text = dom.text_of(a)
    if len(text) >= 3 and not _NOT_TITLE_LINK.match(text) and dom.absolute("http://x/", a.get("href")):
        if text in dom.text_of(el)[: len(text) + 3]:
            return a
    return None


def _leading_strong(el: Tag) -> Tag | None:
    """<li><strong>Befriender</strong> – visit someone weekly</li>: bold words that start the item."""
    strong = el.find(_is_bold)
    if strong is None:
        return None
    text = dom.text_of(strong)
    if not text or text.endswith(":") or fact_field(text) or len(text.split()) > 12:
        return None
    return strong if dom.text_of(el).startswith(text[:20]) else None


def _item_link(page: Page, item: Tag, title_el: Tag | None, title: str) -> str | None:
    """The item's own page: its title's link, else a "Read more" on the same site."""
    if item.name == "a" and item.get("href"):
        return _page_link(page, item)
    if title_el is not None:
        a = title_el if title_el.name == "a" else title_el.find("a", href=True)
        if isinstance(a, Tag) and (url := _page_link(page, a)):
            return url
        # a block link: <a class="tile" href=...><h3>Title</h3><p>...</p></a> inside the item
        wrapper = title_el.find_parent("a", href=True)
        if isinstance(wrapper, Tag) and (wrapper is item or item in wrapper.parents) and (url := _page_link(page, wrapper)):
            return url
    for a in item.find_all("a", href=True):
        text = dom.text_of(a)
        if (text == title or _MORE_LINK.match(text)) and (url := _page_link(page, a)) and _same_site(url, page.base_url):
            return url
    return None


def _same_site(url: str, base: str) -> bool:
    return urlsplit(url).netloc.lower().removeprefix("www.") == urlsplit(base).netloc.lower().removeprefix("www.")


def _page_link(page: Page, a: Tag) -> str | None:
    url = dom.absolute(page.base_url, a.get("href"))
    return url if url and not dom.is_document_link(url) else None


def _links(page: Page, el: Tag) -> list[tuple[str, str]]:
    return [(dom.text_of(a), url) for a, url in dom.links_in(el, page.base_url)]


def _body_without(el: Tag, title_el: Tag | None) -> str:
    text = dom.text_of(el, lines=True)
    title = dom.text_of(title_el) if title_el is not None else ""
    if title and text.startswith(title):
        text = text[len(title):]
    elif title:
        text = text.replace(title, "", 1)
    return text.strip()


def _ids(el: Tag) -> set[int]:
    return {id(el)} | {id(t) for t in dom.tags(el)}


# -- tables, definition lists, accordions, linked list items -----------------------------------

def _rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr]


def is_key_value_table(table: Tag) -> bool:
    """Two cells a row, a short label then its value, and no row of column headings."""
    rows = _rows(table)
    if not rows or (len(_cells(rows[0])) >= 2 and all(c.name == "th" for c in _cells(rows[0]))):
        return False
    pairs = [_cells(r) for r in rows]
    return all(len(c) == 2 for c in pairs) and all(len(dom.text_of(c[0]).split()) <= 6 for c in pairs)


def _table_blocks(page: Page, card_ids: set[int]) -> list[Block]:
    blocks: list[Block] = []
    for table in page.main.find_all("table"):
        rows = _rows(table)
        if len(rows) < 2 or is_key_value_table(table) or table.find(["h1", "h2", "h3", "h4"]):
            continue
        header = [dom.text_of(c) for c in _cells(rows[0])] if all(c.name == "th" for c in _cells(rows[0])) else []
        data = rows[1:] if header else rows
        col = _title_column(header, data)
        for tr in data:
            if id(tr) in card_ids:
                continue
            if block := _row_block(page, tr, header, col):
                blocks.append(block)
    return blocks


_TITLE_COLUMNS = (re.compile(r"\b(?:roles?|opportunit(?:y|ies)|title|name|groups?|position|activity|project|consultation)\b", re.I),
                  re.compile(r"\bwhat\b", re.I))  # strongest first: "What you'd do" is a description beside "Opportunity"


def _title_column(header: list[str], rows: list[Tag]) -> int:
    """The column naming each row: the row headers (<th scope="row">) when every row has one in the
    same place, else the column whose heading says so, else the one every row marks up."""
    if rows and (col := _row_header_column(rows)) is not None:
        return col
    for names_title in _TITLE_COLUMNS:
        for i, name in enumerate(header):
            if names_title.search(name):
                return i
    for i in range(max((len(_cells(r)) for r in rows), default=0)):
        cells = [_cells(r)[i] for r in rows if len(_cells(r)) > i]
        if cells and all(c.find(["strong", "b", "a"]) for c in cells):
            return i
    return 0


def _row_header_column(rows: list[Tag]) -> int | None:
    """Where every row has its header cell, if they agree: HTML's own way of naming a row."""
    places = {next((i for i, c in enumerate(_cells(r)) if c.name == "th"), None) for r in rows}
    place = places.pop() if len(places) == 1 else None
    return place if place is not None and len(_cells(rows[0])) > 1 else None


def _row_block(page: Page, tr: Tag, header: list[str], col: int) -> Block | None:
    cells = _cells(tr)
    if len(cells) <= col:
        return None
    title_cell = cells[col]
    title_el = title_cell.find(["strong", "b", "a"])
    # no marked-up title: the cell's first line ("Station Support Volunteer<br><small>Keep our...")
    title = dom.text_of(title_el) if title_el is not None else next(
        (line.strip() for line in dom.text_of(title_cell, lines=True).splitlines() if line.strip()), "")
    if not title or len(dom.text_of(tr)) > 3000:
        return None
    facts = [(header[i], dom.text_of(c)) for i, c in enumerate(cells) if i < len(header) and i != col]
    lines = [f"{header[i]}: {dom.text_of(c, lines=True)}" if i < len(header) else dom.text_of(c, lines=True)
             for i, c in enumerate(cells) if i != col]
    rest = dom.text_of(title_cell).replace(title, "", 1).strip()
    return Block(title=title, body="\n".join(x for x in [rest, *lines] if x), link=_item_link(page, tr, title_el, title),
                 kind="table", anchor=tr, covers=_ids(tr), given_facts=facts, fact_sources=[tr],
                 links=_links(page, tr), column=header[col] if col < len(header) else "")


def _deflist_blocks(page: Page) -> list[Block]:
    blocks: list[Block] = []
    for dl in page.main.find_all("dl"):
        pairs = definition_pairs(dl)
        if not pairs or not _is_item_list(pairs):
            continue
        for dt, dds in pairs:
            title = dom.text_of(dt)
            if not title:
                continue
            covers = _ids(dt).union(*(_ids(d) for d in dds)) if dds else _ids(dt)
            link = _item_link(page, dt, dt, title) or next(
                (u for d in dds if (u := _item_link(page, d, None, title))), None)
            links = _links(page, dt) + [x for d in dds for x in _links(page, d)]
            blocks.append(Block(title=title, body="\n".join(dom.text_of(d, lines=True) for d in dds), link=link,
                                kind="deflist", anchor=dt, covers=covers,
                                fact_sources=list(dds), links=links))
    return blocks


def definition_pairs(dl: Tag) -> list[tuple[Tag, list[Tag]]]:
    pairs: list[tuple[Tag, list[Tag]]] = []
    for el in dl.find_all(["dt", "dd"]):
        if el.find_parent("dl") is not dl:
            continue
        if el.name == "dt":
            pairs.append((el, []))
        elif pairs:
            pairs[-1][1].append(el)
    return pairs


def _is_item_list(pairs: list[tuple[Tag, list[Tag]]]) -> bool:
    """Terms naming items (linked, or with long descriptions), not a list of labels ("Who can apply",
    "Closing date", "What you'll do") whose values are one item's facts however long they run."""
    if any(dt.find("a", href=True) for dt, _ in pairs):
        return True
    labels = sum(1 for dt, _ in pairs if fact_field(t := dom.text_of(dt)) or words.is_generic_heading(t))
    if labels * 2 > len(pairs):
        return False
    lengths = [len(dom.text_of(d)) for _, dds in pairs for d in dds]
    return bool(lengths) and (sum(lengths) / len(lengths) > 80 or any(d.find(["p", "ul"]) for _, dds in pairs for d in dds))


def _accordion_blocks(page: Page) -> list[Block]:
    blocks: list[Block] = []
    for details in page.main.find_all("details"):
        summary = details.find("summary")
        if summary is None or summary.find(dom.HEADINGS):
            continue
        title = dom.text_of(summary)
        blocks.append(Block(title=title, body=_body_without(details, summary), link=None, kind="accordion",
                            anchor=details, covers=_ids(details), fact_sources=[details],
                            links=_links(page, details)))
    return blocks


def _linked_list_items(page: Page, card_ids: set[int]) -> list[Block]:
    """<li><a href=...>Title</a> – closes 12 January</li> outside any card group."""
    blocks: list[Block] = []
    inside_cards = {i for t in dom.tags(page.main) if id(t) in card_ids for i in _ids(t)}
    for li in page.main.find_all("li"):
        if id(li) in inside_cards or li.find("a", href=True) is None or li.find(dom.HEADINGS):
            continue
        a = _title_link(li)
        if a is None:
            continue
        title = dom.text_of(a)
        url = _page_link(page, a)
        blocks.append(Block(title=title, body=_body_without(li, a), link=url, kind="list", anchor=li,
                            covers=_ids(li), fact_sources=[li], links=_links(page, li)))
    return blocks


def _role_document_links(page: Page, found: list[Block]) -> list[Block]:
    """A role named in running text by a link to its role description ("We are not recruiting to the
    <a>Maternity Support Volunteer role description</a> at the moment"): the sentence around it is its text."""
    from scrapers.parsers.titles import is_role_document_name

    covered = {i for b in found for i in b.covers}
    blocks: list[Block] = []
    for a in page.main.find_all("a", href=True):
        holder = a.parent
        if id(a) in covered or not isinstance(holder, Tag) or not is_role_document_name(title := dom.text_of(a)):
            continue
        blocks.append(Block(title=title, body=_body_without(holder, a), link=None, kind="list", anchor=a,
                            covers=_ids(a), fact_sources=[holder], links=_links(page, holder)))
    return blocks


# -- sections: a heading and what follows it --------------------------------------------------

def _section_blocks(page: Page, cards: list[Tag]) -> list[Block]:
    in_card = {id(t) for c in cards for t in dom.tags(c, dom.HEADINGS)}
    blocks: list[Block] = []
    intros: dict[int, str] = {}
    stack: list[Tag] = []
    for i, h in enumerate(page.headings):
        if id(h) in in_card or h.find_parent(["summary", "dt"]) is not None:
            continue
        level = dom.heading_level(h)
        while stack and dom.heading_level(stack[-1]) >= level:
            stack.pop()
        start = page.end(h)
        stop = next((page.pos(n) for n in page.headings[i + 1:] if dom.heading_level(n) <= level), len(page.nodes))
        block = _range_block(page, h, start, stop)
        if block:
            intros[id(h)] = _intro(page, h, start, stop, i)
            block.intros = [intros[id(p)] for p in reversed(stack) if dom.heading_level(p) > 1 and intros.get(id(p))]
            blocks.append(block)
        stack.append(h)
    return blocks


def _intro(page: Page, h: Tag, start: int, stop: int, i: int) -> str:
    """A section's own words before its first sub-heading: what it says of every sub-section
    ("Adult volunteers must be 18 or over" above the adult roles)."""
    first_sub = next((page.pos(n) for n in page.headings[i + 1:] if page.pos(n) >= start), stop)
    tops = _top_tags(page, start, min(stop, first_sub))
    return dom.clean_text("\n".join(dom.text_of(t, lines=True) if isinstance(t, Tag) else dom.clean_text(str(t))
                                     for t in tops)) if first_sub < stop else ""


def _range_block(page: Page, h: Tag, start: int, stop: int) -> Block | None:
    title = dom.text_of(h)
    tops = _top_tags(page, start, stop)
    covers = {id(h)} | {i for t in tops if isinstance(t, Tag) for i in _ids(t)}
    body = dom.clean_text("\n".join(dom.text_of(t, lines=True) if isinstance(t, Tag) else dom.clean_text(str(t))
                                     for t in tops))
    links = _links(page, h) + [x for t in tops if isinstance(t, Tag) for x in _links(page, t)]
    link = _heading_link(page, h) or _section_link(title, links, page.base_url)
    return Block(title=title, body=body, link=link, kind="section", anchor=h, covers=covers,
                 fact_sources=[t for t in tops if isinstance(t, Tag)],
                 level=dom.heading_level(h), links=links)


def _top_tags(page: Page, start: int, stop: int) -> list[Tag | NavigableString]:
    """The outermost nodes wholly inside [start, stop): what a range of the page consists of."""
    tops: list[Tag | NavigableString] = []
    i = start
    while i < stop:
        node = page.nodes[i]
        if isinstance(node, Tag):
            end = page.end(node)
            if end <= stop:
                tops.append(node)
                i = end
                continue
        elif str(node).strip():
            tops.append(node)
        i += 1
    return tops


def _heading_link(page: Page, h: Tag) -> str | None:
    a = h.find("a", href=True) or (h.find_parent("a", href=True))
    return _page_link(page, a) if isinstance(a, Tag) else None


def _section_link(title: str, links: list[tuple[str, str]], base: str) -> str | None:
    from scrapers.parsers.titles import content_words

    wanted = content_words(title) - {"volunteer", "volunteering", "join", "become"}
    for text, url in links:
        if dom.is_document_link(url) or not _same_site(url, base):
            continue
        if _MORE_LINK.match(text) or (wanted and len(content_words(text) & wanted) >= min(2, len(wanted))):
            return url
    return None


class _Contexts:
    """The headings each block sits under, nearest first, worked out once for the whole page.

    Headings that title a card are not context for anything outside that card.
    """

    def __init__(self, page: Page, cards: list[Tag]):
        in_cards = {id(h) for c in cards for h in dom.tags(c, dom.HEADINGS)}
        self.page = page
        self.positions: list[int] = []
        self.stacks: list[list[Tag]] = []
        stack: list[Tag] = []
        for h in page.headings:
            if id(h) in in_cards:
                continue
            while stack and dom.heading_level(stack[-1]) >= dom.heading_level(h):
                stack = stack[:-1]  # a new list: the stacks already stored for earlier headings stay as they were
            stack = [*stack, h]
            self.positions.append(page.pos(h))
            self.stacks.append(stack)

    def of(self, block: Block) -> list[str]:
        pos = self.page.pos(block.anchor)
        i = bisect.bisect_left(self.positions, pos) - 1
        if i < 0:
            return []
        own = block.level if block.kind == "section" else (
            dom.heading_level(h) if block.kind == "card" and (h := block.anchor.find(dom.HEADINGS)) is not None else 7)
        return [dom.text_of(h) for h in reversed(self.stacks[i]) if dom.heading_level(h) < own]


# -- label/value facts ---------------------------------------------------------------------------

def facts_in(el: Tag) -> list[tuple[str, str]]:
    """Label/value pairs inside an element: key/value <dl>s and tables, "Label: value" text, bold labels."""
    facts: list[tuple[str, str]] = []
    inner = [el, *dom.tags(el)]  # walked once; the readers below pick from it
    for dl in (t for t in inner if t.name == "dl"):
        pairs = definition_pairs(dl)
        if pairs and not _is_item_list(pairs):
            facts += [(dom.text_of(dt), " ".join(dom.text_of(d) for d in dds)) for dt, dds in pairs]
    for table in (t for t in inner if t.name == "table"):
        if is_key_value_table(table):
            facts += [(dom.text_of(c[0]), dom.text_of(c[1])) for r in _rows(table) if len(c := _cells(r)) == 2]
    facts += _bold_labels(inner[1:])
    facts += _sibling_labels(inner[1:])
    facts += _class_named_fields([t for t in inner if t is el or t.name in ("div", "span", "p", "li")])
    facts += _label_lines(dom.text_of(el, lines=True))
    return facts


_LABEL_TAGS = frozenset(("div", "span", "p", "h3", "h4", "h5", "h6", "label"))
_LABEL_CONTAINERS = frozenset(("div", "p", "ul"))


def _sibling_labels(inner: list[Tag]) -> list[tuple[str, str]]:
    """<div class="label">Organisation</div><div>Greenfield Trust</div>: a label, then its value beside it."""
    facts: list[tuple[str, str]] = []
    for label in inner:
        if label.name not in _LABEL_TAGS or any(isinstance(c, Tag) and c.name in _LABEL_CONTAINERS for c in label.children):
            continue  # a container holds labels; it is not one (checked before reading its text)
        name = dom.text_of(label).rstrip(":").strip()
        if not name or len(name.split()) > 4 or not fact_field(name) or label.find(["div", "p", "ul"]):
            continue
        value = label.find_next_sibling()
        if isinstance(value, Tag) and value.name not in dom.HEADINGS and (text := dom.text_of(value)) and len(text) <= 300:
            facts.append((name, text))
    return facts


_FIELD_CLASS = re.compile(r"(?:^|[-_])field[-_]+(?:name[-_]+)?(?:field[-_]+)?([a-z][a-z_-]{2,40})$")


def _class_named_fields(candidates: list[Tag]) -> list[tuple[str, str]]:
    """CMS field wrappers name their field in a class: "views-field-field-closing-date", "field--name-field-location"."""
    facts: list[tuple[str, str]] = []
    for tag in candidates:
        for cls in tag.get("class") or []:
            m = _FIELD_CLASS.search(str(cls).lower())
            if not m:
                continue
            label = m.group(1).replace("-", " ").replace("_", " ").strip()
            if fact_field(label) and (value := _field_value(tag)):
                facts.append((label, value))
                break
    return facts


def _field_value(tag: Tag) -> str:
    text = dom.text_of(tag)
    label = tag.find(class_=re.compile(r"label", re.I))
    if isinstance(label, Tag) and dom.text_of(label) and text.startswith(dom.text_of(label)):
        text = text[len(dom.text_of(label)):]
    return text.strip(" :")[:300]


_BOLD_LABEL_TAGS = frozenset(("strong", "b", "em", "span", "dt", "th"))


def _bold_labels(inner: list[Tag]) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    for label in (t for t in inner if t.name in _BOLD_LABEL_TAGS):
        text = dom.text_of(label).rstrip()
        name = text.rstrip(":").strip()
        if not name or len(name.split()) > 5 or not fact_field(name):
            continue
        if not text.endswith(":") and label.name in ("strong", "b", "em") and label.parent is not None \
                and not dom.text_of(label.parent).startswith(text):
            continue
        value = _text_after(label)
        if value:
            facts.append((name, value))
    return facts


def _text_after(label: Tag) -> str:
    parts: list[str] = []
    for sib in label.next_siblings:
        if isinstance(sib, Tag):
            if sib.name == "br":
                if "".join(parts).strip():
                    break
                continue
            if sib.name in dom.BLOCK_TAGS or (sib.name in ("strong", "b") and dom.text_of(sib).rstrip().endswith(":")):
                break
            parts.append(dom.text_of(sib))
        else:
            parts.append(str(sib))
    return dom.clean_text(" ".join(parts)).lstrip(":–- ").strip()[:300]


_LABEL_LINE = re.compile(r"^\s*([A-Z][\w '/()-]{1,40}?)\s*:\s*(.{1,300})$")


def _label_lines(text: str) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    for line in text.splitlines():
        m = _LABEL_LINE.match(line)
        if m and fact_field(m.group(1)):
            facts.append((m.group(1), m.group(2)))
    return facts
