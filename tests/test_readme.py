"""README opens with the two set-up commands, and CI runs the README's own test command."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_readme_opens_with_a_run_command_and_a_test_command():
    run, test = readme_commands()[:2]
    assert run.endswith("getinvolved") and "pytest" in test


def test_ci_runs_the_readme_test_command():
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text().splitlines()
