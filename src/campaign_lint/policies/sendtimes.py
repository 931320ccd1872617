"""When a message goes out: schedules, send windows, open times and a campaign's own cap, in minutes.

Minutes are the recipient's local wall clock: absolute (``date.toordinal() *
DAY`` plus the minute of the day) or of one day (0 to 1439).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from campaign_lint.core.timezones import DAY as DAY
from campaign_lint.core.timezones import instant, local

# The farthest any zone's clock is from UTC, in minutes (Kiribati: +14:00; -12:00), with room.
FARTHEST = 18 * 60
# The time of day of a message whose day is set and time is open (a schedule
# that names a date), and of a journey event given without a time.
ANCHOR = 10 * 60


def place_open(window: tuple[int, int] | None) -> int:
    """The minute of the day an open-time message is sent: ``ANCHOR``, or the nearest time ``window`` allows."""
    if window is None or allowed(ANCHOR % DAY, window):
        return ANCHOR
    start, end = window
    to_start = (start - ANCHOR) % DAY
    from_end = (ANCHOR - end) % DAY
    return start if to_start <= from_end else end


def series(
    start: int,
    every: int | None,
    end: int | None,
    since: int,
    until: int,
    offset: int | None = None,
    where: ZoneInfo | None = None,
) -> list[int]:
    """The moments of a schedule from ``start`` every ``every`` to ``end``, from ``since``, before ``until``.

    ``end`` is inclusive (None: no end). Without a zone (``where``) or an
    offset the series steps on the wall clock: 09:00 each week. With both,
    ``start - offset`` is its first instant (UTC) and the series steps in
    absolute time, each moment shown on ``where``'s clock: a weekly send at
    09:00Z is 10:00 in London in summer and 09:00 in winter.
    """
    last = until - 1 if end is None else min(end, until - 1)
    if every is None:
        return [start] if start <= last else []
    if where is None or offset is None:
        step = max(0, -(-(since - start) // every))
        return list(range(start + step * every, last + 1, every))
    first = start - offset
    step = max(0, -(-(since - FARTHEST - first) // every))
    moments = (local(instant, where) for instant in range(first + step * every, last + FARTHEST + 1, every))
    return sorted(moment for moment in moments if since <= moment <= last)


def allowed(of_day: int, window: tuple[int, int]) -> bool:
    """Whether a minute of the day is inside ``window`` (both ends included; may cross midnight)."""
    start, end = window
    if start <= end:
        return start <= of_day <= end
    return of_day >= start or of_day <= end


def fit(moment: int, window: tuple[int, int] | None) -> int:
    """``moment``, or the next opening of ``window`` when it falls outside."""
    if window is None:
        return moment
    of_day = moment % DAY
    if allowed(of_day, window):
        return moment
    return moment + (window[0] - of_day) % DAY


def capped(sends: list[int], most: int, per: int, where: ZoneInfo | None = None) -> list[int]:
    """``sends`` without those over ``most`` in a rolling ``per`` minutes (skipped, as platforms do).

    With a zone (``where``), ``per`` is real time: a week from 10:00 in
    summer time is 09:00 a week later, after the clocks went back.
    """
    kept: list[int] = []
    clock: list[int] = []
    oldest = 0
    for moment in sends:
        at = moment if where is None else instant(moment, where)
        while oldest < len(clock) and clock[oldest] <= at - per:
            oldest += 1
        if len(clock) - oldest < most:
            kept.append(moment)
            clock.append(at)
    return kept


def minutes_words(minutes: int) -> str:
    """A delay in plain words: ``1 day``, ``2 hours``, ``90 minutes``."""
    for size, word in ((DAY, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {word}{'' if count == 1 else 's'}"
    return f"{minutes} minutes"
