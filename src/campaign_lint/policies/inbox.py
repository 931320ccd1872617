"""FRQ: what a persona of the policy must never receive, counted (FRQ005)."""

from __future__ import annotations

from campaign_lint.core.findings import Severity, YamlPath
from campaign_lint.policies.base import CampaignRecord
from campaign_lint.policies.expect import COUNTS, Broken, ExpectationRule
from campaign_lint.policies.record import cap_path

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "FRQ"
TITLE = "frequency and contact pressure"


class FRQ005(ExpectationRule):
    """A persona of the policy receives more messages, or closer together, than it expects.

    ## What it checks
    The `expects:` of each persona in the policy that count messages, on
    the persona's contact timeline: `{at_most: N, within: 7d}` (never more
    than N messages in any 7 days, or in the first 7 days `after:` a
    journey event) and `{min_gap: 16h}` (never two messages closer than 16
    hours). `channels:` narrows either to some channels. Every message
    counts, transactional ones too: the customer receives them. When
    campaigns are scheduled, the journey's day 0 is placed on the busiest 7
    days of the schedules. The finding sits on the campaign whose message
    breaks the expectation, and says on which day of the journey. An
    `after:` event is checked when the policy loads: one the event catalogue
    does not list, or the persona's journey never reaches, is a policy
    error at its line (docs/policy.md#expects).

    ## Why it matters
    Caps are promises per channel; an expectation is written from one
    customer's side, the way they live it: "after I order, I want my
    receipt and my parcel, not nine emails", or "never two emails in one
    evening". Klaviyo's smart sending keeps 16 hours between two emails for
    the same reason.

    ## Bad
    ```yaml
    # campaign-lint.yaml
    personas:
      first-order:
        journey: {order.placed: 0d}
        expects:
          - {min_gap: 16h, channels: [email]}
    ```
    ```yaml
    id: order-thanks
    trigger: {event: order.placed, delay: 1h}
    frequency: {max: 1, per: 7d}
    ```
    ```yaml
    id: matching-items
    trigger: {event: order.placed, delay: 3h}
    frequency: {max: 1, per: 7d}
    ```

    ## Use instead
    ```yaml
    # campaign-lint.yaml
    personas:
      first-order:
        journey: {order.placed: 0d}
        expects:
          - {min_gap: 16h, channels: [email]}
    ```
    ```yaml
    id: order-thanks
    trigger: {event: order.placed, delay: 1h}
    frequency: {max: 1, per: 7d}
    ```
    ```yaml
    id: matching-items
    trigger: {event: order.placed, delay: 2d}
    frequency: {max: 1, per: 7d}
    ```
    """

    id = "FRQ005"
    name = "persona-expects-fewer"
    severity = Severity.ERROR
    profile = "minimal"
    principle = "P3 Sane frequency, from the recipient's side"

    kinds = COUNTS

    def advice(self, found: Broken, record: CampaignRecord) -> tuple[YamlPath, str]:
        """On the campaign's cap: space it out."""
        return cap_path(record), f"space `{record.id}` out or send it less often"
