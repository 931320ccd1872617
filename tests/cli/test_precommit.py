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
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """This checkout as a hook repository (folder, commit) and the environment pre-commit runs in."""
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
    return hooks, rev, env


def make_consumer(
    hook_repo: tuple[Path, str, dict[str, str]],
    name: str,
    files: dict[str, str],
    hook_ids: tuple[str, ...] = ("campaign-lint",),
) -> Path:
    """A git repository holding ``files`` (committed), with the hooks ``hook_ids`` installed from this checkout."""
    hooks, rev, env = hook_repo
    work = hooks.parent / name
    work.mkdir()
    listed = "".join(f"      - id: {hook_id}\n" for hook_id in hook_ids)
    files = {
        **files,
        ".pre-commit-config.yaml": f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n{listed}",
    }
    for relative, text in files.items():
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_text(text, encoding="utf-8")
    assert _git(work, "init", "-q", "-b", "main", env=env).returncode == 0
    installed = _run(work, sys.executable, "-m", "pre_commit", "install", env=env)
    assert installed.returncode == 0, installed.stderr
    _git(work, "add", ".", env=env)
    first = _git(work, "commit", "-q", "-m", "start", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    return work


def commit(work: Path, env: dict[str, str], *paths: str) -> subprocess.CompletedProcess[str]:
    """``git add`` the paths and commit them: the hooks run."""
    added = _git(work, "add", *paths, env=env)
    assert added.returncode == 0, added.stderr
    return _git(work, "commit", "-m", "change", env=env)


@pytest.fixture(scope="module")
def consumer(hook_repo: tuple[Path, str, dict[str, str]]) -> tuple[Path, dict[str, str]]:
    """A git repository with the policy at its root and the campaign-lint hook installed from this checkout."""
    work = make_consumer(hook_repo, "campaigns-repo", {"campaign-lint.yaml": POLICY, "campaigns/.keep": ""})
    return work, hook_repo[2]


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


# Other YAML beside the campaigns: judged as campaigns, each would fail SPEC002.
GITLAB_CI = "stages: [test]\ntest:\n  script: [make test]\n"
OTHER_YAML = {".gitlab-ci.yml": GITLAB_CI, "config/app.yaml": "debug: false\n"}


@pytest.mark.parametrize(
    ("layout", "campaigns"),
    [
        ({"marketing/campaign-lint.yaml": POLICY}, "marketing/campaigns"),
        ({}, "campaigns"),
    ],
    ids=["policy-in-a-subfolder", "no-policy-file"],
)
def test_other_yaml_is_left_alone_and_campaigns_are_judged(
    hook_repo: tuple[Path, str, dict[str, str]], layout: dict[str, str], campaigns: str
) -> None:
    env = hook_repo[2]
    name = "subfolder-repo" if layout else "no-policy-repo"
    work = make_consumer(hook_repo, name, {**layout, f"{campaigns}/good.yaml": GOOD})
    for relative, text in OTHER_YAML.items():
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_text(text, encoding="utf-8")
    result = commit(work, env, *OTHER_YAML)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "SPEC002" not in output
    everything = _run(work, sys.executable, "-m", "pre_commit", "run", "--all-files", env=env)
    assert everything.returncode == 0, everything.stdout + everything.stderr
    (work / campaigns / "review.yaml").write_text(SHIPPED, encoding="utf-8")
    result = commit(work, env, f"{campaigns}/review.yaml")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"{campaigns}/review.yaml:" in output
    assert "TIM001" in output
    assert ".gitlab-ci.yml" not in output


def test_links_out_of_the_repository_block_only_as_campaigns(
    hook_repo: tuple[Path, str, dict[str, str]], tmp_path: Path
) -> None:
    env = hook_repo[2]
    work = make_consumer(hook_repo, "links-repo", {"campaign-lint.yaml": POLICY, "campaigns/good.yaml": GOOD})
    secret = tmp_path / "secret.yaml"
    secret.write_text("token: do-not-read\n", encoding="utf-8")
    for folder in ("build", "config"):
        (work / folder).mkdir()
        (work / folder / "x.yaml").symlink_to(secret)
    result = commit(work, env, "build/x.yaml", "config/x.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    everything = _run(work, sys.executable, "-m", "pre_commit", "run", "--all-files", env=env)
    assert everything.returncode == 0, everything.stdout + everything.stderr
    (work / "campaigns" / "leak.yaml").symlink_to(secret)
    result = commit(work, env, "campaigns/leak.yaml")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "campaigns/leak.yaml:1:1: SPEC001" in output
    assert "do-not-read" not in output


def test_a_policy_commit_is_not_blocked_by_untracked_drafts(
    hook_repo: tuple[Path, str, dict[str, str]],
) -> None:
    env = hook_repo[2]
    work = make_consumer(
        hook_repo, "drafts-repo", {"campaign-lint.yaml": POLICY, "campaigns/good.yaml": GOOD}
    )
    (work / "campaigns" / "draft.yaml").write_text(SHIPPED, encoding="utf-8")  # not added: not in the commit
    (work / "campaign-lint.yaml").write_text(POLICY + "fail_on: error\n", encoding="utf-8")
    result = commit(work, env, "campaign-lint.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "draft.yaml" not in output
    # Once the draft is staged, it is part of the commit and judged.
    result = commit(work, env, "campaigns/draft.yaml")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "campaigns/draft.yaml:" in output


def test_policy_test_hook_passes_without_test_files(hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    env = hook_repo[2]
    files = {"campaign-lint.yaml": POLICY, "campaigns/good.yaml": GOOD}
    work = make_consumer(hook_repo, "no-tests-repo", files, ("campaign-lint", "campaign-lint-test"))
    result = _run(work, sys.executable, "-m", "pre_commit", "run", "--all-files", "--verbose", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "campaign-lint policy tests" in output
    assert "No policy test files (*.test.yaml)" in output


def test_fixing_hook_fixes_fails_once_then_passes(hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    """campaign-lint-fix: the commit stops when the hook fixed a file; with the fix added, it goes through."""
    env = hook_repo[2]
    work = make_consumer(
        hook_repo,
        "fixing-repo",
        {"campaign-lint.yaml": POLICY, "campaigns/.keep": ""},
        hook_ids=("campaign-lint-fix",),
    )
    campaign = work / "campaigns" / "review.yaml"
    campaign.write_text(GOOD.replace("channel: email", "channel: Email"))
    result = commit(work, env, "campaigns/review.yaml")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in output
    assert campaign.read_text() == GOOD
    again = commit(work, env, "campaigns/review.yaml")
    assert again.returncode == 0, again.stdout + again.stderr
