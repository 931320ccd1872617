"""FRQ: frequency and contact pressure (principle 3, sane frequency)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.core.fixes import Safety
from campaign_lint.policies import rates
from campaign_lint.policies.base import (
    CampaignRule,
    NoOptions,
    PortfolioViolation,
    RuleContext,
)
from campaign_lint.policies.intent import service_notice
from campaign_lint.policies.pressurepool import Pool, PressureRule
from campaign_lint.policies.rates import cap_words, messages_in, show
from campaign_lint.policies.verdicts import Asked
from campaign_lint.schemas.campaign import Campaign, Channel
from campaign_lint.schemas.policy import Cap
from campaign_lint.schemas.types import Duration

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "FRQ"
TITLE = "frequency and contact pressure"

PRINCIPLE = "P3 Sane frequency, from the recipient's side"
_TEXTS = (Channel.SMS, Channel.VOICE)


class FRQ001(CampaignRule[NoOptions]):
    """A repeating or triggered campaign has no frequency cap.

    ## What it checks
    Campaigns that start from an event or repeat on a schedule (`every`)
    need `frequency: {max: N, per: DURATION}`: how often one customer can
    receive them. `type: transactional` exempts a service message (a
    receipt, a delivery notice): the customer needs one for each thing they
    did, so capping it would drop notices they are waiting for; one whose
    name, purpose or subject makes an offer ("20% off"), or that is sent on
    a calendar, is marketing and needs a cap.

    ## Why it matters
    Without a cap, every event sends again: a customer who browses five
    products gets five "still thinking about it?" emails. From the
    recipient's side, an avalanche of messages turns a good experience into
    a bad rating and an unsubscribe.

    ## Bad
    ```yaml
    trigger:
      event: cart.abandoned
      delay: 2h
      stop_when: [order.placed]
    ```

    ## Use instead
    ```yaml
    trigger:
      event: cart.abandoned
      delay: 2h
      stop_when: [order.placed]
    frequency: {max: 1, per: 7d}
    ```
    """

    id = "FRQ001"
    name = "missing-frequency-cap"
    severity = Severity.ERROR
    profile = "minimal"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag recurring non-transactional campaigns without ``frequency``."""
        if campaign.frequency is not None or not campaign.recurring or service_notice(campaign, ctx.policy):
            return
        trigger = campaign.trigger
        assert trigger is not None
        if trigger.event is not None:
            where: tuple[str, ...] = ("trigger", "event")
            what = f"every `{trigger.event}`"
        else:
            where = ("trigger", "schedule", "every")
            what = "every scheduled run"
        yield Violation(
            f"this campaign sends on {what} with no limit per customer",
            where,
            hint="add `frequency: {max: 1, per: 7d}` (how often one customer may get it)",
        )


class FRQ002(CampaignRule[NoOptions]):
    """The campaign's own cap allows more messages than the channel allows.

    ## What it checks
    The campaign's `frequency`, compared as a rate with the channel's cap
    from the policy (defaults: email 3 per 7 days, sms 2 per 7 days, push 1
    per day, whatsapp 2 per 7 days). `type: transactional` exempts a
    service message: the channel cap is a promise about how often the
    customer hears marketing, and notices the customer needs are not
    counted in it; one that makes an offer ("20% off") or is sent on a
    calendar is marketing and must fit the cap.

    ## Why it matters
    The channel cap is the organisation's promise of how often a customer
    hears from it. One campaign that alone can exceed it breaks that
    promise before any other campaign is counted. Tools such as Klaviyo's
    smart sending hold to one email per 16 hours for the same reason.

    ## Bad
    ```yaml
    trigger:
      schedule: {start: 2026-11-23, end: 2026-11-30, every: 1d}
      stop_when: [order.placed]
    frequency: {max: 1, per: 1d}
    ```

    ## Use instead
    ```yaml
    trigger:
      schedule: {start: 2026-11-23, end: 2026-11-30, every: 3d}
      stop_when: [order.placed]
    frequency: {max: 3, per: 7d}
    ```
    """

    id = "FRQ002"
    name = "over-channel-cap"
    severity = Severity.ERROR
    profile = "minimal"
    principle = PRINCIPLE
    fixable = Safety.UNSAFE
    fix_doc = "lowers `frequency.max` to what the channel cap allows over `frequency.per` (if at least 1)"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag a campaign cap above the channel cap, compared as rates."""
        policy = ctx.policy.channels.get(campaign.channel)
        cap = policy.cap if policy else None
        frequency = campaign.frequency
        if frequency is None or cap is None or service_notice(campaign, ctx.policy):
            return
        # max * window / per > cap, compared in whole numbers: most campaigns
        # pass, and only a finding needs the fraction (for its message).
        if frequency.max * cap.per.seconds <= cap.max * frequency.per.seconds:
            return
        count = messages_in(campaign, cap.per)
        if count is not None and count > cap.max:
            yield Violation(
                f"this campaign alone can send one customer {show(count)} {campaign.channel} "
                f"messages per {cap.per.words()}; the {campaign.channel} cap is {cap.max}",
                ("frequency",),
                hint=f"lower `frequency` to at most {cap_words(cap)}",
                fix=rates.lowered_cap(frequency.max, frequency.per, cap),
            )


class FRQ003(PressureRule[NoOptions]):
    """Together, campaigns send one customer more messages than the channel cap allows.

    ## What it checks
    For each channel with a cap (and for `total_cap`, every channel
    together), the messages a customer really receives in the worst window:
    the contact timeline of each persona (your policy's `personas:`, or the
    built-in `typical` and `late-delivery` customers) with the customer's
    journey placed on the busiest days of the schedules. Campaigns whose
    schedules never meet never add up; campaigns whose audiences cannot
    overlap (segments your policy declares `disjoint`, exclusions, regions,
    consent) do not either. A cap of whole days counts calendar days in the
    customer's time zone. The finding sits on the campaign that sends most
    in that window; the others are listed with their counts. The hint
    says which campaigns to cut, and by how many messages, the largest
    first: four or fewer by name; past four, the first three by name and
    the messages left to cut from the next ones in the list.

    One cause is reported once: a campaign counts at most the cap, since
    what one campaign alone sends beyond it is FRQ002's finding (and an
    approved FRQ002 exception waives all of it), and towards `total_cap`
    each channel counts at most its own cap. `type: transactional` service
    messages are not counted; one that makes an offer ("20% off") or is
    sent on a calendar is marketing and counts.

    The `recommended` profile sets `total_cap` to 7 messages per 7 days when
    the policy has none: one marketing message a day on average, whatever
    the channel. That is the rate of the most generous built-in channel cap
    (push, 1 a day), so no channel within its own cap breaks it alone, while
    email, texts and push each at their built-in caps (3 + 2 + 7 = 12 a
    week) do.

    ## Why it matters
    A customer does not care which team sent the fifth email this week.
    Each campaign can respect its own cap while together they bury the
    customer: four one-off announcements are harmless months apart and an
    avalanche in the same week.

    ## Bad
    ```yaml
    id: autumn-range
    trigger: {schedule: {start: 2026-10-05}}
    ```
    ```yaml
    id: winter-range
    trigger: {schedule: {start: 2026-10-06}}
    ```
    ```yaml
    id: spring-range
    trigger: {schedule: {start: 2026-10-07}}
    ```
    ```yaml
    id: summer-range
    trigger: {schedule: {start: 2026-10-08}}
    ```

    ## Use instead
    ```yaml
    id: autumn-range
    trigger: {schedule: {start: 2026-10-05}}
    ```
    ```yaml
    id: winter-range
    trigger: {schedule: {start: 2026-12-07}}
    ```
    ```yaml
    id: spring-range
    trigger: {schedule: {start: 2027-03-08}}
    ```
    ```yaml
    id: summer-range
    trigger: {schedule: {start: 2027-05-10}}
    ```
    """

    id = "FRQ003"
    name = "portfolio-contact-pressure"
    severity = Severity.ERROR
    profile = "recommended"
    principle = PRINCIPLE

    def judge(self, pool: Pool, ctx: RuleContext[NoOptions]) -> Iterable[PortfolioViolation]:
        """Count each persona's worst window against each cap; report the worst persona per cap."""
        if pool.counted(texts=False) < 2:
            return  # one campaign alone is FRQ002's
        # The contact timeline, imported only when there is a portfolio to count (policies/pressurepool.py).
        from campaign_lint.policies.capcount import caps_of
        from campaign_lint.policies.pressure import Limits, pressure_finding, within, worst

        caps = caps_of(ctx.policy)
        if not caps:
            return
        horizon = max(cap.per.seconds for _, _, cap in caps) // 86400 + 1
        for label, channel, cap in caps:
            limits = Limits(cap, None if channel is None else str(channel), within(ctx.policy, cap))
            # What is judged, the same in every run (a persona whose plan did not change in the cap's
            # channel keeps its window).
            what = (
                self.id,
                label,
                limits.channel,
                cap.max,
                cap.per.seconds,
                tuple(sorted(limits.channel_max.items())),
            )
            judge = functools.partial(worst, limits=limits)
            judged = pool.judged(Asked(False, horizon, what, limits.channel), judge)
            found = [window for window in judged if window is not None]
            window = max(found, key=lambda w: w.count, default=None)
            if window is not None and window.count > cap.max:
                yield pressure_finding(
                    label, "all" if channel is None else str(channel), cap, window, pool.records
                )


class FRQ004Options(BaseModel):
    """Options of FRQ004."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    max_per_day: int = Field(
        default=3, ge=1, description="Most texts or calls on one subject per 24 hours (FTSA)."
    )


class FRQ004(PressureRule[FRQ004Options]):
    """Texts or calls on one subject reach a customer more than 3 times in 24 hours.

    ## What it checks
    The sms and voice messages each persona receives (your policy's
    `personas:`, or the built-in customers), counted in any 24 hours: those
    of campaigns that start from the same `trigger.event`, and those of the
    scheduled campaigns. More than `max_per_day` (3) is reported once per
    event (or once for the schedules), on the campaign that sends most,
    listing the others. Only campaigns that reach the same customer add up
    (segments the policy declares `disjoint`, exclusions, regions, consent),
    a `stop_when` event of the journey stops the rest, and `type:
    transactional` service messages are not counted unless they make an
    offer ("20% off") or are sent on a calendar. A campaign counts at most
    `max_per_day` messages: what one campaign sends beyond its channel's cap
    is FRQ002's finding.

    ## Why it matters
    Three texts about the same basket in one day is already a lot; more is
    harassment. Florida and Maryland limit telephone solicitation to 3
    messages on the same subject per 24 hours (FTSA).

    ## Bad
    ```yaml
    # campaign-lint.yaml
    channels: {sms: {cap: {max: 6, per: 7d}}}
    personas:
      hesitant: {journey: {cart.abandoned: ["0d 09:00", "0d 12:00"]}}
    ```
    ```yaml
    id: cart-text
    channel: sms
    audience: {segment: recent_buyers, consent: express_written}
    content: {unsubscribe: keyword}
    send_window: {start: "09:00", end: "19:00"}
    trigger: {event: cart.abandoned, delay: 1h, stop_when: [order.placed]}
    frequency: {max: 2, per: 7d}
    ```
    ```yaml
    id: cart-text-discount
    channel: sms
    audience: {segment: recent_buyers, consent: express_written}
    content: {unsubscribe: keyword}
    send_window: {start: "09:00", end: "19:00"}
    trigger: {event: cart.abandoned, delay: 6h, stop_when: [order.placed]}
    frequency: {max: 2, per: 7d}
    ```

    ## Use instead
    ```yaml
    # campaign-lint.yaml
    channels: {sms: {cap: {max: 6, per: 7d}}}
    personas:
      hesitant: {journey: {cart.abandoned: ["0d 09:00", "0d 12:00"]}}
    ```
    ```yaml
    id: cart-text
    channel: sms
    audience: {segment: recent_buyers, consent: express_written}
    content: {unsubscribe: keyword}
    send_window: {start: "09:00", end: "19:00"}
    trigger: {event: cart.abandoned, delay: 1h, stop_when: [order.placed]}
    frequency: {max: 2, per: 7d}
    ```
    ```yaml
    id: cart-text-discount
    channel: sms
    audience: {segment: recent_buyers, consent: express_written}
    content: {unsubscribe: keyword}
    send_window: {start: "09:00", end: "19:00"}
    trigger: {event: cart.abandoned, delay: 6h, stop_when: [order.placed]}
    frequency: {max: 1, per: 7d}
    ```
    """

    id = "FRQ004"
    name = "texts-same-day"
    severity = Severity.ERROR
    profile = "recommended"
    principle = PRINCIPLE
    options = FRQ004Options

    def judge(self, pool: Pool, ctx: RuleContext[FRQ004Options]) -> Iterable[PortfolioViolation]:
        """Count each persona's texts and calls per trigger event, and of the schedules, in any 24 hours."""
        texts = pool.chosen(texts=True)
        if not texts:
            return
        # The contact timeline, imported only when there are texts to count (policies/pressurepool.py).
        from campaign_lint.policies.pressure import Limits, same_day_finding, worst_among

        most = ctx.options.max_per_day
        limits = Limits(Cap(max=most, per=Duration(24, "h")), None, {}, rolling=True)
        events = sorted({event for _, event, _ in texts if event is not None})
        groups: list[tuple[str, str | None, set[str]]] = [
            (f"`{event}`", event, {path for path, on, _ in texts if on == event}) for event in events
        ]
        groups.append(("their schedules", None, {path for path, _, scheduled in texts if scheduled}))
        for about, event, paths in groups:
            # What is judged, the same in every run: the campaigns of the group count, not only the plan.
            counted = hashlib.blake2b("\0".join(sorted(paths)).encode("utf-8", "surrogatepass")).digest()
            judge = functools.partial(worst_among, paths=paths, limits=limits)
            judged = pool.judged(Asked(True, 1, (self.id, about, most, counted)), judge)
            found = [w for w in judged if w is not None]
            window = max(found, key=lambda w: w.count, default=None)
            if window is not None and window.count > most:
                yield same_day_finding(about, event, most, window, pool.records)
