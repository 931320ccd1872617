"""When a message goes out: send windows, open times and a campaign's own cap, in minutes.

Minutes are the recipient's local wall clock: absolute (``date.toordinal() *
DAY`` plus the minute of the day) or of one day (0 to 1439).
"""

from __future__ import annotations

DAY = 1440
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


def capped(sends: list[int], most: int, per: int) -> list[int]:
    """``sends`` without those over ``most`` in a rolling ``per`` minutes (skipped, as platforms do)."""
    kept: list[int] = []
    oldest = 0
    for moment in sends:
        while oldest < len(kept) and kept[oldest] <= moment - per:
            oldest += 1
        if len(kept) - oldest < most:
            kept.append(moment)
    return kept


def minutes_words(minutes: int) -> str:
    """A delay in plain words: ``1 day``, ``2 hours``, ``90 minutes``."""
    for size, word in ((DAY, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {word}{'' if count == 1 else 's'}"
    return f"{minutes} minutes"
