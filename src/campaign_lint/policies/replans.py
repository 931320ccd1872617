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

import functools
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from campaign_lint.core.timezones import DAY, zone
from campaign_lint.policies import verdicts
from campaign_lint.policies.base import CampaignRecord, LazyRecord, RuleContext
from campaign_lint.policies.personas import Audiences, drawn
from campaign_lint.policies.plans import (
    MAX_FOLLOW_DAYS,
    MIN_HORIZON_DAYS,
    NO_ORIGIN,
    Parts,
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
# Most campaigns' briefs, written again only when enough of them changed (``RememberedPool``).
BRIEFS = "pressure-briefs"
T = TypeVar("T")
# A campaign, as FRQ004 groups it: its path, its trigger event, whether it is scheduled.
Chosen = tuple[str, str | None, bool]


def remembered(members: Sequence[LazyRecord], ctx: RuleContext[Any]) -> RememberedPool | None:
    """The pool of a group's ``members`` with a cache (``ctx.carried``), made once per pass; ``None`` if one has no digest.

    FRQ003 and FRQ004 ask for it with the same sequence of the whole
    portfolio (``lint/portfolio.py``): it is known by its identity, which
    the pool, kept for the pass, keeps alive (not by its 10,000 paths).
    """
    inputs = (MEMO, id(ctx.policy), id(members), len(members))
    return ctx.computed(
        inputs,
        lambda: RememberedPool(members, ctx) if all(member.key is not None for member in members) else None,
    )


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


# Per slot: (what it is drawn for, {record digest: (the campaign's part, the part's digest)}).
Slot = tuple[tuple[Any, ...], dict[bytes, tuple[Any, int]]]


class RememberedPool:
    """The portfolio from the briefs and plan parts kept by the last run; only new digests read."""

    def __init__(self, members: Sequence[LazyRecord], ctx: RuleContext[Any]) -> None:
        assert ctx.carried is not None
        self._ctx = ctx
        self._members = members
        kept = ctx.carried.previous(MEMO)
        valid = isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[1], list)
        recent: dict[bytes, Brief] = kept[0] if valid else {}  # type: ignore[index]
        self._old: list[Slot] = kept[1] if valid else []  # type: ignore[index]
        # The digests of ``base`` the last run did not see (campaigns edited, or deleted, since it was written).
        gone: set[bytes] = kept[2] if valid else set()  # type: ignore[index]
        settled = ctx.carried.previous(BRIEFS)
        base: dict[bytes, Brief] = settled if isinstance(settled, dict) and valid else {}
        # The briefs not in ``base``: kept apart, so that an edit does not pickle every brief again.
        since: dict[bytes, Brief] = {}
        # Digests the last run did not see: their parts are drawn in every slot.
        self._fresh: set[bytes] = set()
        # Equal briefs of new digests as one object: the memo pickles each once (a third are alike).
        alike: dict[Brief, Brief] = {}
        # Most briefs are ``base``'s: looked up all at once, the others one by one.
        keys = [member.key for member in members]
        briefs: list[Brief | None] = list(map(base.get, keys))  # type: ignore[arg-type]
        for index in [index for index, brief in enumerate(briefs) if brief is None]:
            key = keys[index]
            assert key is not None
            brief = recent.get(key)
            if brief is None:
                brief = brief_of(members[index].load())
                brief = alike.setdefault(brief, brief)
                self._fresh.add(key)
            since[key] = briefs[index] = brief
        if gone:  # kept in ``base``, but not seen by the last run: drawn again
            self._fresh.update(key for key in gone.intersection(keys) if key in base)
        self._briefs: dict[bytes, Brief] = dict(zip(keys, briefs, strict=True))  # type: ignore[arg-type]
        # ``base`` is written again when what it lacks, and what it holds for no campaign, pass 2% of the
        # campaigns (at least 64), or when there was none; otherwise it is passed on as it was (``Carried``).
        stale = len(base) - (len(self._briefs) - len(since))
        if not base or len(since) + stale > max(64, len(members) // 50):
            ctx.carried.keep(BRIEFS, self._briefs)
            since, gone = {}, set()
        else:
            gone = set(base).difference(self._briefs) if stale else set()
        self._slots: list[Slot] = []
        ctx.carried.keep(MEMO, (since, self._slots, gone))
        # Per (FRQ004's texts, horizon): each persona's parts (``_recipes``).
        self._drawn: dict[tuple[bool, int], list[Parts]] = {}
        # Per FRQ004's texts: the campaigns counted, with their briefs (``_chosen``).
        self._counted: dict[bool, list[tuple[LazyRecord, Brief]]] = {}
        # The windows judged, kept from one run to the next (read when first needed).
        self._verdicts: verdicts.Verdicts | None = None
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
        found = self._counted.get(texts)
        if found is None:
            flag = _TEXT if texts else _MARKETING
            briefs = self._briefs
            found = [(m, b) for m in self._members if (b := briefs[m.key])[0] & flag]  # type: ignore[index]
            self._counted[texts] = found
        return found

    def chosen(self, texts: bool) -> list[Chosen]:
        """See ``pressurepool.Pool.chosen``."""
        return [(m.path, b[1], b[6] is not None) for m, b in self._chosen(texts)]

    def counted(self, texts: bool) -> int:
        """See ``pressurepool.Pool.counted``."""
        return len(self._chosen(texts))

    def plans(self, texts: bool, horizon_days: int) -> list[Plan]:
        """See ``pressurepool.Pool.plans``: each persona's, from the parts kept and those drawn again."""
        return [recipe.plan() for recipe in self._recipes(texts, horizon_days)]

    def judged(self, asked: verdicts.Asked, judge: Callable[[Plan], T]) -> list[T]:
        """See ``pressurepool.Pool.judged``: kept from the last run for a persona whose plan is the same.

        With ``asked.channel``, the same in that channel's messages: an edit to an email changes no push window.
        """
        if self._verdicts is None:
            assert self._ctx.carried is not None
            self._verdicts = verdicts.Verdicts(self._ctx.carried)
        found = []
        what, channel = asked.what, asked.channel
        for recipe in self._recipes(asked.texts, asked.horizon_days):
            on_calendar, in_journey = recipe.totals
            if channel is None:
                key = (what, sum(on_calendar.values()), sum(in_journey.values()))
            else:
                key = (what, on_calendar.get(channel, 0), in_journey.get(channel, 0))
            found.append(self._verdicts.judged(key, recipe.described, recipe.plan, judge))
        return found

    def _recipes(self, texts: bool, horizon_days: int) -> list[Parts]:
        """Each persona's parts of its plan, the plan built only when asked for."""
        done = self._drawn.get((texts, horizon_days))
        if done is not None:
            return done
        chosen = self._chosen(texts)
        # By record digest (each slot takes its parts of these).
        scheduled = {m.key: m for m, b in chosen if b[1] is None and b[6] is not None}
        triggered = {m.key: m for m, b in chosen if b[1] is not None}
        delay = max((b[5] for _, b in chosen if b[1] is not None), default=0)
        which = "texts" if texts else "marketing"
        policy = self._ctx.policy
        # The schedules' first and last days, per clock (the built-in personas share one).
        spans: dict[str | None, tuple[int, int]] = {}
        found = []
        for persona in self._people:
            recipe = Parts(persona)
            if scheduled:
                span = spans.get(persona.timezone)
                if span is None:
                    where = None if persona.timezone is None else zone(persona.timezone)
                    span = calendar(
                        (_span(b, where) for _, b in chosen if b[1] is None and b[6] is not None), 0
                    )
                    spans[persona.timezone] = span
                first, days = calendar([(span[0], span[0] + span[1] - 1 - MIN_HORIZON_DAYS)], horizon_days)
                recipe.origin = date.fromordinal(first)
                alone = quiet(persona)
                draw = functools.partial(_schedules, alone, first, days, policy)
                recipe.calendar_for = ("calendar", which, _anonymous(alone), first, days)
                recipe.calendar, recipe.totals[0] = self._slot(recipe.calendar_for, scheduled, draw)
            if triggered and persona.journey:
                days = journey_days(persona, delay, horizon_days)
                start = recipe.origin or NO_ORIGIN
                # Drawn as long as ``days`` can ever be, and cut to ``days`` (``until``) in the plan.
                longest = persona.journey[-1][1] // DAY + 1 + MAX_FOLLOW_DAYS
                draw = functools.partial(_journeys, persona, start, longest, policy)
                # Without a zone the journey's messages do not depend on the date of its day 0.
                dated = start if persona.timezone is not None else None
                recipe.journey_for = ("journey", which, _anonymous(persona), dated)
                recipe.journey, recipe.totals[1] = self._slot(recipe.journey_for, triggered, draw)
                recipe.until = days * DAY
            found.append(recipe)
        self._drawn[texts, horizon_days] = found
        return found

    def _slot(
        self,
        drawn_for: tuple[Any, ...],
        items: dict[bytes | None, LazyRecord],
        draw: Callable[[list[Sender]], dict[str, Any]],
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """Each of ``items``' part in the slot ``drawn_for`` (only those with one) by path, and their digests' sums.

        Parts are drawn when not kept: those of new digests, or all when the slot is new. The sum
        of the parts' digests (``verdicts.digest``) tells whether a persona's plan is the one the
        last run judged (``judged``).
        """
        for done, parts in self._slots:  # drawn earlier in this pass (the built-in personas share schedules)
            if done == drawn_for:
                return _taken(items, parts, drawn_for[0] == "calendar")
        old = next((parts for done, parts in self._old if done == drawn_for), None)
        fresh = self._fresh
        if old is None:
            parts = {}
            needed = list(items.values())
        else:  # most campaigns send the persona nothing: go through the parts, not the campaigns
            parts = {key: part for key, part in old.items() if key in items and key not in fresh}
            needed = sorted((items[key] for key in fresh if key in items), key=lambda m: m.path)
        if needed:
            senders = [member.load().sender for member in needed]
            new = draw([s for s in senders if s is not None])
            for member in needed:
                part = new.get(member.path)
                if part is not None:
                    parts[member.key] = (part, verdicts.digest(part))  # type: ignore[index]
        self._slots.append((drawn_for, parts))
        return _taken(items, parts, drawn_for[0] == "calendar")


def _taken(
    items: dict[bytes | None, LazyRecord], parts: dict[bytes, tuple[Any, int]], scheduled: bool
) -> tuple[dict[str, Any], dict[str, int]]:
    """The parts of ``items`` in a slot's ``parts`` by path, and the sum of their digests per channel."""
    found = {}
    sums: dict[str, int] = {}
    for key, (part, digest) in parts.items():
        member = items.get(key)
        if member is not None:
            found[member.path] = part
            channel = part[0][0][3] if scheduled else part[0][3]  # a schedule's part: (messages, stop)
            sums[channel] = sums.get(channel, 0) + digest
    return found, sums


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
    return persona.replace(name="", description="", builtin=False)


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
