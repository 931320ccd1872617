"""Runs that see other than the disk: a campaign on standard input, and the git index (``--staged``, pre-commit).

Both are an ``Overlay`` of the session (``lint/discovery.py``): text in place
of a file, and with the index, the only files that exist.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import Overlay
from campaign_lint.lint.session import Session
from tests.cli.campaigns import GOOD, SHIPPED
from tests.cli.snapshots import Cli
from tests.helpers import git

POLICY = 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'
STRICT_NEWS = 'overrides:\n  - files: ["campaigns/news/**"]\n    rules: {TIM001: "off"}\n'


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(text.encode("utf-8"))))


def _findings(stdout: str) -> list[tuple[str, str]]:
    return [(finding["path"], finding["rule"]) for finding in json.loads(stdout)["findings"]]


def test_stdin_is_judged_in_place_of_the_file_with_its_path(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/review.yaml": GOOD})
    _stdin(monkeypatch, SHIPPED)  # the editor's buffer: not saved yet
    run = cli.run("check", "--no-cache", "--format", "json", "-", "--stdin-filename", "campaigns/review.yaml")
    assert run.exit_code == 1
    assert ("campaigns/review.yaml", "TIM001") in _findings(run.stdout)
    assert (cli.root / "campaigns" / "review.yaml").read_text(encoding="utf-8") == GOOD


def test_stdin_path_decides_the_overrides(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.write({"campaign-lint.yaml": POLICY + STRICT_NEWS})
    _stdin(monkeypatch, SHIPPED)
    run = cli.run("check", "--no-cache", "-f", "json", "-", "--stdin-filename", "campaigns/news/review.yaml")
    assert ("campaigns/news/review.yaml", "TIM001") not in _findings(run.stdout)
    _stdin(monkeypatch, SHIPPED)
    run = cli.run("check", "--no-cache", "-f", "json", "-", "--stdin-filename", "campaigns/other/review.yaml")
    assert ("campaigns/other/review.yaml", "TIM001") in _findings(run.stdout)


def test_stdin_path_decides_the_policy(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.write({"marketing/campaign-lint.yaml": POLICY + 'rules: {TIM001: "off"}\n'})
    _stdin(monkeypatch, SHIPPED)
    run = cli.run("check", "--no-cache", "-f", "json", "-", "--stdin-filename", "marketing/campaigns/a.yaml")
    found = _findings(run.stdout)
    assert found, run.stdout + run.stderr
    assert all(path == "marketing/campaigns/a.yaml" for path, _ in found)
    assert "TIM001" not in {rule for _, rule in found}


def test_portfolio_rules_see_the_buffer_instead_of_the_file(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = GOOD.replace("review-after-delivery", "review-other")
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/a.yaml": GOOD, "campaigns/b.yaml": other})
    # On disk the ids differ; the buffer of b takes a's id: SPEC003 involves b.
    _stdin(monkeypatch, GOOD)
    run = cli.run("check", "--no-cache", "-f", "json", "-", "--stdin-filename", "campaigns/b.yaml")
    assert run.exit_code == 1
    assert "SPEC003" in {rule for _, rule in _findings(run.stdout)}
    # And the disk's b is not seen besides the buffer: a buffer with its own id is clean.
    _stdin(monkeypatch, other)
    run = cli.run("check", "--no-cache", "-f", "json", "-", "--stdin-filename", "campaigns/b.yaml")
    assert run.exit_code == 0, run.stdout


def test_stdin_for_a_file_that_is_no_campaign_checks_nothing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.write({"campaign-lint.yaml": POLICY})
    _stdin(monkeypatch, "stages: [test]\n")
    run = cli.run("check", "-", "--stdin-filename", ".gitlab-ci.yml")
    assert run.exit_code == 0
    assert run.stderr == (
        ".gitlab-ci.yml is not a campaign file (the `campaigns` patterns campaigns/**/*.yaml do not match it); "
        "nothing to check.\n"
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("check", "-"), "--stdin-filename PATH"),
        (("check", "--stdin-filename", "campaigns/a.yaml"), "give `-` as the path"),
        (("check", "-", "campaigns/a.yaml", "--stdin-filename", "campaigns/a.yaml"), "the only path"),
    ],
)
def test_stdin_misuse_is_one_clear_line(cli: Cli, argv: tuple[str, ...], said: str) -> None:
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/a.yaml": GOOD})
    run = cli.run(*argv)
    assert run.exit_code == 2
    assert said in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_session_overlay_is_a_mapping_of_path_to_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "campaigns" / "a.yaml").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    session = Session(load_settings(tmp_path / "campaign-lint.yaml", tmp_path))
    assert session.lint([]).findings == []
    unsaved = str(tmp_path / "campaigns" / "unsaved.yaml")
    session.overlay = Overlay({unsaved: SHIPPED.encode("utf-8")})
    report = session.lint([])
    assert {finding.path for finding in report.findings} == {"campaigns/unsaved.yaml"}


def _staged_repository(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/good.yaml": GOOD})
    (cli.root / ".git").rmdir()
    git(cli.root, "init", "-q")
    git(cli.root, "add", ".")
    git(cli.root, "commit", "-q", "-m", "start")


def test_staged_leaves_untracked_drafts_out(cli: Cli) -> None:
    _staged_repository(cli)
    cli.write({"campaigns/draft.yaml": SHIPPED})  # untracked: not part of any commit yet
    assert cli.run("check", "--no-cache").exit_code == 1
    run = cli.run("check", "--no-cache", "--staged")
    assert run.exit_code == 0, run.stdout
    assert "in 1 file" in run.stdout


def test_staged_judges_the_staged_content_not_the_working_tree(cli: Cli) -> None:
    _staged_repository(cli)
    cli.write({"campaigns/review.yaml": SHIPPED})
    git(cli.root, "add", "campaigns/review.yaml")
    cli.write({"campaigns/review.yaml": GOOD.replace("review-after-delivery", "review-fixed")})  # not staged
    run = cli.run("check", "--no-cache", "--staged", "-f", "json")
    assert ("campaigns/review.yaml", "TIM001") in _findings(run.stdout)
    (cli.root / "campaigns" / "good.yaml").unlink()  # deleted, but still staged: still a campaign
    run = cli.run("check", "--no-cache", "--staged", "-f", "json")
    assert json.loads(run.stdout)["summary"]["files"] == 2


def test_pre_commit_environment_turns_staged_on(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _staged_repository(cli)
    cli.write({"campaigns/draft.yaml": SHIPPED})
    monkeypatch.setenv("PRE_COMMIT", "1")
    run = cli.run("check", "--force-exclude", "--", "campaign-lint.yaml")
    assert run.exit_code == 0, run.stdout


def test_staged_outside_a_repository_is_an_error(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/good.yaml": GOOD})
    (cli.root / ".git").rmdir()
    (cli.root / ".git").write_text("not a repository\n", encoding="utf-8")
    run = cli.run("check", "--staged")
    assert run.exit_code == 2
    assert "git" in run.stderr
