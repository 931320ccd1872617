"""TRP: traps in loyalty and subscription mechanics (principle 5, no traps).

The TRP family spans two modules: ``trp.py`` holds the traps in what a
message shows (countdowns, declines, review gating, games), this one the
traps in how a programme treats its members (leaving, cancelling, losing
what they earned).
"""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.schemas.campaign import Campaign

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "TRP"
TITLE = "traps and dark patterns"

PRINCIPLE = "P5 No traps"


class TRP001(CampaignRule[NoOptions]):
    """Loyalty points are lost when a customer leaves, or expire without warning.

    ## What it checks
    In `loyalty`: `on_exit: forfeit` (points taken away when the customer
    leaves), or `points_expire_after` with no `expiry_notice_days` (points
    vanish without notice).

    ## Why it matters
    A programme that punishes leaving keeps customers through fear of loss,
    not loyalty, and they resent it. Points that silently expire are a
    broken promise. Let customers keep what they earned, and warn them in
    good time before anything expires.

    ## Bad
    ```yaml
    type: loyalty
    loyalty: {points_expire_after: 12mo, on_exit: forfeit}
    ```

    ## Use instead
    ```yaml
    type: loyalty
    loyalty: {points_expire_after: 12mo, expiry_notice_days: [30, 3], on_exit: keep}
    ```
    """

    id = "TRP001"
    name = "punishes-leaving"
    severity = Severity.ERROR
    profile = "recommended"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag forfeiture on exit and silent expiry."""
        loyalty = campaign.loyalty
        if loyalty is None:
            return
        if loyalty.on_exit == "forfeit":
            yield Violation(
                "customers lose their points when they leave",
                ("loyalty", "on_exit"),
                hint="let them keep (or cash out) what they earned: `on_exit: keep`",
            )
        if loyalty.points_expire_after is not None and not loyalty.expiry_notice_days:
            yield Violation(
                f"points expire after {loyalty.points_expire_after.words()} with no warning to the customer",
                ("loyalty", "points_expire_after"),
                hint="warn before they expire, for example `expiry_notice_days: [30, 3]`",
            )


class TRP002(CampaignRule[NoOptions]):
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
    profile = "minimal"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
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
