"""Narrowed runs: files named by pre-commit, and ``--changed-since REF``.

Portfolio rules must still see every campaign; only findings involving the
narrowed files are reported.
"""

from __future__ import annotations

import pytest

from tests.cli.campaigns import DUPLICATE_ID, GOOD, SHIPPED
from tests.cli.snapshots import Cli
from tests.helpers import git

POLICY = 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'
PORTFOLIO = {
    "campaign-lint.yaml": POLICY,
    "campaigns/a-shipped.yaml": SHIPPED,  # TIM001, MET002
    "campaigns/b-duplicate.yaml": DUPLICATE_ID,  # same id as a: SPEC003
    "campaigns/c-good.yaml": GOOD.replace("review-after-delivery", "review-good"),
    ".github/workflows/ci.yaml": "on: push\njobs: {}\n",
}


def _rules(stdout: str) -> list[tuple[str, str]]:
    """(file, rule) of each finding line of the text output."""
    found = []
    for line in stdout.splitlines():
        head, _, rest = line.partition(": ")
        if head.count(":") == 2 and not line.startswith(" ") and rest[:1] != "`":
            found.append((head.split(":")[0], rest.split()[0]))
    return found


def test_named_file_reports_portfolio_findings_that_involve_it(cli: Cli) -> None:
    cli.write(PORTFOLIO)
    run = cli.run("check", "campaigns/b-duplicate.yaml")
    assert run.exit_code == 1
    assert "SPEC003" in run.stdout
    # a-shipped's own findings are not about the named file.
    assert "TIM001" not in run.stdout
    assert "in 1 file" in run.stdout


def test_named_clean_file_is_clean_even_when_others_are_not(cli: Cli) -> None:
    cli.write(PORTFOLIO)
    run = cli.run("check", "campaigns/c-good.yaml")
    assert run.exit_code == 0, run.stdout
    assert "All clear: no findings in 1 file" in run.stdout


def test_force_exclude_leaves_other_yaml_alone(cli: Cli) -> None:
    cli.write(PORTFOLIO)
    run = cli.run("check", "--force-exclude", ".github/workflows/ci.yaml")
    assert run.exit_code == 0
    assert run.stderr == "No campaign files among the given paths; nothing to check.\n"
    assert "in 0 files" in run.stdout


def test_without_force_exclude_a_named_non_campaign_is_linted(cli: Cli) -> None:
    cli.write(PORTFOLIO)
    run = cli.run("check", ".github/workflows/ci.yaml")
    assert run.exit_code == 1
    assert "SPEC002" in run.stdout


def test_force_exclude_skips_deleted_files(cli: Cli) -> None:
    cli.write(PORTFOLIO)
    run = cli.run("check", "--force-exclude", "campaigns/gone.yaml", "campaigns/c-good.yaml")
    assert run.exit_code == 0, run.stdout
    assert "in 1 file" in run.stdout


def test_named_policy_file_checks_everything(cli: Cli) -> None:
    cli.write(PORTFOLIO)
    run = cli.run("check", "--force-exclude", "campaign-lint.yaml", "campaigns/c-good.yaml")
    assert run.exit_code == 1
    assert {rule for _, rule in _rules(run.stdout)} >= {"TIM001", "SPEC003"}
    assert "in 3 files" in run.stdout


@pytest.fixture
def repo(cli: Cli) -> Cli:
    """The portfolio committed in a real git repository."""
    (cli.root / ".git").rmdir()
    cli.write(PORTFOLIO)
    git(cli.root, "init", "-q", "-b", "main")
    git(cli.root, "add", ".")
    git(cli.root, "commit", "-q", "-m", "portfolio")
    return cli


def test_changed_since_reports_only_changed_campaigns(repo: Cli) -> None:
    run = repo.run("check", "--changed-since", "HEAD")
    assert run.exit_code == 0
    assert run.stderr == "No changed campaign files; nothing to check.\n"
    # Change the clean campaign: its new finding is reported, the others' are not.
    good = repo.root / "campaigns/c-good.yaml"
    good.write_text(good.read_text().replace("event: order.delivered", "event: order.shipped"))
    run = repo.run("check", "--changed-since", "HEAD")
    assert run.exit_code == 1
    assert _rules(run.stdout) == [
        ("campaigns/c-good.yaml", "TIM001"),
    ]
    assert "in 1 file" in run.stdout


def test_changed_since_includes_new_untracked_campaigns(repo: Cli) -> None:
    repo.write({"campaigns/d-new.yaml": SHIPPED.replace("review-on-shipment", "review-new")})
    run = repo.run("check", "--changed-since", "HEAD", "--select", "TIM001")
    assert _rules(run.stdout) == [("campaigns/d-new.yaml", "TIM001")]


def test_changed_since_policy_change_checks_everything(repo: Cli) -> None:
    (repo.root / "campaign-lint.yaml").write_text(POLICY + "fail_on: error\n")
    run = repo.run("check", "--changed-since", "HEAD")
    assert "in 3 files" in run.stdout
    assert "TIM001" in run.stdout


def test_changed_since_unknown_ref_is_a_usage_error(repo: Cli) -> None:
    run = repo.run("check", "--changed-since", "no-such-branch")
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1
    assert "`no-such-branch` is not a commit, branch or tag" in run.stderr


def test_changed_since_outside_git_is_a_usage_error(cli: Cli) -> None:
    (cli.root / ".git").rmdir()
    cli.write(PORTFOLIO)
    run = cli.run("check", "--changed-since", "HEAD")
    assert run.exit_code == 2
    assert "git failed" in run.stderr
    assert "Traceback" not in run.stderr


EXPIRED = POLICY + (
    "exceptions:\n"
    "  - rule: TIM001\n"
    "    campaigns: [review-on-shipment]\n"
    "    reason: Carrier confirms delivery the same day (MKT-9).\n"
    "    expires: 2026-10-31\n"
)


def test_naming_the_whole_portfolio_still_reports_policy_findings(cli: Cli) -> None:
    """`check campaigns/` covers every campaign: an expired exception is reported as without paths."""
    cli.write({**PORTFOLIO, "campaign-lint.yaml": EXPIRED})
    everything = cli.run("check", "--today", "2026-11-22")
    named = cli.run("check", "campaigns/", "--today", "2026-11-22")
    assert "campaign-lint.yaml:" in everything.stdout
    assert "POL001" in everything.stdout
    assert named.normalised(named.stdout) == everything.normalised(everything.stdout)
    assert named.exit_code == everything.exit_code == 1


def test_suppressions_of_rules_switched_off_on_the_command_line_are_not_stale(cli: Cli) -> None:
    suppressed = SHIPPED.replace(
        "  event: order.shipped",
        "  event: order.shipped  # campaign-lint: disable=TIM001 -- same-day carrier",
    )
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/a.yaml": suppressed})
    assert "POL003" not in cli.run("check").stdout
    run = cli.run("check", "--ignore", "TIM001")
    assert "POL003" not in run.stdout
    run = cli.run("check", "--select", "POL003")
    assert "POL003" not in run.stdout
    unused = suppressed.replace("order.shipped  #", "order.delivered  #")
    cli.write({"campaigns/a.yaml": unused})
    assert (
        "this suppression of TIM001 silences nothing" in cli.run("check", "--select", "TIM001,POL003").stdout
    )


def test_exceptions_for_rules_switched_off_on_the_command_line_are_not_unused(cli: Cli) -> None:
    cli.write({**PORTFOLIO, "campaign-lint.yaml": EXPIRED.replace("2026-10-31", "2027-03-31")})
    assert "POL002" not in cli.run("check", "--today", "2026-11-22").stdout
    assert "POL002" not in cli.run("check", "--select", "SPEC003,POL002", "--today", "2026-11-22").stdout
    fixed = cli.run("check", "--select", "SPEC003,POL002", "--today", "2026-11-22", "--ignore", "SPEC003")
    assert "POL002" not in fixed.stdout
