"""The policy file: the organisation's engagement policy (docs/policy.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr

from campaign_lint.core.findings import Severity
from campaign_lint.schemas.base import FileModel
from campaign_lint.schemas.campaign import Channel, Consent, Count, Region, SendWindow, Text, Unsubscribe
from campaign_lint.schemas.types import Duration, JourneyDay

Glob = Annotated[StrictStr, Field(min_length=1)]
RuleSeverity = Severity | Literal["off"]


class Cap(FileModel):
    """At most ``max`` messages per ``per`` to one customer."""

    max: Count
    per: Duration


class ChannelPolicy(FileModel):
    """Organisation policy for one channel; unset keys keep the built-in default."""

    cap: Cap | None = None
    consent: list[Consent] | None = None
    send_window: SendWindow | None = None
    unsubscribe: Unsubscribe | None = None


class EventDef(FileModel):
    """A lifecycle event of the catalogue."""

    after: Text | None = None
    fulfilment: StrictBool = False
    # What has happened for the customer, in words ("the guest has checked out"); TIM001 says it.
    description: Text | None = None


class Segments(FileModel):
    """Facts about audience segments."""

    disjoint: list[Annotated[list[Text], Field(min_length=2)]] = []


class PersonaDef(FileModel):
    """A named customer whose messages `simulate` lays out day by day (docs/policy.md#personas).

    Whatever is left out is the worst case: in every segment, every consent.
    """

    description: Text | None = Field(default=None, description="Who this customer is, in words.")
    segments: list[Text] | None = Field(
        default=None,
        description="The segments the customer is in; absent: every segment (and excluded by none).",
    )
    region: Region | None = Field(
        default=None,
        description="Where the customer lives (ISO 3166: GB, US-CA); absent: the place most campaigns reach.",
    )
    consent: dict[Channel, list[Consent]] | None = Field(
        default=None,
        description="What the customer agreed to, per channel; a channel left out: nothing. "
        "Absent: every consent on every channel.",
    )
    journey: dict[Text, JourneyDay | Annotated[list[JourneyDay], Field(min_length=1)]] = Field(
        default={},
        description="Lifecycle events and the day each happens (0d: the first day), "
        'like {order.placed: 0d, order.delivered: "9d 14:30"}; a list for an event that happens again.',
    )


class Metrics(FileModel):
    """Metric names added to the built-in vocabulary of the measurement rules (MET002, MET005)."""

    activity: list[Text] | None = None
    outcome: list[Text] | None = None


class Vocabulary(FileModel):
    """Words added to the built-in vocabularies (docs/rules.md#vocabularies); each list adds, never replaces."""

    # AUD001: segment names, or globs like `all_*_uk`, that mean everyone.
    everyone_segments: list[Text] = []
    # TIM001: phrases that show a message asks for a review, a rating or a survey.
    feedback_asks: list[Text] = []
    # CON001, CON002, TIM002, AUD002, MET003: phrases that show a message makes an offer.
    offers: list[Text] = []
    # VAL003: reasons for collecting data that say nothing.
    empty_reasons: list[Text] = []
    # VAL002: customer value that is only the company's gain.
    company_side_value: list[Text] = []
    # TRP004: losses and belittling words a decline label may use.
    decline_losses: list[Text] = []
    decline_belittling: list[Text] = []
    # TRP006: phrases that name a game; TRP007: phrases that frame a game as a loss.
    games: list[Text] = []
    loss_framed_games: list[Text] = []


RuleSetting = RuleSeverity | dict[StrictStr, Any]
CustomRuleId = Annotated[StrictStr, Field(pattern=r"^[A-Z]{2,6}[0-9]{3}$")]


class Override(FileModel):
    """Rule settings for the campaign files matching ``files`` (gitignore-style globs)."""

    files: Annotated[list[Glob], Field(min_length=1)]
    rules: dict[StrictStr, RuleSetting]


class CustomRule(FileModel):
    """An organisation rule written as CEL expressions."""

    id: CustomRuleId
    severity: Severity = Severity.ERROR
    description: Text
    when: StrictStr | None = None
    assert_: Annotated[StrictStr, Field(alias="assert", min_length=1)]
    message: Text
    path: StrictStr | None = None
    hint: Text | None = None


class Waiver(FileModel):
    """A reviewed, expiring exception to one rule for some campaigns."""

    rule: StrictStr
    campaigns: Annotated[list[Text], Field(min_length=1)]
    reason: Annotated[StrictStr, Field(min_length=10)]
    expires: date
    owner: Text | None = None
    ticket: Text | None = None


class Locks(FileModel):
    """What a policy that extends this one may not loosen (docs/policy.md#locks)."""

    # Rule IDs or families: never `off`, severity only stricter, options kept, no exceptions or suppressions.
    rules: list[Text] = []
    # Channels: cap only tighter, consent and send window never wider, unsubscribe only to one_click.
    channels: list[Channel] = []
    # Caps alone: a channel's, or `total_cap`.
    caps: list[Channel | Literal["total_cap"]] = []
    # The lowest severity that fails a run may not rise (the command line's --fail-on stays CI's).
    fail_on: StrictBool = False


class Business(FileModel):
    """Facts about the business that decide which engagement fits (TRP006)."""

    engagement_fit: Literal["convenience", "fun", "mixed"] | None = None


class Policy(FileModel):
    """One policy file, before profiles and defaults are applied."""

    version: Literal[1] = 1
    extends: Text | list[Text] | None = None
    campaigns: list[Glob] | None = None
    exclude: list[Glob] = []
    fail_on: Severity | None = None
    channels: dict[Channel, ChannelPolicy] = {}
    total_cap: Cap | None = None
    events: dict[Text, EventDef] = {}
    segments: Segments = Segments()
    personas: dict[Text, PersonaDef] = {}
    metrics: Metrics = Metrics()
    vocabulary: Vocabulary = Vocabulary()
    rules: dict[StrictStr, RuleSetting] = {}
    overrides: list[Override] = []
    custom_rules: list[CustomRule] = []
    schema_: Annotated[dict[StrictStr, Any] | None, Field(alias="schema")] = None
    exceptions: list[Waiver] = []
    unsuppressible: list[StrictStr] = []
    locked: Locks = Locks()
    business: Business = Business()
