"""The contact timeline: every message one customer (a persona) receives, minute by minute.

Pure and deterministic: no I/O, no clock. The inputs are

* the portfolio as :class:`Sender` values, one per valid campaign (built once
  per file by :func:`sender_of` and kept in the portfolio record, so a warm
  run reads no YAML to simulate);
* a :class:`Persona`: the segments, place and consents of one customer, and
  their journey of dated lifecycle events;
* the first day and the number of days simulated, and the policy (for the
  channels' send windows).

Times are whole minutes in the recipient's own time zone, counted from
midnight of the first simulated day (``Message.minute``). Campaign times
(schedules, send windows) are read as the recipient's local wall clock.

What decides a message (docs/timeline.md has the same in words):

* **Who**: the campaign's segment (``all``: everyone) must be one the persona
  is in, none of its ``exclude`` segments, its ``regions`` (empty:
  everywhere) must hold the persona's place, and a stated consent basis that
  needs the customer's agreement (``opt_in``, ``soft_opt_in``,
  ``express_written``) must be one the persona gave on that channel.
  Transactional messages need no marketing consent.
* **When**: an event trigger fires at each journey occurrence of its event,
  after ``delay``; a schedule sends at ``start`` and every ``every`` until
  ``end``. A schedule that names a day and no time leaves the time open: the
  worst case, ``ANCHOR`` (10:00) moved to the nearest time its send window
  allows, so every such message of a day lands at the same minute.
* **Send windows**: the campaign's, else the channel's in the policy; a
  message due outside it waits for the window to open.
* **stop_when**: a stop event after the trigger (for a schedule: from its
  start) and no later than the send cancels the message.
* **frequency**: a campaign's own cap skips its messages over ``max`` in any
  rolling ``per``, as the engagement platforms do.

Channel caps and ``total_cap`` are not applied here: the timeline shows what
the plan sends, and ``policies/capcount.py`` counts it against the caps.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from campaign_lint.core.pickling import by_fields
from campaign_lint.policies.sendtimes import ANCHOR as ANCHOR
from campaign_lint.policies.sendtimes import DAY as DAY
from campaign_lint.policies.sendtimes import capped, fit, minutes_words, place_open
from campaign_lint.policies.view import PolicyView
from campaign_lint.policies.vocabulary import everyone_segments
from campaign_lint.schemas.campaign import Campaign, CampaignType, Channel, Consent, SendWindow

# Consent bases that need the customer's own agreement; others reach everyone.
AGREED = frozenset({Consent.OPT_IN, Consent.SOFT_OPT_IN, Consent.EXPRESS_WRITTEN})
# The segment that means everyone when nothing else is known; ``everyone_of`` adds the vocabulary's.
EVERYONE = frozenset({"all"})


@dataclass(frozen=True, slots=True)
class Sender:
    """One campaign as the timeline reads it: plain values, small to keep and to pickle.

    Moments are absolute minutes (``date.toordinal() * 1440 + minute``),
    local wall clock.
    """

    id: str
    path: str
    channel: Channel
    type: str
    transactional: bool
    # Event trigger: the event and the delay in minutes.
    event: str | None
    delay: int
    stop_when: tuple[str, ...]
    # Schedule: first send (absolute minute of its day when the time is open), open time,
    # last moment (inclusive; None: no end), period in minutes (None: once).
    start: int | None
    open_time: bool
    end: int | None
    every: int | None
    # ``frequency`` as (max, per in minutes).
    frequency: tuple[int, int] | None
    # The campaign's own send window in minutes of the day (start, end), inclusive.
    window: tuple[int, int] | None
    segment: str
    exclude: tuple[str, ...]
    regions: tuple[str, ...]
    consent: str | None
    # Asks for a review, a rating or a survey (``intent.feedback_request``; persona expectations read it).
    feedback: bool = False

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # As ``by_fields``, with the channel as its name: an enum member costs a
        # call of the enum's class per record to unpickle, a dict lookup here.
        values = by_fields(self)[1]
        return _sender, (values[0], values[1], self.channel.value, *values[3:])


_CHANNELS = {channel.value: channel for channel in Channel}


def _sender(identifier: str, path: str, channel: str, *rest: Any) -> Sender:
    """A pickled ``Sender`` back (see ``Sender.__reduce__``)."""
    return Sender(identifier, path, _CHANNELS[channel], *rest)


@dataclass(frozen=True, slots=True)
class Persona:
    """One customer: who they are and what happens to them.

    ``segments`` None: in every segment except ``not_in`` and excluded by no
    campaign (the worst case); a set: exactly those segments. ``region``:
    where they live (``GB``, ``US-CA``); None: a place no campaign names, so
    only campaigns without ``regions`` reach them. ``consent`` None: every
    consent on every channel; a mapping: what they agreed to, per channel.
    ``journey``: (event, minute from midnight of day 0), in order.
    """

    name: str
    journey: tuple[tuple[str, int], ...]
    segments: frozenset[str] | None = None
    not_in: frozenset[str] = frozenset()
    region: str | None = None
    consent: Mapping[Channel, frozenset[Consent]] | None = None
    description: str = ""
    builtin: bool = False

    def reaches(self, sender: Sender, everyone: Collection[str] = EVERYONE) -> bool:
        """Whether ``sender``'s audience holds this persona (``everyone``: segment names for the whole list)."""
        segment = sender.segment
        if self.segments is None:
            if segment in self.not_in:
                return False
        elif (segment not in everyone and segment not in self.segments) or (
            sender.exclude and not self.segments.isdisjoint(sender.exclude)
        ):
            return False
        if sender.regions:
            place = self.region
            if place is None or (place not in sender.regions and place.split("-")[0] not in sender.regions):
                return False
        if self.consent is None or sender.transactional or sender.consent not in AGREED:
            return True
        return sender.consent in self.consent.get(sender.channel, frozenset())


@dataclass(frozen=True, slots=True)
class Message:
    """One message the persona receives."""

    minute: int  # from midnight of the timeline's first day, recipient-local
    campaign: str
    path: str
    channel: Channel
    transactional: bool
    # Why it is sent: ``order.shipped + 1 day``, ``schedule``.
    cause: str

    @property
    def day(self) -> int:
        """The day of the timeline (0: its first day)."""
        return self.minute // DAY

    @property
    def time(self) -> str:
        """Local time of day, ``HH:MM``."""
        of_day = self.minute % DAY
        return f"{of_day // 60:02d}:{of_day % 60:02d}"


@dataclass(frozen=True, slots=True)
class Timeline:
    """What one persona receives from ``start`` for ``days`` days, in order of time."""

    persona: Persona
    start: date
    days: int
    messages: tuple[Message, ...]
    # Campaigns that reach the persona's audience but send nothing in these days, and why.
    silent: Mapping[str, str]

    def date_of(self, minute: int) -> date:
        """The calendar date of a minute of the timeline."""
        return self.start + timedelta(days=minute // DAY)

    def received(self) -> frozenset[str]:
        """Paths of the campaigns that send at least one message."""
        return frozenset(message.path for message in self.messages)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One customer-side assertion of a persona, judged on its timeline.

    The rules that own the assertion vocabulary make these; ``simulate``
    shows them and fails the run on a failed one at or above ``fail_on``.
    """

    rule: str
    # The assertion in words, as the marketer reads it.
    assertion: str
    passed: bool
    # Why it failed, with the persona's day and message (empty when it passed).
    message: str = ""
    # The campaign responsible, and the minute of the timeline it concerns.
    path: str | None = None
    minute: int | None = None


def sender_of(
    path: str, campaign: Campaign, *, transactional: bool | None = None, feedback: bool | None = None
) -> Sender:
    """The timeline's view of ``campaign`` (file ``path``): everything it needs, computed once.

    ``transactional``: whether it is a service notice under the policy
    (``intent.service_notice``, which reads the policy's offer words); by
    default, ``Campaign.transactional``. ``feedback``: whether it asks for a
    review, a rating or a survey (``intent.feedback_request``); by default,
    ``type: feedback``.
    """
    trigger = campaign.trigger
    audience = campaign.audience
    frequency = campaign.frequency
    event = None if trigger is None or trigger.event is None else sys.intern(trigger.event)
    delay = 0
    if trigger is not None and trigger.delay is not None:
        delay = trigger.delay.seconds // 60
    start = end = every = None
    open_time = False
    schedule = trigger.schedule if trigger is not None else None
    if schedule is not None:
        start, open_time = _moment(schedule.start, last=False)
        if schedule.end is not None:
            end = _moment(schedule.end, last=True)[0]
        if schedule.every is not None:
            every = max(1, schedule.every.seconds // 60)
    return Sender(
        id=campaign.id,
        path=path,
        channel=campaign.channel,
        type=str(campaign.type),
        transactional=campaign.transactional if transactional is None else transactional,
        event=event,
        delay=delay,
        stop_when=tuple(map(sys.intern, trigger.stop_when)) if trigger is not None else (),
        start=start,
        open_time=open_time,
        end=end,
        every=every,
        frequency=None if frequency is None else (frequency.max, max(1, frequency.per.seconds // 60)),
        window=_window(campaign.send_window),
        segment=sys.intern((audience.segment if audience else None) or "all"),
        exclude=tuple(map(sys.intern, audience.exclude)) if audience else (),
        regions=tuple(map(sys.intern, audience.regions)) if audience else (),
        consent=str(audience.consent) if audience and audience.consent else None,
        feedback=campaign.type is CampaignType.FEEDBACK if feedback is None else feedback,
    )


def _moment(value: date | datetime, *, last: bool) -> tuple[int, bool]:
    """Absolute minute of a schedule's date or moment (wall clock), and whether its time is open.

    A date alone starts at its day's midnight (time open) or, as an ``end``,
    lasts to the day's last minute.
    """
    if isinstance(value, datetime):
        return value.toordinal() * DAY + value.hour * 60 + value.minute, False
    return value.toordinal() * DAY + (DAY - 1 if last else 0), True


def _window(window: SendWindow | None) -> tuple[int, int] | None:
    return None if window is None else (window.start.minutes, window.end.minutes)


def simulate(
    senders: Sequence[Sender], persona: Persona, start: date, days: int, policy: PolicyView
) -> Timeline:
    """Every message ``persona`` receives from ``start`` for ``days`` days (see the module docstring)."""
    first = start.toordinal() * DAY
    last = first + days * DAY
    occurrences: dict[str, list[tuple[int, int]]] = {}
    for index, (event, minute) in enumerate(persona.journey):
        occurrences.setdefault(event, []).append((first + minute, index))
    channel_windows = {channel: _window(entry.send_window) for channel, entry in policy.channels.items()}
    found: list[Message] = []
    silent: dict[str, str] = {}
    everyone = everyone_of(senders, policy)
    for sender in senders:
        if not persona.reaches(sender, everyone):
            continue
        window = sender.window or channel_windows.get(sender.channel)
        if sender.event is not None:
            sends, cause = _triggered(sender, occurrences, window), f"{sender.event}"
            if sender.delay:
                cause = f"{sender.event} + {minutes_words(sender.delay)}"
        elif sender.start is not None:
            lookback = sender.frequency[1] if sender.frequency is not None else 0
            sends, cause = _scheduled(sender, occurrences, window, first - lookback, last), "schedule"
        else:
            sends, cause = [], ""
        if sender.frequency is not None and len(sends) > 1:
            sends = capped(sends, *sender.frequency)
        kept = [minute - first for minute in sends if first <= minute < last]
        if not kept:
            silent[sender.path] = _silence(sender, occurrences, first, last)
            continue
        for minute in kept:
            found.append(Message(minute, sender.id, sender.path, sender.channel, sender.transactional, cause))
    found.sort(key=lambda m: (m.minute, m.campaign, m.path, m.channel, m.cause))
    return Timeline(persona, start, days, tuple(found), silent)


def everyone_of(senders: Sequence[Sender], policy: PolicyView) -> frozenset[str]:
    """The segments of ``senders`` that name the whole list (``all``, ``everyone``, the policy's vocabulary)."""
    names = everyone_segments(policy.vocabulary.everyone_segments)
    return EVERYONE | {segment for segment in {s.segment for s in senders} if names.everyone(segment)}


def _triggered(
    sender: Sender, occurrences: Mapping[str, list[tuple[int, int]]], window: tuple[int, int] | None
) -> list[int]:
    """Send moments of an event-triggered campaign: each occurrence, delayed, in the window, not stopped."""
    fired = occurrences.get(sender.event or "")
    if not fired:
        return []
    stops = [stop for name in sender.stop_when for stop in occurrences.get(name, ())]
    sends = []
    for moment, index in fired:
        due = fit(moment + sender.delay, window)
        if any((stop, order) > (moment, index) and stop <= due for stop, order in stops):
            continue
        sends.append(due)
    sends.sort()
    return sends


def _scheduled(
    sender: Sender,
    occurrences: Mapping[str, list[tuple[int, int]]],
    window: tuple[int, int] | None,
    since: int,
    until: int,
) -> list[int]:
    """Send moments of a scheduled campaign between ``since`` and ``until``, before any stop event."""
    start = sender.start
    assert start is not None
    if sender.open_time:
        start = start - start % DAY + place_open(window)
    stop_at = min(
        (moment for name in sender.stop_when for moment, _ in occurrences.get(name, ()) if moment >= start),
        default=None,
    )
    end = sender.end if sender.end is not None else until
    end = min(end, until - 1)
    every = sender.every
    if every is None:
        moments = [start] if start <= end else []
    else:
        step = max(0, -(-(since - start) // every))
        moments = list(range(start + step * every, end + 1, every))
    sends = []
    for moment in moments:
        due = fit(moment, window)
        if stop_at is not None and stop_at <= due:
            break
        sends.append(due)
    return sends


def _silence(sender: Sender, occurrences: Mapping[str, list[tuple[int, int]]], first: int, last: int) -> str:
    """Why a campaign that reaches the persona sends nothing in the simulated days (``first``, ``last``: bounds)."""
    if sender.event is not None:
        if sender.event not in occurrences:
            return f"`{sender.event}` is not in the journey"
        stoppers = [name for name in sender.stop_when if name in occurrences]
        if not stoppers:
            return "it would send after these days"
        return "stopped by " + " or ".join(f"`{name}`" for name in stoppers)
    if sender.start is None:
        return "no trigger: shown where the customer looks (a page, the app), never sent"
    if sender.start >= last:
        return f"its schedule starts on {date.fromordinal(sender.start // DAY).isoformat()}"
    if sender.every is None:
        return f"it sends once, on {date.fromordinal(sender.start // DAY).isoformat()}"
    if sender.end is not None and sender.end < first:
        return f"its schedule ended on {date.fromordinal(sender.end // DAY).isoformat()}"
    stoppers = [name for name in sender.stop_when if name in occurrences]
    if stoppers:
        return "stopped by " + " or ".join(f"`{name}`" for name in stoppers)
    following = sender.start + -(-(last - sender.start) // sender.every) * sender.every
    if sender.end is None or following <= sender.end:
        return f"its next message is on {date.fromordinal(following // DAY).isoformat()}"
    return "it sends outside these days"
