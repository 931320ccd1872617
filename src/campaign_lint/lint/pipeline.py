"""The per-file pipeline: one campaign file in, its findings and portfolio record out.

Read the bytes, parse with positions (SPEC001), validate against the campaign
schema (SPEC002), run the campaign rules, the organisation's schema
constraints (SPEC005) and custom rules, and keep the compact record the
portfolio rules read. Runs in the main process or in a worker
(``lint/pool.py``); nothing here prints or writes.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from campaign_lint.core import yamlload
from campaign_lint.core.findings import Finding, Severity, Span, Violation
from campaign_lint.core.suppressions import parse as parse_comments
from campaign_lint.lint.config import Settings
from campaign_lint.lint.derived import policy_data
from campaign_lint.lint.discovery import MAX_FILE_BYTES, OUTSIDE_HINT, OUTSIDE_MESSAGE, SourceFile
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.overrides import RuleSets
from campaign_lint.lint.report import lines_of
from campaign_lint.policies.base import PORTFOLIO_FIELDS, portfolio_view
from campaign_lint.policies.spec import SPEC001, SPEC002, SPEC005
from campaign_lint.schemas.base import strip_extensions
from campaign_lint.schemas.campaign import Campaign
from campaign_lint.schemas.messages import describe_errors


class FilePipeline:
    """Lints one file at a time under ``settings``.

    ``digest`` (set by the engine when there is a cache) makes each outcome
    carry the content digest of the bytes linted; ``collect_lines`` makes it
    carry the source lines its findings point at (for a text report, the
    cache and the replay record).
    """

    def __init__(self, settings: Settings, *, digest: Callable[[bytes], bytes] | None = None) -> None:
        self.settings = settings
        self.digest = digest
        self.collect_lines = True
        self.rule_sets = RuleSets(settings)
        self.custom: Any = None
        if settings.custom_rules:
            from campaign_lint.policies.custom import Evaluator, compile_rules

            compiled = compile_rules(settings.custom_rules, settings.where_text)
            self.custom = Evaluator(compiled, policy_data(settings))
        self.constraints: Any = None
        if settings.schema is not None:
            from campaign_lint.policies.constraints import SchemaConstraints

            self.constraints = SchemaConstraints(settings.schema, settings.where_text)

    def lint_file(self, source: SourceFile) -> FileOutcome:
        """Lint one file: parse, validate, per-campaign rules."""
        try:
            return self._lint_file(source)
        except Exception as exc:
            # Survives pickling from a worker; the CLI names the file in its bug message.
            exc.add_note(f"while checking {source.display}")
            raise

    def _lint_file(self, source: SourceFile) -> FileOutcome:
        if source.outside:
            # Never read: its target may be anything on the machine (/proc/self/environ).
            found = self._file_finding(source, Span(1, 1, 1, 1), OUTSIDE_MESSAGE, OUTSIDE_HINT)
            return FileOutcome(found, None, {}, [])
        try:
            raw = source.read()
        except OSError as exc:
            message = f"cannot read the file ({exc.strerror or type(exc).__name__})"
            return FileOutcome(self._file_finding(source, Span(1, 1, 1, 1), message, None), None, {}, [])
        outcome = self._lint_bytes(source, raw)
        if self.digest is not None:
            outcome.content = self.digest(raw)
            if outcome.record is not None:
                # What portfolio groups are remembered by (lint/portfolio.py), made here in the worker.
                outcome.record_key = self.digest(
                    pickle.dumps(outcome.record.facts(), pickle.HIGHEST_PROTOCOL)
                )
        return outcome

    def lint_bytes(self, source: SourceFile, raw: bytes) -> FileOutcome:
        """Lint ``raw`` as the content of ``source`` (``check --fix`` lints a file's text before writing it)."""
        return self._lint_bytes(source, raw)

    def _lines(self, text: str, findings: list[Finding]) -> dict[int, str]:
        return lines_of(text, findings) if self.collect_lines else {}

    def _file_finding(self, source: SourceFile, span: Span, message: str, hint: str | None) -> list[Finding]:
        """A SPEC001 finding (the file cannot be read as a campaign), when SPEC001 is on."""
        setting = self.settings.rules.get(SPEC001.id)
        if setting is None:
            return []
        return [Finding(SPEC001.id, setting.severity, message, source.display, span, hint=hint)]

    def _lint_bytes(self, source: SourceFile, raw: bytes) -> FileOutcome:
        if len(raw) > MAX_FILE_BYTES:
            # Reading stopped past the limit: the size is the file's own.
            message = f"the file is {_size(source, len(raw)) // 1024} KiB; campaign files are limited to {MAX_FILE_BYTES // 1024} KiB"
            return FileOutcome(self._file_finding(source, Span(1, 1, 1, 1), message, None), None, {}, [])
        try:
            text = yamlload.decode(raw)
            document = yamlload.load(text)
        except yamlload.YamlProblem as problem:
            found = self._file_finding(source, problem.span, problem.message, problem.hint)
            shown = raw.decode("utf-8", "replace")
            return FileOutcome(found, None, self._lines(shown, found), parse_comments(shown))
        comments = parse_comments(text)
        data = document.data
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            message = f"a campaign file must be a mapping of fields (`key: value`), not {kind}"
            found = self._file_finding(source, document.span(()), message, None)
            return FileOutcome(found, None, self._lines(text, found), comments)
        chosen = self.rule_sets.for_file(source.location)
        rules = chosen.settings
        campaign_id = data.get("id") if isinstance(data.get("id"), str) else None
        try:
            campaign = Campaign.model_validate(
                strip_extensions(data, document.extensions) if document.extensions else data
            )
        except ValidationError as exc:
            findings = []
            if SPEC002.id in rules:
                severity = rules[SPEC002.id].severity
                for violation in describe_errors(exc.errors(), data, Campaign, "campaign"):
                    findings.append(_finding(SPEC002.id, severity, violation, source, document, campaign_id))
            return FileOutcome(findings, None, self._lines(text, findings), comments, chosen.matched)
        findings = []
        for rule, ctx, severity in chosen.campaign_rules:
            for violation in rule.check(campaign, ctx):
                findings.append(_finding(rule.id, severity, violation, source, document, campaign.id))
        if self.constraints is not None and SPEC005.id in rules:
            severity = rules[SPEC005.id].severity
            for violation in self.constraints.check(data):
                findings.append(_finding(SPEC005.id, severity, violation, source, document, campaign.id))
        if self.custom is not None:
            for custom_rule, violation in self.custom.check(data):
                if custom_rule.id in rules:
                    severity = rules[custom_rule.id].severity
                    findings.append(
                        _finding(custom_rule.id, severity, violation, source, document, campaign.id)
                    )
        record = portfolio_view(
            source.display, campaign, document.top_level_spans(PORTFOLIO_FIELDS), self.settings.view
        )
        return FileOutcome(findings, record, self._lines(text, findings), comments, chosen.matched)


def _size(source: SourceFile, read: int) -> int:
    """The size of ``source``'s file, at least the ``read`` bytes read of it."""
    try:
        return max(read, os.stat(source.location).st_size)
    except OSError:
        return read


def _finding(
    rule_id: str,
    severity: Severity,
    violation: Violation,
    source: SourceFile,
    document: yamlload.Document,
    campaign_id: str | None,
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
        fix=violation.fix,
    )
