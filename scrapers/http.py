"""The one polite fetcher: every page the scrapers read comes through `Fetcher.get`.

Sites we read are run by councils, police forces, the NHS and small charities, often on modest
servers. So the fetcher says who it is (an honest User-Agent with a contact URL), asks
robots.txt first, keeps one request in flight per host with request starts at least `delay`
apart, backs off when asked to, re-uses what it fetched before (conditional GET), and refuses
what it cannot use (huge bodies, PDFs, images) without downloading it.

    async with Fetcher(store=store, delay=1.0) as fetcher:
        page = await fetcher.get("https://www.example.gov.uk/get-involved")

Failures raise `FetchError`, whose `kind` is a short word a source's health record can keep.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import ssl
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Iterable, Mapping

import aiohttp
from yarl import URL

from bot.store import Store
from scrapers.charset import decode
from scrapers.politeness import HostGate, HostStats
from scrapers.responses import (TooLarge, acceptable, declared_length, guess_media_type, media_type,
                                read_capped, retry_after, sniff_media_type)
from scrapers.robots import RobotsRules, parse_robots

log = logging.getLogger(__name__)

VERSION = "0.1"
DEFAULT_CONTACT_URL = "https://getinvolved.example/bot"
DEFAULT_TYPES: tuple[str, ...] = (
    "text/html", "application/xhtml+xml", "application/xml", "text/xml", "application/rss+xml",
    "application/atom+xml", "application/json", "application/ld+json", "application/feed+json",
)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
ROBOTS_MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 60.0


def default_user_agent() -> str:
    """`GetInvolvedBot/<version> (+<contact url>)`; the URL comes from GETINVOLVED_CONTACT_URL if set."""
    contact = os.environ.get("GETINVOLVED_CONTACT_URL") or DEFAULT_CONTACT_URL
    return f"GetInvolvedBot/{VERSION} (+{contact})"


DEFAULT_USER_AGENT = default_user_agent()


@dataclass
class Page:
    """A fetched page, decoded; `status` is 304 and `from_cache` true when our copy was current."""

    url: str
    status: int
    content_type: str
    text: str
    from_cache: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)
    encoding: str = ""


class FetchError(Exception):
    """Raised when a URL cannot be fetched; `kind` is a short machine word, the message says why.

    Kinds: robots, http-<4xx code> (http-404, http-403, ...), http-429, http-5xx, timeout,
    network, tls, too-large, content-type, redirects, bad-url.
    """

    def __init__(self, kind: str, url: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.url = url


class _Retryable(Exception):
    """A failure worth another try after a wait: the server's (Retry-After), or ours if None."""

    def __init__(self, error: FetchError, wait: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


@dataclass(frozen=True)
class _Redirect:
    status: int
    location: str


class Fetcher:
    """Polite HTTP GETs for the scrapers, over one aiohttp session; use as `async with`.

    `stats` maps each host (hostname, no port) to a HostStats: requests made (robots.txt,
    retries and redirect hops included), the most requests seen in flight at once, and the
    URLs robots.txt kept us from.
    """

    def __init__(self, *, store: Store | None = None, delay: float = 1.0, timeout: float = 20.0,
                 max_bytes: int = 5_000_000, max_redirects: int = 5, retries: int = 3,
                 user_agent: str | None = None, backoff: float = 1.0,
                 max_retry_after: float = 60.0) -> None:
        self.store = store
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.user_agent = user_agent or default_user_agent()
        if "mozilla" in self.user_agent.lower():
            raise ValueError("the User-Agent must name Get Involved, not imitate a browser")
        self.stats: dict[str, HostStats] = {}
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": self.user_agent, "Accept-Language": "en-GB,en;q=0.8"},
            timeout=aiohttp.ClientTimeout(total=self.timeout),
        )
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def robots_token(self) -> str:
        """The product token robots.txt groups are matched against, e.g. "GetInvolvedBot"."""
        return self.user_agent.split("/")[0].split()[0]

    async def allowed(self, url: str, *, delay: float | None = None) -> bool:
        """Whether robots.txt lets us fetch `url` (fetching robots.txt once per host if needed)."""
        url = _clean(url)
        rules = await self._robots_for(url, delay)
        if rules.allows(url):
            return True
        self._count_skip(url, rules)
        return False

    async def get(self, url: str, *, delay: float | None = None,
                  accept: Iterable[str] = DEFAULT_TYPES) -> Page:
        """Fetch one page politely, following redirects; raise FetchError when it cannot be had.

        `delay` overrides the fetcher's spacing between request starts for this call (a
        per-source setting); robots.txt's Crawl-delay raises it further, up to 60 s.
        """
        if self._session is None:
            raise RuntimeError("use the Fetcher inside 'async with'")
        wanted = tuple(t.strip().lower() for t in accept)
        current = _clean(url)
        chain = [current]
        while True:
            result = await self._fetch_hop(current, delay, wanted)
            if isinstance(result, Page):
                await self._remember(result)
                return result
            current = self._next_hop(chain, result)
            chain.append(current)

    def _next_hop(self, chain: list[str], redirect: _Redirect) -> str:
        here = chain[-1]
        if not redirect.location.strip():
            raise FetchError("redirects", here, f"HTTP {redirect.status} without a Location from {here}")
        try:
            target = _clean(str(URL(here).join(URL(redirect.location.strip()))))
        except (FetchError, ValueError) as e:
            raise FetchError("bad-url", here, f"{here} redirects to {redirect.location!r}, not a web page") from e
        if target in chain:
            raise FetchError("redirects", chain[0], "redirect loop: " + " -> ".join(chain + [target]))
        if len(chain) > self.max_redirects:
            raise FetchError("redirects", chain[0], f"more than {self.max_redirects} redirects from {chain[0]}")
        return target

    async def _fetch_hop(self, url: str, delay: float | None, accept: tuple[str, ...]) -> Page | _Redirect:
        rules = await self._robots_for(url, delay)
        if not rules.allows(url):
            self._count_skip(url, rules)
            reason = rules.note or f"robots.txt disallows {url} for {self.robots_token}"
            raise FetchError(rules.refusal_kind, url, reason)
        spacing = self._spacing(delay, rules)
        attempt = 0
        while True:
            try:
                return await self._attempt(url, spacing, accept)
            except _Retryable as retry:
                wait = self._wait_before_retry(retry, attempt)
                log.info("retrying %s in %.1f s: %s", url, wait, retry.error)
                self._gate(url).defer(wait)
                attempt += 1

    def _wait_before_retry(self, retry: _Retryable, attempt: int) -> float:
        if attempt >= self.retries:
            raise retry.error
        if retry.wait is None:
            return self.backoff * 2 ** attempt
        if retry.wait > self.max_retry_after:
            raise FetchError(retry.error.kind, retry.error.url,
                             f"{retry.error}; the server asked us to wait {retry.wait:.0f} s, "
                             f"more than the {self.max_retry_after:.0f} s we wait")
        return retry.wait

    async def _attempt(self, url: str, spacing: float, accept: tuple[str, ...]) -> Page | _Redirect:
        assert self._session is not None
        cached = await self._cached(url)
        headers = {"Accept": ", ".join((*accept, "*/*;q=0.1"))} | _validators(cached)
        try:
            async with self._gate(url).turn(spacing):
                async with self._session.get(url, headers=headers, allow_redirects=False) as response:
                    return await self._read(url, response, accept, cached)
        except TimeoutError as e:
            raise FetchError("timeout", url, f"{url} gave no complete answer within {self.timeout:g} s") from e
        except (aiohttp.ClientSSLError, ssl.SSLError) as e:
            raise FetchError("tls", url, f"TLS failed for {url}: {e}") from e
        except aiohttp.InvalidURL as e:
            raise FetchError("bad-url", url, f"not a usable URL: {url}") from e
        except aiohttp.ClientError as e:
            raise _Retryable(FetchError("network", url, f"{url}: {_describe(e)}"), None) from e

    async def _read(self, url: str, response: aiohttp.ClientResponse, accept: tuple[str, ...],
                    cached: dict[str, Any] | None) -> Page | _Redirect:
        status = response.status
        if status in REDIRECT_CODES:
            return _Redirect(status, response.headers.get("Location", ""))
        if status == 304 and cached is not None:
            return Page(url=url, status=304, content_type=cached["content_type"] or "text/html",
                        text=cached["body"] or "", from_cache=True, headers=response.headers)
        if status == 429 or status >= 500:
            kind = "http-429" if status == 429 else "http-5xx"
            error = FetchError(kind, url, f"HTTP {status} {response.reason or ''}".strip() + f" from {url}")
            raise _Retryable(error, retry_after(response.headers.get("Retry-After")))
        if not 200 <= status < 300:
            raise FetchError(f"http-{status}", url, f"HTTP {status} {response.reason or ''}".strip() + f" from {url}")
        return await self._read_body(url, response, accept)

    async def _read_body(self, url: str, response: aiohttp.ClientResponse, accept: tuple[str, ...]) -> Page:
        media, charset = media_type(response.headers.get("Content-Type"))
        if media == "application/octet-stream":
            media = None  # "some bytes": servers say it of JSON APIs and extensionless pages, so look at the body
        media = media or guess_media_type(url)
        if media is not None:
            self._check_type(url, media, accept)
        length = declared_length(response)
        if length is not None and length > self.max_bytes:
            raise FetchError("too-large", url, f"{url} is {length} bytes, more than the {self.max_bytes} we read")
        try:
            body = await read_capped(response, self.max_bytes)
        except TooLarge as e:
            raise FetchError("too-large", url, f"{url} is more than the {self.max_bytes} bytes we read") from e
        if media is None:
            media = sniff_media_type(body)
            self._check_type(url, media, accept)
        text, encoding = decode(body, charset)
        return Page(url=url, status=response.status, content_type=media, text=text,
                    headers=response.headers, encoding=encoding)

    @staticmethod
    def _check_type(url: str, media: str, accept: tuple[str, ...]) -> None:
        if not acceptable(media, accept):
            raise FetchError("content-type", url, f"{url} is {media}, not a kind of page we read")

    # -- robots.txt ---------------------------------------------------------------------------

    async def _robots_for(self, url: str, delay: float | None) -> RobotsRules:
        origin = str(URL(url).origin())
        if origin not in self._robots:
            async with self._robots_locks.setdefault(origin, asyncio.Lock()):
                if origin not in self._robots:
                    rules = await self._fetch_robots(origin, self.delay if delay is None else delay)
                    if rules.note:
                        log.log(logging.WARNING if rules.disallow_everything else logging.INFO, "%s", rules.note)
                        self._host(origin).robots_note = rules.note
                    self._robots[origin] = rules
        return self._robots[origin]

    async def _fetch_robots(self, origin: str, delay: float) -> RobotsRules:
        """RFC 9309: 2xx parsed; 4xx means no rules; 5xx, 429 or unreachable means stay away this run."""
        url = f"{origin}/robots.txt"
        seen = [url]
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            try:
                status, location, body = await self._robots_exchange(url, delay)
            except TimeoutError:
                return RobotsRules.deny_all(f"{url} timed out, so nothing on {origin} is fetched this run",
                                            kind="timeout")
            except (aiohttp.ClientSSLError, ssl.SSLError) as e:
                return RobotsRules.deny_all(f"TLS failed for {url} ({e}), so nothing on {origin} is fetched",
                                            kind="tls")
            except aiohttp.ClientError as e:
                return RobotsRules.deny_all(f"{url} could not be reached ({_describe(e)}), so nothing on "
                                            f"{origin} is fetched this run", kind="network")
            if status not in REDIRECT_CODES or not location:
                return self._robots_from(status, body, url, origin)
            try:
                url = _clean(str(URL(url).join(URL(location.strip()))))
            except (FetchError, ValueError):
                break
            if url in seen:
                break
            seen.append(url)
        return RobotsRules.allow_all(f"robots.txt for {origin} redirects too often or in a loop; "
                                     "treated as missing, so everything is allowed")

    async def _robots_exchange(self, url: str, delay: float) -> tuple[int, str, bytes]:
        assert self._session is not None
        async with self._gate(url).turn(delay):
            async with self._session.get(url, allow_redirects=False) as response:
                ok = 200 <= response.status < 300
                body = await read_capped(response, ROBOTS_MAX_BYTES, truncate=True) if ok else b""
                return response.status, response.headers.get("Location", ""), body

    def _robots_from(self, status: int, body: bytes, url: str, origin: str) -> RobotsRules:
        if 200 <= status < 300:
            return parse_robots(body.decode("utf-8", errors="replace"), self.robots_token)
        if 400 <= status < 500 and status != 429:
            return RobotsRules.allow_all(f"{url} answered HTTP {status}: no rules, everything is allowed")
        if status == 429 or status >= 500:
            return RobotsRules.deny_all(f"{url} answered HTTP {status}, so nothing on {origin} is fetched this run")
        return RobotsRules.allow_all(f"{url} answered HTTP {status}: treated as missing, everything is allowed")

    # -- hosts, cache ---------------------------------------------------------------------------

    def _host(self, url: str) -> HostStats:
        host = URL(url).host or ""
        if host not in self.stats:
            self.stats[host] = HostStats()
        return self.stats[host]

    def _gate(self, url: str) -> HostGate:
        host = URL(url).host or ""
        if host not in self._gates:
            self._gates[host] = HostGate(self._host(url))
        return self._gates[host]

    def _count_skip(self, url: str, rules: RobotsRules) -> None:
        if rules.refusal_kind == "robots":
            self._host(url).robots_skipped.add(url)

    def _spacing(self, delay: float | None, rules: RobotsRules) -> float:
        spacing = self.delay if delay is None else delay
        return max(spacing, min(rules.crawl_delay or 0.0, MAX_CRAWL_DELAY))

    async def _cached(self, url: str) -> dict[str, Any] | None:
        if self.store is None:
            return None
        return await self.store.run(self.store.http_cache_get, url)

    async def _remember(self, page: Page) -> None:
        """Keep validators and body after a 200, so the next run can ask "has it changed?"."""
        if self.store is None or page.from_cache or page.status != 200:
            return
        etag, modified = page.headers.get("ETag"), page.headers.get("Last-Modified")
        if not etag and not modified:
            return
        put = functools.partial(self.store.http_cache_put, page.url, etag=etag, last_modified=modified,
                                content_type=page.content_type, body=page.text)
        await self.store.run(put)


def _clean(url: str) -> str:
    """The URL without its fragment, or FetchError("bad-url") unless it is http(s) with a host."""
    try:
        parsed = URL(url.strip())
    except (ValueError, TypeError, AttributeError) as e:
        raise FetchError("bad-url", str(url), f"not a usable URL: {url!r}") from e
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError("bad-url", str(url), f"only http and https URLs are fetched, not {url!r}")
    return str(parsed.with_fragment(None))


def _validators(cached: dict[str, Any] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if cached and cached.get("etag"):
        headers["If-None-Match"] = cached["etag"]
    if cached and cached.get("last_modified"):
        headers["If-Modified-Since"] = cached["last_modified"]
    return headers


def _describe(error: BaseException) -> str:
    return str(error) or error.__class__.__name__
