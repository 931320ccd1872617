"""The part of the effective policy that rules may read: a narrow, frozen view.

Rules see this and their own typed options, nothing else: not the command
line, not the policy files, not the cache. ``lint/config.py`` builds it once
per run from the policy files and the built-in defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from campaign_lint.core.slotted import Slotted
from campaign_lint.policies import defaults
from campaign_lint.schemas.campaign import Channel
from campaign_lint.schemas.policy import (
    Business,
    Cap,
    ChannelPolicy,
    EventDef,
    PersonaDef,
    Segments,
    Vocabulary,
)


class PolicyView(Slotted):
    """What the organisation's policy says, as rules read it."""

    __slots__ = (
        "channels",
        "total_cap",
        "events",
        "segments",
        "personas",
        "activity_metrics",
        "outcome_metrics",
        "business",
        "vocabulary",
    )
    # Per channel: cap, consent, send window, unsubscribe (built-in defaults under the policy's).
    channels: Final[Mapping[Channel, ChannelPolicy]]
    # One customer's messages across all marketing channels.
    total_cap: Final[Cap | None]
    # The event catalogue (``events:``); empty when the policy has none.
    events: Final[Mapping[str, EventDef]]
    segments: Final[Segments]
    # Named customers (``personas:``); empty: the built-in ones (policies/personas.py).
    personas: Final[Mapping[str, PersonaDef]]
    # Metric names the policy adds to the built-in vocabulary (``metrics:``; policies/vocabulary.py).
    activity_metrics: Final[frozenset[str]]
    outcome_metrics: Final[frozenset[str]]
    business: Final[Business]
    # Words the policy adds to the built-in vocabularies (``vocabulary:``).
    vocabulary: Final[Vocabulary]

    def __init__(
        self,
        channels: Mapping[Channel, ChannelPolicy] | None = None,
        total_cap: Cap | None = None,
        events: Mapping[str, EventDef] | None = None,
        segments: Segments | None = None,
        personas: Mapping[str, PersonaDef] | None = None,
        activity_metrics: frozenset[str] = frozenset(),
        outcome_metrics: frozenset[str] = frozenset(),
        business: Business | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        """Each default (None) is the built-in one: no policy (the models made without validating)."""
        self.channels = dict(defaults.CHANNEL_DEFAULTS) if channels is None else channels
        self.total_cap = total_cap
        self.events = {} if events is None else events
        self.segments = Segments.model_construct() if segments is None else segments
        self.personas = {} if personas is None else personas
        self.activity_metrics = activity_metrics
        self.outcome_metrics = outcome_metrics
        self.business = Business.model_construct() if business is None else business
        self.vocabulary = Vocabulary.model_construct() if vocabulary is None else vocabulary

    def fulfilment_events(self) -> frozenset[str]:
        """The catalogue's fulfilment events, or ``order.delivered`` without a catalogue."""
        marked = {name for name, event in self.events.items() if event.fulfilment}
        return frozenset(marked or {defaults.FULFILMENT_EVENT})
