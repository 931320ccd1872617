"""TIM: what a persona of the policy must never receive too early or at night (TIM005)."""

from __future__ import annotations

from campaign_lint.core.findings import Severity, YamlPath
from campaign_lint.policies.base import CampaignRecord
from campaign_lint.policies.expect import TIMING, Broken, ExpectationRule

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "TIM"
TITLE = "timing"


class TIM005(ExpectationRule):
    """A persona of the policy receives a message before it should, or in its quiet hours.

    ## What it checks
    The `expects:` of each persona in the policy about when things may
    happen, on the persona's contact timeline: `{never: feedback, before:
    order.delivered}` (no review, rating or survey request before the
    parcel arrives; `never: marketing` or `never: message` for any marketing or
    any message) and `{quiet: {start: "21:00", end: "08:00"}}` (nothing at
    night, on the persona's clock: with a `timezone`, a schedule written at
    an instant like `09:00:00Z` is 01:00 in `America/Los_Angeles`,
    docs/timeline.md). `channels:` narrows either to some channels. Every
    message counts, transactional ones too. The finding sits on each
    campaign that breaks the expectation, and says on which day of the
    journey, at what time. When the journey never reaches the `before:`
    event, the customer never gets there, and every such message breaks it;
    a `before:` event the event catalogue does not list is a policy error
    at its line when the policy loads (docs/policy.md#expects).

    ## Why it matters
    A "how do you like it?" before the kettle has arrived tells the customer
    nobody checked; a text at 22:30 wakes them. A persona's journey shows
    what the calendar of a late parcel or a night owl really looks like,
    which no single campaign file can.

    ## Bad
    ```yaml
    # campaign-lint.yaml
    personas:
      night-owl:
        journey: {order.placed: 0d}
        expects:
          - {quiet: {start: "21:00", end: "08:00"}}
    ```
    ```yaml
    trigger: {event: order.placed, delay: 12h}
    frequency: {max: 1, per: 7d}
    ```

    ## Use instead
    ```yaml
    # campaign-lint.yaml
    personas:
      night-owl:
        journey: {order.placed: 0d}
        expects:
          - {quiet: {start: "21:00", end: "08:00"}}
    ```
    ```yaml
    trigger: {event: order.placed, delay: 12h}
    frequency: {max: 1, per: 7d}
    send_window: {start: "09:00", end: "20:00"}
    ```
    """

    id = "TIM005"
    name = "persona-expects-later"
    severity = Severity.ERROR
    profile = "minimal"
    principle = "P2 Right moment"

    kinds = TIMING

    def advice(self, found: Broken, record: CampaignRecord) -> tuple[YamlPath, str]:
        """On the campaign's trigger: its send window for quiet hours, its event for an order."""
        hint = (
            "move it to its quiet hours' end with `send_window`"
            if found.kind == "quiet"
            else "start it from the event the customer waits for (`trigger.event`), or stop it before"
        )
        sender = record.sender
        if found.kind == "quiet" and sender is not None and sender.offset is not None:
            hint += (
                ", write the schedule's time without its offset (09:00, not 09:00Z) "
                "to send at each customer's own 09:00"
            )
        return ("trigger",), hint
