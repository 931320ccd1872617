"""Which campaigns can reach the same customer (the worst case FRQ003 adds up).

A customer lives in one place, belongs to at most one segment of each
``disjoint`` group, and is not reached by a campaign that excludes a segment
they are in. The search is over distinct audiences, not files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from campaign_lint.policies.base import CampaignRecord
from campaign_lint.schemas.policy import Segments

# Segments that one campaign targets and another excludes are tried both ways
# (customer in, customer out); past this many, exclusions are ignored, which
# can only over-count, never miss.
MAX_DECIDING_SEGMENTS = 10


@dataclass(frozen=True, slots=True)
class _Audience:
    """Who a campaign can reach, as far as overlap with other campaigns goes."""

    segment: str
    exclude: frozenset[str]
    regions: frozenset[str]  # empty: everywhere

    def reaches(self, place: str | None) -> bool:
        """Whether a customer living in ``place`` (``US-CA``, ``DE``; None: unlisted) is reached."""
        if not self.regions:
            return True
        return place is not None and (place in self.regions or place.split("-")[0] in self.regions)


def _audience(record: CampaignRecord, targeted: frozenset[str]) -> _Audience:
    """The campaign's audience; only exclusions another campaign targets matter."""
    return _Audience(record.segment, frozenset(record.exclude) & targeted, frozenset(record.regions))


def reachable(
    counted: Sequence[tuple[CampaignRecord, int]], segments: Segments
) -> list[tuple[CampaignRecord, int]]:
    """The heaviest set of campaigns one customer can be in at once.

    Weights are whole numbers: callers with rates scale them to a common
    denominator first (exact, and far cheaper to add up than fractions).

    A customer lives in one place, belongs to at most one segment of each
    ``disjoint`` group, and is not reached by a campaign that excludes a
    segment they are in. The worst case is searched over every region the
    campaigns name and, for segments one campaign targets and another
    excludes, over being in them or not. Campaigns with the same audience are
    weighed together, so the work grows with distinct audiences, not files.
    """
    targeted = frozenset(record.segment for record, _ in counted)
    audiences = [_audience(record, targeted) for record, _ in counted]
    weight: dict[_Audience, int] = defaultdict(int)
    for audience, (_, count) in zip(audiences, counted, strict=True):
        weight[audience] += count
    places: list[str | None] = [None, *sorted({code for a in weight for code in a.regions})]
    best: frozenset[_Audience] = frozenset()
    heaviest = -1
    for place in places:
        local = {a: w for a, w in weight.items() if a.reaches(place)}
        for together in _together(local, segments):
            total = sum(local[a] for a in together)
            if total > heaviest:
                best, heaviest = together, total
    return [
        (record, count)
        for (record, count), audience in zip(counted, audiences, strict=True)
        if audience in best
    ]


def _together(weight: dict[_Audience, int], segments: Segments) -> Iterable[frozenset[_Audience]]:
    """Each heaviest set of audiences one customer can belong to at once."""
    group_of: dict[str, int] = {}
    for index, members in enumerate(segments.disjoint):
        for segment in members:
            group_of.setdefault(segment, index)
    deciding = sorted({s for a in weight for s in a.exclude} - {"all"})
    use_exclude = len(deciding) <= MAX_DECIDING_SEGMENTS
    if not use_exclude:
        deciding = []
    for mask in range(1 << len(deciding)):
        inside = {segment for bit, segment in enumerate(deciding) if mask >> bit & 1}
        fixed: dict[int, str] = {}
        for segment in inside:
            group = group_of.get(segment)
            if group is not None:
                fixed.setdefault(group, segment)
        if len(fixed) < sum(1 for segment in inside if segment in group_of):
            continue  # two segments of one disjoint group: nobody is in both
        outside = set(deciding) - inside
        eligible = [
            a for a in weight if a.segment not in outside and not (use_exclude and a.exclude & inside)
        ]
        by_segment: dict[str, int] = defaultdict(int)
        for audience in eligible:
            by_segment[audience.segment] += weight[audience]
        chosen = dict(fixed)
        for segment in sorted(by_segment):
            group = group_of.get(segment)
            if group is None or group in fixed:
                continue
            if group not in chosen or by_segment[segment] > by_segment[chosen[group]]:
                chosen[group] = segment
        keep = {s for s in by_segment if s not in group_of} | set(chosen.values())
        yield frozenset(a for a in eligible if a.segment in keep)
