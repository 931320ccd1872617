"""Inline suppression comments in campaign files.

``# campaign-lint: disable=FRQ002,AUD001 -- reason`` silences those rules on
the line it is written on; ``# campaign-lint: disable-file=MET002 -- reason``
silences a rule in the whole file. A suppression needs a reason, must name
known rules the policy allows to be suppressed, and must silence something:
otherwise it is itself a POL003 finding (and a suppression without a reason,
or of an unsuppressible rule, silences nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from campaign_lint.core.findings import Finding, Severity, Span
from campaign_lint.core.pickling import by_fields

_MARK = "campaign-lint:"
_COMMENT = re.compile(
    r"(?:^|\s)#\s*campaign-lint:\s*(?P<kind>disable-file|disable)\s*=\s*(?P<ids>[A-Za-z0-9_,\s]*?)"
    r"\s*(?:--\s*(?P<reason>.*?))?\s*$"
)


@dataclass(slots=True)
class Suppression:
    """One suppression comment."""

    line: int
    column: int
    end_column: int
    ids: tuple[str, ...]
    reason: str
    whole_file: bool
    used: set[str] = field(default_factory=set)

    __reduce__ = by_fields

    def covers(self, finding: Finding) -> bool:
        """Whether this comment names the finding's rule at the finding's place."""
        return finding.rule in self.ids and (self.whole_file or finding.span.line == self.line)


def parse(text: str) -> list[Suppression]:
    """Every suppression comment of a file (cheap when there is none)."""
    if _MARK not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _MARK not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        ids = tuple(part.strip().upper() for part in match.group("ids").split(",") if part.strip())
        start = line.index("#", match.start())
        found.append(
            Suppression(
                number,
                start + 1,
                len(line.rstrip()) + 1,
                ids,
                (match.group("reason") or "").strip(),
                match.group("kind") == "disable-file",
            )
        )
    return found


@dataclass(slots=True)
class Outcome:
    """Findings after suppression: kept, suppressed (with why), and POL003 problems."""

    kept: list[Finding]
    suppressed: list[tuple[Finding, str]]
    problems: list[Finding]


def apply(
    findings: Iterable[Finding],
    comments: dict[str, list[Suppression]],
    *,
    known: frozenset[str],
    unsuppressible: frozenset[str],
    severity: Severity | None,
    not_run: frozenset[str] = frozenset(),
) -> Outcome:
    """Silence findings covered by valid comments; report bad or unused comments.

    ``severity`` is POL003's severity, or None when POL003 is off. Rules in
    ``not_run`` (switched off by ``--select``/``--ignore``) found nothing to
    silence, so their comments are not reported as unused.
    """
    outcome = Outcome([], [], [])
    for finding in findings:
        reason = _suppressing(finding, comments.get(finding.path, ()), unsuppressible)
        if reason is None:
            outcome.kept.append(finding)
        else:
            outcome.suppressed.append((finding, reason))
    if severity is not None:
        for path, items in sorted(comments.items()):
            for comment in items:
                outcome.problems.extend(_problems(path, comment, known, unsuppressible, severity, not_run))
    return outcome


def _suppressing(
    finding: Finding, comments: Sequence[Suppression], unsuppressible: frozenset[str]
) -> str | None:
    if finding.rule.startswith("POL"):
        return None
    for comment in comments:
        if comment.covers(finding) and comment.reason and finding.rule not in unsuppressible:
            comment.used.add(finding.rule)
            return f"inline: {comment.reason}"
    return None


def _problems(
    path: str,
    comment: Suppression,
    known: frozenset[str],
    unsuppressible: frozenset[str],
    severity: Severity,
    not_run: frozenset[str],
) -> list[Finding]:
    span = Span(comment.line, comment.column, comment.line, comment.end_column)

    def problem(message: str, hint: str) -> Finding:
        return Finding("POL003", severity, message, path, span, hint=hint)

    if not comment.ids:
        return [problem("this suppression names no rule", "write `disable=RULE-ID -- reason`")]
    if not comment.reason:
        return [
            problem(
                f"suppressing {', '.join(comment.ids)} needs a reason, so it silences nothing",
                "add ` -- why this is acceptable` after the rule IDs",
            )
        ]
    result = []
    for rule_id in comment.ids:
        if rule_id not in known:
            result.append(problem(f"`{rule_id}` is not a rule", "see `campaign-lint rules`"))
        elif rule_id in unsuppressible:
            result.append(
                problem(
                    f"{rule_id} cannot be suppressed in a campaign file; the policy lists it under `unsuppressible`",
                    "fix the campaign, or ask the policy owners for an exception",
                )
            )
        elif rule_id not in comment.used and rule_id not in not_run:
            where = "in this file" if comment.whole_file else "on this line"
            result.append(
                problem(f"this suppression of {rule_id} silences nothing {where}", "remove the stale comment")
            )
    return result
