"""Telegram's rules and bad input: valid HTML, short messages, small button data, no crashes,
and state that lives in the store."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.catalogue import ensure_seeded
from bot.conversation import Conversation, Step
from bot.messages import Incoming, Reply
from bot.models import Opportunity
from bot.store import Store
from test_conversation import TODAY, Chat, load_fixture

_TAG = re.compile(r"<[^>]*>")
_ALLOWED_TAG = re.compile(r'</?[bi]>|<a href="[^"<>]*">|</a>')
_BAD_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
TRICKY_LONG_ID = "long-id-" + "x" * 150
TRICKY_UNICODE_ID = "bienen-" + "ü" * 40


def telegram_html_problem(markup: str) -> str | None:
    """Why Telegram would refuse this HTML message, or None if it would accept it."""
    if _BAD_AMPERSAND.search(markup):
        return "an unescaped &"
    stack: list[str] = []
    for tag in _TAG.findall(markup):
        if not _ALLOWED_TAG.fullmatch(tag):
            return f"tag not allowed: {tag}"
        name = tag.strip("</>").split()[0]
        if tag.startswith("</"):
            if not stack or stack.pop() != name:
                return f"unbalanced {tag}"
        else:
            stack.append(name)
    if stack:
        return f"unclosed <{stack[-1]}>"
    text = _TAG.sub("", markup)
    if "<" in text or ">" in text:
        return "an unescaped < or >"
    visible = re.sub(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", "x", text)
    if not visible.strip():
        return "an empty message"
    if len(visible.encode("utf-16-le")) // 2 > 4096:
        return "longer than 4096 characters"
    return None


def assert_telegram_safe(replies: list[Reply]) -> None:
    for reply in replies:
        assert telegram_html_problem(reply.html) is None, (telegram_html_problem(reply.html), reply.html[:300])
        for row in reply.buttons:
            for button in row:
                assert bool(button.data) != bool(button.url), button
                assert len(button.data.encode()) <= 64, button.data
                assert not button.url or button.url.startswith(("http://", "https://"))
                assert button.label.strip()


@pytest.fixture
def tricky(store: Store) -> Chat:
    ensure_seeded(store)
    load_fixture(store, "tricky.jsonl")
    return Chat(store)


def test_the_html_checker_catches_what_telegram_refuses() -> None:
    for bad in ("<b>open", "a & b", "<u>x</u>", "<b><i>x</b></i>", "1 < 2", "x" * 4097, "<a href='x'>y</a>", ""):
        assert telegram_html_problem(bad) is not None, bad
    assert telegram_html_problem('<b>A &amp; B</b> <i>&#x27;q&#x27;</i> <a href="https://x.org">l</a>') is None


def test_every_reply_is_valid_telegram_html_under_4096(tricky: Chat) -> None:
    tricky.command("start")
    tricky.say("<b>bees</b> & <i>beekeeping</i> " + "🐝" * 50)
    tricky.say("<script>alert(1)</script> & DIY")
    tricky.say("NG7 2RD")
    tricky.press_label("Weekends")
    tricky.press_label("Done")
    for card_id in tricky.card_ids():
        tricky.press(f"save:{card_id}")
    tricky.press("next")
    tricky.press("small")
    tricky.command("search", "beekeeping helper <b>")
    tricky.press(tricky.button("More like this").data)
    tricky.command("subscribe", "<b>bees & honey</b>")
    tricky.command("mydata")
    tricky.command("help")
    tricky.command("search", "x" * 5000)
    tricky.command("nonsense<b>&")
    tricky.say("actually I'm more into <i>" + "words " * 2000)
    tricky.command("forget")
    group = Chat(tricky.store, private=False)
    group.command("search", "beekeeping NG7")
    assert "beekeeping helper" in " ".join(r.html for r in tricky.history).lower()
    assert len(tricky.history) > 30
    assert_telegram_safe(tricky.history + group.history)


def test_data_from_opportunities_is_escaped(tricky: Chat) -> None:
    tricky.command("postcode", "NG7")
    tricky.command("search", "beekeeping helper")
    card = next(c.html for c in tricky.cards() if "Bold" in c.html)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot; &lt;script&gt;" in card
    assert "Bees &amp; &lt;Honey&gt; Ltd" in card
    assert "&lt;Hive&gt; &amp; Co" in card


def test_long_descriptions_are_cut_sensibly(tricky: Chat) -> None:
    tricky.command("postcode", "NG7")
    tricky.command("search", "beekeeping helper")
    card = next(c.html for c in tricky.cards() if "Bold" in c.html)
    assert len(card) < 1500
    assert "…" in card


def test_residents_own_words_are_escaped(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.say("<b>cats</b> & dogs")
    chat.command("mydata")
    assert "&lt;b&gt;cats&lt;/b&gt; &amp; dogs" in chat.text()


def test_button_data_fits_64_bytes(tricky: Chat) -> None:
    tricky.command("postcode", "NG7")
    tricky.command("search", "beekeeping")
    tricky.press("next")
    data = [b.data for r in tricky.history for row in r.buttons for b in row if b.data]
    assert any("#" in d for d in data), "a long id should have been replaced by a reference"
    assert all(len(d.encode()) <= 64 for d in data)


def test_buttons_for_long_ids_act_on_the_right_opportunity(tricky: Chat) -> None:
    tricky.command("postcode", "NG7")
    tricky.command("search", "beekeeping very long id unicode everyone")
    tricky.press("next")
    for reply in tricky.history:
        for row in reply.buttons:
            for button in row:
                if button.data.startswith("save#"):
                    tricky.press(button.data)
    assert set(tricky.store.saved_ids(1)) == {TRICKY_LONG_ID, TRICKY_UNICODE_ID}


def test_url_buttons_only_for_http_links(store: Store) -> None:
    store.upsert_opportunities([
        Opportunity(id="js", title="Bee survey", url="javascript:alert(1)", postcode="NG7", description="bee survey"),
        Opportunity(id="ftp", title="Bee count", url="ftp://example.org/bees", postcode="NG7", description="bee count"),
    ])
    chat = Chat(store)
    chat.command("search", "bee")
    assert len(chat.cards()) == 2
    assert not [b for b in chat.buttons() if b.url]


def test_very_long_message_is_handled(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    replies = chat.say("I care about parks " * 10000)
    assert replies
    assert len(chat.state()["passions"]) <= 200
    assert_telegram_safe(replies)


def test_emoji_only_gets_a_helpful_reply(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    replies = chat.say("🌳🌳🐶")
    assert "only understand words" in replies[0].html
    assert "passionate about" in replies[-1].html
    assert chat.step() is Step.PASSION


def test_unsupported_content_gets_a_helpful_reply(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    chat.say("gardening")
    replies = chat.send(Incoming("unsupported"))
    assert "stickers, photos or voice" in replies[0].html
    assert "good at" in replies[-1].html
    assert chat.step() is Step.SKILLS


def test_button_from_an_earlier_question_changes_nothing(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    chat.press("pas:animals")
    replies = chat.press("pas:older")
    assert "earlier message" in replies[0].html
    assert chat.state()["passions"] == "animals, pets, wildlife"
    assert chat.step() is Step.SKILLS


def test_done_pressed_twice_is_answered_gently(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.answer_everything()
    shown = chat.state()["state_data"]["shown"]
    replies = chat.press("t:done")
    assert len(replies) == 1 and "earlier message" in replies[0].html
    assert chat.state()["state_data"]["shown"] == shown


@pytest.mark.parametrize("data", ["", ":", "#", "#1", "save#999", "more:", "hide:no-such-id", "save:no-such-id",
                                  "more:no-such-id", "t:sometimes", "place:keep", "sub:maybe", "pas:unknown",
                                  "x" * 64, "next", "small", "sub:yes", "ü" * 32])
def test_odd_button_data_never_crashes(seeded_store: Store, data: str) -> None:
    replies = Chat(seeded_store).press(data)
    assert replies
    assert "went wrong" not in replies[0].html
    assert_telegram_safe(replies)


@pytest.mark.parametrize("data", ["hide:gone-away", "save:gone-away", "more:gone-away"])
def test_buttons_for_a_removed_opportunity_store_nothing(seeded_store: Store, data: str) -> None:
    replies = Chat(seeded_store).press(data)
    assert "no longer listed" in replies[0].html
    assert seeded_store.get_resident(1) is None
    assert seeded_store.hidden_ids(1) == set() and seeded_store.saved_ids(1) == []


@pytest.mark.parametrize("name,args", [
    ("start", "deep-link-payload"), ("postcode", "🙂"), ("postcode", "N" * 500), ("subscribe", "🙂"),
    ("subscribe", "word " * 500), ("search", "🙂🙂"), ("cancel", "now please"), ("help", "me"),
    ("forget", "me"), ("mydata", "all"), ("", ""), ("START", ""), ("search", "<>&"),
])
def test_commands_with_odd_arguments_get_short_replies(seeded_store: Store, name: str, args: str) -> None:
    replies = Chat(seeded_store).command(name, args)
    assert replies
    assert "went wrong" not in replies[0].html
    assert_telegram_safe(replies)


def test_invalid_location_is_refused(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    replies = chat.share(float("nan"), 500.0)
    assert "postcode" in replies[0].html


def test_state_survives_restart(db_path: Path) -> None:
    store = Store(db_path)
    ensure_seeded(store)
    chat = Chat(store)
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    store.close()

    store = Store(db_path)
    chat = Chat(store, conversation=Conversation(store, None, today=TODAY))
    chat.say("NG7")
    chat.press("t:weekends")
    chat.press("t:done")
    assert chat.state()["passions"] == "gardening"
    assert chat.state()["availability"] == ["weekends"]
    assert chat.cards()
    store.close()


def test_an_unreadable_step_starts_afresh(seeded_store: Store) -> None:
    seeded_store.save_resident(1, state="no-such-step", passions="gardening")
    replies = Chat(seeded_store).say("NG7")
    assert replies and "went wrong" not in replies[0].html


def test_residents_do_not_share_state(seeded_store: Store) -> None:
    conversation = Conversation(seeded_store, None, today=TODAY)
    alice = Chat(seeded_store, 1, conversation=conversation)
    bob = Chat(seeded_store, 2, conversation=conversation)
    alice.command("start")
    bob.command("start")
    alice.say("gardening")
    bob.say("animals")
    assert alice.state()["passions"] == "gardening"
    assert bob.state()["passions"] == "animals"


def test_an_unexpected_failure_is_answered_with_an_apology(seeded_store: Store) -> None:
    class Broken:
        def search(self, *args: object, **kwargs: object) -> list:
            raise RuntimeError("matcher down")

    chat = Chat(seeded_store, conversation=Conversation(seeded_store, Broken(), today=TODAY))  # type: ignore[arg-type]
    replies = chat.command("search", "gardening")
    assert "went wrong" in replies[0].html


def test_matcher_provider_is_called_for_fresh_opportunities(store: Store) -> None:
    calls = []

    def provide():  # type: ignore[no-untyped-def]
        from bot.matching import Matcher

        calls.append(1)
        return Matcher.from_store(store)

    chat = Chat(store, conversation=Conversation(store, provide, today=TODAY))
    chat.command("search", "knitting")
    assert "couldn't find" in chat.text()
    load_fixture(store, "small-step.jsonl")
    chat.command("search", "knitting")
    assert chat.card_ids() == ["knit-drop-in"]
    assert len(calls) >= 2


def test_a_long_answer_is_not_quoted_back_in_the_offer_of_news():
    from bot.conversation import wording

    long = "people keep dumping mattresses on our street and I want it sorted"
    assert "mattresses" not in wording.offer_alerts(long)
    assert "matches what you told me" in wording.offer_alerts(long)
    assert "“dog walking”" in wording.offer_alerts("dog walking")
