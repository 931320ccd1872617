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
* the controlled findings and their source lines (replacing the base's);
* the untouched entries of the base left out, and those added;
* what the next patch needs (``patching.Section``, replacing the base's).

A delta is always against the base, so a second patch writes a new delta
that holds the first one's changes too. When it would hold more than
``MOST_CHANGES`` stamps or untouched entries, the whole record is written
again instead (a new base, which leaves the delta stale). ``lint/replay.load``
applies a valid delta when it reads the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from campaign_lint.lint import cachedir
from campaign_lint.lint.cachedir import CACHE_DIR
from campaign_lint.lint.report import Results, Untouched
from campaign_lint.lint.signed import read_signed

# The most stamps, or untouched entries added, a delta holds; beyond, the record is written whole.
MOST_CHANGES = 64
_PREFIX = "replay-"


@dataclass(frozen=True, slots=True)
class Delta:
    """What a delta file holds (see the module docstring)."""

    base: bytes
    policy: tuple[tuple[str, int, int, int, bytes], ...]
    stamps: dict[int, tuple[str, int, int, int, bytes]]
    kept: list[object]
    silenced: list[object]
    sources: dict[str, dict[int, str]]
    dropped: frozenset[str]
    added: list[Untouched]
    section: object

    def untouched(self, base: list[Untouched]) -> list[Untouched]:
        """The base's untouched entries with this delta's changes."""
        dropped = self.dropped
        kept = [entry for entry in base if entry[0] not in dropped] if dropped else list(base)
        return kept + self.added


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
    untouched: list[Untouched],
    section: object,
) -> Delta | None:
    """The delta that makes ``results`` of a base whose untouched entries were ``untouched``; ``None`` if too large.

    The entries of ``results.untouched`` that are the base's own objects are
    the base's; any other is added (an entry replaced is left out and added).
    """
    ours = {id(entry) for entry in untouched}
    added = [entry for entry in results.untouched if id(entry) not in ours]
    if len(added) > MOST_CHANGES or len(stamps) > MOST_CHANGES:
        return None
    still = {entry[0] for entry in results.untouched if id(entry) in ours}
    dropped = frozenset(entry[0] for entry in untouched if entry[0] not in still)
    kept: list[object] = list(results.kept)
    silenced: list[object] = list(results.silenced)
    return Delta(base, policy, stamps, kept, silenced, results.sources, dropped, added, section)


def write(root: Path, key: bytes, secret: bytes, found: Delta) -> bool:
    """Write ``found`` as the delta of the record under ``key``; whether it was written."""
    return cachedir.store(location(root, key), _key(key), secret, found)
