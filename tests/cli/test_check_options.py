"""`check`'s options are declared once (cli/checkoptions.py): typer and the fast reading read them alike."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from campaign_lint.cli import app, entry
from campaign_lint.cli import check as check_command
from campaign_lint.cli.checkoptions import CheckOptions, declared, parse
from tests.cli.snapshots import Cli

# Every option, in every form the fast reading understands.
UNDERSTOOD = [
    ["check"],
    ["check", "a.yaml", "campaigns"],
    ["check", "--format", "json", "--format", "sarif", "--output", "out.json", "-o", "out.sarif"],
    ["check", "-f", "json", "--output=out.json", "--format=text", "-f", "github"],
    ["check", "-j", "2"],
    ["check", "--jobs=0"],
    ["check", "--jobs", "007"],
    ["check", "--select", "a,b", "--ignore", "SPEC003", "--select=TIM", "--ignore=FRQ,VAL001"],
    ["check", "--", "-b.yaml", "--format"],
    ["check", "x.yaml", "--", "y.yaml"],
    ["check", "a.yaml", "-f", "json", "b.yaml", "-q"],
    ["check", "-c", "policy.yaml", "--today", "2026-01-01", "--fail-on", "warning"],
    ["check", "--config=./p.yaml", "--today=2026-01-01", "--fail-on=error"],
    ["check", "-q", "--quiet", "--show-suppressed", "--force-exclude", "--no-cache", "--show-policy"],
    ["check", "--changed-since", "HEAD~1", "--baseline", "b.json"],
    ["check", "--fix", "--unsafe-fixes", "--diff"],
    ["check", "--changed-since=main", "--baseline=dir/b.json", "--output=a=b.txt"],
    ["check", "--format", "yaml", "--fail-on", "fatal", "--today", "tomorrow"],  # judged later, alike
    ["--debug", "check", "a.yaml"],
    ["check", "-", "--stdin-filename", "campaigns/a.yaml", "--staged"],
    ["check", "--stdin-filename=a.yaml", "-"],
]
# What it leaves to typer: forms it does not read, values typer judges, other commands.
LEFT_TO_TYPER = [
    ["check", "-qf", "json"],
    ["check", "-fjson"],
    ["check", "--fail-on", "error", "--fail-on", "warning"],
    ["check", "--jobs", "-1"],
    ["check", "--jobs", "many"],
    ["check", "--jobs", "+3"],
    ["check", "--format"],
    ["check", "--format="],
    ["check", "--quiet=yes"],
    ["check", "--form", "json"],
    ["check", "--debug"],
    ["--debug", "--debug", "check"],
    ["rules"],
    ["--version"],
    [],
]


@pytest.fixture
def seen(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[CheckOptions]:
    """The options each `check` run is given, instead of running it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    given: list[CheckOptions] = []

    def record(options: CheckOptions) -> int:
        given.append(options)
        return 0

    monkeypatch.setattr(check_command, "run_check", record)
    return given


def typer_reads(argv: list[str], seen: list[CheckOptions]) -> CheckOptions:
    seen.clear()
    assert app.main(argv) == 0
    (options,) = seen
    return options


@pytest.mark.parametrize("argv", UNDERSTOOD, ids=" ".join)
def test_both_readings_give_the_same_options(argv: list[str], seen: list[CheckOptions]) -> None:
    command = parse(argv)
    assert command is not None
    assert command.options == typer_reads(argv, seen)
    assert command.debug == (argv[0] == "--debug")


def test_the_lines_cover_every_option_and_name() -> None:
    written = {word.partition("=")[0] for argv in UNDERSTOOD for word in argv}
    names = {
        name
        for item in dataclasses.fields(CheckOptions)
        if "option" in item.metadata
        for name in declared(item.name).names
    }
    assert names <= written


def test_what_the_fast_reading_gives() -> None:
    command = parse(
        ["check", "a.yaml", "-f", "json", "--output=out.json", "--select=TIM", "-j", "2", "--", "-b"]
    )
    assert command is not None
    assert command.options == CheckOptions(
        paths=(Path("a.yaml"), Path("-b")),
        formats=("json",),
        outputs=(Path("out.json"),),
        select=("TIM",),
        jobs=2,
    )


@pytest.mark.parametrize("argv", LEFT_TO_TYPER, ids=lambda argv: " ".join(argv) or "(nothing)")
def test_what_the_fast_reading_does_not_understand_goes_to_typer(
    argv: list[str], seen: list[CheckOptions], capsys: pytest.CaptureFixture[str]
) -> None:
    assert parse(argv) is None
    answers = []
    for main in (entry.main, app.main):
        seen.clear()
        code = main(argv)
        out, err = capsys.readouterr()
        answers.append((code, list(seen), out, err))
    assert answers[0] == answers[1]


def test_the_replay_key_is_of_the_options_that_change_results() -> None:
    plain = CheckOptions()
    assert plain.replay_key() == CheckOptions(formats=("json",), quiet=True, jobs=3).replay_key()
    for changed in (
        CheckOptions(config=Path("p.yaml")),
        CheckOptions(select=("TIM",)),
        CheckOptions(ignore=("TIM",)),
        CheckOptions(today="2026-01-01"),
        CheckOptions(fail_on="warning"),
    ):
        assert changed.replay_key() != plain.replay_key()


@pytest.mark.parametrize(
    "options",
    [
        CheckOptions(no_cache=True),
        CheckOptions(show_policy=True),
        CheckOptions(changed_since="HEAD"),
        CheckOptions(baseline=Path("b.json")),
    ],
)
def test_options_never_replayed(options: CheckOptions) -> None:
    assert not options.replayable()
    assert CheckOptions(force_exclude=True, show_suppressed=True).replayable()
