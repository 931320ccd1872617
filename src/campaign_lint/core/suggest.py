"""The "did you mean" of every message about a misspelt name.

difflib is imported by the first message that needs it: a run that finds no
misspelt name (most runs) does not import it.
"""

from __future__ import annotations

from collections.abc import Iterable


def did_you_mean(name: str, choices: Iterable[str], otherwise: str = "") -> str:
    """``; did you mean `closest`?`` for the closest of ``choices``, else ``otherwise``."""
    import difflib

    guess = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean `{guess[0]}`?" if guess else otherwise
