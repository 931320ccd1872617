"""What a run produces: findings, suppressed findings, counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from campaign_lint.lint.findings import Finding, Severity


@dataclass(slots=True)
class Report:
    """The result of a run."""

    findings: list[Finding]
    files: int
    seconds: float
    # The source lines findings point at: {path: {line number: text}}.
    sources: dict[str, dict[int, str]] = field(default_factory=dict)
    # Findings silenced by inline comments or policy exceptions, with why.
    suppressed: list[tuple[Finding, str]] = field(default_factory=list)
    # Findings absorbed by `check --baseline`; None when no baseline was given.
    baselined: int | None = None
    # Display paths of the files checked (reported on), in input order.
    paths: tuple[str, ...] = ()

    def count(self, severity: Severity) -> int:
        """Number of findings of one severity."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    def failed(self, fail_on: Severity) -> bool:
        """Whether any finding is at or above ``fail_on``."""
        return any(finding.severity.rank >= fail_on.rank for finding in self.findings)
