"""Bot API requests over aiohttp: python-telegram-bot's documented `BaseRequest` extension point.

Why not PTB's default (httpx): when 200 residents write at once the bot makes over a thousand
calls in a few seconds, and most of its time went into HTTP plumbing — httpcore scans its whole
connection pool on every request and, without the optional sniffio, retries an import per
request. aiohttp (already a dependency, with a C parser) roughly halves the bot's CPU per call
(see benchmarks/chat_load.py). The wire format is PTB's own: form-encoded parameters, multipart
when a file is uploaded; status codes and errors are still interpreted by PTB.
"""
from __future__ import annotations

import asyncio
import functools
import ssl
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

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
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read,
                                        connect=None if connect is None or pool is None else connect + pool)
        try:
            data, headers = _body(request_data)
            parts = urlsplit(url)
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout,
                                             proxy=_env_proxy(parts.scheme, parts.hostname or "")) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as e:  # also aiohttp's ServerTimeoutError
            raise TimedOut(f"Timed out talking to the Bot API: {type(e).__name__}") from e
        except aiohttp.ClientError as e:
            raise NetworkError(f"aiohttp.{type(e).__name__}: {e}") from e


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _body(request_data: RequestData | None) -> tuple[Any, dict[str, str] | None]:
    """Form-encoded parameters, as PTB's own client sends them; multipart when there are files."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        return urlencode(request_data.json_parameters).encode(), _FORM
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, None


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
