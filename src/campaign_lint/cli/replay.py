"""``check`` command lines read without typer, and answered from the replay record when possible.

:func:`parse` understands the common ``check`` command lines (paths,
``--format``/``--output``, ``--quiet``, ``--jobs``, ``--force-exclude``,
``--show-suppressed``, ``--fail-on``, ``--config``, ``--select``,
``--ignore``, ``--today``, ``--no-cache``, ``--show-policy``,
``--changed-since``, ``--baseline``) and nothing else: any other option or
form returns ``None`` and the full command line (typer) reads it. The
console script (``cli/entry.py``) then calls :func:`replay`, which answers
from the replay record when nothing changed (see ``lint/replay.py``); a
missing or stale record, a value it would have to reject, or any surprise
returns ``None`` and the check runs (``cli/check.py``). So the answer is
always the one the full command would give; only the time differs.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from campaign_lint.lint.report import Report

Answer = tuple["Report", bool, str | None, list[tuple[str, Path | None]]]

_VALUED = {
    "--format": "formats",
    "-f": "formats",
    "--output": "outputs",
    "-o": "outputs",
    "--config": "config",
    "-c": "config",
    "--select": "select",
    "--ignore": "ignore",
    "--today": "today",
    "--fail-on": "fail_on",
    "--jobs": "jobs",
    "-j": "jobs",
    "--changed-since": "changed_since",
    "--baseline": "baseline",
}
_FLAGS = {
    "--quiet": "quiet",
    "-q": "quiet",
    "--force-exclude": "force_exclude",
    "--show-suppressed": "show_suppressed",
    "--no-cache": "no_cache",
    "--show-policy": "show_policy",
}
_REPEATABLE = frozenset({"formats", "outputs", "select", "ignore"})


@dataclass(slots=True)
class CheckLine:
    """A ``check`` command line, as far as the replay understands it."""

    paths: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    config: str | None = None
    today: str | None = None
    fail_on: str | None = None
    jobs: str | None = None
    changed_since: str | None = None
    baseline: str | None = None
    quiet: bool = False
    force_exclude: bool = False
    show_suppressed: bool = False
    no_cache: bool = False
    show_policy: bool = False

    def replayable(self) -> bool:
        """Whether a replay record can answer this command line."""
        return not (self.no_cache or self.show_policy or self.changed_since or self.baseline)

    def jobs_valid(self) -> bool:
        """Whether ``--jobs`` is absent or a whole number (else the full command line reports it)."""
        return self.jobs is None or (self.jobs.isascii() and self.jobs.isdigit())


def parse(argv: list[str]) -> CheckLine | None:
    """``argv`` as a ``check`` command line, or ``None`` when it is anything else."""
    if not argv or argv[0] != "check":
        return None
    line = CheckLine()
    seen: set[str] = set()
    words = iter(argv[1:])
    for word in words:
        if word == "--":
            line.paths.extend(words)
            break
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in _FLAGS and not equals:
            setattr(line, _FLAGS[name], True)
            continue
        if name in _VALUED:
            if not equals:
                value = next(words, "")
            attribute = _VALUED[name]
            if not value or (attribute in seen and attribute not in _REPEATABLE):
                return None
            seen.add(attribute)
            if attribute in _REPEATABLE:
                getattr(line, attribute).append(value)
            else:
                setattr(line, attribute, value)
            continue
        if word.startswith("-"):
            return None
        line.paths.append(word)
    return line


def replay(line: CheckLine) -> int | None:
    """The exit code of ``line`` answered from a replay record, or ``None`` to run it fully."""
    started = time.perf_counter()
    if not line.replayable():
        return None
    try:
        answer = _answer(line, started)
    except Exception:  # noqa: BLE001 - anything unexpected: the full command answers
        return None
    if answer is None:
        return None
    from campaign_lint.cli.guard import guarded
    from campaign_lint.cli.writing import deliver

    report, failed, note, wanted = answer

    def write() -> int:
        if note and not line.quiet:
            sys.stderr.write(note + "\n")
        deliver(report, wanted, quiet=line.quiet, show_suppressed=line.show_suppressed)
        return 1 if failed else 0

    return guarded(write)  # a file that cannot be written, a closed pipe: as the full command


def _today() -> str:
    """Today as ``YYYY-MM-DD`` (``date.today()``, without importing datetime)."""
    return time.strftime("%Y-%m-%d")


def _answer(line: CheckLine, started: float) -> Answer | None:
    """Report, failed, note and destinations, when the record still holds; else ``None``."""
    from campaign_lint.cli.reporters import destinations
    from campaign_lint.cli.targets import resolve
    from campaign_lint.core.findings import Severity
    from campaign_lint.lint import replay as records
    from campaign_lint.lint.locate import find_policy, governed_root
    from campaign_lint.lint.report import narrow

    if not line.jobs_valid():
        return None
    if line.fail_on is not None and line.fail_on not in {str(severity) for severity in Severity}:
        return None
    wanted = destinations(line.formats, [Path(output) for output in line.outputs])
    config = Path(line.config) if line.config is not None else None
    if config is not None and not config.is_file():
        return None
    given = [Path(path) for path in line.paths]
    start = given[0] if given else Path.cwd()
    policy = config if config is not None else find_policy(start)
    key = records.options_key(
        str(config) if config is not None else None, line.select, line.ignore, line.today, line.fail_on
    )
    root = governed_root(policy, start)
    stored = records.load(root, key)
    if stored is None or stored.record.scope.policy_path != policy:
        return None
    record = stored.record
    # An explicit --today is part of the key; otherwise the record must be of today
    # (what ``date.today()`` gives, without importing datetime).
    if line.today is None and record.today != _today():
        return None
    if record.scope.root != root:
        return None
    if not record.named_unchanged(given):
        return None  # the usual pre-commit case: known before looking for every file
    targets = resolve(given, record.scope, force_exclude=line.force_exclude, changed=None)
    current = record.revalidated(targets.files)
    if current is None:
        return None
    results = stored.results()
    if results is None:
        return None
    if current is not record:
        records.store(key, current, results)  # files saved again unchanged: trust their new times
    report = narrow(results, targets.focus, time.perf_counter() - started)
    failed = report.failed(current.fail_on)
    return report, failed, targets.note, wanted
