"""What portfolio rules see of each campaign: its ``CampaignRecord``, made once per file.

A record is small and picklable: it travels from worker processes and is kept
in the cache, so that portfolio rules (and ``simulate``) never read YAML again.
``policies/base.py`` re-exports it for the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from campaign_lint.core.findings import START, Span, YamlPath
from campaign_lint.core.pickling import by_fields
from campaign_lint.core.slotted import Slotted
from campaign_lint.policies.intent import feedback_request, service_notice
from campaign_lint.policies.senders import CHANNELS, Sender, sender_of
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Campaign, Channel, Schedule

# The top-level fields portfolio rules point at (findings and related locations).
PORTFOLIO_FIELDS = ("id", "trigger", "frequency")
# The channels FRQ004 counts: texts and calls.
TEXTS = (Channel.SMS, Channel.VOICE)


# The fields of ``CampaignRecord`` that only say where things are.
_POSITIONS = frozenset({"spans", "whole"})


# Written out on ``Slotted`` (``core/slotted.py``): hashed and compared by value. Its fields
# are ``Final`` (never assigned to after it is made), checked by mypy rather than at run
# time: every record is unpickled when it crosses from a worker and when an edited cap
# checks FRQ003/FRQ004 again, and a frozen class's ``__init__`` is slower (see ``Sender``).
class CampaignRecord(Slotted):
    """A validated campaign as portfolio rules see it: the few facts they read, and where.

    Portfolio rules hold every campaign of the repository in memory at once,
    and each record crosses from a worker process; plain values (no pydantic
    models, no dicts) keep 10,000 campaigns small and quick to pickle.
    Treated as immutable (see the note above the class).
    """

    __slots__ = (
        "path",
        "id",
        "channel",
        "transactional",
        "recurring",
        "frequency",
        "event",
        "schedule",
        "segment",
        "exclude",
        "regions",
        "spans",
        "whole",
        "sender",
    )
    path: Final[str]
    id: Final[str]
    channel: Final[Channel]
    # A transactional service notice (``intent.service_notice``): outside the marketing caps.
    transactional: Final[bool]
    # Triggered by an event or scheduled to repeat (``Campaign.recurring``).
    recurring: Final[bool]
    # ``frequency`` as (max, per in seconds); None without a cap.
    frequency: Final[tuple[int, int] | None]
    # ``trigger.event``.
    event: Final[str | None]
    # ``trigger.schedule`` as its first and last day (``date.max``: no end).
    schedule: Final[tuple[date, date] | None]
    # ``audience``: segment (``all`` when none), exclusions, regions (empty: everywhere).
    segment: Final[str]
    exclude: Final[tuple[str, ...]]
    regions: Final[tuple[str, ...]]
    # Spans of PORTFOLIO_FIELDS in order (None: field absent), and of the whole document.
    spans: Final[tuple[Span | None, ...]]
    whole: Final[Span]
    # What the contact timeline reads (``policies/timeline.py``); None only in hand-built records.
    sender: Final[Sender | None]

    def __init__(
        self,
        path: str,
        id: str,
        channel: Channel,
        transactional: bool,
        recurring: bool,
        frequency: tuple[int, int] | None,
        event: str | None,
        schedule: tuple[date, date] | None,
        segment: str,
        exclude: tuple[str, ...],
        regions: tuple[str, ...],
        spans: tuple[Span | None, ...],
        whole: Span,
        sender: Sender | None = None,
    ) -> None:
        self.path = path
        self.id = id
        self.channel = channel
        self.transactional = transactional
        self.recurring = recurring
        self.frequency = frequency
        self.event = event
        self.schedule = schedule
        self.segment = segment
        self.exclude = exclude
        self.regions = regions
        self.spans = spans
        self.whole = whole
        self.sender = sender

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # As ``by_fields``, with the channel as its name (as ``Sender`` does): an edit to a
        # cap unpickles every campaign's record for FRQ003 and FRQ004, a cold run each worker's.
        values = by_fields(self)[1]
        return _record, (values[0], values[1], self.channel.value, *values[3:])

    def facts(self) -> tuple[object, ...]:
        """Every field but the positions (``spans``, ``whole``): what a portfolio rule may decide on.

        The incremental portfolio (``lint/portfolio.py``) remembers groups by
        these; an edit that only moves lines re-positions remembered findings.
        A field added here that holds positions belongs in ``_POSITIONS``.
        """
        return tuple(getattr(self, name) for name in self.__slots__ if name not in _POSITIONS)

    @property
    def has_trigger(self) -> bool:
        """Whether the campaign has a ``trigger`` (it has exactly one of event or schedule)."""
        return self.event is not None or self.schedule is not None

    def span(self, path: YamlPath) -> Span:
        """Position of ``path`` or of its nearest recorded parent."""
        if path and path[0] in PORTFOLIO_FIELDS:
            found = self.spans[PORTFOLIO_FIELDS.index(path[0])]
            if found is not None:
                return found
        return self.whole


def cap_path(record: CampaignRecord) -> tuple[str, ...]:
    """Where a campaign's share of a cap's count is set (FRQ003, FRQ004, FRQ005): its cap, else its trigger."""
    if record.frequency is not None:
        return ("frequency",)
    return ("trigger",) if record.has_trigger else ("id",)


def _record(path: str, identifier: str, channel: str, *rest: Any) -> CampaignRecord:
    """A pickled ``CampaignRecord`` back (see ``CampaignRecord.__reduce__``)."""
    return CampaignRecord(path, identifier, CHANNELS[channel], *rest)


def portfolio_view(
    path: str, campaign: Campaign, spans: Mapping[YamlPath, Span], view: PolicyView
) -> CampaignRecord:
    """The record of ``campaign`` (file ``path``) portfolio rules read.

    ``spans`` are the document's top-level spans
    (``Document.top_level_spans(PORTFOLIO_FIELDS)``); only those of
    ``PORTFOLIO_FIELDS`` and of the whole document are kept.
    ``view`` is the policy the campaign is read under: whether it is a
    service notice depends on the offer words of its vocabulary.
    """
    frequency = campaign.frequency
    trigger = campaign.trigger
    notice = service_notice(campaign, view)
    sender = sender_of(path, campaign, transactional=notice, feedback=_feedback(campaign, view))
    # The audience and event as the sender holds them (the same interned names), and the same
    # objects: a record pickles each of them once (the second time is a reference).
    return CampaignRecord(
        path=path,
        id=campaign.id,
        channel=campaign.channel,
        transactional=notice,
        recurring=campaign.recurring,
        frequency=None if frequency is None else (frequency.max, frequency.per.seconds),
        event=sender.event,
        schedule=None if trigger is None or trigger.schedule is None else _days(trigger.schedule),
        segment=sender.segment,
        exclude=sender.exclude,
        regions=sender.regions,
        spans=tuple(spans.get((name,)) for name in PORTFOLIO_FIELDS),
        whole=spans.get((), START),
        sender=sender,
    )


def _feedback(campaign: Campaign, view: PolicyView) -> bool | None:
    """Whether the campaign asks for feedback, read only when a persona expects none before an event."""
    if not view.personas or not any(
        e.never == "feedback" for persona in view.personas.values() for e in persona.expects
    ):
        return None
    return feedback_request(campaign, view) is not None


def _days(schedule: Schedule) -> tuple[date, date]:
    """First and last day of ``schedule`` (``date.max`` when it has no end)."""
    end = _day(schedule.end) if schedule.end is not None else date.max
    return _day(schedule.start), end


def _day(value: date | datetime) -> date:
    """The day of a date or of a moment."""
    return value.date() if isinstance(value, datetime) else value
