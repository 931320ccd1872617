"""What FRQ003 and FRQ004 read of the portfolio, and, with a cache, each campaign's part of their plans kept.

FRQ003 and FRQ004 are one group over the whole portfolio: the built-in
personas are drawn from every campaign, and every campaign may add to every
persona's plan (``policies/plans.py``). So any edit a rule can see checks
them again. Without a cache (``policies/pressurepool.RecordPool``) they read
every record and draw every plan, as they always did. With one (``RememberedPool``, when the
engine gives ``ctx.carried``), what they read is kept from one run to the
next, keyed by each campaign's record digest (``LazyRecord.key``: its path
and facts), so a check after an edit reads and draws again only what the
edit changed:

* per campaign, its *brief*: what the personas are drawn from (its trigger
  and stop events, segment, regions), whether FRQ003 or FRQ004 count it,
  and its schedule's days and trigger's delay (which set the plans' days);
* per *slot* (the schedules or the journey of one persona, for FRQ003's or
  FRQ004's campaigns, over given days), each campaign's messages in it
  (and a schedule's ``stop_when``, which only a campaign that sends is
  asked for), only for the campaigns that send the persona any (most
  send none).

The timeline decides each campaign's messages on its own, from the
campaign, the persona and the days drawn (the policy is part of the cache's
key), so a slot is redrawn only for the campaigns whose digest is new, and
entirely when its persona or days change (an edit that changes the
catalogue of the built-in journeys, or moves the first or last scheduled
day). The journey's messages are kept for the longest the journey is ever
followed and cut to the days of the run. Records are read only for the
campaigns drawn again and those a finding points at. Each pass keeps a new
memo of what it used, so campaigns that left the portfolio leave it too.
The findings are those of a run without a cache (``tests/test_incremental.py``).
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from functools import cached_property
from typing import Any

from campaign_lint.core.timezones import DAY, zone
from campaign_lint.policies.base import CampaignRecord, LazyRecord, RuleContext
from campaign_lint.policies.personas import Audiences, drawn
from campaign_lint.policies.plans import (
    MAX_FOLLOW_DAYS,
    NO_ORIGIN,
    Plan,
    Sent,
    calendar,
    journey_days,
    last_day,
    quiet,
    sent,
    stops_of,
)
from campaign_lint.policies.record import TEXTS
from campaign_lint.policies.senders import on_clock
from campaign_lint.policies.timeline import Persona, Sender, localised, simulate
from campaign_lint.policies.view import PolicyView

# What the rules keep between runs (``Carried``), under this name.
MEMO = "pressure-plans"
# A campaign, as FRQ004 groups it: its path, its trigger event, whether it is scheduled.
Chosen = tuple[str, str | None, bool]


def remembered(members: Sequence[LazyRecord], ctx: RuleContext[Any]) -> RememberedPool:
    """The pool of a group's ``members`` with a cache (``ctx.carried``), made once per pass."""
    inputs = (MEMO, id(ctx.policy), tuple(member.path for member in members))
    return ctx.computed(inputs, lambda: RememberedPool(members, ctx))


# A campaign's brief: flags (``_SENDS``...), event, stop events, segment, regions, delay (minutes),
# and its schedule: start, end, every, offset, end offset (``Sender``'s).
Brief = tuple[
    int,
    str | None,
    tuple[str, ...],
    str,
    tuple[str, ...],
    int,
    int | None,
    int | None,
    int | None,
    int | None,
    int | None,
]
_SENDS, _MARKETING, _TEXT = 1, 2, 4
_NOTHING: Brief = (0, None, (), "", (), 0, None, None, None, None, None)
# The order of a plan's messages (as ``simulate`` sorts them: minute, campaign id, path).
_ORDER: Callable[[Sent], tuple[int, str, str]] = lambda m: (m[0], m[2], m[1])  # noqa: E731


def brief_of(record: CampaignRecord) -> Brief:
    """What FRQ003 and FRQ004 read of ``record`` besides its messages."""
    s = record.sender
    if s is None:
        return _NOTHING
    flags = _SENDS
    if not record.transactional:
        flags |= _MARKETING | (_TEXT if record.channel in TEXTS else 0)
    event = None if s.event is None else sys.intern(s.event)
    return (
        flags, event, s.stop_when, sys.intern(s.segment), s.regions, s.delay, s.start, s.end, s.every, s.offset, s.end_offset
    )  # fmt: skip


# Per slot: (what it is drawn for, {record digest: the campaign's part}).
Slot = tuple[tuple[Any, ...], dict[bytes, Any]]


class RememberedPool:
    """The portfolio from the briefs and plan parts kept by the last run; only new digests read."""

    def __init__(self, members: Sequence[LazyRecord], ctx: RuleContext[Any]) -> None:
        assert ctx.carried is not None
        self._ctx = ctx
        self._members = members
        kept = ctx.carried.previous(MEMO)
        valid = isinstance(kept, tuple) and len(kept) == 2
        old_briefs: dict[bytes, Brief] = kept[0] if valid else {}  # type: ignore[index]
        self._old: list[Slot] = kept[1] if valid else []  # type: ignore[index]
        self._briefs: dict[bytes, Brief] = {}
        # Digests the last run did not see: their parts are drawn in every slot.
        self._fresh: set[bytes] = set()
        # Equal briefs of new digests as one object: the memo pickles each once (a third are alike).
        alike: dict[Brief, Brief] = {}
        for member in members:
            key = member.key
            assert key is not None
            brief = old_briefs.get(key)
            if brief is None:
                brief = brief_of(member.load())
                brief = alike.setdefault(brief, brief)
                self._fresh.add(key)
            self._briefs[key] = brief
        self._slots: list[Slot] = []
        ctx.carried.keep(MEMO, (self._briefs, self._slots))
        sending = [brief for brief in self._briefs.values() if brief[0] & _SENDS]
        seen = Audiences(
            frozenset(b[1] for b in sending if b[1] is not None),
            frozenset(name for b in sending for name in b[2]),
            Counter(b[3] for b in sending),
            Counter(b[4] for b in sending),
        )
        self._people = drawn(ctx.policy, seen)

    @cached_property
    def records(self) -> Mapping[str, CampaignRecord]:
        """Every record by path, each read only when asked for."""
        return _Loaded({member.path: member for member in self._members})

    def _chosen(self, texts: bool) -> list[tuple[LazyRecord, Brief]]:
        flag = _TEXT if texts else _MARKETING
        briefs = self._briefs
        return [(m, b) for m in self._members if (b := briefs[m.key])[0] & flag]  # type: ignore[index]

    def chosen(self, texts: bool) -> list[Chosen]:
        """See ``pressurepool.Pool.chosen``."""
        return [(m.path, b[1], b[6] is not None) for m, b in self._chosen(texts)]

    def plans(self, texts: bool, horizon_days: int) -> list[Plan]:
        """See ``pressurepool.Pool.plans``: each persona's, from the parts kept and those drawn again."""
        chosen = self._chosen(texts)
        scheduled = [(m, b) for m, b in chosen if b[1] is None and b[6] is not None]
        triggered = [(m, b) for m, b in chosen if b[1] is not None]
        which = "texts" if texts else "marketing"
        policy = self._ctx.policy
        found = []
        for persona in self._people:
            where = None if persona.timezone is None else zone(persona.timezone)
            origin = None
            on_calendar: tuple[Sent, ...] = ()
            stops: dict[str, tuple[int, tuple[str, ...]]] = {}
            if scheduled:
                first, days = calendar((_span(b, where) for _, b in scheduled), horizon_days)
                origin = date.fromordinal(first)
                alone = quiet(persona)
                draw = functools.partial(_schedules, alone, first, days, policy)
                parts = self._slot(("calendar", which, _anonymous(alone), first, days), scheduled, draw)
                on_calendar = tuple(
                    sorted((m for messages, _ in parts.values() for m in messages), key=_ORDER)
                )
                stops = {path: stop for path, (_, stop) in parts.items() if stop is not None}
            journey: tuple[Sent, ...] = ()
            if triggered and persona.journey:
                days = journey_days(persona, max(b[5] for _, b in triggered), horizon_days)
                start = origin or NO_ORIGIN
                # Drawn as long as ``days`` can ever be, and cut to ``days`` below.
                longest = persona.journey[-1][1] // DAY + 1 + MAX_FOLLOW_DAYS
                draw = functools.partial(_journeys, persona, start, longest, policy)
                # Without a zone the journey's messages do not depend on the date of its day 0.
                dated = start if persona.timezone is not None else None
                parts = self._slot(("journey", which, _anonymous(persona), dated), triggered, draw)
                until = days * DAY
                journey = tuple(
                    sorted((m for messages in parts.values() for m in messages if m[0] < until), key=_ORDER)
                )
            found.append(Plan(persona, origin, on_calendar, journey, stops))
        return found

    def _slot(
        self,
        drawn_for: tuple[Any, ...],
        items: list[tuple[LazyRecord, Brief]],
        draw: Callable[[list[Sender]], dict[str, Any]],
    ) -> dict[str, Any]:
        """Each of ``items``' part in the slot ``drawn_for`` (only those with one), by path; drawn when not kept."""
        for done, parts in self._slots:  # drawn earlier in this pass (the built-in personas share schedules)
            if done == drawn_for:
                return {m.path: parts[m.key] for m, _ in items if m.key in parts}
        old = next((parts for done, parts in self._old if done == drawn_for), None)
        parts = {}
        needed = []
        for member, _ in items:
            key = member.key
            assert key is not None
            if old is None or key in self._fresh:
                needed.append(member)
            elif key in old:
                parts[key] = old[key]
        if needed:
            senders = [member.load().sender for member in needed]
            new = draw([s for s in senders if s is not None])
            for member in needed:
                if member.path in new:
                    parts[member.key] = new[member.path]  # type: ignore[index]
        self._slots.append((drawn_for, parts))
        return {m.path: parts[m.key] for m, _ in items if m.key in parts}


def _schedules(
    alone: Persona, first: int, days: int, policy: PolicyView, senders: list[Sender]
) -> dict[str, Any]:
    """Each campaign's scheduled messages (``alone``: the persona without its journey), and its stop."""
    drawn_ = _by_path(sent(simulate(senders, alone, date.fromordinal(first), days, policy).messages))
    stopping = stops_of(localised(senders, alone.timezone), first, policy)
    return {path: (messages, stopping.get(path)) for path, messages in drawn_.items()}


def _journeys(
    persona: Persona, start: date, days: int, policy: PolicyView, senders: list[Sender]
) -> dict[str, tuple[Sent, ...]]:
    """Each campaign's messages of ``persona``'s journey."""
    return _by_path(sent(simulate(senders, persona, start, days, policy).messages))


def _span(brief: Brief, where: Any) -> tuple[int, int]:
    """(first day, last day) of a scheduled campaign's brief, on the clock of ``where`` (as ``localised``)."""
    start, end, every, offset, end_offset = brief[6:]
    assert start is not None
    if where is not None:
        if offset is not None:
            start = on_clock(start, offset, where)
        if end_offset is not None and end is not None:
            end = on_clock(end, end_offset, where)
    return start // DAY, last_day(start, end, every)


def _anonymous(persona: Persona) -> Persona:
    """``persona`` without what does not change its messages (the built-in ones share their schedules)."""
    return dataclasses.replace(persona, name="", description="", builtin=False)


def _by_path(messages: tuple[Sent, ...]) -> dict[str, tuple[Sent, ...]]:
    grouped: dict[str, list[Sent]] = {}
    for message in messages:
        grouped.setdefault(message[1], []).append(message)
    return {path: tuple(found) for path, found in grouped.items()}


class _Loaded(Mapping[str, CampaignRecord]):
    """Records by path, read from their members when asked for."""

    def __init__(self, members: Mapping[str, LazyRecord]) -> None:
        self._members = members

    def __getitem__(self, path: str) -> CampaignRecord:
        return self._members[path].load()

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)
