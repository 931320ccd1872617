"""The habits of a command-line tool: plain --help, -V, shell completion, and colour as the environment says."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from campaign_lint import __version__
from campaign_lint.cli.app import app
from campaign_lint.cli.writing import wants_color
from tests.cli import campaigns
from tests.cli.snapshots import Cli

# What typer writes for a parameter's type: <bool>, <str>, <list[Path]>, <int range> [x>=0], <path>.
TYPE_NAME = re.compile(r"<[a-zA-Z]+(\[[^\]]*\])?( range)?>|\[x[<>]=?")


def commands(command: Any = None, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path of the command line: (), ("check",), ("cache", "clear"), ..."""
    command = command or typer.main.get_command(app)
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))


ALL = sorted(commands())


def test_every_command_is_listed() -> None:
    assert {("check",), ("baseline", "create"), ("cache", "clear"), ("test",)} <= set(ALL)


@pytest.mark.parametrize("path", ALL, ids=lambda path: " ".join(path) or "campaign-lint")
def test_help_shows_plain_metavars_and_no_type_names(cli: Cli, path: tuple[str, ...]) -> None:
    run = cli.run(*path, "--help")
    assert run.exit_code == 0, run.stderr
    assert "Usage: campaign-lint" in run.stdout
    assert TYPE_NAME.search(run.stdout) is None, run.stdout
    # -h is the help option everywhere, shown beside --help.
    assert re.search(r"--help +-h ", run.stdout), run.stdout


def test_the_type_name_pattern_finds_what_typer_writes(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above can fail: typer's own help, without plain_metavars, has type names."""
    monkeypatch.setattr("campaign_lint.cli.app.plain_metavars", lambda command: None)
    run = cli.run("check", "--help")
    found = set(TYPE_NAME.findall(run.stdout))
    assert TYPE_NAME.search(run.stdout) is not None, found
    assert "<bool>" in run.stdout


def test_check_help_shows_metavars_and_examples(cli: Cli) -> None:
    out = cli.run("check", "--help").stdout
    assert "Usage: campaign-lint check [OPTIONS] [PATHS]..." in out
    for option, metavar in [
        ("--config", "FILE"),
        ("--format", "FORMAT"),
        ("--output", "FILE"),
        ("--fail-on", "SEVERITY"),
        ("--select", "RULES"),
        ("--jobs", "N"),
        ("--today", "DATE"),
        ("--changed-since", "REF"),
    ]:
        assert re.search(rf"{option} .*\b{metavar}\b", out), option
    # A flag shows nothing between its names and its help.
    assert re.search(r"--quiet +-q +Print findings only", out)
    assert "Examples:" in out
    assert "  campaign-lint check -f sarif -o results.sarif -f text" in out


def test_a_range_left_out_of_the_help_is_still_enforced(cli: Cli) -> None:
    run = cli.run("check", "--jobs", "-1")
    assert run.exit_code == 2
    assert "--jobs" in run.stderr


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(cli: Cli, flag: str) -> None:
    run = cli.run(flag)
    assert (run.exit_code, run.stdout, run.stderr) == (0, f"campaign-lint {__version__}\n", "")


# --- colour ----------------------------------------------------------------------------------


class Stream(io.StringIO):
    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


@pytest.mark.parametrize(
    ("environment", "terminal", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # set but empty: ignored (no-color.org)
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, False, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "xterm-256color"}, True, True),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
    ],
)
def test_wants_color(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], terminal: bool, expected: bool
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert wants_color(Stream(terminal)) is expected


@pytest.fixture
def findings(cli: Cli) -> Cli:
    cli.write({"campaigns/review-on-shipment.yaml": campaigns.SHIPPED})
    return cli


def test_force_color_colours_a_pipe(findings: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "\x1b[" not in findings.run("check", "campaigns").stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    run = findings.run("check", "campaigns")
    assert run.exit_code == 1
    assert "\x1b[" in run.stdout
    # Never in a file.
    findings.run("check", "campaigns", "--output", "report.txt")
    assert "\x1b[" not in Path("report.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "value"), [("NO_COLOR", "1"), ("TERM", "dumb")])
def test_no_colour_on_a_terminal_with(
    findings: Cli, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert "\x1b[" in findings.run("check", "campaigns").stdout
    monkeypatch.setenv(name, value)
    assert "\x1b[" not in findings.run("check", "campaigns").stdout


def test_an_empty_no_color_is_ignored(findings: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "")
    assert "\x1b[" in findings.run("check", "campaigns").stdout


# --- shell completion ------------------------------------------------------------------------


def complete(root: Path, words: str) -> list[str]:
    """What bash completion offers after ``words`` (typer's protocol, as its bash script asks)."""
    env = {
        **os.environ,
        "_CAMPAIGN_LINT_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = subprocess.run(
        [sys.executable, "-m", "campaign_lint"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.slow
def test_completion_offers_commands_and_options(cli: Cli) -> None:
    assert "check" in complete(cli.root, "campaign-lint ch")
    assert set(complete(cli.root, "campaign-lint check --f")) >= {"--format", "--fail-on", "--force-exclude"}


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_the_script(cli: Cli, shell: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "campaign_lint", "--show-completion", shell],
        cwd=cli.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "_CAMPAIGN_LINT_COMPLETE" in result.stdout
