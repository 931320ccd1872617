"""Common `check` command lines run without typer: the same answers as the full command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign_lint.cli import app, entry
from campaign_lint.lint.engine import Engine
from tests.cli.campaigns import DUPLICATE_ID, GOOD, SHIPPED
from tests.cli.snapshots import Cli, Run

PORTFOLIO = {
    "campaign-lint.yaml": 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n',
    "campaigns/a-shipped.yaml": SHIPPED,
    "campaigns/b-duplicate.yaml": DUPLICATE_ID,
    "campaigns/c-good.yaml": GOOD,
}


@pytest.fixture
def repo(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cli.write(PORTFOLIO)  # just written: no run is recorded for replay, so both paths lint
    return cli


def both(cli: Cli, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[Run, Run]:
    """The run through the console script's own reading, then through typer."""
    runs = []
    for main in (entry.main, app.main):
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        written = sorted(p.name for p in cli.root.glob("out.*"))
        runs.append(Run(tuple(argv), code, out + "".join(written), err, cli.root))
    return runs[0], runs[1]


@pytest.mark.parametrize(
    "argv",
    [
        ("check",),
        ("check", "--format", "json", "--show-suppressed"),
        ("check", "-q", "campaigns/a-shipped.yaml"),
        ("check", "--no-cache", "--jobs", "1", "--fail-on", "warning"),
        ("check", "--force-exclude", "campaigns/c-good.yaml", "README.md"),
        ("check", "--show-policy"),
        ("check", "--select", "SPEC", "--ignore", "SPEC003", "--today", "2026-01-01"),
        ("check", "--format", "yaml"),
        ("check", "--format", "json", "--format", "text"),
        ("check", "--fail-on", "fatal"),
        ("check", "--today", "tomorrow"),
        ("check", "missing.yaml"),
        ("check", "--config", "nope.yaml"),
        ("check", "--baseline", "nope.json"),
        ("check", "--select", "NOPE001"),
        ("check", "--changed-since", "no-such-ref"),
    ],
)
def test_same_answer_as_the_full_command_line(
    repo: Cli, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    fast, full = both(repo, capsys, *argv)
    assert (fast.exit_code, fast.normalised(fast.stdout), fast.stderr) == (
        full.exit_code,
        full.normalised(full.stdout),
        full.stderr,
    )
    assert "Traceback" not in fast.stderr


def test_reports_written_to_files_are_the_same(repo: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--format", "sarif", "--output", "out.sarif", "--format", "json", "-o", "out.json"]
    texts = []
    for main in (entry.main, app.main):
        assert main(argv) == 1
        texts.append([(repo.root / name).read_text("utf-8") for name in ("out.sarif", "out.json")])
    fast, full = texts
    assert fast[0] == full[0]
    assert json.loads(fast[1])["findings"] == json.loads(full[1])["findings"]
    capsys.readouterr()


def test_an_internal_error_is_reported_the_same_way(
    repo: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: Engine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Engine, "results", explode)
    fast, full = both(repo, capsys, "check")
    assert fast.exit_code == full.exit_code == 3
    assert fast.stderr == full.stderr
    assert fast.stderr.startswith("campaign-lint: internal error")


def test_debug_shows_the_traceback_either_way(
    repo: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: Engine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Engine, "results", explode)
    fast, full = both(repo, capsys, "--debug", "check")
    assert fast.exit_code == full.exit_code == 3
    for run in (fast, full):
        assert run.stderr.startswith("Traceback (most recent call last):")
        assert run.stderr.splitlines()[-1].startswith("campaign-lint: internal error")
    fast, full = both(repo, capsys, "check")
    assert "Traceback" not in fast.stderr + full.stderr


def test_values_typer_must_reject_are_left_to_it(repo: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    fast, full = both(repo, capsys, "check", "--jobs", "many")
    assert fast == full
    assert fast.exit_code == 2
    assert "--jobs" in fast.stderr


def _probe(repo: Cli, probe: str, *argv: str) -> list[object]:
    """What ``python -c PROBE ARGV`` in the repository prints last, read as a JSON list."""
    result = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env=os.environ,
        check=True,
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.slow  # starts a Python
def test_a_common_check_does_not_load_typer(repo: Cli) -> None:
    probe = (
        "import json, sys\n"
        "from campaign_lint.cli.entry import main\n"
        "code = main(['check', '--no-cache', '--format', 'json', '--output', 'out.json'])\n"
        "print(json.dumps([code, 'typer' in sys.modules, 'ruamel.yaml' in sys.modules]))\n"
    )
    assert _probe(repo, probe) == [1, False, False]


@pytest.mark.slow  # starts a Python
def test_a_check_without_cache_loads_no_cache_code_and_digests_nothing(repo: Cli) -> None:
    """--no-cache: no content digests (the cache's keys), no cache or replay module imported.

    Source lines are collected only for a report that shows them (text) or for the cache.
    """
    probe = (
        "import json, sys\n"
        "from campaign_lint.lint import pipeline\n"
        "digested, lines = [], []\n"
        "lint_file = pipeline.FilePipeline.lint_file\n"
        "def spy(self, source):\n"
        "    outcome = lint_file(self, source)\n"
        "    digested.append(outcome.content is not None)\n"
        "    lines.append(bool(outcome.lines))\n"
        "    return outcome\n"
        "pipeline.FilePipeline.lint_file = spy\n"
        "from campaign_lint.cli.entry import main\n"
        "code = main(sys.argv[1:] + ['--output', 'out.txt'])\n"
        "loaded = sorted(m for m in ('campaign_lint.lint.cache', 'campaign_lint.lint.replay') if m in sys.modules)\n"
        "print(json.dumps([code, loaded, digested, lines]))\n"
    )

    def run(*argv: str) -> list[object]:
        return _probe(repo, probe, *argv)

    cached = ["campaign_lint.lint.cache", "campaign_lint.lint.replay"]
    # Only a-shipped has a finding of its own (the duplicate id is a portfolio finding).
    assert run("check", "--no-cache", "--format", "json") == [1, [], [False] * 3, [False] * 3]
    assert run("check", "--no-cache", "--format", "text") == [1, [], [False] * 3, [True, False, False]]
    assert run("check", "--format", "json") == [1, cached, [True] * 3, [True, False, False]]


@pytest.mark.slow  # starts a Python
def test_a_replayed_check_imports_neither_the_rules_nor_what_fixes(repo: Cli) -> None:
    """An unchanged clean run is answered from its record: no engine, no fixes (``core/fixes.py``), no typer."""
    watched = ("campaign_lint.lint.engine", "campaign_lint.core.fixes", "typer")
    probe = (
        "import json, sys\n"
        "from campaign_lint.cli.entry import main\n"
        "code = main(['check', '--force-exclude', '--', 'campaigns/c-good.yaml'])\n"
        f"print(json.dumps([code, sorted(m for m in {watched!r} if m in sys.modules)]))\n"
    )

    def run() -> list[object]:
        return _probe(repo, probe)

    for name in ("a-shipped", "b-duplicate"):  # their findings' fixes would come back with the record
        (repo.root / "campaigns" / f"{name}.yaml").unlink()
    for path in repo.root.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # not just written: the run is recorded for replay
    assert run() == [
        0,
        ["campaign_lint.core.fixes", "campaign_lint.lint.engine"],
    ]  # the watch sees them when it lints
    assert run() == [0, []]
