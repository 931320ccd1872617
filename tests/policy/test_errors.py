"""Invalid policies stop the run: exit 2, one ``file:line:col: message`` line on stderr, no traceback."""

from __future__ import annotations

import pytest

from tests.cli.snapshots import Cli, Run
from tests.policy.support import at, feedback

CUSTOM = """\
version: 1
custom_rules:
  - id: {id}
    description: Promotions name a budget owner.
    when: campaign.type == "promotional"
    assert: {assert_}
    message: "promotion {{id}} has no x-budget-owner"
"""


def custom(rule_id: str = "ORG001", assert_: str = "\"'x-budget-owner' in campaign\"") -> str:
    return CUSTOM.format(id=rule_id, assert_=assert_)


def one_error(run: Run) -> str:
    """The single error line of a run that must stop with exit 2."""
    assert run.exit_code == 2, (run.stdout, run.stderr)
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def located(line: str, path: str, position: tuple[int, int]) -> str:
    """The message after ``path:line:col: `` (fails when the location differs)."""
    prefix = f"{path}:{position[0]}:{position[1]}: "
    assert line.startswith(prefix), f"{line!r} does not start with {prefix!r}"
    return line[len(prefix) :]


@pytest.fixture
def lint(repo: Cli) -> Cli:
    repo.write({"campaigns/review.yaml": feedback("review")})
    return repo


def test_malformed_cel_points_at_the_expression(lint: Cli) -> None:
    policy = custom(assert_='"campaign.channel == ("')
    lint.write({"campaign-lint.yaml": policy})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", at(policy, '"campaign.channel'))
    assert "ORG001" in message
    assert "not valid CEL" in message


@pytest.mark.parametrize(
    "args", [("check", "--show-policy"), ("check",)], ids=["show-policy", "no-campaigns"]
)
def test_malformed_cel_is_an_error_before_anything_is_linted(repo: Cli, args: tuple[str, ...]) -> None:
    """Even with nothing to lint, or when only showing the policy, a broken rule is reported."""
    policy = custom(assert_='"campaign.channel == ("')
    repo.write({"campaign-lint.yaml": policy})
    message = located(one_error(repo.run(*args)), "campaign-lint.yaml", at(policy, '"campaign.channel'))
    assert "not valid CEL" in message


def test_malformed_when_points_at_when(lint: Cli) -> None:
    policy = custom().replace('campaign.type == "promotional"', "campaign.type ==")
    lint.write({"campaign-lint.yaml": policy})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", at(policy, "campaign.type =="))
    assert "`when`" in message


def test_cyclic_extends_points_at_the_entry_closing_the_cycle(lint: Cli) -> None:
    lint.write(
        {
            "campaign-lint.yaml": "version: 1\nextends: policies/a.yaml\n",
            "policies/a.yaml": "version: 1\nextends: b.yaml\n",
            "policies/b.yaml": "version: 1\nextends: a.yaml\n",
        }
    )
    message = located(one_error(lint.run("check")), "policies/b.yaml", (2, 10))
    assert "cycle" in message
    assert "policies/a.yaml -> policies/b.yaml -> policies/a.yaml" in message


def test_unknown_rule_id_in_rules_points_at_the_key(lint: Cli) -> None:
    policy = "version: 1\nrules:\n  MET002: warning\n  TIM010: {min_delay: 3d}\n"
    lint.write({"campaign-lint.yaml": policy})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", (4, 3))
    assert "`TIM010` is not a rule" in message


def test_extends_a_missing_file(lint: Cli) -> None:
    lint.write({"campaign-lint.yaml": "version: 1\nextends: [recommended, shared/team.yaml]\n"})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", (2, 24))
    assert "does not exist" in message


def test_extends_escaping_the_repository(lint: Cli) -> None:
    # The file exists (next to the repository), so only the escape can be the problem.
    (lint.root.parent / "outside.yaml").write_text("version: 1\n", encoding="utf-8")
    lint.write({"campaign-lint.yaml": "version: 1\nextends: ../outside.yaml\n"})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", (2, 10))
    assert "outside the repository" in message


def test_unknown_top_level_key_suggests_the_right_one(lint: Cli) -> None:
    lint.write({"campaign-lint.yaml": "version: 1\nexceptons: []\n"})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", (2, 1))
    assert "`exceptions`" in message


def test_wrong_type_points_at_the_value(lint: Cli) -> None:
    lint.write({"campaign-lint.yaml": "version: 1\ntotal_cap: {max: three, per: 7d}\n"})
    located(one_error(lint.run("check")), "campaign-lint.yaml", (2, 18))


def test_error_in_an_extended_file_names_that_file(lint: Cli) -> None:
    lint.write(
        {
            "campaign-lint.yaml": "version: 1\nextends: shared/base.yaml\n",
            "shared/base.yaml": "version: 1\nchannels:\n  email: {cap: {max: 3, per: soon}}\n",
        }
    )
    message = located(one_error(lint.run("check")), "shared/base.yaml", (3, 30))
    assert "soon" in message


@pytest.mark.parametrize("rule_id", ["FRQ900", "SPEC900", "POL900"])
def test_custom_rule_id_in_a_built_in_family_is_an_error(lint: Cli, rule_id: str) -> None:
    policy = custom(rule_id)
    lint.write({"campaign-lint.yaml": policy})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", at(policy, rule_id))
    assert "built-in family" in message


def test_custom_rule_defined_twice_is_an_error(lint: Cli) -> None:
    policy = custom() + custom().split("custom_rules:\n", 1)[1]
    lint.write({"campaign-lint.yaml": policy})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", at(policy, "ORG001", occurrence=2))
    assert "defined twice" in message


def test_exception_without_expiry_is_an_error(lint: Cli) -> None:
    policy = (
        "version: 1\nexceptions:\n  - rule: AUD001\n    campaigns: [review]\n"
        "    reason: Approved by the CMO (MKT-1).\n"
    )
    lint.write({"campaign-lint.yaml": policy})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", (3, 5))
    assert "expires" in message


@pytest.mark.parametrize(
    ("policy", "position"),
    [
        (
            "version: 1\nexceptions:\n  - rule: AUD010\n    campaigns: [review]\n"
            "    reason: Approved by the CMO (MKT-1).\n    expires: 2026-12-01\n",
            (3, 11),
        ),
        ("version: 1\nunsuppressible: [CON001, CON010]\n", (2, 26)),
    ],
)
def test_unknown_rule_in_exceptions_and_unsuppressible(
    lint: Cli, policy: str, position: tuple[int, int]
) -> None:
    lint.write({"campaign-lint.yaml": policy})
    message = located(one_error(lint.run("check")), "campaign-lint.yaml", position)
    assert "0` is not a rule" in message  # AUD010 or CON010


SHORT = """\
version: 1
exceptions:
  - rule: FRQ002
    campaigns: {campaigns}
    reason: {reason}
    expires: 2099-12-31
"""


@pytest.mark.parametrize(
    ("campaigns", "reason", "anchor", "expected"),
    [
        (
            "[bf-2026]",
            "MKT-1",
            "MKT-1",
            "`exceptions[0].reason` is too short: write at least 10 characters (found `MKT-1`, 5 characters)",
        ),
        ("[bf-2026]", '""', '""', "`exceptions[0].reason` must not be empty: write at least 10 characters"),
        (
            "[]",
            "Approved by the CMO (MKT-1234).",
            "[]",
            "`exceptions[0].campaigns` must list at least one item (found 0)",
        ),
    ],
    ids=["short-reason", "empty-reason", "empty-list"],
)
def test_too_short_says_how_long_it_must_be(
    lint: Cli, campaigns: str, reason: str, anchor: str, expected: str
) -> None:
    """A reason shorter than 10 characters is "too short", not "empty" (what it said before), with the minimum."""
    policy = SHORT.format(campaigns=campaigns, reason=reason)
    lint.write({"campaign-lint.yaml": policy})
    run = lint.run("check")
    assert run.exit_code == 2, run.stderr
    assert run.stdout == ""
    assert (
        f"campaign-lint.yaml:{':'.join(map(str, at(policy, anchor)))}: {expected}" in run.stderr.splitlines()
    )


def test_a_list_shorter_than_its_minimum_names_the_minimum(lint: Cli) -> None:
    policy = "version: 1\nsegments:\n  disjoint:\n    - [a]\n"
    lint.write({"campaign-lint.yaml": policy})
    line = one_error(lint.run("check"))
    assert located(line, "campaign-lint.yaml", at(policy, "[a]")) == (
        "`segments.disjoint[0]` must list at least 2 items (found 1)"
    )
