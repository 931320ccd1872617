"""The campaign file: what a marketer writes for one campaign (README "The campaign file")."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, model_validator

from campaign_lint.schemas.base import FileModel
from campaign_lint.schemas.types import ClockTime, Duration, Percentage

Text = Annotated[StrictStr, Field(min_length=1)]
Count = Annotated[StrictInt, Field(ge=1)]
Region = Annotated[StrictStr, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
CampaignId = Annotated[StrictStr, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=128)]


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
    exclude: list[Text] = []
    consent: Consent | None = None
    regions: list[Region] = []
    inactive_days_max: Count | None = None


class Schedule(FileModel):
    """A calendar-driven campaign."""

    start: date | datetime
    end: date | datetime | None = None
    every: Duration | None = None


class Trigger(FileModel):
    """What starts the campaign for a customer: an event or a schedule."""

    event: Text | None = None
    delay: Duration | None = None
    stop_when: list[Text] = []
    schedule: Schedule | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Trigger:
        if (self.event is None) == (self.schedule is None):
            raise ValueError("a trigger needs exactly one of `event` or `schedule`")
        return self


class Frequency(FileModel):
    """How often one customer can get this campaign."""

    max: Count
    per: Duration


class SendWindow(FileModel):
    """Recipient-local hours in which messages may be sent."""

    start: ClockTime
    end: ClockTime


class Urgency(FileModel):
    """A countdown or deadline shown to the customer."""

    kind: Literal["none", "countdown", "deadline"]
    ends_at: datetime | date | None = None
    resets: StrictBool = Field(
        default=False,
        description="The countdown starts again (per visit, per day, per customer) instead of ending once (TRP003).",
    )


class Incentive(FileModel):
    """Something the customer gets: a discount, points, a gift."""

    kind: Text
    conditional_on: Literal["none", "positive_review", "purchase"] = "none"


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
    resets_unless: Literal["purchase", "visit", "action"] | None = Field(
        default=None,
        description="What the customer must do to keep their progress (a streak, a level); "
        "absent: progress is kept (TRP007).",
    )


class Content(FileModel):
    """What the message says and offers."""

    subject: Text | None = None
    unsubscribe: Unsubscribe | None = None
    urgency: Urgency | None = None
    decline_label: Text | None = None
    incentive: Incentive | None = None
    gamification: StrictBool = False
    game: Game | None = Field(default=None, description="The game, when there is one (implies gamification).")
    asks_for: list[Ask] | None = Field(
        default=None,
        description="What the message asks the customer to do; [] asks for nothing. "
        "Without it, TIM001 reads the name, purpose and subject for a review, rating or survey.",
    )
    # What the message promotes, relative to what the customer bought (CON003).
    products: Literal["similar", "unrelated"] | None = None
    # The message tells a first-time recipient they may object to marketing (CON004).
    right_to_object_notice: StrictBool = False


class DataItem(FileModel):
    """A piece of contact or personal data the campaign asks for."""

    field: Text
    purpose: StrictStr | None = None


class Downgrade(FileModel):
    """A tier downgrade or reset: what a member loses, and how long before it they are told (TRP008)."""

    loses: Annotated[list[Literal["status", "points", "benefits"]], Field(min_length=1)]
    notice: Duration | None = Field(
        default=None, description="How long before the downgrade the member is told; absent: no notice."
    )


class Loyalty(FileModel):
    """Loyalty or subscription mechanics."""

    points_expire_after: Duration | None = None
    expiry_notice_days: list[Count] = []
    on_exit: Literal["keep", "forfeit"] | None = None
    signup_steps: Count | None = None
    cancel_steps: Count | None = None
    downgrade: Downgrade | None = None


class Campaign(FileModel):
    """One campaign file."""

    version: Literal[1] = 1
    id: CampaignId
    name: Text | None = None
    owner: Text
    type: CampaignType
    purpose: Text
    customer_value: StrictStr | None = None
    channel: Channel
    audience: Audience | None = None
    trigger: Trigger | None = None
    frequency: Frequency | None = None
    send_window: SendWindow | None = None
    placement: Placement | None = None
    content: Content | None = None
    data_collection: list[DataItem] = []
    loyalty: Loyalty | None = None
    success_metrics: list[Text] = []
    holdout: Percentage | None = None

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
