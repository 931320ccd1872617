"""One lint run, in order: settings, engine, targets, results.

``check`` (``cli/check.py``), ``baseline create`` (``cli/baseline.py``),
policy tests (``lint/policytests.py``) and the tests' helpers all lint this
way. A :class:`Session` is given the settings (``lint/config.load_settings``)
and builds their engine, which compiles the policy's custom rules: a broken
policy fails there, before any file is read. :meth:`Session.targets` resolves
the files of the run (``lint/targets.py``); :meth:`Session.run` lints them,
with the cache when asked; :meth:`Linted.report` narrows the results to what
is reported. :meth:`Session.lint` does the last three at once, for callers
that do nothing in between; ``check`` does (it shows the policy, reads a
baseline, asks git, prints the targets' note and records the run for replay).

A session may see files other than the disk's: its ``overlay``
(``discovery.Overlay``, a mapping of path to text that stands in for the
file, and optionally the only files that exist) serves standard input
(``check - --stdin-filename``), the git index under pre-commit, and an
editor's unsaved buffers. Whether a file is a campaign stays the policy's
answer; the overlay only says what it holds. Overlaid files are never taken
from, nor written to, the cache.

It lives in ``lint/``, printing nothing and reading no command line, so
that policy tests can use it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

from campaign_lint.core.findings import Severity
from campaign_lint.core.slotted import Slotted
from campaign_lint.lint.config import Settings, load_settings
from campaign_lint.lint.discovery import NO_OVERLAY, Overlay
from campaign_lint.lint.engine import Engine
from campaign_lint.lint.locate import policy_for, run_start
from campaign_lint.lint.report import Report, Results, narrow
from campaign_lint.lint.targets import Targets, resolve

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Cache

# Given the number of files, what to enter around the run: it gives the function
# to call once per file linted, or None (no progress shown).
Progress = Callable[[int], AbstractContextManager[Callable[[], None] | None]]


def settings_for(
    paths: Sequence[Path],
    config: Path | None = None,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: Severity | None = None,
    today: date | None = None,
    cache: bool = False,
) -> Settings:
    """The settings of a run over ``paths``: ``config``, else the policy those paths are under.

    Every command that lints named paths (check, baseline, report, simulate)
    finds its policy this way (``locate.policy_for``, ``locate.run_start``), so
    they agree on which files are campaigns whatever the order of the paths.
    ``cache``: a run that uses the cache takes the settings the last one kept
    while the policy is unchanged, and keeps them (``lint/keptsettings.py``).
    """
    policy = config if config is not None else policy_for(paths)
    if cache:
        from campaign_lint.lint.keptsettings import kept_settings

        return kept_settings(policy, run_start(paths), tuple(select), tuple(ignore), fail_on, today)
    return load_settings(policy, run_start(paths), select=select, ignore=ignore, fail_on=fail_on, today=today)


class Linted(Slotted):
    """What a run produced: its targets, every file's results, how long it took, the cache it used."""

    __slots__ = ("targets", "results", "seconds", "lines", "cache")
    targets: Final[Targets]
    results: Final[Results]
    seconds: Final[float]
    lines: Final[bool]
    cache: Final[Cache | None]

    def __init__(
        self, targets: Targets, results: Results, seconds: float, lines: bool, cache: Cache | None
    ) -> None:
        self.targets = targets
        self.results = results
        self.seconds = seconds
        self.lines = lines
        self.cache = cache

    def report(self) -> Report:
        """The results narrowed to the targets' focus (see ``lint/report.narrow``)."""
        return narrow(self.results, self.targets.focus, self.seconds, lines=self.lines)


class Session:
    """The settings of a run and their engine; then the run's targets and results (module docstring)."""

    def __init__(self, settings: Settings, overlay: Overlay = NO_OVERLAY) -> None:
        self.settings = settings
        # What the run sees instead of the disk (``discovery.Overlay``): text on
        # standard input, the git index, an editor's open buffers. May be
        # replaced between runs; targets resolved afterwards see the new one.
        self.overlay = overlay
        self.engine = Engine(settings)
        # One scope for the whole session: it remembers the patterns' answers
        # (``Scope.answers``), which the replay record keeps.
        self.scope = settings.scope()
        # The cache, when ``targets`` opened it (``run`` then uses it rather than open it again).
        self.opened: Cache | None = None

    def targets(
        self,
        paths: Sequence[Path],
        *,
        force_exclude: bool = False,
        changed: list[Path] | None = None,
        cache: bool = False,
    ) -> Targets:
        """The files linted for ``paths`` and what is reported on (``lint/targets.resolve``).

        ``cache``: open the cache now (``run`` uses it) and find the files
        with the patterns' answers it remembers (``Cache.answers``).
        """
        if cache and self.opened is None:
            from campaign_lint.lint.cache import open_cache

            self.opened = open_cache(self.settings)
            self.scope.answers.update(self.opened.answers)
        return resolve(
            list(paths), self.scope, force_exclude=force_exclude, changed=changed, overlay=self.overlay
        )

    def run(
        self,
        targets: Targets,
        *,
        jobs: int = 1,
        cache: bool = False,
        lines: bool = True,
        progress: Progress | None = None,
    ) -> Linted:
        """Lint ``targets`` with ``jobs`` processes.

        ``cache``: read and write the cache (``.campaign-lint-cache/``), when
        there are files. ``lines``: collect the source lines findings point
        at (kept anyway with the cache, for the next runs).
        """
        opened = None
        if cache and targets.files:
            from campaign_lint.lint.cache import open_cache

            opened = self.opened or open_cache(self.settings)
            opened.keep_answers(self.scope.answers)
        engine = self.engine
        engine.cache = opened
        engine.collect_lines = opened is not None or lines
        began = time.perf_counter()
        shown = progress(len(targets.files)) if progress is not None else nullcontext(None)
        with shown as advance:
            results = engine.results(targets.files, jobs=jobs, progress=advance)
        return Linted(targets, results, time.perf_counter() - began, engine.collect_lines, opened)

    def lint(self, paths: Sequence[Path], *, jobs: int = 1) -> Report:
        """Targets, run and report at once, with no cache."""
        return self.run(self.targets(paths), jobs=jobs).report()
