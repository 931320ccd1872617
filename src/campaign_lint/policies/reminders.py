"""TIM, continued: the purchase flow and reminders (principles 4 and 6)."""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.core.fixes import Safety, add_key, unsafe
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.policies.events import stop_events, stop_examples
from campaign_lint.policies.intent import service_notice
from campaign_lint.schemas.campaign import Campaign, Channel, Placement

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "TIM"
TITLE = "timing"


_PURCHASE_FLOW = frozenset({Placement.CHECKOUT, Placement.CART})


class TIM003(CampaignRule[NoOptions]):
    """A promotion interrupts the checkout or the cart.

    ## What it checks
    Marketing campaigns on `in_app` or `web` placed in `checkout` or `cart`.
    `type: transactional` exempts a service message (a delivery-date note):
    it helps the customer finish the purchase they chose; one whose name,
    purpose or subject makes an offer ("20% off"), or that is sent on a
    calendar, is a promotion standing in the way, like any other.

    ## Why it matters
    A customer in the checkout has decided; a pop-up for another offer
    only stands between them and the purchase. Customers who want a fast,
    convenient purchase are hurt by anything that distracts from it, and
    abandoned carts are the result.

    ## Bad
    ```yaml
    channel: web
    placement: checkout
    ```

    ## Use instead
    ```yaml
    channel: web
    placement: post_purchase
    ```
    """

    id = "TIM003"
    name = "interrupts-purchase"
    severity = Severity.ERROR
    profile = "recommended"
    principle = "P6 Engagement must fit the business and the moment"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag marketing placed inside the purchase flow."""
        if campaign.channel not in (Channel.IN_APP, Channel.WEB) or service_notice(campaign, ctx.policy):
            return
        if campaign.placement in _PURCHASE_FLOW:
            yield Violation(
                f"a {campaign.type} message in the {campaign.placement} interrupts the purchase",
                ("placement",),
                hint="show it after the purchase (`placement: post_purchase`) or on the home or account page",
            )


class TIM004(CampaignRule[NoOptions]):
    """A reminder keeps going after the customer has acted or said no.

    ## What it checks
    Campaigns that send more than once to a customer (`frequency.max`
    above 1, or a schedule with `every`) need `trigger.stop_when`: the
    events that end it for that customer (they bought, they declined, they
    reviewed). `type: transactional` exempts a service message (a
    payment or delivery update), which ends with the transaction it
    reports; one that makes an offer ("20% off") or is sent on a calendar
    is a marketing reminder, and the Digital Services Act rule below applies
    to it. The hint
    suggests events of the policy's event catalogue whose names say the
    customer acted or said no (`order.placed`, `unsubscribed` when the
    policy has no catalogue), never the trigger or an event before it.

    ## Why it matters
    Being reminded to review a product you already reviewed, or to finish
    a purchase you already made, tells customers nobody is listening. The
    EU Digital Services Act forbids repeating a request after the user has
    already made a choice.

    ## Bad
    ```yaml
    trigger:
      event: cart.abandoned
      delay: 2h
    frequency: {max: 2, per: 7d}
    ```

    ## Use instead
    ```yaml
    trigger:
      event: cart.abandoned
      delay: 2h
      stop_when: [order.placed, cart.emptied]
    frequency: {max: 2, per: 7d}
    ```
    """

    id = "TIM004"
    name = "reminder-without-stop"
    severity = Severity.WARNING
    profile = "recommended"
    principle = "P4 Customers define the engagement"
    fixable = Safety.UNSAFE
    fix_doc = (
        "adds `stop_when:` under `trigger:` with the events the hint suggests, "
        "when the catalogue has some and the campaign has a trigger"
    )

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag repeating campaigns without ``stop_when``."""
        trigger = campaign.trigger
        if (trigger is not None and trigger.stop_when) or service_notice(campaign, ctx.policy):
            return
        repeats = campaign.frequency is not None and campaign.frequency.max > 1
        scheduled = (
            trigger is not None and trigger.schedule is not None and trigger.schedule.every is not None
        )
        if not (repeats or scheduled):
            return
        examples = stop_examples(ctx.policy.events, trigger.event if trigger is not None else None)
        if trigger is None:
            yield Violation(
                "this campaign repeats but has no trigger, so nothing can stop it for a customer "
                "who acted or declined",
                ("frequency", "max"),
                hint=f"add a `trigger:` with `stop_when:` listing the events that end it{examples}",
            )
            return
        stops = stop_events(ctx.policy.events, trigger.event)
        fix = None
        if stops and "stop_when" not in trigger.model_fields_set:
            fix = unsafe(
                f"add `stop_when: [{', '.join(stops)}]`", add_key(("trigger",), "stop_when", list(stops))
            )
        yield Violation(
            "this campaign repeats but never stops for a customer who acted or declined",
            ("trigger",),
            hint=f"add `stop_when:` under `trigger:` with the events that end it{examples}",
            fix=fix,
        )
