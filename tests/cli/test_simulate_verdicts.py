"""simulate shows the verdicts of a judge (customer-side assertions) and fails the run on a failed one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from campaign_lint.cli.simulate import render_json, render_text
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.simulation import Request, run_simulation
from campaign_lint.policies.timeline import Persona, Timeline, Verdict
from tests.cli import campaigns
from tests.cli.snapshots import Cli

POLICY = """\
version: 1
personas:
  late-parcel:
    journey: {order.placed: 0d, order.shipped: 1d, order.delivered: 9d}
"""


def _judge(persona: Persona, timeline: Timeline) -> Sequence[Verdict]:
    """A stand-in judge: nothing in the first 20 days (the review after delivery breaks it on day 14)."""
    early = [m for m in timeline.messages if m.day < 20]
    first = early[0] if early else None
    return [
        Verdict(
            "TIM001",
            "nothing in the first 20 days",
            first is None,
            "" if first is None else "a message came",
            first.path if first else None,
            first.minute if first else None,
        ),
        Verdict("TIM001", "at most 9 messages", True),
    ]


def test_a_failed_verdict_is_shown_and_fails_the_run(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/review-after-delivery.yaml": campaigns.GOOD})
    settings = load_settings(None, Path.cwd())
    request = Request(start=date(2026, 11, 20), days=30)
    judged = run_simulation(settings, [], request, judge=_judge)
    assert judged.failed
    text = render_text(judged)
    assert "assertions: 1 of 2 hold" in text
    assert "TIM001  nothing in the first 20 days: a message came" in text
    (persona,) = json.loads(render_json(judged))["personas"]
    assert persona["assertions"][0] == {
        "rule": "TIM001",
        "assertion": "nothing in the first 20 days",
        "passed": False,
        "message": "a message came",
        "path": "campaigns/review-after-delivery.yaml",
        "date": "2026-12-04",
        "time": "10:00",
    }
    assert persona["assertions"][1]["passed"] is True
    # without a judge, the same timeline passes: one email is within every cap
    assert not run_simulation(settings, [], request).failed


def test_a_failed_verdict_of_a_rule_that_is_off_does_not_fail_the_run(cli: Cli) -> None:
    cli.write(
        {
            "campaign-lint.yaml": POLICY + "rules: {TIM001: off}\n",
            "campaigns/review-after-delivery.yaml": campaigns.GOOD,
        }
    )
    settings = load_settings(None, Path.cwd())
    judged = run_simulation(settings, [], Request(start=date(2026, 11, 20), days=30), judge=_judge)
    assert not judged.failed
    assert "assertions: 1 of 2 hold" in render_text(judged)


def test_an_assertion_broken_by_two_campaigns_is_one_assertion_that_does_not_hold(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/review-after-delivery.yaml": campaigns.GOOD})
    settings = load_settings(None, Path.cwd())

    def twice(persona: Persona, timeline: Timeline) -> Sequence[Verdict]:
        return [
            Verdict("TIM005", "no feedback request before `order.delivered`", False, "first", "a.yaml", 0),
            Verdict("TIM005", "no feedback request before `order.delivered`", False, "second", "b.yaml", 60),
            Verdict("FRQ005", "at most 9 messages within 7 days", True),
        ]

    text = render_text(run_simulation(settings, [], Request(start=date(2026, 11, 20), days=30), judge=twice))
    assert "assertions: 1 of 2 hold" in text
    assert "TIM005  no feedback request before `order.delivered`: first" in text
    assert "TIM005  no feedback request before `order.delivered`: second" in text


EXPECTING = POLICY + (
    "    expects:\n"
    "      - {at_most: 3, within: 7d, after: order.placed}\n"
    '      - {quiet: {start: "21:00", end: "08:00"}}\n'
)


def test_the_policys_expectations_judge_the_timeline_without_a_judge_given(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": EXPECTING, "campaigns/review-after-delivery.yaml": campaigns.GOOD})
    settings = load_settings(None, Path.cwd())
    judged = run_simulation(settings, [], Request(start=date(2026, 11, 20), days=30))
    (run,) = judged.runs
    assert [(v.rule, v.assertion, v.passed) for v in run.verdicts] == [
        ("FRQ005", "at most 3 messages within 7 days after `order.placed`", True),
        ("TIM005", "nothing between 21:00 and 08:00", True),
    ]
    assert not judged.failed
    # the review at 10:00 breaks a quiet period from 08:00 to 12:00
    cli.write({"campaign-lint.yaml": EXPECTING.replace('"21:00", end: "08:00"', '"08:00", end: "12:00"')})
    judged = run_simulation(load_settings(None, Path.cwd()), [], Request(start=date(2026, 11, 20), days=30))
    (run,) = judged.runs
    failed = [v for v in run.verdicts if not v.passed]
    assert [(v.rule, v.path) for v in failed] == [("TIM005", "campaigns/review-after-delivery.yaml")]
    assert "inside the quiet hours 08:00-12:00" in failed[0].message
    assert judged.failed
