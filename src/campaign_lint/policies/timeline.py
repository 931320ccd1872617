"""The contact timeline: every message one customer (a persona) receives, minute by minute.

Pure and deterministic: no I/O, no clock. The inputs are

* the portfolio as :class:`Sender` values, one per valid campaign (built once
  per file by :func:`sender_of` in ``policies/senders.py`` and kept in the
  portfolio record, so a warm run reads no YAML to simulate);
* a :class:`Persona`: the segments, place and consents of one customer, and
  their journey of dated lifecycle events;
* the first day and the number of days simulated, and the policy (for the
  channels' send windows).

Times are whole minutes in the recipient's own time zone, counted from
midnight of the first simulated day (``Message.minute``). Campaign times
(schedules, send windows) are the recipient's local wall clock, except a
schedule time written with an offset (``Z``, ``+01:00``) for a persona with a
``timezone``: that is an instant, shown on the persona's clock
(``senders.localised``; a series steps in absolute time, ``sendtimes.series``).

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

from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from campaign_lint.core.slotted import Slotted
from campaign_lint.core.timezones import zone
from campaign_lint.policies.senders import Sender as Sender
from campaign_lint.policies.senders import localised as localised
from campaign_lint.policies.senders import sender_of as sender_of
from campaign_lint.policies.senders import window_minutes
from campaign_lint.policies.sendtimes import ANCHOR as ANCHOR
from campaign_lint.policies.sendtimes import DAY as DAY
from campaign_lint.policies.sendtimes import capped, fit, minutes_words, place_open, series
from campaign_lint.policies.view import PolicyView
from campaign_lint.policies.vocabulary import everyone_segments
from campaign_lint.schemas.campaign import Channel, Consent

# Consent bases that need the customer's own agreement; others reach everyone.
AGREED = frozenset({Consent.OPT_IN, Consent.SOFT_OPT_IN, Consent.EXPRESS_WRITTEN})
# The segment that means everyone when nothing else is known; ``everyone_of`` adds the vocabulary's.
EVERYONE = frozenset({"all"})


class Persona(Slotted):
    """One customer: who they are and what happens to them.

    ``segments`` None: in every segment except ``not_in`` and excluded by no
    campaign (the worst case); a set: exactly those segments. ``region``:
    where they live (``GB``, ``US-CA``); None: a place no campaign names, so
    only campaigns without ``regions`` reach them. ``consent`` None: every
    consent on every channel; a mapping: what they agreed to, per channel.
    ``journey``: (event, minute from midnight of day 0), in order.
    ``timezone``: where the customer's clock is (an IANA name); None: the
    clock the campaigns' schedules are written in.
    """

    __slots__ = (
        "name",
        "journey",
        "segments",
        "not_in",
        "region",
        "consent",
        "description",
        "builtin",
        "timezone",
    )
    name: Final[str]
    journey: Final[tuple[tuple[str, int], ...]]
    segments: Final[frozenset[str] | None]
    not_in: Final[frozenset[str]]
    region: Final[str | None]
    consent: Final[Mapping[Channel, frozenset[Consent]] | None]
    description: Final[str]
    builtin: Final[bool]
    timezone: Final[str | None]

    def __init__(
        self,
        name: str,
        journey: tuple[tuple[str, int], ...],
        segments: frozenset[str] | None = None,
        not_in: frozenset[str] = frozenset(),
        region: str | None = None,
        consent: Mapping[Channel, frozenset[Consent]] | None = None,
        description: str = "",
        builtin: bool = False,
        timezone: str | None = None,
    ) -> None:
        self.name = name
        self.journey = journey
        self.segments = segments
        self.not_in = not_in
        self.region = region
        self.consent = consent
        self.description = description
        self.builtin = builtin
        self.timezone = timezone

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


class Message(Slotted):
    """One message the persona receives."""

    __slots__ = ("minute", "campaign", "path", "channel", "transactional", "cause")
    minute: Final[int]  # from midnight of the timeline's first day, recipient-local
    campaign: Final[str]
    path: Final[str]
    channel: Final[Channel]
    transactional: Final[bool]
    # Why it is sent: ``order.shipped + 1 day``, ``schedule``.
    cause: Final[str]

    def __init__(
        self, minute: int, campaign: str, path: str, channel: Channel, transactional: bool, cause: str
    ) -> None:
        self.minute = minute
        self.campaign = campaign
        self.path = path
        self.channel = channel
        self.transactional = transactional
        self.cause = cause

    @property
    def day(self) -> int:
        """The day of the timeline (0: its first day)."""
        return self.minute // DAY

    @property
    def time(self) -> str:
        """Local time of day, ``HH:MM``."""
        of_day = self.minute % DAY
        return f"{of_day // 60:02d}:{of_day % 60:02d}"


class Timeline(Slotted):
    """What one persona receives from ``start`` for ``days`` days, in order of time."""

    __slots__ = ("persona", "start", "days", "messages", "silent")
    persona: Final[Persona]
    start: Final[date]
    days: Final[int]
    messages: Final[tuple[Message, ...]]
    # Campaigns that reach the persona's audience but send nothing in these days, and why.
    silent: Final[Mapping[str, str]]

    def __init__(
        self,
        persona: Persona,
        start: date,
        days: int,
        messages: tuple[Message, ...],
        silent: Mapping[str, str],
    ) -> None:
        self.persona = persona
        self.start = start
        self.days = days
        self.messages = messages
        self.silent = silent

    def date_of(self, minute: int) -> date:
        """The calendar date of a minute of the timeline."""
        return self.start + timedelta(days=minute // DAY)

    def received(self) -> frozenset[str]:
        """Paths of the campaigns that send at least one message."""
        return frozenset(message.path for message in self.messages)


class Verdict(Slotted):
    """One customer-side assertion of a persona, judged on its timeline.

    The rules that own the assertion vocabulary make these; ``simulate``
    shows them and fails the run on a failed one at or above ``fail_on``.
    """

    __slots__ = ("rule", "assertion", "passed", "message", "path", "minute")
    rule: Final[str]
    # The assertion in words, as the marketer reads it.
    assertion: Final[str]
    passed: Final[bool]
    # Why it failed, with the persona's day and message (empty when it passed).
    message: Final[str]
    # The campaign responsible, and the minute of the timeline it concerns.
    path: Final[str | None]
    minute: Final[int | None]

    def __init__(
        self,
        rule: str,
        assertion: str,
        passed: bool,
        message: str = "",
        path: str | None = None,
        minute: int | None = None,
    ) -> None:
        self.rule = rule
        self.assertion = assertion
        self.passed = passed
        self.message = message
        self.path = path
        self.minute = minute


def simulate(
    senders: Sequence[Sender], persona: Persona, start: date, days: int, policy: PolicyView
) -> Timeline:
    """Every message ``persona`` receives from ``start`` for ``days`` days (see the module docstring)."""
    first = start.toordinal() * DAY
    last = first + days * DAY
    senders = localised(senders, persona.timezone)
    where = None if persona.timezone is None else zone(persona.timezone)
    occurrences: dict[str, list[tuple[int, int]]] = {}
    for index, (event, minute) in enumerate(persona.journey):
        occurrences.setdefault(event, []).append((first + minute, index))
    channel_windows = {
        channel: window_minutes(entry.send_window) for channel, entry in policy.channels.items()
    }
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
            since = first - lookback
            sends, cause = _scheduled(sender, occurrences, window, since, last, where), "schedule"
        else:
            sends, cause = [], ""
        if sender.frequency is not None and len(sends) > 1:
            sends = capped(sends, *sender.frequency, where)
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
    where: ZoneInfo | None,
) -> list[int]:
    """Send moments of a scheduled campaign between ``since`` and ``until``, before any stop event.

    ``where``: the persona's zone, which a series written with an offset steps in.
    """
    start = sender.start
    assert start is not None
    if sender.open_time:
        start = start - start % DAY + place_open(window)
    stop_at = min(
        (moment for name in sender.stop_when for moment, _ in occurrences.get(name, ()) if moment >= start),
        default=None,
    )
    moments = series(start, sender.every, sender.end, since, until, sender.offset, where)
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
