"""Snapshot tests of the command line: exit code, stdout and stderr together.

A test runs ``campaign-lint`` in-process (``campaign_lint.cli.app.main``) in a
temporary working directory and compares the run with the committed file
``snapshots/<name>.txt``. ``UPDATE_SNAPSHOTS=1 pytest tests/cli`` rewrites the
files (review the diff before committing); without it a missing or different
snapshot fails the test.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from campaign_lint import __version__
from campaign_lint.cli import entry
from campaign_lint.cli.app import main

SNAPSHOTS = Path(__file__).parent / "snapshots"
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# The only parts of the output that change from run to run (or release to release).
_TEXT_SECONDS = re.compile(r"\(\d+\.\d+s\)\.$", re.MULTILINE)
_JSON_SECONDS = re.compile(r'"seconds": [0-9.eE+-]+')


@dataclass(frozen=True, slots=True)
class Run:
    """One run of the command line."""

    argv: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    root: Path

    def render(self) -> str:
        """The snapshot text: command, exit code, stdout and stderr, normalised."""
        return (
            f"$ campaign-lint {' '.join(self.argv)}\n"
            f"exit code: {self.exit_code}\n"
            f"----- stdout -----\n{_section(self.stdout)}"
            f"----- stderr -----\n{_section(self.stderr)}"
        )

    def normalised(self, text: str) -> str:
        """``text`` without the run's timing, version and temporary folder."""
        text = _TEXT_SECONDS.sub("(<seconds>s).", text)
        text = _JSON_SECONDS.sub('"seconds": <seconds>', text)
        text = text.replace(f'"version": "{__version__}"', '"version": "<version>"')
        text = text.replace(f"campaign-lint {__version__}", "campaign-lint <version>")
        return text.replace(str(self.root), "<tmp>")


class InProcess:
    """Runs the console script's ``main`` in-process and tells whether it did the work or replayed.

    The work is ``owner.name`` (a function or method), counted each time it is called.
    """

    def __init__(
        self,
        cli: Cli,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        owner: object,
        name: str,
    ) -> None:
        self.cli = cli
        self.capsys = capsys
        self.calls = 0
        real = getattr(owner, name)

        def counting(*args: object, **kwargs: object) -> object:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)

    def run(self, *argv: str) -> tuple[Run, bool]:
        """The run, and whether it was replayed (the work not called)."""
        before = self.calls
        self.capsys.readouterr()
        code = entry.main(list(argv))
        out, err = self.capsys.readouterr()
        return Run(tuple(argv), code, out, err, self.cli.root), self.calls == before


def _section(text: str) -> str:
    if not text:
        return "(empty)\n"
    return text if text.endswith("\n") else f"{text}\n(no newline at end)\n"


class Cli:
    """Runs ``campaign-lint`` in-process inside ``root`` (the working directory)."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self._capsys = capsys

    def write(self, files: Mapping[str, str]) -> None:
        """Write ``{relative path: text}`` under the working directory."""
        for name, text in files.items():
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def run(self, *argv: str) -> Run:
        """Run the command line with ``argv``; capture exit code, stdout and stderr."""
        self._capsys.readouterr()  # drop anything printed before the run
        exit_code = main(list(argv))
        out, err = self._capsys.readouterr()
        return Run(tuple(argv), exit_code, out, err, self.root)


def updating() -> bool:
    """Whether this session rewrites snapshot files (``UPDATE_SNAPSHOTS=1``)."""
    return os.environ.get("UPDATE_SNAPSHOTS", "") not in ("", "0")


def assert_snapshot(name: str, run: Run) -> None:
    """Fail unless ``run`` renders exactly as ``snapshots/<name>.txt``."""
    assert _NAME.match(name), f"snapshot name {name!r} is not kebab-case"
    path = SNAPSHOTS / f"{name}.txt"
    actual = run.normalised(run.render())
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not path.is_file():
        pytest.fail(
            f"snapshot {path.name} does not exist; run `UPDATE_SNAPSHOTS=1 pytest tests/cli` "
            "and review the new file",
            pytrace=False,
        )
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"snapshots/{path.name} (committed)",
            tofile="this run",
        )
        pytest.fail(
            "".join(diff) + "\nrun `UPDATE_SNAPSHOTS=1 pytest tests/cli` if the change is intended",
            pytrace=False,
        )
