"""The policy's ``exceptions``: reviewed, expiring waivers of one rule for some campaigns.

A waiver silences its rule's findings for the campaigns it names (by id, or
by a glob on the id or the file path) until the end of its ``expires`` day.
From 14 days before, POL001 warns; after, the findings come back and POL001
is an error on the waiver. A waiver that silences nothing is POL002.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from campaign_lint.core.findings import Finding, Severity, Span

if TYPE_CHECKING:
    from campaign_lint.schemas.policy import Waiver

WARN_DAYS = 14


@dataclass(slots=True)
class Outcome:
    """Findings after waivers: kept, waived (with why), and POL001/POL002 findings."""

    kept: list[Finding]
    waived: list[tuple[Finding, str]]
    problems: list[Finding]


def _matches(waiver: Waiver, finding: Finding) -> bool:
    for pattern in waiver.campaigns:
        if finding.campaign is not None and fnmatch.fnmatchcase(finding.campaign, pattern):
            return True
        if fnmatch.fnmatchcase(finding.path, pattern) or fnmatch.fnmatchcase(finding.path, f"*/{pattern}"):
            return True
    return False


def apply(
    findings: Sequence[Finding],
    waivers: Sequence[Waiver],
    *,
    today: date,
    where: dict[int, tuple[str, Span]],
    pol001: Severity | None,
    pol002: Severity | None,
    not_run: frozenset[str] = frozenset(),
) -> Outcome:
    """Waive what active waivers cover; report expiring, expired and unused waivers.

    ``where[i]`` is the policy position of waiver ``i``; POL00x severities are
    None when the rule is off.
    """
    outcome = Outcome([], [], [])
    used: set[int] = set()
    active = [(i, w) for i, w in enumerate(waivers) if today <= w.expires]
    for finding in findings:
        match = next((i for i, w in active if w.rule == finding.rule and _matches(w, finding)), None)
        if match is None:
            outcome.kept.append(finding)
        else:
            used.add(match)
            waiver = waivers[match]
            outcome.waived.append((finding, f"exception until {waiver.expires}: {waiver.reason}"))
    for index, waiver in enumerate(waivers):
        path, span = where[index]
        days = (waiver.expires - today).days
        names = ", ".join(waiver.campaigns)
        if days < 0 and pol001 is not None:
            outcome.problems.append(
                Finding(
                    "POL001",
                    pol001,
                    f"the exception to {waiver.rule} for {names} expired on {waiver.expires}; "
                    "its findings are reported again",
                    path,
                    span,
                    hint="fix the campaigns, or renew the exception with a new reason and date",
                )
            )
        elif days <= WARN_DAYS and pol001 is not None:
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            outcome.problems.append(
                Finding(
                    "POL001",
                    Severity.WARNING,
                    f"the exception to {waiver.rule} for {names} expires {when} ({waiver.expires})",
                    path,
                    span,
                    hint="fix the campaigns before then, or renew the exception",
                )
            )
        if days >= 0 and index not in used and pol002 is not None and waiver.rule not in not_run:
            outcome.problems.append(
                Finding(
                    "POL002",
                    pol002,
                    f"the exception to {waiver.rule} for {names} matches no finding",
                    path,
                    span,
                    hint="remove the stale exception",
                )
            )
    return outcome
