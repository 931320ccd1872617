"""The console script, run for real through pipes: complete output, exit codes, a reader that stops early."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign_lint.cli import entry
from tests.cli.campaigns import SHIPPED
from tests.cli.snapshots import Cli
from tests.cli.test_replay import age

pytestmark = pytest.mark.slow  # each test starts a Python

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


def python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -c CODE`` in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=_buffered(), check=False
    )


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


def test_the_console_script_exits_normally(tmp_path: Path) -> None:
    """A plain exit: exit handlers run (coverage, profilers and debuggers write their results then)."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('exit handlers ran'))\n"
        "sys.argv = ['campaign-lint', '--version']\n"
        "from campaign_lint.cli.entry import run\n"
        "run()\n"
    )
    result = python(code, tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.endswith("exit handlers ran\n")


def _stop_reading_early(root: Path, *argv: str) -> tuple[int, str]:
    """Exit code and stderr of ``python -m campaign_lint ARGV`` read like ``| head -c 10``."""
    with subprocess.Popen(
        [sys.executable, "-m", "campaign_lint", *argv],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_buffered(),
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = os.read(process.stdout.fileno(), 10)
        process.stdout.close()  # like `| head -c 10`
        errors = process.stderr.read().decode()
        assert first.startswith(b"{"), errors
        return process.wait(), errors


def test_a_reader_that_stops_early_leaves_exit_0_and_no_noise(big: Cli) -> None:
    assert _stop_reading_early(big.root, "check", "--no-cache", "--format", "json") == (0, "")
    age(big.root)
    console(big.root, "check", "--format", "json")  # recorded: the next run is replayed
    assert _stop_reading_early(big.root, "check", "--format", "json") == (0, "")


def test_what_stdout_still_holds_for_a_gone_reader_is_dropped(tmp_path: Path) -> None:
    """Flushed again at exit, it would fail again: `Exception ignored ... BrokenPipeError`, exit 120.

    Whether that happens in a real `| head` depends on when the reader goes;
    here stdout is a pipe without a reader from the start.
    """
    code = (
        "import os, sys\n"
        "read, write = os.pipe()\n"
        "os.dup2(write, sys.stdout.fileno())\n"
        "os.close(read)\n"
        "from campaign_lint.cli.guard import guarded\n"
        "def run():\n"
        "    sys.stdout.write('x' * 100)\n"
        "    sys.stdout.flush()\n"
        "sys.exit(guarded(run))\n"
    )
    result = python(code, tmp_path)
    assert (result.returncode, result.stderr) == (0, "")


def test_a_check_makes_no_last_pass_of_the_cyclic_collector(big: Cli) -> None:
    """The console script's check ends without a pass over everything it built (a process about to exit)."""
    passes: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    collecting = gc.isenabled()
    gc.callbacks.append(counted)
    try:
        assert entry.main(["check", "--no-cache", "--format", "json", "--output", os.devnull]) == 1
        assert passes == []
    finally:
        gc.callbacks.remove(counted)
        if collecting:
            gc.enable()
