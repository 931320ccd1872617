"""An invalid policy file stops the run: exit 2, one ``path:line:col: message`` line per problem."""

from __future__ import annotations

import re

import pytest

from tests.cli import campaigns
from tests.cli.snapshots import Cli, assert_snapshot

PROBLEM = re.compile(r"^[^\s:]+\.yaml:\d+:\d+: \S.*$")


@pytest.fixture
def repo(cli: Cli) -> Cli:
    cli.write({"campaigns/review-after-delivery.yaml": campaigns.GOOD})
    return cli


@pytest.mark.parametrize(
    ("name", "policy", "expected"),
    [
        ("policy-bad-yaml", "version: 1\nrules: [TIM001\n", "not valid YAML"),
        ("policy-not-a-mapping", "- recommended\n", "mapping"),
        ("policy-unknown-key", "version: 1\nfail_onn: warning\n", "did you mean `fail_on`?"),
        ("policy-unknown-rule", "version: 1\nrules:\n  TIM009: warning\n", "`TIM009` is not a rule"),
        ("policy-bad-option-value", "version: 1\nrules:\n  TIM001: {min_delay: soon}\n", "soon"),
        ("policy-unknown-option", "version: 1\nrules:\n  TIM001: {min_dealy: 3d}\n", "`min_delay`"),
        ("policy-bad-severity", "version: 1\nrules:\n  TIM001: {severity: loud}\n", "loud"),
        ("policy-unknown-profile", "version: 1\nextends: strickt\n", "`strickt` is not a profile"),
        ("policy-missing-extends", "version: 1\nextends: ./team.yaml\n", "does not exist"),
        ("policy-bad-fail-on", "version: 1\nfail_on: loud\n", "loud"),
    ],
)
def test_invalid_policy(repo: Cli, name: str, policy: str, expected: str) -> None:
    repo.write({"campaign-lint.yaml": policy})
    run = repo.run("check", "campaigns")
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert PROBLEM.match(lines[0]), lines[0]
    assert lines[0].startswith("campaign-lint.yaml:")
    assert expected in lines[0]
    assert_snapshot(name, run)


def test_each_problem_on_its_own_line(repo: Cli) -> None:
    repo.write(
        {
            "campaign-lint.yaml": "version: 1\nrules:\n  TIM009: warning\n  MET002: {min_dealy: 3d}\n  FRQ00: off\n"
        }
    )
    run = repo.run("check", "campaigns")
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 3, run.stderr
    assert all(PROBLEM.match(line) for line in lines), run.stderr
    assert_snapshot("policy-several-problems", run)


def test_extends_cycle(repo: Cli) -> None:
    repo.write(
        {
            "campaign-lint.yaml": "version: 1\nextends: policies/team.yaml\n",
            "policies/team.yaml": "extends: ../campaign-lint.yaml\n",
        }
    )
    run = repo.run("check", "campaigns")
    assert run.exit_code == 2
    assert "cycle" in run.stderr
    assert_snapshot("policy-extends-cycle", run)


def test_config_option_names_the_policy(repo: Cli) -> None:
    repo.write({"policies/strict.yaml": "version: 1\nfail_onn: warning\n"})
    run = repo.run("check", "campaigns", "--config", "policies/strict.yaml")
    assert run.exit_code == 2
    assert run.stderr.startswith("policies/strict.yaml:2:1: ")
    assert_snapshot("policy-given-with-config", run)


def test_a_team_policy_that_loosens_a_lock(repo: Cli) -> None:
    repo.write(
        {
            "shared/org.yaml": "version: 1\nextends: strict\nlocked:\n  rules: [MET003, CON001]\n  fail_on: true\n",
            "campaign-lint.yaml": "version: 1\nextends: [shared/org.yaml, recommended]\nrules:\n  CON001: warning\n",
        }
    )
    run = repo.run("check", "campaigns")
    assert (run.exit_code, run.stdout) == (2, "")
    assert all(PROBLEM.match(line) for line in run.stderr.splitlines()), run.stderr
    assert_snapshot("policy-loosens-a-lock", run)
