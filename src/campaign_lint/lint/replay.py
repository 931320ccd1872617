"""The replay record: the last answer of a run, reused while nothing it depends on changed.

A warm run with the content cache still loads the policy, builds the rules
and unpickles every file's outcome. Most pre-commit and CI re-runs change
nothing at all, so each ``check`` that used the cache also leaves a *replay
record* in ``.campaign-lint-cache/replay-<key>.bin``: the run's results over
every file (before narrowing to the files named on the command line), and
what they depend on:

* the command line's options that change results (``--config``,
  ``--select``, ``--ignore``, ``--today``, ``--fail-on``), the working folder,
  the tool's version and its own files: these make the record's key;
* the policy files read (the ``extends`` chain) and every campaign file linted,
  each as size, modification time and content digest;
* the day (exceptions expire) and where campaign files are looked for.

``cli/replay.py`` answers the next run from the record when all of that is
unchanged (a file whose time moved but whose content did not still counts as
unchanged), without importing the policy models, the rules or the parser:
the pre-commit case costs a few ``stat`` calls. Anything else, and anything
unexpected, falls back to the full run, which writes a new record.

Like the cache, the record is pickled and signed with the user's key; a
record that fails the check is ignored.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from campaign_lint import __version__
from campaign_lint.lint.cache import (
    _RACY_NS,
    CACHE_DIR,
    Cache,
    code_stamp,
    digest,
    read_signed,
    secret_key,
    write_signed,
)
from campaign_lint.lint.discovery import Scope, SourceFile
from campaign_lint.lint.findings import Severity
from campaign_lint.lint.report import Results

_PREFIX = "replay-"


@dataclass(frozen=True, slots=True)
class Stamp:
    """A file as it was when its content was used: size, modification time, digest."""

    location: str
    size: int
    mtime_ns: int
    # When the stamp was taken: a file modified this close to it is checked by content.
    taken_ns: int
    content: bytes

    def unchanged(self) -> bool:
        """Whether the file still has the content it had (by ``stat``, else by digest)."""
        try:
            info = os.stat(self.location)
        except OSError:
            return False
        if info.st_size != self.size:
            return False
        if info.st_mtime_ns == self.mtime_ns and info.st_mtime_ns < self.taken_ns - _RACY_NS:
            return True
        try:
            with open(self.location, "rb") as handle:
                return digest(handle.read()) == self.content
        except OSError:
            return False


@dataclass(frozen=True, slots=True)
class Record:
    """One run's results and what they depend on (see the module docstring)."""

    today: str
    scope: Scope
    fail_on: Severity
    policy: tuple[Stamp, ...]
    files: tuple[tuple[SourceFile, Stamp], ...]
    results: Results

    def still_valid(self, files: Sequence[SourceFile]) -> bool:
        """Whether a run over ``files`` would find exactly what this record holds."""
        if len(files) != len(self.files):
            return False
        if any(source != known for source, (known, _) in zip(files, self.files, strict=True)):
            return False
        return all(stamp.unchanged() for stamp in self.policy) and all(
            stamp.unchanged() for _, stamp in self.files
        )


def options_key(
    config: str | None,
    select: Sequence[str],
    ignore: Sequence[str],
    today: str | None,
    fail_on: str | None,
) -> bytes:
    """The record's key: the tool, the working folder and the options that change results."""
    parts = [__version__, code_stamp(), os.getcwd(), config, list(select), list(ignore), today, fail_on]
    return hashlib.sha256(repr(parts).encode()).digest()


def _location(root: Path, key: bytes) -> Path:
    return root / CACHE_DIR / f"{_PREFIX}{key.hex()[:16]}.bin"


def load(root: Path, key: bytes) -> Record | None:
    """The record under ``key`` in ``root``'s cache folder, if there is a valid one."""
    secret = secret_key()
    if secret is None:
        return None
    stored = read_signed(_location(root, key), key, secret)
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != key:
        return None
    record = stored[1]
    return record if isinstance(record, Record) else None


def save(
    key: bytes,
    scope: Scope,
    today: str,
    fail_on: Severity,
    policy_files: Sequence[str],
    files: Sequence[SourceFile],
    cache: Cache,
    results: Results,
    started_ns: int,
) -> bool:
    """Record ``results`` of a run that started at ``started_ns``; whether it was written.

    Campaign files are stamped from the cache, which took their size and time
    before reading them. Policy files were read during the run: one modified
    since shortly before it started may not be what was read, so then
    nothing is recorded (the next run records).
    """
    if cache.secret is None:
        return False
    policy = []
    for name in policy_files:
        location = os.path.abspath(name)
        try:
            info = os.stat(location)
            with open(location, "rb") as handle:
                content = digest(handle.read())
        except OSError:
            return False
        if info.st_mtime_ns >= started_ns - _RACY_NS:
            return False
        policy.append(Stamp(location, info.st_size, info.st_mtime_ns, started_ns, content))
    stamped = []
    for source in files:
        entry = cache.entries.get(source.display)
        if entry is None:
            return False
        stamp = Stamp(source.location, entry.size, entry.mtime_ns, entry.cached_ns, entry.content)
        stamped.append((source, stamp))
    record = Record(today, scope, fail_on, tuple(policy), tuple(stamped), results)
    return write_signed(_location(scope.root, key), key, (key, record), cache.secret)


def now_ns() -> int:
    """The clock ``save`` compares modification times with."""
    return time.time_ns()
