"""Golden tests of `check --fix`: each folder of golden/ is a file before and after, compared byte for byte.

A folder holds ``before.yaml`` (written as ``campaigns/campaign.yaml``), and
``after.yaml``, what ``--fix`` makes of it; without ``after.yaml`` the file
must stay as it is. ``policy.yaml`` is the policy file, when there is one;
``note.txt`` a text stderr must hold (why a file was left alone). A folder
named ``unsafe-...`` is fixed with ``--unsafe-fixes`` too. Each case also
checks that a second ``--fix`` changes nothing and that ``--diff`` then has
nothing to show. ``UPDATE_SNAPSHOTS=1`` rewrites the ``after.yaml`` files
(review their diff).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.snapshots import Cli, updating

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(path.name for path in GOLDEN.iterdir() if path.is_dir())
TARGET = "campaigns/campaign.yaml"


def _fix_flags(name: str) -> list[str]:
    return ["--fix", "--unsafe-fixes"] if name.startswith("unsafe-") else ["--fix"]


@pytest.mark.parametrize("name", CASES)
def test_golden_fix(name: str, cli: Cli) -> None:
    folder = GOLDEN / name
    before = (folder / "before.yaml").read_bytes()
    (cli.root / "campaigns").mkdir()
    (cli.root / TARGET).write_bytes(before)
    if (folder / "policy.yaml").is_file():
        cli.write({"campaign-lint.yaml": (folder / "policy.yaml").read_text(encoding="utf-8")})
    flags = _fix_flags(name)
    run = cli.run("check", "--no-cache", *flags)
    assert run.exit_code in (0, 1), run.stderr
    fixed = (cli.root / TARGET).read_bytes()
    expected_path = folder / "after.yaml"
    if updating() and fixed != before:
        expected_path.write_bytes(fixed)
    expected = expected_path.read_bytes() if expected_path.is_file() else before
    assert fixed == expected
    if (folder / "note.txt").is_file():
        assert (folder / "note.txt").read_text(encoding="utf-8").strip() in run.stderr
    # A fixpoint: a second run changes nothing, and there is nothing left to show.
    again = cli.run("check", "--no-cache", *flags)
    assert (cli.root / TARGET).read_bytes() == fixed
    assert "Fixed" not in again.stderr
    diff = cli.run("check", "--no-cache", "--diff", *flags[1:])
    assert diff.stdout == ""
    assert diff.exit_code == 0


def test_every_fixable_rule_has_a_golden_case() -> None:
    from campaign_lint.policies.registry import RULES

    covered = " ".join(CASES)
    for rule in RULES:
        if rule.fixable == "unsafe":
            assert f"unsafe-{rule.id.lower()}" in covered, rule.id
    assert rule_cases_of_spec002() <= set(CASES)


def rule_cases_of_spec002() -> set[str]:
    """The four kinds of safe fix, each with a golden case."""
    return {"duration-words", "enum-capitals", "time-numbers", "field-name"}
