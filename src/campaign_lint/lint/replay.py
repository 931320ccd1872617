"""The replay record: the last answer of a run, reused while nothing it depends on changed.

A warm run with the content cache still loads the policy, builds the rules
and unpickles every file's outcome. Most pre-commit and CI re-runs change
nothing at all, so each ``check`` that used the cache also leaves a *replay
record* in ``.campaign-lint-cache/replay-<key>.bin``: the run's results over
every file (before narrowing to the files named on the command line), and
what they depend on:

* the command line's options that change results (``--config``,
  ``--select``, ``--ignore``, ``--today``, ``--fail-on``: those declared
  ``replay="key"`` in ``cli/checkoptions.py``), the working folder, the tool's
  version and its own files: these make the record's key;
* the policy files read (the ``extends`` chain, and each name that led to one
  through a symbolic link: ``Layered.read_through``), the time zone files read for
  the policy's personas (``lint/zonefiles.py``: and where ``zoneinfo`` looked
  for them) and every campaign file linted, each as size, modification time
  and content digest;
* the day (exceptions expire: a patch, below, also needs its settings made
  on that day) and where campaign files are looked for.

``cli/replay.py`` answers the next run from the record when all of that is
unchanged (a file whose time moved but whose content did not still counts as
unchanged), without importing the policy models, the rules or the parser:
an unchanged re-run costs a ``stat`` call per file. When only a few campaign
files changed (at most ``MOST_EDITED``: the run after an edit), the record
keeps what ``lint/patching.py`` needs to lint just them and patch the
results (each file's record digest, ``Record.keys``, tells whether a
portfolio rule can see the edit; if one can, the portfolio rules run again
from what a file beside the record keeps for them: ``lint/recheck.py``); the patched record is written for
the next run as a small delta beside the record (``lint/replaydelta.py``),
which :func:`load` applies, as are new times of files saved again
unchanged. What changed is found by ``lint/survey.py`` (in a forked child
while an edited run lints). Anything else, and anything unexpected, falls
back to the full run, which writes a new record.

Like the cache, the record is pickled and signed with the user's key; a
record that fails the check is ignored. The results follow the record in the
same file and are unpickled only once every stamp has held (but the few
edited ones); what a patch needs follows them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from campaign_lint import __version__
from campaign_lint.core.findings import Severity
from campaign_lint.core.slotted import Mutable
from campaign_lint.lint import cachedir, replaydelta
from campaign_lint.lint.cache import RACY_NS, Cache, code_stamp, digest
from campaign_lint.lint.cachedir import CACHE_DIR
from campaign_lint.lint.discovery import Scope, SourceFile
from campaign_lint.lint.replaydelta import Delta
from campaign_lint.lint.replayrecord import KEY_SIZE as KEY_SIZE
from campaign_lint.lint.replayrecord import MOST_EDITED as MOST_EDITED
from campaign_lint.lint.replayrecord import NO_KEY
from campaign_lint.lint.replayrecord import Record as Record
from campaign_lint.lint.replayrecord import Stamp as Stamp
from campaign_lint.lint.report import Results
from campaign_lint.lint.signed import Signed, read_signed, secret_key

_PREFIX = "replay-"


def options_key(options: Sequence[object]) -> bytes:
    """The record's key: the tool, the working folder and ``options``, the command line's that change results.

    ``options`` are plain values with a stable ``repr`` (``CheckOptions.replay_key``
    in ``cli/checkoptions.py`` gives them).
    """
    parts = [__version__, code_stamp(), os.getcwd(), list(options)]
    return hashlib.sha256(repr(parts).encode()).digest()


def location(root: Path, key: bytes) -> Path:
    """Where the record of ``key`` is kept for the folder ``root``."""
    return root / CACHE_DIR / f"{_PREFIX}{key.hex()[:16]}.bin"


class Stored(Mutable):
    """A record read from its file; its results (stored after it) are read only when asked for.

    With a delta (``lint/replaydelta.py``), ``record`` and what is read after
    it are the record's with the delta applied; ``base`` is the record as
    its file holds it.
    """

    __slots__ = ("record", "signed", "base", "delta", "base_results", "base_section")
    record: Record
    signed: Signed
    base: Record | None
    delta: Delta | None
    # The base's results and section, once ``results`` and ``section`` have read them (a delta is
    # written against them).
    base_results: Results | None
    base_section: object

    def __init__(
        self,
        record: Record,
        signed: Signed,
        base: Record | None = None,
        delta: Delta | None = None,
        base_results: Results | None = None,
        base_section: object = None,
    ) -> None:
        self.record = record
        self.signed = signed
        self.base = base
        self.delta = delta
        self.base_results = base_results
        self.base_section = base_section

    def next(self) -> object:
        """The next value stored after the record (see :func:`store_answer`)."""
        return self.signed.next()

    def results(self) -> Results | None:
        """The recorded results (``None`` if they cannot be read); see ``_pieces``."""
        header = self.signed.next()
        if not isinstance(header, tuple) or len(header) != 5:
            return None
        paths, *counts = header
        parts: list[list[Any]] = []
        for count in counts:
            part: list[Any] = []
            while len(part) < count:
                chunk = self.signed.next()
                if not isinstance(chunk, list) or not chunk:
                    return None
                part.extend(chunk)
            if len(part) != count:
                return None
            parts.append(part)
        kept, silenced, sources, untouched = parts
        self.base_results = Results(kept, silenced, dict(sources), paths, untouched)
        delta = self.delta
        return delta.applied(self.base_results) if delta is not None else self.base_results

    def section(self) -> object:
        """What a patch needs (``lint/patching.Section``), stored after the results; ``None`` if none."""
        base = self.base_section = self.signed.next()
        return replaydelta.section_of(self.delta.section, base) if self.delta is not None else base

    def store_patched(self, key: bytes, record: Record, results: Results, section: object) -> bool:
        """Write the patched ``record``, ``results`` and ``section``: as a delta of the base when small enough."""
        base = self.base or self.record
        secret = secret_key(base.scope.root)
        if secret is None:
            return False
        keys = replaydelta.keys_changed(record.keys, base.keys, KEY_SIZE)
        if self.base_results is not None and len(record.stamps) == len(base.stamps) and keys is not None:
            stamps = {
                index: stamp
                for index, (stamp, old) in enumerate(zip(record.stamps, base.stamps, strict=True))
                if stamp != old
            }
            found = replaydelta.delta(
                self.signed.signature,
                record.policy,
                stamps,
                results,
                self.base_results,
                section,
                keys,
                self.base_section,
            )
            if found is not None:
                return replaydelta.write(base.scope.root, key, secret, found)
        return store(key, record, results, secret, section)


def load(root: Path, key: bytes) -> Stored | None:
    """The record under ``key`` in ``root``'s cache folder, if there is a valid one."""
    secret = secret_key(root)
    if secret is None:
        return None
    signed = read_signed(location(root, key), key, secret)
    stored = signed.next() if signed is not None else None
    if signed is None or not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != key:
        return None
    record = stored[1]
    if not isinstance(record, Record):
        return None
    delta = replaydelta.read(root, key, secret, signed.signature)
    if delta is None:
        return Stored(record, signed)
    stamps = list(record.stamps)
    for index, stamp in delta.stamps.items():
        stamps[index] = stamp
    keys = replaydelta.with_keys(record.keys, delta.keys, KEY_SIZE)
    patched = record.replace(policy=delta.policy, stamps=tuple(stamps), keys=keys)
    return Stored(patched, signed, record, delta)


def stamped(
    scope: Scope,
    today: str,
    fail_on: Severity,
    policy_files: Sequence[str],
    files: Sequence[SourceFile],
    cache: Cache,
    started_ns: int,
    zones: Sequence[str] = (),
) -> Record | None:
    """What a run that started at ``started_ns`` depended on, or ``None`` when it cannot be told safely.

    Campaign files are stamped from the cache, which took their size and time
    before reading them. Policy files, and the files of the time zones
    ``zones`` the run read (``lint/zonefiles.py``), were read during the run:
    one modified since shortly before it started may not be what was read,
    so then nothing is recorded (the next run records).
    """
    if cache.secret is None:
        return None
    read, lookup = list(policy_files), None
    if zones:
        from campaign_lint.lint.zonefiles import found

        located = found(zones)
        if located is None:
            return None  # a zone read from no file (a zipped tzdata): nothing to stamp
        read.extend(located[0])
        lookup = located[1]
    policy = []
    for name in read:
        where = os.path.abspath(name)
        try:
            info = os.stat(where)
            with open(where, "rb") as handle:
                content = digest(handle.read())
        except OSError:
            return None
        if info.st_mtime_ns >= started_ns - RACY_NS:
            return None
        policy.append((where, info.st_size, info.st_mtime_ns, started_ns, content))
    stamps = []
    for source in files:
        entry = cache.entries.get(source.display)
        if entry is None:
            return None
        stamps.append((source.location, entry.size, entry.mtime_ns, entry.cached_ns, entry.content))
    names = tuple((source.location, source.display) for source in files)
    keys = [cache.entries[source.display].record_key or NO_KEY for source in files]
    whole = b"".join(keys) if all(len(key) == KEY_SIZE for key in keys) else b""
    return Record(today, scope, fail_on, tuple(policy), names, tuple(stamps), lookup, whole)


def store(
    key: bytes, record: Record, results: Results, secret: bytes | None = None, section: object = None
) -> bool:
    """Write ``record`` and its ``results`` under ``key`` (signed with ``secret``, default the user's key).

    ``section``, what an edited run needs to patch them (``lint/patching.py``), follows them when given.
    """
    pieces = _pieces(results)
    if section is not None:
        pieces.append(section)
    return store_answer(key, record, pieces, secret)


def store_answer(key: bytes, record: Record, answer: Sequence[object], secret: bytes | None = None) -> bool:
    """Write ``record`` and, after it, the values of ``answer`` (``simulate`` keeps its output and exit code)."""
    secret = secret or secret_key(record.scope.root)
    if secret is None:
        return False
    return cachedir.store(location(record.scope.root, key), key, secret, (key, record), *answer)


# Findings (and source lines) per pickled piece of a record's results.
_PIECE = 2_000


def _pieces(results: Results) -> list[object]:
    """``results`` as values pickled one after another: a header, then chunks.

    The header is ``(paths, len(kept), len(silenced), len(sources),
    len(untouched))``; the findings, the silenced findings, the source lines
    and the untouched files (their findings and lines still pickled, as the
    cache holds them: ``Results.untouched``) follow, each in lists of at most
    ``_PIECE``. Pickling keeps every object it wrote (and the argument tuples
    it made for them) until the value is done: one value of many thousand
    findings holds several times the memory of a piece.
    """
    sources = list(results.sources.items())
    untouched = results.untouched
    counts = (len(results.kept), len(results.silenced), len(sources), len(untouched))
    pieces: list[object] = [(results.paths, *counts)]
    for items in (results.kept, results.silenced, sources, untouched):
        pieces.extend(items[start : start + _PIECE] for start in range(0, len(items), _PIECE))
    return pieces
