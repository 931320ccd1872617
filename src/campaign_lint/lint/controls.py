"""After every file is linted: silence what comments and exceptions cover, then let run rules judge.

Inline suppression comments silence findings on their line (or file), the
policy's ``exceptions`` waive findings of their rule for the campaigns they
name until they expire. What took effect is recorded in ``RunFacts``, and
the enabled run rules (POL001-POL003, SPEC004 on the event catalogue) judge
it: their logic lives in their rule classes (``policies/``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from campaign_lint.core.findings import Finding, Severity
from campaign_lint.core.suppressions import Suppression
from campaign_lint.lint.config import Settings
from campaign_lint.policies.base import RuleContext, RunFacts, RunRule, placed_finding
from campaign_lint.policies.registry import RULES
from campaign_lint.schemas.policy import Waiver


@dataclass(slots=True)
class Controlled:
    """The run's findings after the controls: kept (with the run rules' own), and silenced with why."""

    kept: list[Finding] = field(default_factory=list)
    silenced: list[tuple[Finding, str]] = field(default_factory=list)


def apply_controls(
    settings: Settings,
    findings: Iterable[Finding],
    comments: Mapping[str, Sequence[Suppression]],
    used_overrides: Iterable[int],
) -> Controlled:
    """Silence with comments, then with exceptions; add the run rules' findings."""
    result = Controlled()
    unsuppressible = settings.unsuppressible | frozenset(settings.locked)
    inline = _silence_inline(findings, comments, unsuppressible, result.silenced)
    used_exceptions = _waive(inline, settings.exceptions, settings.today, result)
    facts = RunFacts(
        comments=comments,
        exceptions=settings.exceptions,
        used_exceptions=frozenset(used_exceptions),
        overrides=tuple(entry.files for entry in settings.overrides),
        used_overrides=frozenset(used_overrides),
        today=settings.today,
        known_rules=settings.known_rule_ids(),
        unsuppressible=settings.unsuppressible,
        locked=settings.locked,
        not_run=settings.dropped_by_cli,
        where=settings.where_span,
    )
    for rule, ctx, severity in run_rules(settings):
        result.kept.extend(placed_finding(rule, severity, placed) for placed in rule.judge(facts, ctx))
    return result


def unsilenced(
    settings: Settings, findings: Iterable[Finding], comments: Sequence[Suppression]
) -> list[Finding]:
    """The findings of one file that neither its comments nor the policy's exceptions silence (``check --fix``)."""
    if not comments and not settings.exceptions:
        return list(findings)
    unsuppressible = settings.unsuppressible | frozenset(settings.locked)
    found = list(findings)
    paths = {finding.path for finding in found}
    inline = _silence_inline(found, dict.fromkeys(paths, comments), unsuppressible, [])
    result = Controlled()
    _waive(inline, settings.exceptions, settings.today, result)
    return result.kept


def run_rules(settings: Settings) -> list[tuple[RunRule[Any], RuleContext[Any], Severity]]:
    """The enabled run rules, in catalogue order, ready to judge."""
    rules = settings.rules
    return [
        (rule(), RuleContext(settings.view, rules[rule.id].options), rules[rule.id].severity)
        for rule in RULES
        if rule.id in rules and issubclass(rule, RunRule)
    ]


def _silence_inline(
    findings: Iterable[Finding],
    comments: Mapping[str, Sequence[Suppression]],
    unsuppressible: frozenset[str],
    silenced: list[tuple[Finding, str]],
) -> list[Finding]:
    """Findings no valid comment covers; the covered go to ``silenced`` and mark their comment used.

    A comment without a reason, or naming an unsuppressible or locked rule,
    silences nothing; findings about the policy itself (POL) are never silenced.
    """
    kept = []
    for finding in findings:
        reason = None
        if not finding.rule.startswith("POL"):
            for comment in comments.get(finding.path, ()):
                if comment.covers(finding) and comment.reason and finding.rule not in unsuppressible:
                    comment.used.add(finding.rule)
                    reason = f"inline: {comment.reason}"
                    break
        if reason is None:
            kept.append(finding)
        else:
            silenced.append((finding, reason))
    return kept


def _waive(findings: list[Finding], waivers: Sequence[Waiver], today: date, result: Controlled) -> set[int]:
    """Waive what live exceptions cover (into ``result``); the indices of the exceptions used."""
    used: set[int] = set()
    active = [(index, waiver) for index, waiver in enumerate(waivers) if today <= waiver.expires]
    for finding in findings:
        match = next((i for i, w in active if w.rule == finding.rule and _matches(w, finding)), None)
        if match is None:
            result.kept.append(finding)
        else:
            used.add(match)
            waiver = waivers[match]
            result.silenced.append((finding, f"exception until {waiver.expires}: {waiver.reason}"))
    return used


def _matches(waiver: Waiver, finding: Finding) -> bool:
    """Whether ``waiver`` names the finding's campaign (its id, or a glob on the id or the file path)."""
    for pattern in waiver.campaigns:
        if finding.campaign is not None and fnmatch.fnmatchcase(finding.campaign, pattern):
            return True
        if fnmatch.fnmatchcase(finding.path, pattern) or fnmatch.fnmatchcase(finding.path, f"*/{pattern}"):
            return True
    return False
