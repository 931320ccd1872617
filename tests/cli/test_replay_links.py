"""A symbolic link among the policy files pointed at another file: the replay record and the language server see the change.

The policy files are stamped by the files read (``Layered.files``: real paths);
what leads to them may be a link, re-pointed at another unchanged file
(``campaign-lint.yaml -> team-a/base.yaml``, an ``extends`` entry, its folder):
``Layered.read_through`` names those links too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign_lint.cli.lsp.workspace import Workspace
from campaign_lint.lint.engine import Engine
from campaign_lint.lint.session import Session
from tests.cli.campaigns import GOOD, SHIPPED
from tests.cli.snapshots import Cli, InProcess
from tests.cli.test_replay import age, same

BASE = 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'
# Two versions of a policy file: the second switches off the rule that finds something.
VERSIONS = {"a": BASE, "b": BASE + "rules: {TIM001: off}\n"}
TOP = "extends: shared/base.yaml\n"


@pytest.fixture
def replays(
    cli: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> InProcess:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cli.write({"campaigns/a-shipped.yaml": SHIPPED, "campaigns/c-good.yaml": GOOD})
    return InProcess(cli, capsys, monkeypatch, Engine, "results")


def _point(link: Path, target: str) -> None:
    if link.is_symlink():
        link.unlink()
    link.symlink_to(target)


@pytest.mark.parametrize("link", ["the policy file", "an extended file", "an extended folder"])
def test_a_link_pointed_elsewhere_runs_the_linter_again(replays: InProcess, link: str) -> None:
    root = replays.cli.root
    for name, text in VERSIONS.items():
        folder = root / f"team-{name}"
        folder.mkdir()
        (folder / "base.yaml").write_text(text, "utf-8")
    if link == "the policy file":
        _point(root / "campaign-lint.yaml", "team-a/base.yaml")
    else:
        (root / "campaign-lint.yaml").write_text(TOP, "utf-8")
        if link == "an extended file":
            (root / "shared").mkdir()
            _point(root / "shared/base.yaml", "../team-a/base.yaml")
        else:
            _point(root / "shared", "team-a")
    age(root)
    first, _ = replays.run("check", "--format", "json")
    assert "TIM001" in first.stdout
    again, replayed = replays.run("check", "--format", "json")
    assert replayed  # unchanged: answered from the record
    same(first, again)
    if link == "the policy file":
        _point(root / "campaign-lint.yaml", "team-b/base.yaml")
    elif link == "an extended file":
        _point(root / "shared/base.yaml", "../team-b/base.yaml")
    else:
        _point(root / "shared", "team-b")
    second, replayed = replays.run("check", "--format", "json")
    assert not replayed
    fresh, _ = replays.run("check", "--no-cache", "--format", "json")
    same(fresh, second)
    assert "TIM001" not in second.stdout


def test_the_language_server_loads_the_policy_again_after_a_link_is_pointed_elsewhere(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    for name, text in VERSIONS.items():
        (tmp_path / f"team-{name}").mkdir()
        (tmp_path / f"team-{name}" / "base.yaml").write_text(text, "utf-8")
    (tmp_path / "campaign-lint.yaml").write_text(TOP, "utf-8")
    (tmp_path / "shared").mkdir()
    _point(tmp_path / "shared/base.yaml", "../team-a/base.yaml")
    age(tmp_path)
    (tmp_path / "team-b/base.yaml").touch()  # another time than team-a's (as two files saved apart)
    workspace = Workspace(tmp_path)
    campaign = str(tmp_path / "campaigns/a.yaml")
    first = workspace.session(campaign)
    assert isinstance(first, Session)
    assert "TIM001" in first.settings.rules
    assert workspace.session(campaign) is first  # unchanged: the session loaded
    _point(tmp_path / "shared/base.yaml", "../team-b/base.yaml")
    second = workspace.session(campaign)
    assert isinstance(second, Session)
    assert "TIM001" not in second.settings.rules
