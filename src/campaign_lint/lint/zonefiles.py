"""The time zone files a run reads: stamped so that the cache and the replay records notice new zone rules.

A persona's ``timezone`` (and ``simulate --timezone``) is read by the standard
library's ``zoneinfo`` from the IANA time zone database: the first file of
that name in ``zoneinfo.TZPATH`` (the system's database, or the folders
``PYTHONTZPATH`` names), else the ``tzdata`` package's. A system update or a
new ``tzdata`` that changes a zone's rules changes what a run answers for
unchanged campaign files, so what a run keeps notes the zone data it read:

* the cache key (``lint/cache.py``, ``policy_key``) holds the content digest
  of each zone file the effective policy names (:func:`digests`);
* the replay records (``lint/replay.py``) stamp those files, with the policy
  files (:func:`found`), and note where ``zoneinfo`` looked before finding
  them (:data:`Lookup`): ``PYTHONTZPATH`` as it was, and the places of the
  search path that held no file of the name, which must still hold none
  (:func:`lookup_holds`).

A run whose policy names no zone reads none of this: nothing is stamped and
``zoneinfo`` is not imported for it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from campaign_lint.schemas.policy import Policy

# What decided where ``zoneinfo`` found the zone files of a run: the value of
# ``PYTHONTZPATH`` (None: not set), and the paths it tried first, which held no file.
Lookup = tuple[str | None, tuple[str, ...]]

# The content digest of each zone as last read by this process (see ``digests``).
_seen: dict[str, bytes | None] = {}


def policy_zones(policy: Policy) -> tuple[str, ...]:
    """The zones the personas of ``policy`` live in, sorted; ``()`` for a policy without zones."""
    return tuple(sorted({entry.timezone for entry in policy.personas.values() if entry.timezone}))


def _locate(name: str) -> tuple[str | None, bytes | None, tuple[str, ...]]:
    """Where ``zoneinfo`` reads the zone ``name``: the file (None: not a file on disk), its bytes, the paths tried first.

    The bytes are None when there is no such zone.
    """
    import zoneinfo
    from importlib import resources
    from pathlib import Path

    tried: list[str] = []
    for folder in zoneinfo.TZPATH:  # as zoneinfo's own search: the first regular file of the name
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            try:
                with open(candidate, "rb") as handle:
                    return candidate, handle.read(), tuple(tried)
            except OSError:
                return candidate, None, tuple(tried)
        tried.append(candidate)
    *folders, leaf = name.split("/")
    try:  # the ``tzdata`` package, as zoneinfo reads it: a resource of the package of the zone's folder
        resource = resources.files(".".join(["tzdata.zoneinfo", *folders])).joinpath(leaf)
        content = resource.read_bytes()
    except (ImportError, OSError, ValueError):
        return None, None, tuple(tried)
    where = os.fspath(resource) if isinstance(resource, Path) else None
    return where, content, tuple(tried)


def digests(names: Iterable[str]) -> list[tuple[str, str | None]]:
    """Each zone of ``names`` with the digest of the data ``zoneinfo`` reads for it (None: no such zone).

    A long-running process (the language server) may already hold a zone
    read before its file changed: when a digest differs from the one this
    process saw, the zone is forgotten, so that the run reads it again.
    """
    found = []
    for name in names:
        content = _locate(name)[1]
        value = None if content is None else hashlib.blake2b(content, digest_size=16).digest()
        if name in _seen and _seen[name] != value:
            _forget(name)
        _seen[name] = value
        found.append((name, None if value is None else value.hex()))
    return found


def _forget(name: str) -> None:
    """Drop the zone ``name`` read before: the next ``zone(name)`` reads its file again."""
    from zoneinfo import ZoneInfo

    from campaign_lint.core.timezones import zone

    ZoneInfo.clear_cache(only_keys=[name])
    zone.cache_clear()


def found(names: Sequence[str]) -> tuple[list[str], Lookup] | None:
    """The files ``zoneinfo`` reads for the zones ``names``, and how it found them; ``None`` when one is no file."""
    files: list[str] = []
    tried: list[str] = []
    for name in names:
        where, content, before = _locate(name)
        if where is None or content is None:
            return None
        files.append(where)
        tried.extend(path for path in before if path not in tried)
    return files, (os.environ.get("PYTHONTZPATH"), tuple(tried))


def lookup_holds(lookup: Lookup) -> bool:
    """Whether ``zoneinfo`` would still find the zone files where it did (``Lookup``)."""
    tzpath, tried = lookup
    return os.environ.get("PYTHONTZPATH") == tzpath and not any(map(os.path.isfile, tried))
