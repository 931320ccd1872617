"""Time zones by their IANA names (``Europe/London``), and instants seen on a zone's wall clock.

The zones come from the standard library's ``zoneinfo``: the system's time
zone database, else the ``tzdata`` package (a dependency, so a machine
without a database, as Windows, reads the same names). Minutes are absolute:
``date.toordinal() * 1440`` plus the minute of the day.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from campaign_lint.core.suggest import did_you_mean

DAY = 1440
EXAMPLE = "like Europe/London or America/Los_Angeles"
# Abbreviations people write for a zone, which the database does not know, and a place each is used for.
ABBREVIATIONS = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "MDT": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "EDT": "America/New_York",
    "BST": "Europe/London",
    "CEST": "Europe/Paris",
    "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
}
# Absolute minutes whose wall clock the standard library can show (years 2 to 9998).
_FIRST, _LAST = 367 * DAY, 3_651_694 * DAY


@lru_cache(maxsize=128)
def zone(name: str) -> ZoneInfo:
    """The zone named ``name``; ValueError in plain words (with a "did you mean") when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise ValueError(f"`{name}` is not a time zone{_suggestion(name)}")


def checked(name: str) -> str:
    """``name`` when it names a time zone (for a validator); ValueError otherwise."""
    zone(name)
    return name


def _suggestion(name: str) -> str:
    """``; did you mean `Europe/London`?``, or how to write a zone."""
    names = sorted(available_timezones())
    if not names:
        return "; this machine has no time zone database: install the `tzdata` package"
    if name in ABBREVIATIONS:
        return (
            f"; {name} is an abbreviation, which names no place: write `{ABBREVIATIONS[name]}`, for example"
        )
    inside = [known for known in names if known.startswith(f"{name.rstrip('/')}/")]
    if inside:
        return f"; it holds {len(inside)} zones: name the place, like `{inside[len(inside) // 2]}`"
    wanted = re.sub(r"\s+", "_", name.strip()).casefold()
    cities: dict[str, str] = {}
    for known in names:  # a city alone (`London`, `los angeles`) or a name in other capitals
        if wanted == known.casefold():
            return f"; did you mean `{known}`?"
        cities.setdefault(known.rpartition("/")[2].casefold(), known)
    if "/" not in wanted:
        import difflib  # only for a name that is not a zone (see core/suggest.py)

        close = difflib.get_close_matches(wanted, list(cities), n=1, cutoff=0.75)
        if close:
            return f"; did you mean `{cities[close[0]]}`?"
    return did_you_mean(name, names, f"; write an IANA time zone name, {EXAMPLE}")


def offset_of(instant: int, where: ZoneInfo) -> int:
    """The UTC offset of ``where``, in minutes, at the UTC minute ``instant``."""
    if not _FIRST <= instant <= _LAST:
        return 0
    moment = datetime.fromordinal(instant // DAY).replace(tzinfo=UTC) + timedelta(minutes=instant % DAY)
    offset = moment.astimezone(where).utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def local(instant: int, where: ZoneInfo) -> int:
    """The wall clock of ``where`` at the UTC minute ``instant``, as an absolute minute."""
    return instant + offset_of(instant, where)


def instant(wall: int, where: ZoneInfo) -> int:
    """The UTC minute at which ``where``'s clock shows the absolute minute ``wall``.

    A time the clock skips (spring forward) or shows twice (fall back) is
    read with the offset before the change, as ``datetime`` reads it.
    """
    if not _FIRST <= wall <= _LAST:
        return wall
    moment = (datetime.fromordinal(wall // DAY) + timedelta(minutes=wall % DAY)).replace(tzinfo=where)
    offset = moment.utcoffset()
    return wall - (0 if offset is None else int(offset.total_seconds() // 60))
