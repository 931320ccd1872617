"""A run after a few edits answered from the replay record: the edited files linted, the rest as recorded.

The replay record (``lint/replay.py``) answers a run in which nothing
changed. After an edit of a few campaign files that no portfolio rule can
see (a comment, a reworded purpose, a finding of the file's own added or
fixed: their records' facts, ``FileOutcome.record_key``, are what they
were), every other file's findings are still those of the record, and so
are the portfolio rules' findings: only their places in the edited files
may have moved. So the record also keeps a :data:`Section`:

* the policy ``overrides`` each file matched (the record itself keeps each
  file's record digest, ``Record.keys``);
* for each file whose findings the controls can change (a suppression
  comment, or a finding of a rule the policy's exceptions name: the files
  not in ``Results.untouched``), its findings and source lines, and the rest
  of its outcome (its comments), each still pickled as the cache holds them;
* the portfolio findings before the controls, with the YAML paths of their
  related places (``portfolio.Found``).

:class:`Patch` lints the edited files with the engine's pipeline and, when
each one's record digest is the recorded one, puts their outcomes in place
of the recorded ones, re-positions the portfolio findings in them
(``portfolio.repositioned``, as a warm full run does) and applies the
controls (``lint/controls.py``) to exactly the findings, comments and
matched overrides a full run applies them to, in the same order: the
answer, and the next record, are what a full run gives. A file that is not
a valid campaign before or after, or whose facts changed (a raised cap),
gives ``None``: the full run answers. The content cache is left alone: its
entry of an edited file no longer matches the file, so the next full run
lints that file again, and its portfolio state re-positions as it does for
any edit no rule reads.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from campaign_lint.lint import pool
from campaign_lint.lint.cache import digest, file_stat
from campaign_lint.lint.controls import apply_controls
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.pipeline import FilePipeline
from campaign_lint.lint.portfolio import Found, repositioned
from campaign_lint.lint.replay import MOST_EDITED
from campaign_lint.lint.report import Results, mentions

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Cache
    from campaign_lint.lint.config import Settings
    from campaign_lint.lint.discovery import SourceFile
    from campaign_lint.lint.replay import Record, Stamp
    from campaign_lint.policies.base import CampaignRecord

# A file whose findings the controls can change: display path, its findings and lines
# pickled together, and its outcome pickled without them (``Entry.shown``, ``Entry.blob``).
Controllable = tuple[str, bytes, bytes]
# Matched overrides per file, the controllable files in file order, the portfolio findings
# (see the module docstring; the record digests are the record's own, ``Record.keys``).
Section = tuple[dict[str, tuple[int, ...]], list[Controllable], list[Found]]


def section(
    cache: Cache, results: Results, files: Sequence[SourceFile], waived: frozenset[str]
) -> Section | None:
    """What a patch needs of the full run that produced ``results`` with ``cache``; ``None`` when it cannot have it.

    ``waived``: the rules the policy's exceptions name. A run that linted
    most files (a cold one) passed them all through the controls: a patch
    of its record would unpickle every one, so it gets none, and the next
    full run, taking them from the cache, records one worth patching.
    """
    state = cache.portfolio_state
    entries = [cache.entries.get(source.display) for source in files]
    if state is None or any(entry is None for entry in entries):
        return None
    if state[0] is None and any(entry is not None and entry.record_key is not None for entry in entries):
        return None  # portfolio findings not remembered by digest: nothing to re-position
    untouched = {display for display, _, _ in results.untouched}
    overrides: dict[str, tuple[int, ...]] = {}
    controllable: list[Controllable] = []
    needless = 0  # files passed through the controls that no control can change
    for source, entry in zip(files, entries, strict=True):
        assert entry is not None
        if entry.overrides:
            overrides[source.display] = entry.overrides
        if source.display not in untouched:
            controllable.append((source.display, entry.shown, entry.blob))
            needless += entry.untouched(waived)
    if needless > MOST_EDITED:
        return None
    found = [pair for remembered in state[1].values() for _, pairs in remembered.values() for pair in pairs]
    return overrides, controllable, found


def valid_section(value: object) -> Section | None:
    """``value`` read back from a record, if it has the shape of a :data:`Section`."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    overrides, controllable, found = value
    if not (isinstance(overrides, dict) and isinstance(controllable, list) and isinstance(found, list)):
        return None
    return overrides, controllable, found


class Patch:
    """The edited files of a recorded run, linted under ``settings``, and the results patched with them."""

    def __init__(self, settings: Settings, record: Record) -> None:
        self.settings = settings
        self.record = record
        self.pipeline = FilePipeline(settings, digest=digest)
        self.pipeline.collect_lines = True
        # Per index in the record's files: the file linted, its outcome, its stamp.
        self.fresh: dict[int, tuple[SourceFile, FileOutcome, Stamp]] = {}

    def lint(self, sources: Mapping[int, SourceFile]) -> bool:
        """Lint the files ``sources`` (by index); whether each one's record digest is the recorded one.

        False for a file gone, unread, not a valid campaign before or after,
        or whose facts changed: a full run answers.
        """
        indices, files = list(sources), list(sources.values())
        stats = [file_stat(source.location) for source in files]  # before reading, as the cache stamps
        outcomes = pool.outcomes(self.pipeline, files, 1)
        for index, source, info, outcome in zip(indices, files, stats, outcomes, strict=True):
            key = self.record.key(index)
            if info is None or outcome.content is None or key is None or outcome.record_key != key:
                return False
            stamp = (source.location, info.st_size, info.st_mtime_ns, time.time_ns(), outcome.content)
            self.fresh[index] = (source, outcome, stamp)
        return True

    def results(
        self, recorded: Results, part: Section, displays: Sequence[str]
    ) -> tuple[Results, Section, dict[int, Stamp]]:
        """``recorded`` with the linted files' outcomes in place of theirs, the next section, their stamps.

        ``displays``: the display paths of the run's files, in order.
        """
        overrides, controllable, found = part
        fresh: dict[str, Controllable | None] = {}
        records: dict[str, CampaignRecord] = {}
        matched = dict(overrides)
        waived = frozenset(waiver.rule for waiver in self.settings.exceptions)
        linted = {source.display for source, _, _ in self.fresh.values()}
        untouched = [entry for entry in recorded.untouched if entry[0] not in linted]
        for source, outcome, _ in self.fresh.values():
            assert outcome.record is not None
            records[source.display] = outcome.record
            pickled = _pickled(source.display, outcome)
            fresh[source.display] = pickled
            if not outcome.comments and waived.isdisjoint(finding.rule for finding in outcome.findings):
                # No control can change its findings: passed on pickled, as a warm full run does.
                untouched.append((source.display, mentions(outcome.findings), pickled[1]))
                fresh[source.display] = None
            matched.pop(source.display, None)
            if outcome.overrides:
                matched[source.display] = outcome.overrides
        known = {entry[0]: entry for entry in controllable}
        ordered = [
            item
            for display in displays
            if (item := fresh[display] if display in fresh else known.get(display)) is not None
        ]
        moved = repositioned(found, records)
        results = _controlled(self.settings, ordered, moved, matched)
        results.paths = recorded.paths
        results.untouched = untouched
        stamps = {index: stamp for index, (_, _, stamp) in self.fresh.items()}
        return results, (matched, ordered, moved), stamps


def _pickled(display: str, outcome: FileOutcome) -> Controllable:
    """``outcome`` as the cache keeps it (``Cache.store``), before the controls mark its comments."""
    shown = pickle.dumps((outcome.findings, outcome.lines), protocol=pickle.HIGHEST_PROTOCOL)
    rest = replace(outcome, findings=[], lines={}, record=None, record_blob=None)
    return display, shown, pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL)


def _controlled(
    settings: Settings,
    controllable: Sequence[Controllable],
    portfolio: Sequence[Found],
    matched: Mapping[str, tuple[int, ...]],
) -> Results:
    """The controls over the controllable files' findings, then the portfolio's, as ``Engine._results`` applies them."""
    findings = []
    sources: dict[str, dict[int, str]] = {}
    comments = {}
    for display, shown, blob in controllable:
        found, lines = pickle.loads(shown)  # the signed record's bytes (lint/replay.py)
        outcome: FileOutcome = pickle.loads(blob)
        findings.extend(found)
        if lines:
            sources[display] = lines
        if outcome.comments:
            comments[display] = outcome.comments
    findings.extend(finding for finding, _ in portfolio)
    used = {index for indices in matched.values() for index in indices}
    controlled = apply_controls(settings, findings, comments, used)
    return Results(controlled.kept, controlled.silenced, sources, ())
