"""The policy file: the organisation's engagement policy (docs/policy.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr

from campaign_lint.core.findings import Severity
from campaign_lint.schemas.base import FileModel
from campaign_lint.schemas.campaign import Channel, Consent, Count, SendWindow, Text, Unsubscribe
from campaign_lint.schemas.types import Duration

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


class Segments(FileModel):
    """Facts about audience segments."""

    disjoint: list[Annotated[list[Text], Field(min_length=2)]] = []


class Metrics(FileModel):
    """Vocabulary of the measurement rules."""

    activity: list[Text] | None = None
    outcome: list[Text] | None = None


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
    metrics: Metrics = Metrics()
    rules: dict[StrictStr, RuleSetting] = {}
    overrides: list[Override] = []
    custom_rules: list[CustomRule] = []
    schema_: Annotated[dict[StrictStr, Any] | None, Field(alias="schema")] = None
    exceptions: list[Waiver] = []
    unsuppressible: list[StrictStr] = []
    business: Business = Business()
