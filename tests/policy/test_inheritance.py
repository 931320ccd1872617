"""``extends``: layers override key by key, paths resolve from the including file, origins are shown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from campaign_lint.core.findings import Severity
from campaign_lint.lint.config import Settings, load_settings
from campaign_lint.schemas.campaign import Channel
from tests.cli.snapshots import Cli
from tests.policy.support import feedback, findings, report

FIRST = """\
version: 1
channels:
  email:
    cap: {max: 2, per: 7d}
    consent: [soft_opt_in]
fail_on: warning
"""

SECOND = """\
version: 1
extends: strict
channels:
  email:
    cap: {max: 5, per: 7d}
"""

TOP = """\
version: 1
extends: [policies/first.yaml, policies/second.yaml]
total_cap: {max: 6, per: 7d}
rules:
  MET002: info
"""


def settings_of(root: Path) -> Settings:
    return load_settings(root / "campaign-lint.yaml", root, today=date(2026, 11, 22))


@pytest.fixture
def layered(repo: Cli) -> Cli:
    repo.write({"policies/first.yaml": FIRST, "policies/second.yaml": SECOND, "campaign-lint.yaml": TOP})
    return repo


def test_later_entries_override_earlier_ones_key_by_key(layered: Cli) -> None:
    settings = settings_of(layered.root)
    email = settings.view.channels[Channel.EMAIL]
    assert email.cap is not None
    assert (email.cap.max, str(email.cap.per)) == (5, "7d")  # second.yaml wins for the cap...
    assert email.consent == ["soft_opt_in"]  # ...while the consent of first.yaml is kept
    assert settings.fail_on is Severity.WARNING  # only first.yaml says it
    assert settings.profile == "strict"
    assert settings.view.total_cap is not None
    assert settings.view.total_cap.max == 6
    assert settings.rules["MET002"].severity is Severity.INFO


def test_the_including_file_overrides_what_it_extends(layered: Cli) -> None:
    layered.write({"campaign-lint.yaml": TOP + "channels:\n  email: {cap: {max: 1, per: 7d}}\n"})
    email = settings_of(layered.root).view.channels[Channel.EMAIL]
    assert email.cap is not None
    assert email.cap.max == 1
    assert email.consent == ["soft_opt_in"]


def test_overridden_values_change_the_findings(layered: Cli) -> None:
    # 4 emails a week: over first.yaml's cap of 2, within the effective cap of 5 (FRQ002);
    # `opt_in` is not in the inherited consent list [soft_opt_in] (CON001).
    campaign = feedback("review").replace("max: 1\n  per: 30d", "max: 4\n  per: 7d")
    layered.write({"campaigns/review.yaml": campaign})
    found = {rule for rule, *_ in findings(layered.run("check", "--format", "json", "--no-cache"))}
    assert "FRQ002" not in found
    assert "CON001" in found
    layered.write({"policies/second.yaml": SECOND.replace("max: 5", "max: 3")})
    found = {rule for rule, *_ in findings(layered.run("check", "--format", "json", "--no-cache"))}
    assert "FRQ002" in found


def test_the_last_profile_named_wins(repo: Cli) -> None:
    repo.write(
        {
            "company/engagement.yaml": "version: 1\nextends: strict\n",
            "campaign-lint.yaml": "version: 1\nextends: [company/engagement.yaml, recommended]\n",
        }
    )
    settings = settings_of(repo.root)
    assert settings.profile == "recommended"
    assert "MET003" not in settings.rules  # a strict-only rule
    repo.write({"campaign-lint.yaml": "version: 1\nextends: [recommended, company/engagement.yaml]\n"})
    settings = settings_of(repo.root)
    assert settings.profile == "strict"
    assert "MET003" in settings.rules


def test_chains_resolve_relative_to_the_including_file(repo: Cli) -> None:
    repo.write(
        {
            "campaign-lint.yaml": "version: 1\nextends: teams/eu/team.yaml\n",
            "teams/eu/team.yaml": "version: 1\nextends: [../../company/base.yaml, local.yaml]\n",
            "teams/eu/local.yaml": "version: 1\ntotal_cap: {max: 4, per: 7d}\n",
            "company/base.yaml": "version: 1\nextends: caps/email.yaml\n",
            "company/caps/email.yaml": "version: 1\nchannels:\n  email: {cap: {max: 2, per: 7d}}\n",
            # Decoys at the paths a resolution from the repository root would find.
            "local.yaml": "version: 1\ntotal_cap: {max: 40, per: 7d}\n",
            "caps/email.yaml": "version: 1\nchannels:\n  email: {cap: {max: 20, per: 7d}}\n",
        }
    )
    settings = settings_of(repo.root)
    assert settings.view.total_cap is not None
    assert settings.view.total_cap.max == 4
    email = settings.view.channels[Channel.EMAIL]
    assert email.cap is not None
    assert email.cap.max == 2


def test_custom_rules_and_exceptions_add_up_across_layers(repo: Cli) -> None:
    rule = (
        "custom_rules:\n  - id: {id}\n    description: A rule of the {who}.\n"
        '    assert: "true"\n    message: never\n'
    )
    repo.write(
        {
            "shared.yaml": "version: 1\n"
            + rule.format(id="ORG001", who="company")
            + "unsuppressible: [CON001]\n",
            "campaign-lint.yaml": "version: 1\nextends: shared.yaml\n"
            + rule.format(id="ORG002", who="team")
            + "unsuppressible: [TIM002]\n",
        }
    )
    settings = settings_of(repo.root)
    assert [r.id for r in settings.custom_rules] == ["ORG001", "ORG002"]
    assert settings.unsuppressible == {"CON001", "TIM002"}


def show(repo: Cli) -> list[str]:
    run = repo.run("check", "--show-policy")
    assert run.exit_code == 0
    assert run.stderr == ""
    return run.stdout.splitlines()


def test_show_policy_names_the_origin_of_each_value(layered: Cli) -> None:
    lines = [line.strip() for line in show(layered)]
    assert "profile: strict  # policies/second.yaml:2:10" in lines
    assert "fail_on: warning  # policies/first.yaml:6:10" in lines
    assert "max: 5  # policies/second.yaml:5:16" in lines
    assert "consent: [soft_opt_in]  # policies/first.yaml:5:14" in lines
    assert "max: 6  # campaign-lint.yaml:3:18" in lines
    assert "MET002: info  # campaign-lint.yaml:5:11" in lines
    files = next(line for line in lines if line.startswith("# Files:"))
    for name in ("campaign-lint.yaml", "policies/first.yaml", "policies/second.yaml"):
        assert name in files


def test_show_policy_without_a_policy_file_shows_the_defaults(repo: Cli) -> None:
    lines = show(repo)
    assert "profile: recommended  # built-in default" in lines
    assert any(line.startswith("  email: ") and '"one_click"' in line for line in lines)


def test_show_policy_enabled_rules_name_the_file_that_changed_them(layered: Cli) -> None:
    lines = [line.strip() for line in show(layered)]
    enabled = lines[lines.index("enabled_rules:") + 1 :]
    assert "MET002: info  # campaign-lint.yaml:5:11" in enabled


def test_a_file_the_policy_extends_is_never_a_campaign(repo: Cli) -> None:
    # `*.yaml` matches the shared policy too; it is read as policy, not linted as a campaign.
    repo.write(
        {
            "company/org.yaml": "version: 1\nextends: strict\nchannels:\n  email: {cap: {max: 3, per: 7d}}\n",
            "teams/eu.yaml": "version: 1\nextends: ../company/org.yaml\n",
            "campaign-lint.yaml": 'version: 1\nextends: teams/eu.yaml\ncampaigns: ["*.yaml"]\n',
            "review.yaml": feedback("review"),
        }
    )
    for argv in (
        [],
        ["review.yaml"],
        ["company/org.yaml"],
        ["--force-exclude", "--", "teams/eu.yaml", "review.yaml"],
    ):
        data = report(repo.run("check", "--format", "json", "--no-cache", *argv))
        assert [f["path"] for f in data["findings"] if f["rule"].startswith("SPEC")] == [], argv
        assert data["summary"]["files"] == 1, argv


def test_a_policy_given_with_config_is_never_a_campaign(repo: Cli) -> None:
    repo.write(
        {
            "policies/base.yaml": "version: 1\nextends: strict\n",
            "team-policy.yaml": 'version: 1\nextends: policies/base.yaml\ncampaigns: ["**/*.yaml"]\n',
            "review.yaml": feedback("review"),
        }
    )
    run = repo.run("check", "--config", "team-policy.yaml", "--format", "json", "--no-cache")
    data = report(run)
    assert {f["path"] for f in data["findings"]} <= {"review.yaml"}
    assert data["summary"]["files"] == 1
