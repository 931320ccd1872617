"""TRP: entrapment and dark patterns (principle 5, no traps)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from campaign_lint.lint.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, RuleContext
from campaign_lint.schemas.campaign import Campaign

PRINCIPLE = "P5 No traps"


class TRP002(CampaignRule):
    """Cancelling takes more steps than signing up.

    ## What it checks
    In `loyalty`, that `cancel_steps` is not larger than `signup_steps`.

    ## Why it matters
    A programme that is easy to join and hard to leave keeps customers
    through friction, not loyalty. California requires cancelling by the
    same means used to sign up (automatic renewal law), the EU Digital
    Services Act forbids making termination harder than subscribing, and
    GDPR makes withdrawing consent as easy as giving it.

    ## Bad
    ```yaml
    type: loyalty
    loyalty: {signup_steps: 1, cancel_steps: 4, on_exit: keep}
    ```

    ## Use instead
    ```yaml
    type: loyalty
    loyalty: {signup_steps: 1, cancel_steps: 1, on_exit: keep}
    ```
    """

    id = "TRP002"
    name = "hard-to-cancel"
    severity = Severity.ERROR
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext) -> Iterable[Violation]:
        """Flag ``cancel_steps > signup_steps``."""
        loyalty = campaign.loyalty
        if loyalty is None or loyalty.cancel_steps is None or loyalty.signup_steps is None:
            return
        if loyalty.cancel_steps > loyalty.signup_steps:
            yield Violation(
                f"cancelling takes {loyalty.cancel_steps} steps but signing up takes {loyalty.signup_steps}",
                ("loyalty", "cancel_steps"),
                hint=f"let customers cancel in {loyalty.signup_steps} step(s), the same way they joined",
            )


def _moment(value: date | datetime) -> datetime:
    """A date counts until the end of that day; naive times count as UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.max, tzinfo=UTC)


class TRP003(CampaignRule):
    """A countdown or deadline has no real end.

    ## What it checks
    `content.urgency` of kind `countdown` or `deadline` needs an `ends_at`,
    and it must not be later than the end of the campaign's schedule.

    ## Why it matters
    "Only 2 hours left!" is a promise. A countdown that restarts, or a
    deadline that outlives the campaign, pressures customers with a false
    claim. The EU lists false limited-time offers as unfair in all
    circumstances (UCPD Annex I item 7) and the FTC names fake countdown
    timers as a dark pattern.

    ## Bad
    ```yaml
    content:
      unsubscribe: one_click
      urgency: {kind: countdown}
    ```

    ## Use instead
    ```yaml
    content:
      unsubscribe: one_click
      urgency: {kind: countdown, ends_at: 2026-11-30T23:59:00Z}
    ```
    """

    id = "TRP003"
    name = "fake-urgency"
    severity = Severity.ERROR
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext) -> Iterable[Violation]:
        """Flag urgency without ``ends_at`` or ending after the schedule."""
        urgency = campaign.content.urgency if campaign.content else None
        if urgency is None or urgency.kind == "none":
            return
        if urgency.ends_at is None:
            yield Violation(
                f"the {urgency.kind} has no end (`ends_at`); customers are pressed by a deadline that never comes",
                ("content", "urgency", "kind"),
                hint="add `ends_at:` with the real end, like 2026-11-30T23:59:00Z, or remove the urgency",
            )
            return
        schedule = campaign.trigger.schedule if campaign.trigger else None
        if (
            schedule is not None
            and schedule.end is not None
            and _moment(urgency.ends_at) > _moment(schedule.end)
        ):
            yield Violation(
                f"the {urgency.kind} ends at {urgency.ends_at}, after the campaign itself ends ({schedule.end})",
                ("content", "urgency", "ends_at"),
                hint="end the countdown when the offer really ends",
            )
