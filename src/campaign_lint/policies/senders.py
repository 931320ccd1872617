"""One campaign as the contact timeline reads it (``Sender``), computed once per file and cached.

``sender_of`` keeps what the timeline needs of a valid campaign as plain
values; the portfolio record holds it (``CampaignRecord.sender``), so a warm
run reads no YAML to simulate. ``localised`` shows a schedule written at an
instant (``2026-11-23T09:00:00Z``) on one customer's clock.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from campaign_lint.core.pickling import by_fields
from campaign_lint.core.slotted import Slotted
from campaign_lint.core.timezones import DAY, local, zone
from campaign_lint.schemas.campaign import Campaign, CampaignType, Channel, SendWindow


# Written out on ``Slotted`` (``core/slotted.py``): hashed and compared by value. Its fields
# are ``Final`` (never assigned to after it is made; ``replace`` makes a changed copy),
# checked by mypy rather than at run time: a frozen class sets each field through
# ``object.__setattr__``, and tens of thousands of these are unpickled per run.
class Sender(Slotted):
    """One campaign as the timeline reads it: plain values, small to keep and to pickle.

    Moments are absolute minutes (``date.toordinal() * 1440 + minute``), on
    the wall clock the schedule is written in (``localised`` shows them on a
    persona's clock). Treated as immutable (see the note above the class).
    """

    __slots__ = (
        "id",
        "path",
        "channel",
        "type",
        "transactional",
        "event",
        "delay",
        "stop_when",
        "start",
        "open_time",
        "end",
        "every",
        "frequency",
        "window",
        "segment",
        "exclude",
        "regions",
        "consent",
        "feedback",
        "offset",
        "end_offset",
    )
    id: Final[str]
    path: Final[str]
    channel: Final[Channel]
    type: Final[str]
    transactional: Final[bool]
    # Event trigger: the event and the delay in minutes.
    event: Final[str | None]
    delay: Final[int]
    stop_when: Final[tuple[str, ...]]
    # Schedule: first send (absolute minute of its day when the time is open), open time,
    # last moment (inclusive; None: no end), period in minutes (None: once).
    start: Final[int | None]
    open_time: Final[bool]
    end: Final[int | None]
    every: Final[int | None]
    # ``frequency`` as (max, per in minutes).
    frequency: Final[tuple[int, int] | None]
    # The campaign's own send window in minutes of the day (start, end), inclusive.
    window: Final[tuple[int, int] | None]
    segment: Final[str]
    exclude: Final[tuple[str, ...]]
    regions: Final[tuple[str, ...]]
    consent: Final[str | None]
    # Asks for a review, a rating or a survey (``intent.feedback_request``; persona expectations read it).
    feedback: Final[bool]
    # The UTC offsets written with ``start`` and ``end`` (``Z``: 0, ``+01:00``: 60), in minutes;
    # None: none written (a date, or a time on the recipient's own clock). ``start - offset``
    # is then the instant (UTC) the schedule starts.
    offset: Final[int | None]
    end_offset: Final[int | None]

    def __init__(
        self,
        id: str,
        path: str,
        channel: Channel,
        type: str,
        transactional: bool,
        event: str | None,
        delay: int,
        stop_when: tuple[str, ...],
        start: int | None,
        open_time: bool,
        end: int | None,
        every: int | None,
        frequency: tuple[int, int] | None,
        window: tuple[int, int] | None,
        segment: str,
        exclude: tuple[str, ...],
        regions: tuple[str, ...],
        consent: str | None,
        feedback: bool = False,
        offset: int | None = None,
        end_offset: int | None = None,
    ) -> None:
        self.id = id
        self.path = path
        self.channel = channel
        self.type = type
        self.transactional = transactional
        self.event = event
        self.delay = delay
        self.stop_when = stop_when
        self.start = start
        self.open_time = open_time
        self.end = end
        self.every = every
        self.frequency = frequency
        self.window = window
        self.segment = segment
        self.exclude = exclude
        self.regions = regions
        self.consent = consent
        self.feedback = feedback
        self.offset = offset
        self.end_offset = end_offset

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # As ``by_fields``, with the channel as its name: an enum member costs a
        # call of the enum's class per record to unpickle, a dict lookup here.
        values = by_fields(self)[1]
        return _sender, (values[0], values[1], self.channel.value, *values[3:])


# Channels by name: unpickling a member this way is a dict lookup, not a call of the enum's class.
CHANNELS = {channel.value: channel for channel in Channel}


def _sender(identifier: str, path: str, channel: str, *rest: Any) -> Sender:
    """A pickled ``Sender`` back (see ``Sender.__reduce__``)."""
    return Sender(identifier, path, CHANNELS[channel], *rest)


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
    start = end = every = offset = end_offset = None
    open_time = False
    schedule = trigger.schedule if trigger is not None else None
    if schedule is not None:
        start, open_time, offset = _moment(schedule.start, last=False)
        if schedule.end is not None:
            end, _, end_offset = _moment(schedule.end, last=True)
        if schedule.every is not None:
            every = max(1, schedule.every.seconds // 60)
    return Sender(
        id=campaign.id,
        path=path,
        channel=campaign.channel,
        # Interned, as the names below: thousands of records pickle each name once.
        type=sys.intern(str(campaign.type)),
        transactional=campaign.transactional if transactional is None else transactional,
        event=event,
        delay=delay,
        stop_when=tuple(map(sys.intern, trigger.stop_when)) if trigger is not None else (),
        start=start,
        open_time=open_time,
        end=end,
        every=every,
        frequency=None if frequency is None else (frequency.max, max(1, frequency.per.seconds // 60)),
        window=window_minutes(campaign.send_window),
        segment=sys.intern((audience.segment if audience else None) or "all"),
        exclude=tuple(map(sys.intern, audience.exclude)) if audience else (),
        regions=tuple(map(sys.intern, audience.regions)) if audience else (),
        consent=sys.intern(str(audience.consent)) if audience and audience.consent else None,
        feedback=campaign.type is CampaignType.FEEDBACK if feedback is None else feedback,
        offset=offset,
        end_offset=end_offset,
    )


def _moment(value: date | datetime, *, last: bool) -> tuple[int, bool, int | None]:
    """Absolute minute of a schedule's date or moment (as written), whether its time is open, its UTC offset.

    A date alone starts at its day's midnight (time open) or, as an ``end``,
    lasts to the day's last minute. The offset is in minutes; None when
    none is written.
    """
    if isinstance(value, datetime):
        written = value.utcoffset()
        offset = None if written is None else int(written.total_seconds() // 60)
        return value.toordinal() * DAY + value.hour * 60 + value.minute, False, offset
    return value.toordinal() * DAY + (DAY - 1 if last else 0), True, None


def window_minutes(window: SendWindow | None) -> tuple[int, int] | None:
    """A send window as minutes of the day (start, end), both inclusive."""
    return None if window is None else (window.start.minutes, window.end.minutes)


def localised(senders: Sequence[Sender], timezone: str | None) -> Sequence[Sender]:
    """``senders`` on the clock of ``timezone``: each ``start`` and ``end`` written with an offset moved to it.

    A time written without an offset, or a date, is already the recipient's
    own clock; without a zone every time is read as written. The offset kept
    is the zone's at that moment, so ``start - offset`` stays the same
    instant (``sendtimes.series`` steps a series from it). Idempotent.
    """
    if timezone is None:
        return senders
    where = zone(timezone)
    found = []
    for sender in senders:
        if sender.offset is not None and sender.start is not None:
            start = on_clock(sender.start, sender.offset, where)
            sender = sender.replace(start=start, offset=sender.offset + start - sender.start)
        if sender.end_offset is not None and sender.end is not None:
            end = on_clock(sender.end, sender.end_offset, where)
            sender = sender.replace(end=end, end_offset=sender.end_offset + end - sender.end)
        found.append(sender)
    return found


def on_clock(moment: int, offset: int, where: ZoneInfo) -> int:
    """A moment written with a UTC ``offset`` (minutes), on the wall clock of ``where``."""
    return local(moment - offset, where)
