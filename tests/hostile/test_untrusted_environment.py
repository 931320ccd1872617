"""The user's environment at fault is exit 2, never "a bug": a full disk, an absurd --jobs."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign_lint.cli.guard import guarded
from campaign_lint.cli.values import JOBS_PER_CORE, available_cores, worker_count


def _raise(error: OSError) -> int:
    raise error


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG])
def test_a_full_disk_or_broken_device_is_the_users_to_fix(
    code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert guarded(lambda: _raise(OSError(code, os.strerror(code)))) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("campaign-lint: error: cannot write")
    assert os.strerror(code) in err


def test_another_os_error_is_still_a_bug(capsys: pytest.CaptureFixture[str]) -> None:
    assert guarded(lambda: _raise(FileNotFoundError(errno.ENOENT, "gone"))) == 3
    assert "This is a bug in campaign-lint" in capsys.readouterr().err


def test_jobs_are_capped_per_core() -> None:
    cores = available_cores()
    assert worker_count(100_000) == JOBS_PER_CORE * cores
    assert worker_count(0) == cores
    assert worker_count(1) == 1


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux) to fill stdout")
@pytest.mark.parametrize("argv", [["rules"], ["explain", "TIM001"], ["schema", "campaign"], ["--version"]])
def test_every_command_writing_to_a_full_stdout_exits_2(argv: list[str]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(
            [sys.executable, "-m", "campaign_lint", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=60,
        )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_linted_not_a_crash(tmp_path: Path) -> None:
    from campaign_lint.lint.config import load_settings
    from campaign_lint.lint.session import Session

    (tmp_path / ".git").mkdir()
    (tmp_path / "campaigns").mkdir()
    name = os.fsencode(tmp_path / "campaigns") + b"/bad\xff.yaml"
    with open(name, "wb") as handle:
        handle.write(b"version: 1\nid: [unclosed\n")
    settings = load_settings(None, tmp_path, today=None)
    report = Session(settings).lint([tmp_path / "campaigns"])
    assert [finding.rule for finding in report.findings] == ["SPEC001"]
    assert report.findings[0].path.endswith("bad\udcff.yaml")
