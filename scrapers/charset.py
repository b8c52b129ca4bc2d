"""Turning a fetched body into text when servers and pages disagree about its charset.

Order, as browsers do it: a byte-order mark; the Content-Type header's charset; the page's own
`<meta charset>`, `<meta http-equiv>` or XML declaration; then UTF-8; then windows-1252, which
older council pages really use. A declared charset that fails to decode is passed over, so a
header that says UTF-8 over a windows-1252 page still gives "£" and "–", not U+FFFD.
"""
from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_XML = re.compile(rb"""<\?xml[^>]+?encoding\s*=\s*["']([-\w.:]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 4096
# Browsers read these labels as windows-1252; its extra characters (– “ ” €) are common here.
_AS_WINDOWS_1252 = {"ascii", "latin-1", "iso8859-1"}


def decode(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """The body as text, and the name of the codec that decoded it."""
    for label in _candidates(body, header_charset):
        codec = _codec(label)
        if codec is None:
            continue
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1252", errors="replace"), "cp1252"


def declared_charset(body: bytes) -> str | None:
    """The charset a page declares about itself in its first few kilobytes, if any."""
    head = body[:_PRESCAN_BYTES]
    match = _META.search(head) or _XML.search(head)
    return match.group(1).decode("ascii") if match else None


def _candidates(body: bytes, header_charset: str | None) -> list[str]:
    bom = next((name for mark, name in _BOMS if body.startswith(mark)), None)
    if bom:
        return [bom]
    meta = declared_charset(body)
    if meta and meta.lower().startswith("utf-16"):
        meta = "utf-8"  # a page that can declare itself in ASCII is not UTF-16
    return [c for c in (header_charset, meta, "utf-8", "cp1252") if c]


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_WINDOWS_1252 else name
