"""The lint engine: files in, every finding of the run out.

It runs the per-file pipeline over the files (``lint/pipeline.py``, in a
pool of workers when there are many: ``lint/pool.py``), taking unchanged
files from the cache when there is one (``lint/cache.py``); then the
portfolio rules over every valid campaign at once (checking again only the
groups of campaigns an edit touched: ``lint/portfolio.py``), and the controls
(``lint/controls.py``): suppressions, exceptions and the rules that judge
them. Nothing here prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from campaign_lint.core.findings import Finding
from campaign_lint.core.suppressions import Suppression
from campaign_lint.lint import pool, portfolio
from campaign_lint.lint.config import Settings
from campaign_lint.lint.controls import apply_controls
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.pipeline import FilePipeline
from campaign_lint.lint.portfolio import Member
from campaign_lint.lint.report import Report, Results, Untouched, narrow
from campaign_lint.policies.base import CampaignRecord

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Cache, Entry

# Files linted before a run, by location: each outcome and the file's ``stat`` taken before (``Engine.handed``).
Handed = dict[str, tuple[FileOutcome, os.stat_result]]


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
        # Files linted under these settings before the run (a patch attempt that fell back:
        # ``cli/replay.py``), by location: taken instead of linted again while they hold (``_reused``).
        self.handed: Handed = {}
        self.portfolio_rules = portfolio.rules_of(settings)

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
        # Each file passed through the controls: display path, findings, comments.
        judged: list[tuple[str, list[Finding], list[Suppression]]] = []
        members: list[Member] = []
        sources: dict[str, dict[int, str]] = {}
        used_overrides: set[int] = set()
        untouched: list[Untouched] = []
        for source, outcome in zip(files, self._outcomes(files, jobs), strict=True):
            if not isinstance(outcome, FileOutcome):
                # Unchanged, and no control can change its findings: passed on still pickled.
                display = source.display
                if outcome.record is not None:
                    members.append(Member(display, None, outcome.record, outcome.record_key, outcome.groups))
                if outcome.overrides:
                    used_overrides.update(outcome.overrides)
                untouched.append((display, outcome.mentions, outcome.shown))
                if progress is not None:
                    progress()
                continue
            judged.append((source.display, outcome.findings, outcome.comments))
            if outcome.record is not None or outcome.record_blob is not None:
                members.append(
                    Member(
                        source.display,
                        outcome.record,
                        outcome.record_blob,
                        outcome.record_key,
                        outcome.groups,
                    )
                )
            if outcome.lines:
                sources[source.display] = outcome.lines
            used_overrides.update(outcome.overrides)
            if progress is not None:
                progress()
        cache = self.cache
        found, state, changed = portfolio.check(
            self.portfolio_rules, members, cache.portfolio_state if cache is not None else None
        )
        if self.keep_records:
            self.records = [member.load() for member in members]
        del members  # the portfolio rules were their last use: freed before saving
        if cache is not None:
            cache.keep_state(state, changed)
            # Saved before the controls: they mark comments as used.
            cache.forget_missing({source.display for source in files})
            cache.save()
        controlled = apply_controls(self.settings, judged, found, used_overrides)
        return Results(
            controlled.kept,
            controlled.silenced,
            sources,
            tuple(source.display for source in files),
            untouched,
            controlled.ledger,
        )

    def _outcomes(self, files: Sequence[SourceFile], jobs: int) -> Iterator[FileOutcome | Entry]:
        """Outcomes in input order: from the cache when the file is unchanged, else linted.

        An unchanged file whose findings no control can change (``Entry.untouched``)
        comes as its cache entry, nothing unpickled.
        """
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
        waived = frozenset(waiver.rule for waiver in self.settings.exceptions)
        known: list[FileOutcome | Entry | None] = [
            None if entry is None else entry if entry.untouched(waived) else entry.outcome()
            for entry in cache.lookup(files)
        ]
        misses = [source for source, outcome in zip(files, known, strict=True) if outcome is None]
        stats = {source.display: file_stat(source.location) for source in misses}
        reused = self._reused(misses, stats) if self.handed else {}
        fresh = pool.outcomes(pipeline, [source for source in misses if source.display not in reused], jobs)
        for source, outcome in zip(files, known, strict=True):
            if outcome is None:
                outcome = reused.get(source.display) or next(fresh)
                if outcome.record is not None:
                    outcome.groups = portfolio.groups_of(self.portfolio_rules, outcome.record)
                cache.store(source, outcome, stats[source.display])
            yield outcome

    def _reused(
        self, misses: Sequence[SourceFile], stats: Mapping[str, os.stat_result | None]
    ) -> dict[str, FileOutcome]:
        """The outcomes ``handed`` over of ``misses`` whose file is still the one linted, by display path.

        Still: the same ``stat`` (``stats``, taken now) as before it was
        linted, and the same content digest (read again: a file rewritten
        within the clock's resolution keeps its time). Taken once.
        """
        from campaign_lint.lint.cache import digest

        handed, self.handed = self.handed, {}
        reused: dict[str, FileOutcome] = {}
        for source in misses:
            found = handed.get(source.location)
            info = stats.get(source.display)
            if found is None or info is None or source.outside or source.content is not None:
                continue
            outcome, before = found
            if (info.st_size, info.st_mtime_ns, info.st_ino) != (
                before.st_size,
                before.st_mtime_ns,
                before.st_ino,
            ):
                continue
            try:
                same = digest(source.read()) == outcome.content
            except OSError:
                continue
            if same and self.pipeline.collect_lines:
                reused[source.display] = outcome
        return reused

    def portfolio(self, records: Sequence[CampaignRecord]) -> list[Finding]:
        """Run the cross-campaign rules over every valid campaign (nothing remembered)."""
        members = [Member(record.path, record) for record in records]
        return portfolio.check(self.portfolio_rules, members, None)[0]
