"""``python -m campaign_lint`` and the installed ``campaign-lint`` script, run for real."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from campaign_lint import __version__
from tests.cli import campaigns
from tests.external import require_tool

pytestmark = pytest.mark.slow  # each test starts a Python


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_python_m_version(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "campaign_lint", "--version"], tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"campaign-lint {__version__}\n", "")


def test_python_m_check(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "review-on-shipment.yaml").write_text(campaigns.SHIPPED, encoding="utf-8")
    result = run([sys.executable, "-m", "campaign_lint", "check", "campaigns"], tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.startswith("campaigns/review-on-shipment.yaml:15:10: TIM001 [error] ")
    assert "\x1b[" not in result.stdout  # a pipe is not a terminal


def test_console_script(tmp_path: Path) -> None:
    script = require_tool(
        "campaign-lint",
        "the test runs the installed console script",
        "install the project into this Python: `make test` does, or `pip install -e '.[dev]'`",
        path=str(Path(sys.executable).parent),
    )
    result = run([script, "check", "no-such-folder"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "campaign-lint: error: no-such-folder: no such file or directory\n"
