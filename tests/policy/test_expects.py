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
    text = POLICY.split("    expects:\n")[0] + (
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
