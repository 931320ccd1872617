"""TIM: timing (principles 2 right moment, 4 customers define the engagement)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.policies.defaults import INTERRUPTIVE
from campaign_lint.schemas.campaign import Campaign, CampaignType, Channel, Placement
from campaign_lint.schemas.types import Duration

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "TIM"
TITLE = "timing"


class TIM001Options(BaseModel):
    """Options of TIM001."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_delay: Duration = Field(
        default=Duration(3, "d"),
        description="Shortest wait after fulfilment before asking (Amazon: 5-30 days; Trustpilot: 7).",
    )


class TIM001(CampaignRule[TIM001Options]):
    """A review or feedback request is sent before the order has arrived.

    ## What it checks
    Campaigns of `type: feedback` that start from an event: the event must
    be the fulfilment event (`order.delivered`, or the event your policy's
    event catalogue marks `fulfilment: true`) or one that comes after it,
    and the `delay` must be at least `min_delay` (3 days by default).

    ## Why it matters
    Asking "how was your kettle?" before the kettle has arrived annoys the
    customer and produces reviews of the delivery, not the product. Asking
    again while a delivery is late is worse. Marketplaces ask between 5
    and 30 days after delivery (Amazon) or 7 days after the order
    (Trustpilot) for this reason.

    ## Bad
    ```yaml
    type: feedback
    trigger:
      event: order.shipped
      delay: 1d
      stop_when: [review.submitted]
    frequency: {max: 1, per: 30d}
    ```

    ## Use instead
    ```yaml
    type: feedback
    trigger:
      event: order.delivered
      delay: 5d
      stop_when: [review.submitted]
    frequency: {max: 1, per: 30d}
    ```
    """

    id = "TIM001"
    name = "review-before-delivery"
    severity = Severity.ERROR
    profile = "minimal"
    principle = "P2 Right moment"
    options = TIM001Options

    def check(self, campaign: Campaign, ctx: RuleContext[TIM001Options]) -> Iterable[Violation]:
        """Flag feedback requests triggered before fulfilment or too soon after it."""
        options = ctx.options
        trigger = campaign.trigger
        if campaign.type is not CampaignType.FEEDBACK or trigger is None or trigger.event is None:
            return
        fulfilment = ctx.policy.fulfilment_events()
        if not _at_or_after(trigger.event, fulfilment, ctx):
            names = " or ".join(f"`{name}`" for name in sorted(fulfilment))
            yield Violation(
                f"this feedback request starts at `{trigger.event}`, before the order has been delivered",
                ("trigger", "event"),
                hint=f"trigger it on {names} (or an event after it) with a delay of at least {options.min_delay}",
            )
            return
        delay = trigger.delay
        if delay is None or delay.seconds < options.min_delay.seconds:
            waited = "immediately" if delay is None else f"only {delay.words()}"
            yield Violation(
                f"this feedback request is sent {waited} after delivery; "
                f"customers need at least {options.min_delay.words()} to try the product",
                ("trigger", "delay") if delay is not None else ("trigger", "event"),
                hint=f"set `delay: {options.min_delay}` or longer (marketplaces wait 5 to 30 days)",
            )


def _at_or_after(event: str, fulfilment: frozenset[str], ctx: RuleContext[Any]) -> bool:
    """Whether ``event`` is a fulfilment event or follows one in the catalogue."""
    seen: set[str] = set()
    current: str | None = event
    while current is not None and current not in seen:
        if current in fulfilment:
            return True
        seen.add(current)
        entry = ctx.policy.events.get(current)
        current = entry.after if entry else None
    return False


class TIM002(CampaignRule[NoOptions]):
    """A text, call or push message can arrive at night.

    ## What it checks
    Campaigns on interruptive channels (sms, voice, whatsapp, push) need a
    `send_window` inside the channel's allowed hours in the recipient's
    local time: 08:00-20:00 for sms, voice and whatsapp, 08:00-21:00 for
    push by default. Other channels are checked only when your policy sets
    a `send_window` for them.

    ## Why it matters
    A phone buzzing at 22:30 for a discount is an intrusion, not a service.
    US law forbids telephone solicitation before 8am and after 9pm (TCPA),
    and Florida and Maryland narrow it to 8am-8pm (FTSA). Respecting quiet
    hours is part of letting customers decide when they hear from you.

    ## Bad
    ```yaml
    channel: sms
    audience: {consent: express_written}
    content: {unsubscribe: keyword}
    send_window: {start: "07:00", end: "22:00"}
    ```

    ## Use instead
    ```yaml
    channel: sms
    audience: {consent: express_written}
    content: {unsubscribe: keyword}
    send_window: {start: "09:00", end: "19:00"}
    ```
    """

    id = "TIM002"
    name = "quiet-hours"
    severity = Severity.ERROR
    profile = "minimal"
    principle = "P4 Customers define the engagement"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag a missing send window, or one outside the channel's allowed hours."""
        channel_policy = ctx.policy.channels.get(campaign.channel)
        allowed = channel_policy.send_window if channel_policy else None
        window = campaign.send_window
        if window is None:
            if allowed is not None:
                yield Violation(
                    f"{campaign.channel} messages need a `send_window` "
                    f"(allowed: {allowed.start}-{allowed.end} recipient-local time)",
                    ("channel",),
                    hint=f'add `send_window: {{start: "{allowed.start}", end: "{allowed.end}"}}`',
                )
            elif campaign.channel in INTERRUPTIVE:  # even when the policy removed the hours
                yield Violation(
                    f"{campaign.channel} messages need a `send_window`, so they never arrive at night",
                    ("channel",),
                    hint="add `send_window:` with the hours customers may get it, in their local time",
                )
            return
        if allowed is None:
            return
        hours = f"{allowed.start}-{allowed.end}"
        if window.start >= window.end:
            yield Violation(
                f"the send window {window.start}-{window.end} runs overnight; "
                f"{campaign.channel} messages are allowed {hours} only",
                ("send_window", "end"),
                hint=f"use a window inside {hours}",
            )
            return
        if window.start < allowed.start:
            yield Violation(
                f"sending from {window.start} is too early for {campaign.channel}; allowed from {allowed.start}",
                ("send_window", "start"),
                hint=f'set `start: "{allowed.start}"` or later',
            )
        if window.end > allowed.end:
            yield Violation(
                f"sending until {window.end} is too late for {campaign.channel}; allowed until {allowed.end}",
                ("send_window", "end"),
                hint=f'set `end: "{allowed.end}"` or earlier',
            )


_PURCHASE_FLOW = frozenset({Placement.CHECKOUT, Placement.CART})


class TIM003(CampaignRule[NoOptions]):
    """A promotion interrupts the checkout or the cart.

    ## What it checks
    Marketing campaigns on `in_app` or `web` placed in `checkout` or `cart`.
    Transactional service messages (a delivery-date note) are exempt.

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
        if campaign.transactional or campaign.channel not in (Channel.IN_APP, Channel.WEB):
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
    reviewed). Transactional service messages are exempt.

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

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag repeating campaigns without ``stop_when``."""
        trigger = campaign.trigger
        if campaign.transactional or (trigger is not None and trigger.stop_when):
            return
        repeats = campaign.frequency is not None and campaign.frequency.max > 1
        if trigger is None:
            if repeats:
                yield Violation(
                    "this campaign repeats but has no trigger, so nothing can stop it for a customer "
                    "who acted or declined",
                    ("frequency", "max"),
                    hint="add a `trigger:` with `stop_when:` listing the events that end it, "
                    "like [order.placed, unsubscribed]",
                )
            return
        scheduled = trigger.schedule is not None and trigger.schedule.every is not None
        if repeats or scheduled:
            yield Violation(
                "this campaign repeats but never stops for a customer who acted or declined",
                ("trigger",),
                hint="add `stop_when:` under `trigger:` with the events that end it, like [order.placed, unsubscribed]",
            )
