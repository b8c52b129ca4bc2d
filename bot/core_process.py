"""The conversation core in a process of its own: what `getinvolved run` uses.

On a thread, the core (matching, SQLite) and the bot's event loop (python-telegram-bot reading
updates, aiohttp sending replies) share one GIL, so however many CPUs the machine has, residents
writing at once queue behind one: 200 of them at ~2 ms each left the last waiting 0.4 s. In a
child process the core has a CPU of its own and the event loop only parses, forwards and sends.

The child opens its own connection to the same SQLite file (WAL lets both read while one writes)
and holds the bot's only matcher, so everything that needs it is sent there with `call`
(bot.core_service): residents' turns, the alerts check, the warm-up. Requests go down the child's
stdin and answers come back on its stdout, each a length-prefixed pickle: (number, function,
args, kwargs) and (number, ok, result or error). Functions travel by name, so only module-level
ones can be sent.

The child answers one request at a time, in the order sent; a resident's turns stay in order
because the adapter awaits one before sending the next. If the child dies, whatever was waiting
fails with CoreError (the resident gets the usual apology) and the next call starts a new child.
The child ignores SIGINT and SIGTERM, which a terminal or systemd send to the whole process group,
and stops when its stdin closes: when the bot closes it after its last turn, or when the bot dies.

    python -m bot.core_process DB_PATH [WORKER_ID,...]     # started by CoreProcess, not by hand
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
import pickle
import signal
import struct
import sys
import time
from typing import Any, BinaryIO, Callable, TypeVar

from bot.core_service import Service, default_core
from bot.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
_LENGTH = struct.Struct("!I")
STOP_WAIT = 10.0  # seconds the child may take to finish its last request after stdin closes
RESTART_WAIT = 5.0  # seconds after a start before a child that died is started again


class CoreError(Exception):
    """The core process failed a request, or stopped before answering it."""


class CoreProcess:
    """The parent's side: start the child when first needed, send it work, await the answers."""

    def __init__(self, db_path: str, *, workers: frozenset[int] = frozenset()):
        if db_path in ("", ":memory:"):
            raise ValueError("a core process needs a database file it can open too")
        self.db_path = db_path
        self.workers = workers
        self._process: asyncio.subprocess.Process | None = None
        self._reading: asyncio.Task[None] | None = None
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._numbers = itertools.count()
        self._starting: asyncio.Lock | None = None
        self._started_at = -RESTART_WAIT
        self._closed = False

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """fn(service, *args, **kwargs) in the child; its exceptions come back as CoreError."""
        process = await self._running()
        assert process.stdin is not None
        number = next(self._numbers)
        frame = pickle.dumps((number, fn, args, kwargs), pickle.HIGHEST_PROTOCOL)
        answer = asyncio.get_running_loop().create_future()
        self._waiting[number] = answer
        try:
            process.stdin.write(_LENGTH.pack(len(frame)) + frame)
            await process.stdin.drain()
        except (ConnectionError, RuntimeError) as e:
            self._waiting.pop(number, None)
            raise CoreError(f"the core process is not running ({e})") from None
        result: T = await answer
        return result

    async def close(self) -> None:
        """Let the child finish what it has, then stop it (killed if it takes over STOP_WAIT)."""
        self._closed = True
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_WAIT)
        except TimeoutError:
            log.warning("The core process did not stop within %.0f s; killing it", STOP_WAIT)
            process.kill()
            await process.wait()
        if self._reading is not None:
            await self._reading

    async def _running(self) -> asyncio.subprocess.Process:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._closed:
                raise CoreError("the core process was stopped")
            if self._process is not None and self._reading is not None and not self._reading.done():
                return self._process
            if self._process is not None and time.monotonic() - self._started_at < RESTART_WAIT:
                raise CoreError("the core process stopped just after starting; see the log")
            await self._start()
            assert self._process is not None
            return self._process

    async def _start(self) -> None:
        self._started_at = time.monotonic()
        workers = ",".join(str(w) for w in sorted(self.workers))
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.core_process", self.db_path, workers,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        self._reading = asyncio.get_running_loop().create_task(self._read(self._process))
        log.info("Core process %s started", self._process.pid)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        """Hand each answer to whoever waits for it; when the child ends, fail what is left."""
        assert process.stdout is not None
        try:
            while True:
                head = await process.stdout.readexactly(_LENGTH.size)
                number, ok, value = pickle.loads(await process.stdout.readexactly(_LENGTH.unpack(head)[0]))
                answer = self._waiting.pop(number, None)
                if answer is None or answer.done():
                    continue
                if ok:
                    answer.set_result(value)
                else:
                    answer.set_exception(CoreError(value))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the child ended
        except Exception:  # an answer that cannot be read: the stream is out of step, start afresh
            log.exception("Could not read the core process's answer; stopping it")
            process.kill()
        finally:
            waiting, self._waiting = self._waiting, {}
            if waiting:
                code = await process.wait()
                log.error("The core process stopped (exit status %s) with %d requests unanswered",
                          code, len(waiting))
            for answer in waiting.values():
                if not answer.done():
                    answer.set_exception(CoreError("the core process stopped"))


# -- the child --------------------------------------------------------------------------------

def serve(db_path: str, workers: frozenset[int], requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until `requests` ends; one failing request is reported and the rest go on."""
    store = Store(db_path)
    service = Service(store, lambda s: default_core(s, workers=workers))
    try:
        while (request := _read_frame(requests)) is not None:
            answers.write(_answer(service, request))
            answers.flush()
    finally:
        store.close()


def _answer(service: Service, request: bytes) -> bytes:
    """The framed answer to one request: its result, or what went wrong."""
    number = -1
    try:
        number, fn, args, kwargs = pickle.loads(request)
        return _frame((number, True, fn(service, *args, **kwargs)))
    except Exception as e:
        log.exception("Core request %s failed", number)
        return _frame((number, False, f"{type(e).__name__}: {e}"))


def _read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    body = stream.read(_LENGTH.unpack(head)[0])
    return body if len(body) == _LENGTH.unpack(head)[0] else None


def _frame(answer: tuple[int, bool, Any]) -> bytes:
    body = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(body)) + body


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to the log, not into the answers
    workers = frozenset(int(w) for w in argv[1].split(",") if w) if len(argv) > 1 else frozenset()
    serve(argv[0], workers, sys.stdin.buffer, answers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
