"""What FRQ003 and FRQ004 judged of each persona's plan, kept from one run to the next (with a cache).

With a cache, FRQ003 and FRQ004 keep each campaign's part of every
persona's plan between runs (``policies/replans.py``), so an edit draws
again only the edited campaign's messages. Judging a plan (the worst window
of each cap, ``policies/pressure.worst``) still slides over every message of
the plan; most edits, though, do not change a persona's plan at all: a
raised cap that the campaign never reaches, a campaign that never reaches
that persona. So each judgement is kept too, keyed on what the plan is made
of, and judged again only when that changed:

* what is judged (``what``: the rule, the cap, the campaigns counted), and
  the sum of the digests of the plan's parts (``digest``: each campaign's
  messages, as the timeline drew them, in a form that is the same in every
  run): an edited, added or removed part changes it;
* compared for equality, everything else the plan is drawn from: the
  persona (with its journey), the days the schedules and the journey are
  drawn over (``described``).

A persona whose plan is the one the last run judged gets the last run's
window; any other is judged in full. Each pass keeps what it used, so what
left the portfolio leaves the memo. The findings are those of a run
without a cache (``tests/test_incremental.py``, ``tests/policy/test_verdicts.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from campaign_lint.policies.base import Carried
    from campaign_lint.policies.plans import Plan

# What the rules keep between runs (``Carried``), under this name.
VERDICTS = "pressure-verdicts"
T = TypeVar("T")
# Nothing kept (a judgement may be None: no window).
_NONE: Any = object()


class Asked(NamedTuple):
    """What a rule asks of every persona's plan (``Pool.judged``)."""

    # The plans of FRQ004's texts and calls (else of FRQ003's marketing campaigns), and the longest window judged.
    texts: bool
    horizon_days: int
    # What is judged, the same in every run: the rule, the cap, the campaigns counted.
    what: Hashable
    # The judge reads only this channel's messages (None: every channel).
    channel: str | None = None


def digest(part: object) -> int:
    """A digest of one campaign's part of a plan, the same in every run.

    ``part`` is made of tuples, integers, strings and None (messages, a
    stop), whose ``repr`` does not depend on the process (no sets, no
    ``hash``). 128 bits: two different plans whose digests add up alike are
    not a practical concern.
    """
    text = repr(part).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "little")


class Verdicts:
    """The judgements of one pass, from those of the last run where the plan did not change."""

    __slots__ = ("_old", "_new")

    def __init__(self, carried: Carried) -> None:
        kept = carried.previous(VERDICTS)
        self._old: dict[Hashable, list[tuple[Any, Any]]] = kept if isinstance(kept, dict) else {}
        self._new: dict[Hashable, list[tuple[Any, Any]]] = {}
        carried.keep(VERDICTS, self._new)

    def judged(
        self, key: Hashable, described: Any, plan: Callable[[], Plan], judge: Callable[[Plan], T]
    ) -> T:
        """``judge(plan())``, or what it gave in the last run (or this pass) for ``key`` and ``described``."""
        found = self._new.setdefault(key, [])
        for done, result in found:
            if done == described:
                return result  # type: ignore[no-any-return]
        kept = next((result for done, result in self._old.get(key, ()) if done == described), _NONE)
        value: T = judge(plan()) if kept is _NONE else kept
        found.append((described, value))
        return value
