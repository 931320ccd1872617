"""`check --fix`, `--unsafe-fixes` and `--diff` on the command line, and fixes in SARIF."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from campaign_lint.core.edits import Edit, apply_edits
from tests.cli.snapshots import Cli
from tests.policy.support import feedback

ROOT = Path(__file__).parents[2]
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
FILE = "campaigns/review.yaml"
CLEAN = feedback("review")
# A spelling mistake (safe) and an opt-out that is not enough (unsafe).
TWO = CLEAN.replace("channel: email", "channel: Email  # the inbox").replace(
    "unsubscribe: one_click", "unsubscribe: link"
)


@pytest.fixture
def repo(cli: Cli) -> Cli:
    cli.write({FILE: TWO})
    return cli


def test_diff_shows_the_change_writes_nothing_and_fails(repo: Cli) -> None:
    run = repo.run("check", "--no-cache", "--diff")
    assert run.exit_code == 1
    assert run.stdout.startswith(f"--- a/{FILE}\n+++ b/{FILE}\n")
    assert "-channel: Email  # the inbox\n+channel: email  # the inbox\n" in run.stdout
    assert "unsubscribe" not in run.stdout  # unsafe: not without --unsafe-fixes
    assert "1 more fix change what a campaign does" in run.stderr
    assert (repo.root / FILE).read_text(encoding="utf-8") == TWO


def test_diff_with_unsafe_fixes_shows_them_too(repo: Cli) -> None:
    run = repo.run("check", "--no-cache", "--diff", "--unsafe-fixes")
    assert run.exit_code == 1
    assert "-  unsubscribe: link\n+  unsubscribe: one_click\n" in run.stdout
    assert "Would fix 2 findings in 1 file." in run.stderr


def test_diff_with_nothing_to_fix_passes_silently(cli: Cli) -> None:
    cli.write({FILE: CLEAN})
    run = cli.run("check", "--no-cache", "--diff")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")


def test_fix_writes_safe_fixes_and_reports_what_is_left(repo: Cli) -> None:
    run = repo.run("check", "--no-cache", "--fix")
    assert run.exit_code == 1  # CON002 is left
    assert f"{FILE}: fixed SPEC002: write `email`" in run.stderr
    assert "CON002" in run.stdout
    assert "SPEC002" not in run.stdout
    assert (repo.root / FILE).read_text(encoding="utf-8") == TWO.replace("Email ", "email ")


def test_fix_with_unsafe_fixes_leaves_nothing(repo: Cli) -> None:
    run = repo.run("check", "--no-cache", "--fix", "--unsafe-fixes")
    assert run.exit_code == 0, run.stdout
    assert (repo.root / FILE).read_text(encoding="utf-8") == CLEAN.replace(
        "channel: email", "channel: email  # the inbox"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--unsafe-fixes"], "--unsafe-fixes goes with --fix"),
        (["--fix", "--diff"], "use one of them"),
    ],
)
def test_flags_that_do_not_go_together(repo: Cli, argv: list[str], message: str) -> None:
    run = repo.run("check", "--no-cache", *argv)
    assert run.exit_code == 2
    assert message in run.stderr
    assert (repo.root / FILE).read_text(encoding="utf-8") == TWO


def test_a_silenced_finding_is_not_fixed(cli: Cli) -> None:
    text = CLEAN.replace(
        "unsubscribe: one_click", "unsubscribe: link  # campaign-lint: disable=CON002 -- legal ok"
    )
    cli.write({FILE: text})
    run = cli.run("check", "--no-cache", "--fix", "--unsafe-fixes")
    assert run.exit_code == 0
    assert (cli.root / FILE).read_text(encoding="utf-8") == text


def test_fix_only_touches_the_named_files(cli: Cli) -> None:
    cli.write({FILE: TWO, "campaigns/other.yaml": TWO.replace("id: review", "id: other")})
    cli.run("check", "--no-cache", "--fix", FILE)
    assert (cli.root / FILE).read_text(encoding="utf-8") != TWO
    assert (cli.root / "campaigns/other.yaml").read_text(encoding="utf-8") == TWO.replace(
        "id: review", "id: other"
    )


@pytest.mark.skipif(os.name != "posix", reason="file modes and links are POSIX")
def test_fix_keeps_the_file_mode(repo: Cli) -> None:
    os.chmod(repo.root / FILE, 0o640)
    repo.run("check", "--no-cache", "--fix")
    assert "channel: email" in (repo.root / FILE).read_text(encoding="utf-8")
    assert stat.S_IMODE((repo.root / FILE).stat().st_mode) == 0o640


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_fix_writes_nothing_through_a_link(cli: Cli) -> None:
    cli.write({"shared/review.yaml": TWO})
    (cli.root / "campaigns").mkdir()
    (cli.root / FILE).symlink_to(cli.root / "shared/review.yaml")
    run = cli.run("check", "--no-cache", "--fix")
    assert f"{FILE}: left alone: the file is reached through a symbolic link" in run.stderr
    assert (cli.root / FILE).is_symlink()
    assert (cli.root / "shared/review.yaml").read_text(encoding="utf-8") == TWO


def _sarif(cli: Cli) -> Any:
    run = cli.run("check", "--no-cache", "--format", "sarif")
    log = json.loads(run.stdout)
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)
    return log


def _offset(text: str, line: int, column: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(part) for part in lines[: line - 1]) + column - 1


def test_sarif_results_carry_their_fixes_and_the_fixes_do_what_fix_does(repo: Cli) -> None:
    results = {result["ruleId"]: result for result in _sarif(repo)["runs"][0]["results"]}
    assert set(results) == {"SPEC002"}  # the file does not match the format yet: only SPEC002
    (fix,) = results["SPEC002"]["fixes"]
    assert fix["description"]["text"] == "write `email` (safe fix: campaign-lint check --fix)"
    assert fix["properties"] == {"safety": "safe"}
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": FILE, "uriBaseId": "%SRCROOT%"}
    text = (repo.root / FILE).read_text(encoding="utf-8")
    edits = []
    for replacement in change["replacements"]:
        region = replacement["deletedRegion"]
        start = _offset(text, region["startLine"], region["startColumn"])
        end = _offset(text, region["endLine"], region["endColumn"])
        edits.append(Edit(start, end, replacement["insertedContent"]["text"]))
    fixed = apply_edits(text, edits)
    repo.run("check", "--no-cache", "--fix")
    assert fixed == (repo.root / FILE).read_text(encoding="utf-8")


def test_sarif_insertion_fix_is_an_empty_region(cli: Cli) -> None:
    cli.write({FILE: CLEAN.replace("  unsubscribe: one_click\n", "")})
    results = _sarif(cli)["runs"][0]["results"]
    (con002,) = [result for result in results if result["ruleId"] == "CON002"]
    (replacement,) = con002["fixes"][0]["artifactChanges"][0]["replacements"]
    region = replacement["deletedRegion"]
    assert (region["startLine"], region["startColumn"]) == (region["endLine"], region["endColumn"])
    assert replacement["insertedContent"]["text"] == "  unsubscribe: one_click\n"
    assert con002["fixes"][0]["properties"] == {"safety": "unsafe"}


def test_a_pre_commit_hook_fixes() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    entry = hooks["campaign-lint-fix"]["entry"].split()
    assert entry[:2] == ["campaign-lint", "check"]
    assert "--fix" in entry
    assert "--force-exclude" in entry
    assert entry[-1] == "--"


def test_standard_input_is_diffed_not_rewritten(repo: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(TWO.encode("utf-8"))))
    run = repo.run("check", "--no-cache", "--diff", "-", "--stdin-filename", FILE)
    assert run.exit_code == 1
    assert "+channel: email  # the inbox\n" in run.stdout
    refused = repo.run("check", "--no-cache", "--fix", "-", "--stdin-filename", FILE)
    assert refused.exit_code == 2
    assert "use --diff" in refused.stderr


def test_staged_fix_leaves_a_file_that_differs_from_the_index(repo: Cli) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo.root, check=True, capture_output=True)

    (repo.root / ".git").rmdir()
    git("init", "-q")
    git("add", FILE)
    edited = TWO.replace("name:", "# edited, not staged\nname:")
    (repo.root / FILE).write_text(edited, encoding="utf-8")
    run = repo.run("check", "--no-cache", "--staged", "--fix")
    assert "left alone: the file on disk is not the staged one" in run.stderr
    assert (repo.root / FILE).read_text(encoding="utf-8") == edited
    git("add", FILE)
    repo.run("check", "--no-cache", "--staged", "--fix")
    assert "channel: email  # the inbox" in (repo.root / FILE).read_text(encoding="utf-8")


def test_sarif_of_standard_input_carries_no_fixes_made_for_the_disk(
    repo: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The buffer on standard input is not the file on disk: edits computed from the disk would be wrong."""
    import io

    moved = "# a new first line\n" + TWO
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(moved.encode("utf-8"))))
    run = repo.run("check", "--no-cache", "--format", "sarif", "-", "--stdin-filename", FILE)
    (result,) = json.loads(run.stdout)["runs"][0]["results"]
    assert result["ruleId"] == "SPEC002"
    assert "fixes" not in result
