"""One file's entry in the content cache (``lint/cache.py``): its stamp, and what linting it produced.

An entry is trusted while its file's size and modification time are as
recorded (``check_file``), and the outcome's parts are kept pickled apart
(``Entry``), so that a warm run unpickles only what it reads. The stamp of
the tool's own code (``code_stamp``) is part of the cache's key and of the
replay record's: another version of the code never reads what this one wrote.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import stat
from collections.abc import Hashable
from typing import TYPE_CHECKING

from campaign_lint.core.slotted import Mutable

if TYPE_CHECKING:
    from campaign_lint.lint.outcome import FileOutcome

# A file modified this close to the moment it was cached may have changed again
# within the file system's timestamp resolution: check its content ("racy git").
RACY_NS = 2_000_000_000


def digest(raw: bytes) -> bytes:
    """The content digest recorded for a file."""
    return hashlib.blake2b(raw, digest_size=16).digest()


@functools.cache
def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Size and modification time of the tool's own files (modules and data).

    The version alone misses a rule or profile changed in place (an editable
    install, a patched checkout); a few dozen ``stat`` calls catch it.
    """
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    inside = len(package) + 1  # a file's name from its path: what os.path.relpath gives, at half the cost
    stamp = []
    pending = [package]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.is_dir():
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith((".py", ".yaml")):
                    info = entry.stat()
                    stamp.append((entry.path[inside:].replace(os.sep, "/"), info.st_size, info.st_mtime_ns))
    return tuple(sorted(stamp))


def check_file(
    location: str, size: int, mtime_ns: int, taken_ns: int, content: bytes
) -> tuple[bool, int] | None:
    """Whether a file still holds ``content`` (digest) as it did at ``taken_ns``, with ``size`` and ``mtime_ns``.

    ``None`` when it changed or cannot be read; else (trusted by ``stat``
    alone, its modification time now). A file modified close to the moment
    it was stamped may have changed again within the file system's time
    resolution ("racy git"): it is checked by content, as is one whose time moved.
    """
    try:
        info = os.stat(location)
    except OSError:
        return None
    if info.st_size != size or not stat.S_ISREG(info.st_mode):  # a FIFO now: opening it would wait
        return None
    if info.st_mtime_ns == mtime_ns and mtime_ns < taken_ns - RACY_NS:
        return True, mtime_ns
    try:
        with open(location, "rb") as handle:
            same = digest(handle.read()) == content
    except OSError:
        return None
    return (False, info.st_mtime_ns) if same else None


class Entry(Mutable):
    """What the cache knows about one file."""

    __slots__ = (
        "size",
        "mtime_ns",
        "cached_ns",
        "content",
        "blob",
        "record",
        "sender",
        "shown",
        "record_key",
        "groups",
        "overrides",
        "rules",
        "mentions",
        "commented",
    )
    size: int
    mtime_ns: int
    cached_ns: int
    content: bytes
    # The outcome, pickled on its own: saving the cache after one file changed
    # writes the others' bytes as they are instead of pickling every outcome again.
    blob: bytes
    # The campaign's record, pickled apart from the outcome (None: not a valid
    # campaign): ``simulate`` reads records without unpickling findings.
    record: bytes | None
    # The record's contact-timeline view (``CampaignRecord.sender``), pickled on its own too: a
    # warm ``simulate`` reads only these.
    sender: bytes | None
    # The outcome's findings and source lines, pickled apart from the rest of it (``Shown``):
    # a run can pass them on to its results and replay record without unpickling them.
    shown: bytes
    # What the engine needs of an unchanged file besides its findings, kept unpickled:
    # the record's digest and groups (``lint/portfolio.py``), the matched overrides, the
    # rules of its findings, the files they involve (``Shown.mentions``), whether it has
    # suppression comments.
    record_key: bytes | None
    groups: tuple[tuple[Hashable, ...], ...] | None
    overrides: tuple[int, ...]
    rules: frozenset[str]
    mentions: frozenset[str]
    commented: bool

    def __init__(
        self,
        size: int,
        mtime_ns: int,
        cached_ns: int,
        content: bytes,
        blob: bytes,
        record: bytes | None = None,
        sender: bytes | None = None,
        shown: bytes = b"",
        record_key: bytes | None = None,
        groups: tuple[tuple[Hashable, ...], ...] | None = None,
        overrides: tuple[int, ...] = (),
        rules: frozenset[str] = frozenset(),
        mentions: frozenset[str] = frozenset(),
        commented: bool = False,
    ) -> None:
        self.size = size
        self.mtime_ns = mtime_ns
        self.cached_ns = cached_ns
        self.content = content
        self.blob = blob
        self.record = record
        self.sender = sender
        self.shown = shown
        self.record_key = record_key
        self.groups = groups
        self.overrides = overrides
        self.rules = rules
        self.mentions = mentions
        self.commented = commented

    def outcome(self) -> FileOutcome:
        """The cached outcome (its record still pickled, in ``record_blob``)."""
        outcome: FileOutcome = pickle.loads(self.blob)  # signed with the cache: see the module docstring
        outcome.findings, outcome.lines = pickle.loads(self.shown)
        outcome.record_blob = self.record
        return outcome

    def untouched(self, waived: frozenset[str]) -> bool:
        """Whether no control can change this file's findings: no comment, and no exception of their rules.

        Such a file's findings go to the results as they are (``Entry.shown``,
        still pickled); ``waived`` holds the rules the policy's exceptions name.
        """
        return not self.commented and self.rules.isdisjoint(waived)
