"""`getinvolved run` as a real process against the fake Bot API: it seeds an empty database,
answers, and stops cleanly on SIGTERM/SIGINT; start-up errors are one plain sentence."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from bot.store import Store
from bot.telegram_app import SECRET_ENV, SECRET_HEADER

ROOT = Path(__file__).resolve().parent.parent


async def start(*args: str, token: str, api_url: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    environment = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": api_url, **(env or {})}
    environment.pop("GETINVOLVED_DB", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", *args, cwd=ROOT, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finish(process: asyncio.subprocess.Process, sig: int | None = None) -> tuple[int, str]:
    if sig is not None:
        process.send_signal(sig)
    try:
        _, err = await asyncio.wait_for(process.communicate(), 15)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError("the bot did not stop in time") from None
    return process.returncode, err.decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_run_seeds_answers_and_stops_cleanly_on_sigterm(fake, tmp_path):
    db = tmp_path / "bot.db"
    process = await start("--db", str(db), token=fake.token, api_url=fake.api_url)
    try:
        fake.send_text(71, "/start")
        await fake.wait_for_messages(71, timeout=30)
    finally:
        code, err = await finish(process, signal.SIGTERM)
    assert code == 0, err
    assert "Traceback" not in err
    store = Store(db)
    try:
        assert store.count_opportunities() > 0
        assert store.get_resident(71) is not None
    finally:
        store.close()


async def test_run_in_webhook_mode_answers_posted_updates_and_stops_on_sigint(fake, tmp_path):
    port = free_port()
    process = await start("--db", str(tmp_path / "bot.db"), "--webhook", "https://bot.example.org/hook",
                          "--port", str(port), token=fake.token, api_url=fake.api_url,
                          env={SECRET_ENV: "from_the_environment"})
    try:
        await fake.wait_for(lambda: bool(fake.webhook["url"]), timeout=30)
        assert fake.webhook["secret_token"] == "from_the_environment"
        update = fake.send_text(72, "/help")
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/hook", json=update.body,
                                    headers={SECRET_HEADER: "from_the_environment"}) as response:
                assert response.status == 200
        await fake.wait_for_messages(72)
    finally:
        code, err = await finish(process, signal.SIGINT)
    assert code == 0, err
    assert "Traceback" not in err


async def test_a_refused_token_is_one_sentence(fake, tmp_path):
    process = await start("--db", str(tmp_path / "bot.db"), token="999:not-the-token", api_url=fake.api_url)
    code, err = await finish(process)
    assert code == 1
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == \
        "getinvolved: Telegram refused the bot token; check TELEGRAM_BOT_TOKEN (from @BotFather)."
    assert "not-the-token" not in err


async def test_an_unreachable_api_is_one_sentence(tmp_path):
    api_url = f"http://127.0.0.1:{free_port()}/bot"
    process = await start("--db", str(tmp_path / "bot.db"), token="123:abc", api_url=api_url)
    code, err = await finish(process)
    assert code == 1
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(f"getinvolved: Cannot reach the Telegram Bot API at {api_url}")
