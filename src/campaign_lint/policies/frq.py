"""FRQ: frequency and contact pressure (principle 3, sane frequency)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation, subject
from campaign_lint.core.fixes import Safety
from campaign_lint.policies import rates
from campaign_lint.policies.base import (
    WHOLE_PORTFOLIO,
    CampaignRecord,
    CampaignRule,
    NoOptions,
    Pointer,
    PortfolioRule,
    PortfolioViolation,
    RuleContext,
)
from campaign_lint.policies.intent import service_notice
from campaign_lint.policies.overlap import reachable
from campaign_lint.policies.rates import burst, cap_words, messages_in, scaled_rates, schedule_groups, show
from campaign_lint.schemas.campaign import Campaign, Channel
from campaign_lint.schemas.policy import Cap, Segments

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


def _cap_path(record: CampaignRecord) -> tuple[str, ...]:
    """Where a campaign's contribution is set: its cap, else its trigger."""
    if record.frequency is not None:
        return ("frequency",)
    return ("trigger",) if record.has_trigger else ("id",)


class FRQ003(PortfolioRule[NoOptions]):
    """All campaigns together can send one customer more than the channel cap.

    ## What it checks
    For each channel with a cap, the worst case for one customer: the caps
    of every campaign whose audiences can overlap, added up over the cap's
    window. Audiences that cannot overlap do not add up: segments your
    policy declares `disjoint`, a segment that the other campaign lists
    under `exclude`, and campaigns for different `regions`. With
    `total_cap` in the policy, all channels together are checked as well.
    The finding lists every contributing campaign. `type: transactional`
    service messages are not counted, as in FRQ002; one that makes an
    offer ("20% off") or is sent on a calendar is marketing and counts.

    ## Why it matters
    A customer does not care which team sent the fifth email this week.
    Each campaign can respect its own cap while together they bury the
    customer: three "reasonable" campaigns at 2 emails a week are 6 emails
    a week for someone in all three audiences.

    ## Bad
    ```yaml
    id: weekly-picks
    trigger:
      schedule: {start: 2026-11-02, every: 7d}
      stop_when: [unsubscribed]
    frequency: {max: 2, per: 7d}
    ```
    ```yaml
    id: new-arrivals
    trigger:
      schedule: {start: 2026-11-02, every: 7d}
      stop_when: [unsubscribed]
    frequency: {max: 2, per: 7d}
    ```

    ## Use instead
    ```yaml
    id: weekly-picks
    trigger:
      schedule: {start: 2026-11-02, every: 7d}
      stop_when: [unsubscribed]
    frequency: {max: 2, per: 7d}
    ```
    ```yaml
    id: new-arrivals
    trigger:
      schedule: {start: 2026-11-02, every: 14d}
      stop_when: [unsubscribed]
    frequency: {max: 1, per: 7d}
    ```
    """

    id = "FRQ003"
    name = "portfolio-contact-pressure"
    severity = Severity.ERROR
    profile = "recommended"
    principle = PRINCIPLE

    def groups(self, record: CampaignRecord, ctx: RuleContext[NoOptions]) -> Iterable[Hashable]:
        """Marketing campaigns add up per channel; with ``total_cap``, all of them together."""
        whole = ctx.policy.total_cap is not None
        return () if record.transactional else (WHOLE_PORTFOLIO,) if whole else (str(record.channel),)

    def check(
        self, records: Sequence[CampaignRecord], ctx: RuleContext[NoOptions]
    ) -> Iterable[PortfolioViolation]:
        """Add up the caps per channel (and in total) and compare."""
        marketing = [r for r in records if not r.transactional]
        by_channel: dict[Channel, list[CampaignRecord]] = defaultdict(list)
        for record in marketing:
            by_channel[record.channel].append(record)
        for channel in sorted(by_channel):
            policy = ctx.policy.channels.get(channel)
            if policy is None or policy.cap is None:
                continue
            found = self._over(
                by_channel[channel], policy.cap, ctx.policy.segments, str(channel), str(channel)
            )
            if found is not None:
                yield found
        total = ctx.policy.total_cap
        if total is not None:
            found = self._over(marketing, total, ctx.policy.segments, "all channels together", "all")
            if found is not None:
                yield found

    @staticmethod
    def _over(
        records: Sequence[CampaignRecord], cap: Cap, segments: Segments, label: str, channel: str
    ) -> PortfolioViolation | None:
        rates, scale = scaled_rates(records, cap.per)
        counted = reachable(rates, segments)
        total = Fraction(sum(count for _, count in counted), scale)
        if len(counted) < 2 or total <= cap.max:
            return None
        first = counted[0][0]
        return PortfolioViolation(
            Pointer(first, _cap_path(first)),
            f"{label}: {len(counted)} campaigns can send one customer up to {show(total)} "
            f"messages per {cap.per.words()}; the cap is {cap.max}",
            hint="lower some campaigns' `frequency`, exclude segments that already get another "
            "campaign, or declare segments that never overlap under `segments: disjoint:` in the policy",
            related=tuple(
                Pointer(
                    record,
                    _cap_path(record),
                    f"`{record.id}`: up to {show(Fraction(count, scale))} per {cap.per.words()}",
                )
                for record, count in counted
            ),
            # The finding is about the channel's cap, whichever campaign it is shown on.
            subject=subject(channel=channel, window=cap.per),
        )


class FRQ004Options(BaseModel):
    """Options of FRQ004."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_per_day: int = Field(
        default=3, ge=1, description="Most texts or calls on one subject per 24 hours (FTSA)."
    )


class FRQ004(PortfolioRule[FRQ004Options]):
    """Texts or calls on one subject can reach a customer more than 3 times a day.

    ## What it checks
    sms and voice campaigns that start from the same `trigger.event`, or
    whose schedules overlap, added up: how many messages one customer can
    get within 24 hours, counting each campaign's cap in full. More than
    `max_per_day` (3) is reported once per group, listing every campaign.
    Like FRQ003, only campaigns one customer can be in at once add up:
    segments the policy declares `disjoint`, exclusions and regions keep
    campaigns apart, and `type: transactional` service messages are not
    counted unless they make an offer ("20% off") or are sent on a calendar.

    ## Why it matters
    Three texts about the same order in one day is already a lot; more is
    harassment. Florida and Maryland limit telephone solicitation to 3
    messages on the same subject per 24 hours (FTSA).

    ## Bad
    ```yaml
    # campaign-lint.yaml
    channels: {sms: {cap: {max: 6, per: 7d}}}
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

    def groups(self, record: CampaignRecord, ctx: RuleContext[FRQ004Options]) -> Iterable[Hashable]:
        """Texts and calls add up per trigger event, and scheduled ones among themselves."""
        if record.channel not in _TEXTS or record.transactional or not record.has_trigger:
            return ()
        return (f"event:{record.event}",) if record.event is not None else ("schedules",)

    def check(
        self, records: Sequence[CampaignRecord], ctx: RuleContext[FRQ004Options]
    ) -> Iterable[PortfolioViolation]:
        """Add up sms/voice campaigns per trigger event and per overlapping schedule."""
        options = ctx.options
        texts = [r for r in records if r.channel in _TEXTS and not r.transactional]
        by_event: dict[str, list[CampaignRecord]] = defaultdict(list)
        for record in texts:
            if record.event is not None:
                by_event[record.event].append(record)
        groups: list[tuple[str, str | None, list[CampaignRecord]]] = [
            (f"`{event}`", event, by_event[event]) for event in sorted(by_event)
        ]
        groups += [("overlapping schedules", None, group) for group in schedule_groups(texts)]
        for about, event, candidates in groups:
            # Only campaigns one customer can be in at once add up (regions, exclusions, disjoint segments).
            counted = reachable([(r, burst(r)) for r in candidates], ctx.policy.segments)
            total = sum(count for _, count in counted)
            if total <= options.max_per_day:
                continue
            yield PortfolioViolation(
                Pointer(counted[0][0], ("trigger",)),
                f"{len(counted)} text/voice campaign{'s' if len(counted) != 1 else ''} on {about} can reach "
                f"one customer {total} times in 24 hours; at most {options.max_per_day} are allowed",
                hint="merge them into one message, or cap each so the total stays within the limit",
                related=tuple(
                    Pointer(
                        r,
                        ("frequency",) if r.frequency is not None else ("trigger",),
                        f"`{r.id}`: up to {count} in 24 hours",
                    )
                    for r, count in counted
                ),
                # About texts and calls on one trigger event (or overlapping schedules) in a day.
                subject=subject(
                    channel="sms+voice", window="24h", event=event, schedules=None if event else "overlapping"
                ),
            )
