"""The Telegram adapter end to end: the real python-telegram-bot Application against the fake Bot
API server, with a small stand-in core so these tests pin the adapter, not the dialogue."""
from __future__ import annotations

import asyncio
import dataclasses
import html
import time
from pathlib import Path
from typing import AsyncIterator

import pytest
from telegram.ext import Application

from bot.config import Settings, load_settings
from bot.messages import Button, Incoming, Reply
from bot.store import Store
from bot.telegram_app import SORRY, PerChatUpdateProcessor, build_application, parse_command, running, runtime_of
from fake_telegram import BOT_USERNAME, FakeTelegram

COMMANDS = [("start", "Find ways to get involved"), ("help", "What I can do")]
DATA_TITLE = 'Tom & Jerry\'s <script> "club" & <b>friends</b>'
GROUP = -100123


class StandInCore:
    """A tiny core: answers each kind of Incoming in a recognisable way and records what it got."""

    def __init__(self, store: Store):
        self.store = store
        self.seen: list[tuple[int, Incoming, int | None, bool]] = []

    def handle(self, resident_id: int, incoming: Incoming, *, chat_id: int | None = None,
               private: bool = True) -> list[Reply]:
        self.seen.append((resident_id, incoming, chat_id, private))
        if private:
            self.store.save_resident(resident_id, chat_id=chat_id)
        if incoming.kind == "command":
            return self.command(incoming.command, incoming.text, private)
        if incoming.kind == "choice":
            if incoming.choice.startswith("tick"):
                return [Reply("Pick times: ✓ evenings", [[Button("Evenings ✓", data="tick")]], edit=True)]
            return [Reply(f"You chose {html.escape(incoming.choice)}")]
        if incoming.kind == "location":
            lat, lon = incoming.location or (0, 0)
            return [Reply(f"Thanks, you are near {lat:.2f}, {lon:.2f}")]
        if incoming.kind == "unsupported":
            return [Reply("I can only read text. Tell me in words what you care about.")]
        if incoming.text == "slow":
            time.sleep(0.05)
        return [Reply(f"You said: {html.escape(incoming.text)}")]

    def command(self, name: str, args: str, private: bool) -> list[Reply]:
        if not private:
            return [Reply(f"Group answer to /{name}")]
        if name == "start":
            return [Reply("Welcome to <b>Get Involved</b>!"),
                    Reply("What do you care about?", [[Button("Animals", data="pas:animals")],
                                                      [Button("Times", data="tick")]])]
        if name == "pair":
            return [Reply("One", [[Button("A", data="a")]]), Reply("Two", [[Button("B", data="b")]])]
        if name == "data":
            return [Reply(f"<b>{html.escape(DATA_TITLE)}</b> &amp; more",
                          [[Button("Apply", url="https://example.org/apply?a=1&b=2")]])]
        if name == "long":
            para = "<b>Heading</b> " + "word " * 150 + "\n"
            return [Reply("<i>" + para * 40 + "</i>", [[Button("Next", data="next")]])]
        if name == "badhtml":
            return [Reply("<foo>unclosed <b>bold & loose")]
        if name == "links":
            return [Reply("Links", [[Button("Bad", url="javascript:alert(1)"), Button("Ftp", url="ftp://x.org/f")],
                                    [Button("Good", url="https://ok.example/apply")],
                                    [Button("Too long", data="x" * 65), Button("Fine", data="fine")]])]
        if name == "boom":
            raise RuntimeError("the core broke")
        return [Reply(f"/{html.escape(name)} with {html.escape(args)!s}")]


def settings_for(fake: FakeTelegram, db_path: Path) -> Settings:
    return dataclasses.replace(load_settings(db_path), token=fake.token, api_url=fake.api_url)


@pytest.fixture
async def app(fake: FakeTelegram, store: Store) -> AsyncIterator[Application]:
    application = build_application(settings_for(fake, Path(":memory:")), core_factory=StandInCore,
                                     store=store, commands=COMMANDS)
    async with running(application, poll_timeout=1):
        yield application


def core(app: Application) -> StandInCore:
    return runtime_of(app).core  # type: ignore[return-value]


async def test_start_gets_the_welcome_and_commands_are_registered(fake, app):
    fake.send_text(1, "/start")
    (welcome,) = await fake.wait_for_messages(1)
    assert welcome.html == "Welcome to <b>Get Involved</b>!\n\nWhat do you care about?"
    assert welcome.labels == ["Animals", "Times"]
    assert fake.commands == [{"command": c, "description": d} for c, d in COMMANDS]
    assert [c.method for c in fake.calls[:2]] == ["getMe", "setMyCommands"]
    assert fake.calls_to("sendMessage")[0].params["parse_mode"] == "HTML"
    assert not fake.refused


async def test_a_button_press_is_answered_then_handled(fake, app):
    fake.send_text(1, "/start")
    await fake.wait_for_messages(1)
    fake.press_button(1, "Animals")
    reply = (await fake.wait_for_new(1, 1))[0]
    assert reply.text == "You chose pas:animals"
    assert len(fake.calls_to("answerCallbackQuery", ok=True)) == 1
    assert core(app).seen[-1][1] == Incoming("choice", choice="pas:animals")


async def test_a_press_on_an_old_or_unknown_message_is_still_answered(fake, app):
    fake.add_user(2)
    fake.press(2, 9999, "hide:gone-long-ago")
    [reply] = await fake.wait_for_messages(2)
    assert reply.text == "You chose hide:gone-long-ago"
    assert fake.calls_to("answerCallbackQuery", ok=True)


async def test_an_edit_reply_replaces_the_pressed_message_and_a_second_press_changes_nothing(fake, app):
    fake.send_text(3, "/start")
    messages = await fake.wait_for_messages(3)
    fake.press_button(3, "Times")
    await fake.wait_for(lambda: fake.messages(3)[0].edits == 1)
    assert fake.messages(3)[0].text == "Pick times: ✓ evenings"
    fake.press_button(3, "Evenings")  # the same content again: Telegram says "not modified"
    fake.send_text(3, "after")
    after = await fake.wait_for_new(3, len(messages))
    assert [m.text for m in after] == ["You said: after"]
    assert len(fake.calls_to("answerCallbackQuery", ok=True)) == 2


async def test_html_from_data_with_angle_brackets_ampersands_and_quotes_is_accepted(fake, app):
    fake.send_text(4, "/data")
    [reply] = await fake.wait_for_messages(4)
    assert reply.text == DATA_TITLE + " & more"
    assert reply.urls == ["https://example.org/apply?a=1&b=2"]
    assert not fake.refused


async def test_invalid_html_from_the_core_is_sent_as_plain_text(fake, app):
    fake.send_text(4, "/badhtml")
    [reply] = await fake.wait_for_messages(4)
    assert reply.text == "unclosed bold & loose"
    assert not fake.refused


async def test_a_long_reply_is_split_into_messages_within_4096_characters(fake, app):
    fake.send_text(5, "/long")
    await fake.wait_for_messages(5, 2)
    fake.send_text(5, "done")
    await fake.wait_for(lambda: fake.texts(5)[-1:] == ["You said: done"])
    parts = fake.messages(5)[:-1]
    assert 2 <= len(parts) <= 3
    assert all(len(p.text) <= 4096 for p in parts)
    assert all(p.html.startswith("<i>") and p.html.endswith("</i>") for p in parts)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]
    assert parts[-1].text.endswith("…")  # 40 paragraphs do not fit in three messages
    assert not fake.refused


async def test_only_http_links_and_short_callback_data_become_buttons(fake, app):
    fake.send_text(6, "/links")
    [reply] = await fake.wait_for_messages(6)
    assert reply.labels == ["Good", "Fine"]
    assert not fake.refused


@pytest.mark.parametrize("send", ["send_sticker", "send_photo", "send_voice"])
async def test_stickers_photos_and_voice_notes_get_a_short_helpful_reply(fake, app, send):
    getattr(fake, send)(7)
    [reply] = await fake.wait_for_messages(7)
    assert reply.text.startswith("I can only read text")
    assert core(app).seen[-1][1].kind == "unsupported"


async def test_a_shared_location_reaches_the_core(fake, app):
    fake.share_location(8, 52.95, -1.15)
    [reply] = await fake.wait_for_messages(8)
    assert reply.text == "Thanks, you are near 52.95, -1.15"


async def test_commands_are_parsed_with_arguments_and_the_bots_name_stripped(fake, app):
    fake.send_text(9, f"/Search@{BOT_USERNAME}  dog   walking ")
    [reply] = await fake.wait_for_messages(9)
    assert core(app).seen[-1][1] == Incoming("command", text="dog   walking", command="search")
    assert reply.text == "/search with dog   walking"


def test_parse_command():
    assert parse_command("/start") == ("start", "", "")
    assert parse_command("/postcode@Bot NG7 1AA") == ("postcode", "Bot", "NG7 1AA")
    assert parse_command("/ hello") is None


async def test_a_failing_core_says_sorry_and_the_bot_carries_on(fake, app, caplog):
    fake.send_text(10, "/boom")
    [sorry] = await fake.wait_for_messages(10)
    assert sorry.text == SORRY
    assert any(r.exc_info and "the core broke" in str(r.exc_info[1]) for r in caplog.records)
    fake.send_text(10, "still there?")
    assert (await fake.wait_for_new(10, 1))[0].text == "You said: still there?"


async def test_a_resident_who_blocked_the_bot_is_marked_inactive_and_others_are_unaffected(fake, app, store):
    fake.send_text(11, "/help")
    await fake.wait_for_messages(11)
    fake.block(11)
    fake.send_text(11, "hello?")
    fake.send_text(12, "hello")
    assert (await fake.wait_for_messages(12))[0].text == "You said: hello"
    await fake.wait_for(lambda: bool(fake.calls_to("sendMessage", chat_id=11, ok=False)))
    await fake.wait_for(lambda: store.get_resident(11)["active"] == 0)
    assert fake.calls_to("sendMessage", chat_id=11, ok=False)[0].status == 403
    assert store.get_resident(12)["active"] == 1


async def test_blocking_the_bot_marks_a_stored_resident_inactive(fake, app, store):
    fake.send_text(13, "/help")
    await fake.wait_for_messages(13)
    fake.block_via_update(13)
    fake.unblock(13)
    fake.send_text(14, "x")  # a later update from someone else shows the first was handled
    await fake.wait_for_messages(14)
    await fake.wait_for(lambda: store.get_resident(13)["active"] == 0)
    assert store.get_resident(99) is None


async def test_two_residents_at_once_each_get_their_replies_in_order(fake, app):
    for n in range(8):
        fake.send_text(21, "slow" if n % 3 == 0 else f"a{n}")
        fake.send_text(22, f"b{n}")
    await fake.wait_for_messages(21, 8)
    await fake.wait_for_messages(22, 8)
    assert fake.texts(21) == [f"You said: {'slow' if n % 3 == 0 else f'a{n}'}" for n in range(8)]
    assert fake.texts(22) == [f"You said: b{n}" for n in range(8)]


async def test_updates_of_different_chats_run_concurrently_and_one_chats_in_order():
    processor = PerChatUpdateProcessor(16)
    order: list[str] = []
    b_started = asyncio.Event()

    async def a_waits_for_b() -> None:
        await asyncio.wait_for(b_started.wait(), 1)  # would time out if chats were serialised
        order.append("a1")

    async def step(name: str, event: asyncio.Event | None = None) -> None:
        if event:
            event.set()
        await asyncio.sleep(0)
        order.append(name)

    from telegram import Update

    def update(chat: int, n: int) -> Update:
        return Update.de_json({"update_id": n, "message": {
            "message_id": n, "date": 0, "text": "x", "chat": {"id": chat, "type": "private"}}}, None)

    await asyncio.gather(processor.process_update(update(1, 1), a_waits_for_b()),
                         processor.process_update(update(1, 2), step("a2")),
                         processor.process_update(update(2, 3), step("b1", b_started)))
    assert order.index("a1") < order.index("a2")
    assert order.index("b1") < order.index("a1")
    assert not processor._locks


async def test_in_a_group_only_commands_for_this_bot_are_answered_and_nothing_is_stored(fake, app, store):
    fake.send_text(31, "hello everyone", chat_id=GROUP)
    fake.send_sticker(31, chat_id=GROUP)
    fake.send_text(31, "/start@SomeOtherBot", chat_id=GROUP)
    fake.send_text(32, f"/search@{BOT_USERNAME} litter picking", chat_id=GROUP)
    fake.send_text(32, "/help", chat_id=GROUP)  # privacy mode on: Telegram only sends it if it is for us
    answers = await fake.wait_for_messages(GROUP, 2)
    assert [m.text for m in answers] == ["Group answer to /search", "Group answer to /help"]
    assert [(rid, inc.command, chat, private) for rid, inc, chat, private in core(app).seen] == [
        (32, "search", GROUP, False), (32, "help", GROUP, False)]
    assert store.get_resident(31) is None and store.get_resident(32) is None
    assert not fake.messages(31) and not fake.messages(32)


async def test_with_privacy_mode_off_a_bare_group_command_is_left_to_other_bots(store):
    async with FakeTelegram(privacy_mode=False) as fake:
        application = build_application(settings_for(fake, Path(":memory:")), core_factory=StandInCore,
                                         store=store, commands=COMMANDS)
        async with running(application, poll_timeout=1):
            fake.send_text(33, "/help", chat_id=GROUP)
            fake.send_text(33, f"/help@{BOT_USERNAME}", chat_id=GROUP)
            [answer] = await fake.wait_for_messages(GROUP)
            await asyncio.sleep(0.05)
            assert [m.text for m in fake.messages(GROUP)] == ["Group answer to /help"]
            assert len(core(application).seen) == 1


async def test_the_store_is_opened_in_post_init_and_closed_on_shutdown(fake, tmp_path):
    application = build_application(settings_for(fake, tmp_path / "bot.db"), core_factory=StandInCore,
                                     commands=COMMANDS)
    async with running(application, poll_timeout=1):
        store = runtime_of(application).store
        assert store is not None and store.path == str(tmp_path / "bot.db")
        fake.send_text(41, "/start")
        await fake.wait_for_messages(41)
    assert runtime_of(application).store is None
    assert not application.running
    reopened = Store(tmp_path / "bot.db")
    try:
        assert reopened.get_resident(41) is not None
    finally:
        reopened.close()


async def test_telegrams_flood_control_is_waited_out_and_order_kept(fake, app):
    fake.limit_rate(per_chat_per_second=1)
    fake.send_text(51, "/pair")
    first, second = await fake.wait_for_messages(51, 2, timeout=5)
    assert [c.status for c in fake.calls_to("sendMessage", chat_id=51)] == [200, 429, 200]
    assert second.sent_at - first.sent_at >= 1.0  # retry_after honoured
    assert (first.text, second.text) == ("One", "Two")


async def test_a_server_error_loses_one_reply_not_the_bot(fake, app, caplog):
    fake.fail_randomly(1.0)
    fake.send_text(52, "first")
    await fake.wait_for(lambda: bool(fake.calls_to("sendMessage", chat_id=52)))
    fake.fail_randomly(0.0)
    fake.send_text(52, "second")
    [reply] = await fake.wait_for_messages(52)
    assert reply.text == "You said: second"
