"""``simulate``: what each persona receives from the run's campaigns, day by day (prints nothing).

The campaigns are the files ``check`` lints (the same targets, the same
cache): a warm run reads no YAML, it takes each campaign's timeline view from
its cached record (``CampaignRecord.sender``). The personas are the policy's
(or the built-in ones), narrowed by ``--persona``, plus an ad-hoc one for
``--journey``; ``--timezone`` places those without a zone of their own.
Each persona's timeline (``policies/timeline.py``) is counted against the
caps (``policies/capcount.py``) over the whole period and week by week, and
judged by the customer-side assertions when a judge is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from campaign_lint.core.errors import UsageError
from campaign_lint.core.findings import Severity
from campaign_lint.core.suggest import did_you_mean
from campaign_lint.core.timezones import zone
from campaign_lint.lint.config import Settings
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.targets import Targets, resolve
from campaign_lint.policies.base import CampaignRecord
from campaign_lint.policies.capcount import CapCount, count_caps
from campaign_lint.policies.expect import verdicts_judge
from campaign_lint.policies.personas import adhoc_persona, parse_journey, personas, refusal
from campaign_lint.policies.timeline import (
    DAY,
    Persona,
    Sender,
    Timeline,
    Verdict,
    everyone_of,
    simulate,
)
from campaign_lint.policies.view import PolicyView

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Cache

# What judges a persona's timeline against its customer-side assertions.
Judge = Callable[[Persona, Timeline], Sequence[Verdict]]
# The rule whose severity decides whether a cap broken on a timeline fails the run.
CAP_RULE = "FRQ003"
MOST_DAYS = 3660


@dataclass(frozen=True, slots=True)
class Request:
    """What ``simulate`` was asked for."""

    start: date
    days: int
    # ``--persona`` names (empty: every persona, unless a journey is given).
    names: tuple[str, ...] = ()
    # ``--journey`` text and the ``--segment``s that narrow its persona.
    journey: str | None = None
    segments: tuple[str, ...] = ()
    # ``--timezone``: the zone of every persona without one of its own.
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class PersonaRun:
    """One persona's timeline and what it means against the caps and assertions."""

    persona: Persona
    timeline: Timeline
    # The worst window of each cap over every simulated day.
    caps: tuple[CapCount, ...]
    # Per week of the agenda (7 days from the first; the last may be shorter): the worst window inside it.
    weeks: tuple[tuple[CapCount, ...], ...]
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True, slots=True)
class Unreceived:
    """A valid campaign that no persona received, and why for one of them (``persona``)."""

    campaign: str
    path: str
    persona: str
    reason: str


@dataclass(slots=True)
class Read:
    """What a simulation read, for its replay record (``cli/simreplay.py``): no second look for the files or cache."""

    # The campaign files, as the run found them; None until it has.
    files: Sequence[SourceFile] | None = None
    # The content cache the run opened (None: it opened none, or linted through a session).
    cache: Cache | None = None


@dataclass(frozen=True, slots=True)
class Simulation:
    """Everything ``simulate`` shows."""

    start: date
    days: int
    runs: tuple[PersonaRun, ...]
    unreceived: tuple[Unreceived, ...]
    # Campaign files that are not valid campaigns (``check`` says why): not simulated.
    invalid: int
    failed: bool


def run_simulation(
    settings: Settings,
    paths: Sequence[Path],
    request: Request,
    *,
    jobs: int = 1,
    cache: bool = True,
    judge: Judge | None = None,
    linted: tuple[Sequence[SourceFile], Sequence[CampaignRecord]] | None = None,
    read: Read | None = None,
) -> Simulation:
    """Lint the targets of ``paths`` as ``check`` does, then draw each requested persona's timeline.

    ``linted``: the files and campaign records of a lint run the caller already
    made (``report`` lints for its findings and draws the calendars from the
    same run): nothing is looked for or read again. ``read``: filled with the
    files found and the cache opened, for the caller's replay record.
    """
    if not 1 <= request.days <= MOST_DAYS:
        raise UsageError(f"--days: {request.days} is not between 1 and {MOST_DAYS}")
    if linted is None:
        files: Sequence[SourceFile] = resolve(
            list(paths), settings.scope(), force_exclude=False, changed=None
        ).files
        if read is not None:
            read.files = files
        senders, valid = _senders(settings, files, jobs=jobs, cache=cache, read=read)
    else:
        files, records = linted
        senders = sorted((r.sender for r in records if r.sender is not None), key=lambda sender: sender.path)
        valid = len(records)
    view = settings.view
    if judge is None:  # the policy's persona expectations (FRQ005, TIM005)
        judge = verdicts_judge(view, senders)
    runs = []
    for persona in _personas(view, senders, request):
        timeline = simulate(senders, persona, request.start, request.days, view)
        weeks = tuple(
            tuple(count_caps(timeline, view, first * DAY, min(first + 7, request.days) * DAY))
            for first in range(0, request.days, 7)
        )
        verdicts = tuple(judge(persona, timeline)) if judge is not None else ()
        runs.append(PersonaRun(persona, timeline, tuple(count_caps(timeline, view)), weeks, verdicts))
    failed = any(_fails(settings, CAP_RULE) for run in runs for count in run.caps if count.over) or any(
        _fails(settings, verdict.rule) for run in runs for verdict in run.verdicts if not verdict.passed
    )
    return Simulation(
        request.start,
        request.days,
        tuple(runs),
        _unreceived(senders, runs, everyone_of(senders, view)),
        len(files) - valid,
        failed,
    )


def _senders(
    settings: Settings, files: Sequence[SourceFile], *, jobs: int, cache: bool, read: Read | None = None
) -> tuple[list[Sender], int]:
    """Every valid campaign's timeline view, by path, and how many valid campaigns there are.

    From the cache when every file is unchanged, else by linting the files
    as ``check`` does (which brings the cache up to date). A warm run thus
    neither builds the engine (which compiles the custom rules) nor reads a
    campaign file, and unpickles only the senders.
    """
    opened = None
    if cache and files:
        from campaign_lint.lint.cache import open_cache, stored_senders

        opened = open_cache(settings)
        blobs = []
        valid = 0
        for source in files:
            entry = opened.entry(source)
            if entry is None:
                break
            if entry.record is not None:
                valid += 1
                if entry.sender is not None:
                    blobs.append(entry.sender)
        else:
            opened.save()  # a file touched but unchanged: its new time is remembered
            if read is not None:
                read.cache = opened
            return sorted(stored_senders(blobs), key=lambda sender: sender.path), valid
    from campaign_lint.lint.session import Session

    session = Session(settings)
    session.opened = opened  # the run lints with the cache opened above, not a second copy
    engine = session.engine
    engine.keep_records = True
    linted = session.run(Targets(list(files), None), jobs=jobs, cache=cache, lines=False)
    if read is not None:
        read.cache = linted.cache  # brought up to date by the run
    records = engine.records
    senders = [record.sender for record in records if record.sender is not None]
    return sorted(senders, key=lambda sender: sender.path), len(records)


def _fails(settings: Settings, rule_id: str) -> bool:
    """Whether a problem of ``rule_id`` fails the run: the rule is on at or above ``fail_on``."""
    setting = settings.rules.get(rule_id)
    fail_on: Severity = settings.fail_on
    return setting is not None and setting.severity.rank >= fail_on.rank


def _personas(view: PolicyView, senders: Sequence[Sender], request: Request) -> list[Persona]:
    """The personas asked for: named ones, the ``--journey`` one, or every persona."""
    available = personas(view, senders)
    by_name = {persona.name: persona for persona in available}
    chosen = []
    for name in dict.fromkeys(request.names):
        if name not in by_name:
            where = "the policy's `personas:`" if view.personas else "the built-in personas"
            listed = ", ".join(f"`{known}`" for known in by_name)
            tip = did_you_mean(name, by_name, f"; {where} are {listed}")
            raise UsageError(f"--persona: `{name}` is not a persona{tip}")
        chosen.append(by_name[name])
    if request.segments and request.journey is None:
        raise UsageError("--segment narrows the customer of --journey; give --journey too")
    if request.journey is not None:
        try:
            steps = parse_journey(request.journey)
        except ValueError as exc:
            raise UsageError(f"--journey: {exc}") from None
        catalogue = view.events
        for event, _ in steps:
            if catalogue and event not in catalogue:
                tip = did_you_mean(event, catalogue, "; the policy's `events:` lists the events")
                raise UsageError(f"--journey: `{event}` is not an event of the catalogue{tip}")
        chosen.append(adhoc_persona(steps, view, senders, request.segments))
    chosen = chosen if chosen else available
    if request.timezone is None:
        return chosen
    try:
        zone(request.timezone)
    except ValueError as exc:
        raise UsageError(f"--timezone: {exc}") from None
    return [persona if persona.timezone else persona.replace(timezone=request.timezone) for persona in chosen]


def _unreceived(
    senders: Sequence[Sender], runs: Sequence[PersonaRun], everyone: frozenset[str]
) -> tuple[Unreceived, ...]:
    """Campaigns no persona received, each with the reason of one persona."""
    received: set[str] = set()
    for run in runs:
        received |= run.timeline.received()
    found = []
    for sender in senders:
        if sender.path in received or not runs:
            continue
        # The persona closest to receiving it: one it reaches (it sends outside the days), else the first.
        run = next((run for run in runs if sender.path in run.timeline.silent), runs[0])
        reason = run.timeline.silent.get(sender.path) or refusal(run.persona, sender, everyone) or ""
        found.append(Unreceived(sender.id, sender.path, run.persona.name, reason))
    return tuple(found)
