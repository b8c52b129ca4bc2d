"""`getinvolved chat`: the same dialogue in a terminal, driven in-process and through a pipe."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.store import Store
from bot.terminal import RESIDENT_ID, TerminalChat, chat, plain_text

GETINVOLVED = Path(sys.executable).parent / "getinvolved"


def run_chat(db: Path, typed: str) -> tuple[int, str]:
    out = io.StringIO()
    status = chat(load_settings(db), stdin=io.StringIO(typed), stdout=out)
    return status, out.getvalue()


def run_piped(db: Path, typed: bytes, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(GETINVOLVED), "chat", "--db", str(db)], input=typed, capture_output=True,
                          timeout=timeout, env={**os.environ, "TELEGRAM_BOT_TOKEN": ""})


# -- rendering ----------------------------------------------------------------------------------

def test_plain_text_removes_tags_and_decodes_entities() -> None:
    assert plain_text("<b>Bees &amp; &lt;honey&gt;</b> <i>it&#x27;s &quot;fine&quot;</i>") == 'Bees & <honey> it\'s "fine"'


def test_plain_text_shows_links_as_label_and_url() -> None:
    assert plain_text('Apply <a href="https://x.org/a?b=1&amp;c=2">here</a>.') == "Apply here: https://x.org/a?b=1&c=2."


def test_choices_are_numbered_and_links_spelled_out(tmp_path: Path) -> None:
    status, out = run_chat(tmp_path / "t.db", "")
    assert status == 0
    assert "[1] Nature and green spaces" in out
    assert "<b>" not in out


# -- in-process ---------------------------------------------------------------------------------

def test_chat_starts_with_the_start_questions(tmp_path: Path) -> None:
    _, out = run_chat(tmp_path / "t.db", "")
    assert "Get Involved" in out
    assert "What are you passionate about" in out


def test_chat_fills_an_empty_database_from_the_seed(tmp_path: Path) -> None:
    run_chat(tmp_path / "t.db", "")
    store = Store(tmp_path / "t.db")
    assert store.count_opportunities() > 100
    store.close()


def test_typing_a_number_presses_that_button(tmp_path: Path) -> None:
    run_chat(tmp_path / "t.db", "2\n")
    store = Store(tmp_path / "t.db")
    assert "animals" in store.get_resident(RESIDENT_ID)["passions"]
    store.close()


def test_a_number_with_no_such_choice_is_read_as_text(tmp_path: Path) -> None:
    _, out = run_chat(tmp_path / "t.db", "gardening\n1\nNG7\n99\n")
    assert "Pick one or more from the list" in out


def test_commands_are_typed_with_a_slash(tmp_path: Path) -> None:
    _, out = run_chat(tmp_path / "t.db", "/postcode NG7\n/mydata\n")
    assert "Where you are: NG7" in out


def test_a_whole_conversation_reaches_matches(tmp_path: Path) -> None:
    _, out = run_chat(tmp_path / "t.db", "I love gardening\nskip\nNG7 2RD\nweekends\n")
    assert "things you could do near NG7" in out or "thing you could do near NG7" in out
    assert "Apply or find out more: https://" in out
    assert "More like this" in out


def test_quit_leaves(tmp_path: Path) -> None:
    status, out = run_chat(tmp_path / "t.db", "/quit\ngardening\n")
    assert status == 0
    assert "good at" not in out


def test_ctrl_c_leaves_cleanly(tmp_path: Path) -> None:
    class Interrupted(io.StringIO):
        def readline(self, *args: object) -> str:
            raise KeyboardInterrupt

    out = io.StringIO()
    assert chat(load_settings(tmp_path / "t.db"), stdin=Interrupted(), stdout=out) == 130


def test_an_unopenable_database_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "dir.db").mkdir()
    status, _ = run_chat(tmp_path / "dir.db", "")
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("getinvolved: Cannot open the database") and err.count("\n") == 1


def test_incoming_is_built_from_typed_lines(seeded_store: Store) -> None:
    from bot.conversation import Conversation

    session = TerminalChat(Conversation(seeded_store), io.StringIO(), io.StringIO())
    session.choices = ["pas:animals"]
    assert session.incoming("1").choice == "pas:animals"
    assert session.incoming("2").text == "2"
    assert session.incoming("/search@GetInvolvedBot dog walking").command == "search"
    assert session.incoming("/search dog walking").text == "dog walking"
    assert session.incoming("/ hello").kind == "text"


# -- through a pipe -----------------------------------------------------------------------------

def test_piped_conversation_works_without_a_tty(tmp_path: Path) -> None:
    done = run_piped(tmp_path / "t.db", "I love gardening\nskip\nNG7\n7\n/mydata\n/forget\n".encode())
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "Apply or find out more: https://" in out
    assert "deleted everything" in out
    assert done.stderr == b""


def test_piped_bad_input_never_crashes(tmp_path: Path) -> None:
    typed = b"\xff\xfe broken bytes\n\xf0\x9f\x90\x9d\xf0\x9f\x90\x9d\n" + b"x" * 100_000 + b"\n/postcode ???\n/nope\n/\n0\n-1\n"
    done = run_piped(tmp_path / "t.db", typed)
    assert done.returncode == 0
    assert b"Traceback" not in done.stderr
    assert b"only understand words" in done.stdout
    assert b"don't know /nope" in done.stdout


def test_piped_chat_stops_at_end_of_input(tmp_path: Path) -> None:
    done = run_piped(tmp_path / "t.db", b"", timeout=30)
    assert done.returncode == 0
    assert b"passionate about" in done.stdout


def test_interrupt_leaves_without_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.Popen([str(GETINVOLVED), "chat", "--db", str(tmp_path / "t.db")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "TELEGRAM_BOT_TOKEN": ""})
    assert proc.stdout is not None
    proc.stdout.readline()  # the chat is up once it has printed its first line
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"Traceback" not in err


def test_a_broadcast_is_previewed_and_queued_but_sent_from_telegram_or_the_shell(tmp_path: Path) -> None:
    from fixtures.broadcast.kit import add_opportunity, add_subscriber

    db = tmp_path / "t.db"
    store = Store(db)
    add_opportunity(store)
    add_subscriber(store, 1, passions="gardening, vegetables")
    store.close()
    status, out = run_chat(db, "/broadcast garden\n")
    assert status == 0 and "This will reach 1 resident." in out
    send = next(line for line in out.splitlines() if "] Send" in line).split("]")[0].split("[")[-1]
    status, out = run_chat(db, f"/broadcast garden\n{send}\n")
    assert "(Broadcasts are sent from Telegram, or with: getinvolved broadcast garden)" in out
    store = Store(db)
    try:
        assert [r["status"] for r in store.list_deliveries("broadcast:garden")] == ["pending"]
    finally:
        store.close()


def test_the_terminal_cannot_read_a_linked_page_and_says_so(tmp_path: Path) -> None:
    status, out = run_chat(tmp_path / "t.db", "/broadcast https://example.org/allotment\n")
    assert "The terminal chat can't read web pages. Paste the description instead" in out
