"""A loopback web server for scraper tests and benchmarks: serve a folder, add canned routes,
and record every request with when it started and when its response was fully written.

Serving one development site per loopback address shows per-host politeness from the server's
side, which is where it matters:

    app = site_app(Path("../shared/eval/sites"), latency=0.01)
    async with serve(app, "127.0.0.2") as site:
        page = await fetcher.get(site.url("/west-yorkshire-police/volunteer-with-us/"))
    site.hits            # [Hit(method, path, headers, start, end, status), ...] in arrival order
    site.max_in_flight() # most requests the server was handling at once

A folder is served as a static site: `/dir/` gives `dir/index.html` (or index.xml / index.json),
`/dir` redirects to `/dir/` as real servers do, files carry ETag and Last-Modified and answer
conditional requests with 304. `routes` maps an exact path to a handler and wins over the
folder; the helpers below build the handlers tests usually need (`page`, `redirect`, `slow`,
`sequence`, `hang_up`, `endless`). Times are `time.monotonic()`, the clock asyncio's loop uses.

Tests import it as `from sitesrv import ...` (pytest puts tests/, which has no __init__.py, on
sys.path); a benchmark can add tests/ to sys.path. Linux routes all of 127.0.0.0/8 to loopback; elsewhere only 127.0.0.1 may be bindable, so
check with `bindable(host)` and skip.
"""
from __future__ import annotations

import asyncio
import email.utils
import itertools
import mimetypes
import socket
import ssl
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, Mapping

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
INDEX_FILES = ("index.html", "index.xml", "index.json")


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it."""

    method: str
    path: str  # path and query string, as sent
    headers: Mapping[str, str]
    start: float
    end: float
    status: int


HITS = web.AppKey("hits", list[Hit])


@dataclass
class Site:
    """A running server: where it listens, and what it was asked."""

    host: str
    port: int
    app: web.Application
    scheme: str = "http"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def hits(self) -> list[Hit]:
        return sorted(self.app[HITS], key=lambda hit: hit.start)

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def max_in_flight(self) -> int:
        """The most requests this server was handling at the same moment."""
        events = sorted([(h.start, 1) for h in self.hits] + [(h.end, -1) for h in self.hits])
        return max(itertools.accumulate(step for _, step in events), default=0)


def site_app(root: Path | None = None, *, routes: Mapping[str, Handler] | None = None,
             latency: float = 0.0) -> web.Application:
    """An app serving `root` (if given) and `routes`, each answer `latency` seconds late."""
    app = web.Application(middlewares=[_recorder])
    app[HITS] = []
    table = dict(routes or {})

    async def dispatch(request: web.Request) -> web.StreamResponse:
        if latency:
            await asyncio.sleep(latency)
        if request.path in table:
            return await table[request.path](request)
        if root is not None:
            return _from_folder(root, request)
        return web.Response(status=404, text="not found")

    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app


@asynccontextmanager
async def serve(app: web.Application, host: str = "127.0.0.2", port: int = 0, *,
                ssl_context: ssl.SSLContext | None = None) -> AsyncIterator[Site]:
    """Run `app` on host:port (port 0 picks a free one), over TLS if given a context, for the block."""
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, ssl_context=ssl_context).start()
        scheme = "https" if ssl_context else "http"
        yield Site(host=host, port=runner.addresses[0][1], app=app, scheme=scheme)
    finally:
        await runner.cleanup()


def bindable(host: str) -> bool:
    """Whether a server can listen on `host` here."""
    with socket.socket() as sock:
        try:
            sock.bind((host, 0))
        except OSError:
            return False
    return True


# -- canned handlers -------------------------------------------------------------------------

def page(body: str | bytes = "", *, status: int = 200, content_type: str = "text/html; charset=utf-8",
         headers: Mapping[str, str] | None = None) -> Handler:
    """Always the same answer; bytes are sent as they are (for pages in other charsets)."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.Response(status=status, body=data, headers=dict(headers or {}))
        if content_type:
            response.headers["Content-Type"] = content_type
        return response
    return handler


def redirect(location: str, *, status: int = 302) -> Handler:
    return page(status=status, content_type="", headers={"Location": location})


def slow(seconds: float, handler: Handler) -> Handler:
    """`handler`, after `seconds` of thinking."""
    async def delayed(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return await handler(request)
    return delayed


def sequence(*handlers: Handler) -> Handler:
    """The first request gets the first handler's answer, and so on; the last one repeats."""
    calls = itertools.count()

    async def next_answer(request: web.Request) -> web.StreamResponse:
        return await handlers[min(next(calls), len(handlers) - 1)](request)
    return next_answer


def hang_up() -> Handler:
    """Drop the connection without answering, as an overloaded server or a flaky network does."""
    async def drop(request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=499, text="dropped")
    return drop


def endless(*, content_type: str = "text/html", chunk: bytes = b"<p>more</p>\n" * 512,
            limit: int = 50_000_000) -> Handler:
    """A body streamed without Content-Length until the client hangs up (or `limit` bytes)."""
    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": content_type})
        await response.prepare(request)
        sent = 0
        try:
            while sent < limit:
                await response.write(chunk)
                sent += len(chunk)
        except (ConnectionError, RuntimeError):
            return response
        await response.write_eof()
        return response
    return stream


# -- internals -------------------------------------------------------------------------------

@web.middleware
async def _recorder(request: web.Request, handler: Handler) -> web.StreamResponse:
    start = time.monotonic()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        await response.prepare(request)
        await response.write_eof()
        return response
    except web.HTTPException as e:
        status = e.status
        raise
    finally:
        hit = Hit(method=request.method, path=request.path_qs, headers=dict(request.headers),
                  start=start, end=time.monotonic(), status=status)
        request.app[HITS].append(hit)


def _from_folder(root: Path, request: web.Request) -> web.StreamResponse:
    base = root.resolve()
    target = (base / request.path.lstrip("/")).resolve()
    if not target.is_relative_to(base):
        return web.Response(status=404, text="not found")
    if target.is_dir():
        if not request.path.endswith("/"):
            return web.Response(status=301, headers={"Location": request.path + "/"})
        target = next((target / name for name in INDEX_FILES if (target / name).is_file()), target)
    if not target.is_file():
        return web.Response(status=404, text="not found")
    return _file_response(target, request)


def _file_response(path: Path, request: web.Request) -> web.Response:
    """The file with ETag and Last-Modified, or 304 if the client's copy is current.

    Built as a plain Response (not FileResponse) so the recorder can time the whole write.
    """
    stat = path.stat()
    validators = {"ETag": f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"',
                  "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True)}
    if _still_current(request, validators["ETag"], stat.st_mtime):
        return web.Response(status=304, headers=validators)
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return web.Response(body=path.read_bytes(), headers={**validators, "Content-Type": media})


def _still_current(request: web.Request, etag: str, mtime: float) -> bool:
    if "If-None-Match" in request.headers:
        return etag in (tag.strip() for tag in request.headers["If-None-Match"].split(","))
    since = request.if_modified_since
    return since is not None and int(mtime) <= since.timestamp()
