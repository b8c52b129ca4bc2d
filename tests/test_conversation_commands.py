"""The residents' commands, at any point in the dialogue, and what a group chat may do."""
from __future__ import annotations

from bot.conversation import COMMANDS, Step
from bot.conversation.commands import HANDLERS
from bot.store import Store
from test_conversation import Chat

PERSONAL_TABLES = ("residents", "hidden", "saved", "subscriptions", "deliveries")


def rows(store: Store, table: str) -> int:
    return store.db[table].count


def test_commands_list_every_handler_with_a_short_description() -> None:
    assert [name for name, _ in COMMANDS] == list(HANDLERS)
    assert all(3 <= len(description) <= 256 for _, description in COMMANDS)


def test_help_lists_every_command(seeded_store: Store) -> None:
    text = Chat(seeded_store).command("help")[0].html
    assert all(f"/{name}" in text for name, _ in COMMANDS)


def test_unknown_command_gets_short_help(seeded_store: Store) -> None:
    replies = Chat(seeded_store).command("frobnicate")
    assert len(replies) == 1
    assert "/frobnicate" in replies[0].html and "/help" in replies[0].html


def test_search_matches_at_once_near_the_saved_place(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("postcode", "NG7 2RD")
    chat.command("search", "gardening")
    assert "near NG7" in chat.last[0].html
    assert chat.cards()


def test_search_without_text_uses_the_saved_passions(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.answer_everything()
    chat.command("search")
    assert chat.cards()


def test_search_without_text_or_passions_says_how(seeded_store: Store) -> None:
    replies = Chat(seeded_store).command("search", "  ")
    assert "/search dog walking" in replies[0].html


def test_search_does_not_change_the_passions(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.answer_everything()
    chat.command("search", "football")
    assert chat.state()["passions"] == "nature, parks and gardening"


def test_postcode_command_sets_the_district(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    replies = chat.command("postcode", "le1 5ww")
    assert chat.state()["postcode"] == "LE1"
    assert "LE1" in replies[0].html


def test_postcode_command_without_a_code_says_how(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    replies = chat.command("postcode")
    assert "/postcode NG7 2RD" in replies[0].html
    assert seeded_store.get_resident(1) is None


def test_postcode_command_with_a_bad_code_keeps_the_old_place(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("postcode", "NG7")
    replies = chat.command("postcode", "hello there")
    assert "doesn't look like a UK postcode" in replies[0].html
    assert chat.state()["postcode"] == "NG7"


def test_postcode_command_answers_the_place_question(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.command("postcode", "NG7")
    assert chat.step() is Step.TIME


def test_subscribe_with_a_topic(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    replies = chat.command("subscribe", "dog walking")
    assert seeded_store.subscriptions(1) == ["dog walking"]
    assert "dog walking" in replies[0].html


def test_subscribe_with_a_postcode_sets_the_place_too(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    replies = chat.command("subscribe", "bees near NG7 2RD")
    assert seeded_store.subscriptions(1) == ["bees"]
    assert chat.state()["postcode"] == "NG7"
    assert "near NG7" in replies[0].html


def test_subscribe_without_a_topic_uses_the_saved_passions(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.answer_everything()
    chat.command("subscribe")
    assert seeded_store.subscriptions(1) == [""]


def test_subscribe_without_passions_asks_for_a_topic(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    replies = chat.command("subscribe")
    assert "What would you like to hear about" in replies[0].html
    chat.say("I love litter picking")
    assert seeded_store.subscriptions(1) == ["litter picking"]
    assert chat.step() is Step.IDLE


def test_subscribing_twice_says_so(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("subscribe", "bees")
    replies = chat.command("subscribe", "bees")
    assert "already" in replies[0].html
    assert seeded_store.subscriptions(1) == ["bees"]


def test_unsubscribe_stops_all_alerts(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("subscribe", "bees")
    chat.command("subscribe", "trees")
    replies = chat.command("unsubscribe")
    assert seeded_store.subscriptions(1) == []
    assert "won't send" in replies[0].html


def test_unsubscribe_when_not_subscribed_says_so(seeded_store: Store) -> None:
    replies = Chat(seeded_store).command("unsubscribe")
    assert "nothing to stop" in replies[0].html


def test_mydata_shows_everything_stored_in_plain_words(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    chat.say("gardening")
    chat.say("cooking")
    chat.say("NG7 2RD")
    chat.press_label("Weekends")
    chat.press_label("Done")
    saved, hidden = chat.card_ids()[:2]
    chat.press(f"save:{saved}")
    chat.press(f"hide:{hidden}")
    chat.command("subscribe", "bees")
    text = chat.command("mydata")[0].html.replace("&#x27;", "'")
    for expected in ("gardening", "cooking", "NG7", "Weekends", "“bees”", "101",
                     seeded_store.get_opportunity(saved).title, seeded_store.get_opportunity(hidden).title,
                     "/forget"):
        assert expected in text
    assert "2RD" not in text


def test_mydata_for_someone_new_stores_nothing(seeded_store: Store) -> None:
    replies = Chat(seeded_store).command("mydata")
    assert "don't keep anything" in replies[0].html
    assert seeded_store.get_resident(1) is None


def test_forget_deletes_everything(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.answer_everything()
    ids = chat.card_ids()
    chat.press(f"save:{ids[0]}")
    chat.press(f"hide:{ids[1]}")
    chat.press("sub:yes")
    replies = chat.command("forget")
    assert "deleted everything" in replies[0].html
    assert all(rows(seeded_store, t) == 0 for t in PERSONAL_TABLES)


def test_forget_leaves_other_residents_alone(seeded_store: Store) -> None:
    Chat(seeded_store, resident_id=2).command("subscribe", "bees")
    Chat(seeded_store, resident_id=1).command("forget")
    assert seeded_store.subscriptions(2) == ["bees"]


def test_cancel_leaves_the_questions_cleanly(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    chat.say("gardening")
    replies = chat.command("cancel")
    assert "stopped" in replies[0].html
    assert chat.step() is Step.IDLE
    chat.say("knitting")
    assert chat.state()["skills"] is None
    assert chat.state()["passions"] == "knitting"


def test_commands_work_in_the_middle_of_a_question(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    chat.say("gardening")
    chat.press_label("Skip")
    chat.command("mydata")
    chat.command("help")
    assert chat.step() is Step.PLACE
    chat.say("NG7")
    assert chat.step() is Step.TIME


def test_start_again_keeps_nothing_half_done(seeded_store: Store) -> None:
    chat = Chat(seeded_store)
    chat.command("start")
    chat.say("gardening near NG7")
    chat.command("start")
    chat.say("animals")
    chat.press_label("Skip")
    assert chat.step() is Step.PLACE


# -- group chats --------------------------------------------------------------------------------

def test_group_chat_stores_nothing(seeded_store: Store) -> None:
    group = Chat(seeded_store, private=False)
    for name, args in (("start", ""), ("search", "gardening NG7"), ("postcode", "NG7"), ("subscribe", "bees"),
                       ("mydata", ""), ("forget", ""), ("help", ""), ("cancel", ""), ("nonsense", "")):
        group.command(name, args)
    group.say("I love gardening, NG7")
    group.press("save:friends-of-arboretum-work-party")
    group.press("hide:friends-of-arboretum-work-party")
    group.share(52.95, -1.15)
    assert all(rows(seeded_store, t) == 0 for t in PERSONAL_TABLES)


def test_group_search_answers_with_links_only(seeded_store: Store) -> None:
    group = Chat(seeded_store, private=False)
    replies = group.command("search", "gardening NG7")
    assert "near NG7" in replies[0].html
    buttons = group.buttons()
    assert buttons and all(b.url and not b.data for b in buttons)
    assert "privately" in replies[-1].html


def test_group_asks_to_message_privately_for_personal_things(seeded_store: Store) -> None:
    group = Chat(seeded_store, private=False)
    for name in ("subscribe", "mydata", "forget", "postcode"):
        assert "privately" in group.command(name, "x")[0].html


def test_group_help_is_answered(seeded_store: Store) -> None:
    replies = Chat(seeded_store, private=False).command("help")
    assert "/search" in replies[0].html
