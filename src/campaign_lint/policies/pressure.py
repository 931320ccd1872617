"""What one customer really receives against a cap, in the worst case: the timeline behind FRQ003 and FRQ004.

For each persona (the policy's, or the built-in ones) the contact timeline (``policies/timeline.py``)
is drawn twice (``policies/plans.py``): the scheduled campaigns on their calendar dates, and the
event-triggered ones from the day the persona's journey starts. A customer's journey can start on any day, so the worst case
places it where it adds most: the busiest window of the journey on the busiest window of the
schedules, with every ``stop_when`` of a schedule that the journey then triggers honoured. Three
placements are judged and the worst counts: the schedules alone (the journey far away), the journey
alone, and the two together.

Windows are those of ``policies/capcount.py``: a cap whose ``per`` is whole days counts calendar
days in the recipient's time zone, any other rolls by the minute. Counts are whole messages.

One cause is reported once: each campaign counts at most the cap (what one campaign sends beyond
it is FRQ002's finding), and towards ``total_cap`` each channel counts at most its own cap (more is
that channel's own finding).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Mapping, Sequence
from datetime import timedelta
from typing import Final

from campaign_lint.core.findings import RELATED_KEPT, subject
from campaign_lint.core.slotted import Slotted
from campaign_lint.policies.base import CampaignRecord, Pointer, PortfolioViolation
from campaign_lint.policies.plans import Plan, Sent, only
from campaign_lint.policies.rates import cap_words
from campaign_lint.policies.record import cap_path
from campaign_lint.policies.timeline import DAY, Persona
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.policy import Cap

# ``_window``'s placement for the journey alone.
JOURNEY = -1


class Window(Slotted):
    """The worst window of one cap for one persona."""

    __slots__ = ("persona", "count", "campaigns", "when", "ids")
    persona: Final[Persona]
    count: Final[int]
    # Per campaign path: (messages in the window, messages counted: at most the cap).
    campaigns: Final[Mapping[str, tuple[int, int]]]
    # The window in words: ``7 calendar days, 2026-11-02 to 2026-11-08``.
    when: Final[str]
    # Per campaign path: its id (the hint names the campaigns to cut without reading their records).
    ids: Final[Mapping[str, str]]

    def __init__(
        self,
        persona: Persona,
        count: int,
        campaigns: Mapping[str, tuple[int, int]],
        when: str,
        ids: Mapping[str, str],
    ) -> None:
        self.persona = persona
        self.count = count
        self.campaigns = campaigns
        self.when = when
        self.ids = ids

    def ranked(self) -> list[tuple[str, int, int]]:
        """(path, counted, sent) of each campaign in the window, the one contributing most first."""
        return sorted(
            ((path, counted, sent) for path, (sent, counted) in self.campaigns.items()),
            key=lambda item: (-item[1], -item[2], item[0]),
        )


class Limits(Slotted):
    """What one cap counts: which messages, at most how many per campaign and per channel."""

    __slots__ = ("cap", "channel", "channel_max", "rolling")
    cap: Final[Cap]
    # The channel the cap is for; None: every channel (``total_cap``).
    channel: Final[str | None]
    # Per channel: the most its own cap lets through in this cap's window (``within``).
    channel_max: Final[Mapping[str, int]]
    # Windows start at any message (FTSA's 24 hours), even for a ``per`` of whole days.
    rolling: Final[bool]

    def __init__(
        self, cap: Cap, channel: str | None, channel_max: Mapping[str, int], rolling: bool = False
    ) -> None:
        self.cap = cap
        self.channel = channel
        self.channel_max = channel_max
        self.rolling = rolling

    @property
    def calendar(self) -> bool:
        """Whether windows are calendar days in the recipient's time zone (``per`` of whole days)."""
        return not self.rolling and self.per % DAY == 0

    @property
    def per(self) -> int:
        """The cap's window in minutes."""
        return max(1, self.cap.per.seconds // 60)

    def counts(self, message: Sent) -> bool:
        """Whether ``message`` is one this cap counts (its channel's, or any for ``total_cap``)."""
        return self.channel is None or message[3] == self.channel

    def campaign_max(self, channel: str) -> int:
        """The most one campaign of ``channel`` counts: the cap, and its channel's cap."""
        return min(self.cap.max, self.channel_max.get(channel, self.cap.max))


def within(policy: PolicyView, cap: Cap) -> dict[str, int]:
    """Per channel with a cap, the most its cap lets through in a window of ``cap.per``.

    A cap of 1 per day lets 7 through in 7 days; a cap of 10 per 30 days
    lets all 10 through in one week.
    """
    window = cap.per.seconds
    return {
        str(channel): entry.cap.max * max(1, -(-window // entry.cap.per.seconds))
        for channel, entry in policy.channels.items()
        if entry.cap is not None
    }


def worst(plan: Plan, limits: Limits) -> Window | None:
    """The worst window of ``limits`` for the persona of ``plan``: None when it sends nothing counted."""
    channel = limits.channel
    if channel is None:
        scheduled, triggered = list(plan.scheduled), list(plan.triggered)
    else:
        scheduled = [m for m in plan.scheduled if m[3] == channel]
        triggered = [m for m in plan.triggered if m[3] == channel]
    # Each placement's best (count, start), its messages, and where the journey is: the window is
    # described for the worst alone.
    found: list[tuple[tuple[int, int], Sequence[Sent], int | None]] = []
    best_scheduled = _slide(scheduled, limits)
    if best_scheduled is not None:
        found.append((best_scheduled, scheduled, None))
    best_triggered = _slide(triggered, limits)
    if best_triggered is not None:
        found.append((best_triggered, triggered, JOURNEY))
    if best_scheduled is not None and best_triggered is not None:
        shift = (best_scheduled[1] // DAY - best_triggered[1] // DAY) * DAY
        together = _placed(plan, scheduled, triggered, shift)
        best = _slide(together, limits)
        if best is not None:
            found.append((best, together, shift))
    if not found:
        return None
    # The first of equals: schedules, journey, both.
    best, messages, placed = max(found, key=lambda item: item[0][0])
    return _window(plan, limits, messages, best, placed)


def worst_among(plan: Plan, paths: Container[str], limits: Limits) -> Window | None:
    """The worst window of ``limits`` in ``plan`` counting the campaigns at ``paths`` alone (FRQ004's groups)."""
    return worst(only(plan, paths), limits)


def _placed(plan: Plan, scheduled: list[Sent], triggered: list[Sent], shift: int) -> list[Sent]:
    """The schedules with the journey's day 0 at minute ``shift`` of ``origin``, stops honoured."""
    moments: dict[str, list[int]] = {}
    for event, minute in plan.persona.journey:
        moments.setdefault(event, []).append(minute + shift)
    kept = []
    for message in scheduled:
        stop = plan.stops.get(message[1])
        if stop is not None:
            start, events = stop
            stop_at = min((m for e in events for m in moments.get(e, ()) if m >= start), default=None)
            if stop_at is not None and stop_at <= message[0]:
                continue
        kept.append(message)
    kept.extend((minute + shift, path, campaign, channel) for minute, path, campaign, channel in triggered)
    kept.sort()
    return kept


def _slide(messages: Sequence[Sent], limits: Limits) -> tuple[int, int] | None:
    """(count, window start) of the window holding the most counted messages; None without messages.

    Calendar windows start at each midnight, rolling ones at each message;
    the first of equal windows wins. Each campaign counts at most
    ``campaign_max``, each channel at most its cap (``total_cap`` only).
    """
    if not messages:
        return None
    per = limits.per
    # The worst window can always start on the day of (or at) one of its messages.
    starts = sorted({m[0] - m[0] % DAY for m in messages}) if limits.calendar else [m[0] for m in messages]
    most = {channel: limits.campaign_max(channel) for channel in {m[3] for m in messages}}
    ceilings = {} if limits.channel is not None else dict(limits.channel_max)
    # Per message its campaign's most and its channel; a channel without a cap has no ceiling.
    tops = [most[m[3]] for m in messages]
    ceiling = {channel: ceilings.get(channel, len(messages) + 1) for channel in most}
    minutes = [m[0] for m in messages]
    sent: dict[str, int] = {}
    by_channel: dict[str, int] = dict.fromkeys(most, 0)
    total = best_count = 0
    best_start = starts[0]
    left = right = 0
    size = len(messages)
    for start in starts:
        while left < size and minutes[left] < start:
            if left < right:
                _, path, _, channel = messages[left]
                count = sent[path] - 1
                sent[path] = count
                if count < tops[left]:
                    held = by_channel[channel] - 1
                    by_channel[channel] = held
                    if held < ceiling[channel]:
                        total -= 1
            left += 1
        if right < left:
            right = left
        end = start + per
        while right < size and minutes[right] < end:
            _, path, _, channel = messages[right]
            count = sent.get(path, 0)
            sent[path] = count + 1
            if count < tops[right]:
                held = by_channel[channel]
                if held < ceiling[channel]:
                    total += 1
                by_channel[channel] = held + 1
            right += 1
        if total > best_count:
            best_count, best_start = total, start
    return (best_count, best_start) if best_count else None


def _window(
    plan: Plan, limits: Limits, messages: Sequence[Sent], best: tuple[int, int], placed: int | None
) -> Window:
    """The window starting at ``best[1]`` in words, with each campaign's part.

    ``placed``: None for the schedules alone (minutes from ``plan.origin``),
    ``JOURNEY`` for the journey alone (minutes from its day 0), else the
    minute of ``plan.origin`` the journey's day 0 was placed on.
    """
    count, start = best
    end = start + limits.per
    inside = Counter(m[1] for m in messages if start <= m[0] < end)
    channel_of = {m[1]: m[3] for m in messages}
    ids = {m[1]: m[2] for m in messages if m[1] in inside}
    tops = {channel: limits.campaign_max(channel) for channel in set(channel_of.values())}
    campaigns = {path: (n, min(n, tops[channel_of[path]])) for path, n in inside.items()}
    if limits.calendar:
        days = limits.per // DAY
        span = f"{days} calendar day{'s' if days != 1 else ''}"
    else:
        span = f"{_duration(limits.per)} from {_clock(start)}"
    if placed == JOURNEY or plan.origin is None:
        first, last = start // DAY, (end - 1) // DAY
        days_of = f"day {first}" if first == last or not limits.calendar else f"days {first} to {last}"
        when = f"{days_of} of the journey"
    else:
        first_day = plan.origin + timedelta(days=start // DAY)
        last_day = plan.origin + timedelta(days=(end - 1) // DAY)
        when = (
            f"{first_day}" if first_day == last_day or not limits.calendar else f"{first_day} to {last_day}"
        )
        if placed is not None and plan.persona.journey:
            event, minute = plan.persona.journey[0]
            when += f", `{event}` on {plan.origin + timedelta(days=(minute + placed) // DAY)}"
    return Window(plan.persona, count, campaigns, f"{span} ({when})", ids)


def _clock(minute: int) -> str:
    of_day = minute % DAY
    return f"{of_day // 60:02d}:{of_day % 60:02d}"


def _duration(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def cuts(window: Window, cap: Cap) -> list[tuple[str, int]]:
    """Which campaigns to cut, and by how many messages, to bring ``window`` within ``cap``: the largest first."""
    over = window.count - cap.max
    chosen = []
    for path, counted, _ in window.ranked():
        if over <= 0:
            break
        cut = min(counted, over)
        chosen.append((path, cut))
        over -= cut
    return chosen


def _cut(campaign: str, counted: int, sent: int, cut: int) -> str:
    """One cut for the hint; a campaign counted at the cap is cut from what it really sends (by 4, to 2)."""
    if counted == sent:
        return f"`{campaign}` by {cut}"
    return f"`{campaign}` by {sent - counted + cut} (to {counted - cut})"


# The cuts a hint names one by one; past one more, the rest are summed (a week of one-off sends
# can need dozens of cuts, and the related places list those campaigns in the same order).
NAMED_CUTS = 3


def _named_cuts(chosen: Sequence[tuple[str, int, int, int]]) -> str:
    """The hint's cuts (id, counted, sent, cut), largest first: at most ``NAMED_CUTS`` named, the rest summed."""
    if len(chosen) <= NAMED_CUTS + 1:
        return " and ".join(_cut(*one) for one in chosen)
    rest = chosen[NAMED_CUTS:]
    messages = sum(sent - counted + cut for _, counted, sent, cut in rest)  # as ``_cut`` counts each
    return (
        ", ".join(_cut(*one) for one in chosen[:NAMED_CUTS])
        + f" and {messages} more from the next {len(rest)} campaigns sending most"
    )


def pressure_finding(
    label: str, channel: str, cap: Cap, window: Window, by_path: Mapping[str, CampaignRecord]
) -> PortfolioViolation:
    """FRQ003's finding of ``window`` for the cap ``label``: on the campaign sending most, the others related."""
    ranked = window.ranked()
    top = by_path[ranked[0][0]]
    cut = cuts(window, cap)
    parts = {path: (counted, sent) for path, counted, sent in ranked}
    named = _named_cuts([(window.ids[path], *parts[path], n) for path, n in cut])
    many = "s" if len(cut) > 1 or cut[0][1] != 1 or parts[cut[0][0]][0] != parts[cut[0][0]][1] else ""
    sent = sum(n for _, _, n in ranked)
    counted = (
        ""
        if sent == window.count
        else f", {window.count} when each campaign counts only up to the cap (FRQ002 reports the rest)"
    )
    related, omitted, involved = _related(ranked[1:], by_path)
    return PortfolioViolation(
        Pointer(top, cap_path(top)),
        f"{label}: the `{window.persona.name}` customer receives {sent} marketing messages in {window.when} "
        f"from {len(ranked)} campaigns{counted}, {ranked[0][2]} of them from this one; the cap is {cap_words(cap)}",
        hint=f"cut {named} message{many} in that window: lower `frequency`, space the schedules apart, "
        "or keep audiences that never overlap apart (`segments: disjoint:` in the policy)",
        related=related,
        related_omitted=omitted,
        involved=involved,
        # The finding is about the channel's cap, whichever campaign it is shown on.
        subject=subject(channel=channel, window=cap.per),
    )


def _related(
    others: Sequence[tuple[str, int, int]], by_path: Mapping[str, CampaignRecord]
) -> tuple[tuple[Pointer, ...], int, frozenset[str]]:
    """The related places of ``others`` (path, counted, sent), the number left out, and the paths involved.

    The engine keeps the first ``RELATED_KEPT`` related places (``lint/portfolio.py``); building only
    those reads only their records (a window of 7 days can hold hundreds of campaigns, and each record
    is read from the cache), with the rest counted and named in ``involved`` as the engine would.
    """
    related = tuple(
        Pointer(record, cap_path(record), share(record.id, counted, sent))
        for path, counted, sent in others[:RELATED_KEPT]
        for record in (by_path[path],)
    )
    if len(others) <= RELATED_KEPT:
        return related, 0, frozenset()
    return related, len(others) - RELATED_KEPT, frozenset(path for path, _, _ in others)


def same_day_finding(
    about: str, event: str | None, most: int, window: Window, by_path: Mapping[str, CampaignRecord]
) -> PortfolioViolation:
    """FRQ004's finding of ``window``: texts and calls ``about`` an event (or the schedules) over ``most`` a day."""
    ranked = window.ranked()
    top = by_path[ranked[0][0]]
    related, omitted, involved = _related([(path, n, n) for path, n, _ in ranked[1:]], by_path)
    return PortfolioViolation(
        Pointer(top, ("trigger",)),
        f"{len(ranked)} text/voice campaigns on {about} send the `{window.persona.name}` customer "
        f"{window.count} messages within {window.when}; at most {most} are allowed in 24 hours",
        hint="merge them into one message, or space them more than 24 hours apart",
        related=related,
        related_omitted=omitted,
        involved=involved,
        # About texts and calls on one trigger event (or the schedules) in a day.
        subject=subject(
            channel="sms+voice", window="24h", event=event, schedules=None if event else "overlapping"
        ),
    )


def share(campaign: str, counted: int, sent: int) -> str:
    """What one campaign sends in the window, for its related location."""
    text = f"`{campaign}`: {sent} message{'s' if sent != 1 else ''} in that window"
    if counted < sent:
        text += f", {counted} counted (what one campaign sends over the cap is FRQ002's finding)"
    return text
