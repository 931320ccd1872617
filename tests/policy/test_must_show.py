"""Issue 3, "Must show": an organisation policy that extends a shared policy and a profile.

The team policy adds two CEL rules and one `schema:` constraint, and waives one
AUD001 finding until 2026-12-01. Expected findings are derived from
docs/policy.md and docs/rules.md: POL001 warns from 14 days before expiry, and
after the expiry day the waived finding returns with POL001 as an error on the
exception.
"""

from __future__ import annotations

import pytest

from tests.cli.snapshots import Cli
from tests.policy.support import at, feedback, findings, report

# The shared policy asks for `strict`; the team's later `recommended` must win,
# otherwise MET003/MET004 (strict only) would also fire on the promotions.
SHARED = """\
version: 1
extends: strict
channels:
  email: {cap: {max: 3, per: 7d}, consent: [opt_in, soft_opt_in], unsubscribe: one_click}
  sms: {cap: {max: 2, per: 7d}, consent: [express_written], send_window: {start: "08:00", end: "20:00"}}
total_cap: {max: 6, per: 7d}
"""

POLICY = """\
version: 1
extends: [shared/engagement.yaml, recommended]
custom_rules:
  - id: ORG001
    description: Promotional emails hold back part of the audience to measure lift.
    when: campaign.type == "promotional" && campaign.channel == "email"
    assert: has(campaign.holdout)
    message: "promotional email {id} names no holdout"
    path: type
  - id: ORG002
    severity: error
    description: Cost centres are finance codes starting with CC-.
    when: "'x-cost-center' in campaign"
    assert: "campaign['x-cost-center'].startsWith('CC-')"
    message: "x-cost-center of {id} is {x-cost-center}; it must start with CC-"
    path: x-cost-center
schema:
  required: [x-cost-center]
exceptions:
  - rule: AUD001
    campaigns: [winter-sale]
    reason: Store-wide closing-down sale approved by the CMO (MKT-1234).
    expires: 2026-12-01
"""

PROMOTION = """\
version: 1
id: {id}
name: A promotion
owner: sales-team@example.com
type: promotional
purpose: Sell more winter coats.
customer_value: Warm coats at a lower price before the cold weeks.
channel: email
audience:
  segment: {segment}
  consent: opt_in
  inactive_days_max: 180
trigger:
  schedule: {{start: 2026-11-27, end: 2026-11-30}}
frequency:
  max: 1
  per: 7d
content:
  subject: Winter coats for less
  unsubscribe: one_click
success_metrics: [incremental_conversions]
{extra}"""

# Goes to everyone without exclusions: AUD001, waived by the exception. Clean otherwise.
WINTER_SALE = PROMOTION.format(id="winter-sale", segment="all", extra="holdout: 10%\nx-cost-center: CC-200\n")
# No holdout (ORG001 at `type`) and a cost centre without CC- (ORG002 at its value).
SPRING_PROMO = PROMOTION.format(
    id="spring-promo",
    segment="coat_buyers\n  exclude: [returned_orders]",
    extra="x-cost-center: FIN-7\n",
)
# Clean, but has no x-cost-center: SPEC005 at the campaign mapping (line 1, column 1).
REVIEW = feedback("review-after-delivery")

FILES = {
    "shared/engagement.yaml": SHARED,
    "campaign-lint.yaml": POLICY,
    "campaigns/winter-sale.yaml": WINTER_SALE,
    "campaigns/spring-promo.yaml": SPRING_PROMO,
    "campaigns/review-after-delivery.yaml": REVIEW,
}

ORG001 = ("ORG001", "error", "campaigns/spring-promo.yaml", *at(SPRING_PROMO, "promotional"))
ORG002 = ("ORG002", "error", "campaigns/spring-promo.yaml", *at(SPRING_PROMO, "FIN-7"))
SPEC005 = ("SPEC005", "error", "campaigns/review-after-delivery.yaml", 1, 1)
AUD001 = ("AUD001", "warning", "campaigns/winter-sale.yaml", *at(WINTER_SALE, "all"))
EXCEPTION_AT = at(POLICY, "rule: AUD001")


def pol001(severity: str) -> tuple[str, str, str, int, int]:
    return ("POL001", severity, "campaign-lint.yaml", *EXCEPTION_AT)


@pytest.fixture
def org(repo: Cli) -> Cli:
    repo.write(FILES)
    return repo


def check(repo: Cli, today: str) -> tuple[int, list[tuple[str, str, str, int, int]], dict[str, object]]:
    run = repo.run("check", "--today", today, "--format", "json", "--no-cache")
    assert run.stderr == ""
    data = report(run)
    return run.exit_code, findings(run), data["summary"]


def test_fixture_positions_are_what_the_test_means() -> None:
    # Guards the expectations below against edits of the fixture text.
    assert ORG001[3:] == (5, 7)
    assert ORG002[3:] == (23, 16)  # one line more: the `exclude:` line
    assert AUD001[3:] == (10, 12)
    assert EXCEPTION_AT == (20, 5)


def test_before_the_warning_period_only_the_organisation_rules_report(org: Cli) -> None:
    code, found, summary = check(org, "2026-11-10")
    # Sorted by path, line, column, rule (docs/output.md).
    assert found == [SPEC005, ORG001, ORG002]
    assert code == 1
    assert summary["suppressed"] == 1
    assert summary["errors"] == 3
    assert summary["files"] == 3


def test_waived_finding_stays_away_and_pol001_warns_nine_days_before(org: Cli) -> None:
    code, found, summary = check(org, "2026-11-22")
    assert found == [pol001("warning"), SPEC005, ORG001, ORG002]
    assert code == 1
    assert summary["suppressed"] == 1
    assert summary["warnings"] == 1


def test_pol001_is_a_warning_within_fourteen_days(org: Cli) -> None:
    code, found, _ = check(org, "2026-11-20")
    assert pol001("warning") in found
    assert AUD001 not in found
    assert code == 1


def test_the_expiry_day_is_still_covered(org: Cli) -> None:
    _, found, summary = check(org, "2026-12-01")
    assert found == [pol001("warning"), SPEC005, ORG001, ORG002]
    assert summary["suppressed"] == 1


def test_after_expiry_the_finding_returns_with_pol001(org: Cli) -> None:
    code, found, summary = check(org, "2026-12-02")
    assert found == [pol001("error"), SPEC005, ORG001, ORG002, AUD001]
    assert code == 1
    assert summary["suppressed"] == 0
    assert summary["errors"] == 4
    assert summary["warnings"] == 1


def test_exit_code_follows_the_organisation_rules(org: Cli) -> None:
    # Fix the three errors: only the (waived) warning-level matters now.
    org.write(
        {
            "campaigns/spring-promo.yaml": SPRING_PROMO.replace("FIN-7", "CC-7") + "holdout: 5%\n",
            "campaigns/review-after-delivery.yaml": feedback(
                "review-after-delivery", "x-cost-center: CC-1\n"
            ),
        }
    )
    assert check(org, "2026-11-10")[:2] == (0, [])
    code, found, _ = check(org, "2026-12-02")
    assert found == [pol001("error"), AUD001]
    assert code == 1


def test_messages_fill_placeholders(org: Cli) -> None:
    run = org.run("check", "--today", "2026-11-10", "--format", "json", "--no-cache")
    messages = {f["rule"]: f["message"] for f in report(run)["findings"]}
    assert messages["ORG001"] == "promotional email spring-promo names no holdout"
    assert messages["ORG002"] == "x-cost-center of spring-promo is FIN-7; it must start with CC-"
    assert "x-cost-center" in messages["SPEC005"]


@pytest.mark.parametrize(("today", "warned"), [("2026-11-16", False), ("2026-11-17", True)])
def test_the_warning_starts_fourteen_days_before_expiry(org: Cli, today: str, warned: bool) -> None:
    _, found, _ = check(org, today)
    assert (pol001("warning") in found) is warned
    assert AUD001 not in found
