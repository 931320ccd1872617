"""The policy file: the organisation's engagement policy (docs/policy.md).

No annotations are postponed here (no ``from __future__ import
annotations``): pydantic reads the fields' types as objects, instead of
compiling each annotation's text when a run starts.
"""

from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, Field, StrictBool, StrictStr, model_validator

from campaign_lint.core.findings import Severity
from campaign_lint.core.timezones import checked
from campaign_lint.schemas.base import FileModel
from campaign_lint.schemas.campaign import Channel, Consent, Count, Region, SendWindow, Text, Unsubscribe
from campaign_lint.schemas.types import Duration, JourneyDay, PolicyRef, RuleOrFamily, RuleRef, catalogue

Glob = Annotated[StrictStr, Field(min_length=1)]
RuleSeverity = Severity | Literal["off"]


class Cap(FileModel):
    """At most ``max`` messages per ``per`` to one customer."""

    max: Count
    """The most messages one customer may get in each period."""
    per: Duration
    """The period the cap counts over, like 7d."""


class ChannelPolicy(FileModel):
    """Organisation policy for one channel; unset keys keep the built-in default."""

    cap: Cap | None = None
    """How many messages of this channel one customer may get, across all campaigns."""
    consent: list[Consent] | None = None
    """The legal bases that allow marketing on this channel (a campaign's audience needs one of them)."""
    send_window: SendWindow | None = None
    """Recipient-local hours in which this channel may send."""
    unsubscribe: Unsubscribe | None = None
    """The least a message of this channel must offer to stop the messages."""


class EventDef(FileModel):
    """A lifecycle event of the catalogue."""

    after: Text | None = None
    """The event that comes before this one (gives the order of things, for TIM rules)."""
    fulfilment: StrictBool = False
    """The customer has the product in hand: review requests wait for this event (TIM001)."""
    description: Text | None = None
    """What has happened for the customer, in words ("the guest has checked out"); TIM001 says it."""


class Segments(FileModel):
    """Facts about audience segments."""

    disjoint: list[Annotated[list[Text], Field(min_length=2)]] = []
    """Groups of segments that share no customer, so their caps do not add up (FRQ003)."""


class PersonaExpectation(FileModel):
    """What one customer must never experience, from the customer's side (docs/policy.md#expects).

    Exactly one of ``at_most``, ``never``, ``quiet`` or ``min_gap``; ``channels``
    narrows any of them to messages on those channels.
    """

    at_most: Count | None = Field(
        default=None, description="At most this many messages `within` a period (FRQ005)."
    )
    within: Duration | None = Field(default=None, description="The period of `at_most`, like 7d.")
    after: Text | None = Field(
        default=None,
        description="With `at_most`: count the first `within` after this journey event, not any period. "
        "An event of the catalogue (`events:`; without one, of some persona's journey) that this persona's "
        "journey reaches.",
    )
    never: Literal["feedback", "marketing", "message"] | None = Field(
        default=None,
        description="Never a feedback request, a marketing message or any message `before` an event (TIM005).",
    )
    before: Text | None = Field(
        default=None,
        description="The journey event `never` waits for: an event of the catalogue (`events:`; without one, "
        "of some persona's journey). When this persona's journey never reaches it, every such message counts.",
    )
    quiet: SendWindow | None = Field(
        default=None,
        description='Nothing between `start` and `end`, local time, like {start: "21:00", end: "08:00"} (TIM005).',
    )
    min_gap: Duration | None = Field(
        default=None, description="At least this long between two messages, like 16h (FRQ005)."
    )
    channels: list[Channel] | None = Field(
        default=None, description="Only messages on these channels count; absent: every channel."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        kinds = [name for name in ("at_most", "never", "quiet", "min_gap") if getattr(self, name) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "an expectation says exactly one of `at_most`, `never`, `quiet` or `min_gap`"
                + (f" (this one says {', '.join(f'`{k}`' for k in kinds)})" if kinds else "")
            )
        if (self.at_most is None) != (self.within is None):
            raise ValueError("`at_most` needs `within`, the period it counts (like `within: 7d`)")
        if self.after is not None and self.at_most is None:
            raise ValueError(
                "`after` goes with `at_most`: at most N messages `within` a period after an event"
            )
        if (self.never is None) != (self.before is None):
            raise ValueError(
                "`never` needs `before`, the journey event it waits for (like `before: order.delivered`)"
            )
        return self


# An IANA time zone name; the validator loads it (a misspelt one gets a "did you mean"). The
# pattern is only for editors: the validator's message says more than a pattern mismatch.
TimeZone = Annotated[
    StrictStr,
    AfterValidator(checked),
    Field(
        examples=["Europe/London", "America/Los_Angeles"],
        json_schema_extra={
            "pattern": r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
            "patternErrorMessage": "Not a time zone: write an IANA name, like Europe/London or America/New_York.",
        },
    ),
]


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
    timezone: TimeZone | None = Field(
        default=None,
        description="The customer's time zone, an IANA name like Europe/London or America/Los_Angeles: "
        "a schedule time written with an offset (09:00Z) reaches them at that instant on their clock. "
        "Absent: they live in the zone the schedules are written in (09:00Z arrives at 09:00).",
    )
    consent: dict[Channel, list[Consent]] | None = Field(
        default=None,
        description="What the customer agreed to, per channel; a channel left out: nothing. "
        "Absent: every consent on every channel.",
    )
    journey: dict[Text, JourneyDay | Annotated[list[JourneyDay], Field(min_length=1)]] = Field(
        default={},
        description="Lifecycle events and the day each happens (0d: the first day), "
        'like {order.placed: 0d, order.delivered: "9d 14:30"}; a list for an event that happens again. '
        "Each an event of the catalogue (`events:`) when the policy has one.",
    )
    expects: list[PersonaExpectation] = Field(
        default=[],
        description="What this customer must never experience: at most N messages within a period, "
        "never a feedback request before an event, quiet hours, a minimum gap (FRQ005, TIM005). "
        "The events named are checked when the policy loads (docs/policy.md#expects).",
    )


class Metrics(FileModel):
    """Metric names added to the built-in vocabulary of the measurement rules (MET002, MET005)."""

    activity: list[Text] | None = None
    """Metrics that count what the company did (sends, opens, clicks) rather than what it changed."""
    outcome: list[Text] | None = None
    """Metrics that show what changed for the customer or the business (retention, revenue)."""


class Vocabulary(FileModel):
    """Words added to the built-in vocabularies (docs/rules.md#vocabularies); each list adds, never replaces."""

    everyone_segments: list[Text] = []
    """Segment names, or globs like `all_*_uk`, that mean everyone (AUD001)."""
    feedback_asks: list[Text] = []
    """Phrases that show a message asks for a review, a rating or a survey (TIM001)."""
    offers: list[Text] = []
    """Phrases that show a message makes an offer (CON001, CON002, TIM002, AUD002, MET003)."""
    empty_reasons: list[Text] = []
    """Reasons for collecting data that say nothing (VAL003)."""
    company_side_value: list[Text] = []
    """Customer value that is only the company's gain (VAL002)."""
    decline_losses: list[Text] = []
    """Losses a decline label may name, like "full price" (TRP004)."""
    decline_belittling: list[Text] = []
    """Belittling words a decline label may use, like "like paying" (TRP004)."""
    games: list[Text] = []
    """Phrases that name a game (TRP006)."""
    loss_framed_games: list[Text] = []
    """Phrases that frame a game as a loss ("your streak will be lost") (TRP007)."""


RuleSetting = RuleSeverity | dict[StrictStr, Any]
RuleSettings = Annotated[dict[StrictStr, RuleSetting], catalogue("RuleSettings")]
CustomRuleId = Annotated[StrictStr, Field(pattern=r"^[A-Z]{2,6}[0-9]{3}$"), catalogue("CustomRuleId")]


class Override(FileModel):
    """Rule settings for the campaign files matching ``files`` (gitignore-style globs)."""

    files: Annotated[list[Glob], Field(min_length=1)]
    """The campaign files these settings apply to: gitignore-style globs, like `campaigns/transactional/**`."""
    rules: RuleSettings
    """Rule ID -> severity, `off`, or options, for these files only."""


class CustomRule(FileModel):
    """An organisation rule written as CEL expressions."""

    id: CustomRuleId
    """The rule's ID: 2 to 6 capital letters of your own and 3 digits, like ORG001."""
    severity: Severity = Severity.ERROR
    """How serious a finding of this rule is."""
    description: Text
    """What the rule checks, in a sentence (`campaign-lint rules` shows it)."""
    when: StrictStr | None = None
    """A CEL expression: the rule checks only the campaigns for which it is true."""
    assert_: Annotated[StrictStr, Field(alias="assert", min_length=1)]
    """A CEL expression that must be true for every campaign the rule checks, like `campaign.channel != "sms"`."""
    message: Text
    """The finding's message when `assert` is false: what is wrong, for the marketer."""
    path: StrictStr | None = None
    """The campaign field the finding points at, like `audience.consent`."""
    hint: Text | None = None
    """How to fix it, shown after the message."""


class Waiver(FileModel):
    """A reviewed, expiring exception to one rule for some campaigns."""

    rule: RuleRef
    """The rule the exception is from."""
    campaigns: Annotated[list[Text], Field(min_length=1)]
    """The campaigns it covers: IDs, or globs on the ID or the file path, like `bf-*`."""
    reason: Annotated[StrictStr, Field(min_length=10)]
    """Why the exception is acceptable, in a sentence someone can review."""
    expires: date
    """The last day the exception holds (YYYY-MM-DD); after it, the findings come back."""
    owner: Text | None = None
    """Who answers for the exception."""
    ticket: Text | None = None
    """Where it was decided: a ticket ID or link."""


class Locks(FileModel):
    """What a policy that extends this one may not loosen (docs/policy.md#locks)."""

    rules: list[RuleOrFamily] = []
    """Rule IDs or families: never `off`, severity only stricter, options kept, no exceptions or suppressions."""
    channels: list[Channel] = []
    """Channels: cap only tighter, consent and send window never wider, unsubscribe only to one_click."""
    caps: list[Channel | Literal["total_cap"]] = []
    """Caps alone: a channel's, or `total_cap`."""
    fail_on: StrictBool = False
    """The lowest severity that fails a run may not rise (the command line's --fail-on stays CI's)."""


class Business(FileModel):
    """Facts about the business that decide which engagement fits (TRP006)."""

    engagement_fit: Literal["convenience", "fun", "mixed"] | None = None
    """What customers come for: `convenience` (games do not fit), `fun`, or `mixed` (TRP006)."""


class Policy(FileModel):
    """One policy file, before profiles and defaults are applied."""

    version: Literal[1] = 1
    """The version of the policy format: 1."""
    extends: PolicyRef | list[PolicyRef] | None = None
    """A profile (minimal, recommended, strict) or policy files this one builds on, applied in order."""
    campaigns: list[Glob] | None = None
    """Which files are campaigns: gitignore-style globs (default `campaigns/**/*.yaml`)."""
    exclude: list[Glob] = []
    """Files the `campaigns` globs match that are not campaigns (drafts, archives)."""
    fail_on: Severity | None = None
    """The lowest severity that fails a run: error, warning or info."""
    channels: dict[Channel, ChannelPolicy] = {}
    """Per channel: the cap across all campaigns, consent, send window and unsubscribe."""
    total_cap: Cap | None = None
    """How many messages one customer may get on all channels together."""
    events: dict[Text, EventDef] = {}
    """The lifecycle events campaigns may start or stop on; a campaign naming another is flagged."""
    # The defaults below are made without validating (``model_construct``): the same
    # values, without building each model's own validator at import (start-up).
    segments: Segments = Segments.model_construct()
    """Facts about audience segments."""
    personas: dict[Text, PersonaDef] = {}
    """Named customers whose messages `campaign-lint simulate` lays out day by day."""
    metrics: Metrics = Metrics.model_construct()
    """Metric names added to the built-in vocabulary of the measurement rules."""
    vocabulary: Vocabulary = Vocabulary.model_construct()
    """Words added to the built-in vocabularies the rules read campaigns with."""
    rules: RuleSettings = {}
    """Rule ID -> severity (error, warning, info), `off`, or a mapping of the rule's options."""
    overrides: list[Override] = []
    """Rule settings for some campaign files only."""
    custom_rules: list[CustomRule] = []
    """Your organisation's own rules, written as CEL expressions."""
    schema_: Annotated[dict[StrictStr, Any] | None, Field(alias="schema")] = None
    """A JSON Schema every campaign must also pass (for your `x-` fields); a failure is SPEC005."""
    exceptions: list[Waiver] = []
    """Reviewed, expiring exceptions to one rule for some campaigns."""
    unsuppressible: list[RuleRef] = []
    """Rules a campaign file may not silence with a `# campaign-lint: disable=...` comment."""
    locked: Locks = Locks.model_construct()
    """What a policy that extends this one may not loosen."""
    business: Business = Business.model_construct()
    """Facts about the business that decide which engagement fits."""
