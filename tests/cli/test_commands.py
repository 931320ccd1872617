"""``rules``, ``explain``, ``schema`` and ``--version``."""

from __future__ import annotations

import json
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
    assert run.stdout.splitlines()[0].split() == ["ID", "NAME", "SEVERITY", "FAMILY", "PROFILE"]
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
