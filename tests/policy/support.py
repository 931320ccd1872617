"""Helpers of the policy tests: positions in fixture text, findings from JSON output."""

from __future__ import annotations

import json
from typing import Any

from tests.cli.snapshots import Run

# A feedback campaign that is clean under the recommended profile (placeholders: ID, EXTRA).
FEEDBACK = """\
version: 1
id: {id}
name: Ask for a review after delivery
owner: crm-team@example.com
type: feedback
purpose: Learn whether orders meet expectations.
customer_value: You can tell us about a problem with your order and get it fixed quickly.
channel: email
audience:
  segment: recent_buyers
  exclude: [returned_orders]
  consent: opt_in
trigger:
  event: order.delivered
  delay: 5d
  stop_when: [review.submitted, order.returned]
frequency:
  max: 1
  per: 30d
send_window:
  start: "09:00"
  end: "20:00"
content:
  subject: How is your order?
  unsubscribe: one_click
  decline_label: Not now
success_metrics: [problems_resolved, repeat_purchase_rate]
{extra}"""


def feedback(campaign_id: str, extra: str = "") -> str:
    """The clean feedback campaign with ``campaign_id`` and extra top-level lines."""
    return FEEDBACK.format(id=campaign_id, extra=extra)


def at(text: str, needle: str, *, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the ``occurrence``-th ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def findings(run: Run) -> list[tuple[str, str, str, int, int]]:
    """(rule, severity, path, line, column) of every finding of a ``--format json`` run."""
    report = json.loads(run.stdout)
    return [(f["rule"], f["severity"], f["path"], f["line"], f["column"]) for f in report["findings"]]


def report(run: Run) -> dict[str, Any]:
    """The parsed JSON report of a run."""
    data: dict[str, Any] = json.loads(run.stdout)
    return data
