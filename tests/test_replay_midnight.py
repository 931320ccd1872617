"""A patch never mixes two days: the record's controls were judged on its day, the edited file's on the run's.

A run after an edit is patched from the replay record only when the record is
of today (``cli/replay.py``); the settings that judge the edited files are
made a moment later (``cli/check.check_settings``). Across midnight the two
can be of different days: an exception that expired at midnight still waives
in every file the record answers for, and no longer in the edited ones. Such
a patch would answer what neither day's ``--no-cache`` gives: the full run
answers instead, on the settings' day.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from campaign_lint.cli import replay as cli_replay
from campaign_lint.lint import config
from tests.cli.snapshots import Cli
from tests.test_incremental import portfolio_files
from tests.test_replay_patch import (
    OTHER,
    PLAIN,
    Patches,
    _comment,
    _edit,
    _fill,
    _no_metrics,
    _same,
    written,
)

ARGV = ("--format", "json", "--show-suppressed")
# Waives OTHER's MET001 (its success metrics taken out) up to the last day before midnight.
EXPIRING = """\
  - rule: MET001
    campaigns: ["c-09"]
    reason: Measured by the finance team until the rebrand (MKT-9).
    expires: 2026-12-02
"""


def _day(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """The day the settings are made on (``config.date.today``)."""

    class Fixed(date):
        @classmethod
        def today(cls) -> Fixed:
            return cls(day.year, day.month, day.day)

    monkeypatch.setattr(config, "date", Fixed)


@pytest.fixture
def patches(
    cli: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Patches:
    """The generated portfolio with OTHER's MET001 waived by an exception that expires on 2 December."""
    files = portfolio_files(5)
    files["campaign-lint.yaml"] += EXPIRING
    files[OTHER] = _no_metrics(files[OTHER])
    return written(files, cli, capsys, monkeypatch, tmp_path)


def test_a_record_of_yesterday_is_not_patched_with_the_settings_of_today(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The record is of 2 December, and the run after the edit checks it still is (just before midnight)...
    monkeypatch.setattr(cli_replay, "today_text", lambda: "2026-12-02")
    _day(monkeypatch, date(2026, 12, 2))
    filled = _fill(patches, ARGV)
    assert '"reason": "exception until 2026-12-02' in filled.stdout
    _edit(patches.cli.root, PLAIN, _comment)
    # ... and makes its settings just after: the exception expired.
    _day(monkeypatch, date(2026, 12, 3))
    warm, how = patches.answer(*ARGV)
    cold, _ = patches.answer("--no-cache", *ARGV)
    assert '"reason": "exception until' not in cold.stdout
    _same(cold, warm)
    assert how == "linted"


def test_a_record_of_an_explicit_day_is_still_patched(patches: Patches) -> None:
    """With ``--today`` the record's day is the one asked for, whatever the clock says: the edit is patched."""
    argv = ("--today", "2026-12-02", *ARGV)
    _fill(patches, argv)
    _edit(patches.cli.root, PLAIN, _comment)
    warm, how = patches.answer(*argv)
    cold, _ = patches.answer("--no-cache", *argv)
    assert '"reason": "exception until 2026-12-02' in cold.stdout
    _same(cold, warm)
    assert how == "patched"
