"""Fixtures shared by the test folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.snapshots import Cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """A working directory that is its own repository, and a runner inside it."""
    root = tmp_path / "repo"
    # `.git` stops the policy search here, so no policy file above tmp_path leaks in.
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    # Colour follows the terminal alone unless a test says otherwise (cli/writing.wants_color).
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    return Cli(root, capsys)
