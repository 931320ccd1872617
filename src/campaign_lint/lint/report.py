"""What a run produces: findings, suppressed findings, counts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from campaign_lint.core.findings import Finding, Severity
from campaign_lint.core.slotted import Mutable

if TYPE_CHECKING:
    from campaign_lint.core.suppressions import Suppression


class Report(Mutable):
    """The result of a run."""

    __slots__ = ("findings", "files", "seconds", "sources", "suppressed", "baselined", "paths", "fail_on")
    findings: list[Finding]
    files: int
    seconds: float
    # The source lines findings point at: {path: {line number: text}}.
    sources: dict[str, dict[int, str]]
    # Findings silenced by inline comments or policy exceptions, with why.
    suppressed: list[tuple[Finding, str]]
    # Findings absorbed by `check --baseline`; None when no baseline was given.
    baselined: int | None
    # Display paths of the files checked (reported on), in input order.
    paths: tuple[str, ...]
    # The lowest severity that fails the run (the settings' ``fail_on``): reporters
    # such as junit show findings below it as passing, not failing.
    fail_on: Severity

    def __init__(
        self,
        findings: list[Finding],
        files: int,
        seconds: float,
        sources: dict[str, dict[int, str]] | None = None,
        suppressed: list[tuple[Finding, str]] | None = None,
        baselined: int | None = None,
        paths: tuple[str, ...] = (),
        fail_on: Severity = Severity.ERROR,
    ) -> None:
        self.findings = findings
        self.files = files
        self.seconds = seconds
        self.sources = {} if sources is None else sources
        self.suppressed = [] if suppressed is None else suppressed
        self.baselined = baselined
        self.paths = paths
        self.fail_on = fail_on

    def count(self, severity: Severity) -> int:
        """Number of findings of one severity."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    def failed(self, fail_on: Severity) -> bool:
        """Whether any finding is at or above ``fail_on``."""
        return any(finding.severity.rank >= fail_on.rank for finding in self.findings)

    def fails(self, finding: Finding) -> bool:
        """Whether ``finding`` alone fails the run (its severity is at or above ``fail_on``)."""
        return finding.severity.rank >= self.fail_on.rank


class Results(Mutable):
    """What a run found in every file it linted, before narrowing to a focus.

    Everything here follows from the files' content, the settings and the
    day: ``lint/replay.py`` keeps it to answer an unchanged run again.
    """

    __slots__ = ("kept", "silenced", "sources", "paths", "untouched", "ledger")
    kept: list[Finding]
    silenced: list[tuple[Finding, str]]
    # The source lines findings point at: {path: {line number: text}}.
    sources: dict[str, dict[int, str]]
    # Display paths of the files linted, in input order.
    paths: tuple[str, ...]
    # Files taken from the cache whose findings no control could change: their
    # findings and lines still pickled (``Untouched``), unpickled only when reported.
    untouched: list[Untouched]
    # What the controls made of each file's findings (``lint/controls.py``), for the replay
    # record's section (``lint/patching.py``); not itself recorded. None: not known.
    ledger: Ledger | None

    def __init__(
        self,
        kept: list[Finding],
        silenced: list[tuple[Finding, str]],
        sources: dict[str, dict[int, str]],
        paths: tuple[str, ...],
        untouched: list[Untouched] | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self.kept = kept
        self.silenced = silenced
        self.sources = sources
        self.paths = paths
        self.untouched = [] if untouched is None else untouched
        self.ledger = ledger


# An unchanged file's findings and source lines, pickled together (the cache's
# ``Entry.shown``), with its display path and the files those findings involve
# (``mentions``): a run narrowed to a few files unpickles only theirs.
Untouched = tuple[str, frozenset[str], bytes]


# One file's part of the controls (``lint/controls.Part.share``): its display path; how many of
# its findings were kept, silenced by its comments and waived by exceptions (in that order in
# the run's lists); the exceptions that waived them; its comments, marked with the rules they
# silenced among its own findings.
Share = tuple[str, int, int, int, frozenset[int], tuple["Suppression", ...]]
# The files' shares in the run's order, and the rest of the run's lists: the portfolio findings
# kept, silenced by comments and waived, then the run rules' findings (how many of each).
Ledger = tuple[list[Share], tuple[int, int, int, int]]


def mentions(findings: Sequence[Finding]) -> frozenset[str]:
    """Every file ``findings`` are in or name as related (``_involves`` keeps a finding for any of them)."""
    paths: set[str] = set()
    for finding in findings:
        paths.add(finding.path)
        paths.update(related.path for related in finding.related)
        paths.update(finding.involved)
    return frozenset(paths)


def _unpickled(
    results: Results, wanted: frozenset[str] | None
) -> tuple[list[Finding], dict[str, dict[int, str]]]:
    """The findings and source lines of the untouched files ``wanted`` involves (``None``: all)."""
    import pickle

    findings: list[Finding] = []
    sources: dict[str, dict[int, str]] = {}
    for display, involved, shown in results.untouched:
        if wanted is None or not wanted.isdisjoint(involved):
            found, lines = pickle.loads(shown)  # the signed cache's or replay record's bytes
            findings.extend(found)
            if lines:
                sources[display] = lines
    return findings, sources


def narrow(results: Results, focus: Collection[str] | None, seconds: float, *, lines: bool = True) -> Report:
    """The report on ``focus`` (display paths; ``None``: everything), sorted.

    A finding is kept when it or one of its related locations (shown or left
    out by the cap) is in a focused file. ``results`` is not changed. With
    ``lines``, the source lines of findings that ``results`` lacks (portfolio
    and policy findings) are read.
    """
    kept, silenced = list(results.kept), list(results.silenced)
    checked, paths = len(results.paths), results.paths
    wanted = frozenset(focus) if focus is not None else None
    untouched, untouched_lines = _unpickled(results, wanted)
    kept.extend(untouched)
    if wanted is not None:
        kept = [finding for finding in kept if _involves(finding, wanted)]
        silenced = [pair for pair in silenced if _involves(pair[0], wanted)]
        paths = tuple(path for path in paths if path in wanted)
        checked = len(paths)
    known = {**results.sources, **untouched_lines} if untouched_lines else results.sources
    sources = _with_missing_lines(kept, known) if lines else known
    kept.sort(key=Finding.sort_key)
    silenced.sort(key=lambda pair: pair[0].sort_key())
    return Report(kept, checked, seconds, sources, silenced, paths=paths)


def lines_of(text: str, findings: Sequence[Finding]) -> dict[int, str]:
    """The lines of ``text`` that ``findings`` point at."""
    if not findings:
        return {}
    wanted = {finding.span.line for finding in findings}
    lines = text.splitlines()
    return {number: lines[number - 1] for number in wanted if 0 < number <= len(lines)}


# A file with this finding was not read as text, or not read at all: a link out
# of the repository (never read), a FIFO (opening it waits), a file over the
# size limit. Its lines come from the pipeline when it had them, never from here.
_UNREAD = "SPEC001"


def _with_missing_lines(
    findings: Sequence[Finding], sources: dict[str, dict[int, str]]
) -> dict[str, dict[int, str]]:
    """``sources`` and the lines of findings it lacks (``sources`` itself is not changed).

    Portfolio and policy findings can point at files, or lines, that had no
    finding of their own.
    """
    shown = dict(sources)
    for finding in findings:
        if finding.rule == _UNREAD:
            continue
        known = shown.get(finding.path)
        if known is not None and finding.span.line in known:
            continue
        try:
            with open(finding.path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        shown[finding.path] = {**(known or {}), **lines_of(text, [finding])}
    return shown


def _involves(finding: Finding, paths: frozenset[str]) -> bool:
    """Whether ``finding`` is in one of ``paths`` or names one as related (also among those left out)."""
    return (
        finding.path in paths
        or any(related.path in paths for related in finding.related)
        or not paths.isdisjoint(finding.involved)
    )
