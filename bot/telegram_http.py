"""Bot API requests over aiohttp: python-telegram-bot's documented `BaseRequest` extension point.

Why not PTB's default (httpx): when 200 residents write at once the bot makes over a thousand
calls in a few seconds, and most of its time went into HTTP plumbing — httpcore scans its whole
connection pool on every request and, without the optional sniffio, retries an import per
request. aiohttp (already a dependency, with a C parser) roughly halves the bot's CPU per call
(see benchmarks/chat_load.py). The parameters are PTB's own (RequestData.parameters), sent as
a JSON body, or multipart when a file is uploaded; status codes and errors are still
interpreted by PTB.
"""
from __future__ import annotations

import asyncio
import functools
import json
import ssl
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT_TIMEOUT = 5.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session with up to `connections` open connections to the Bot API.

    Timeouts mirror HTTPXRequest's: connect, read and pool in seconds (aiohttp has no separate
    write timeout; a stalled write is caught by the read timeout of the response).
    """

    __slots__ = ("_connections", "_timeouts", "_session")

    def __init__(self, *, connections: int = 256, connect_timeout: float | None = _DEFAULT_TIMEOUT,
                 read_timeout: float | None = _DEFAULT_TIMEOUT, pool_timeout: float | None = 1.0):
        self._connections = connections
        self._timeouts = {"connect": connect_timeout, "read": read_timeout, "pool": pool_timeout}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ssl=_tls_context())
            # trust_env would make aiohttp look for ~/.netrc on a thread for every call; the
            # proxy settings it would honour are read once instead (_env_proxy).
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post_json(self, url: str, parameters: dict[str, Any]) -> Any:
        """Call a Bot API method whose parameters are JSON-ready already; returns Telegram's result.

        PTB's own `post`, so Telegram's errors are still raised as python-telegram-bot's exceptions,
        but without its per-parameter conversion (see bot.telegram_send).
        """
        return await self.post(url, _JsonParameters(parameters))  # type: ignore[arg-type]

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """Send one request; returns (status, body) for PTB to interpret."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        connect = self._timeouts["connect"] if connect_timeout is BaseRequest.DEFAULT_NONE else connect_timeout
        read = self._timeouts["read"] if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        pool = self._timeouts["pool"] if pool_timeout is BaseRequest.DEFAULT_NONE else pool_timeout
        try:
            data, headers = _body(request_data)
            async with self._session.request(method, url, data=data, headers=headers,
                                             timeout=_timeout(connect, read, pool),
                                             proxy=_proxy_for(url)) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as e:  # also aiohttp's ServerTimeoutError
            raise TimedOut(f"Timed out talking to the Bot API: {type(e).__name__}") from e
        except aiohttp.ClientError as e:
            raise NetworkError(f"aiohttp.{type(e).__name__}: {e}") from e


_JSON = {"Content-Type": "application/json"}


class _JsonParameters:
    """The part of a RequestData that do_request reads, for parameters that are JSON-ready."""

    __slots__ = ("parameters",)
    contains_files = False

    def __init__(self, parameters: dict[str, Any]):
        self.parameters = parameters


def _body(request_data: RequestData | None) -> tuple[Any, dict[str, str] | None]:
    """The parameters as one JSON object (the Bot API takes JSON, form or multipart bodies);
    multipart, as PTB's own client sends it, when there are files.

    JSON rather than PTB's usual form encoding: the standard library's C encoder does in one
    pass what form encoding does with a JSON dump per parameter and then a Python-level
    percent-escape per byte of the text (together some 4% of the event loop's time per message).
    """
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        return json.dumps(request_data.parameters, ensure_ascii=False, separators=(",", ":")).encode(), _JSON
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, None


@functools.lru_cache(maxsize=64)
def _timeout(connect: float | None, read: float | None, pool: float | None) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for PTB's; the few combinations in use are made once (ClientTimeout is frozen)."""
    return aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read,
                                 connect=None if connect is None or pool is None else connect + pool)


@functools.lru_cache(maxsize=256)
def _proxy_for(url: str) -> str | None:
    """The proxy for a Bot API method's URL (one per method, so few): see _env_proxy."""
    parts = urlsplit(url)
    return _env_proxy(parts.scheme, parts.hostname or "")


@functools.lru_cache(maxsize=16)
def _env_proxy(scheme: str, host: str) -> str | None:
    """The proxy HTTPS_PROXY / HTTP_PROXY name for this host, unless NO_PROXY exempts it."""
    if host and urllib.request.proxy_bypass(host):
        return None
    return urllib.request.getproxies().get(scheme)


def _tls_context() -> ssl.SSLContext:
    """Verify the Bot API's certificate with certifi's CA bundle when present (as httpx does)."""
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())
