"""Rendering replies for Telegram, checked against the fake server's own HTML parser, and that
parser checked against what Telegram accepts and refuses."""
from __future__ import annotations

import html
import random

import pytest

from bot.messages import Button, Reply
from bot.telegram_render import MAX_TEXT, combine, keyboard, render, safe_html, split_html, utf16_len
from fake_telegram import EntityError, parse_html


# -- the fake's parser: Telegram's HTML subset ---------------------------------------------------

@pytest.mark.parametrize("markup, shown", [
    ("plain", "plain"),
    ("<b>bold</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>s</s> <strike>k</strike> "
     "<del>d</del>", "bold s i e u n s k d"),
    ('<a href="https://x.org/?a=1&amp;b=2">link</a>', "link"),
    ("<code>x</code> <pre><code class=\"language-python\">y</code></pre>", "x y"),
    ('<tg-spoiler>a</tg-spoiler> <span class="tg-spoiler">b</span>', "a b"),
    ("<blockquote expandable>q</blockquote>", "q"),
    ("&lt;&gt;&amp;&quot;&#39;&#x41;", "<>&\"'A"),
    ("a > b", "a > b"),
    ("<B>caps</B>", "caps"),
])
def test_the_fake_accepts_telegrams_html(markup, shown):
    assert parse_html(markup) == shown


@pytest.mark.parametrize("markup, reason", [
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("é<script>x</script>", 'Unsupported start tag "script" at byte offset 2'),
    ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<b", "Unclosed start tag at byte offset 0"),
    ("Tom & Jerry", 'Character "&" must be escaped as "&amp;" at byte offset 4'),
    ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
])
def test_the_fake_refuses_what_telegram_refuses(markup, reason):
    with pytest.raises(EntityError) as e:
        parse_html(markup)
    assert str(e.value) == reason


# -- our rendering -------------------------------------------------------------------------------

def test_valid_markup_is_kept_and_invalid_markup_becomes_escaped_plain_text():
    good = f"<b>{html.escape('Fish & <Chips>')}</b>"
    assert safe_html(good) == good
    for bad in ("<foo>x</foo> & y", "<b>unclosed", "a < b", "<span>s</span>", "&nbsp;"):
        parse_html(safe_html(bad))  # never raises


def test_an_empty_reply_still_gives_telegram_some_text():
    [message] = render(Reply("", [[Button("OK", data="ok")]]))
    assert parse_html(message.html).strip() and message.keyboard is not None


def test_split_prefers_line_breaks_and_reopens_tags():
    line = "<b>" + "x" * 30 + "</b> " + "<i>tail</i>\n"
    parts = split_html(line * 10, limit=100, max_parts=10)
    for part in parts:
        assert utf16_len(parse_html(part)) <= 100
    assert parts[0].endswith("\n") and parts[1].startswith("<b>")
    assert "".join(parse_html(p) for p in parts) == parse_html(line * 10)


def test_split_closes_a_tag_spanning_the_cut():
    parts = split_html("<a href=\"https://x.org\">" + "word " * 60 + "</a>", limit=100)
    assert all(p.startswith('<a href="https://x.org">') and p.endswith("</a>") for p in parts)
    assert all(utf16_len(parse_html(p)) <= 100 for p in parts)


def test_split_stops_after_three_parts_with_an_ellipsis():
    parts = split_html(html.escape("a & b ") * 5000)
    assert len(parts) == 3
    assert parts[-1].endswith("…")
    assert all(utf16_len(parse_html(p)) <= MAX_TEXT for p in parts)


def test_split_counts_emoji_as_telegram_does():
    parts = split_html("😀" * 3000)  # 6000 UTF-16 code units
    assert len(parts) == 2 and all(utf16_len(parse_html(p)) <= MAX_TEXT for p in parts)


def test_split_never_cuts_inside_an_entity():
    parts = split_html("&amp;" * 5000)
    assert all(parse_html(p) for p in parts)


def test_random_markup_always_renders_to_messages_telegram_accepts():
    rng = random.Random(7)
    pieces = ["<b>", "</b>", "<i>", "</i>", "&amp;", "&", "<", ">", "\n", " ", "word", "é", "😀",
              '<a href="https://x.org">', "</a>", "<br>", "&nbsp;", '"', "'"]
    for _ in range(300):
        markup = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 2000)))
        for message in render(Reply(markup)):
            shown = parse_html(message.html)
            assert shown.strip() and utf16_len(shown) <= MAX_TEXT


def test_keyboard_keeps_only_buttons_telegram_accepts():
    markup = keyboard([
        [Button("Apply", url="https://example.org/a"), Button("Mail", url="mailto:a@b.org")],
        [Button("JS", url="javascript:alert(1)"), Button("Spaced", url="https://exa mple.org")],
        [Button("Relative", url="/apply"), Button("No host", url="https://")],
        [Button("Long", data="é" * 33), Button("Max", data="x" * 64)],
        [Button("  ", data="blank"), Button("Nothing")],
    ])
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Apply"], ["Max"]]
    assert keyboard([[Button("Bad", url="ftp://x.org")]]) is None


def test_a_bare_reply_is_folded_into_the_next_message():
    card = Reply("<b>Dog walking</b>", [[Button("Save", data="save:1")]])
    assert combine([Reply("Here are 3 ideas near NG7:"), card]) == [
        Reply("Here are 3 ideas near NG7:\n\n<b>Dog walking</b>", card.buttons)]


def test_replies_with_buttons_or_edits_stay_separate_messages():
    card = Reply("<b>Dog walking</b>", [[Button("Save", data="save:1")]])
    ticks = Reply("Pick times", [[Button("Done", data="done")]], edit=True)
    assert combine([card, Reply("More?")]) == [card, Reply("More?")]
    assert combine([Reply("Noted."), ticks]) == [Reply("Noted."), ticks]


def test_replies_too_long_together_are_not_folded():
    long = Reply("x" * 3000)
    assert combine([long, Reply("y" * 2000)]) == [long, Reply("y" * 2000)]


def test_a_place_question_offers_share_my_location_with_its_choices_as_typed_answers():
    question = Reply("Where are you?", [[Button("Keep NG7", data="pl:keep"), Button("I'd rather not say", data="pl:skip")]],
                     ask_location=True)
    [message] = render(question)
    rows = message.keyboard.keyboard
    assert rows[0][0].request_location and [b.text for b in rows[1]] == ["Keep NG7", "I'd rather not say"]
    assert message.keyboard.one_time_keyboard
