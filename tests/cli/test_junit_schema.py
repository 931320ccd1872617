"""JUnit XML as Jenkins reads it: valid against the xunit plugin's junit-10.xsd (kept in tests/data).

Jenkins' xUnit plugin validates a JUnit report against this schema and
rejects what it does not allow (``file`` and ``line`` on a test case,
``skipped`` on ``<testsuites>``). Both JUnit reports are checked: ``check
--format junit`` and ``test --format junit``.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from campaign_lint.cli.reporters.junit import classname, render
from campaign_lint.core.findings import Finding, Severity, Span
from campaign_lint.lint.report import Report
from tests.cli.snapshots import Cli

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
JENKINS_SCHEMA = DATA / "junit-10.xsd"


@pytest.fixture(scope="module")
def jenkins() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(JENKINS_SCHEMA))


def assert_valid(schema: xmlschema.XMLSchema, text: str) -> None:
    errors = [f"{error.path}: {error.reason}" for error in schema.iter_errors(text)]
    assert errors == []


def test_the_schema_is_jenkins_with_its_notice() -> None:
    text = JENKINS_SCHEMA.read_text(encoding="utf-8")
    assert "The MIT License (MIT)" in text
    assert "Copyright (c) 2014, Gregory Boissinot" in text
    notice = (DATA / "NOTICE.md").read_text(encoding="utf-8")
    assert "## junit-10.xsd" in notice
    assert "jenkinsci/xunit-plugin" in notice


def test_the_schema_rejects_what_jenkins_rejects(jenkins: xmlschema.XMLSchema) -> None:
    """The test below can fail: the attributes the old report wrote are errors."""
    bad = (
        '<testsuites name="x" skipped="0"><testsuite name="a" tests="1" failures="0" errors="0">'
        '<testcase classname="a" name="n" file="a.yaml" line="3"/></testsuite></testsuites>'
    )
    reasons = " ".join(str(error.reason) for error in jenkins.iter_errors(bad))
    for attribute in ("skipped", "file", "line"):
        assert f"'{attribute}'" in reasons


@pytest.mark.parametrize("extra", [(), ("--show-suppressed",), ("--fail-on", "info")])
def test_check_junit_is_valid_for_jenkins(
    cli: Cli, jenkins: xmlschema.XMLSchema, extra: tuple[str, ...]
) -> None:
    shutil.copytree(
        EXAMPLES, cli.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".campaign-lint-cache")
    )
    run = cli.run("check", "--no-cache", "--today", "2026-11-22", "--format", "junit", *extra)
    assert run.exit_code == 1
    root = ET.fromstring(run.stdout)
    assert root.findall(".//failure")
    assert root.findall(".//system-out") if "--fail-on" not in extra else not root.findall(".//system-out")
    assert_valid(jenkins, run.stdout)


def test_clean_and_hostile_junit_is_valid_for_jenkins(jenkins: xmlschema.XMLSchema) -> None:
    hostile = Finding(
        "CUS001", Severity.WARNING, "a <b>&\n\x01 \x1b[2J", "c/a&b <c>.v2.yaml", Span(3, 4, 3, 9)
    )
    assert_valid(jenkins, render(Report([hostile], 1, 0.0, paths=(hostile.path,))))
    assert_valid(jenkins, render(Report([], 1, 0.0, paths=("campaigns/clean.yaml",))))


def test_policy_test_junit_is_valid_for_jenkins(cli: Cli, jenkins: xmlschema.XMLSchema) -> None:
    shutil.copytree(
        EXAMPLES, cli.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".campaign-lint-cache")
    )
    run = cli.run("test", "policy-tests", "--format", "junit")
    assert run.exit_code == 0, run.stderr
    assert_valid(jenkins, run.stdout)
    root = ET.fromstring(run.stdout)
    names = {case.get("classname", "") for case in root.iter("testcase")}
    suites = {suite.get("file", "") for suite in root.iter("testsuite")}
    assert suites
    assert all(path.endswith(".test.yaml") for path in suites)
    # Jenkins splits a classname at its last dot: a test file's classname has none.
    assert names == {classname(path) for path in suites}
    assert all(name and "." not in name for name in names)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("campaigns/spring-sale.yaml", "campaigns/spring-sale"),
        ("campaigns/spring-sale.yml", "campaigns/spring-sale"),
        ("policy-tests/engagement.test.yaml", "policy-tests/engagement_test"),
        ("campaigns/v1.2/sale.yaml", "campaigns/v1_2/sale"),
        ("campaign-lint.yaml", "campaign-lint"),
    ],
)
def test_a_classname_is_the_path_without_a_dot(path: str, expected: str) -> None:
    assert classname(path) == expected
