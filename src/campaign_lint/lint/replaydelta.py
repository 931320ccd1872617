"""A patched replay record written as a small delta beside the record it patches.

A 10,000-campaign record is megabytes: mostly each file's stamp and the
pickled findings of the files no control can change (``Results.untouched``).
A patch (``lint/patching.py``) changes the stamps of the few files it linted,
those files' untouched entries, the controlled findings and what the next
patch needs: writing the whole record again would cost more than the rest of
the patch. So the patched record is written as a *delta*, in a file of its
own beside the record (``replay-<key>-delta.bin``), signed like it:

* the signature of the record it applies to (its *base*: a delta read with
  another record, one written since by a full run, is ignored);
* the policy's stamps, and every campaign stamp that differs from the base's;
* the controlled findings, kept and silenced, each list as runs of the
  base's list (where the patch took them from it: every file but the
  edited ones; or made them again equal, where the base's list goes on:
  the run rules' findings, judged again by every patch) and of findings of
  its own (``Runs``);
* the source lines of the files whose lines are not the base's, and the
  files whose lines left;
* every record digest that differs from the base's (``Record.keys``: after
  an edit a portfolio rule reads, ``lint/recheck.py``);
* the untouched entries of the base left out, and those added;
* what the next patch needs (``patching.Section``, replacing the base's),
  its shares of the controls and its portfolio findings as runs of the
  base's (``section_of``): a comment patch of a 10,000-campaign portfolio
  writes a delta of about a kilobyte, not of hundreds.

A delta is always against the base, so a second patch writes a new delta
that holds the first one's changes too. When it would hold more than
``MOST_CHANGES`` stamps or untouched entries, the whole record is written
again instead (a new base, which leaves the delta stale). ``lint/replay.load``
applies a valid delta when it reads the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, TypeGuard, TypeVar

from campaign_lint.core.findings import Finding
from campaign_lint.core.slotted import Slotted
from campaign_lint.lint import cachedir
from campaign_lint.lint.cachedir import CACHE_DIR
from campaign_lint.lint.report import Results, Untouched
from campaign_lint.lint.signed import read_signed

# The most stamps, or untouched entries added, a delta holds; beyond, the record is written whole.
MOST_CHANGES = 64
_PREFIX = "replay-"


T = TypeVar("T")
# A list of a patched record's results as runs: ``(start, stop)`` of the base's list, or items of
# its own.
Runs = list[tuple[int, int] | list[T]]


class Delta(Slotted):
    """What a delta file holds (see the module docstring)."""

    __slots__ = (
        "base",
        "policy",
        "stamps",
        "kept",
        "silenced",
        "sources",
        "sources_gone",
        "dropped",
        "added",
        "section",
        "keys",
    )
    base: Final[bytes]
    policy: Final[tuple[tuple[str, int, int, int, bytes], ...]]
    stamps: Final[dict[int, tuple[str, int, int, int, bytes]]]
    kept: Final[Runs[Finding]]
    silenced: Final[Runs[tuple[Finding, str]]]
    sources: Final[dict[str, dict[int, str]]]
    sources_gone: Final[frozenset[str]]
    dropped: Final[frozenset[str]]
    added: Final[list[Untouched]]
    section: Final[object]
    # The record digests (``Record.keys``) that differ from the base's, by file index (a raised cap).
    keys: Final[dict[int, bytes]]

    def __init__(
        self,
        base: bytes,
        policy: tuple[tuple[str, int, int, int, bytes], ...],
        stamps: dict[int, tuple[str, int, int, int, bytes]],
        kept: Runs[Finding],
        silenced: Runs[tuple[Finding, str]],
        sources: dict[str, dict[int, str]],
        sources_gone: frozenset[str],
        dropped: frozenset[str],
        added: list[Untouched],
        section: object,
        keys: dict[int, bytes] | None = None,
    ) -> None:
        self.base = base
        self.policy = policy
        self.stamps = stamps
        self.kept = kept
        self.silenced = silenced
        self.sources = sources
        self.sources_gone = sources_gone
        self.dropped = dropped
        self.added = added
        self.section = section
        self.keys = {} if keys is None else keys

    def applied(self, base: Results) -> Results:
        """The results of the base, ``base``, with this delta's changes."""
        dropped, gone = self.dropped, self.sources_gone
        untouched = (
            [entry for entry in base.untouched if entry[0] not in dropped]
            if dropped
            else list(base.untouched)
        )
        sources = {path: lines for path, lines in base.sources.items() if path not in gone}
        sources.update(self.sources)
        return Results(
            _joined(self.kept, base.kept),
            _joined(self.silenced, base.silenced),
            sources,
            base.paths,
            untouched + self.added,
        )


def _runs(items: Sequence[T], base: Sequence[T]) -> Runs[T]:
    """``items`` as runs of ``base`` (in its order) and of items of their own.

    An item of ``base`` is the very object, or an equal one where ``base``'s
    list goes on from the last item taken from it: what a patch made again
    the same (the run rules' findings after the files', POL002 and POL003,
    judged again on every patch; the shares of a section read from an earlier
    delta) is not written again.
    """
    where = {id(item): index for index, item in enumerate(base)}
    runs: Runs[T] = []
    after = 0  # the index in ``base`` after the last item taken from it
    for item in items:
        at = where.get(id(item))
        if at is None and after < len(base) and base[after] == item:
            at = after
        last = runs[-1] if runs else None
        if at is None:
            if isinstance(last, list):
                last.append(item)
            else:
                runs.append([item])
            continue
        after = at + 1
        if isinstance(last, tuple) and last[1] == at:
            runs[-1] = (last[0], after)
        else:
            runs.append((at, after))
    return runs


def _joined(runs: Runs[T], base: Sequence[T]) -> list[T]:
    """The list that ``runs`` make of ``base``."""
    joined: list[T] = []
    for run in runs:
        if isinstance(run, tuple):
            joined.extend(base[run[0] : run[1]])
        else:
            joined.extend(run)
    return joined


def location(root: Path, key: bytes) -> Path:
    """Where the delta of the record under ``key`` is kept for the folder ``root``."""
    return root / CACHE_DIR / f"{_PREFIX}{key.hex()[:16]}-delta.bin"


def _key(key: bytes) -> bytes:
    """The key a delta is signed under: not its record's, so that neither file passes for the other."""
    return key + b"+delta"


def read(root: Path, key: bytes, secret: bytes, base: bytes) -> Delta | None:
    """The delta of the record under ``key`` whose signature is ``base``, if there is a valid one."""
    signed = read_signed(location(root, key), _key(key), secret)
    delta = signed.next() if signed is not None else None
    if not isinstance(delta, Delta) or delta.base != base:
        return None
    return delta


def delta(
    base: bytes,
    policy: tuple[tuple[str, int, int, int, bytes], ...],
    stamps: dict[int, tuple[str, int, int, int, bytes]],
    results: Results,
    recorded: Results,
    section: object,
    keys: dict[int, bytes] | None = None,
    recorded_section: object = None,
) -> Delta | None:
    """The delta that makes ``results`` of a base whose results were ``recorded``; ``None`` if too large.

    What of ``results`` is the very objects of ``recorded`` is the base's:
    the untouched entries, findings, silenced findings and source lines.
    Any other untouched entry is added (an entry replaced is left out and
    added), any other finding is the delta's own (unless equal to the
    base's where its list goes on: ``_runs``). ``section`` is stored as
    runs of the base's, ``recorded_section``, where both are sections.
    """
    ours = {id(entry) for entry in recorded.untouched}
    added = [entry for entry in results.untouched if id(entry) not in ours]
    if len(added) > MOST_CHANGES or len(stamps) > MOST_CHANGES or len(keys or ()) > MOST_CHANGES:
        return None
    still = {entry[0] for entry in results.untouched if id(entry) in ours}
    dropped = frozenset(entry[0] for entry in recorded.untouched if entry[0] not in still)
    before = recorded.sources
    sources = {path: lines for path, lines in results.sources.items() if before.get(path) is not lines}
    gone = frozenset(path for path in before if path not in results.sources)
    kept = _runs(results.kept, recorded.kept)
    silenced = _runs(results.silenced, recorded.silenced)
    runs = _section_runs(section, recorded_section)
    return Delta(base, policy, stamps, kept, silenced, sources, gone, dropped, added, runs, keys or {})


# A section (``patching.Section``) stored as runs of the base's: this mark, its overrides, its shares
# and its portfolio findings as runs, its ledger's tail.
_RUNS = "runs of the base's section"


def _section_runs(section: object, base: object) -> object:
    """``section`` with its lists as runs of ``base``'s (``section_of`` makes it again); itself if either is not one.

    A patch changes the shares of the files it linted and, after a raised
    cap, some portfolio findings: the thousands of other files' shares are
    the base's.
    """
    if not (_sectionlike(section) and _sectionlike(base)):
        return section
    return (_RUNS, section[0], _runs(section[1], base[1]), _runs(section[2], base[2]), section[3])


def _sectionlike(value: object) -> TypeGuard[tuple[Any, list[Any], list[Any], Any]]:
    """Whether ``value`` has a section's shape: four values, the second and third lists."""
    return (
        isinstance(value, tuple)
        and len(value) == 4
        and isinstance(value[1], list)
        and isinstance(value[2], list)
    )


def section_of(stored: object, base: object) -> object:
    """The section a delta holds (``stored``), made again from the base's (``base``) where stored as runs."""
    if not (isinstance(stored, tuple) and len(stored) == 5 and stored[0] == _RUNS and _sectionlike(base)):
        return stored
    _, overrides, shares, found, tail = stored
    return (overrides, _joined(shares, base[1]), _joined(found, base[2]), tail)


def keys_changed(ours: bytes, base: bytes, size: int) -> dict[int, bytes] | None:
    """The record digests (``size`` bytes each) of ``ours`` that differ from ``base``'s, by file index.

    ``None`` when the two do not hold as many: the record is written whole.
    """
    if ours == base:
        return {}
    if len(ours) != len(base):
        return None
    return {
        start // size: ours[start : start + size]
        for start in range(0, len(ours), size)
        if ours[start : start + size] != base[start : start + size]
    }


def with_keys(keys: bytes, changes: dict[int, bytes], size: int) -> bytes:
    """``keys`` (``size`` bytes each) with the ``changes`` a delta holds."""
    if not changes:
        return keys
    changed = bytearray(keys)
    for index, key in changes.items():
        if len(key) == size and (index + 1) * size <= len(keys):
            changed[index * size : (index + 1) * size] = key
    return bytes(changed)


def write(root: Path, key: bytes, secret: bytes, found: Delta) -> bool:
    """Write ``found`` as the delta of the record under ``key``; whether it was written."""
    return cachedir.store(location(root, key), _key(key), secret, found)
