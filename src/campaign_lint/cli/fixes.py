"""``check --fix``, ``--unsafe-fixes`` and ``--diff``: what the command line does with ``lint/fixing.py``.

``--fix`` writes the fixed files, says on stderr what it fixed, and the
check goes on to report what is left. ``--diff`` prints the unified diff of
what ``--fix`` would change on stdout, writes nothing, and exits 1 when
there is something to fix (for CI).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from campaign_lint.core.display import shown
from campaign_lint.core.errors import UsageError

if TYPE_CHECKING:
    from campaign_lint.cli.checkoptions import CheckOptions
    from campaign_lint.lint.fixing import FileFix
    from campaign_lint.lint.session import Session
    from campaign_lint.lint.targets import Targets


def run_fixes(options: CheckOptions, session: Session, targets: Targets) -> int | None:
    """Fix the targets (``--fix``) or show the diff (``--diff``: its exit code); ``None`` to go on checking.

    A first run (with the cache and the worker pool, like ``check``) finds the
    files with a fix to apply, or that cannot be read as YAML (they get a
    note); only those are fixed, one at a time.
    """
    if options.unsafe_fixes and not (options.fix or options.diff):
        raise UsageError("--unsafe-fixes goes with --fix (apply them) or --diff (show them)")
    if options.fix and options.diff:
        raise UsageError("--fix and --diff do opposite things: --diff writes nothing; use one of them")
    if options.fix and options.stdin_filename is not None:
        raise UsageError("--fix rewrites files, not standard input; use --diff to see the fixes of `-`")
    from campaign_lint.cli.values import worker_count
    from campaign_lint.lint import fixing

    linted = session.run(targets, jobs=worker_count(options.jobs), cache=not options.no_cache, lines=False)
    # The report is narrowed to the focus and leaves out what comments and exceptions silence.
    wanted = {f.path for f in linted.report().findings if f.fix is not None or f.rule == "SPEC001"}
    files = [source for source in targets.files if source.display in wanted]
    results = fixing.fix_files(session.settings, files, unsafe=options.unsafe_fixes, writing=options.fix)
    if options.diff:
        sys.stdout.write(fixing.unified_diff(results))
        if not options.quiet:
            sys.stderr.write(summary(results, would=True))
        return 1 if any(result.changed for result in results) else 0
    fixing.write(results)
    if not options.quiet and any(result.applied or result.notes or result.unsafe_left for result in results):
        sys.stderr.write(summary(results, would=False))
    return None


def summary(results: list[FileFix], *, would: bool) -> str:
    """What was fixed (or would be) per file, the notes, and how many unsafe fixes are left."""
    lines = []
    fixed = files = unsafe = 0
    for result in results:
        name = shown(result.source.display)
        if result.applied:
            files += 1
            fixed += len(result.applied)
            for rule, title in result.applied:
                lines.append(f"{name}: {'would fix' if would else 'fixed'} {rule}: {shown(title)}")
        lines.extend(f"{name}: {shown(note)}" for note in result.notes)
        unsafe += result.unsafe_left
    if fixed:
        verb = "Would fix" if would else "Fixed"
        plural = "" if fixed == 1 else "s"
        lines.append(f"{verb} {fixed} finding{plural} in {files} file{'' if files == 1 else 's'}.")
    if unsafe:
        lines.append(
            f"{unsafe} more fix{'' if unsafe == 1 else 'es'} change what a campaign does: "
            "review them with --diff --unsafe-fixes, apply them with --fix --unsafe-fixes."
        )
    return "".join(f"{line}\n" for line in lines)
