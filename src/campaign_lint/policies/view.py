"""The part of the effective policy that rules may read: a narrow, frozen view.

Rules see this and their own typed options, nothing else: not the command
line, not the policy files, not the cache. ``lint/config.py`` builds it once
per run from the policy files and the built-in defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class PolicyView:
    """What the organisation's policy says, as rules read it."""

    # Per channel: cap, consent, send window, unsubscribe (built-in defaults under the policy's).
    channels: Mapping[Channel, ChannelPolicy] = field(default_factory=lambda: dict(defaults.CHANNEL_DEFAULTS))
    # One customer's messages across all marketing channels.
    total_cap: Cap | None = None
    # The event catalogue (``events:``); empty when the policy has none.
    events: Mapping[str, EventDef] = field(default_factory=dict)
    segments: Segments = field(default_factory=Segments)
    # Named customers (``personas:``); empty: the built-in ones (policies/personas.py).
    personas: Mapping[str, PersonaDef] = field(default_factory=dict)
    # Metric names the policy adds to the built-in vocabulary (``metrics:``; policies/vocabulary.py).
    activity_metrics: frozenset[str] = frozenset()
    outcome_metrics: frozenset[str] = frozenset()
    business: Business = field(default_factory=Business)
    # Words the policy adds to the built-in vocabularies (``vocabulary:``).
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

    def fulfilment_events(self) -> frozenset[str]:
        """The catalogue's fulfilment events, or ``order.delivered`` without a catalogue."""
        marked = {name for name, event in self.events.items() if event.fulfilment}
        return frozenset(marked or {defaults.FULFILMENT_EVENT})
