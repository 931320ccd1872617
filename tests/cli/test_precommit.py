"""The pre-commit hook, for real: pre-commit installs it from this checkout.

A temporary hook repository holds this checkout's package and
``.pre-commit-hooks.yaml`` (working-tree state, committed there so pre-commit
can clone it); a second temporary repository uses it as a consumer would
and commits a bad campaign (the hook fails and says why), then a good one.
pre-commit builds the hook's environment with pip, so this test needs the
package index, like ``make test`` itself: it is ``external`` (skipped with the
reason when the index cannot be reached, failed under ``CI=true``) and ``slow``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.campaigns import GOOD, SHIPPED
from tests.external import require_index, require_module, require_tool

pytestmark = [pytest.mark.slow, pytest.mark.external]

CHECKOUT = Path(__file__).resolve().parents[2]
POLICY = 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'


def _run(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


def _git(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(cwd, "git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args, env=env)


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A git repository with the campaign-lint hook installed from this checkout."""
    require_tool("git", "pre-commit runs as a git hook and clones the hook repository with git")
    require_module("pre_commit", "the test installs and runs the hook with pre-commit")
    require_index("pre-commit builds the hook's environment with pip from the package index")
    base = tmp_path_factory.mktemp("precommit")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(base / "cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(base),
    }
    hooks = base / "hook-repo"
    hooks.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(CHECKOUT / name, hooks / name)
    shutil.copytree(CHECKOUT / "src", hooks / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for args in (("init", "-q", "-b", "main"), ("add", "."), ("commit", "-q", "-m", "hook")):
        assert _git(hooks, *args, env=env).returncode == 0
    rev = _git(hooks, "rev-parse", "HEAD", env=env).stdout.strip()

    work = base / "campaigns-repo"
    (work / "campaigns").mkdir(parents=True)
    (work / "campaign-lint.yaml").write_text(POLICY)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: campaign-lint\n"
    )
    assert _git(work, "init", "-q", "-b", "main", env=env).returncode == 0
    installed = _run(work, sys.executable, "-m", "pre_commit", "install", env=env)
    assert installed.returncode == 0, installed.stderr
    _git(work, "add", ".", env=env)
    first = _git(work, "commit", "-q", "-m", "policy", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    return work, env


def test_hook_blocks_a_bad_campaign_and_says_why(consumer: tuple[Path, dict[str, str]]) -> None:
    work, env = consumer
    (work / "campaigns" / "review.yaml").write_text(SHIPPED)
    _git(work, "add", "campaigns/review.yaml", env=env)
    result = _git(work, "commit", "-m", "add review request", env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "campaign-lint...." in output
    assert "Failed" in output
    assert "campaigns/review.yaml:" in output
    assert "TIM001" in output


def test_hook_passes_a_good_campaign(consumer: tuple[Path, dict[str, str]]) -> None:
    work, env = consumer
    (work / "campaigns" / "review.yaml").write_text(GOOD)
    _git(work, "add", "campaigns/review.yaml", env=env)
    result = _git(work, "commit", "-m", "add review request", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output
