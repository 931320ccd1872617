"""The ``check`` command itself, apart from how its command line is read.

``cli/app.py`` (typer) and ``cli/entry.py`` (the common command lines, read
without loading typer) both read a ``CheckOptions`` (``cli/checkoptions.py``)
and call :func:`run_check`. The lint itself is a session (``lint/session.py``);
what is here is what ``check`` does between its steps.
"""

from __future__ import annotations

import sys
import time
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from campaign_lint.cli.values import parse_severity, parse_today, worker_count

if TYPE_CHECKING:
    from collections.abc import Callable

    from campaign_lint.cli.checkoptions import CheckOptions


def run_check(options: CheckOptions) -> int:
    """Lint campaign files; exit 1 when a finding is at or above ``fail_on``."""
    from campaign_lint.cli.reporters import SHOW_SOURCE_LINES, destinations
    from campaign_lint.cli.writing import deliver
    from campaign_lint.lint.config import load_settings
    from campaign_lint.lint.locate import policy_for, run_start
    from campaign_lint.lint.pool import paused_collector
    from campaign_lint.lint.session import Session

    # The clock replay.save compares modification times with (lint.replay, imported only with a cache).
    started_ns = time.time_ns()
    wanted = destinations(options.formats, options.outputs)
    settings = load_settings(
        options.config if options.config is not None else policy_for(options.paths),
        run_start(options.paths),
        select=options.select,
        ignore=options.ignore,
        fail_on=parse_severity(options.fail_on),
        today=parse_today(options.today),
    )
    # Compiles custom rules and checks the schema block: a broken policy is an
    # error even when there is nothing to lint or only the policy is shown.
    session = Session(settings)
    if options.show_policy:
        from campaign_lint.cli.showpolicy import show_policy as render_policy

        sys.stdout.write(render_policy(settings))
        return 0
    recorded = None
    if options.baseline is not None:
        from campaign_lint.lint import baseline

        recorded = baseline.load(options.baseline)
    changed = None
    if options.changed_since is not None:
        from campaign_lint.lint.gitchanges import changed_files

        changed = changed_files(options.changed_since, settings.root)
    targets = session.targets(options.paths, force_exclude=options.force_exclude, changed=changed)
    if targets.note and not options.quiet:
        sys.stderr.write(targets.note + "\n")
    # The whole run, reading the cache through writing the reports, with the
    # cyclic collector paused (see paused_collector).
    with paused_collector():
        linted = session.run(
            targets,
            jobs=worker_count(options.jobs),
            cache=not options.no_cache,
            # Source lines: for a text report (the cache and the replay record keep them anyway).
            lines=any(name in SHOW_SOURCE_LINES for name, _ in wanted),
            progress=lambda files: _progress(files, quiet=options.quiet),
        )
        if linted.cache is not None and changed is None:
            from campaign_lint.lint import replay

            # The next identical run is answered from this record (cli/replay.py).
            replay.save(
                options.replay_key(),
                session.scope,
                settings.today.isoformat(),
                settings.fail_on,
                settings.layered.files if settings.layered is not None else [],
                targets.files,
                linted.cache,
                linted.results,
                started_ns,
            )
        report = linted.report()
        if recorded is not None:
            report = baseline.apply(report, recorded, settings.root)
        report.fail_on = settings.fail_on
        deliver(report, wanted, quiet=options.quiet, show_suppressed=options.show_suppressed)
    return 1 if report.failed(settings.fail_on) else 0


def _progress(files: int, *, quiet: bool) -> AbstractContextManager[Callable[[], None] | None]:
    """A progress bar on stderr for a long run on a terminal; else nothing."""
    from campaign_lint.cli import progress

    if progress.wanted(files, stream_is_terminal=sys.stderr.isatty(), quiet=quiet):
        return progress.bar(files, sys.stderr)
    return nullcontext(None)
