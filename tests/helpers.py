"""Shared test helpers: lint files written into a temporary folder."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from campaign_lint.lint.config import load_settings
from campaign_lint.lint.report import Report
from campaign_lint.lint.session import Session


def as_a_terminal_job() -> None:
    """``preexec_fn`` of a process that a test interrupts as Ctrl-C would: SIGINT at its default.

    A process inherits an ignored SIGINT from whatever started the test run
    (a shell's background job without job control, ``nohup``), and a process
    that ignores SIGINT is not interrupted: a terminal's foreground job has
    it at its default.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    """Write ``{relative path: text}`` under ``root``."""
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def lint_tree(
    root: Path,
    files: Mapping[str, str],
    *,
    policy: Mapping[str, Any] | str | None = None,
    select: list[str] | None = None,
    today: date | None = None,
) -> Report:
    """Lint ``files`` (campaigns, relative to ``root/campaigns``) under an optional policy."""
    import yaml

    tree = {f"campaigns/{name}": text for name, text in files.items()}
    if policy is not None:
        tree["campaign-lint.yaml"] = policy if isinstance(policy, str) else yaml.safe_dump(dict(policy))
    write_tree(root, tree)
    config = root / "campaign-lint.yaml" if policy is not None else None
    settings = load_settings(config, root, select=select or (), today=today or date(2026, 11, 22))
    return Session(settings).lint([root / "campaigns"])


def loaded_by_check(cwd: Path, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a `check` in ``cwd`` imports (run in a Python of its own: mark the test slow)."""
    import json
    import subprocess
    import sys

    probe = (
        "import json, sys\n"
        "from campaign_lint.cli.entry import main\n"
        "main(['check', '--no-cache', '--quiet', '--output', '/dev/null'])\n"
        f"print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def pretend_missing(monkeypatch: Any, module: str) -> None:
    """Make ``importlib.util.find_spec`` say that ``module`` is not installed (an optional extra left out)."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *rest: None if name == module else real(name, *rest)
    )


def git(cwd: Path, *args: str) -> None:
    """Run ``git ARGS`` in ``cwd`` as a test author, with no system configuration; fail on error."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args]
    subprocess.run(command, cwd=cwd, check=True, env=env, capture_output=True)
