"""The campaign file: what a marketer writes for one campaign (README "The campaign file").

No annotations are postponed here (no ``from __future__ import
annotations``): pydantic reads the fields' types as objects, instead of
compiling each annotation's text when a run starts.
"""

import enum
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import Field, StrictBool, StrictInt, StrictStr, model_validator

from campaign_lint.schemas.base import FileModel
from campaign_lint.schemas.types import ClockTime, Duration, Percentage

Text = Annotated[StrictStr, Field(min_length=1)]
Count = Annotated[StrictInt, Field(ge=1)]
Region = Annotated[
    StrictStr,
    Field(
        pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$",
        json_schema_extra={
            "patternErrorMessage": "Not a region: write a country code in capitals, like GB or US, "
            "or a country and its region, like US-CA."
        },
    ),
]
CampaignId = Annotated[
    StrictStr,
    Field(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        max_length=128,
        json_schema_extra={
            "patternErrorMessage": "Not a campaign ID: use lowercase letters, digits and single dashes, "
            "like spring-sale-2026."
        },
    ),
]


class CampaignType(enum.StrEnum):
    """What kind of campaign this is."""

    PROMOTIONAL = "promotional"
    LIFECYCLE = "lifecycle"
    FEEDBACK = "feedback"
    LOYALTY = "loyalty"
    REENGAGEMENT = "reengagement"
    ONBOARDING = "onboarding"
    ACQUISITION = "acquisition"
    TRANSACTIONAL = "transactional"


class Channel(enum.StrEnum):
    """Where the message reaches the customer."""

    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"
    IN_APP = "in_app"
    WEB = "web"
    VOICE = "voice"
    WHATSAPP = "whatsapp"
    DIRECT_MAIL = "direct_mail"


class Consent(enum.StrEnum):
    """The legal basis for contacting the audience."""

    OPT_IN = "opt_in"
    SOFT_OPT_IN = "soft_opt_in"
    EXPRESS_WRITTEN = "express_written"
    LEGITIMATE_INTEREST = "legitimate_interest"
    NONE = "none"


class Unsubscribe(enum.StrEnum):
    """How a recipient stops the messages."""

    ONE_CLICK = "one_click"
    LINK = "link"
    KEYWORD = "keyword"
    NONE = "none"


class Placement(enum.StrEnum):
    """Where an in_app or web campaign appears."""

    CHECKOUT = "checkout"
    CART = "cart"
    PRODUCT_PAGE = "product_page"
    POST_PURCHASE = "post_purchase"
    ACCOUNT = "account"
    HOME = "home"


class Audience(FileModel):
    """Who receives the campaign."""

    segment: Text | None = None
    """The segment the campaign goes to, as your customer platform names it."""
    exclude: list[Text] = []
    """Segments left out of the audience."""
    consent: Consent | None = None
    """The legal basis for contacting this audience."""
    regions: list[Region] = []
    """Where the recipients are: country codes like GB, US or US-CA (the rules apply local law)."""
    inactive_days_max: Count | None = None
    """Recipients inactive for longer than this many days are left out (AUD002)."""


class Schedule(FileModel):
    """A calendar-driven campaign."""

    start: date | datetime
    """The first send: a date (2026-03-01) or a date and time."""
    end: date | datetime | None = None
    """The last day the campaign sends."""
    every: Duration | None = None
    """How often it repeats, like 7d; absent: it sends once."""


class Trigger(FileModel):
    """What starts the campaign for a customer: an event or a schedule."""

    event: Text | None = None
    """The event that starts the campaign for a customer, from the policy's `events`."""
    delay: Duration | None = None
    """How long after the event the message goes, like 3d."""
    stop_when: list[Text] = []
    """Events that stop the campaign for the customer, like `order.placed` or `unsubscribed`."""
    schedule: Schedule | None = None
    """A calendar date instead of an event."""

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.event is None) == (self.schedule is None):
            raise ValueError("a trigger needs exactly one of `event` or `schedule`")
        return self


class Frequency(FileModel):
    """How often one customer can get this campaign."""

    max: Count
    """The most messages of this campaign one customer gets in each period."""
    per: Duration
    """The period, like 7d."""


class SendWindow(FileModel):
    """Recipient-local hours in which messages may be sent."""

    start: ClockTime
    """The earliest local time to send, like "09:00"."""
    end: ClockTime
    """The latest local time to send, like "20:00"."""


class Urgency(FileModel):
    """A countdown or deadline shown to the customer."""

    kind: Literal["none", "countdown", "deadline"]
    """A `countdown` shown to the customer, a `deadline` stated in words, or `none`."""
    ends_at: datetime | date | None = None
    """When the offer really ends."""
    resets: StrictBool = Field(
        default=False,
        description="The countdown starts again (per visit, per day, per customer) instead of ending once (TRP003).",
    )


class Incentive(FileModel):
    """Something the customer gets: a discount, points, a gift."""

    kind: Text
    """What it is: discount, points, gift, free_shipping..."""
    conditional_on: Literal["none", "positive_review", "purchase"] = "none"
    """What the customer must do to get it; a reward only for a positive review buys praise (TRP005)."""


class Ask(enum.StrEnum):
    """What a message asks the customer to do (``content.asks_for``)."""

    REVIEW = "review"
    RATING = "rating"
    SURVEY = "survey"
    FEEDBACK = "feedback"
    PURCHASE = "purchase"
    BOOKING = "booking"
    SIGN_UP = "sign_up"
    REFERRAL = "referral"
    REPLY = "reply"
    VISIT = "visit"


class GameKind(enum.StrEnum):
    """The game a campaign shows (``content.game.kind``)."""

    SPIN_WHEEL = "spin_wheel"
    SCRATCH_CARD = "scratch_card"
    PRIZE_DRAW = "prize_draw"
    MYSTERY_BOX = "mystery_box"
    STREAK = "streak"
    BADGES = "badges"
    LEADERBOARD = "leaderboard"
    OTHER = "other"


class Game(FileModel):
    """A game in the campaign (TRP006, TRP007)."""

    kind: GameKind
    """What kind of game: spin_wheel, scratch_card, prize_draw, mystery_box, streak, badges..."""
    resets_unless: Literal["purchase", "visit", "action"] | None = Field(
        default=None,
        description="What the customer must do to keep their progress (a streak, a level); "
        "absent: progress is kept (TRP007).",
    )


class Content(FileModel):
    """What the message says and offers."""

    subject: Text | None = None
    """The subject line or headline."""
    unsubscribe: Unsubscribe | None = None
    """How a recipient stops the messages."""
    urgency: Urgency | None = None
    """A countdown or deadline shown to the customer."""
    decline_label: Text | None = None
    """The words of the button or link that says no ("No thanks")."""
    incentive: Incentive | None = None
    """Something the customer gets: a discount, points, a gift."""
    gamification: StrictBool = False
    """The campaign uses game mechanics (points, streaks, prizes)."""
    game: Game | None = Field(default=None, description="The game, when there is one (implies gamification).")
    asks_for: list[Ask] | None = Field(
        default=None,
        description="What the message asks the customer to do; [] asks for nothing. "
        "Without it, TIM001 reads the name, purpose and subject for a review, rating or survey.",
    )
    products: Literal["similar", "unrelated"] | None = None
    """What the message promotes, relative to what the customer bought (CON003)."""
    right_to_object_notice: StrictBool = False
    """The message tells a first-time recipient they may object to marketing (CON004)."""


class DataItem(FileModel):
    """A piece of contact or personal data the campaign asks for."""

    field: Text
    """The piece of data, like phone or birthday."""
    purpose: StrictStr | None = None
    """Why the campaign needs it, in words the customer would accept (VAL003)."""


class Downgrade(FileModel):
    """A tier downgrade or reset: what a member loses, and how long before it they are told (TRP008)."""

    loses: Annotated[list[Literal["status", "points", "benefits"]], Field(min_length=1)]
    """What the member loses: status, points, benefits."""
    notice: Duration | None = Field(
        default=None, description="How long before the downgrade the member is told; absent: no notice."
    )


class Loyalty(FileModel):
    """Loyalty or subscription mechanics."""

    points_expire_after: Duration | None = None
    """How long points last, like 12mo."""
    expiry_notice_days: list[Count] = []
    """How many days before points expire the member is told, like [30, 7]."""
    on_exit: Literal["keep", "forfeit"] | None = None
    """What happens to points when a member leaves."""
    signup_steps: Count | None = None
    """Steps to join."""
    cancel_steps: Count | None = None
    """Steps to leave; more than to join is a trap (TRP002)."""
    downgrade: Downgrade | None = None
    """A tier downgrade or reset, and the notice before it."""


class Campaign(FileModel):
    """One campaign file."""

    version: Literal[1] = 1
    """The version of the campaign format: 1."""
    id: CampaignId
    """The campaign's unique ID: lowercase letters, digits and dashes, like spring-sale-2026."""
    name: Text | None = None
    """A readable name."""
    owner: Text
    """Who answers for the campaign: a team or an email address."""
    type: CampaignType
    """What kind of campaign this is; the rules check the claim."""
    purpose: Text
    """What the campaign is for, in one sentence."""
    customer_value: StrictStr | None = None
    """What the customer gets from it, in their terms (VAL rules)."""
    channel: Channel
    """Where the message reaches the customer."""
    audience: Audience | None = None
    """Who receives it."""
    trigger: Trigger | None = None
    """What starts it for a customer: an event or a schedule."""
    frequency: Frequency | None = None
    """How often one customer can get it; a repeating campaign needs a cap (FRQ001)."""
    send_window: SendWindow | None = None
    """Recipient-local hours in which it may send."""
    placement: Placement | None = None
    """Where an in_app or web campaign appears."""
    content: Content | None = None
    """What the message says and offers."""
    data_collection: list[DataItem] = []
    """Contact or personal data the campaign asks for, each with its purpose."""
    loyalty: Loyalty | None = None
    """Loyalty or subscription mechanics."""
    success_metrics: list[Text] = []
    """How success is measured: outcomes for the customer or business, not only opens and clicks."""
    holdout: Percentage | None = None
    """The share of the audience kept out to measure the effect, like 10%."""

    @property
    def transactional(self) -> bool:
        """Service messages (receipts, delivery notices) are not marketing.

        A "transactional" message that carries an offer, an incentive or
        urgency is marketing, and the marketing rules apply to it.
        """
        return self.type is CampaignType.TRANSACTIONAL and not self.promotes

    @property
    def promotes(self) -> bool:
        """Carries an incentive or urgency (an offer)."""
        content = self.content
        if content is None:
            return False
        return content.incentive is not None or (
            content.urgency is not None and content.urgency.kind != "none"
        )

    @property
    def recurring(self) -> bool:
        """Triggered by an event, or scheduled to repeat."""
        if self.trigger is None:
            return False
        if self.trigger.event is not None:
            return True
        return self.trigger.schedule is not None and self.trigger.schedule.every is not None
