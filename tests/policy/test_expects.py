"""Persona expectations (``personas: NAME: expects:``): checked when the policy loads, with positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign_lint.core.errors import PolicyError
from campaign_lint.lint.config import load_settings

POLICY = """\
version: 1
personas:
  late-parcel:
    journey: {order.placed: 0d}
    expects:
      - {at_most: 4}
      - {never: feedback, before: order.delivered, quiet: {start: "21:00", end: "08:00"}}
      - {never: reviews, before: order.delivered}
      - {min_gap: 16h, after: order.placed}
      - {never: marketing}
"""


def test_each_broken_expectation_is_one_positioned_line(tmp_path: Path) -> None:
    (tmp_path / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_settings(tmp_path / "campaign-lint.yaml", tmp_path)
    problems = [problem.replace(str(tmp_path) + "/", "") for problem in raised.value.problems]
    assert problems == [
        "campaign-lint.yaml:6:9: `personas.late-parcel.expects[0]`: `at_most` needs `within`, "
        "the period it counts (like `within: 7d`)",
        "campaign-lint.yaml:7:9: `personas.late-parcel.expects[1]`: an expectation says exactly one of "
        "`at_most`, `never`, `quiet` or `min_gap` (this one says `never`, `quiet`)",
        "campaign-lint.yaml:8:17: `reviews` is not a valid `personas.late-parcel.expects[2].never` "
        "(use one of: feedback, marketing, message)",
        "campaign-lint.yaml:9:9: `personas.late-parcel.expects[3]`: `after` goes with `at_most`: "
        "at most N messages `within` a period after an event",
        "campaign-lint.yaml:10:9: `personas.late-parcel.expects[4]`: `never` needs `before`, "
        "the journey event it waits for (like `before: order.delivered`)",
    ]


def test_the_four_kinds_load(tmp_path: Path) -> None:
    text = POLICY.split("    journey:")[0] + (
        "    journey: {order.placed: 0d, order.delivered: 9d}\n"
        "    expects:\n"
        "      - {at_most: 4, within: 7d, after: order.placed}\n"
        "      - {never: feedback, before: order.delivered}\n"
        '      - {quiet: {start: "21:00", end: "08:00"}, channels: [sms]}\n'
        "      - {min_gap: 16h, channels: [email]}\n"
    )
    (tmp_path / "campaign-lint.yaml").write_text(text, encoding="utf-8")
    expects = load_settings(tmp_path / "campaign-lint.yaml", tmp_path).view.personas["late-parcel"].expects
    assert [e.at_most for e in expects] == [4, None, None, None]
    assert expects[1].never == "feedback"
    assert expects[3].min_gap is not None
    assert expects[3].min_gap.words() == "16 hours"


def test_an_expectations_event_is_checked_against_the_catalogue_it_extends(tmp_path: Path) -> None:
    # The catalogue in the shared policy, the persona in the team's: the error is at the team's line.
    (tmp_path / "shared.yaml").write_text(
        "version: 1\nevents:\n  order.placed: {}\n  order.delivered: {after: order.placed}\n",
        encoding="utf-8",
    )
    (tmp_path / "campaign-lint.yaml").write_text(
        "version: 1\nextends: shared.yaml\npersonas:\n  lost-parcel:\n    journey: {order.placed: 0d}\n"
        "    expects:\n      - {never: feedback, before: order.delivered}\n"
        "      - {at_most: 3, within: 7d, after: order.delivered}\n"
        "      - {never: message, before: Order.Placed}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as raised:
        load_settings(tmp_path / "campaign-lint.yaml", tmp_path)
    problems = [problem.replace(str(tmp_path) + "/", "") for problem in raised.value.problems]
    # expects[0] names an event the journey never reaches: allowed (the customer never gets there)
    assert [problem.split(": ")[0] for problem in problems] == [
        "campaign-lint.yaml:8:41",
        "campaign-lint.yaml:9:34",
    ]
    assert (
        "the journey of persona `lost-parcel` never reaches `order.delivered`, so it can never be judged"
        in (problems[0])
    )
    assert problems[1].endswith(
        "not an event of the catalogue, so the expectation would be judged against an "
        "event that never happens; did you mean `order.placed`?"
    )
