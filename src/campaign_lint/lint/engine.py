"""The lint engine: files in, every finding of the run out.

It runs the per-file pipeline over the files (``lint/pipeline.py``, in a
pool of workers when there are many: ``lint/pool.py``), taking unchanged
files from the cache when there is one (``lint/cache.py``); then the
portfolio rules over every valid campaign at once, and the controls
(``lint/controls.py``): suppressions, exceptions and the rules that judge
them. Nothing here prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from campaign_lint.core.findings import RELATED_KEPT, Finding, Related, Severity
from campaign_lint.core.suppressions import Suppression
from campaign_lint.lint import pool
from campaign_lint.lint.config import Settings
from campaign_lint.lint.controls import apply_controls
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.pipeline import FilePipeline
from campaign_lint.lint.report import Report, Results, narrow
from campaign_lint.policies.base import CampaignRecord, PortfolioRule, PortfolioViolation, RuleContext
from campaign_lint.policies.registry import RULES

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Cache


class Engine:
    """Runs the enabled rules of ``settings`` over files.

    Building it compiles the policy's custom rules and schema constraints, so
    a broken policy fails before any file is read. ``cache`` (optional) and
    ``collect_lines`` (whether outcomes carry the source lines their findings
    point at: only the text report shows them, and the cache and the replay
    record keep them) may be set before a run.
    """

    def __init__(self, settings: Settings, cache: Cache | None = None) -> None:
        self.settings = settings
        self.cache = cache
        self.collect_lines = True
        # Set ``keep_records`` before a run to keep every valid campaign's record in ``records``
        # (``simulate`` draws timelines from them; cached ones are unpickled only then).
        self.keep_records = False
        self.records: list[CampaignRecord] = []
        self.pipeline = FilePipeline(settings)
        self.portfolio_rules: list[tuple[PortfolioRule[Any], RuleContext[Any], Severity]] = [
            (
                rule(),
                RuleContext(settings.view, settings.rules[rule.id].options),
                settings.rules[rule.id].severity,
            )
            for rule in RULES
            if rule.id in settings.rules and issubclass(rule, PortfolioRule)
        ]

    def run(
        self,
        files: Sequence[SourceFile],
        jobs: int = 1,
        focus: Collection[str] | None = None,
        progress: Callable[[], None] | None = None,
    ) -> Report:
        """Lint ``files`` (with ``jobs`` processes) and return every finding, sorted.

        The result does not depend on ``jobs``: files are linted independently,
        gathered in input order, and the findings sorted.

        ``focus`` (display paths) narrows what is reported, not what is
        linted: every file feeds the portfolio rules, and a finding is kept
        when it or one of its related locations is in a focused file. This is
        how pre-commit and ``--changed-since`` runs stay correct about
        cross-campaign rules while only reporting on what changed.

        ``progress`` is called once per file as its result arrives.
        """
        started = time.perf_counter()
        results = self.results(files, jobs, progress)
        return narrow(results, focus, time.perf_counter() - started)

    def results(
        self, files: Sequence[SourceFile], jobs: int = 1, progress: Callable[[], None] | None = None
    ) -> Results:
        """Lint ``files`` and return what every one of them produced (``run`` without a focus)."""
        with pool.paused_collector():
            return self._results(files, jobs, progress)

    def _results(
        self, files: Sequence[SourceFile], jobs: int, progress: Callable[[], None] | None
    ) -> Results:
        findings: list[Finding] = []
        records: list[CampaignRecord] = []
        stored: list[bytes] = []
        portfolio_key: list[tuple[str, bytes | None]] = []
        sources: dict[str, dict[int, str]] = {}
        comments: dict[str, list[Suppression]] = {}
        used_overrides: set[int] = set()
        for source, outcome in zip(files, self._outcomes(files, jobs), strict=True):
            findings.extend(outcome.findings)
            if outcome.record is not None:
                records.append(outcome.record)
                portfolio_key.append((source.display, outcome.content))
            elif outcome.record_blob is not None:
                stored.append(outcome.record_blob)
                portfolio_key.append((source.display, outcome.content))
            if outcome.lines:
                sources[source.display] = outcome.lines
            if outcome.comments:
                comments[source.display] = outcome.comments
            used_overrides.update(outcome.overrides)
            if progress is not None:
                progress()
        if self.keep_records:
            self.records = list(records)
            if stored:
                from campaign_lint.lint.cache import stored_records

                self.records += stored_records(stored)
        if self.cache is None:
            findings.extend(self.portfolio(records))
        else:
            findings.extend(self.cache.portfolio(portfolio_key, records, stored, self.portfolio))
            del records, stored  # the portfolio rules were their last use: freed before saving
            # Saved before the controls: they mark comments as used.
            self.cache.forget_missing({source.display for source in files})
            self.cache.save()
        controlled = apply_controls(self.settings, findings, comments, used_overrides)
        return Results(
            controlled.kept, controlled.silenced, sources, tuple(source.display for source in files)
        )

    def _outcomes(self, files: Sequence[SourceFile], jobs: int) -> Iterator[FileOutcome]:
        """Outcomes in input order: from the cache when the file is unchanged, else linted."""
        cache = self.cache
        pipeline = self.pipeline
        pipeline.collect_lines = self.collect_lines
        if cache is None:
            # No cache, no content digest (a blake2b of every file) and no import of the cache module.
            pipeline.digest = None
            yield from pool.outcomes(pipeline, files, jobs)
            return
        from campaign_lint.lint.cache import digest, file_stat

        pipeline.digest = digest
        known = [cache.lookup(source) for source in files]
        misses = [source for source, outcome in zip(files, known, strict=True) if outcome is None]
        stats = {source.display: file_stat(source.location) for source in misses}
        fresh = pool.outcomes(pipeline, misses, jobs)
        for source, outcome in zip(files, known, strict=True):
            if outcome is None:
                outcome = next(fresh)
                cache.store(source, outcome, stats[source.display])
            yield outcome

    def portfolio(self, records: Sequence[CampaignRecord]) -> list[Finding]:
        """Run the cross-campaign rules over every valid campaign."""
        ordered = sorted(records, key=lambda record: record.path)
        findings: list[Finding] = []
        for rule, ctx, severity in self.portfolio_rules:
            try:
                for violation in rule.check(ordered, ctx):
                    findings.append(_portfolio_finding(rule.id, severity, violation))
            except Exception as exc:
                exc.add_note(f"while checking the portfolio ({rule.id})")
                raise
        return findings


def _portfolio_finding(rule_id: str, severity: Severity, violation: PortfolioViolation) -> Finding:
    """The finding of ``violation``, with at most ``RELATED_KEPT`` related places (the rest counted)."""
    at = violation.at
    pointers = violation.related
    omitted = violation.related_omitted
    involved = violation.involved
    if len(pointers) > RELATED_KEPT:  # FRQ003 and FRQ004 list every campaign they add up
        involved = involved.union(p.record.path for p in pointers)
        omitted += len(pointers) - RELATED_KEPT
        pointers = pointers[:RELATED_KEPT]
    related = tuple(
        Related(p.record.path, p.record.span(p.path).line, p.record.span(p.path).column, p.message)
        for p in pointers
    )
    return Finding(
        rule_id,
        severity,
        violation.message,
        at.record.path,
        at.record.span(at.path),
        at.record.id,
        violation.hint,
        related,
        at.path,
        omitted,
        involved,
        violation.subject,
    )
