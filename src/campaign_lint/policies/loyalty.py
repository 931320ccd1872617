"""TRP: traps in loyalty and subscription mechanics (principle 5, no traps).

The TRP family spans two modules: ``trp.py`` holds the traps in what a
message shows (countdowns, declines, review gating, games), this one the
traps in how a programme treats its members (leaving, cancelling, losing
what they earned).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.schemas.campaign import Campaign
from campaign_lint.schemas.types import Duration

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


class TRP008Options(BaseModel):
    """Options of TRP008."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    min_notice: Duration = Field(
        default=Duration(30, "d"),
        description="Shortest notice before a member loses earned status or points "
        "(30 days: one monthly statement, time to requalify or spend).",
    )


class TRP008(CampaignRule[TRP008Options]):
    """Earned status or points are taken away with too little notice.

    ## What it checks
    `loyalty.downgrade` (a tier downgrade or reset: what the member
    `loses`, and the `notice` they get before it) needs a notice of at
    least `min_notice`, 30 days by default. Expiring points need the same:
    the first warning in `loyalty.expiry_notice_days` must come at least
    `min_notice` before the points expire (points that expire with no
    warning at all are TRP001's). A policy sets its own minimum:
    `rules: {TRP008: {min_notice: 60d}}`.

    The default of 30 days is one monthly statement or billing cycle: the
    member hears of the change at least once in the normal course of
    things and has time to requalify or spend their points. It is a
    starting point, not a legal number: consumer law treats changing what
    a consumer gets without a valid reason and fair notice as unfair (EU
    Unfair Contract Terms Directive 93/13/EEC, Annex points 1(j) and 1(k);
    UK Consumer Rights Act 2015, Schedule 2 paragraphs 11 and 12).

    ## Why it matters
    Status and points are what a member earned. Taking them away with two
    days' notice punishes members for not noticing in time, and keeps them
    through fear of losing what they built rather than through what the
    programme gives them. Fair notice lets them decide: requalify, spend,
    or let it go.

    ## Bad
    ```yaml
    type: loyalty
    loyalty: {on_exit: keep, downgrade: {loses: [status, points], notice: 2d}}
    ```

    ## Use instead
    ```yaml
    type: loyalty
    loyalty: {on_exit: keep, downgrade: {loses: [status], notice: 30d}}
    ```
    """

    id = "TRP008"
    name = "short-notice-loss"
    severity = Severity.ERROR
    profile = "recommended"
    principle = PRINCIPLE
    options = TRP008Options

    def check(self, campaign: Campaign, ctx: RuleContext[TRP008Options]) -> Iterable[Violation]:
        """Flag downgrades and expiring points with less notice than ``min_notice``."""
        loyalty = campaign.loyalty
        if loyalty is None:
            return
        minimum = ctx.options.min_notice
        downgrade = loyalty.downgrade
        if downgrade is not None:
            what = " and ".join(downgrade.loses)
            if downgrade.notice is None:
                yield Violation(
                    f"members lose their {what} in a downgrade with no notice",
                    ("loyalty", "downgrade"),
                    hint=f"tell them at least {minimum.words()} before: `notice: {minimum}`",
                )
            elif downgrade.notice.seconds < minimum.seconds:
                given = downgrade.notice.words()
                given += "'" if given.endswith("s") else "'s"  # 2 days' notice, 1 day's notice
                yield Violation(
                    f"members lose their {what} with only {given} notice; give them at least {minimum.words()}",
                    ("loyalty", "downgrade", "notice"),
                    hint=f"set `notice: {minimum}` or longer, so members can requalify or spend first",
                )
        notices = loyalty.expiry_notice_days
        if loyalty.points_expire_after is not None and notices and max(notices) * 86400 < minimum.seconds:
            first, days = max(notices), math.ceil(minimum.days)
            yield Violation(
                f"the first warning before points expire comes only {first} day{'s' if first != 1 else ''} "
                f"before; give members at least {minimum.words()}",
                ("loyalty", "expiry_notice_days"),
                hint=f"warn {days} days before as well, for example `expiry_notice_days: [{days}, 7]`",
            )
