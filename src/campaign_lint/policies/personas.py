"""The customers a timeline is drawn for: the policy's personas, the built-in ones, an ad-hoc one.

Whatever a persona leaves open is the worst case for the customer: in every
segment (one of each ``disjoint`` group: the one most campaigns target) and
excluded by none, every consent, and living in the place most campaigns reach.

Without ``personas:`` in the policy, two built-in personas walk the event
catalogue (``BUILT_IN``): each event once, in ``after`` order, at the typical
delays below; ``late-delivery`` is the same customer whose parcel arrives a
week late. Left out of both: events that end the relationship (``unsubscribed``,
``subscription.cancelled``: words in ``events.declines``) and the customer's
own answers that only stop campaigns (an event some campaign lists under
``stop_when``, none is triggered by and no kept event comes after, like
``review.submitted``): the worst case is a customer who never answers, so
every reminder is sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Final

from campaign_lint.core.slotted import Slotted
from campaign_lint.policies import defaults
from campaign_lint.policies.events import declines
from campaign_lint.policies.timeline import ANCHOR, DAY, EVERYONE, Persona, Sender
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.policy import EventDef, PersonaDef
from campaign_lint.schemas.types import JourneyDay

# Typical delays of the built-in journeys, in days after the event each comes `after`.
TYPICAL_DELAY = 1
TYPICAL_FULFILMENT = 2
LATE_FULFILMENT = 8
# Events with no `after` happen on day 0, one hour apart in catalogue order, from 09:00.
FIRST_ROOT = 9 * 60
ROOT_GAP = 60
# Without a catalogue, the built-in journeys walk this one (and every other event a campaign starts from).
# Made without validating (``model_construct``, the same values): ``EventDef`` builds its validator
# only for a policy that declares events.
DEFAULT_CATALOGUE: Mapping[str, EventDef] = {
    "order.placed": EventDef.model_construct(),
    "order.shipped": EventDef.model_construct(after="order.placed"),
    defaults.FULFILMENT_EVENT: EventDef.model_construct(after="order.shipped", fulfilment=True),
}
BUILT_IN = ("typical", "late-delivery")


class Audiences(Slotted):
    """What the personas are drawn from, of all the campaigns together (``audiences``).

    Kept apart from the campaigns so that FRQ003 and FRQ004, after an edit,
    draw the personas from what each campaign adds here without reading
    every campaign again (``policies/replans.py``).
    """

    __slots__ = ("triggers", "stoppers", "segments", "regions")
    # The events campaigns start from, and those they stop at.
    triggers: Final[frozenset[str]]
    stoppers: Final[frozenset[str]]
    # How many campaigns target each segment, and each list of regions (``()``: everywhere).
    segments: Final[Mapping[str, int]]
    regions: Final[Mapping[tuple[str, ...], int]]

    def __init__(
        self,
        triggers: frozenset[str],
        stoppers: frozenset[str],
        segments: Mapping[str, int],
        regions: Mapping[tuple[str, ...], int],
    ) -> None:
        self.triggers = triggers
        self.stoppers = stoppers
        self.segments = segments
        self.regions = regions


def audiences(senders: Iterable[Sender]) -> Audiences:
    """What ``senders`` add up to, for the personas."""
    senders = list(senders)
    return Audiences(
        frozenset(s.event for s in senders if s.event is not None),
        frozenset(name for s in senders for name in s.stop_when),
        Counter(s.segment for s in senders),
        Counter(s.regions for s in senders),
    )


def personas(policy: PolicyView, senders: Sequence[Sender]) -> list[Persona]:
    """The policy's personas, in the order written; without any, the built-in ones."""
    return drawn(policy, audiences(senders))


def drawn(policy: PolicyView, seen: Audiences) -> list[Persona]:
    """``personas`` from what the campaigns add up to (``audiences``)."""
    if policy.personas:
        return [_from_policy(name, entry, policy, seen) for name, entry in policy.personas.items()]
    return _builtin(policy, seen)


def from_policy(name: str, entry: PersonaDef, policy: PolicyView, senders: Sequence[Sender]) -> Persona:
    """The persona ``name`` of the policy's ``personas:``."""
    return _from_policy(name, entry, policy, audiences(senders))


def _from_policy(name: str, entry: PersonaDef, policy: PolicyView, seen: Audiences) -> Persona:
    journey = [
        (event, day.day * DAY + (ANCHOR if day.minute is None else day.minute))
        for event, when in entry.journey.items()
        for day in (when if isinstance(when, list) else [when])
    ]
    segments = None if entry.segments is None else frozenset(entry.segments)
    consent = None
    if entry.consent is not None:
        consent = {channel: frozenset(given) for channel, given in entry.consent.items()}
    return Persona(
        name=name,
        journey=ordered(journey),
        segments=segments,
        not_in=_left_out(policy, seen.segments) if segments is None else frozenset(),
        region=entry.region if entry.region is not None else _busiest(seen.regions),
        consent=consent,
        description=entry.description or "",
        timezone=entry.timezone,
    )


def adhoc_persona(
    journey: Sequence[tuple[str, int]],
    policy: PolicyView,
    senders: Sequence[Sender],
    segments: Iterable[str] = (),
) -> Persona:
    """The customer of ``simulate --journey``: the worst case, or only ``segments`` when given."""
    chosen = frozenset(segments) or None
    return Persona(
        name="ad-hoc",
        journey=ordered(journey),
        segments=chosen,
        not_in=left_out(policy, senders) if chosen is None else frozenset(),
        region=busiest_place(senders),
        description="the journey given on the command line",
    )


def builtin_personas(policy: PolicyView, senders: Sequence[Sender]) -> list[Persona]:
    """``typical`` and ``late-delivery``: the catalogue's events once each (module docstring)."""
    return _builtin(policy, audiences(senders))


def _builtin(policy: PolicyView, seen: Audiences) -> list[Persona]:
    catalogue = dict(policy.events) if policy.events else _default_catalogue(seen.triggers)
    fulfilment = {name for name, event in catalogue.items() if event.fulfilment}
    if not policy.events:
        fulfilment = {defaults.FULFILMENT_EVENT}
    triggers = seen.triggers
    stoppers = seen.stoppers
    kept = {name for name in catalogue if not declines(name) and (name in triggers or name not in stoppers)}
    for name in list(
        kept
    ):  # what a kept event comes after happens too (`order.placed` before `order.shipped`)
        parent = catalogue[name].after
        while parent is not None and parent in catalogue and parent not in kept:
            kept.add(parent)
            parent = catalogue[parent].after
    wanted = [name for name in catalogue if name in kept]
    not_in = _left_out(policy, seen.segments)
    place = _busiest(seen.regions)
    found = []
    for name, late in zip(BUILT_IN, (False, True), strict=True):
        journey = _walk(catalogue, wanted, fulfilment, LATE_FULFILMENT if late else TYPICAL_FULFILMENT)
        described = "each catalogue event once, at typical delays"
        if late:
            described += f"; the parcel arrives {LATE_FULFILMENT - TYPICAL_FULFILMENT} days late"
        found.append(Persona(name, ordered(journey), None, not_in, place, None, described, builtin=True))
    return found


def _default_catalogue(triggers: Iterable[str]) -> dict[str, EventDef]:
    """The default catalogue, with every other event a campaign starts from as a root."""
    catalogue = dict(DEFAULT_CATALOGUE)
    for event in sorted(triggers):
        catalogue.setdefault(event, EventDef.model_construct())
    return catalogue


def _walk(
    catalogue: Mapping[str, EventDef], wanted: Sequence[str], fulfilment: set[str], fulfilment_delay: int
) -> list[tuple[str, int]]:
    """Each wanted event at its moment: roots one hour apart on day 0, others after their `after`."""
    moments: dict[str, int] = {}
    roots = 0

    def moment(name: str, seen: frozenset[str]) -> int:
        nonlocal roots
        if name in moments:
            return moments[name]
        parent = catalogue[name].after if name in catalogue else None
        if parent is None or parent not in catalogue or parent in seen:
            at = FIRST_ROOT + ROOT_GAP * roots
            roots += 1
        else:
            delay = fulfilment_delay if name in fulfilment else TYPICAL_DELAY
            at = moment(parent, seen | {name}) + delay * DAY
        moments[name] = at
        return at

    return [(name, moment(name, frozenset())) for name in wanted]


def ordered(journey: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """A journey in order of time (stable: as written among events at the same moment)."""
    return tuple(sorted(journey, key=lambda step: step[1]))


def left_out(policy: PolicyView, senders: Sequence[Sender]) -> frozenset[str]:
    """Segments a worst-case customer is not in: all but one of each ``disjoint`` group.

    The one kept is the segment most campaigns target (the first in the
    group's order among equals).
    """
    return _left_out(policy, Counter(sender.segment for sender in senders))


def _left_out(policy: PolicyView, targeted: Mapping[str, int]) -> frozenset[str]:
    out: set[str] = set()
    for group in policy.segments.disjoint:
        keep = max(group, key=lambda segment: (targeted.get(segment, 0), -group.index(segment)))
        out.update(segment for segment in group if segment != keep)
    return frozenset(out)


def busiest_place(senders: Sequence[Sender]) -> str | None:
    """The place the most campaigns reach (None: a place no campaign names; the first code among equals)."""
    return _busiest(Counter(sender.regions for sender in senders))


def _busiest(regions: Mapping[tuple[str, ...], int]) -> str | None:
    lists = Counter(regions)
    everywhere = lists.pop((), 0)
    if not lists:
        return None
    best, most = None, everywhere
    for code in sorted({code for regions in lists for code in regions}):
        country = code.split("-")[0]
        count = everywhere + sum(n for regions, n in lists.items() if code in regions or country in regions)
        if count > most:
            best, most = code, count
    return best


def parse_journey(text: str) -> list[tuple[str, int]]:
    """``order.placed@0d,order.delivered@9d 14:30`` as (event, minute) steps; ValueError in plain words."""
    steps = []
    for part in text.split(","):
        event, at, when = part.strip().partition("@")
        if not at or not event.strip():
            raise ValueError(f"`{part.strip()}` is not EVENT@DAY; write it like order.placed@0d")
        try:
            day = JourneyDay.parse(when)
        except ValueError as exc:
            raise ValueError(f"`{part.strip()}`: {exc}") from None
        steps.append((event.strip(), day.day * DAY + (ANCHOR if day.minute is None else day.minute)))
    return steps


def refusal(persona: Persona, sender: Sender, everyone: Collection[str] = EVERYONE) -> str | None:
    """Why ``sender``'s audience leaves ``persona`` out, in words; None when it reaches them."""
    if persona.reaches(sender, everyone):
        return None
    segment = sender.segment
    if persona.segments is None:
        return f"`{segment}` is a segment of a `disjoint` group they are not in"
    if segment not in everyone and segment not in persona.segments:
        return f"sent to segment `{segment}`, which they are not in"
    excluded = sorted(persona.segments.intersection(sender.exclude))
    if excluded:
        return f"excludes `{excluded[0]}`, which they are in"
    place = persona.region
    if sender.regions and (
        place is None or (place not in sender.regions and place.split("-")[0] not in sender.regions)
    ):
        return f"sent only in {', '.join(sender.regions)}, not where they live"
    return f"needs {sender.consent} consent for {sender.channel}, which they have not given"
