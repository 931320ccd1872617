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
    from pathlib import Path

    from campaign_lint.cli.checkoptions import CheckOptions
    from campaign_lint.lint.config import Settings
    from campaign_lint.lint.discovery import Overlay, Scope
    from campaign_lint.lint.engine import Handed


# Settings a replay attempt made for a command line it then left to the full run (``check_settings``),
# and the files it linted with them (``Engine.handed``).
_made: list[tuple[CheckOptions, Settings, Handed]] = []


def check_settings(options: CheckOptions) -> Settings:
    """The settings of ``options``: its policy, ``--select``, ``--ignore``, ``--fail-on``, ``--today``.

    Made once per command line: when the replay record could not answer a run
    after an edit (``cli/replay.py``: a file that is no campaign any more, a
    new file), the full run takes the settings the attempt loaded rather than
    load the policy again (and the files it linted: ``handed_files``).
    """
    if _made and _made[0][0] is options:
        return _made[0][1]
    from campaign_lint.lint.session import settings_for

    return settings_for(
        options.run_paths(),
        options.config,
        select=options.select,
        ignore=options.ignore,
        fail_on=parse_severity(options.fail_on),
        today=parse_today(options.today),
        cache=not options.no_cache,
    )


def handed_over(options: CheckOptions, settings: Settings | None, linted: Handed | None = None) -> None:
    """Keep ``settings`` for the full run of ``options`` (see ``check_settings``); ``None``: keep none.

    ``linted``: the files the attempt lints with them, by location (filled as it goes).
    """
    _made[:] = [] if settings is None else [(options, settings, {} if linted is None else linted)]


def handed_files(options: CheckOptions, settings: Settings) -> Handed:
    """What the replay attempt linted with ``settings`` for ``options``, taken once (``Engine.handed``)."""
    if not _made or _made[0][0] is not options or _made[0][1] is not settings:
        return {}
    return _made.pop()[2]


def run_check(options: CheckOptions) -> int:
    """Lint campaign files; exit 1 when a finding is at or above ``fail_on``."""
    from campaign_lint.cli.reporters import SHOW_SOURCE_LINES, destinations
    from campaign_lint.cli.writing import deliver
    from campaign_lint.lint.discovery import NO_OVERLAY
    from campaign_lint.lint.pool import paused_collector
    from campaign_lint.lint.session import Session

    # The clock replay.stamped compares modification times with (lint.replay, imported only with a cache).
    started_ns = time.time_ns()
    wanted = destinations(options.formats, options.outputs)
    stdin = _read_stdin(options)
    paths = options.run_paths()
    settings = check_settings(options)
    # Compiles custom rules and checks the schema block: a broken policy is an
    # error even when there is nothing to lint or only the policy is shown.
    session = Session(settings)
    session.engine.handed = handed_files(options, settings)
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
    session.overlay = _overlay(options, settings.root, session.scope, paths, stdin)
    targets = session.targets(
        paths,
        force_exclude=options.force_exclude or stdin is not None,
        changed=changed,
        cache=not options.no_cache,
    )
    note = targets.note
    if stdin is not None and not targets.files:
        globs = ", ".join(session.scope.campaigns)
        note = f"{paths[0].as_posix()} is not a campaign file (the `campaigns` patterns {globs} do not match it); nothing to check."
    if note and not options.quiet:
        sys.stderr.write(note + "\n")
    if options.fix or options.diff or options.unsafe_fixes:
        from campaign_lint.cli.fixes import run_fixes

        code = run_fixes(options, session, targets)
        if code is not None:
            return code
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
        if linted.cache is not None and changed is None and session.overlay is NO_OVERLAY:
            from campaign_lint.lint import replay
            from campaign_lint.lint.zonefiles import policy_zones

            # The next identical run is answered from this record (cli/replay.py).
            record = replay.stamped(
                session.scope,
                settings.today.isoformat(),
                settings.fail_on,
                settings.layered.read_through() if settings.layered is not None else [],
                targets.files,
                linted.cache,
                started_ns,
                policy_zones(settings.policy),
            )
            if record is not None:
                from campaign_lint.lint.patching import section

                # With what a run after a few edits needs to patch it (lint/patching.py).
                waived = frozenset(waiver.rule for waiver in settings.exceptions)
                patchable = section(linted.cache, linted.results, targets.files, waived)
                key = options.replay_key()
                replay.store(key, record, linted.results, linted.cache.secret, patchable)
                if patchable is not None:
                    from campaign_lint.lint import recheck  # and what it needs to check the portfolio again

                    recheck.keep(linted.cache, targets.files, record, key)
        report = linted.report()
        if recorded is not None:
            report = baseline.apply(report, recorded, settings.root)
        report.fail_on = settings.fail_on
        deliver(report, wanted, quiet=options.quiet, show_suppressed=options.show_suppressed)
    return 1 if report.failed(settings.fail_on) else 0


def _read_stdin(options: CheckOptions) -> bytes | None:
    """The campaign on standard input for ``check - --stdin-filename PATH``; ``None`` when the path is not ``-``."""
    from campaign_lint.cli.checkoptions import STDIN
    from campaign_lint.core.errors import UsageError
    from campaign_lint.lint.discovery import MAX_FILE_BYTES

    if STDIN not in options.paths:
        if options.stdin_filename is not None:
            raise UsageError(
                "--stdin-filename names the campaign read from standard input: give `-` as the path"
            )
        return None
    if options.paths != (STDIN,):
        raise UsageError("`-` (standard input) is the only path of a run; name other files in another run")
    if options.stdin_filename is None:
        raise UsageError(
            "`-` reads a campaign from standard input: say which file it is with --stdin-filename PATH "
            "(its path decides the policy and the overrides, and is the findings' path)"
        )
    if options.changed_since is not None:
        raise UsageError("--changed-since and `-` (standard input) do not go together")
    return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)


def _overlay(
    options: CheckOptions, root: Path, scope: Scope, paths: tuple[Path, ...], stdin: bytes | None
) -> Overlay:
    """What the run sees instead of the disk: the git index when staged, and the campaign on standard input.

    ``--staged``, or running under pre-commit (which sets ``PRE_COMMIT=1``):
    the portfolio as the git index holds it (``gitchanges.staged_overlay``),
    so that untracked drafts do not block a commit that does not hold them.
    Outside a git working tree, pre-commit's runs read the disk; ``--staged``
    is an error there.
    """
    import os

    from campaign_lint.core.errors import UsageError
    from campaign_lint.lint.discovery import NO_OVERLAY, Overlay

    overlay = NO_OVERLAY
    if options.staged or os.environ.get("PRE_COMMIT") == "1":
        from campaign_lint.lint import gitchanges  # subprocess: only to read the git index

        if gitchanges.in_work_tree(root):
            overlay = gitchanges.staged_overlay(root, scope)
        elif options.staged:
            raise UsageError(f"--staged judges the git index, and {root} is not in a git working tree")
    if stdin is not None:
        overlay = Overlay({**overlay.texts, os.path.abspath(paths[0]): stdin}, overlay.only)
    return overlay


def _progress(files: int, *, quiet: bool) -> AbstractContextManager[Callable[[], None] | None]:
    """A progress bar on stderr for a long run on a terminal; else nothing."""
    from campaign_lint.cli import progress

    if progress.wanted(files, stream_is_terminal=sys.stderr.isatty(), quiet=quiet):
        return progress.bar(files, sys.stderr)
    return nullcontext(None)
