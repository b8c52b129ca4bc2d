"""Small readers for HTTP response details the fetcher decides on: media type, size, Retry-After.

Kept apart from `scrapers.http` so each rule can be read, and tested, on its own.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import mimetypes
import re
from typing import Iterable
from urllib.parse import urlsplit

import aiohttp

_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
CHUNK_BYTES = 64 * 1024


class TooLarge(Exception):
    """Raised when a body grows past the size cap while it is being read."""


def media_type(header: str | None) -> tuple[str | None, str | None]:
    """(lower-case media type without parameters, charset) from a Content-Type header."""
    if not header or not header.strip():
        return None, None
    media = header.split(";", 1)[0].strip().lower() or None
    match = _CHARSET.search(header)
    return media, match.group(1) if match else None


def guess_media_type(url: str) -> str | None:
    """The media type a URL's file extension suggests, for servers that send none."""
    path = urlsplit(url).path
    if path.endswith("/") or "." not in path.rsplit("/", 1)[-1]:
        return None
    return mimetypes.guess_type(path, strict=False)[0]


def sniff_media_type(body: bytes) -> str:
    """A cautious guess from the first bytes: markup and JSON are text, anything else is not."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml"):
        return "application/xml"
    if head.startswith(b"<"):
        return "text/html"
    if head.startswith((b"{", b"[")):
        return "application/json"
    return "application/octet-stream"


def acceptable(media: str, accept: Iterable[str]) -> bool:
    """Whether `media` is one of `accept`, which may hold `type/*` and `*/*`."""
    wanted = set(accept)
    return media in wanted or f"{media.split('/')[0]}/*" in wanted or "*/*" in wanted


def declared_length(response: aiohttp.ClientResponse) -> int | None:
    """The Content-Length the server announced, if it announced a usable one."""
    try:
        return int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None


async def read_capped(response: aiohttp.ClientResponse, limit: int, *, truncate: bool = False) -> bytes:
    """The body, stopping as soon as it passes `limit` bytes: raise TooLarge, or keep the first part."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
        if size + len(chunk) > limit:
            if not truncate:
                raise TooLarge(f"more than {limit} bytes")
            chunks.append(chunk[:limit - size])
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date), if it says."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())
