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
  not in ``Results.untouched``), its share of the controls
  (``report.Share``: how many of its findings were kept, silenced by its
  comments and waived by an exception, the exceptions it used, its comments
  marked with the rules they silenced), and how long the rest of the run's
  lists are (the portfolio findings' part, the run rules' findings): the
  run's ledger (``Results.ledger``, ``lint/controls.py``);
* the portfolio findings before the controls, with the YAML paths of their
  related places (``portfolio.Found``).

:class:`Patch` lints the edited files with the engine's pipeline and
judges their findings with their comments and the policy's exceptions (``Controls.judge_file``), as a
full run judges each file's; every other file's kept and silenced findings
are cut from the recorded lists where the ledger places them, without
unpickling anything more than the record's results. Then the portfolio
findings, re-positioned in the edited files (``portfolio.repositioned``, as
a warm full run does), are judged with the comments of the files they are
in, and the run rules (POL001-POL003, SPEC004) judge the recombined facts:
the comments of every file, the exceptions used by any part, the overrides
matched by any file. The lists come out in a full run's order, so the
answer, and the next record, are what a full run gives. Nothing of one
file's share depends on another file: an exception has no limit and the
first live one that names a finding waives it (the day, and with it which
exceptions expired, is the record's), and a comment silences only the
findings of its own file (a file's own findings all are in it; a portfolio
finding in another file is judged with that file's comments, again at each
patch). A record whose ledger does not add up to its lists is not patched.

A file that is not a valid campaign before or after gives ``None``: the
full run answers, and takes the outcomes linted here rather than lint those
files again (``handed``, ``Engine.handed``).

When an edited file's facts changed (a raised cap, another id: its record
digest is not the recorded one), the recorded portfolio findings no longer
hold: ``recheck`` runs the portfolio rules again as a full run would, from
what is kept for that beside the record (``lint/recheck.py``), and the next
record carries the new record digests (and the file, what the next check
needs); the
portfolio findings found again are judged as above. The content cache is
left alone: its entry of an edited file no longer matches the file, so the
next full run lints that file again, and re-positions its portfolio state
or checks it again as for any edit.
"""

from __future__ import annotations

import functools
import os
import pickle
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from campaign_lint.lint import pool
from campaign_lint.lint.cache import digest, file_stat
from campaign_lint.lint.controls import Controls, Part, joined
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.pipeline import FilePipeline
from campaign_lint.lint.portfolio import Found, remembered_found, repositioned
from campaign_lint.lint.replay import MOST_EDITED
from campaign_lint.lint.report import Results, Share, Untouched, mentions

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Cache
    from campaign_lint.lint.config import Settings
    from campaign_lint.lint.discovery import SourceFile
    from campaign_lint.lint.engine import Handed
    from campaign_lint.lint.recheck import Linted
    from campaign_lint.lint.replay import Record, Stamp
    from campaign_lint.policies.base import CampaignRecord

# Matched overrides per file; each controllable file's share of the controls, in file order;
# the portfolio findings; the counts of the rest of the run's lists (``report.Ledger``). The
# record digests are the record's own (``Record.keys``).
Section = tuple[dict[str, tuple[int, ...]], list[Share], list[Found], tuple[int, int, int, int]]


def section(
    cache: Cache, results: Results, files: Sequence[SourceFile], waived: frozenset[str]
) -> Section | None:
    """What a patch needs of the full run that produced ``results`` with ``cache``; ``None`` when it cannot have it.

    ``waived``: the rules the policy's exceptions name. A run that linted
    most files (a cold one) passed them all through the controls: its
    results hold every finding unpickled, which a patch would write again
    in its delta, so it gets none, and the next full run, taking them from
    the cache, records one worth patching.
    """
    state = cache.portfolio_state
    ledger = results.ledger
    entries = [cache.entries.get(source.display) for source in files]
    if ledger is None or state is None or any(entry is None for entry in entries):
        return None
    if state[0] is None and any(entry is not None and entry.record_key is not None for entry in entries):
        return None  # portfolio findings not remembered by digest: nothing to re-position
    untouched = {display for display, _, _ in results.untouched}
    overrides: dict[str, tuple[int, ...]] = {}
    controllable: list[str] = []
    needless = 0  # files passed through the controls that no control can change
    for source, entry in zip(files, entries, strict=True):
        assert entry is not None
        if entry.overrides:
            overrides[source.display] = entry.overrides
        if source.display not in untouched:
            controllable.append(source.display)
            needless += entry.untouched(waived)
    shares, tail = ledger
    if needless > MOST_EDITED or [share[0] for share in shares] != controllable:
        return None
    return overrides, shares, remembered_found(state), tail


def valid_section(value: object) -> Section | None:
    """``value`` read back from a record, if it has the shape of a :data:`Section`."""
    if not isinstance(value, tuple) or len(value) != 4:
        return None
    overrides, shares, found, tail = value
    if not (
        isinstance(overrides, dict)
        and isinstance(shares, list)
        and isinstance(found, list)
        and isinstance(tail, tuple)
        and len(tail) == 4
    ):
        return None
    return overrides, shares, found, tail


class Patch:
    """The edited files of a recorded run, linted under ``settings``, and the results patched with them."""

    def __init__(self, settings: Settings, record: Record) -> None:
        self.settings = settings
        self.record = record
        self.pipeline = FilePipeline(settings, digest=digest)
        self.pipeline.collect_lines = True
        # Per index in the record's files: the file linted, its outcome, its stamp.
        self.fresh: dict[int, tuple[SourceFile, FileOutcome, Stamp]] = {}
        # Their ``stat`` taken before reading (what the content cache stamps them with).
        self.stats: dict[int, os.stat_result] = {}
        # The indices of those whose record digest is not the recorded one (a raised cap).
        self.moved: set[int] = set()
        # Once ``recheck`` ran: the portfolio findings found again, and every file's record digest.
        self.found: list[Found] | None = None
        self.keys: bytes | None = None
        # Every file linted, by location, for the full run should the patch fall back (``Engine.handed``).
        self.handed: Handed = {}

    def lint(self, sources: Mapping[int, SourceFile]) -> bool:
        """Lint the files ``sources`` (by index); whether each one is a valid campaign, before and after.

        False for a file gone, unread or not a valid campaign before or after:
        a full run answers. A file whose facts changed (its record digest is
        not the recorded one: a raised cap) is noted in ``moved``: the
        portfolio is checked again (``recheck``).
        """
        indices, files = list(sources), list(sources.values())
        stats = [file_stat(source.location) for source in files]  # before reading, as the cache stamps
        outcomes = pool.outcomes(self.pipeline, files, 1)
        for index, source, info, outcome in zip(indices, files, stats, outcomes, strict=True):
            key = self.record.key(index)
            if info is not None:
                self.handed[source.location] = (outcome, info)
            if info is None or outcome.content is None or key is None or outcome.record is None:
                return False
            if outcome.record_key != key:
                self.moved.add(index)
            stamp = (source.location, info.st_size, info.st_mtime_ns, time.time_ns(), outcome.content)
            self.fresh[index] = (source, outcome, stamp)
            self.stats[index] = info
        return True

    def recheck(self, record: Record, key: bytes) -> bool:
        """Check the portfolio again with the linted files (``lint/recheck.py``); whether it could be.

        ``record``: the record under ``key`` as the run found it (fresh
        times). Needed only when a linted file's facts changed (``moved``);
        otherwise the recorded portfolio findings hold and are only
        re-positioned. What the check keeps for the next one is written
        beside the record.
        """
        if not self.moved:
            return True
        from campaign_lint.lint import recheck as rechecking

        root = record.scope.root
        kept = rechecking.load_kept(root, key, record.keys)
        if kept is None:
            return False
        linted: dict[int, Linted] = {
            index: (source, outcome, self.stats[index]) for index, (source, outcome, _) in self.fresh.items()
        }
        found = rechecking.recheck(
            self.settings, record, kept, linted, functools.partial(self._relinted, record)
        )
        if found is None:
            return False
        self.found, self.keys, again = found
        rechecking.store_kept(root, key, self.keys, again)
        return True

    def _relinted(self, record: Record, indices: Sequence[int]) -> dict[int, Linted] | None:
        """The files at ``indices`` linted, if each is still the recorded file (its content and record digests)."""
        from campaign_lint.lint.discovery import SourceFile

        files = [SourceFile(*record.files[index]) for index in indices]
        stats = [file_stat(source.location) for source in files]
        outcomes = pool.outcomes(self.pipeline, files, 1)
        linted: dict[int, Linted] = {}
        for index, source, info, outcome in zip(indices, files, stats, outcomes, strict=True):
            stamp = record.stamps[index]
            if info is not None:
                self.handed[source.location] = (outcome, info)
            if info is None or outcome.content != stamp[4] or outcome.record_key != record.key(index):
                return None
            linted[index] = (source, outcome, info)
        return linted

    def results(
        self, recorded: Results, part: Section, displays: Sequence[str]
    ) -> tuple[Results, Section, dict[int, Stamp]] | None:
        """``recorded`` with the linted files' outcomes in place of theirs, the next section, their stamps.

        ``displays``: the display paths of the run's files, in order. Only the
        linted files' findings go through the comments and exceptions again;
        every other file's part is taken from ``recorded`` as the section's
        ledger places it, then the portfolio findings' part and the run rules
        are judged again on what the files' parts recorded (``lint/controls.py``).
        ``None`` when ``recorded`` is not what the ledger counts.
        """
        overrides, shares, found, tail = part
        placed = _placed(recorded, shares, tail)
        if placed is None:
            return None
        controls = Controls(self.settings)
        waived = frozenset(waiver.rule for waiver in self.settings.exceptions)
        linted = {source.display for source, _, _ in self.fresh.values()}
        untouched = [entry for entry in recorded.untouched if entry[0] not in linted]
        fresh: dict[str, tuple[Share, Part, dict[int, str]] | None] = {}
        records: dict[str, CampaignRecord] = {}
        matched = dict(overrides)
        for source, outcome, _ in self.fresh.values():
            display = source.display
            assert outcome.record is not None
            records[display] = outcome.record
            matched.pop(display, None)
            if outcome.overrides:
                matched[display] = outcome.overrides
            if not outcome.comments and waived.isdisjoint(finding.rule for finding in outcome.findings):
                # No control can change its findings: passed on pickled, as a warm full run does.
                untouched.append(_untouched(display, outcome))
                fresh[display] = None
                continue
            judged = controls.judge_file(display, outcome.findings, outcome.comments)
            fresh[display] = (judged.share(display, outcome.comments), judged, outcome.lines)
        parts: list[Part] = []
        sources, comments = {}, {}
        ordered: list[Share] = []
        for display in displays:
            if display in fresh:
                item = fresh[display]
                if item is None:
                    continue
                share, judged, lines = item
            elif (known := placed.get(display)) is not None:
                share, judged = known
                lines = recorded.sources.get(display, {})
            else:
                continue
            parts.append(judged)
            ordered.append(share)
            if share[5]:
                comments[display] = share[5]
            if lines:
                sources[display] = lines
        files = joined(parts)
        moved = self.found if self.found is not None else repositioned(found, records)
        portfolio, marked = controls.judge_portfolio([finding for finding, _ in moved], comments)
        used_overrides = {index for indices in matched.values() for index in indices}
        controlled = controls.finish(files, portfolio, marked, used_overrides)
        results = Results(controlled.kept, controlled.silenced, sources, recorded.paths, untouched)
        stamps = {index: stamp for index, (_, _, stamp) in self.fresh.items()}
        return results, (matched, ordered, moved, controlled.tail), stamps


def _placed(
    recorded: Results, shares: Sequence[Share], tail: tuple[int, int, int, int]
) -> dict[str, tuple[Share, Part]] | None:
    """Each recorded file's share with its part, cut from ``recorded``'s lists; ``None`` if they do not add up.

    The run's lists are the files' parts one after another, then the
    portfolio's and the run rules' (``Controls.finish``): kept findings, then
    silenced by comments, then waived.
    """
    kept_count = sum(share[1] for share in shares)
    inline_count = sum(share[2] for share in shares)
    waived_count = sum(share[3] for share in shares)
    portfolio_kept, portfolio_inline, portfolio_waived, ruled = tail
    if kept_count + portfolio_kept + ruled != len(recorded.kept) or (
        inline_count + portfolio_inline + waived_count + portfolio_waived != len(recorded.silenced)
    ):
        return None
    kept, silenced = recorded.kept, recorded.silenced
    at_kept, at_inline, at_waived = 0, 0, inline_count + portfolio_inline
    placed: dict[str, tuple[Share, Part]] = {}
    for share in shares:
        _, kept_n, inline_n, waived_n, used, _ = share
        placed[share[0]] = (
            share,
            Part(
                kept[at_kept : at_kept + kept_n],
                silenced[at_inline : at_inline + inline_n],
                silenced[at_waived : at_waived + waived_n],
                used,
            ),
        )
        at_kept += kept_n
        at_inline += inline_n
        at_waived += waived_n
    return placed


def _untouched(display: str, outcome: FileOutcome) -> Untouched:
    """``outcome``'s findings and lines as an untouched entry of the results (pickled as ``Entry.shown``)."""
    shown = pickle.dumps((outcome.findings, outcome.lines), protocol=pickle.HIGHEST_PROTOCOL)
    return display, mentions(outcome.findings), shown
