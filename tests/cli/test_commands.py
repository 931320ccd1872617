"""``rules``, ``explain``, ``schema`` and ``--version``."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from campaign_lint import __version__
from campaign_lint.policies.registry import RULES
from tests.cli.snapshots import Cli, assert_snapshot


def test_version(cli: Cli) -> None:
    run = cli.run("--version")
    assert (run.exit_code, run.stdout, run.stderr) == (0, f"campaign-lint {__version__}\n", "")


def test_rules_table(cli: Cli) -> None:
    run = cli.run("rules")
    assert run.exit_code == 0
    assert run.stdout.splitlines()[0].split() == ["ID", "NAME", "SEVERITY", "FAMILY", "PROFILE", "FIX"]
    assert len(run.stdout.splitlines()) == len(RULES) + 1
    assert_snapshot("rules-table", run)


def test_explain(cli: Cli) -> None:
    run = cli.run("explain", "TIM001")
    assert run.exit_code == 0
    assert run.stdout.startswith("TIM001 ")
    assert_snapshot("explain-tim001", run)


def test_explain_is_case_insensitive(cli: Cli) -> None:
    assert cli.run("explain", "tim001").stdout == cli.run("explain", "TIM001").stdout


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("explain-unknown", ["explain", "TIM999"]),
        ("schema-unknown", ["schema", "campaigns"]),
        ("rules-format-unknown", ["rules", "--format", "json"]),
    ],
)
def test_unknown_argument_exits_2_with_one_line(cli: Cli, name: str, argv: list[str]) -> None:
    run = cli.run(*argv)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1
    assert_snapshot(name, run)


@pytest.mark.parametrize("kind", ["campaign", "policy", "policy-test"])
def test_schema_is_json(cli: Cli, kind: str) -> None:
    run = cli.run("schema", kind)
    assert (run.exit_code, run.stderr) == (0, "")
    schema: dict[str, Any] = json.loads(run.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"


CUSTOM_POLICY = """\
version: 1
extends: company/org.yaml
custom_rules:
  - id: ORG002
    description: Promotions name a budget owner.
    when: campaign.type == "promotional"
    assert: "'x-budget-owner' in campaign"
    message: "promotion {id} has no x-budget-owner"
    path: type
    hint: add x-budget-owner with the owner's email
rules:
  ORG001: warning
"""

SHARED_POLICY = """\
version: 1
custom_rules:
  - id: ORG001
    description: SMS campaigns need legal sign-off.
    when: campaign.channel == "sms"
    assert: "'x-legal-approved' in campaign && campaign['x-legal-approved'] == true"
    message: "SMS campaign {id} has no legal sign-off (x-legal-approved: true)"
"""


def cli_rules_table(cli: Cli) -> list[str]:
    """The `rules` table of a repository without a policy (moved aside for the run)."""
    policy = cli.root / "campaign-lint.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.unlink()
    try:
        return cli.run("rules").stdout.splitlines()
    finally:
        policy.write_text(text, encoding="utf-8")


@pytest.fixture
def custom(cli: Cli) -> Cli:
    """A repository whose policy has a custom rule of its own and one from the policy it extends."""
    cli.write({"campaign-lint.yaml": CUSTOM_POLICY, "company/org.yaml": SHARED_POLICY})
    return cli


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_explain_renders_for_a_terminal(cli: Cli, rule: type[Any]) -> None:
    text = cli.run("explain", rule.id).stdout
    assert "```" not in text
    assert "**" not in text
    assert "](#" not in text


def test_explain_markdown(cli: Cli) -> None:
    run = cli.run("explain", "TIM001", "--format", "markdown")
    assert run.exit_code == 0
    assert run.stdout.startswith("# TIM001: review-before-delivery\n")
    assert "```yaml\n" in run.stdout
    assert_snapshot("explain-tim001-markdown", run)


def test_rules_lists_the_policy_s_custom_rules(custom: Cli) -> None:
    run = custom.run("rules")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[: len(RULES) + 1] == cli_rules_table(custom)  # the built-in table as without a policy
    assert len(lines) == len(RULES) + 1 + 5  # a blank line, a title, a header, two rules
    # Only the custom rules: the built-in table has its own snapshot (rules-table, kept by `make generate`).
    assert_snapshot("rules-table-custom", replace(run, stdout=run.stdout[run.stdout.index("\nCustom") :]))


def test_rules_markdown_documents_the_policy_s_custom_rules(custom: Cli) -> None:
    markdown = custom.run("rules", "--format", "markdown").stdout
    section = markdown[markdown.index("## Custom rules of the policy") :]
    assert (
        "| [ORG001](#org001) | warning | `company/org.yaml:3:5` | SMS campaigns need legal sign-off. |"
        in section
    )
    assert "### ORG002\n" in section
    assert "```cel\n'x-budget-owner' in campaign\n```" in section


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("explain-custom-rule", ["explain", "org001"]),
        ("explain-custom-rule-markdown", ["explain", "ORG002", "--format", "markdown"]),
        ("explain-custom-rule-unknown", ["explain", "ORG003"]),
        ("explain-format-unknown", ["explain", "TIM001", "--format", "html"]),
    ],
)
def test_explain_a_custom_rule(custom: Cli, name: str, argv: list[str]) -> None:
    run = custom.run(*argv)
    assert run.exit_code == (2 if "unknown" in name else 0)
    assert_snapshot(name, run)


def test_explain_a_custom_rule_of_a_policy_given_with_config(cli: Cli) -> None:
    cli.write({"policies/team.yaml": CUSTOM_POLICY.replace("company/org.yaml", "../company/org.yaml")})
    cli.write({"company/org.yaml": SHARED_POLICY})
    run = cli.run("explain", "ORG001", "--config", "policies/team.yaml")
    assert run.exit_code == 0
    assert "Severity: warning   Defined in: company/org.yaml:3:5" in run.stdout
