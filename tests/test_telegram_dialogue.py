"""The real conversation core on Telegram: the whole /start dialogue to matches, through the real
python-telegram-bot Application and the fake Bot API server, on the seed data."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import AsyncIterator

import pytest
from telegram.ext import Application

from bot.catalogue import add_opportunities
from bot.config import load_settings
from bot.conversation import COMMANDS
from bot.models import Opportunity
from bot.store import Store
from bot.telegram_app import build_application, running
from fake_telegram import BOT_USERNAME, FakeTelegram

ME = 501
GROUP = -100777


@pytest.fixture
async def app(fake: FakeTelegram, seeded_store: Store) -> AsyncIterator[Application]:
    settings = dataclasses.replace(load_settings(Path(":memory:")), token=fake.token, api_url=fake.api_url)
    application = build_application(settings, store=seeded_store)
    async with running(application, poll_timeout=1):
        yield application


async def test_a_full_dialogue_ends_with_matches_that_have_link_buttons(fake, app):
    assert fake.commands == [{"command": c, "description": d} for c, d in COMMANDS]
    fake.send_text(ME, "/start")
    seen = len(await fake.wait_for_messages(ME))
    assert "Get Involved" in fake.texts(ME)[0]

    fake.press_button(ME, "Animals")
    seen += len(await fake.wait_for_new(ME, seen))
    fake.press_button(ME, "Skip")
    [place_question] = await fake.wait_for_new(ME, seen)
    seen += 1
    assert place_question.keyboard is not None
    assert place_question.keyboard["keyboard"][0][0]["request_location"] is True
    fake.send_text(ME, "NG7 1AA")
    thanks, time_question = await fake.wait_for_new(ME, seen, 2)
    seen += 2
    assert thanks.keyboard == {"remove_keyboard": True}
    assert "time" in time_question.text.lower()

    fake.press_button(ME, "Every week")
    await fake.wait_for(lambda: fake.find_message(ME, time_question.message_id).edits == 1)
    assert "✓ Every week" in fake.find_message(ME, time_question.message_id).labels

    fake.press_button(ME, "Done")
    results = await fake.wait_for_new(ME, seen, 4)
    cards = [m for m in results if m.urls]
    assert len(cards) == 3
    assert all(url.startswith(("https://", "http://")) for card in cards for url in card.urls)
    assert any("Not for me" in label for label in cards[0].labels)
    assert len(fake.calls_to("answerCallbackQuery", ok=True)) == 4
    assert not fake.refused


async def test_titles_from_scraped_pages_with_markup_characters_reach_the_resident_intact(fake, app, seeded_store):
    title = 'Fish & Chips <Friday> "Supper" Club'
    add_opportunities(seeded_store, [Opportunity(
        id="odd-title", title=title, organisation="Smith & Sons <Ltd>",
        description="Serve suppers & chat. <script>alert('x')</script> Bring an apron.",
        url="https://example.org/fish?x=1&y=2", kind="volunteer", postcode="NG7 1AA", place="Lenton",
        source="test")])
    fake.send_text(ME, "/search fish chips supper")
    await fake.wait_for(lambda: any(title in t for t in fake.texts(ME)))
    card = next(m for m in fake.messages(ME) if title in m.text)
    assert "Smith & Sons <Ltd>" in card.text
    assert "https://example.org/fish?x=1&y=2" in card.urls
    assert not fake.refused


async def test_a_sticker_gets_a_helpful_reply_from_the_core(fake, app):
    fake.send_sticker(ME)
    [reply] = await fake.wait_for_messages(ME)
    assert reply.text
    assert not fake.refused


async def test_group_search_is_answered_without_storing_anyone(fake, app, seeded_store):
    fake.send_text(ME, "we should plant trees", chat_id=GROUP)
    fake.send_text(ME, f"/search@{BOT_USERNAME} gardening", chat_id=GROUP)
    await fake.wait_for_messages(GROUP, 2)
    assert seeded_store.get_resident(ME) is None
    assert not fake.messages(ME)
    assert not fake.refused


async def test_a_resident_can_answer_where_they_are_with_one_tap_on_share_my_location(fake, app, seeded_store):
    fake.send_text(ME, "/start")
    seen = len(await fake.wait_for_messages(ME))
    fake.send_text(ME, "gardening")
    seen += len(await fake.wait_for_new(ME, seen))
    fake.send_text(ME, "skip")
    [place_question] = await fake.wait_for_new(ME, seen)
    assert place_question.keyboard["keyboard"][1] == [{"text": "I'd rather not say"}]
    fake.share_location(ME, 52.9536, -1.1505)  # Nottingham city centre
    thanks = (await fake.wait_for_new(ME, seen + 1))[0]
    assert "NG1" in thanks.text and thanks.keyboard == {"remove_keyboard": True}
    assert seeded_store.get_resident(ME)["postcode"] == "NG1"
