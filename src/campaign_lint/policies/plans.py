"""One persona's plan for FRQ003 and FRQ004: its scheduled and its triggered messages, drawn apart.

For each persona (the policy's, or the built-in ones) the contact timeline (``policies/timeline.py``)
is drawn twice: the scheduled campaigns on their calendar dates (``calendar``: from the first
scheduled send to the last, and the longest window judged after it), and the event-triggered ones
from the day the persona's journey starts (``journey_days``). ``policies/pressure.py`` places the
journey where it adds most and counts the windows.

What one campaign adds to a plan depends on that campaign, the persona and these days alone (the
timeline decides each campaign's messages on its own), which is what lets ``policies/replans.py``
keep each campaign's part from one run to the next.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final

from campaign_lint.core.slotted import Slotted
from campaign_lint.policies.base import CampaignRecord, RuleContext
from campaign_lint.policies.personas import personas
from campaign_lint.policies.sendtimes import place_open
from campaign_lint.policies.timeline import DAY, Message, Persona, Sender, localised, simulate
from campaign_lint.policies.view import PolicyView

# How far past the last scheduled send a repeating schedule without an end is drawn, at least.
MIN_HORIZON_DAYS = 28
# The longest a journey's messages are followed after its last event.
MAX_FOLLOW_DAYS = 400
# The journey's day 0 when nothing is scheduled (no date is shown then).
NO_ORIGIN = date(2000, 1, 3)

# (minute, campaign path, campaign id, channel): one message, as counted here.
Sent = tuple[int, str, str, str]
# The order of a plan's messages (as ``simulate`` sorts them: minute, campaign id, path).
ORDER: Callable[[Sent], tuple[int, str, str]] = lambda m: (m[0], m[2], m[1])  # noqa: E731


class Plan(Slotted):
    """One persona's messages, split so that the journey can be placed on any day."""

    __slots__ = ("persona", "origin", "scheduled", "triggered", "stops")
    persona: Final[Persona]
    # Day 0 of ``scheduled`` (the first scheduled send); None when nothing is scheduled.
    origin: Final[date | None]
    # Scheduled messages, minutes from ``origin``, as if the journey never happened (nothing stopped).
    scheduled: Final[tuple[Sent, ...]]
    # Event-triggered messages, minutes from midnight of the journey's day 0.
    triggered: Final[tuple[Sent, ...]]
    # Scheduled campaigns with ``stop_when``: path -> (first send minute from ``origin``, stop events).
    stops: Final[Mapping[str, tuple[int, tuple[str, ...]]]]

    def __init__(
        self,
        persona: Persona,
        origin: date | None,
        scheduled: tuple[Sent, ...],
        triggered: tuple[Sent, ...],
        stops: Mapping[str, tuple[int, tuple[str, ...]]],
    ) -> None:
        self.persona = persona
        self.origin = origin
        self.scheduled = scheduled
        self.triggered = triggered
        self.stops = stops


def only(plan: Plan, paths: Container[str]) -> Plan:
    """``plan`` with the messages of the campaigns at ``paths`` alone."""
    return plan.replace(
        scheduled=tuple(m for m in plan.scheduled if m[1] in paths),
        triggered=tuple(m for m in plan.triggered if m[1] in paths),
    )


def plans_for(
    records: Sequence[CampaignRecord],
    chosen: Sequence[CampaignRecord],
    ctx: RuleContext[Any],
    horizon_days: int,
) -> list[Plan]:
    """The plan of the ``chosen`` campaigns for each persona (its personas drawn once per pass: FRQ003, FRQ004)."""
    policy = ctx.policy
    senders = [r.sender for r in records if r.sender is not None]
    wanted = [r.sender for r in chosen if r.sender is not None]
    inputs = (id(policy), tuple(s.path for s in senders))  # what the personas are drawn from, in the pass
    people = ctx.computed(("personas", inputs), functools.partial(personas, policy, senders))
    return [plan(wanted, persona, policy, horizon_days) for persona in people]


def plan(senders: Sequence[Sender], persona: Persona, policy: PolicyView, horizon_days: int) -> Plan:
    """Draw ``persona``'s scheduled and triggered messages (``horizon_days``: the longest window judged)."""
    # ``simulate`` keeps only the campaigns that reach the persona; the schedules' days on its clock.
    senders = localised(senders, persona.timezone)
    scheduled = [s for s in senders if s.event is None and s.start is not None]
    triggered = [s for s in senders if s.event is not None]
    origin = None
    on_calendar: tuple[Sent, ...] = ()
    stops: dict[str, tuple[int, tuple[str, ...]]] = {}
    if scheduled:
        first, days = calendar([_days(s) for s in scheduled], horizon_days)
        origin = date.fromordinal(first)
        on_calendar = sent(simulate(scheduled, quiet(persona), origin, days, policy).messages)
        stops = stops_of(scheduled, first, policy)
    journey: tuple[Sent, ...] = ()
    if triggered and persona.journey:
        days = journey_days(persona, max(s.delay for s in triggered), horizon_days)
        journey = sent(simulate(triggered, persona, origin or NO_ORIGIN, days, policy).messages)
    return Plan(persona, origin, on_calendar, journey, stops)


def quiet(persona: Persona) -> Persona:
    """``persona`` without its journey: what the schedules alone send it."""
    return persona.replace(journey=())


def calendar(days: Iterable[tuple[int, int]], horizon_days: int) -> tuple[int, int]:
    """(first day, number of days) the schedules are drawn over, from their (first, last) days."""
    first, last = bounds(days)
    return first, last - first + 1 + max(horizon_days, MIN_HORIZON_DAYS)


def bounds(days: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """(first day, last day) of the schedules, from their (first, last) days."""
    spans = list(days)
    return min(start for start, _ in spans), max(end for _, end in spans)


def journey_days(persona: Persona, longest_delay: int, horizon_days: int) -> int:
    """How many days the journey's messages are followed (``longest_delay``: of the campaigns, in minutes)."""
    follow = longest_delay // DAY + horizon_days + 2
    return persona.journey[-1][1] // DAY + 1 + min(follow, MAX_FOLLOW_DAYS)


def _days(sender: Sender) -> tuple[int, int]:
    assert sender.start is not None
    return sender.start // DAY, last_day(sender.start, sender.end, sender.every)


def last_day(start: int, end: int | None, every: int | None) -> int:
    """The day of a schedule's last send: its end, else its start plus one period."""
    if end is not None:
        return end // DAY
    return (start + (every or 0)) // DAY


def stops_of(
    scheduled: Iterable[Sender], first: int, policy: PolicyView
) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Per scheduled campaign with ``stop_when``: (its first send, minutes from day ``first``; the events)."""
    windows = {channel: entry.send_window for channel, entry in policy.channels.items()}
    stops = {}
    for s in scheduled:
        if s.stop_when and s.start is not None:
            start = s.start
            if s.open_time:
                channel_window = windows.get(s.channel)
                window = s.window or (
                    None
                    if channel_window is None
                    else (channel_window.start.minutes, channel_window.end.minutes)
                )
                start = start - start % DAY + place_open(window)
            stops[s.path] = (start - first * DAY, s.stop_when)
    return stops


def sent(messages: Iterable[Message]) -> tuple[Sent, ...]:
    """The marketing ``messages`` as counted (transactional ones are not)."""
    return tuple((m.minute, m.path, m.campaign, str(m.channel)) for m in messages if not m.transactional)


class Parts:
    """One persona's plan as each campaign's part of it (the plan built when first asked for), and what tells it apart.

    ``policies/replans.py`` fills it from the parts it keeps between runs.
    """

    __slots__ = (
        "persona",
        "origin",
        "calendar_for",
        "calendar",
        "journey_for",
        "journey",
        "until",
        "totals",
        "_plan",
    )

    def __init__(self, persona: Persona) -> None:
        self.persona = persona
        self.origin: date | None = None
        self.calendar_for: tuple[Any, ...] | None = None
        # Per scheduled campaign sending the persona something: (its messages, its stop).
        self.calendar: dict[str, Any] = {}
        self.journey_for: tuple[Any, ...] | None = None
        # Per triggered campaign sending the persona something: its messages.
        self.journey: dict[str, tuple[Sent, ...]] = {}
        self.until = 0
        # The sums of the calendar's and the journey's parts' digests, per channel.
        self.totals: list[dict[str, int]] = [{}, {}]
        self._plan: Plan | None = None

    @property
    def described(self) -> tuple[Any, ...]:
        """Besides the parts, everything the plan is drawn from (compared with the last run's)."""
        return (self.persona, self.calendar_for, self.journey_for, self.until)

    def plan(self) -> Plan:
        """The persona's plan of these parts."""
        if self._plan is None:
            on_calendar = tuple(
                sorted((m for messages, _ in self.calendar.values() for m in messages), key=ORDER)
            )
            stops = {path: stop for path, (_, stop) in self.calendar.items() if stop is not None}
            until = self.until
            journey = tuple(
                sorted((m for messages in self.journey.values() for m in messages if m[0] < until), key=ORDER)
            )
            self._plan = Plan(self.persona, self.origin, on_calendar, journey, stops)
        return self._plan
