"""Load-time checks of the policy's ``personas:`` beyond their shape, each at its line and column.

The schema already holds a persona's shape (``schemas/policy.PersonaDef``);
what it cannot see needs the rest of the policy: journey events that the
event catalogue does not list, a journey whose events come before the event
the catalogue says they follow, a customer in two segments that the
policy declares ``disjoint``, and the events an expectation names
(``after:``, ``before:``).

An expectation's event must be one the policy knows: with a catalogue
(``events:``), one it lists; without one, one of some persona's journey (the
only events the policy itself names: which campaigns a run reads must not
change whether the policy is valid, so the campaigns' own events do not
count). A misspelt event would otherwise make the expectation silently judge
against an event that never happens. ``after:`` must also be in the
persona's own journey: counting "after" an event the customer never reaches
can never be judged. ``before:`` may name a known event the journey never
reaches: that customer never gets there, so every message it names breaks
the expectation (a lost parcel: never a review request).
"""

from __future__ import annotations

from campaign_lint.core.suggest import did_you_mean
from campaign_lint.lint.policyfile import Layered
from campaign_lint.policies.timeline import ANCHOR
from campaign_lint.schemas.policy import PersonaDef, Policy
from campaign_lint.schemas.types import JourneyDay


def persona_problems(policy: Policy, layered: Layered) -> list[str]:
    """One ``file:line:col: message`` per problem of the policy's personas."""
    problems: list[str] = []
    known = set(policy.events) or {event for p in policy.personas.values() for event in p.journey}
    for name, persona in policy.personas.items():
        problems += _journey_problems(name, persona, policy, layered)
        problems += _expects_problems(name, persona, known, bool(policy.events), layered)
        chosen = set(persona.segments or ())
        for group in policy.segments.disjoint:
            both = [segment for segment in group if segment in chosen]
            if len(both) > 1:
                problems.append(
                    f"{layered.where(('personas', name, 'segments'))}: persona `{name}` is in "
                    f"{' and '.join(f'`{s}`' for s in both)}, which `segments: disjoint` says no customer "
                    "can be in at once; keep one of them"
                )
    return problems


def _journey_problems(name: str, persona: PersonaDef, policy: Policy, layered: Layered) -> list[str]:
    catalogue = policy.events
    problems = []
    first: dict[str, tuple[int, int]] = {}
    for event, when in persona.journey.items():
        days = when if isinstance(when, list) else [when]
        first[event] = min(_moment(day) for day in days)
        if catalogue and event not in catalogue:
            tip = did_you_mean(event, catalogue, "; add it to `events:` or use an event listed there")
            problems.append(
                f"{layered.where(('personas', name, 'journey', event), key=True)}: `{event}` in the journey "
                f"of persona `{name}` is not an event of the catalogue{tip}"
            )
    for event, moment in first.items():
        entry = catalogue.get(event)
        parent = entry.after if entry is not None else None
        if parent is not None and parent in first and first[parent] > moment:
            problems.append(
                f"{layered.where(('personas', name, 'journey', event))}: in the journey of persona `{name}`, "
                f"`{event}` happens before `{parent}`, which the catalogue says comes first; "
                f"move `{event}` to the day of `{parent}` or later"
            )
    return problems


def _expects_problems(
    name: str, persona: PersonaDef, known: set[str], catalogued: bool, layered: Layered
) -> list[str]:
    """The events of ``persona``'s expectations that the policy does not know, or its journey never reaches."""
    problems = []
    for index, expectation in enumerate(persona.expects):
        for key in ("after", "before"):
            event = getattr(expectation, key)
            if event is None:
                continue
            where = layered.where(("personas", name, "expects", index, key))
            entry = f"`personas.{name}.expects[{index}]`"
            if event not in known:
                among = (
                    "the catalogue" if catalogued else "any persona's journey (the policy has no `events:`)"
                )
                otherwise = (
                    "; add it to `events:` or use an event listed there"
                    if catalogued
                    else "; add it to a journey, or list your events under `events:`"
                )
                problems.append(
                    f"{where}: `{event}` in {entry} is not an event of {among}, so the expectation would be "
                    f"judged against an event that never happens{did_you_mean(event, known, otherwise)}"
                )
            elif key == "after" and event not in persona.journey:
                within = expectation.within.words() if expectation.within is not None else "period"
                problems.append(
                    f"{where}: {entry} counts the messages within {within} after `{event}`, but the journey "
                    f"of persona `{name}` never reaches `{event}`, so it can never be judged; add `{event}` "
                    f"to the journey (like `{event}: 1d`), or drop `after` to count any {within}"
                )
    return problems


def _moment(day: JourneyDay) -> tuple[int, int]:
    """Sortable moment of a journey day (no time: the timeline's default time of day)."""
    return (day.day, ANCHOR if day.minute is None else day.minute)
