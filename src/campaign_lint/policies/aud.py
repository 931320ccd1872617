"""AUD: audience fit (principle 6, engagement must fit the business and the moment)."""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.policies.intent import promotion, service_notice
from campaign_lint.policies.vocabulary import everyone_segments
from campaign_lint.schemas.campaign import Campaign, CampaignType

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "AUD"
TITLE = "audience fit"


class AUD001(CampaignRule[NoOptions]):
    """The campaign goes to everyone, with no one left out.

    ## What it checks
    Marketing campaigns that go to everyone and have no `exclude` list.
    A campaign goes to everyone when its `audience.segment` is a name for
    the whole list (`all`, `everyone`, `whole_list`, `all_contacts`,
    `all_customers_uk`...; see [Vocabularies](#vocabularies), extended by
    the policy's `vocabulary.everyone_segments`), or when it names no
    segment at all (no `audience`, or no `audience.segment`), as the
    portfolio rules (FRQ003) read it. Segment names are compared ignoring
    case and punctuation; a name that only starts like one (`all_stars_club`)
    is a segment like any other. `type: transactional` exempts a service
    message (new terms, a delivery notice): it goes to every customer it
    concerns because each needs it, not as a broadcast; one whose name,
    purpose or subject makes an offer ("20% off"), or that is sent on a
    calendar, is marketing and must fit its audience like any other.

    ## Why it matters
    A message blasted to everyone fits nobody: recent buyers get "we miss
    you", people who just complained get a promotion. "Interrupt and
    repeat" broadcasts train customers to ignore you. Excluding at least
    the people for whom the message is wrong is the first step to knowing
    the audience.

    ## Bad
    ```yaml
    audience: {segment: whole_list, consent: opt_in}
    holdout: 10%
    ```

    ## Use instead
    ```yaml
    audience: {segment: whole_list, consent: opt_in, exclude: [purchased_last_7d, open_complaints]}
    holdout: 10%
    ```
    """

    id = "AUD001"
    name = "broadcast-to-everyone"
    severity = Severity.WARNING
    profile = "recommended"
    principle = "P6 Engagement must fit the business and the moment"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag a campaign to everyone (an everyone segment, or none) with no exclusions."""
        audience = campaign.audience
        if (audience is not None and audience.exclude) or service_notice(campaign, ctx.policy):
            return
        hint = "target a segment, or add `exclude:` for customers the message does not fit"
        if audience is None:
            yield Violation(
                "the campaign has no `audience`, so it goes to everyone with no exclusions",
                ("channel",),
                hint="add `audience:` with the segment it is for, or `exclude:` for customers it does not fit",
            )
        elif audience.segment is None:
            yield Violation(
                "the campaign names no `segment`, so it goes to everyone with no exclusions",
                ("audience",),
                hint=hint,
            )
        elif everyone_segments(ctx.policy.vocabulary.everyone_segments).everyone(audience.segment):
            named = "" if audience.segment == "all" else f" (`{audience.segment}` is the whole list)"
            yield Violation(
                f"the campaign goes to everyone with no exclusions{named}",
                ("audience", "segment"),
                hint=hint,
            )


class AUD002(CampaignRule[NoOptions]):
    """A repeating promotion keeps writing to people who stopped reading.

    ## What it checks
    Repeating or triggered `promotional` and `reengagement` campaigns need
    `audience.inactive_days_max`: recipients inactive for longer are no
    longer sent to (a sunset policy; 180 days is common advice).

    A `lifecycle`, `onboarding` or `acquisition` campaign that makes an
    offer and repeats on a calendar (`schedule.every`) is a promotion
    under another name, and needs it too. It makes an offer when it has
    `content.incentive` or `content.urgency`, or offer words in its
    `name`, `purpose` or `content.subject` ("20% off", "promo code"; see
    [Vocabularies](#vocabularies)). One started by the customer's own
    event (a welcome series, a reorder reminder) is not: the event shows
    the customer is active. Feedback and loyalty campaigns are not
    promotions: a thank-you for a review or points earned are not offers.

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
        if not campaign.recurring or (
            campaign.audience is not None and campaign.audience.inactive_days_max is not None
        ):
            return
        what = f"{campaign.type} campaign"
        if campaign.type not in (CampaignType.PROMOTIONAL, CampaignType.REENGAGEMENT):
            # Another type that makes an offer, on a calendar, is a promotion.
            schedule = campaign.trigger.schedule if campaign.trigger else None
            offered = promotion(campaign, ctx.policy) if schedule and schedule.every else None
            if offered is None:
                return
            what = f"{campaign.type} campaign (a promotion: {offered.why})"
        yield Violation(
            f"this repeating {what} keeps writing to people who stopped reading",
            ("audience",) if campaign.audience else ("type",),
            hint="add `inactive_days_max: 180` under `audience:` (stop after 180 days without activity)",
        )
