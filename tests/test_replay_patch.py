"""A run after a few edits answered by patching the replay record (lint/patching.py): as a run without a cache.

Each test fills the record with a whole run, edits campaign files, and runs
``check`` on the edited files (the pre-commit case run by hand) and on the
whole portfolio, through the console script's in-process ``main`` (which
tries the record first). It asserts which path answered: patched (no full
lint, ``patching.Patch`` patched the results) or the full run (an edit a
portfolio rule sees, a new or deleted file, ...), and that the output and exit
code are those of ``--no-cache``. The run after a patched one is answered
from the patched record, with the same answer again.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.lint import forking, patching, replaydelta, session, survey
from campaign_lint.lint import replay as records
from campaign_lint.lint.engine import Engine
from tests.cli.snapshots import Cli, InProcess, Run
from tests.test_incremental import portfolio_files

FORMATS = (("--format", "json", "--show-suppressed"), ("--show-suppressed",), ("--format", "sarif"), ())
# An exception to a rule of a file's own, used once success metrics are taken out of c-00 or c-09.
WAIVED = """\
  - rule: MET001
    campaigns: ["c-09", "c-00"]
    reason: Measured by the finance team (MKT-9).
    expires: 2099-12-31
"""
# Files of the generated portfolio: c-04 has a suppression comment, c-07 an exception (FRQ004).
PLAIN, COMMENTED, EXCEPTED, OTHER = (f"campaigns/team-{'ab'[i % 2]}/c-{i:02d}.yaml" for i in (0, 4, 7, 9))


class Patches(InProcess):
    """``InProcess`` that also counts the patches that answered."""

    def __init__(self, cli: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(cli, capsys, monkeypatch, Engine, "results")
        self.patched = 0
        real = patching.Patch.results

        def counting(patch: patching.Patch, *args: Any) -> Any:
            self.patched += 1
            return real(patch, *args)

        monkeypatch.setattr(patching.Patch, "results", counting)

    def answer(self, *argv: str) -> tuple[Run, str]:
        """The run of ``check argv`` and how it was answered: ``patched``, ``replayed`` or ``linted``."""
        before = self.patched
        run, replayed = self.run("check", *argv)
        how = "linted" if not replayed else "patched" if self.patched > before else "replayed"
        return run, how


@pytest.fixture
def patches(
    cli: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Patches:
    files = portfolio_files(5)
    files["campaign-lint.yaml"] += WAIVED
    return written(files, cli, capsys, monkeypatch, tmp_path)


def written(
    files: dict[str, str],
    cli: Cli,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Patches:
    """``files`` written two minutes back, with a user cache of the test's own: ready for patched runs."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cli.write(files)
    _age(cli.root, 120)
    return Patches(cli, capsys, monkeypatch)


def _age(root: Path, seconds: float) -> None:
    """Date every file ``seconds`` back (a file modified moments ago is trusted by content only)."""
    moment = time.time() - seconds
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (moment, moment))


def _edit(root: Path, name: str, change: Callable[[str], str]) -> None:
    path = root / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _cold(patches: Patches, argv: tuple[str, ...]) -> Run:
    run, how = patches.answer("--no-cache", *argv)
    assert how == "linted"
    return run


def _same(first: Run, second: Run) -> None:
    assert (second.exit_code, second.normalised(second.stdout), second.stderr) == (
        first.exit_code,
        first.normalised(first.stdout),
        first.stderr,
    )


def _answered(patches: Patches, argv: tuple[str, ...], expected: str) -> Run:
    """``check argv`` answered as ``expected``, as ``--no-cache`` answers; then replayed the same."""
    warm, how = patches.answer(*argv)
    cold = _cold(patches, argv)
    _same(cold, warm)
    assert how == expected
    again, how = patches.answer(*argv)
    assert how == "replayed"
    _same(cold, again)
    return warm


def _fill(patches: Patches, argv: tuple[str, ...]) -> Run:
    """The content cache filled, and the record of a warm run (a cold run's cannot be patched: see below)."""
    first, how = patches.answer(*argv)
    assert how == "linted"
    for record in (patches.cli.root / ".campaign-lint-cache").glob("replay-*.bin"):
        record.unlink()
    again, how = patches.answer(*argv)
    assert how == "linted"
    _same(first, again)
    return first


def test_the_record_of_a_cold_run_is_not_patched_but_the_next_is(patches: Patches) -> None:
    """A cold run passed every file through the controls: its record would be patched at the cost of a full run."""
    argv = ("--force-exclude", PLAIN)
    patches.answer(*argv)
    _edit(patches.cli.root, PLAIN, _comment)
    _answered(patches, argv, "linted")
    _edit(patches.cli.root, PLAIN, _comment)
    _answered(patches, argv, "patched")


def _comment(text: str) -> str:
    return text + "# reviewed again\n"


def _reworded(text: str) -> str:
    return text.replace("purpose: Tell customers about their order.", "purpose: Say where the order is.")


def _on_top(text: str) -> str:
    return "# moved down two lines\n# by a note\n" + text


def _unsuppressed(text: str) -> str:
    return re.sub(r"  # campaign-lint: disable=.*", "", text)


def _suppressed(text: str) -> str:
    return text.replace(
        "frequency:\n", "frequency:  # campaign-lint: disable=FRQ003 -- agreed with the council\n"
    )


def _no_metrics(text: str) -> str:
    """A finding of the file's own added: its success metrics are gone (no portfolio rule reads them)."""
    return re.sub(r"(?m)^success_metrics: .*\n", "", text)


EDITS = {
    "comment": _comment,
    "reworded purpose": _reworded,
    "lines added on top": _on_top,
    "suppression comment removed": _unsuppressed,
    "suppression comment added": _suppressed,
    "finding added": _no_metrics,
}


# Each edit, on the files it changes (only one has a suppression comment to remove).
CASES = [
    (edit, name)
    for edit in EDITS
    for name in (PLAIN, COMMENTED, EXCEPTED)
    if (name == COMMENTED) == (edit == "suppression comment removed") or not edit.startswith("suppression")
]


@pytest.mark.parametrize("argv", FORMATS)
@pytest.mark.parametrize(("edit", "name"), CASES)
def test_an_edit_no_portfolio_rule_sees_is_patched(
    patches: Patches, argv: tuple[str, ...], edit: str, name: str
) -> None:
    named = (*argv, "--force-exclude", name)
    _fill(patches, named)
    before = (patches.cli.root / name).read_text(encoding="utf-8")
    _edit(patches.cli.root, name, EDITS[edit])
    assert (patches.cli.root / name).read_text(encoding="utf-8") != before
    _answered(patches, named, "patched")
    _edit(patches.cli.root, name, _comment)  # a second edit patches the patched record
    _answered(patches, named, "patched")


def test_findings_added_then_removed_and_the_whole_portfolio(patches: Patches) -> None:
    argv = ("--format", "json", "--show-suppressed")
    first = _fill(patches, argv)
    root = patches.cli.root
    original = (root / OTHER).read_text(encoding="utf-8")
    _edit(root, OTHER, _no_metrics)
    added = _answered(patches, argv, "patched")
    assert added.stdout != first.stdout  # the edit changed what is reported
    (root / OTHER).write_text(original, encoding="utf-8")
    back = _answered(patches, argv, "patched")
    _same(first, back)


# In the generated portfolio, c-02 carries an FRQ003 finding whose related places include c-06 and c-14.
PORTFOLIO_SITES = tuple(f"campaigns/team-{'ab'[i % 2]}/c-{i:02d}.yaml" for i in (2, 6, 14))


@pytest.mark.parametrize("argv", FORMATS)
def test_portfolio_findings_move_with_lines_added_in_the_files_they_point_at(
    patches: Patches, argv: tuple[str, ...]
) -> None:
    """A finding of a portfolio rule, and its related places, re-positioned in the patched files."""
    first = _fill(patches, argv)
    root = patches.cli.root
    for name in PORTFOLIO_SITES:
        _edit(root, name, _on_top)
    moved = _answered(patches, argv, "patched")
    assert "FRQ003" in moved.stdout
    assert moved.stdout != first.stdout  # the lines the findings point at moved


def test_several_named_files_edited_at_once(patches: Patches) -> None:
    names = (PLAIN, COMMENTED, EXCEPTED, OTHER)
    argv = ("--force-exclude", *names)
    _fill(patches, argv)
    root = patches.cli.root
    for name, edit in zip(names, (_comment, _unsuppressed, _on_top, _no_metrics), strict=True):
        _edit(root, name, edit)
    _answered(patches, argv, "patched")


def _cap(text: str) -> str:
    return re.sub(r"(?m)^  max: \d+$", "  max: 9", text, count=1)


def _invalid(text: str) -> str:
    return text.replace("channel: ", "chanel: ")


@pytest.mark.parametrize(
    "change",
    ["made invalid", "file added", "file deleted", "policy edited", "nine files edited"],
)
def test_what_cannot_be_patched_is_linted_fully(patches: Patches, change: str) -> None:
    argv = ("--format", "json", "--show-suppressed")
    _fill(patches, argv)
    root = patches.cli.root
    if change == "made invalid":
        _edit(root, PLAIN, _invalid)
    elif change == "file added":
        (root / "campaigns/team-a/c-99.yaml").write_text(
            (root / PLAIN).read_text(encoding="utf-8").replace("id: c-00", "id: c-99"), encoding="utf-8"
        )
    elif change == "file deleted":
        (root / OTHER).unlink()
    elif change == "policy edited":
        _edit(root, "campaign-lint.yaml", lambda text: text + "fail_on: warning\n")
        moment = time.time() - 60  # a policy saved moments ago is not recorded (lint/replay.stamped)
        os.utime(root / "campaign-lint.yaml", (moment, moment))
    else:
        for index in range(9):
            _edit(root, f"campaigns/team-{'ab'[index % 2]}/c-{index:02d}.yaml", _comment)
    _answered(patches, argv, "linted")
    if change == "made invalid":  # invalid before the edit: linted fully too
        _edit(root, PLAIN, _comment)
        _answered(patches, argv, "linted")


def test_a_named_file_that_cannot_be_patched_falls_back_before_the_portfolio_is_looked_at(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edited file named on the command line is linted first: a file no longer valid stops there."""
    argv = ("--format", "json", "--force-exclude", PLAIN)
    _fill(patches, argv)
    looked: list[int] = []
    changes = records.Record.changes

    def spied(record: records.Record, *args: Any) -> Any:
        looked.append(len(record.files))
        return changes(record, *args)

    monkeypatch.setattr(records.Record, "changes", spied)
    _edit(patches.cli.root, PLAIN, _invalid)
    _answered(patches, argv, "linted")
    assert len(looked) == 1  # only the replayed run after it restats every file


def _files(root: Path) -> dict[str, bytes]:
    """The replay records and deltas in the cache folder, by name."""
    return {path.name: path.read_bytes() for path in (root / ".campaign-lint-cache").glob("replay-*.bin")}


def test_a_patch_is_written_as_a_delta_beside_its_record(patches: Patches) -> None:
    argv = ("--format", "json", "--force-exclude", PLAIN, OTHER)
    _fill(patches, argv)
    root = patches.cli.root
    (base,) = _files(root).items()
    for name, edit in ((PLAIN, _comment), (OTHER, _no_metrics), (PLAIN, _on_top)):
        _edit(root, name, edit)
        _answered(patches, argv, "patched")
        files = _files(root)
        assert files[base[0]] == base[1]  # the record itself is not written again...
        assert len(files) == 2  # ...its delta is
    _edit(root, PLAIN, _cap)  # the portfolio checked again: still a delta
    _answered(patches, argv, "patched")
    assert _files(root)[base[0]] == base[1]
    _edit(root, PLAIN, _invalid)  # a full run: a new record, the delta left stale
    _answered(patches, argv, "linted")
    assert _files(root)[base[0]] != base[1]
    _edit(root, OTHER, _comment)
    _answered(patches, argv, "patched")


def test_a_delta_grown_too_large_is_written_as_a_whole_record(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replaydelta, "MOST_CHANGES", 1)
    argv = ("--format", "json", "--show-suppressed")
    _fill(patches, argv)
    root = patches.cli.root
    before = _files(root)
    _edit(root, PLAIN, _comment)
    _answered(patches, argv, "patched")
    assert len(_files(root)) == 2
    _edit(root, OTHER, _comment)  # two stamps against the record: written whole
    _answered(patches, argv, "patched")
    after = _files(root)
    assert {name: after[name] == data for name, data in before.items()} == dict.fromkeys(before, False)
    _edit(root, EXCEPTED, _comment)
    _answered(patches, argv, "patched")


@pytest.mark.parametrize("idle", [True, False])
def test_the_survey_runs_apart_on_an_idle_machine_and_here_on_a_busy_one(
    patches: Patches, monkeypatch: pytest.MonkeyPatch, idle: bool
) -> None:
    argv = ("--format", "sarif", "--force-exclude", COMMENTED)
    _fill(patches, argv)
    monkeypatch.setattr(survey, "idle_core", lambda: idle)
    started: list[object] = []
    start = forking.start

    def spied(*args: Any, **kwargs: Any) -> Any:
        started.append(args[0])
        return start(*args, **kwargs)

    monkeypatch.setattr(forking, "start", spied)
    _edit(patches.cli.root, COMMENTED, _unsuppressed)
    _answered(patches, argv, "patched")
    assert (survey._surveying in started) is idle


def test_without_fork_the_survey_runs_in_the_process(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("--format", "sarif", "--force-exclude", COMMENTED)
    _fill(patches, argv)
    monkeypatch.setattr(survey, "idle_core", lambda: True)
    monkeypatch.delattr(os, "fork", raising=False)
    _edit(patches.cli.root, COMMENTED, _unsuppressed)
    _answered(patches, argv, "patched")


def test_a_survey_that_fails_leaves_the_answer_to_the_full_run(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("--format", "json", "--force-exclude", PLAIN)
    _fill(patches, argv)

    def failing(*args: object) -> object:
        raise OSError("the disk went away")

    monkeypatch.setattr(survey, "survey", failing)  # in the forked child too: it forks this process
    monkeypatch.setattr(survey, "idle_core", lambda: True)
    _edit(patches.cli.root, PLAIN, _comment)
    warm, how = patches.answer(*argv)
    assert how == "linted"
    _same(_cold(patches, argv), warm)


def test_policy_overrides_matched_by_edited_files_are_counted_as_a_full_run_counts_them(
    patches: Patches,
) -> None:
    """An ``overrides:`` entry used only by the edited file stays used (POL003 would say it is not)."""
    root = patches.cli.root
    _edit(root, "campaign-lint.yaml", lambda text: text + _OVERRIDES)
    _age(root, 120)
    argv = ("--format", "json", "--show-suppressed", "--force-exclude", PLAIN, OTHER)
    _fill(patches, argv)
    _edit(root, PLAIN, _no_metrics)
    _answered(patches, argv, "patched")
    _edit(root, OTHER, _no_metrics)
    _answered(patches, argv, "patched")


_OVERRIDES = """\
overrides:
  - files: ["campaigns/team-a/c-00.yaml"]
    rules: {MET001: off}
  - files: ["campaigns/team-b/*.yaml"]
    rules: {TIM004: info}
"""


def test_a_named_edit_that_falls_back_loads_the_policy_once(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The patch attempt's settings go on to the full run that answers (cli/check.check_settings)."""
    argv = ("--format", "json", "--force-exclude", PLAIN)
    _fill(patches, argv)
    _edit(patches.cli.root, PLAIN, _invalid)
    loads: list[tuple[object, ...]] = []
    real = session.settings_for

    def counting(*args: Any, **kwargs: Any) -> Any:
        loads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(session, "settings_for", counting)
    warm, how = patches.answer(*argv)
    assert how == "linted"
    assert len(loads) == 1
    _same(_cold(patches, argv), warm)
