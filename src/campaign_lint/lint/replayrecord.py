"""A replay record's own part (``lint/replay.py``): what a run depended on, and whether it still holds.

The record is read by every replayed run; ``Record`` is written out on
``core/slotted`` rather than as a dataclass, which compiles its methods when
it is defined (docs/performance.md, "An edited run's imports, cheaper to define").
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from campaign_lint.core.findings import Severity
from campaign_lint.core.slotted import Slotted
from campaign_lint.lint.cacheentry import check_file
from campaign_lint.lint.discovery import Scope, SourceFile

if TYPE_CHECKING:
    from campaign_lint.lint.zonefiles import Lookup  # the module is imported only for a record with zones

# The size of a record digest (``lint/cache.digest``), and the digest of a file without one.
KEY_SIZE = 16
NO_KEY = bytes(KEY_SIZE)
# The most campaign files edited since the record that an edited run patches in (``lint/patching.py``).
MOST_EDITED = 8


# A file as it was when its content was used: location, size, modification
# time, when the stamp was taken, content digest. Plain tuples: a record holds
# one per campaign file, and tuples load several times faster than objects.
Stamp = tuple[str, int, int, int, bytes]


def _recheck(stamp: Stamp) -> Stamp | None:
    """``stamp`` if its file is unchanged, a fresh stamp if only its time moved, else ``None``."""
    checked = check_file(*stamp)
    if checked is None:
        return None
    trusted, mtime_ns = checked
    return stamp if trusted else (stamp[0], stamp[1], mtime_ns, time.time_ns(), stamp[4])


class Record(Slotted):
    """One run's results and what they depend on (see the module docstring)."""

    __slots__ = ("today", "scope", "fail_on", "policy", "files", "stamps", "zones", "keys")
    today: Final[str]
    scope: Final[Scope]
    fail_on: Final[Severity]
    policy: Final[tuple[Stamp, ...]]
    # (location, display) of every file linted, in order, and their stamps.
    files: Final[tuple[tuple[str, str], ...]]
    stamps: Final[tuple[Stamp, ...]]
    # When the run read time zones: how ``zoneinfo`` found their files (stamped in ``policy``,
    # ``lint/zonefiles.py``); None for a run without zones, which checks nothing more.
    zones: Final[Lookup | None]
    # Every file's record digest (``FileOutcome.record_key``, ``KEY_SIZE`` bytes; zeros: not a
    # valid campaign) one after another, in ``files`` order: one value, read at no cost.
    keys: Final[bytes]

    def __init__(
        self,
        today: str,
        scope: Scope,
        fail_on: Severity,
        policy: tuple[Stamp, ...],
        files: tuple[tuple[str, str], ...],
        stamps: tuple[Stamp, ...],
        zones: Lookup | None = None,
        keys: bytes = b"",
    ) -> None:
        self.today = today
        self.scope = scope
        self.fail_on = fail_on
        self.policy = policy
        self.files = files
        self.stamps = stamps
        self.zones = zones
        self.keys = keys

    def named_unchanged(self, paths: Sequence[Path]) -> bool:
        """False when a file named on the command line is recorded and has changed since.

        A cheap first check: a commit's own files are the ones that changed.
        """
        return not self.named_changed(paths)

    def named_changed(self, paths: Sequence[Path]) -> list[int]:
        """The indices of the files named in ``paths`` that are recorded and have changed since."""
        wanted = {os.path.abspath(path) for path in paths}
        return [
            index for index, stamp in enumerate(self.stamps) if stamp[0] in wanted and _recheck(stamp) is None
        ]

    def key(self, index: int) -> bytes | None:
        """The record digest of the file at ``index`` (``None``: not a valid campaign, or not known)."""
        key = self.keys[index * KEY_SIZE : (index + 1) * KEY_SIZE]
        return key if len(key) == KEY_SIZE and key != NO_KEY else None

    def revalidated(self, files: Sequence[SourceFile]) -> Record | None:
        """The record, if a run over ``files`` would find what it holds; else ``None``.

        When files were saved again with the same content, the answer is a copy
        with their new times (worth writing back, so the next run trusts them
        by ``stat`` again).
        """
        found = self.changes(files, 0)
        return found[0] if found is not None else None

    def changes(self, files: Sequence[SourceFile], most: int) -> tuple[Record, tuple[int, ...]] | None:
        """The record with fresh times, and the indices of at most ``most`` campaign files changed since.

        ``None`` when more changed, or anything else did: the files found, the
        policy files, where time zones are read. The changed files keep their
        old stamps in the copy (``lint/patching.py`` stamps them again).
        """
        if [(source.location, source.display) for source in files] != list(self.files):
            return None
        if self.zones is not None:
            from campaign_lint.lint.zonefiles import lookup_holds

            if not lookup_holds(self.zones):
                return None  # zoneinfo would now read another file for a zone
        policy = _recheck_all(self.policy)
        if policy is None:
            return None
        stamps: list[Stamp] = []
        changed: list[int] = []
        for index, stamp in enumerate(self.stamps):
            new = _recheck(stamp)
            if new is None:
                if len(changed) == most:
                    return None
                changed.append(index)
                new = stamp
            stamps.append(new)
        fresh = tuple(stamps)
        if policy == self.policy and fresh == self.stamps:
            return self, tuple(changed)
        return self.replace(policy=policy, stamps=fresh), tuple(changed)


def _recheck_all(stamps: tuple[Stamp, ...]) -> tuple[Stamp, ...] | None:
    """Every stamp rechecked (see ``_recheck``); ``None`` at the first changed file."""
    fresh = []
    for stamp in stamps:
        new = _recheck(stamp)
        if new is None:
            return None
        fresh.append(new)
    return tuple(fresh)
