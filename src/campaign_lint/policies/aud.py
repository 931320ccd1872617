"""AUD: audience fit (principle 6, engagement must fit the business and the moment)."""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.schemas.campaign import Campaign, CampaignType

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "AUD"
TITLE = "audience fit"


class AUD001(CampaignRule[NoOptions]):
    """The campaign goes to everyone, with no one left out.

    ## What it checks
    Marketing campaigns with `audience.segment: all` and no `exclude`
    list. Transactional service messages are exempt.

    ## Why it matters
    A message blasted to everyone fits nobody: recent buyers get "we miss
    you", people who just complained get a promotion. "Interrupt and
    repeat" broadcasts train customers to ignore you. Excluding at least
    the people for whom the message is wrong is the first step to knowing
    the audience.

    ## Bad
    ```yaml
    audience: {segment: all, consent: opt_in}
    holdout: 10%
    ```

    ## Use instead
    ```yaml
    audience: {segment: all, consent: opt_in, exclude: [purchased_last_7d, open_complaints]}
    holdout: 10%
    ```
    """

    id = "AUD001"
    name = "broadcast-to-everyone"
    severity = Severity.WARNING
    profile = "recommended"
    principle = "P6 Engagement must fit the business and the moment"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag ``segment: all`` with no exclusions."""
        audience = campaign.audience
        if campaign.transactional or audience is None or audience.segment != "all":
            return
        if not audience.exclude:
            yield Violation(
                "the campaign goes to everyone with no exclusions",
                ("audience", "segment"),
                hint="target a segment, or add `exclude:` for customers the message does not fit",
            )


class AUD002(CampaignRule[NoOptions]):
    """A repeating promotion keeps writing to people who stopped reading.

    ## What it checks
    Repeating or triggered `promotional` and `reengagement` campaigns need
    `audience.inactive_days_max`: recipients inactive for longer are no
    longer sent to (a sunset policy; 180 days is common advice).

    ## Why it matters
    Writing forever to people who never open is not persistence, it is
    noise: it annoys them, and mailbox providers read the silence as spam
    and filter your other messages too. Gmail and Yahoo's 2024 sender rules
    and tools such as Klaviyo recommend sunsetting after about 180 days.

    ## Bad
    ```yaml
    type: promotional
    trigger:
      schedule: {start: 2026-11-02, every: 7d}
      stop_when: [unsubscribed]
    frequency: {max: 1, per: 7d}
    ```

    ## Use instead
    ```yaml
    type: promotional
    audience: {segment: recent_buyers, consent: opt_in, inactive_days_max: 180}
    trigger:
      schedule: {start: 2026-11-02, every: 7d}
      stop_when: [unsubscribed]
    frequency: {max: 1, per: 7d}
    ```
    """

    id = "AUD002"
    name = "no-sunset"
    severity = Severity.WARNING
    profile = "recommended"
    principle = "P6 Engagement must fit the business and the moment"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag recurring promotions without ``inactive_days_max``."""
        if (
            campaign.type not in (CampaignType.PROMOTIONAL, CampaignType.REENGAGEMENT)
            or not campaign.recurring
        ):
            return
        if campaign.audience is None or campaign.audience.inactive_days_max is None:
            yield Violation(
                f"this repeating {campaign.type} campaign keeps writing to people who stopped reading",
                ("audience",) if campaign.audience else ("type",),
                hint="add `inactive_days_max: 180` under `audience:` (stop after 180 days without activity)",
            )
