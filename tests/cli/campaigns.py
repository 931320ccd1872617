"""Campaign files the command-line tests write into their working directory."""

from __future__ import annotations

# Clean under the recommended profile.
GOOD = """\
version: 1
id: review-after-delivery
name: Ask for a review after delivery
owner: crm-team@example.com
type: feedback
purpose: Learn whether orders meet expectations.
customer_value: >-
  You can tell us about a problem with your order and get it fixed quickly.
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
"""

# TIM001 (error: asks before delivery) and MET002 (warning: activity metrics only).
SHIPPED = (
    GOOD.replace("review-after-delivery", "review-on-shipment")
    .replace("event: order.delivered", "event: order.shipped")
    .replace("delay: 5d", "delay: 1d")
    .replace("[problems_resolved, repeat_purchase_rate]", "[opens, clicks]")
)

# MET002 only: a warning, which fails the run only with `--fail-on warning`.
OPENS_ONLY = GOOD.replace("review-after-delivery", "review-opens-only").replace(
    "[problems_resolved, repeat_purchase_rate]", "[opens, clicks]"
)

# Not YAML (an unquoted `: ` inside a value): SPEC001.
BROKEN = """\
version: 1
id: summer-sale
name: Summer sale
purpose: Sale: 50% off everything
"""

# Same id as SHIPPED: SPEC003 with a related location in the other file.
DUPLICATE_ID = GOOD.replace("review-after-delivery", "review-on-shipment")
