"""TIM: timing (principles 2 right moment, 4 customers define the engagement)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.core.fixes import Change, Remedy, Safety, add_key, set_value, unsafe
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.policies.defaults import INTERRUPTIVE
from campaign_lint.policies.events import at_or_after, fulfilment_words
from campaign_lint.policies.intent import (
    Reading,
    ask_kind,
    feedback_request,
    marketing_reason,
)
from campaign_lint.schemas.campaign import Campaign, CampaignType, Trigger
from campaign_lint.schemas.types import Duration

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "TIM"
TITLE = "timing"


class TIM001Options(BaseModel):
    """Options of TIM001."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    min_delay: Duration = Field(
        default=Duration(3, "d"),
        description="Shortest wait after fulfilment before asking (Amazon: 5-30 days; Trustpilot: 7).",
    )


class TIM001(CampaignRule[TIM001Options]):
    """A review, rating or survey request is sent before the customer has what they bought.

    ## What it checks
    Feedback requests that start from an event: the event must be the
    fulfilment event (`order.delivered`, or the event your policy's event
    catalogue marks `fulfilment: true`: `stay.completed`, `ticket.scanned`)
    or one that comes after it, and the `delay` must be at least
    `min_delay` (3 days by default). The message and the hint name the
    catalogue's fulfilment event with its `description`.

    A campaign is a feedback request when it says so, whatever its `type`:

    - `type: feedback`; otherwise
    - `content.asks_for` lists `review`, `rating`, `survey` or `feedback`
      (when `asks_for` is given, it decides: `asks_for: [purchase]` or
      `asks_for: []` is not a feedback request); otherwise
    - its `name`, `purpose` or `content.subject` asks for a review, a
      rating, stars or a survey ("rating nudge", "rate your stay", "leave
      a review", "how did we do"; see [Vocabularies](#vocabularies),
      extended by the policy's `vocabulary.feedback_asks`).

    The finding says which of these made it a feedback request. The rule
    ignores `customer_value` (it promises, it does not ask), "review" as a
    verb about the customer's own details ("Review your booking"), reviews
    shown to the customer ("what other guests said in their reviews"), and
    campaigns started by a schedule rather than an event.

    ## Why it matters
    Asking "how was your stay?" before the guest has checked in, or "how
    was your kettle?" before it has arrived, annoys the customer and
    produces reviews of the delivery, not of what they bought. Asking again
    while a delivery is late is worse. Marketplaces ask between 5 and 30
    days after delivery (Amazon) or 7 days after the order (Trustpilot)
    for this reason. A rating nudge typed `lifecycle` asks all the same.

    ## Bad
    ```yaml
    type: lifecycle
    name: Rating nudge at dispatch
    trigger:
      event: order.shipped
      delay: 1d
      stop_when: [review.submitted]
    frequency: {max: 1, per: 30d}
    ```

    ## Use instead
    ```yaml
    type: lifecycle
    name: Rating nudge after delivery
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
    fixable = Safety.UNSAFE
    fix_doc = (
        "moves the trigger to the fulfilment event (when the policy has exactly one) "
        "and sets `delay` to `min_delay`"
    )

    def check(self, campaign: Campaign, ctx: RuleContext[TIM001Options]) -> Iterable[Violation]:
        """Flag feedback requests triggered before fulfilment or too soon after it."""
        options = ctx.options
        trigger = campaign.trigger
        if trigger is None or trigger.event is None:
            return
        early = not at_or_after(trigger.event, ctx.policy.fulfilment_events(), ctx.policy)
        delay = trigger.delay
        if not early and delay is not None and delay.seconds >= options.min_delay.seconds:
            return  # in time whatever it asks: its words need not be read
        asks = feedback_request(campaign, ctx.policy)
        if asks is None:
            return
        what = _request(asks)
        correct = ""
        if not asks.declared:
            correct = "; if it asks for no review, rating or survey, say so in `content.asks_for`"
        if early:
            moment, target = fulfilment_words(ctx.policy)
            fulfilment = sorted(ctx.policy.fulfilment_events())
            fix = None
            if len(fulfilment) == 1:
                fix = _later(trigger, options.min_delay, set_value(("trigger", "event"), fulfilment[0]))
            yield Violation(
                f"{what} starts at `{trigger.event}`, before {moment}",
                ("trigger", "event"),
                hint=f"trigger it on {target} with a delay of at least {options.min_delay}{correct}",
                fix=fix,
            )
            return
        if delay is None or delay.seconds < options.min_delay.seconds:
            waited = "immediately" if delay is None else f"only {delay.words()}"
            yield Violation(
                f"{what} is sent {waited} after `{trigger.event}`; "
                f"customers need at least {options.min_delay.words()} before they can judge what they got",
                ("trigger", "delay") if delay is not None else ("trigger", "event"),
                hint=f"set `delay: {options.min_delay}` or longer (marketplaces wait 5 to 30 days){correct}",
                fix=_later(trigger, options.min_delay),
            )


def _later(trigger: Trigger, min_delay: Duration, *changes: Change) -> Remedy:
    """TIM001's fix: ``changes`` (a later event), and a ``delay`` of at least ``min_delay``."""
    delay = (
        set_value(("trigger", "delay"), str(min_delay))
        if "delay" in trigger.model_fields_set
        else add_key(("trigger",), "delay", str(min_delay))
    )
    keep = trigger.delay is not None and trigger.delay.seconds >= min_delay.seconds
    event = next((str(change.value) for change in changes), None)
    title = f"trigger on `{event}`" if event else f"set `delay: {min_delay}`"
    if event and not keep:
        title += f" with `delay: {min_delay}`"
    return unsafe(title, *changes, *(() if keep else (delay,)))


def _request(asks: Reading) -> str:
    """How a finding names the request: ``this rating request (`name` says "rating nudge": read as ...)``."""
    what = f"this {ask_kind(asks)} request"
    if asks.path == ("type",):
        return what
    if asks.declared:
        return f"{what} ({asks.why})"
    return f"{what} ({asks.why}: read as feedback whatever its type)"


class TIM002(CampaignRule[NoOptions]):
    """A text, call or push message can arrive at night.

    ## What it checks
    Campaigns on interruptive channels (sms, voice, whatsapp, push) need a
    `send_window` inside the channel's allowed hours in the recipient's
    local time: 08:00-20:00 for sms, voice and whatsapp, 08:00-21:00 for
    push by default. Other channels are checked only when your policy sets
    a `send_window` for them.

    Transactional service messages are exempt: a delivery slot, a "your
    table is ready" text or a one-time code that the customer is waiting
    for may come at 07:00, and need no `send_window`. The exemption ends
    when the message is marketing after all: when it makes an offer
    (`content.incentive`, `content.urgency`, or offer words such as "20%
    off" or "promo code" in its `name`, `purpose` or `content.subject`; see
    [Vocabularies](#vocabularies)), or when it comes on a calendar
    (`schedule.every`) instead of answering something the customer did.
    The finding then says why.

    ## Why it matters
    A phone buzzing at 22:30 for a discount is an intrusion, not a service.
    US law forbids telephone solicitation before 8am and after 9pm (TCPA,
    47 CFR 64.1200(c)(1)), and Florida (FTSA, Fla. Stat. 501.059) and
    Maryland (Stop the Spam Calls Act, Md. Code Com. Law 14-4501) narrow it
    to 8am-8pm. Respecting quiet hours is part of letting customers decide
    when they hear from you.

    These laws govern marketing, not service: the TCPA's quiet hours apply
    to "telephone solicitation", a call or message "for the purpose of
    encouraging the purchase or rental of, or investment in, property,
    goods, or services" (47 U.S.C. 227(a)(4)); Florida's to "telephonic
    sales calls" and Maryland's to "telephone solicitations". A service
    notice the customer is waiting for is none of these; a notice that
    carries an offer is (the CTIA Messaging Principles draw the same line
    between informational and promotional texts).

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
    fixable = Safety.UNSAFE
    fix_doc = (
        "clamps `send_window` to the channel's allowed hours, or adds the allowed hours "
        "when the window is missing and the policy gives them"
    )

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag a missing send window, or one outside the channel's allowed hours."""
        why = ""
        if campaign.type is CampaignType.TRANSACTIONAL:
            reason = marketing_reason(campaign, ctx.policy)
            if reason is None:  # a service notice the customer is waiting for
                return
            why = f" ({_marketing_words(reason)})"
        channel_policy = ctx.policy.channels.get(campaign.channel)
        allowed = channel_policy.send_window if channel_policy else None
        window = campaign.send_window
        if window is None:
            if allowed is not None:
                yield Violation(
                    f"{campaign.channel} messages need a `send_window` "
                    f"(allowed: {allowed.start}-{allowed.end} recipient-local time){why}",
                    ("channel",),
                    hint=f'add `send_window: {{start: "{allowed.start}", end: "{allowed.end}"}}`',
                    fix=unsafe(
                        f"add `send_window` {allowed.start}-{allowed.end}",
                        add_key((), "send_window", {"start": str(allowed.start), "end": str(allowed.end)}),
                    ),
                )
            elif campaign.channel in INTERRUPTIVE:  # even when the policy removed the hours
                yield Violation(
                    f"{campaign.channel} messages need a `send_window`, so they never arrive at night{why}",
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
                f"{campaign.channel} messages are allowed {hours} only{why}",
                ("send_window", "end"),
                hint=f"use a window inside {hours}",
            )
            return
        # Clamped to the allowed hours, unless nothing of the window would be left.
        clamps = max(window.start, allowed.start) < min(window.end, allowed.end)
        if window.start < allowed.start:
            yield Violation(
                f"sending from {window.start} is too early for {campaign.channel}; "
                f"allowed from {allowed.start}{why}",
                ("send_window", "start"),
                hint=f'set `start: "{allowed.start}"` or later',
                fix=_clamp("start", str(allowed.start)) if clamps else None,
            )
        if window.end > allowed.end:
            yield Violation(
                f"sending until {window.end} is too late for {campaign.channel}; allowed until {allowed.end}{why}",
                ("send_window", "end"),
                hint=f'set `end: "{allowed.end}"` or earlier',
                fix=_clamp("end", str(allowed.end)) if clamps else None,
            )


def _clamp(end: str, time: str) -> Remedy:
    """TIM002's fix: one end of the send window moved to the allowed hour."""
    return unsafe(f'set `{end}: "{time}"`', set_value(("send_window", end), time))


def _marketing_words(reason: Reading) -> str:
    """Why a transactional message is marketing, for a message: ``it makes an offer: ...``."""
    if reason.path[:2] == ("trigger", "schedule"):
        return f"a transactional message sent on a calendar is marketing: {reason.why}"
    return f"a transactional message that makes an offer is marketing: {reason.why}"
