"""The "did you mean" of every message about a misspelt name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, choices: Iterable[str], otherwise: str = "") -> str:
    """``; did you mean `closest`?`` for the closest of ``choices``, else ``otherwise``."""
    guess = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean `{guess[0]}`?" if guess else otherwise
