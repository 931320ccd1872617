"""What changed since a replay record: the run's files found again and every stamp checked.

A replayed run (``cli/replay.py``) finds the files of its command line
(``lint/targets.resolve``: the whole portfolio, every file's pattern
answers) and checks every recorded stamp (``Record.changes``): a ``stat``
per file, most of an unchanged run's time. :func:`survey` does both and
keeps only what the run needs after: the focus and note of the targets, the
files changed since (a few: ``MOST_EDITED``), and the stamps that are new
because a file was saved again unchanged.

After an edit, the run must also import the engine, load the settings and
lint the edited files (``lint/patching.py``), which need none of that: where
the platform forks and a processor is idle, :class:`Surveying` runs the
survey in a forked child (``lint/forking.py``) while the caller goes on, and
hands its answer over a pipe. Otherwise the survey runs when its answer is
asked for. A child that fails, or is not needed any more, answers nothing:
the full run answers, as for any doubt.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from campaign_lint.core.slotted import Slotted
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.replay import MOST_EDITED, Record, Stamp

if TYPE_CHECKING:
    from campaign_lint.lint.forking import Connection, Process


class Survey(Slotted):
    """What a run over the record's command line finds changed (see the module docstring)."""

    __slots__ = ("focus", "note", "edited", "sources", "moved", "policy")
    focus: Final[frozenset[str] | None]
    note: Final[str | None]
    # Indices (in the record's files) of the files changed since, and those files as found.
    edited: Final[tuple[int, ...]]
    sources: Final[dict[int, SourceFile]]
    # Fresh stamps of files whose time moved but not their content, and the policy's (``None``: unchanged).
    moved: Final[dict[int, Stamp]]
    policy: Final[tuple[Stamp, ...] | None]

    def __init__(
        self,
        focus: frozenset[str] | None,
        note: str | None,
        edited: tuple[int, ...],
        sources: dict[int, SourceFile],
        moved: dict[int, Stamp],
        policy: tuple[Stamp, ...] | None,
    ) -> None:
        self.focus = focus
        self.note = note
        self.edited = edited
        self.sources = sources
        self.moved = moved
        self.policy = policy

    def current(self, record: Record) -> Record:
        """``record`` with the fresh stamps (itself when none moved); the edited files keep their old ones."""
        if not self.moved and self.policy is None:
            return record
        stamps = tuple(self.moved.get(index, stamp) for index, stamp in enumerate(record.stamps))
        return record.replace(stamps=stamps, policy=self.policy or record.policy)


def survey(record: Record, given: Sequence[Path], force_exclude: bool) -> Survey | None:
    """The files of a run over ``given`` against ``record``; ``None`` when they are not the record's, or too many changed."""
    from campaign_lint.lint.targets import resolve

    targets = resolve(list(given), record.scope, force_exclude=force_exclude, changed=None)
    found = record.changes(targets.files, MOST_EDITED)
    if found is None:
        return None
    current, edited = found
    moved = {
        index: stamp
        for index, (stamp, old) in enumerate(zip(current.stamps, record.stamps, strict=True))
        if stamp is not old
    }
    policy = current.policy if current.policy is not record.policy else None
    sources = {index: targets.files[index] for index in edited}
    return Survey(targets.focus, targets.note, edited, sources, moved, policy)


def idle_core() -> bool:
    """Whether a processor is likely idle (the load average of the last minute under their number).

    On a busy machine the child would only take turns with the process it
    should run beside: both ways cost the same time, and the child's work is
    wasted when the edit cannot be patched (measured: docs/performance.md).
    """
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    return load < (os.cpu_count() or 1) - 0.5


class Surveying:
    """A survey under way in a forked child (or, without ``fork``, to be run when asked for)."""

    def __init__(self, record: Record, given: Sequence[Path], force_exclude: bool) -> None:
        self.args = (record, list(given), force_exclude)
        self.child: tuple[Process, Connection] | None = None
        if hasattr(os, "fork") and idle_core():
            from campaign_lint.lint import forking

            self.child = forking.start(_surveying, self.args)

    def answer(self) -> Survey | None:
        """The survey's answer (waits for the child)."""
        if self.child is None:
            return survey(*self.args)
        connection = self.child[1]
        try:
            found: Survey | None = connection.recv()
        except EOFError:
            found = None
        finally:
            self.stop()
        return found

    def stop(self) -> None:
        """End the child, if any (its answer is not wanted, or has been read)."""
        if self.child is not None:
            process, connection = self.child
            self.child = None
            connection.close()
            process.kill()
            process.join()


def _surveying(connection: Connection, record: Record, given: Sequence[Path], force_exclude: bool) -> None:
    """The child's work: the survey, sent back (``None`` on any error: the full run will tell it)."""
    try:
        found = survey(record, given, force_exclude)
    except Exception:  # noqa: BLE001 - the full run reports what went wrong
        found = None
    connection.send(found)
