"""Safe fixes of SPEC002: the value or key a marketer meant, when only the spelling is off.

Each function returns the correct spelling, or ``None`` when there is no
single, unambiguous one: ``7days`` is ``7d``, ``Email`` is ``email``,
``0900`` is ``"09:00"``, ``frequncy`` is ``frequency``; ``7`` (seven what?)
or ``promo`` (which of several?) have no fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# Unit words and what they mean; single letters are case-sensitive (`m` is a
# minute, `M` nothing), words are not.
_UNITS = {
    "m": "m",
    "min": "m",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
    "h": "h",
    "H": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "D": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "W": "w",
    "wk": "w",
    "wks": "w",
    "week": "w",
    "weeks": "w",
    "mo": "mo",
    "mos": "mo",
    "month": "mo",
    "months": "mo",
}
_DURATION = re.compile(r"\s*([1-9][0-9]{0,5})\s*([A-Za-z]+)\s*")
_TIME = re.compile(r"\s*([01]?[0-9]|2[0-3])(?:[:.h]([0-5][0-9]))?\s*")
# A close match must be this similar (difflib's ratio) to be a fix.
_CUTOFF = 0.8


def duration(value: Any) -> str | None:
    """``7days``, ``1 week``, ``7 d`` as ``7d``, ``1w``; ``None`` when the unit is not a known word."""
    if not isinstance(value, str):
        return None
    match = _DURATION.fullmatch(value)
    if match is None:
        return None
    word = match.group(2)
    unit = _UNITS.get(word) if len(word) == 1 else _UNITS.get(word.lower())
    return f"{match.group(1)}{unit}" if unit else None


def clock_time(value: Any) -> str | None:
    """``9``, ``0900``, ``21.30``, ``9:00`` (numbers, or an hour without its leading zero) as ``09:00``."""
    hours: int
    minutes: int
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if 0 <= value <= 23:
            hours, minutes = value, 0
        elif 100 <= value <= 2359 and value % 100 < 60:
            hours, minutes = divmod(value, 100)
        else:
            return None
    elif isinstance(value, float):
        text = f"{value:.2f}"
        if float(text) != value:
            return None
        return clock_time(text)
    elif isinstance(value, str):
        match = _TIME.fullmatch(value)
        if match is None:
            return None
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    else:
        return None
    return f"{hours:02d}:{minutes:02d}" if hours < 24 else None


def choice(value: Any, choices: Sequence[str]) -> str | None:
    """The one allowed word ``value`` is a spelling of (``Email``, ``e-mail`` for ``email``), else ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    wanted = _squash(value)
    same = [option for option in choices if _squash(option) == wanted]
    if len(same) == 1:
        return same[0] if same[0] != value else None
    if same:
        return None
    squashed = {_squash(option): option for option in choices}
    if sum(1 for option in squashed if wanted in option) > 1:
        return None  # `mail`: `email` or `direct_mail`?
    import difflib  # only for a word that is not an allowed one (see core/suggest.py)

    close = difflib.get_close_matches(wanted, list(squashed), n=2, cutoff=_CUTOFF)
    return squashed[close[0]] if len(close) == 1 else None


def _squash(word: str) -> str:
    """Lowercase letters and digits only: ``E-Mail`` and ``in app`` as ``email`` and ``inapp``."""
    return "".join(c for c in word.lower() if c.isalnum())
