"""Fixtures of the policy tests: a temporary repository and the CLI run in-process inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.snapshots import Cli


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """An empty repository (``.git`` stops the policy search) that is the working directory."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("CAMPAIGN_LINT_DEBUG", "")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return Cli(root, capsys)
