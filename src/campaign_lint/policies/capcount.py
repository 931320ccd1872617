"""Counting a persona's timeline against the policy's caps: the worst window, in whole messages.

Only marketing messages count (``Message.transactional`` is False): the
channel caps and ``total_cap`` are promises about how often a customer hears
marketing. Transactional messages stay on the timeline, marked.

Which window: a cap whose ``per`` is whole days counts **calendar days in the
recipient's time zone**, any run of that many consecutive days (a cap of 3
per 7d looks at every 7 consecutive days, Monday to Sunday as much as
Thursday to Wednesday; a cap per 1d is one calendar day, as Braze counts). A
cap in hours or minutes rolls by the minute: any ``per`` from one message on.
The worst window over the simulated days decides, and says which days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final

from campaign_lint.core.slotted import Slotted
from campaign_lint.policies.timeline import DAY, Message, Timeline
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Channel
from campaign_lint.schemas.policy import Cap

ALL_CHANNELS = "all channels together"


class CapCount(Slotted):
    """A persona's worst window against one cap."""

    __slots__ = ("label", "channel", "cap", "calendar", "count", "start", "end", "messages")
    # ``email``..., or ``ALL_CHANNELS`` for ``total_cap``.
    label: Final[str]
    channel: Final[Channel | None]
    cap: Final[Cap]
    # Calendar days in the recipient's time zone (``per`` in whole days), else rolling minutes.
    calendar: Final[bool]
    count: Final[int]
    # The worst window, minutes from the timeline's start: [start, end).
    start: Final[int]
    end: Final[int]
    messages: Final[tuple[Message, ...]]

    def __init__(
        self,
        label: str,
        channel: Channel | None,
        cap: Cap,
        calendar: bool,
        count: int,
        start: int,
        end: int,
        messages: tuple[Message, ...],
    ) -> None:
        self.label = label
        self.channel = channel
        self.cap = cap
        self.calendar = calendar
        self.count = count
        self.start = start
        self.end = end
        self.messages = messages

    @property
    def over(self) -> bool:
        """More messages in the worst window than the cap allows."""
        return self.count > self.cap.max

    def by_campaign(self) -> list[tuple[str, int]]:
        """Campaign paths in the worst window with their message counts, most first (then by path)."""
        counted = Counter(message.path for message in self.messages)
        return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


def caps_of(policy: PolicyView) -> list[tuple[str, Channel | None, Cap]]:
    """Every cap of the policy: each channel's (in channel order), then ``total_cap``."""
    found: list[tuple[str, Channel | None, Cap]] = [
        (str(channel), channel, entry.cap)
        for channel, entry in sorted(policy.channels.items())
        if entry.cap is not None
    ]
    if policy.total_cap is not None:
        found.append((ALL_CHANNELS, None, policy.total_cap))
    return found


def count_caps(timeline: Timeline, policy: PolicyView, lo: int = 0, hi: int | None = None) -> list[CapCount]:
    """The worst window of each cap within ``[lo, hi)`` (default: the whole timeline).

    Windows start and end inside those minutes: a week of the agenda counts
    only its own days.
    """
    until = timeline.days * DAY if hi is None else hi
    marketing = [m for m in timeline.messages if not m.transactional]
    counts = []
    for label, channel, cap in caps_of(policy):
        chosen = marketing if channel is None else [m for m in marketing if m.channel == channel]
        counts.append(worst(chosen, label, channel, cap, lo, until, until))
    return counts


def worst(
    messages: Sequence[Message],
    label: str,
    channel: Channel | None,
    cap: Cap,
    lo: int,
    hi: int,
    limit: int,
) -> CapCount:
    """The window of ``cap.per`` starting in ``[lo, hi)`` that holds the most of ``messages`` (sorted by time).

    Calendar windows start at midnight; rolling ones at a message (the worst
    rolling window always starts at one). Windows end at ``limit`` at the
    latest; ties go to the earliest window.
    """
    per = max(1, cap.per.seconds // 60)
    calendar = per % DAY == 0
    times = [m.minute for m in messages]
    candidates = list(range(-(-lo // DAY) * DAY, hi, DAY)) if calendar else [t for t in times if lo <= t < hi]
    best_count, best_start = 0, lo - lo % DAY if calendar else lo
    right = left = 0
    for start in candidates:
        while left < len(times) and times[left] < start:
            left += 1
        right = max(right, left)
        while right < len(times) and times[right] < min(start + per, limit):
            right += 1
        if right - left > best_count:
            best_count, best_start = right - left, start
    end = min(best_start + per, limit)
    inside = tuple(m for m in messages if best_start <= m.minute < end) if best_count else ()
    return CapCount(label, channel, cap, calendar, best_count, best_start, end, inside)
