"""The lint engine: files in, sorted positioned findings out.

Per file: read, parse with positions (SPEC001), validate against the
campaign schema (SPEC002), run the per-campaign rules. Then the portfolio
rules see every valid campaign at once. Nothing here prints.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from campaign_lint.lint import yamlload
from campaign_lint.lint.config import Settings
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.findings import Finding, Related, Severity, Span, Violation
from campaign_lint.policies.base import (
    CampaignRecord,
    CampaignRule,
    PortfolioRule,
    PortfolioViolation,
    RuleContext,
)
from campaign_lint.policies.registry import RULES
from campaign_lint.schemas.base import strip_extensions
from campaign_lint.schemas.campaign import Campaign
from campaign_lint.schemas.messages import describe_errors

MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(slots=True)
class Report:
    """The result of a run."""

    findings: list[Finding]
    files: int
    seconds: float
    # The source lines findings point at: {path: {line number: text}}.
    sources: dict[str, dict[int, str]] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        """Number of findings of one severity."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    def failed(self, fail_on: Severity) -> bool:
        """Whether any finding is at or above ``fail_on``."""
        return any(finding.severity.rank >= fail_on.rank for finding in self.findings)


@dataclass(slots=True)
class FileOutcome:
    """What linting one file produced."""

    findings: list[Finding]
    record: CampaignRecord | None
    text: str | None


class Engine:
    """Runs the enabled rules of ``settings`` over files."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        enabled = settings.rules
        self.campaign_rules = [
            (rule(), RuleContext(settings, enabled[rule.id].options), enabled[rule.id].severity)
            for rule in RULES
            if rule.id in enabled and issubclass(rule, CampaignRule)
        ]
        self.portfolio_rules = [
            (rule(), RuleContext(settings, enabled[rule.id].options), enabled[rule.id].severity)
            for rule in RULES
            if rule.id in enabled and issubclass(rule, PortfolioRule)
        ]

    def run(self, files: Sequence[SourceFile]) -> Report:
        """Lint ``files`` and return every finding, sorted."""
        started = time.perf_counter()
        findings: list[Finding] = []
        records: list[CampaignRecord] = []
        sources: dict[str, dict[int, str]] = {}
        # Parsing allocates millions of short-lived, acyclic objects; reference
        # counting frees them, while the cyclic collector would rescan every
        # live record again and again (30% of a 10,000-file run).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for source in files:
                outcome = self.lint_file(source)
                findings.extend(outcome.findings)
                if outcome.record is not None:
                    records.append(outcome.record)
                if outcome.findings and outcome.text is not None:
                    sources[source.display] = _lines_of(outcome.text, outcome.findings)
        finally:
            if collecting:
                gc.enable()
        cross = self.portfolio(records)
        _read_missing_lines(cross, sources)
        findings.extend(cross)
        findings.sort(key=Finding.sort_key)
        return Report(findings, len(files), time.perf_counter() - started, sources)

    def _file_finding(
        self, rule: str, source: SourceFile, span: Span, message: str, hint: str | None
    ) -> list[Finding]:
        setting = self.settings.rules.get(rule)
        if setting is None:
            return []
        return [Finding(rule, setting.severity, message, source.display, span, hint=hint)]

    def lint_file(self, source: SourceFile) -> FileOutcome:
        """Lint one file: parse, validate, per-campaign rules."""
        try:
            raw = source.path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            message = f"cannot read the file ({reason})"
            return FileOutcome(
                self._file_finding("SPEC001", source, Span(1, 1, 1, 1), message, None), None, None
            )
        if len(raw) > MAX_FILE_BYTES:
            message = f"the file is {len(raw) // 1024} KiB; campaign files are limited to {MAX_FILE_BYTES // 1024} KiB"
            return FileOutcome(
                self._file_finding("SPEC001", source, Span(1, 1, 1, 1), message, None), None, None
            )
        try:
            text = yamlload.decode(raw)
            document = yamlload.load(text)
        except yamlload.YamlProblem as problem:
            found = self._file_finding("SPEC001", source, problem.span, problem.message, problem.hint)
            return FileOutcome(found, None, raw.decode("utf-8", "replace"))
        data = document.data
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            message = f"a campaign file must be a mapping of fields (`key: value`), not {kind}"
            found = self._file_finding("SPEC001", source, document.span(()), message, None)
            return FileOutcome(found, None, text)
        campaign_id = data.get("id") if isinstance(data.get("id"), str) else None
        try:
            campaign = Campaign.model_validate(
                strip_extensions(data, document.extensions) if document.extensions else data
            )
        except ValidationError as exc:
            findings = (
                [
                    Finding(
                        "SPEC002",
                        self.settings.rules["SPEC002"].severity,
                        violation.message,
                        source.display,
                        document.span(violation.path, key=violation.key),
                        campaign_id,
                        violation.hint,
                        yaml_path=violation.path,
                    )
                    for violation in describe_errors(exc.errors(), data, Campaign, "campaign")
                ]
                if "SPEC002" in self.settings.rules
                else []
            )
            return FileOutcome(findings, None, text)
        findings = []
        for rule, ctx, severity in self.campaign_rules:
            for violation in rule.check(campaign, ctx):
                findings.append(self._finding(rule.id, severity, violation, source, document, campaign.id))
        # Portfolio rules point at top-level fields; keeping only those bounds memory.
        spans = document.top_level_spans()
        return FileOutcome(findings, CampaignRecord(source.display, campaign, spans), text)

    @staticmethod
    def _finding(
        rule_id: str,
        severity: Severity,
        violation: Violation,
        source: SourceFile,
        document: yamlload.Document,
        campaign_id: str,
    ) -> Finding:
        span = document.span(violation.path, key=violation.key)
        return Finding(
            rule_id,
            severity,
            violation.message,
            source.display,
            span,
            campaign_id,
            violation.hint,
            yaml_path=violation.path,
        )

    def portfolio(self, records: Sequence[CampaignRecord]) -> list[Finding]:
        """Run the cross-campaign rules over every valid campaign."""
        ordered = sorted(records, key=lambda record: record.path)
        findings: list[Finding] = []
        for rule, ctx, severity in self.portfolio_rules:
            for violation in rule.check(ordered, ctx):
                findings.append(_portfolio_finding(rule.id, severity, violation))
        return findings


def _lines_of(text: str, findings: Sequence[Finding]) -> dict[int, str]:
    """The lines of ``text`` that ``findings`` point at."""
    wanted = {finding.span.line for finding in findings}
    lines = text.splitlines()
    return {number: lines[number - 1] for number in wanted if 0 < number <= len(lines)}


def _read_missing_lines(findings: Sequence[Finding], sources: dict[str, dict[int, str]]) -> None:
    """Portfolio findings can point at files that had no finding of their own."""
    for finding in findings:
        known = sources.setdefault(finding.path, {})
        if finding.span.line not in known:
            try:
                text = Path(finding.path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            known.update(_lines_of(text, [finding]))


def _portfolio_finding(rule_id: str, severity: Severity, violation: PortfolioViolation) -> Finding:
    at = violation.at
    related = tuple(
        Related(p.record.path, *_line_col(p.record.span(p.path)), p.message) for p in violation.related
    )
    return Finding(
        rule_id,
        severity,
        violation.message,
        at.record.path,
        at.record.span(at.path),
        at.record.campaign.id,
        violation.hint,
        related,
        at.path,
    )


def _line_col(span: Span) -> tuple[int, int]:
    return span.line, span.column
