"""Custom CEL rules (`campaign` and `policy` bound) and `schema:` constraints (SPEC005)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.snapshots import Cli
from tests.policy.support import at, feedback, report

RULE = """\
  - id: {id}
    severity: {severity}
    description: {description}
    when: {when}
    assert: {assert_}
    message: "{message}"
    path: {path}
"""


def rule(
    rule_id: str = "ORG001",
    *,
    assert_: str,
    when: str = "'true'",
    severity: str = "error",
    message: str = "{id} breaks the rule",
    path: str = "id",
) -> str:
    return RULE.format(
        id=rule_id,
        severity=severity,
        description="An organisation rule.",
        when=when,
        assert_=assert_,
        message=message,
        path=path,
    ).replace("    when: 'true'\n", "")


def lint(repo: Cli, policy: str, campaign: str, *args: str) -> tuple[int, list[dict[str, Any]]]:
    repo.write({"campaign-lint.yaml": policy, "campaigns/review.yaml": campaign})
    run = repo.run("check", "--format", "json", "--no-cache", *args)
    assert run.stderr == "", run.stderr
    return run.exit_code, report(run)["findings"]


def brief(found: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    return [(f["rule"], f["severity"], f["line"], f["column"]) for f in found]


# Twice the campaign's cap must fit in the channel cap of the effective policy.
HALF_THE_CAP = '"campaign.frequency.max * 2 <= policy.channels[campaign.channel].cap.max"'
TWICE_A_WEEK = feedback("review").replace("max: 1\n  per: 30d", "max: 2\n  per: 30d")


def test_policy_is_the_effective_policy_with_channel_defaults(repo: Cli) -> None:
    policy = "version: 1\ncustom_rules:\n" + rule(assert_=HALF_THE_CAP, path="frequency.max")
    # Default email cap: 3 per 7 days. 1 * 2 <= 3 holds, 2 * 2 <= 3 does not.
    assert lint(repo, policy, feedback("review")) == (0, [])
    code, found = lint(repo, policy, TWICE_A_WEEK)
    assert brief(found) == [("ORG001", "error", *at(TWICE_A_WEEK, "2\n  per"))]
    assert code == 1
    raised = policy + "channels:\n  email: {cap: {max: 4, per: 7d}}\n"
    assert lint(repo, raised, TWICE_A_WEEK) == (0, [])


def test_message_placeholders_and_severity(repo: Cli) -> None:
    policy = "version: 1\ncustom_rules:\n" + rule(
        assert_=HALF_THE_CAP,
        severity="warning",
        message="{id} sends {frequency.max} per {frequency.per} on {channel}; {no.such}",
        path="frequency",
    )
    code, found = lint(repo, policy, TWICE_A_WEEK)
    assert found[0]["message"] == "review sends 2 per 30d on email; ?"
    assert found[0]["severity"] == "warning"
    assert code == 0


def test_when_that_cannot_be_evaluated_means_the_rule_does_not_apply(repo: Cli) -> None:
    policy = "version: 1\ncustom_rules:\n" + rule(
        when="\"campaign.placement == 'checkout'\"", assert_='"false"'
    )
    assert lint(repo, policy, feedback("review")) == (0, [])


def test_assert_that_cannot_be_evaluated_fails(repo: Cli) -> None:
    policy = "version: 1\ncustom_rules:\n" + rule(assert_="\"campaign.holdout == '10%'\"", path="type")
    campaign = feedback("review")
    _, found = lint(repo, policy, campaign)
    assert brief(found) == [("ORG001", "error", *at(campaign, "feedback"))]
    assert "could not check" in found[0]["message"]
    assert "holdout" in found[0]["message"]


def test_x_keys_are_visible_to_cel(repo: Cli) -> None:
    policy = "version: 1\ncustom_rules:\n" + rule(
        assert_="\"campaign['x-cost-center'].startsWith('CC-')\"", path="x-cost-center"
    )
    assert lint(repo, policy, feedback("review", "x-cost-center: CC-1\n")) == (0, [])
    campaign = feedback("review", "x-cost-center: FIN-1\n")
    assert brief(lint(repo, policy, campaign)[1]) == [("ORG001", "error", *at(campaign, "FIN-1"))]


def test_custom_ids_work_with_select_ignore_and_rules(repo: Cli) -> None:
    policy = "version: 1\ncustom_rules:\n" + rule(assert_='"false"')
    campaign = feedback("review").replace("[problems_resolved, repeat_purchase_rate]", "[opens]")
    assert [f["rule"] for f in lint(repo, policy, campaign)[1]] == ["ORG001", "MET002"]
    assert [f["rule"] for f in lint(repo, policy, campaign, "--select", "ORG001")[1]] == ["ORG001"]
    assert [f["rule"] for f in lint(repo, policy, campaign, "--ignore", "ORG001")[1]] == ["MET002"]
    off = policy + "rules:\n  ORG001: off\n"
    assert [f["rule"] for f in lint(repo, off, campaign)[1]] == ["MET002"]
    lowered = policy + "rules:\n  ORG001: info\n"
    assert brief(lint(repo, lowered, campaign)[1])[0][:2] == ("ORG001", "info")


SCHEMA = """\
version: 1
schema:
  required: [x-cost-center]
  properties:
    x-cost-center: {type: string, pattern: "^CC-"}
    x-tags: {type: array, items: {type: string}}
"""


def test_schema_required_points_at_the_campaign_mapping(repo: Cli) -> None:
    _, found = lint(repo, SCHEMA, feedback("review"))
    assert brief(found) == [("SPEC005", "error", 1, 1)]
    assert "x-cost-center" in found[0]["message"]


def test_schema_constraints_on_x_fields_point_at_the_value(repo: Cli) -> None:
    # `x-` names inside the policy's `schema:` are campaign fields, not policy extensions.
    campaign = feedback("review", "x-cost-center: FIN-1\nx-tags: [winter, 3]\n")
    code, found = lint(repo, SCHEMA, campaign)
    assert brief(found) == [
        ("SPEC005", "error", *at(campaign, "FIN-1")),
        ("SPEC005", "error", *at(campaign, "3]")),
    ]
    assert code == 1
    assert lint(repo, SCHEMA, feedback("review", "x-cost-center: CC-1\nx-tags: [winter]\n")) == (0, [])


def test_an_invalid_schema_is_a_policy_error(repo: Cli) -> None:
    repo.write(
        {
            "campaign-lint.yaml": "version: 1\nschema:\n  type: 12\n",
            "campaigns/review.yaml": feedback("review"),
        }
    )
    run = repo.run("check")
    assert run.exit_code == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("campaign-lint.yaml:3:9: `schema` is not a valid JSON Schema")


@pytest.mark.parametrize(
    ("variable", "expressions", "fields"),
    [
        ("campaign", ["campaign.channel == 'sms'", "campaign.frequency.max <= 2"], {"channel", "frequency"}),
        (
            "campaign",
            ["'x-cost-center' in campaign && campaign['x-cost-center'].startsWith('CC-')"],
            {"x-cost-center"},
        ),
        ("campaign", ['has(campaign.trigger) && campaign ["x-a"] == 1'], {"trigger", "x-a"}),
        ("campaign", ["campaign.data_collection.all(f, 'purpose' in f)"], {"data_collection"}),
        ("campaign", ["size(campaign) > 3"], None),
        ("campaign", ["campaign[policy.key] == 1"], None),
        ("policy", ["campaign.frequency.max * 2 <= policy.channels[campaign.channel].max"], {"channels"}),
        ("policy", ["campaign.owner != ''"], set()),
        ("policy", ["'profile' in policy && policy.profile == 'strict'"], {"profile"}),
        ("policy", ["size(policy) > 0"], None),
        ("policy", ["campaign.note == 'policy'"], None),
    ],
)
def test_only_the_fields_rules_read_are_handed_to_cel(
    variable: str, expressions: list[str], fields: set[str] | None
) -> None:
    from campaign_lint.policies.custom import referenced_fields

    found = referenced_fields(expressions, variable)
    assert (None if found is None else set(found)) == fields


@pytest.mark.parametrize(
    "head",
    ["", "# yaml-language-server: $schema=../schema.json\n# A review request.\n"],
    ids=["plain", "after-comments"],
)
def test_a_rule_without_path_points_at_the_campaign_id(repo: Cli, head: str) -> None:
    # Not at the document's first line (the `version:` line, or line 2 after a comment).
    policy = "version: 1\ncustom_rules:\n" + rule(assert_="'false'").replace("    path: id\n", "")
    campaign = head + feedback("review-request")
    _, found = lint(repo, policy, campaign)
    assert brief(found) == [("ORG001", "error", *at(campaign, "review-request"))]
