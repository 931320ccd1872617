"""Event names in hints: only events of the policy's catalogue, never one the policy lacks.

A hint that names an event the catalogue does not list sends the marketer
straight into SPEC004 (unknown event). So hints pick their examples from the
catalogue (``stop_events``, ``catalogue_listing``); the built-in examples,
used only when the policy has no catalogue, are ``STOP_WHEN_EXAMPLE``, and
``campaign-lint init`` writes a catalogue that lists them (a test holds it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from campaign_lint.policies import defaults
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.policy import EventDef

# What TIM004 suggests for `stop_when` when the policy has no event catalogue.
STOP_WHEN_EXAMPLE = ("order.placed", "unsubscribed")
# Words of an event name that say the customer bought, acted otherwise, or said no.
_BOUGHT = frozenset(["placed", "purchased", "bought", "ordered", "paid", "booked"])
_ACTED = _BOUGHT | frozenset(
    [
        "completed",
        "submitted",
        "redeemed",
        "converted",
        "emptied",
        "returned",
        "renewed",
        "answered",
        "replied",
    ]
)
_DECLINED = frozenset(
    [
        "unsubscribed",
        "unsubscribe",
        "opted",
        "optout",
        "declined",
        "cancelled",
        "canceled",
        "dismissed",
        "left",
        "closed",
        "churned",
        "blocked",
        "complained",
        "stopped",
    ]
)
_WORD = re.compile(r"[a-z]+")
# How many events a listing names before it counts the rest.
_LISTED = 12


def stop_events(catalogue: Mapping[str, EventDef], trigger: str | None) -> tuple[str, ...]:
    """Events of ``catalogue`` that could end a campaign started by ``trigger``: at most two acted, one declined.

    Without a catalogue, ``STOP_WHEN_EXAMPLE``. The trigger and the events it
    comes after (by ``after:``) are never suggested: they have happened
    already. An acted event that comes after the trigger ranks first, then one
    of the trigger's own kind (``cart.emptied`` for ``cart.abandoned``), then a
    purchase. May be empty: the catalogue has no event whose name says the
    customer acted or declined.
    """
    if not catalogue:
        return STOP_WHEN_EXAMPLE
    before = _ancestors(catalogue, trigger)
    kind = trigger.partition(".")[0] if trigger and "." in trigger else None
    ranked: list[tuple[int, str]] = []
    declined: list[str] = []
    for name in catalogue:
        if name in before:
            continue
        words = set(_WORD.findall(name.lower()))
        if words & _DECLINED:
            declined.append(name)
        elif words & _ACTED:
            later = trigger is not None and trigger in _ancestors(catalogue, name)
            score = 3 if later else 2 if kind and name.startswith(f"{kind}.") else 1 if words & _BOUGHT else 0
            ranked.append((score, name))
    ranked.sort(key=lambda entry: -entry[0])  # stable: catalogue order among equals
    acted = [name for score, name in ranked[:2] if score] or [name for _, name in ranked[:1]]
    return (*acted, *declined[:1])


def declines(event: str) -> bool:
    """Whether an event's name says the customer said no or left (``unsubscribed``, ``loyalty.left``)."""
    return not _DECLINED.isdisjoint(_WORD.findall(event.lower()))


def stop_examples(catalogue: Mapping[str, EventDef], trigger: str | None) -> str:
    """A hint's end: `, like [a, b]` with events of the catalogue only (SPEC004 flags any other)."""
    found = stop_events(catalogue, trigger)
    if found:
        return f", like [{', '.join(found)}]"
    return (
        "; the policy's `events:` has none that says the customer bought or said no yet: "
        "add those events there first"
    )


def _ancestors(catalogue: Mapping[str, EventDef], event: str | None) -> set[str]:
    """``event`` and every event it comes after in the catalogue."""
    seen: set[str] = set()
    while event is not None and event not in seen:
        seen.add(event)
        entry = catalogue.get(event)
        event = entry.after if entry is not None else None
    return seen


def catalogue_listing(catalogue: Mapping[str, EventDef], near: str) -> str:
    """The catalogue's events for a hint, those closest to ``near`` first: `a`, `b` ... and 30 more."""
    import difflib  # only for a hint (see core/suggest.py)

    close = difflib.get_close_matches(near, list(catalogue), n=3)
    names: Sequence[str] = [*close, *(name for name in catalogue if name not in close)]
    shown = ", ".join(f"`{name}`" for name in names[:_LISTED])
    rest = len(names) - _LISTED
    return f"{shown} and {rest:,} more" if rest > 0 else shown


def fulfilment_words(policy: PolicyView) -> tuple[str, str]:
    """The moment a request must wait for, and where to trigger it instead, in words.

    Without a catalogue: the order has been delivered. With one: its
    fulfilment events with their descriptions (``stay.completed` (the guest
    has checked out)``), so a hotel or a concert is not told about orders.
    """
    if not policy.events:
        return "the order has been delivered", f"`{defaults.FULFILMENT_EVENT}` (or an event after it)"
    named = []
    for name in sorted(policy.fulfilment_events()):
        entry = policy.events.get(name)
        described = entry.description if entry is not None else None
        named.append(f"`{name}` ({described})" if described else f"`{name}`")
    moment = " or ".join(named)
    return moment, f"{moment} or an event after it,"


def at_or_after(event: str, fulfilment: frozenset[str], policy: PolicyView) -> bool:
    """Whether ``event`` is a fulfilment event or follows one in the catalogue."""
    seen: set[str] = set()
    current: str | None = event
    while current is not None and current not in seen:
        if current in fulfilment:
            return True
        seen.add(current)
        entry = policy.events.get(current)
        current = entry.after if entry else None
    return False
