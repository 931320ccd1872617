"""The ``check`` command itself, apart from how its command line is read.

``cli/app.py`` (typer) and ``cli/entry.py`` (the common command lines, read
without loading typer) both read a ``CheckOptions`` (``cli/checkoptions.py``)
and call :func:`run_check`.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from campaign_lint.cli.values import available_cores, parse_severity, parse_today

if TYPE_CHECKING:
    from campaign_lint.cli.checkoptions import CheckOptions


def run_check(options: CheckOptions) -> int:
    """Lint campaign files; exit 1 when a finding is at or above ``fail_on``."""
    from campaign_lint.cli.reporters import SHOW_SOURCE_LINES, destinations
    from campaign_lint.cli.targets import resolve as resolve_targets
    from campaign_lint.cli.writing import deliver
    from campaign_lint.lint.config import load_settings
    from campaign_lint.lint.engine import Engine
    from campaign_lint.lint.pool import paused_collector
    from campaign_lint.lint.report import narrow

    # The clock replay.save compares modification times with (lint.replay, imported only with a cache).
    started_ns = time.time_ns()
    wanted = destinations(options.formats, options.outputs)
    settings = load_settings(
        options.config,
        options.start(),
        select=options.select,
        ignore=options.ignore,
        fail_on=parse_severity(options.fail_on),
        today=parse_today(options.today),
    )
    # Compiles custom rules and checks the schema block: a broken policy is an
    # error even when there is nothing to lint or only the policy is shown.
    engine = Engine(settings)
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
    scope = settings.scope()
    targets = resolve_targets(
        list(options.paths), scope, force_exclude=options.force_exclude, changed=changed
    )
    if targets.note and not options.quiet:
        sys.stderr.write(targets.note + "\n")
    # The whole run, reading the cache through writing the reports, with the
    # cyclic collector paused (see paused_collector).
    with paused_collector():
        cache = None
        if not options.no_cache and targets.files:
            from campaign_lint.lint.cache import open_cache

            cache = open_cache(settings)
        engine.cache = cache
        # Source lines: for a text report, or kept in the cache and the replay record.
        engine.collect_lines = cache is not None or any(name in SHOW_SOURCE_LINES for name, _ in wanted)
        workers = options.jobs or available_cores()
        from campaign_lint.cli import progress

        began = time.perf_counter()
        if progress.wanted(len(targets.files), stream_is_terminal=sys.stderr.isatty(), quiet=options.quiet):
            with progress.bar(len(targets.files), sys.stderr) as advance:
                results = engine.results(targets.files, jobs=workers, progress=advance)
        else:
            results = engine.results(targets.files, jobs=workers)
        if cache is not None and changed is None:
            from campaign_lint.lint import replay

            # The next identical run is answered from this record (cli/replay.py).
            files = settings.layered.files if settings.layered is not None else []
            replay.save(
                options.replay_key(),
                scope,
                settings.today.isoformat(),
                settings.fail_on,
                files,
                targets.files,
                cache,
                results,
                started_ns,
            )
        report = narrow(results, targets.focus, time.perf_counter() - began, lines=engine.collect_lines)
        if recorded is not None:
            report = baseline.apply(report, recorded, settings.root)
        deliver(report, wanted, quiet=options.quiet, show_suppressed=options.show_suppressed)
    return 1 if report.failed(settings.fail_on) else 0
