"""Which files are campaigns, whatever the way in, with the policy at the root, below it, or absent.

pre-commit runs from the repository root and names every YAML file of a
commit; CI files, configuration and links out of the repository must be left
alone unless the policy's `campaigns` globs make them campaigns
(``Scope.is_campaign``). The same pre-commit layouts run for real in
``test_precommit.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import discover
from campaign_lint.lint.locate import find_policy, policy_for
from tests.cli.campaigns import GOOD, SHIPPED
from tests.cli.snapshots import Cli

POLICY = 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'
# Not a campaign: six SPEC002 errors if it were judged as one.
GITLAB_CI = "stages: [test]\ntest:\n  script: [make test]\n"
OTHER_YAML = {".gitlab-ci.yml": GITLAB_CI, "config/app.yaml": "debug: false\n"}


def _link_out(cli: Cli, name: str, target: Path) -> None:
    link = cli.root / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the repository that no run may read."""
    path = tmp_path / "secret.yaml"
    path.write_text("token: do-not-read\n", encoding="utf-8")
    return path


def test_policy_in_a_subfolder_leaves_root_yaml_alone_under_force_exclude(cli: Cli) -> None:
    cli.write({"marketing/campaign-lint.yaml": POLICY, "marketing/campaigns/good.yaml": GOOD, **OTHER_YAML})
    run = cli.run("check", "--force-exclude", "--", ".gitlab-ci.yml", "config/app.yaml")
    assert run.exit_code == 0, run.stdout
    assert "SPEC002" not in run.stdout
    assert run.stderr == "No campaign files among the given paths; nothing to check.\n"


def test_policy_in_a_subfolder_governs_its_campaigns_whatever_comes_first(cli: Cli) -> None:
    cli.write(
        {"marketing/campaign-lint.yaml": POLICY, "marketing/campaigns/review.yaml": SHIPPED, **OTHER_YAML}
    )
    # pre-commit's order: the root's files first. The policy is still the campaigns'.
    run = cli.run(
        "check",
        "--force-exclude",
        "--",
        ".gitlab-ci.yml",
        "config/app.yaml",
        "marketing/campaigns/review.yaml",
    )
    assert run.exit_code == 1
    assert "marketing/campaigns/review.yaml:" in run.stdout
    assert "TIM001" in run.stdout
    assert "SPEC002" not in run.stdout


def test_no_policy_file_judges_only_the_default_campaigns_folder(cli: Cli) -> None:
    cli.write({"campaigns/review.yaml": SHIPPED, **OTHER_YAML})
    run = cli.run("check", "--force-exclude", "--", ".gitlab-ci.yml", "config/app.yaml")
    assert run.exit_code == 0, run.stdout
    assert "No campaign files among the given paths" in run.stderr
    run = cli.run("check", "--force-exclude", "--", ".gitlab-ci.yml", "campaigns/review.yaml")
    assert run.exit_code == 1
    assert "campaigns/review.yaml:" in run.stdout
    assert ".gitlab-ci.yml" not in run.stdout


def test_no_policy_file_walk_is_the_default_campaigns_folder(cli: Cli) -> None:
    cli.write({"campaigns/good.yaml": GOOD, **OTHER_YAML})
    run = cli.run("check")
    assert run.exit_code == 0, run.stdout
    assert "in 1 file" in run.stdout


def test_files_of_two_policies_are_a_usage_error_that_says_what_to_do(cli: Cli) -> None:
    cli.write(
        {
            "marketing/campaign-lint.yaml": POLICY,
            "marketing/campaigns/a.yaml": GOOD,
            "sales/campaign-lint.yaml": POLICY,
            "sales/campaigns/b.yaml": GOOD,
        }
    )
    run = cli.run("check", "--force-exclude", "--", "marketing/campaigns/a.yaml", "sales/campaigns/b.yaml")
    assert run.exit_code == 2
    assert "2 policy files" in run.stderr
    assert "--config" in run.stderr
    assert "Traceback" not in run.stderr


def test_changed_since_with_the_policy_in_a_subfolder(cli: Cli) -> None:
    import subprocess

    cli.write({"marketing/campaign-lint.yaml": POLICY, "marketing/campaigns/good.yaml": GOOD})
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    (cli.root / ".git").rmdir()
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *args], cwd=cli.root, check=True, env=env, capture_output=True)
    cli.write(OTHER_YAML)
    run = cli.run("check", "--changed-since", "HEAD", "marketing")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "SPEC002" not in run.stdout


def test_a_link_out_of_the_repository_outside_the_globs_does_not_stop_the_run(cli: Cli, secret: Path) -> None:
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/good.yaml": GOOD})
    for folder in ("build", "config"):
        _link_out(cli, f"{folder}/x.yaml", secret)
    (cli.root / "config" / "d.yaml").symlink_to(secret.parent, target_is_directory=True)
    assert cli.run("check").exit_code == 0
    # Named first, as pre-commit may: the policy is still found by the link's own folder.
    run = cli.run("check", "--force-exclude", "--", "build/x.yaml", "config/d.yaml", "campaigns/good.yaml")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "in 1 file" in run.stdout
    run = cli.run("check", "--force-exclude", "--", "build/x.yaml", "config/x.yaml", "config/d.yaml")
    assert run.exit_code == 0, run.stdout + run.stderr


def test_a_link_out_of_the_repository_without_a_policy_does_not_stop_the_run(cli: Cli, secret: Path) -> None:
    cli.write({"campaigns/good.yaml": GOOD})
    _link_out(cli, "build/x.yaml", secret)
    assert cli.run("check").exit_code == 0
    run = cli.run("check", "--force-exclude", "--", "build/x.yaml")
    assert run.exit_code == 0, run.stdout + run.stderr


def test_a_link_out_of_the_repository_inside_the_globs_is_a_finding_on_the_link(
    cli: Cli, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/good.yaml": GOOD})
    _link_out(cli, "campaigns/leak.yaml", secret)
    opened: list[str] = []
    real_open = os.open

    def spy(path: str, *args: object, **kwargs: object) -> int:
        opened.append(os.path.realpath(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    for argv in (
        ("check", "--no-cache"),
        ("check", "--no-cache", "--force-exclude", "--", "campaigns/leak.yaml"),
    ):
        run = cli.run(*argv)
        assert run.exit_code == 1
        assert "campaigns/leak.yaml:1:1: SPEC001" in run.stdout
        assert "outside the repository" in run.stdout
    assert str(secret) not in opened


def test_find_policy_does_not_follow_a_linked_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    (elsewhere / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    (repo / "build").mkdir()
    (repo / "build" / "x.yaml").symlink_to(elsewhere / "x.yaml")
    assert find_policy(repo / "build" / "x.yaml") == repo / "campaign-lint.yaml"
    assert policy_for([repo / "build" / "x.yaml"]) == repo / "campaign-lint.yaml"


def test_is_campaign_is_the_one_answer_of_walk_and_named_files(cli: Cli) -> None:
    cli.write(
        {
            "marketing/campaign-lint.yaml": 'campaigns: ["campaigns/**/*.yaml"]\nexclude: ["campaigns/drafts/**"]\n',
            "marketing/campaigns/a.yaml": GOOD,
            "marketing/campaigns/drafts/b.yaml": GOOD,
            "marketing/notes.yaml": "a: 1\n",
            **OTHER_YAML,
        }
    )
    policy = policy_for([Path("marketing/campaigns/a.yaml")])
    assert policy is not None
    scope = load_settings(policy, cli.root).scope()
    every = [
        os.path.abspath(name)
        for name in (
            "marketing/campaigns/a.yaml",
            "marketing/campaigns/drafts/b.yaml",
            "marketing/notes.yaml",
            "marketing/campaign-lint.yaml",
            ".gitlab-ci.yml",
            "config/app.yaml",
        )
    ]
    campaigns = {path for path in every if scope.is_campaign(path)}
    assert campaigns == {os.path.abspath("marketing/campaigns/a.yaml")}
    walked = {source.location for source in discover([], scope)}
    named = {
        source.location
        for source in discover([Path(p) for p in every], scope, force_exclude=True, allow_empty=True)
    }
    assert walked == named == campaigns


def test_every_command_finds_the_policy_of_its_paths_whatever_their_order(cli: Cli) -> None:
    from campaign_lint.lint.session import settings_for

    cli.write({"marketing/campaign-lint.yaml": POLICY, "marketing/campaigns/good.yaml": GOOD, **OTHER_YAML})
    paths = [Path(".gitlab-ci.yml"), Path("marketing/campaigns/good.yaml")]
    settings = settings_for(paths)
    assert settings.policy_path == cli.root / "marketing" / "campaign-lint.yaml"
    assert settings_for(list(reversed(paths))).policy_path == settings.policy_path
    # baseline create lints the way check does: the same policy, the same campaigns.
    run = cli.run("baseline", "create", "base.json", ".gitlab-ci.yml", "marketing/campaigns/good.yaml")
    assert run.exit_code == 0, run.stdout + run.stderr
