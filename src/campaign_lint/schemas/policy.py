"""The policy file (spec.md section 2): the organisation's engagement policy."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr

from campaign_lint.lint.findings import Severity
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
    rules: dict[StrictStr, RuleSeverity | dict[StrictStr, Any]] = {}
