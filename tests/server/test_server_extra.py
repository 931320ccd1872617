"""The server's library is an optional extra: `check` never loads it, and its absence is explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign_lint.cli.entry import main
from tests.helpers import loaded_by_check, pretend_missing

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_without_pygls_the_command_says_how_to_install_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pretend_missing(monkeypatch, "pygls")
    assert main(["server"]) == 2
    error = capsys.readouterr().err
    assert "pip install 'campaign-lint[server]'" in error
    assert "Traceback" not in error


@pytest.mark.slow  # starts a Python
def test_check_loads_no_language_server_library() -> None:
    assert loaded_by_check(EXAMPLES, ("pygls", "lsprotocol")) == []
