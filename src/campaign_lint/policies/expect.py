"""What a persona must never experience (``personas: NAME: expects:``), judged on its contact timeline.

Pure: the expectations of one persona and the messages it receives in, the
broken ones out, each on the campaign responsible, with the persona's day
and time. FRQ005 reports the counts and gaps, TIM005 the order and the
hours (``policies/inbox.py``, ``policies/hours.py``).

Every message counts, transactional ones too: the customer receives them.
The timeline starts on the journey's day 0; when campaigns are scheduled,
day 0 is placed on the first of the busiest 7 days of the schedules (the
worst case for the customer), and the message gives the date as well.

The contact timeline (``policies/timeline.py``, ``policies/personas.py``) is
imported by the three functions that draw or report one (``drawn``,
``timeline_for``, ``verdicts_judge``), not with the module: the rules'
classes load with the registry in every run, and a policy whose personas
expect nothing (most) never draws a timeline for them.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any, ClassVar, Final

from campaign_lint.core.findings import YamlPath, subject
from campaign_lint.core.slotted import Slotted
from campaign_lint.core.timezones import DAY
from campaign_lint.policies.base import (
    WHOLE_PORTFOLIO,
    CampaignRecord,
    NoOptions,
    Pointer,
    PortfolioRule,
    PortfolioViolation,
    RuleContext,
)
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.policy import PersonaDef, PersonaExpectation

if TYPE_CHECKING:
    from campaign_lint.policies.timeline import Message, Persona, Sender, Timeline, Verdict

# Days followed after the journey's last event.
FOLLOW_DAYS = 31
# Where day 0 goes when nothing is scheduled (a Monday; no date is shown then).
NO_DATE = date(2001, 1, 1)
# The kinds each rule reports.
COUNTS = ("at_most", "min_gap")
TIMING = ("never", "quiet")


def expecting(policy: PolicyView, kinds: Sequence[str]) -> bool:
    """Whether some persona of the policy has an expectation of one of ``kinds``.

    Asked for every campaign (``groups`` of FRQ005 and TIM005): a policy without personas answers at once.
    """
    return bool(policy.personas) and any(
        kind(e) in kinds for entry in policy.personas.values() for e in entry.expects
    )


class ExpectationRule(PortfolioRule[NoOptions]):
    """A rule that judges the persona expectations of some ``kinds`` (FRQ005, TIM005).

    Both read the whole portfolio, and only when a persona has such an
    expectation; each says where its finding sits and what to do (``advice``).
    """

    kinds: ClassVar[tuple[str, ...]]

    def groups(self, record: CampaignRecord, ctx: RuleContext[NoOptions]) -> Iterable[Hashable]:
        """One group, the whole portfolio, when a persona has such expectations; else none."""
        return (WHOLE_PORTFOLIO,) if expecting(ctx.policy, self.kinds) else ()

    def check(
        self, records: Sequence[CampaignRecord], ctx: RuleContext[NoOptions]
    ) -> Iterable[PortfolioViolation]:
        """Judge the expectations of ``kinds`` of each persona on its timeline."""
        for found, record in broken(records, ctx, self.kinds):
            path, hint = self.advice(found, record)
            yield PortfolioViolation(
                Pointer(record, path),
                found.message,
                hint=f"{hint}, or change `personas.{found.persona}.expects[{found.index}]` in the policy "
                "if the customer expects otherwise",
                subject=subject(persona=found.persona, expects=found.index, campaign=record.id),
            )

    def advice(self, found: Broken, record: CampaignRecord) -> tuple[YamlPath, str]:
        """Where the finding sits in ``record``'s campaign, and what to change there."""
        raise NotImplementedError


def broken(
    records: Sequence[CampaignRecord], ctx: RuleContext[Any], kinds: Sequence[str]
) -> list[tuple[Broken, CampaignRecord]]:
    """The broken expectations of ``kinds`` of every persona of the policy, with the record responsible.

    FRQ005 and TIM005 both judge on each persona's timeline: it is drawn
    once per portfolio pass (``ctx.computed``) and shared by the two.
    """
    policy = ctx.policy
    wanted = {
        name: entry for name, entry in policy.personas.items() if any(kind(e) in kinds for e in entry.expects)
    }
    if not wanted:
        return []
    senders = [r.sender for r in records if r.sender is not None]
    by_path = {r.path: r for r in records}
    feedback = frozenset(s.path for s in senders if s.feedback)
    # What a timeline is drawn from, besides the persona: the policy of the pass and these campaigns.
    inputs = (id(policy), tuple(s.path for s in senders))
    out = []
    for name, entry in wanted.items():
        timeline, dated = ctx.computed(
            ("persona-timeline", name, inputs), functools.partial(drawn, name, entry, policy, senders)
        )
        for found in judge(entry.expects, timeline, dated, feedback, kinds):
            out.append((found, by_path[found.path]))
    return out


def drawn(
    name: str, entry: PersonaDef, policy: PolicyView, senders: Sequence[Sender]
) -> tuple[Timeline, bool]:
    """The timeline of the policy's persona ``name`` (``timeline_for``), and whether its days are dates."""
    from campaign_lint.policies.personas import from_policy  # only to draw (module docstring)

    return timeline_for(senders, from_policy(name, entry, policy, senders), policy)


class Broken(Slotted):
    """An expectation the timeline breaks, and the campaign responsible."""

    __slots__ = ("persona", "index", "kind", "path", "message", "minute")
    persona: Final[str]
    index: Final[int]  # of the expectation in the persona's ``expects``
    kind: Final[str]  # ``at_most``, ``min_gap``, ``never`` or ``quiet``
    path: Final[str]  # the campaign responsible
    message: Final[str]
    minute: Final[int]  # of the timeline, of the message that breaks it

    def __init__(self, persona: str, index: int, kind: str, path: str, message: str, minute: int = 0) -> None:
        self.persona = persona
        self.index = index
        self.kind = kind
        self.path = path
        self.message = message
        self.minute = minute


def kind(expectation: PersonaExpectation) -> str:
    """Which of the four kinds ``expectation`` is."""
    return next(
        name for name in ("at_most", "never", "quiet", "min_gap") if getattr(expectation, name) is not None
    )


def timeline_for(senders: Sequence[Sender], persona: Persona, policy: PolicyView) -> tuple[Timeline, bool]:
    """The persona's timeline from its journey's day 0, and whether that day is a real date (schedules)."""
    from campaign_lint.policies.timeline import localised, simulate  # only to draw (module docstring)

    senders = localised(senders, persona.timezone)  # the schedules' days on the persona's clock
    scheduled = [s for s in senders if s.event is None and s.start is not None]
    start, dated = NO_DATE, False
    if scheduled:
        first = min(s.start for s in scheduled if s.start is not None) // DAY
        last = max((s.end if s.end is not None else s.start) for s in scheduled if s.start is not None) // DAY
        quiet = persona.replace(journey=())
        days = last - first + 8
        seen = simulate(scheduled, quiet, date.fromordinal(first), days, policy).messages
        if seen:
            per_day = Counter(m.day for m in seen)
            busiest = max(range(days), key=lambda d: (sum(per_day[d + k] for k in range(7)), -d))
            start, dated = date.fromordinal(first + busiest), True
    span = (persona.journey[-1][1] // DAY if persona.journey else 0) + FOLLOW_DAYS
    return simulate(senders, persona, start, span, policy), dated


def judge(
    expects: Sequence[PersonaExpectation],
    timeline: Timeline,
    dated: bool,
    feedback: frozenset[str],
    kinds: Sequence[str] = COUNTS + TIMING,
) -> list[Broken]:
    """Every broken expectation of ``expects`` of ``kinds`` on ``timeline`` (``feedback``: paths of feedback requests).

    Each rule judges only its own kinds: FRQ005 and TIM005 both call ``broken``.
    """
    name = timeline.persona.name
    events: dict[str, int] = {}
    for event, minute in timeline.persona.journey:
        events.setdefault(event, minute)

    def when(message: Message) -> str:
        day = f"day {message.day}"
        if dated:
            day += f" ({timeline.date_of(message.minute)})"
        return f"{day} at {message.time}" + (f" {zone} time" if zone else "")

    zone = timeline.persona.timezone

    found: list[Broken] = []
    for index, expectation in enumerate(expects):
        what = kind(expectation)
        if what not in kinds:
            continue
        chosen = [
            m for m in timeline.messages if expectation.channels is None or m.channel in expectation.channels
        ]
        for message, text in _broken(expectation, what, chosen, events, feedback, when):
            found.append(
                Broken(name, index, what, message.path, f"the `{name}` customer {text}", message.minute)
            )
    return found


def _broken(
    expectation: PersonaExpectation,
    what: str,
    messages: list[Message],
    events: dict[str, int],
    feedback: frozenset[str],
    when: Callable[[Message], str],
) -> list[tuple[Message, str]]:
    """(message, what happens to the customer) for each campaign that breaks ``expectation``, first only."""
    out: list[tuple[Message, str]] = []
    seen: set[str] = set()

    def once(message: Message, text: str) -> None:
        if message.path not in seen:
            seen.add(message.path)
            out.append((message, text))

    if what == "at_most":
        assert expectation.at_most is not None
        assert expectation.within is not None
        most, per = expectation.at_most, max(1, expectation.within.seconds // 60)
        words = expectation.within.words()
        if expectation.after is not None:
            start = events.get(expectation.after)
            if start is None:
                return out
            inside = [m for m in messages if start <= m.minute < start + per]
            if len(inside) > most:
                over = inside[most]
                once(
                    over,
                    f"gets message {most + 1} within {words} after `{expectation.after}`: "
                    f"`{over.campaign}` on {when(over)}; at most {most} are expected",
                )
            return out
        left = 0
        for right, message in enumerate(messages):
            while messages[left].minute <= message.minute - per:
                left += 1
            if right - left + 1 > most:
                once(
                    message,
                    f"gets message {right - left + 1} within {words}: `{message.campaign}` on {when(message)}; at most {most} are expected",
                )
        return out
    if what == "min_gap":
        assert expectation.min_gap is not None
        gap = expectation.min_gap.seconds // 60
        for before, message in pairwise(messages):
            if message.minute - before.minute < gap:
                once(
                    message,
                    f"gets `{message.campaign}` on {when(message)}, {_minutes(message.minute - before.minute)} after "
                    f"`{before.campaign}`; at least {expectation.min_gap.words()} apart are expected",
                )
        return out
    if what == "never":
        assert expectation.before is not None
        until = events.get(expectation.before)
        for message in messages:
            counted = (
                message.path in feedback
                if expectation.never == "feedback"
                else not message.transactional or expectation.never == "message"
            )
            if (until is None or message.minute < until) and counted:
                moment = "the journey never reaches it" if until is None else f"happens on day {until // DAY}"
                label = {"feedback": "a feedback request", "marketing": "a marketing message"}.get(
                    str(expectation.never), "a message"
                )
                once(
                    message,
                    f"gets {label} before `{expectation.before}` ({moment}): `{message.campaign}` on {when(message)}",
                )
        return out
    quiet = expectation.quiet
    assert quiet is not None
    start, end = quiet.start.minutes, quiet.end.minutes
    for message in messages:
        of_day = message.minute % DAY
        if start <= of_day < end if start <= end else (of_day >= start or of_day < end):
            once(
                message,
                f"gets `{message.campaign}` on {when(message)}, inside the quiet hours {quiet.start}-{quiet.end}",
            )
    return out


def _minutes(minutes: int) -> str:
    """``3 hours``, ``90 minutes``, ``0 minutes``."""
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def words(expectation: PersonaExpectation) -> str:
    """The expectation as the marketer wrote it, in words: ``at most 4 messages within 7 days after `order.placed```."""
    what = kind(expectation)
    if what == "at_most":
        assert expectation.within is not None
        text = f"at most {expectation.at_most} messages within {expectation.within.words()}"
        if expectation.after is not None:
            text += f" after `{expectation.after}`"
    elif what == "min_gap":
        assert expectation.min_gap is not None
        text = f"at least {expectation.min_gap.words()} between two messages"
    elif what == "never":
        label = {"feedback": "feedback request", "marketing": "marketing message"}.get(
            str(expectation.never), "message"
        )
        text = f"no {label} before `{expectation.before}`"
    else:
        assert expectation.quiet is not None
        text = f"nothing between {expectation.quiet.start} and {expectation.quiet.end}"
    if expectation.channels:
        text += f" ({', '.join(map(str, expectation.channels))})"
    return text


def verdicts_judge(
    policy: PolicyView, senders: Sequence[Sender]
) -> Callable[[Persona, Timeline], list[Verdict]] | None:
    """``simulate``'s judge of the policy's persona expectations (None when no persona has any)."""
    if not any(entry.expects for entry in policy.personas.values()):
        return None
    from campaign_lint.policies.timeline import Verdict  # only to report (module docstring)

    feedback = frozenset(s.path for s in senders if s.feedback)

    def judged(persona: Persona, timeline: Timeline) -> list[Verdict]:
        entry = policy.personas.get(persona.name)
        if entry is None or persona.builtin:
            return []
        broken_ = judge(entry.expects, timeline, True, feedback)
        out = []
        for index, expectation in enumerate(entry.expects):
            rule = "FRQ005" if kind(expectation) in COUNTS else "TIM005"
            mine = [b for b in broken_ if b.index == index]
            if not mine:
                out.append(Verdict(rule, words(expectation), True))
            out += [Verdict(rule, words(expectation), False, b.message, b.path, b.minute) for b in mine]
        return out

    return judged
