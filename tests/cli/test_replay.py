"""The replay record: an unchanged `check` is answered without linting, and says exactly the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from campaign_lint.cli import replay as replay_cli
from campaign_lint.cli.checkoptions import CheckOptions, parse
from campaign_lint.lint import replay as records
from campaign_lint.lint.engine import Engine
from tests.cli.campaigns import DUPLICATE_ID, GOOD, SHIPPED
from tests.cli.snapshots import Cli, InProcess, Run

POLICY = 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'
PORTFOLIO = {
    "campaign-lint.yaml": POLICY,
    "campaigns/a-shipped.yaml": SHIPPED,
    "campaigns/b-duplicate.yaml": DUPLICATE_ID,
    "campaigns/c-good.yaml": GOOD,
}
RECORDS = Path(".campaign-lint-cache")


def age(root: Path) -> None:
    """Date every file a minute back: a file modified within the last moments is not trusted by time."""
    moment = time.time() - 60
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (moment, moment))


@pytest.fixture
def replays(
    cli: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> InProcess:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cli.write(PORTFOLIO)
    age(cli.root)
    return InProcess(cli, capsys, monkeypatch, Engine, "results")


def same(first: Run, second: Run) -> None:
    assert (second.exit_code, second.normalised(second.stdout), second.stderr) == (
        first.exit_code,
        first.normalised(first.stdout),
        first.stderr,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("check",),
        ("check", "--format", "json", "--show-suppressed"),
        ("check", "--format=sarif"),
        ("check", "-f", "junit", "-q"),
        ("check", "--format", "github", "--fail-on", "warning", "--jobs", "1"),
        ("check", "--format", "gitlab", "--select", "SPEC,TIM", "--ignore", "SPEC003"),
        ("check", "--today", "2026-01-01", "-c", "campaign-lint.yaml"),
        ("check", "campaigns/a-shipped.yaml"),
        ("check", "--force-exclude", "campaigns/c-good.yaml", "campaign-lint.yaml"),
        ("check", "--", "campaigns"),
    ],
)
def test_unchanged_run_is_replayed_with_the_same_answer(replays: InProcess, argv: tuple[str, ...]) -> None:
    first, replayed = replays.run(*argv)
    assert not replayed
    second, replayed = replays.run(*argv)
    assert replayed
    same(first, second)
    fresh, replayed = replays.run("check", "--no-cache", *argv[1:])
    assert not replayed
    same(first, fresh)


def test_the_record_of_the_whole_portfolio_answers_a_run_on_one_file(replays: InProcess) -> None:
    replays.run("check")
    narrowed, replayed = replays.run("check", "campaigns/b-duplicate.yaml")
    assert replayed
    full, replayed = replays.run("check", "--no-cache", "campaigns/b-duplicate.yaml")
    assert not replayed
    same(full, narrowed)
    assert "SPEC003" in narrowed.stdout  # the duplicate id is found with a campaign not named


@pytest.mark.parametrize(
    "change",
    [
        "edit a campaign",
        "edit the campaign named",
        "add a campaign",
        "delete a campaign",
        "edit the policy",
        "another day",
        "another option",
        "corrupt record",
    ],
)
def test_any_change_runs_the_linter_again(
    replays: InProcess, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = replays.cli.root
    replays.run("check", "--format", "json")
    argv: tuple[str, ...] = ("check", "--format", "json")
    if change in ("edit a campaign", "edit the campaign named"):
        # No campaign any more (a channel that is none): a patch of the record cannot take it in.
        (root / "campaigns/c-good.yaml").write_text(GOOD.replace("channel: email", "channel: fax"), "utf-8")
        if change == "edit the campaign named":
            argv = ("check", "--format", "json", "campaigns/c-good.yaml")
    elif change == "add a campaign":
        (root / "campaigns/d-new.yaml").write_text(GOOD.replace("review-after-delivery", "new-one"), "utf-8")
    elif change == "delete a campaign":
        (root / "campaigns/b-duplicate.yaml").unlink()
    elif change == "edit the policy":
        (root / "campaign-lint.yaml").write_text(POLICY + "fail_on: warning\n", "utf-8")
    elif change == "another day":
        monkeypatch.setattr(replay_cli, "today_text", lambda: "2099-01-01")
    elif change == "another option":
        argv = (*argv, "--ignore", "TIM001")
    else:
        for record in (root / RECORDS).glob("replay-*.bin"):
            record.write_bytes(record.read_bytes()[:-10] + b"0123456789")
    second, replayed = replays.run(*argv)
    assert not replayed
    fresh, _ = replays.run("check", "--no-cache", *argv[1:])
    same(fresh, second)


def test_same_content_with_a_new_time_is_still_unchanged(replays: InProcess) -> None:
    first, _ = replays.run("check")
    target = replays.cli.root / "campaigns/a-shipped.yaml"
    target.write_text(target.read_text("utf-8"), "utf-8")  # saved again, unchanged
    second, replayed = replays.run("check")
    assert replayed
    same(first, second)
    # The record now holds the new time, so the next run trusts the file by `stat` again.
    stamps = {stamp[0]: stamp for stamp in _only_record(replays.cli.root).stamps}
    assert stamps[str(target)][2] == target.stat().st_mtime_ns


def _after_the_record(root: Path, target: Path, text: str) -> None:
    """Write ``text`` to ``target``, modified after the replay record was written (both dated back)."""
    (record,) = (root / RECORDS).glob("replay-*.bin")
    now = time.time()
    os.utime(record, (now - 30, now - 30))
    target.write_text(text, "utf-8")
    os.utime(target, (now - 20, now - 20))


def test_a_named_campaign_whose_portfolio_facts_changed_is_patched_without_the_full_run(
    replays: InProcess,
) -> None:
    """The run after an edit a portfolio rule sees (a channel): the portfolio checked again (lint/recheck.py)."""
    replays.run("check")
    target = replays.cli.root / "campaigns/c-good.yaml"
    _after_the_record(replays.cli.root, target, GOOD.replace("channel: email", "channel: sms"))
    second, replayed = replays.run("check", "campaigns/c-good.yaml")
    assert replayed  # the engine's full run did not answer
    fresh, _ = replays.run("check", "--no-cache", "campaigns/c-good.yaml")
    same(fresh, second)
    third, replayed = replays.run("check", "campaigns/c-good.yaml")  # recorded again: answered
    assert replayed
    same(fresh, third)


def test_a_named_campaign_saved_again_unchanged_is_answered_with_the_same_answer(
    replays: InProcess,
) -> None:
    first, _ = replays.run("check", "campaigns/a-shipped.yaml")
    target = replays.cli.root / "campaigns/a-shipped.yaml"
    _after_the_record(replays.cli.root, target, target.read_text("utf-8"))
    second, replayed = replays.run("check", "campaigns/a-shipped.yaml")
    assert replayed
    same(first, second)


def _only_record(root: Path) -> records.Record:
    """The one replay record in ``root``'s cache folder (the key of a plain `check`)."""
    key = CheckOptions().replay_key()
    stored = records.load(root, key)
    assert stored is not None
    return stored.record


def test_no_cache_neither_writes_nor_reads_a_record(replays: InProcess) -> None:
    replays.run("check", "--no-cache")
    assert not list((replays.cli.root / RECORDS).glob("replay-*"))
    _, replayed = replays.run("check", "--no-cache")
    assert not replayed


def test_a_policy_saved_moments_ago_is_not_recorded(replays: InProcess) -> None:
    # It could have changed again after it was read, within the file system's time resolution.
    (replays.cli.root / "campaign-lint.yaml").write_text(POLICY, "utf-8")
    replays.run("check")
    assert not list((replays.cli.root / RECORDS).glob("replay-*"))


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--baseline", "baseline.json"],
        ["check", "--changed-since", "HEAD"],
        ["check", "--show-policy"],
        ["check", "--no-cache"],
    ],
)
def test_command_lines_that_are_never_replayed(argv: list[str]) -> None:
    command = parse(argv)
    assert command is not None
    assert not command.options.replayable()


def test_a_replay_that_fails_falls_back_to_the_full_run_and_says_why_under_debug(
    replays: InProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = replays.run("check")

    def broken(*args: object) -> None:
        raise RuntimeError("unreadable record")

    monkeypatch.setattr(replay_cli, "_answer", broken)
    quiet, replayed = replays.run("check")
    assert not replayed
    same(first, quiet)  # nothing said without --debug
    told, replayed = replays.run("--debug", "check")
    assert not replayed
    assert told.stderr == (
        "campaign-lint: debug: the replay failed (RuntimeError: unreadable record); running the full check\n"
    )
    assert (told.exit_code, told.normalised(told.stdout)) == (first.exit_code, first.normalised(first.stdout))


def test_invalid_values_are_reported_by_the_full_command(replays: InProcess) -> None:
    replays.run("check")
    for argv in (("check", "--format", "yaml"), ("check", "--jobs", "x"), ("check", "--fail-on", "fatal")):
        run, _ = replays.run(*argv)
        assert run.exit_code == 2
        assert run.stderr.startswith("campaign-lint: error:")


@pytest.mark.slow  # starts a Python
def test_a_replayed_run_loads_neither_the_models_nor_the_parser(replays: InProcess) -> None:
    replays.run("check", "--format", "json")
    probe = (
        "import json, sys\n"
        "from campaign_lint.cli.entry import main\n"
        "code = main(['check', '--format', 'json', '--output', 'report.json'])\n"
        "heavy = ('pydantic', 'typer', 'yaml', 'pathspec', 'campaign_lint.lint.engine', 'datetime', 'zoneinfo',\n"
        "         'campaign_lint.lint.zonefiles')\n"
        "print(json.dumps([code, sorted(m for m in heavy if m in sys.modules)]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=replays.cli.root,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(result.stdout) == [1, []]
    assert json.loads((replays.cli.root / "report.json").read_text("utf-8"))["summary"]["files"] == 3
