"""An unchanged ``simulate`` answered from its replay record: the same output, without loading the policy.

``check``'s replay record (``lint/replay.py``) holds what a run depended on:
the policy files, every campaign file (size, time, content digest), the day,
where campaign files are looked for. ``simulate`` keeps one of the same kind,
with its rendered output and exit code after it instead of findings, under a
key made of its own options (``--persona``, ``--from``, ``--days``,
``--journey``, ``--segment``, ``--timezone``, ``--format``, ``--config``,
``--today``). While all of that holds, the next run writes the same output
again and costs a ``stat`` call per file; anything else, and anything unexpected, runs the
simulation (``cli/simulate.py``), which leaves a new record. ``--no-cache``
and the HTML page are never replayed. The console script (``cli/entry.py``)
reads a common ``simulate`` command line without typer
(:func:`replay_command_line`) and answers it here when it can: importing
typer costs more than the rest of an unchanged run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from campaign_lint.lint.config import Settings
    from campaign_lint.lint.simulation import Read


def key(
    paths: Sequence[Path], request: dict[str, Any], output_format: str, config: Path | None, today: str | None
) -> bytes:
    """The record's key: ``simulate`` and the options that change its output (see ``lint.replay.options_key``).

    The paths are not in it: the record holds the files they led to, compared on replay.
    """
    from campaign_lint.lint.replay import options_key

    options = [*sorted(request.items()), ("format", output_format), ("config", config), ("today", today)]
    return options_key([("command", "simulate"), *options])


def answer(
    key: bytes, paths: Sequence[Path], config: Path | None, today: str | None
) -> tuple[str, int] | None:
    """The recorded output and exit code when nothing they depend on changed; else ``None`` (run it)."""
    try:
        return _answer(key, list(paths), config, today)
    except Exception:  # noqa: BLE001 - anything unexpected: the simulation answers
        return None


def _answer(key: bytes, given: list[Path], config: Path | None, today: str | None) -> tuple[str, int] | None:
    from campaign_lint.cli.replay import today_text
    from campaign_lint.lint import replay as records
    from campaign_lint.lint.locate import governed_root, policy_for, run_start
    from campaign_lint.lint.targets import resolve

    if config is not None and not config.is_file():
        return None
    policy = config if config is not None else policy_for(given)
    root = governed_root(policy, run_start(given))
    stored = records.load(root, key)
    if stored is None or stored.record.scope.policy_path != policy or stored.record.scope.root != root:
        return None
    record = stored.record
    if today is None and record.today != today_text():
        return None  # without --today the record must be of today (the default --from, expiries)
    if not record.named_unchanged(given):
        return None
    current = record.revalidated(resolve(given, record.scope, force_exclude=False, changed=None).files)
    if current is None:
        return None
    rendered, code = stored.next(), stored.next()
    if not isinstance(rendered, str) or code not in (0, 1):
        return None
    if current is not record:
        records.store_answer(key, current, [rendered, code])  # files saved again unchanged
    return rendered, int(code)


def write(rendered: str, output: Path | None) -> None:
    """Write the output to ``output``, or to stdout when ``None``."""
    from campaign_lint.cli.writing import to_stdout, write_output

    if output is None:
        to_stdout([rendered])
    else:
        write_output(output, rendered)


def keep(
    key: bytes,
    settings: Settings,
    paths: Sequence[Path],
    rendered: str,
    code: int,
    started_ns: int,
    timezone: str | None = None,
    read: Read | None = None,
) -> None:
    """Record ``rendered`` and ``code`` of a run that started at ``started_ns``, when it can be told safely.

    Campaign files are stamped from the cache the run left, and only when each
    file is still as its entry says and was last modified before the run
    started (so the entry describes what the run read); otherwise nothing is
    recorded and the next run records. The files of the time zones the run
    read (the policy's personas', ``--timezone``'s) are stamped with the
    policy files. ``read``: the files and the cache the simulation used (else
    they are looked for and opened again). A failure here never breaks a run.
    """
    # Anything unexpected: the output is written; only the record is lost.
    with contextlib.suppress(Exception):
        _keep(key, settings, list(paths), rendered, code, started_ns, timezone, read)


def _keep(
    key: bytes,
    settings: Settings,
    paths: list[Path],
    rendered: str,
    code: int,
    started_ns: int,
    timezone: str | None,
    read: Read | None,
) -> None:
    from campaign_lint.lint import replay as records
    from campaign_lint.lint.cache import RACY_NS, open_cache
    from campaign_lint.lint.targets import resolve
    from campaign_lint.lint.zonefiles import policy_zones

    zones = set(policy_zones(settings.policy))
    if timezone is not None:
        zones.add(timezone)

    scope = settings.scope()
    files = read.files if read is not None and read.files is not None else None
    if files is None:
        files = resolve(paths, scope, force_exclude=False, changed=None).files
    cache = read.cache if read is not None and read.cache is not None else open_cache(settings)
    policy_files = settings.layered.read_through() if settings.layered is not None else []
    today = settings.today.isoformat()
    record = records.stamped(
        scope, today, settings.fail_on, policy_files, files, cache, started_ns, sorted(zones)
    )
    if record is None or cache.secret is None:
        return
    for location, size, mtime_ns, _, _ in record.stamps:
        info = os.stat(location)
        if info.st_size != size or info.st_mtime_ns != mtime_ns or mtime_ns >= started_ns - RACY_NS:
            return
    records.store_answer(key, record, [rendered, code], cache.secret)


# ---------------------------------------------------------------- the command line without typer

# simulate's options as ``cli/app.py`` declares them: written name -> (field, type of a value, repeatable).
# Only a record is answered this way, never a simulation: a command line read here
# makes the key typer's reading of it would make (tests/cli/test_simulate_replay.py).
_OPTIONS: dict[str, tuple[str, type, bool]] = {
    "--persona": ("names", str, True),
    "-p": ("names", str, True),
    "--from": ("start", str, False),
    "--days": ("days", int, False),
    "-n": ("days", int, False),
    "--journey": ("journey", str, False),
    "--segment": ("segments", str, True),
    "--timezone": ("timezone", str, False),
    "--format": ("format", str, False),
    "-f": ("format", str, False),
    "--output": ("output", Path, False),
    "-o": ("output", Path, False),
    "--config": ("config", Path, False),
    "-c": ("config", Path, False),
    "--today": ("today", str, False),
    "--jobs": ("jobs", int, False),
    "-j": ("jobs", int, False),
}
# ``--days`` when not given (``cli/app.py`` declares it with this default).
DEFAULT_DAYS = 30


def replay_command_line(argv: Sequence[str]) -> int | None:
    """The exit code of an unchanged ``[--debug] simulate ...`` answered from its record; ``None``: typer reads it."""
    parsed = _parse(argv)
    if parsed is None:
        return None
    debug, paths, values = parsed
    output_format = values.pop("format", "text")
    if output_format not in ("text", "json"):
        return None
    request = {
        "start": values.get("start"),
        "days": values.get("days", DEFAULT_DAYS),
        "names": tuple(values.get("names", ())),
        "journey": values.get("journey"),
        "segments": tuple(values.get("segments", ())),
        "timezone": values.get("timezone"),
    }
    config, today = values.get("config"), values.get("today")
    found = answer(key(paths, request, output_format, config, today), paths, config, today)
    if found is None:
        return None
    from campaign_lint.cli.guard import guarded

    rendered, code = found

    def run() -> int:
        write(rendered, values.get("output"))
        return code

    return guarded(run, debug=debug)


def _parse(argv: Sequence[str]) -> tuple[bool, list[Path], dict[str, Any]] | None:
    """Debug, paths and options of a common ``simulate`` command line; ``None`` for anything else."""
    words = iter(argv)
    first = next(words, None)
    debug = first == "--debug"
    if (next(words, None) if debug else first) != "simulate":
        return None
    from campaign_lint.cli.checkoptions import read_words

    read = read_words(words, _OPTIONS)
    if read is None:
        return None
    paths, values = read
    return debug, paths, values
