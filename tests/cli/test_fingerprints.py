"""Fingerprints of SARIF and GitLab findings: built from what a finding means, so alerts keep their state.

Code scanning and GitLab match a finding to last run's by its fingerprint: a
fingerprint that moves closes the alert, opens a new one and loses its
dismissal. A fingerprint is built from the rule and what the finding is
about (the campaign id and YAML path, or a portfolio finding's subject),
never from the message, which counts other campaigns.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.cli.reporters import fingerprint_key, fingerprints
from campaign_lint.core.findings import Finding, Severity, Span, subject
from tests.cli.snapshots import Cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = ("--today", "2026-11-22")
BLACK_FRIDAY = "campaigns/black-friday-avalanche.yaml"


@pytest.fixture
def repo(cli: Cli) -> Cli:
    shutil.copytree(
        EXAMPLES, cli.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".campaign-lint-cache")
    )
    return cli


def sarif_results(cli: Cli) -> list[dict[str, Any]]:
    run = cli.run("check", "--no-cache", *TODAY, "--format", "sarif")
    assert run.exit_code == 1, run.stderr
    results: list[dict[str, Any]] = json.loads(run.stdout)["runs"][0]["results"]
    return results


def gitlab_issues(cli: Cli) -> list[dict[str, Any]]:
    run = cli.run("check", "--no-cache", *TODAY, "--format", "gitlab")
    assert run.exit_code == 1, run.stderr
    issues: list[dict[str, Any]] = json.loads(run.stdout)
    return issues


def by_rule_and_campaign(results: list[dict[str, Any]]) -> dict[tuple[str, str, int], tuple[str, str]]:
    """SARIF results as {(rule, campaign or path, ordinal): (fingerprint, message)}."""
    out: dict[tuple[str, str, int], tuple[str, str]] = {}
    for result in results:
        location = result["locations"][0]
        names = location.get("logicalLocations") or [
            {"name": location["physicalLocation"]["artifactLocation"]["uri"]}
        ]
        key = (result["ruleId"], names[0]["name"], 0)
        while key in out:
            key = (key[0], key[1], key[2] + 1)
        out[key] = (result["partialFingerprints"]["campaignLint/v2"], result["message"]["text"])
    return out


def edit(cli: Cli, name: str, old: str, new: str) -> None:
    path = cli.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_sending_one_campaign_less_often_keeps_the_other_findings_fingerprints(repo: Cli) -> None:
    before = by_rule_and_campaign(sarif_results(repo))
    gitlab_before = {(i["check_name"], i["location"]["path"]): i["fingerprint"] for i in gitlab_issues(repo)}
    # The daily deal every other day: fewer emails in the worst week, still over the cap.
    edit(repo, BLACK_FRIDAY, "    every: 1d", "    every: 2d")
    after = by_rule_and_campaign(sarif_results(repo))
    gitlab_after = {(i["check_name"], i["location"]["path"]): i["fingerprint"] for i in gitlab_issues(repo)}
    portfolio = ("FRQ003", "black-friday-avalanche", 0)
    # The FRQ003 finding on another campaign says another total, and keeps its fingerprint.
    assert before[portfolio][1] != after[portfolio][1]
    assert before[portfolio][0] == after[portfolio][0]
    assert set(before) == set(after)
    assert {key: value[0] for key, value in before.items()} == {key: value[0] for key, value in after.items()}
    assert gitlab_before == gitlab_after


def test_a_portfolio_finding_that_moves_to_another_campaign_keeps_its_fingerprint(repo: Cli) -> None:
    before = by_rule_and_campaign(sarif_results(repo))
    # FRQ003 is shown on the campaign that sends most in the worst week: a
    # daily campaign that nothing stops sends more, and takes the finding.
    text = (repo.root / BLACK_FRIDAY).read_text(encoding="utf-8")
    daily = (
        text.replace("id: black-friday-avalanche", "id: daily-tips")
        .replace("  stop_when: [order.placed]\n", "")
        .replace("    end: 2026-11-30\n", "    end: 2026-12-31\n")
    )
    (repo.root / "campaigns/daily-tips.yaml").write_text(daily, encoding="utf-8")
    after = by_rule_and_campaign(sarif_results(repo))
    assert ("FRQ003", "black-friday-avalanche", 0) in before
    assert ("FRQ003", "black-friday-avalanche", 0) not in after
    moved = after[("FRQ003", "daily-tips", 0)]
    assert moved[0] == before[("FRQ003", "black-friday-avalanche", 0)][0]


def test_a_fingerprint_is_the_rule_and_what_the_finding_is_about() -> None:
    span = Span(3, 1, 3, 9)
    campaign = Finding("FRQ002", Severity.ERROR, "7 per week", "a.yaml", span, "a", yaml_path=("frequency",))
    reworded = Finding(
        "FRQ002", Severity.ERROR, "8 per week", "b.yaml", Span(9, 1, 9, 2), "a", None, (), ("frequency",)
    )
    assert fingerprint_key(campaign) == ["FRQ002", ["campaign", "a"], ["frequency"]]
    assert fingerprints([campaign]) == fingerprints([reworded])
    # Another YAML path, campaign or rule is another finding.
    for other in (
        Finding("FRQ002", Severity.ERROR, "7 per week", "a.yaml", span, "a", yaml_path=("trigger",)),
        Finding("FRQ002", Severity.ERROR, "7 per week", "a.yaml", span, "b", yaml_path=("frequency",)),
        Finding("FRQ001", Severity.ERROR, "7 per week", "a.yaml", span, "a", yaml_path=("frequency",)),
    ):
        assert fingerprints([other]) != fingerprints([campaign])
    # A finding outside any campaign (a policy file) is keyed on its path.
    policy = Finding("POL001", Severity.WARNING, "expires", "campaign-lint.yaml", span)
    assert fingerprint_key(policy) == ["POL001", ["path", "campaign-lint.yaml"], []]


def test_a_subject_replaces_the_campaign_in_the_fingerprint() -> None:
    email = subject(channel="email", window="7d", persona=None)
    assert email == (("channel", "email"), ("window", "7d"))
    on_a = Finding("FRQ003", Severity.ERROR, "10 a week", "a.yaml", Span(1, 1, 1, 2), "a", subject=email)
    on_b = Finding("FRQ003", Severity.ERROR, "4 a week", "b.yaml", Span(7, 1, 7, 2), "b", subject=email)
    assert fingerprint_key(on_a) == ["FRQ003", ["subject", [["channel", "email"], ["window", "7d"]]]]
    assert fingerprints([on_a]) == fingerprints([on_b])
    # A persona (or any other part) makes another subject; the order parts are given in does not count.
    shopper = subject(persona="bargain hunter", window="7d", channel="email")
    assert shopper == (("channel", "email"), ("persona", "bargain hunter"), ("window", "7d"))
    on_shopper = Finding("FRQ003", Severity.ERROR, "m", "a.yaml", Span(1, 1, 1, 2), "a", subject=shopper)
    assert fingerprints([on_shopper]) != fingerprints([on_a])
    # Two findings of one subject stay apart.
    assert len(set(fingerprints([on_a, on_b]))) == 2
