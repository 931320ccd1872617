"""An unchanged ``check`` answered from its replay record, without linting.

The console script (``cli/entry.py``) reads a common ``check`` command line
without typer (``cli/checkoptions.parse``), then calls :func:`replay`, which
answers from the replay record when nothing changed (see
``lint/replay.py``); a missing or stale record, a value it would have to
reject, or any surprise returns ``None`` and the check runs
(``cli/check.py``). So the answer is always the one the full command would
give; only the time differs. A failure here never breaks a run: with
``--debug`` it is told on stderr, in one line, before the full run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from campaign_lint.cli.checkoptions import CheckOptions
    from campaign_lint.lint.patching import Patch
    from campaign_lint.lint.replay import Record, Stored
    from campaign_lint.lint.report import Report, Results
    from campaign_lint.lint.survey import Survey

Answer = tuple["Report", bool, str | None, list[tuple[str, Path | None]]]


def replay(options: CheckOptions, *, debug: bool = False) -> int | None:
    """The exit code of ``options`` answered from a replay record, or ``None`` to run it fully."""
    started = time.perf_counter()
    if not options.replayable() or _sees_other_than_disk(options):
        return None
    try:
        answer = _answer(options, started)
    except Exception as exc:  # noqa: BLE001 - anything unexpected: the full command answers
        if debug:
            sys.stderr.write(
                f"campaign-lint: debug: the replay failed ({type(exc).__name__}: {exc}); running the full check\n"
            )
        return None
    if answer is None:
        return None
    from campaign_lint.cli.guard import guarded
    from campaign_lint.cli.writing import deliver

    report, failed, note, wanted = answer

    def write() -> int:
        if note and not options.quiet:
            sys.stderr.write(note + "\n")
        deliver(report, wanted, quiet=options.quiet, show_suppressed=options.show_suppressed)
        return 1 if failed else 0

    # A file that cannot be written, a closed pipe: as the full command.
    return guarded(write, debug=debug)


def _sees_other_than_disk(options: CheckOptions) -> bool:
    """Whether the run reads standard input, or the git index (under pre-commit): records are of the disk."""
    import os

    from campaign_lint.cli.checkoptions import STDIN

    return STDIN in options.paths or os.environ.get("PRE_COMMIT") == "1"


def today_text() -> str:
    """Today as ``YYYY-MM-DD`` (``date.today()``, without importing datetime)."""
    return time.strftime("%Y-%m-%d")


def _answer(options: CheckOptions, started: float) -> Answer | None:
    """Report, failed, note and destinations, when the record still holds; else ``None``."""
    from campaign_lint.cli.reporters import destinations
    from campaign_lint.core.findings import Severity
    from campaign_lint.lint import replay as records
    from campaign_lint.lint.locate import governed_root, policy_for, run_start
    from campaign_lint.lint.report import narrow
    from campaign_lint.lint.survey import Surveying
    from campaign_lint.lint.survey import survey as plain_survey

    if options.fail_on is not None and options.fail_on not in {str(severity) for severity in Severity}:
        return None
    wanted = destinations(list(options.formats), list(options.outputs))
    config = options.config
    if config is not None and not config.is_file():
        return None
    given = list(options.paths)
    start = run_start(given)
    policy = config if config is not None else policy_for(given)
    key = options.replay_key()
    root = governed_root(policy, start)
    stored = records.load(root, key)
    if stored is None or stored.record.scope.policy_path != policy:
        return None
    record = stored.record
    # An explicit --today is part of the key; otherwise the record must be of today
    # (what ``date.today()`` gives, without importing datetime).
    if options.today is None and record.today != today_text():
        return None
    if record.scope.root != root:
        return None
    patch, results = None, None
    named = record.named_changed(given)
    if named:
        # Edited files named on the command line (the usual run after an edit): the whole
        # portfolio is surveyed apart (lint/survey.py) while they are linted, so that an edit
        # a portfolio rule sees falls back without waiting for it.
        if len(named) > records.MOST_EDITED:
            return None
        surveying = Surveying(record, given, options.force_exclude)
        try:
            patch = _patch(options, record)
            if patch is None or not _lint_named(patch, given, named, options.force_exclude):
                return None
            if surveying.child is not None:
                # Read while the child still surveys: what the patch needs of the record.
                results = stored.results()
                if results is None:
                    return None
            survey = surveying.answer()
        finally:
            surveying.stop()
    else:
        survey = plain_survey(record, given, options.force_exclude)
    if survey is None:
        return None
    current = survey.current(record)
    if results is None:
        results = stored.results()
        if results is None:
            return None
    if survey.edited:
        # A few files edited: they are linted, the rest answered from the record (lint/patching.py).
        patch = patch or _patch(options, record)
        if patch is None:
            return None
        patched = _patched(key, stored, current, results, survey, patch)
        if patched is None:
            return None
        results = patched
    elif current is not record:
        # Files saved again unchanged: trust their new times (what a patch needs kept as it was).
        stored.store_patched(key, current, results, stored.section())
    if patch is not None:
        from campaign_lint.cli.check import handed_over

        handed_over(options, None)  # answered here: no full run to hand the settings to
    report = narrow(results, survey.focus, time.perf_counter() - started)
    report.fail_on = current.fail_on
    failed = report.failed(current.fail_on)
    return report, failed, survey.note, wanted


def _patch(options: CheckOptions, record: Record) -> Patch | None:
    """The settings of ``options`` ready to lint edited files (``None`` if they are not the record's: of its day too).

    They are handed over to the full run, should it have to answer (``cli/check.check_settings``),
    with the files the patch lints (``cli/check.handed_files``): a fallback lints none of them again.
    """
    from campaign_lint.cli.check import check_settings, handed_over
    from campaign_lint.lint.patching import Patch

    settings = check_settings(options)
    patch = Patch(settings, record)
    handed_over(options, settings, patch.handed)  # with the files it lints (``Engine.handed``)
    if settings.root != record.scope.root or settings.fail_on is not record.fail_on:
        return None
    if settings.today.isoformat() != record.today:
        # Made past midnight: the recorded files' exceptions were judged on another day.
        return None
    return patch


def _lint_named(patch: Patch, given: Sequence[Path], named: Sequence[int], force_exclude: bool) -> bool:
    """Lint the edited files named in ``given`` (indices ``named`` in the record); whether they can be patched in."""
    from campaign_lint.lint.discovery import discover

    record = patch.record
    chosen = discover(given, record.scope, force_exclude=force_exclude, allow_empty=force_exclude)
    found = {source.location: source for source in chosen}
    sources = {index: found.get(record.files[index][0]) for index in named}
    return patch.lint({index: source for index, source in sources.items() if source is not None})


def _patched(
    key: bytes, stored: Stored, current: Record, results: Results, survey: Survey, patch: Patch
) -> Results | None:
    """``results`` with the edited files linted again, recorded for the next run; ``None``: a full run answers."""
    from campaign_lint.lint import patching

    part = patching.valid_section(stored.section())
    if part is None:
        return None
    if any(survey.sources.get(index) != source for index, (source, _, _) in patch.fresh.items()):
        return None  # found otherwise by the whole portfolio's discovery
    rest = {index: source for index, source in survey.sources.items() if index not in patch.fresh}
    if (rest and not patch.lint(rest)) or set(patch.fresh) != set(survey.edited):
        return None
    if not patch.recheck(current, key):  # a raised cap: the portfolio checked again (lint/recheck.py)
        return None
    answer = patch.results(results, part, [display for _, display in current.files])
    if answer is None:
        return None
    results, section, stamps = answer
    fresh = tuple(stamps.get(index, stamp) for index, stamp in enumerate(current.stamps))
    patched = current.replace(stamps=fresh, keys=patch.keys or current.keys)
    stored.store_patched(key, patched, results, section)
    return results
