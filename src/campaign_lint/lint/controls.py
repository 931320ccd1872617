"""After every file is linted: silence what comments and exceptions cover, then let run rules judge.

Inline suppression comments silence findings on their line (or file), the
policy's ``exceptions`` waive findings of their rule for the campaigns they
name until they expire. What took effect is recorded in ``RunFacts``, and
the enabled run rules (POL001-POL003, SPEC004 on the event catalogue) judge
it: their logic lives in their rule classes (``policies/``).

The controls judge one part of the run's findings at a time (:class:`Part`):
each file's own findings with that file's comments (every finding of a file
is in it), then the portfolio rules' findings with the comments of the files
they are in. Nothing of one file's part depends on another's: an exception
has no limit of findings and the first live one that matches waives, and a
comment counts only what it silenced. So the run's lists are the parts'
lists one after another (``Ledger`` says how long each file's was), and a
patch of the replay record (``lint/patching.py``) judges only the edited
files' parts again, then the portfolio's and the run rules.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from campaign_lint.core.findings import Finding, Severity
from campaign_lint.core.slotted import Mutable
from campaign_lint.core.suppressions import Suppression
from campaign_lint.lint.config import Settings
from campaign_lint.lint.report import Ledger, Share
from campaign_lint.policies.base import RuleContext, RunFacts, RunRule, placed_finding
from campaign_lint.policies.registry import RULES
from campaign_lint.schemas.policy import Waiver

_NONE: frozenset[int] = frozenset()


class Controlled(Mutable):
    """The run's findings after the controls: kept (with the run rules' own), and silenced with why.

    ``tail``: how many of them are the portfolio findings' part (kept, silenced
    by a comment, waived) and the run rules' findings; ``ledger``: that, and
    what each file's part came to (see the module docstring).
    """

    __slots__ = ("kept", "silenced", "tail", "ledger")
    kept: list[Finding]
    silenced: list[tuple[Finding, str]]
    tail: tuple[int, int, int, int]
    ledger: Ledger | None

    def __init__(
        self,
        kept: list[Finding] | None = None,
        silenced: list[tuple[Finding, str]] | None = None,
        tail: tuple[int, int, int, int] = (0, 0, 0, 0),
        ledger: Ledger | None = None,
    ) -> None:
        self.kept = [] if kept is None else kept
        self.silenced = [] if silenced is None else silenced
        self.tail = tail
        self.ledger = ledger


class Part(Mutable):
    """One part of the run's findings after the comments and the exceptions."""

    __slots__ = ("kept", "inline", "waived", "exceptions")
    kept: list[Finding]
    # Silenced by a suppression comment, then waived by an exception, each with why.
    inline: list[tuple[Finding, str]]
    waived: list[tuple[Finding, str]]
    # The indices of the policy's exceptions that waived one of them.
    exceptions: frozenset[int]

    def __init__(
        self,
        kept: list[Finding] | None = None,
        inline: list[tuple[Finding, str]] | None = None,
        waived: list[tuple[Finding, str]] | None = None,
        exceptions: frozenset[int] = _NONE,
    ) -> None:
        self.kept = [] if kept is None else kept
        self.inline = [] if inline is None else inline
        self.waived = [] if waived is None else waived
        self.exceptions = exceptions

    def share(self, display: str, comments: Sequence[Suppression]) -> Share:
        """The part as a file's share of the ledger (``comments``: the file's, marked by the part)."""
        return display, len(self.kept), len(self.inline), len(self.waived), self.exceptions, tuple(comments)


class Controls:
    """The comments and exceptions of ``settings``, applied part by part; then the run rules."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.unsuppressible = settings.unsuppressible | frozenset(settings.locked)
        today = settings.today
        # The live exceptions by rule, each rule's in the policy's order (the first that matches waives).
        self.active: dict[str, list[tuple[int, Waiver]]] = {}
        for index, waiver in enumerate(settings.exceptions):
            if today <= waiver.expires:
                self.active.setdefault(waiver.rule, []).append((index, waiver))
        self.waived = frozenset(self.active)

    def judge(self, findings: Sequence[Finding], comments: Mapping[str, Sequence[Suppression]]) -> Part:
        """The part of ``findings``, silenced by ``comments`` (by file), then waived; marks the comments used."""
        if not comments and self.waived.isdisjoint(finding.rule for finding in findings):
            return Part(list(findings))  # nothing can silence them
        part = Part()
        inline = _silence_inline(findings, comments, self.unsuppressible, part.inline)
        exceptions = _waive(inline, self.active, self.settings.exceptions, part)
        part.exceptions = frozenset(exceptions) if exceptions else _NONE
        return part

    def judge_file(self, display: str, findings: Sequence[Finding], comments: Sequence[Suppression]) -> Part:
        """The part of one file's ``findings``, silenced by its ``comments`` (marked with what they silenced)."""
        if not findings:
            return Part()
        return self.judge(findings, {display: comments} if comments else {})

    def judge_portfolio(
        self, findings: Sequence[Finding], comments: Mapping[str, Sequence[Suppression]]
    ) -> tuple[Part, dict[str, Sequence[Suppression]]]:
        """The portfolio findings' part, and ``comments`` with what they silenced too.

        The comments of the files the findings are in are copied before they
        are marked: those of ``comments`` keep what their own file's findings
        silenced (a patch reuses them: ``lint/patching.py``).
        """
        marked = dict(comments)
        for path in {finding.path for finding in findings}.intersection(comments):
            marked[path] = [comment.replace(used=set(comment.used)) for comment in comments[path]]
        return self.judge(findings, marked), marked

    def finish(
        self,
        files: Part,
        portfolio: Part,
        comments: Mapping[str, Sequence[Suppression]],
        used_overrides: Iterable[int],
    ) -> Controlled:
        """The run's lists: the ``files``' parts (one after another, see ``joined``), the ``portfolio``'s, the run rules'.

        ``comments``: every file's, marked with all they silenced (``judge_portfolio``).
        """
        kept = [*files.kept, *portfolio.kept]
        silenced = [*files.inline, *portfolio.inline, *files.waived, *portfolio.waived]
        facts = self.facts(comments, files.exceptions | portfolio.exceptions, frozenset(used_overrides))
        for rule, ctx, severity in run_rules(self.settings):
            kept.extend(placed_finding(rule, severity, placed) for placed in rule.judge(facts, ctx))
        ruled = len(kept) - len(files.kept) - len(portfolio.kept)
        return Controlled(
            kept, silenced, (len(portfolio.kept), len(portfolio.inline), len(portfolio.waived), ruled)
        )

    def facts(
        self,
        comments: Mapping[str, Sequence[Suppression]],
        used_exceptions: frozenset[int],
        used_overrides: frozenset[int],
    ) -> RunFacts:
        """What the run rules judge."""
        settings = self.settings
        return RunFacts(
            comments=comments,
            exceptions=settings.exceptions,
            used_exceptions=used_exceptions,
            overrides=tuple(entry.files for entry in settings.overrides),
            used_overrides=used_overrides,
            today=settings.today,
            known_rules=settings.known_rule_ids(),
            unsuppressible=settings.unsuppressible,
            locked=settings.locked,
            not_run=settings.dropped_by_cli,
            where=settings.where_span,
        )


def apply_controls(
    settings: Settings,
    files: Sequence[tuple[str, Sequence[Finding], Sequence[Suppression]]],
    portfolio: Sequence[Finding],
    used_overrides: Iterable[int],
) -> Controlled:
    """Silence with comments, then with exceptions; add the run rules' findings.

    ``files``: each file's display path, findings and comments, in the run's
    order; ``portfolio``: the portfolio rules' findings. The result's ledger
    has each file's share.
    """
    controls = Controls(settings)
    parts = [controls.judge_file(display, found, comments) for display, found, comments in files]
    # Each file's comments as its own findings marked them, before the portfolio's findings do.
    shares = [
        part.share(display, comments) for part, (display, _, comments) in zip(parts, files, strict=True)
    ]
    own = {display: comments for display, _, comments in files if comments}
    judged, marked = controls.judge_portfolio(portfolio, own)
    result = controls.finish(joined(parts), judged, marked, used_overrides)
    result.ledger = (shares, result.tail)
    return result


def joined(parts: Iterable[Part]) -> Part:
    """One part of ``parts`` in turn: their kept, silenced and waived findings each one after another."""
    whole = Part()
    used: set[int] = set()
    for part in parts:
        whole.kept.extend(part.kept)
        whole.inline.extend(part.inline)
        whole.waived.extend(part.waived)
        used.update(part.exceptions)
    whole.exceptions = frozenset(used)
    return whole


def unsilenced(
    settings: Settings, findings: Iterable[Finding], comments: Sequence[Suppression]
) -> list[Finding]:
    """The findings of one file that neither its comments nor the policy's exceptions silence (``check --fix``)."""
    if not comments and not settings.exceptions:
        return list(findings)
    found = list(findings)
    paths = {finding.path for finding in found}
    return Controls(settings).judge(found, dict.fromkeys(paths, comments)).kept


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
    if not comments:
        return list(findings)
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


def _waive(
    findings: list[Finding],
    active: Mapping[str, Sequence[tuple[int, Waiver]]],
    waivers: Sequence[Waiver],
    part: Part,
) -> set[int]:
    """Waive what the live exceptions ``active`` (by rule) cover (into ``part``); the indices of the exceptions used."""
    used: set[int] = set()
    for finding in findings:
        match = next((i for i, w in active.get(finding.rule, ()) if _matches(w, finding)), None)
        if match is None:
            part.kept.append(finding)
        else:
            used.add(match)
            waiver = waivers[match]
            part.waived.append((finding, f"exception until {waiver.expires}: {waiver.reason}"))
    return used


def _matches(waiver: Waiver, finding: Finding) -> bool:
    """Whether ``waiver`` names the finding's campaign (its id, or a glob on the id or the file path)."""
    for pattern in waiver.campaigns:
        if finding.campaign is not None and fnmatch.fnmatchcase(finding.campaign, pattern):
            return True
        if fnmatch.fnmatchcase(finding.path, pattern) or fnmatch.fnmatchcase(finding.path, f"*/{pattern}"):
            return True
    return False
