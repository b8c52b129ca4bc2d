"""schema.org microdata (itemscope / itemtype / itemprop), read into the shape JSON-LD has.

Some sites mark their events or postings up in the HTML itself instead of a JSON-LD script.
Each top-level item becomes a dict like a JSON-LD node ("@type", "name", "startDate", ...), so
the JSON-LD reading decides what is an opportunity; "@text" keeps the item's visible words,
where such pages state ages and deadlines that no property holds.
"""
from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag

from scrapers.parsers import dom

_URL_PROPS = {"a": "href", "link": "href", "area": "href", "img": "src", "audio": "src", "video": "src",
              "source": "src", "iframe": "src", "embed": "src", "object": "data"}


def microdata_items(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every item that is not a property of another, outermost first."""
    return [_item(el) for el in soup.find_all(attrs={"itemscope": True}) if not el.has_attr("itemprop")]


def _item(el: Tag) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": _type_name(el), "@text": dom.text_of(el, lines=True)}
    for prop in _own_properties(el):
        value = _item(prop) if prop.has_attr("itemscope") else _value(prop)
        for name in str(prop.get("itemprop") or "").split():
            item.setdefault(name, value)
    return item


def _type_name(el: Tag) -> str:
    """"https://schema.org/Event" -> "Event" (the first type when several are given)."""
    types = str(el.get("itemtype") or "").split()
    return types[0].rstrip("/").rsplit("/", 1)[-1] if types else ""


def _own_properties(el: Tag) -> list[Tag]:
    """Properties of this item, not of the items nested inside it."""
    out: list[Tag] = []
    for prop in el.find_all(attrs={"itemprop": True}):
        owner = prop.find_parent(attrs={"itemscope": True})
        if owner is el:
            out.append(prop)
    return out


def _value(prop: Tag) -> str:
    if prop.name == "meta":
        return str(prop.get("content") or "")
    if prop.name in _URL_PROPS and prop.has_attr(_URL_PROPS[prop.name]):
        return str(prop.get(_URL_PROPS[prop.name]) or "")
    if prop.name in ("time", "data", "meter") and (prop.get("datetime") or prop.get("value")):
        return str(prop.get("datetime") or prop.get("value"))
    if prop.has_attr("content"):
        return str(prop.get("content") or "")
    return dom.text_of(prop)
