"""The settings of a run, kept for the next run that uses the cache, which then neither reads nor validates the policy.

Loading settings (``lint/config.load_settings``) reads the policy files,
validates them (pydantic builds the policy model's validator at its first
use), the rules' options, the personas and the locks: tens of milliseconds
that every run that lints pays, which a run after an edit (``cli/replay.py``)
and every pre-commit run feel. A run that uses the cache keeps what it loaded
in ``.campaign-lint-cache/settings-<key>.bin``, pickled and signed like the
content cache (``lint/signed.py``); the next run with the same inputs
unpickles it instead (a pickled pydantic model needs no validator).

The file's name and signing key are made of what the settings are made from
besides the policy files' content: the tool (its version and its own files,
``cacheentry.code_stamp``), Python and pydantic, the working folder (policy paths
in messages are relative to it), the policy file (as the run names it: the
settings' ``policy_path``) and the folder it governs,
``--select``, ``--ignore``, ``--fail-on`` and the day (exceptions expire).
In the file, before the settings, is what the load read, each checked again
before they are trusted:

* every policy file read (the ``extends`` graph: ``Layered.files``), by real
  path and the digest of the bytes the load parsed (``Layered.digests``: not
  the file read again, which may have been replaced meanwhile), and the real
  path of the policy file named;
* where each ``extends`` entry that names a file leads (``Layered.links``): a
  symbolic link on the way, the file or a folder, may now lead to another
  file, while every file read is as it was;
* the folder that policy files must stay in (``core.files.boundary_of``);
* the content digest of each time zone the personas live in (validating the
  policy loads them: ``lint/zonefiles.digests``).

With the settings is what runs draw from them by serializing the policy
(``Settings.derived``: the cache key's JSON, the policy as custom rules'
data), so that pydantic builds no serializer either.

A missing, foreign, damaged or stale file is never an error: the settings
are loaded as usual and written for the next run. A policy that does not load
is reported as ever, and nothing is kept. ``--no-cache`` neither reads nor
writes the file, and a run without a policy file keeps nothing (its settings
are the defaults, read from no file).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from campaign_lint import __version__
from campaign_lint.core.files import boundary_of, read_regular
from campaign_lint.core.findings import Severity
from campaign_lint.lint import cachedir
from campaign_lint.lint.cachedir import CACHE_DIR
from campaign_lint.lint.cacheentry import RACY_NS, code_stamp
from campaign_lint.lint.config import Settings, load_settings
from campaign_lint.lint.derived import dumped, policy_data
from campaign_lint.lint.locate import find_policy, governed_root
from campaign_lint.lint.policyfile import MAX_POLICY_BYTES, content_digest
from campaign_lint.lint.signed import read_signed, secret_key
from campaign_lint.lint.zonefiles import digests, policy_zones

_PREFIX = "settings-"

# A policy file read: as ``Layered.files`` names it, its real path, its content digest.
Read = tuple[str, str, bytes]


def kept_settings(
    config: Path | None,
    start: Path,
    select: Sequence[str],
    ignore: Sequence[str],
    fail_on: Severity | None,
    today: date | None,
) -> Settings:
    """``load_settings`` of these arguments, answered from the settings file when it still holds."""
    day = today or date.today()
    path = config if config is not None else find_policy(start)
    if path is None or not os.path.isfile(path):
        # No policy file (the defaults), or one load_settings rejects: nothing to keep.
        return load_settings(config, start, select=select, ignore=ignore, fail_on=fail_on, today=today)
    root = governed_root(path, start)
    key = settings_key(path, root, select, ignore, fail_on, day)
    where = root / CACHE_DIR / f"{_PREFIX}{key.hex()[:16]}.bin"
    secret = secret_key(root) if cachedir.problem(where.parent) is None else None
    found = _read(where, key, secret, path) if secret is not None else None
    if found is not None and found.today == day:
        return found
    started_ns = time.time_ns()
    settings = load_settings(path, start, select=select, ignore=ignore, fail_on=fail_on, today=today)
    if secret is not None and settings.today == day:  # (made past midnight: kept by the next run)
        _write(where, key, secret, path, settings, started_ns)
    return settings


def settings_key(
    path: Path,
    root: Path,
    select: Sequence[str],
    ignore: Sequence[str],
    fail_on: Severity | None,
    day: date,
) -> bytes:
    """The settings file's key: what the settings are made from, but the policy files' content."""
    import pydantic  # already imported: the settings are pydantic models
    import pydantic_core

    parts = [
        __version__,
        code_stamp(),
        sys.version,
        pydantic.VERSION,
        pydantic_core.__version__,
        os.getcwd(),
        str(path),  # as given (``--config campaign-lint.yaml``) or found: the settings' ``policy_path``
        os.path.abspath(path),
        str(root),
        tuple(select),
        tuple(ignore),
        None if fail_on is None else str(fail_on),
        day.isoformat(),
    ]
    return hashlib.sha256(repr(parts).encode()).digest()


def _read(where: Path, key: bytes, secret: bytes, path: Path) -> Settings | None:
    """The settings kept in ``where`` under ``key``, if what they were loaded from is unchanged."""
    signed = read_signed(where, key, secret)
    head = signed.next() if signed is not None else None
    if signed is None or not isinstance(head, tuple) or len(head) != 4 or head[0] != key:
        return None
    _, real, boundary, files = head
    if real != os.path.realpath(path) or boundary != boundary_of(str(path)):
        return None
    if not isinstance(files, tuple) or not all(_unchanged(read) for read in files):
        return None
    settings = signed.next()
    if not isinstance(settings, Settings) or settings.layered is None:
        return None
    if any(os.path.realpath(written) != real for written, real in settings.layered.links):
        return None  # an `extends` entry now leads to another file, through a link
    zones = signed.next()
    if zones != digests(policy_zones(settings.policy)):
        return None
    return settings


def _unchanged(read: object) -> bool:
    """Whether the policy file ``read`` (``Read``) still holds what was read."""
    if not isinstance(read, tuple) or len(read) != 3:
        return False
    name, real, content = read
    try:
        return bool(
            os.path.realpath(name) == real and content_digest(read_regular(name, MAX_POLICY_BYTES)) == content
        )
    except OSError:
        return False


def _write(where: Path, key: bytes, secret: bytes, path: Path, settings: Settings, started_ns: int) -> None:
    """Keep ``settings`` in ``where``, unless a policy file changed while they were loaded (it may not be what was read)."""
    if settings.layered is None or settings.policy_path != path:
        return
    files: list[Read] = []
    for name in settings.layered.files:
        # The digest of the bytes the settings were parsed from: a file replaced since, even by one
        # with an old time (``cp -p``), does not pass for what was read.
        content = settings.layered.digests.get(name)
        try:
            info = os.stat(name)
        except OSError:
            return
        if content is None or info.st_mtime_ns >= started_ns - RACY_NS:
            return
        files.append((name, os.path.realpath(name), content))
    zones = digests(policy_zones(settings.policy))
    dumped(settings)  # what the cache key serializes, kept with the settings
    if settings.custom_rules:
        policy_data(settings)
    head = (key, os.path.realpath(path), boundary_of(str(path)), tuple(files))
    try:
        cachedir.store(where, key, secret, head, settings, zones)
    except Exception:  # noqa: BLE001 - settings that do not pickle are loaded again next time, as without the file
        return
