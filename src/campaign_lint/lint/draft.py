"""What ``campaign-lint new`` offers for a new campaign: a starting point per type, fitted to the policy.

A :class:`Starter` is what a campaign of one type usually looks like, in
the customer's words. A :class:`Guide` holds what the effective policy
allows (the event catalogue, each channel's cap, consent, quiet hours and
opt-out, TIM001's minimum delay), so the questions offer only answers the
policy accepts and their defaults pass ``check``. :class:`Draft` is the
answers; ``lint/draftfile.py`` writes it as a commented campaign file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from campaign_lint.lint.config import Settings
from campaign_lint.policies import defaults
from campaign_lint.policies.events import at_or_after, stop_events
from campaign_lint.policies.tim import TIM001Options
from campaign_lint.schemas.campaign import CampaignType, Channel, Consent, Placement, SendWindow, Unsubscribe
from campaign_lint.schemas.policy import Cap
from campaign_lint.schemas.types import ClockTime, Duration

# What each type is, in plain words, in the order the question lists them.
TYPE_WORDS: dict[CampaignType, str] = {
    CampaignType.PROMOTIONAL: "an offer, a sale or a new range",
    CampaignType.LIFECYCLE: "a message at a moment of the customer's journey (a saved cart, a restock)",
    CampaignType.FEEDBACK: "a review, rating or survey request",
    CampaignType.LOYALTY: "points, tiers or a membership",
    CampaignType.REENGAGEMENT: "win back customers who have drifted away",
    CampaignType.ONBOARDING: "welcome new customers",
    CampaignType.ACQUISITION: "reach people who are not customers yet",
    CampaignType.TRANSACTIONAL: "a service message the customer needs (a receipt, a delivery notice), no offer",
}

CHANNEL_WORDS: dict[Channel, str] = {
    Channel.EMAIL: "email",
    Channel.SMS: "text message",
    Channel.PUSH: "push notification on the phone",
    Channel.IN_APP: "message inside the app",
    Channel.WEB: "banner or pop-up on the website",
    Channel.VOICE: "phone call",
    Channel.WHATSAPP: "WhatsApp message",
    Channel.DIRECT_MAIL: "letter or postcard",
}

# The opt-out each channel offers by nature, where the policy asks for none.
_NATURAL_OPT_OUT = {
    Channel.EMAIL: Unsubscribe.ONE_CLICK,
    Channel.SMS: Unsubscribe.KEYWORD,
    Channel.WHATSAPP: Unsubscribe.KEYWORD,
    Channel.VOICE: Unsubscribe.KEYWORD,
}
# Placements that interrupt a purchase (TIM003): never offered for marketing.
PURCHASE_FLOW = frozenset({Placement.CHECKOUT, Placement.CART})
# Channels a person reads when they open them: no send window unless the policy sets one.
_OPENED = frozenset({Channel.IN_APP, Channel.WEB, Channel.DIRECT_MAIL})
_DAYTIME = SendWindow(start=ClockTime(9 * 60), end=ClockTime(20 * 60))
_ID_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Starter:
    """A campaign of one type as it usually starts: every default of its questions."""

    name: str
    purpose: str
    customer_value: str
    subject: str
    segment: str
    exclude: tuple[str, ...]
    # An event-triggered campaign names its preferred event; a scheduled one None.
    event: str | None
    delay: str | None
    stop_when: tuple[str, ...]
    every: str | None
    frequency: tuple[int, str] | None
    metrics: tuple[str, ...]
    channel: Channel = Channel.EMAIL
    sunset: int | None = None
    holdout: str | None = None
    placement: Placement = Placement.HOME


STARTERS: dict[CampaignType, Starter] = {
    CampaignType.PROMOTIONAL: Starter(
        name="New season offers",
        purpose="Sell more of the new season's range.",
        customer_value="You hear about the new range and its offers first, at most once a week, "
        "and can stop with one click.",
        subject="The new season range is here",
        segment="newsletter_subscribers",
        exclude=("staff_accounts",),
        event=None,
        delay=None,
        stop_when=("order.placed", "unsubscribed"),
        every="7d",
        frequency=(1, "7d"),
        metrics=("incremental_conversions", "repeat_purchase_rate"),
        sunset=180,
        holdout="10%",
    ),
    CampaignType.LIFECYCLE: Starter(
        name="Saved cart reminder",
        purpose="Recover orders left in the cart.",
        customer_value="You can pick up where you left off without searching for the items again.",
        subject="Your cart is saved",
        segment="cart_abandoners",
        exclude=("staff_accounts",),
        event="cart.abandoned",
        delay="4h",
        stop_when=("order.placed", "cart.emptied"),
        every=None,
        frequency=(1, "7d"),
        metrics=("incremental_conversions",),
        holdout="10%",
    ),
    CampaignType.FEEDBACK: Starter(
        name="Review after delivery",
        purpose="Learn whether the order met expectations.",
        customer_value="You can report a problem and get it fixed quickly; your review helps "
        "other shoppers choose.",
        subject="How is your order?",
        segment="recent_buyers",
        exclude=("returned_orders",),
        event=defaults.FULFILMENT_EVENT,
        delay=None,  # TIM001's minimum delay, from the policy
        stop_when=("review.submitted", "order.returned"),
        every=None,
        frequency=(1, "30d"),
        metrics=("problems_resolved", "repeat_purchase_rate"),
        placement=Placement.POST_PURCHASE,
    ),
    CampaignType.LOYALTY: Starter(
        name="Monthly points summary",
        purpose="Keep members using the loyalty programme.",
        customer_value="You see your points and what they are worth, so none go to waste.",
        subject="Your points this month",
        segment="loyalty_members",
        exclude=("staff_accounts",),
        event=None,
        delay=None,
        stop_when=("unsubscribed",),
        every="30d",
        frequency=(1, "30d"),
        metrics=("retention_rate", "repeat_purchase_rate"),
        placement=Placement.ACCOUNT,
    ),
    CampaignType.REENGAGEMENT: Starter(
        name="We have not seen you for a while",
        purpose="Win back customers who stopped ordering.",
        customer_value="You hear what is new since your last order, once a month at most, "
        "and can stop with one click.",
        subject="Here is what is new since your last visit",
        segment="lapsed_customers",
        exclude=("staff_accounts",),
        event=None,
        delay=None,
        stop_when=("order.placed", "unsubscribed"),
        every="30d",
        frequency=(1, "30d"),
        metrics=("retention_rate", "incremental_conversions"),
        sunset=365,
        holdout="10%",
    ),
    CampaignType.ONBOARDING: Starter(
        name="Welcome to the shop",
        purpose="Turn new account holders into first-time buyers.",
        customer_value="You learn how delivery and free returns work, and get tips for choosing "
        "the right product.",
        subject="Welcome! Here is how delivery and returns work",
        segment="new_customers",
        exclude=("staff_accounts",),
        event="account.created",
        delay="1h",
        stop_when=("order.placed",),
        every=None,
        frequency=(2, "14d"),
        metrics=("incremental_conversions", "retention_rate"),
        holdout="10%",
    ),
    CampaignType.ACQUISITION: Starter(
        name="Introduce the shop to visitors",
        purpose="Win first orders from people who visit the website.",
        customer_value="You find the products that suit you with a short buying guide.",
        subject="A short guide to choosing well",
        segment="site_visitors",
        exclude=("existing_customers",),
        event=None,
        delay=None,
        stop_when=("order.placed", "unsubscribed"),
        every="14d",
        frequency=(1, "14d"),
        metrics=("incremental_conversions", "retention_rate"),
        holdout="10%",
    ),
    CampaignType.TRANSACTIONAL: Starter(
        name="Your order is on its way",
        purpose="Tell customers when their order ships.",
        customer_value="You know when your order will arrive and can track it.",
        subject="Your order is on its way",
        segment="recent_buyers",
        exclude=(),
        event="order.shipped",
        delay=None,
        stop_when=(),
        every=None,
        frequency=None,
        metrics=("problems_resolved",),
    ),
}


@dataclass(slots=True)
class Draft:
    """The answers: everything the new campaign file says."""

    id: str
    type: CampaignType
    channel: Channel
    name: str
    owner: str
    purpose: str
    customer_value: str
    segment: str
    exclude: list[str] = field(default_factory=list)
    consent: Consent | None = None
    event: str | None = None
    delay: Duration | None = None
    start: date | None = None
    end: date | None = None
    every: Duration | None = None
    stop_when: list[str] = field(default_factory=list)
    frequency: tuple[int, Duration] | None = None
    send_window: SendWindow | None = None
    sunset: int | None = None
    placement: Placement | None = None
    subject: str | None = None
    unsubscribe: Unsubscribe | None = None
    metrics: list[str] = field(default_factory=list)
    holdout: str | None = None


def campaign_id(name: str) -> str:
    """An ID made of a name's words: ``Café review, after delivery`` -> ``cafe-review-after-delivery``."""
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode("ascii")
    return "-".join(_ID_WORDS.findall(plain))[:64].strip("-") or "new-campaign"


@dataclass(frozen=True, slots=True)
class Guide:
    """What the effective policy allows a new campaign, and the defaults that fit it."""

    settings: Settings

    @property
    def min_delay(self) -> Duration:
        """TIM001's minimum wait after fulfilment before a feedback request."""
        setting = self.settings.rules.get("TIM001")
        options = setting.options if setting is not None else None
        return options.min_delay if isinstance(options, TIM001Options) else TIM001Options().min_delay

    def campaigns_folder(self) -> str:
        """The folder of the policy's first ``campaigns`` glob, relative to the policy: ``campaigns``."""
        for glob in self.settings.campaigns:
            if glob.startswith("!"):
                continue
            fixed = []
            for part in glob.strip("/").split("/"):
                if any(char in part for char in "*?["):
                    break
                fixed.append(part)
            else:
                fixed = fixed[:-1]  # a glob naming one file: its folder
            return "/".join(fixed)
        return "campaigns"

    def events(self, kind: CampaignType) -> list[str]:
        """Events a campaign of ``kind`` may start on; a feedback request only at or after fulfilment."""
        view = self.settings.view
        names = list(view.events)
        if kind is CampaignType.FEEDBACK:
            fulfilment = view.fulfilment_events()
            later = [name for name in names if at_or_after(name, fulfilment, view)]
            return later or sorted(fulfilment)
        return names

    def allows_event(self, kind: CampaignType, event: str) -> bool:
        """Whether ``event`` may start a campaign of ``kind`` (any event without a catalogue)."""
        if kind is CampaignType.FEEDBACK:
            view = self.settings.view
            return at_or_after(event, view.fulfilment_events(), view)
        return not self.settings.view.events or event in self.settings.view.events

    def default_event(self, kind: CampaignType) -> str | None:
        """The starter's event when the policy knows it, else the first the policy offers."""
        wanted = STARTERS[kind].event
        if wanted is None:
            return None
        offered = self.events(kind)
        if not offered or wanted in offered:
            return wanted
        return offered[0]

    def default_stop_when(self, kind: CampaignType, event: str | None) -> list[str]:
        """Events that end the campaign for a customer: the catalogue's, or the starter's without one."""
        catalogue = self.settings.view.events
        if kind is CampaignType.TRANSACTIONAL:
            return []
        if not catalogue:
            return list(STARTERS[kind].stop_when)
        return list(stop_events(catalogue, event))

    def cap(self, channel: Channel) -> Cap | None:
        """The channel's cap for one customer, from the policy or the built-in defaults."""
        policy = self.settings.view.channels.get(channel)
        return policy.cap if policy is not None else None

    def consents(self, channel: Channel) -> list[Consent]:
        """The consent bases the policy accepts for the channel (any but `none` when it names none)."""
        policy = self.settings.view.channels.get(channel)
        if policy is not None and policy.consent:
            return list(policy.consent)
        return [consent for consent in Consent if consent is not Consent.NONE]

    def allowed_hours(self, channel: Channel) -> SendWindow | None:
        """The channel's quiet-hours window from the policy, if it has one."""
        policy = self.settings.view.channels.get(channel)
        return policy.send_window if policy is not None else None

    def needs_window(self, channel: Channel) -> bool:
        """Whether the campaign gets a send window: every channel that interrupts, or that the policy limits."""
        return channel not in _OPENED or self.allowed_hours(channel) is not None

    def default_window(self, channel: Channel) -> SendWindow:
        """The policy's hours for the channel, else daytime (09:00-20:00)."""
        return self.allowed_hours(channel) or _DAYTIME

    def opt_out(self, channel: Channel) -> Unsubscribe | None:
        """The opt-out the policy asks of the channel, else the channel's natural one."""
        policy = self.settings.view.channels.get(channel)
        required = policy.unsubscribe if policy is not None else None
        if required is not None and required is not Unsubscribe.NONE:
            return required
        return _NATURAL_OPT_OUT.get(channel)

    def default_frequency(self, kind: CampaignType, channel: Channel) -> tuple[int, Duration] | None:
        """The starter's cap, lowered to the channel's when it would allow more."""
        wanted = STARTERS[kind].frequency
        if wanted is None:
            return None
        most, per = wanted[0], Duration.parse(wanted[1])
        if self.frequency_problem(channel, most, per) is None:
            return most, per
        cap = self.cap(channel)
        assert cap is not None  # only a cap can refuse a frequency
        return cap.max, cap.per

    def frequency_problem(self, channel: Channel, most: int, per: Duration) -> str | None:
        """Why ``most`` per ``per`` is over the channel's cap (compared as rates, as FRQ002), or None."""
        cap = self.cap(channel)
        if cap is None or most * cap.per.seconds <= cap.max * per.seconds:
            return None
        return (
            f"{most} per {per} is more than the {channel} cap of your policy allows "
            f"({cap.max} per {cap.per}, for one customer across all campaigns); choose fewer or a longer period"
        )

    def window_problem(self, channel: Channel, window: SendWindow) -> str | None:
        """Why a send window is not inside the channel's allowed hours (TIM002), or None."""
        if window.start >= window.end:
            return "the window must start before it ends, within one day (like 09:00-20:00)"
        allowed = self.allowed_hours(channel)
        if allowed is not None and (window.start < allowed.start or window.end > allowed.end):
            return (
                f"{channel} messages may go out only between {allowed.start} and {allowed.end}, "
                "the customer's local time; choose hours inside that"
            )
        return None
