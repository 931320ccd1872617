"""The console script ends without freeing what the run built: nothing it writes is lost on the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign_lint.cli import entry, leaving
from tests.cli.campaigns import SHIPPED
from tests.cli.snapshots import Cli
from tests.cli.test_replay import age

# 400 campaigns, each with findings: a JSON report of several hundred KiB,
# more than a pipe holds, so the last of it is written while the reader reads.
MANY = 400


@pytest.fixture
def big(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    files = {"campaign-lint.yaml": 'extends: recommended\ncampaigns: ["campaigns/*.yaml"]\n'}
    for number in range(MANY):
        files[f"campaigns/c{number:03}.yaml"] = SHIPPED.replace(
            "review-on-shipment", f"review-on-shipment-{number}"
        )
    cli.write(files)
    return cli


def _buffered() -> dict[str, str]:
    """The environment, with the standard streams buffered as they are by default (this workplace unbuffers them)."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def console(root: Path, *argv: str, python: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the console script's code (``python -m campaign_lint``) in ``root``."""
    return subprocess.run(
        [sys.executable, *(python or []), "-m", "campaign_lint", *argv],
        cwd=root,
        capture_output=True,
        text=True,
        env=_buffered(),
        check=False,
    )


def test_stdout_is_complete_and_the_exit_code_kept(big: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--no-cache", "--format", "json"]
    assert entry.main(argv) == 1
    expected = json.loads(capsys.readouterr().out)
    result = console(big.root, *argv)
    assert result.returncode == 1
    assert result.stderr == ""
    report = json.loads(result.stdout)  # the whole document: a cut-off report does not parse
    assert len(report["findings"]) == len(expected["findings"]) >= MANY
    assert report["findings"] == expected["findings"]


def test_reports_written_to_files_are_complete(big: Cli) -> None:
    result = console(
        big.root, "check", "--format", "json", "-o", "out.json", "--format", "sarif", "-o", "out.sarif"
    )
    assert result.returncode == 1
    findings = json.loads((big.root / "out.json").read_text("utf-8"))["findings"]
    sarif = json.loads((big.root / "out.sarif").read_text("utf-8"))
    assert len(sarif["runs"][0]["results"]) == len(findings) >= MANY


def test_a_replayed_run_is_complete_too(big: Cli) -> None:
    age(big.root)
    first = console(big.root, "check", "--format", "json")
    # -X importtime lists every import on stderr: a replayed run imports no YAML parser.
    again = console(big.root, "check", "--format", "json", python=["-X", "importtime"])
    assert " yaml" not in again.stderr
    assert "campaign_lint.cli.replay" in again.stderr
    assert again.returncode == first.returncode == 1
    assert json.loads(again.stdout)["findings"] == json.loads(first.stdout)["findings"]
    assert len(json.loads(again.stdout)["findings"]) >= MANY


def test_stderr_is_flushed_before_the_end(big: Cli) -> None:
    result = console(big.root, "check", "--no-cache", "--today", "tomorrow")
    assert result.returncode == 2
    assert "--today" in result.stderr


def test_a_reader_that_stops_early_leaves_exit_0_and_no_noise(big: Cli) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "campaign_lint", "check", "--no-cache", "--format", "json"],
        cwd=big.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_buffered(),
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline().startswith(b"{")
        process.stdout.close()  # like `| head -1`
        errors = process.stderr.read().decode()
        code = process.wait()
    assert code == 0
    assert errors == ""


def test_in_process_callers_keep_nothing(big: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the console script holds a run's objects until the end; tests and other tools do not."""
    assert entry.main(["check", "--no-cache"]) == 1
    assert entry.main(["check"]) == 1
    assert entry.main(["check"]) == 1  # answered from the replay record
    capsys.readouterr()
    assert leaving._held == []
    leaving.hold(object())
    assert leaving._held == []


def _probe(code: str, *argv: str) -> subprocess.Popen[bytes]:
    """Python running ``code`` after importing ``leave``."""
    return subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom campaign_lint.cli.leaving import leave\n" + code, *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_buffered(),
    )


def test_leave_flushes_what_is_still_buffered() -> None:
    with _probe("sys.stdout.write('x' * 100)\nsys.stderr.write('no newline')\nleave(3)\n") as process:
        out, err = process.communicate()
    assert (process.returncode, out, err) == (3, b"x" * 100, b"no newline")


def test_leave_after_the_reader_has_gone_exits_0() -> None:
    with _probe("sys.stdin.readline()\nsys.stdout.write('x' * 100)\nleave(1)\n") as process:
        assert process.stdout is not None
        assert process.stdin is not None
        assert process.stderr is not None
        process.stdout.close()  # the reader stops before the buffered text is flushed
        process.stdin.write(b"go\n")
        process.stdin.close()
        errors = process.stderr.read()
        code = process.wait()
    assert (code, errors) == (0, b"")


def test_leave_exits_normally_under_a_profiler_or_tracer() -> None:
    """Coverage, debuggers and cProfile write their results at exit: leave() lets them."""
    code = (
        "import atexit\n"
        "atexit.register(lambda: print('exit handlers ran'))\n"
        "if len(sys.argv) > 1:\n"
        "    getattr(sys, sys.argv[1])(lambda *args: None)\n"
        "leave(4)\n"
    )
    outcomes = {}
    for hook in (None, "setprofile", "settrace"):
        argv = [] if hook is None else [hook]
        with _probe(code, *argv) as process:
            out, _ = process.communicate()
        outcomes[hook] = (process.returncode, out)
    assert outcomes == {
        None: (4, b""),
        "setprofile": (4, b"exit handlers ran\n"),
        "settrace": (4, b"exit handlers ran\n"),
    }
