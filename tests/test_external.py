"""The helper of external tests: a missing tool skips the test locally and fails it under CI=true."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.external import in_ci, index_url, require_index, require_module, require_tool

MISSING = "campaign-lint-test-no-such-tool"
WHY = "the test runs it"


@pytest.fixture
def local(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's run: CI is not set."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("", False), ("false", False), ("0", False)],
)
def test_ci_is_the_variable_ci_set_to_true(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected


@pytest.mark.usefixtures("local")
def test_a_missing_tool_skips_locally_and_says_what_why_and_how() -> None:
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_tool(MISSING, WHY, "install it from the moon")
    assert (
        str(skipped.value)
        == f"`{MISSING}` is not on PATH: {WHY}. To run this test, install it from the moon."
    )


@pytest.mark.usefixtures("ci")
def test_a_missing_tool_fails_under_ci() -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        require_tool(MISSING, WHY)
    assert f"`{MISSING}` is not on PATH: {WHY}. To run this test, install {MISSING}." in str(failed.value)
    assert "CI=true" in str(failed.value)


@pytest.mark.usefixtures("ci")
def test_a_tool_that_is_there_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = tmp_path / MISSING
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    assert require_tool(MISSING, WHY) == str(tool)
    assert require_tool(MISSING, WHY, path=str(tmp_path)) == str(tool)


@pytest.mark.usefixtures("local")
def test_a_tool_looked_for_in_a_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match=f"`{MISSING}` is not in {tmp_path}: "):
        require_tool(MISSING, WHY, path=str(tmp_path))


def test_a_missing_module_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    require_module("pytest", WHY)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(
        pytest.skip.Exception, match="the Python module `no_such_module_here` is not installed: "
    ):
        require_module("no_such_module_here", WHY)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="pip install -e"):
        require_module("no_such_module_here", WHY)


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_index_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/simple/"
    monkeypatch.setenv("PIP_INDEX_URL", url)
    monkeypatch.delenv("PIP_NO_INDEX", raising=False)
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=f"the package index {url} cannot be reached"):
        require_index(WHY, timeout=2)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="PIP_INDEX_URL"):
        require_index(WHY, timeout=2)


@pytest.mark.usefixtures("ci")
def test_an_index_on_disk_is_checked_without_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIP_NO_INDEX", raising=False)
    monkeypatch.setenv("PIP_INDEX_URL", tmp_path.as_uri())
    require_index(WHY)
    monkeypatch.setenv("PIP_INDEX_URL", (tmp_path / "gone").as_uri())
    with pytest.raises(pytest.fail.Exception, match="does not exist"):
        require_index(WHY)


@pytest.mark.usefixtures("ci")
def test_no_index_means_nothing_to_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:1/simple/")
    assert index_url() is None
    require_index(WHY)
    monkeypatch.delenv("PIP_NO_INDEX")
    monkeypatch.delenv("PIP_INDEX_URL")
    assert index_url() == "https://pypi.org/simple/"
