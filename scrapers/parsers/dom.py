"""Reading HTML the way a visitor does: the main content without menus, banners and footers.

Pages come from every CMS there is (Drupal, WordPress, Squarespace, Joomla, hand-written
tables), so nothing here depends on one site's classes: semantic tags first, then class and
id words that mean the same thing everywhere (nav, menu, breadcrumb, cookie, footer...).
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4 import Comment

MAX_HTML_CHARS = 2_000_000
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "section", "article",
              "h1", "h2", "h3", "h4", "h5", "h6", "br", "blockquote", "figure", "figcaption", "details", "summary",
              "header", "footer", "main", "aside", "nav", "form", "fieldset", "hr", "pre", "address", "tbody", "thead"}
_SPACED_INLINE = {"span", "a", "strong", "b", "em", "i", "small", "label", "time", "abbr", "button", "cite", "q"}
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "select",
              "input", "textarea", "img", "picture", "video", "audio", "map")
_LANDMARK_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menubar", "menu", "dialog"}
_BOILER_PREFIXES = ("nav", "menu", "breadcrumb", "crumb", "cookie", "skip", "sidebar", "footer", "social", "share",
                    "sharing", "consent", "gdpr", "masthead", "topbar", "utility", "subnav", "submenu", "pager",
                    "emergency", "searchform", "related", "latestnews")
_BOILER_WHOLE = {"header", "site-header", "global-header", "page-top", "banner", "visually-hidden-focusable",
                 "screen-reader-text", "sr-only", "hidden", "print-only", "back-to-top", "well _menu"}
_FOOT = re.compile(r"^(?:site|page|global|main|layout|l)?[-_]*(?:foot|ft)$")
_MAIN_IDS = ("main-content", "maincontent", "main", "content", "primary", "page-content", "main-wrapper",
             "content-main", "contentarea", "content-area", "mainbody", "body-content")


def make_soup(html: str) -> BeautifulSoup:
    """Parse leniently; broken markup still gives a tree, huge pages are cut to a sane size."""
    return BeautifulSoup(html[:MAX_HTML_CHARS], "lxml")


def clean_text(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u200b", "")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n[ \n]*", "\n", text)
    text = re.sub(r" ([,.;:!?)])", r"\1", text)
    text = re.sub(r"\( ", "(", text)
    return text.strip()


def text_of(el: Tag | NavigableString | None, *, lines: bool = False) -> str:
    """Visible text; block elements become line breaks when `lines`, else spaces."""
    if el is None:
        return ""
    if isinstance(el, NavigableString):
        return clean_text(str(el))
    parts: list[str] = []
    for node in el.descendants:
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            if node.parent is not None and node.parent.name in ("script", "style", "template"):
                continue
            if isinstance(node.previous_sibling, Tag) and node.previous_sibling.name in _SPACED_INLINE:
                parts.append(" ")
            parts.append(str(node))
        elif isinstance(node, Tag) and node.name in BLOCK_TAGS:
            parts.append("\n" if lines else " ")
        elif isinstance(node, Tag) and node.name in _SPACED_INLINE:
            parts.append(" ")
    text = clean_text("".join(parts))
    return text if lines else " ".join(text.split())


def tags(el: Tag, names: Iterable[str] | str | None = None) -> list[Tag]:
    """The element's descendant tags (with one of `names`), in document order.

    The same as `el.find_all(names)`, several times faster on big pages: bs4's matching
    machinery costs more per node than the walk itself.
    """
    if names is None:
        return [n for n in el.descendants if isinstance(n, Tag)]
    wanted = {names} if isinstance(names, str) else set(names)
    return [n for n in el.descendants if isinstance(n, Tag) and n.name in wanted]


def strip_boilerplate(soup: BeautifulSoup) -> None:
    """Remove what every page repeats: scripts, menus, banners, cookie notices, footers, sidebars.

    One walk from the top: a removed element's contents are never looked at (asking a
    decomposed tag anything makes bs4 search its whole subtree).
    """
    drop = set(_DROP_TAGS)
    for node in list(soup.descendants):
        if isinstance(node, Comment):
            node.extract()
    for tag in [t for t in tags(soup) if t.name in drop]:
        if not tag.__dict__.get("_decomposed"):
            tag.decompose()
    everything = tags(soup)
    protected = {id(a) for m in everything if m.name in ("main", "body", "html") or m.get("role") == "main"
                 for a in [m, *m.parents]}
    stack: list[Tag] = [soup]
    while stack:
        parent = stack.pop()
        for child in list(parent.children):
            if not isinstance(child, Tag):
                continue
            if id(child) not in protected and _is_boilerplate(child):
                child.decompose()
            else:
                stack.append(child)


def _is_boilerplate(tag: Tag) -> bool:
    name = tag.name
    if name in ("nav", "aside"):
        return True
    if name in ("header", "footer") and not tag.find_parent(("article", "main")):
        return True
    if name == "form" and not tag.find(HEADINGS):
        return True
    attrs = tag.attrs or {}
    if str(attrs.get("role", "")).lower() in _LANDMARK_ROLES:
        return True
    if str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    classes = attrs.get("class") or []
    words = [str(c).lower() for c in classes] + [str(attrs.get("id", "")).lower()]
    whole = " ".join(str(c).lower() for c in classes)
    if whole in _BOILER_WHOLE or str(attrs.get("id", "")).lower() in ("header", "masthead", "footer", "sidebar", "nav"):
        return True
    for word in words:
        if word in _BOILER_WHOLE or _FOOT.match(word):
            return True
        for part in re.split(r"[-_]+", word):
            if part and part.startswith(_BOILER_PREFIXES) and not part.startswith(("navigator", "menuitem-content")):
                return True
    return False


def main_content(soup: BeautifulSoup) -> Tag:
    """The element holding the page's own content: <main>, role=main, a content id, or the body."""
    candidates: list[Tag] = [m for m in soup.find_all("main") if text_of(m)]
    candidates += [t for t in soup.find_all(attrs={"role": "main"}) if text_of(t)]
    if candidates:
        return max(candidates, key=lambda t: len(text_of(t)))
    for ident in _MAIN_IDS:
        tag = soup.find(id=ident)
        if isinstance(tag, Tag) and tag.find(HEADINGS) and len(text_of(tag)) > 100:
            return tag
    return soup.body or soup


def heading_level(tag: Tag) -> int:
    return int(tag.name[1]) if tag.name in HEADINGS else 7


def absolute(base: str, href: str | None) -> str | None:
    """An absolute http(s) address without its fragment, or None for mailto:, javascript: and the like."""
    if not href:
        return None
    href = href.strip()
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:", "sms:")):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


_DOC_EXTENSIONS = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|jpe?g|png|gif|svg|webp|mp3|mp4|mov|ics|csv|txt)$", re.I)


def is_document_link(url: str) -> bool:
    """A file rather than a page: PDFs, office documents, images."""
    return bool(_DOC_EXTENSIONS.search(urlsplit(url).path))


def links_in(el: Tag, base: str) -> Iterator[tuple[Tag, str]]:
    """Each <a> with a usable absolute address."""
    for a in tags(el, "a"):
        if not a.has_attr("href"):
            continue
        url = absolute(base, a.get("href"))
        if url:
            yield a, url


def meta_content(soup: BeautifulSoup, *names: str) -> str:
    head = soup.find("head") if isinstance(soup, BeautifulSoup) else None
    metas = tags(head if isinstance(head, Tag) else soup, "meta")
    for name in names:
        tag = next((m for m in metas if m.get("property") == name), None) or next((m for m in metas if m.get("name") == name), None)
        if isinstance(tag, Tag) and tag.get("content"):
            return clean_text(str(tag["content"]))
    return ""


_ORG_WORDS = re.compile(r"\b(?:council|trust|association|society|police|constabulary|hospitals?|nhs|centre|center|network|"
                        r"museum|hospice|group|club|charity|foundation|partnership|service|garden|church|school|"
                        r"library|watch|project|authority|commission|office|volunteers|community|cic|ltd|fire)\b", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|»|:)\s+")


def site_names(soup: BeautifulSoup, headings: Iterable[str] = ()) -> list[str]:
    """Names the site goes by, best first: og:site_name, the part of the <title> that is not the
    page's own heading ("Special Constables | West Yorkshire Police"), the logo's alt text."""
    names: list[str] = []
    if og := meta_content(soup, "og:site_name", "application-name"):
        names.append(og)
    title = text_of(soup.title) if soup.title else ""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) > 1:
        own = {h.strip().lower() for h in headings}
        others = [p for p in parts if p.strip().lower() not in own] or parts[-1:]
        short = [p for p in reversed(others) if len(p.split()) <= 8 and not p.rstrip().endswith((".", "!", "?"))]
        named = [p for p in short if _ORG_WORDS.search(p)]
        names.extend(named[:1] or short[:1] or others[-1:])
    names += logo_names(soup)
    seen: list[str] = []
    for n in names:
        if n and n.lower() not in (s.lower() for s in seen):
            seen.append(n)
    return seen


def logo_names(soup: BeautifulSoup) -> list[str]:
    """The alt text of the site's logo, without "logo" and "home page"."""
    names: list[str] = []
    for img in soup.find_all("img", alt=True)[:5]:
        link = img.find_parent("a")
        classes = " ".join(img.get("class") or []) + " " + " ".join((link.get("class") or []) if link else [])
        if link is not None or "logo" in classes.lower():
            alt = re.sub(r"\b(?:logo|home\s*page|homepage|home|link to)\b", "", str(img["alt"]), flags=re.I)
            alt = clean_text(re.split(r"[:|–]", alt)[0]).strip(" -,")
            if 3 <= len(alt) <= 80:
                names.append(alt)
    return names


def page_title(soup: BeautifulSoup) -> str:
    return text_of(soup.title) if soup.title else ""


def block_children(el: Tag) -> list[Tag]:
    return [c for c in el.children if isinstance(c, Tag)]
