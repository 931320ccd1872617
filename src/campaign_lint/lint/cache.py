"""The content cache: per-file results reused while file and policy are unchanged.

One file per policy under ``.campaign-lint-cache/`` next to the policy file
(or in the linted folder: ``lint/cachedir.py``), and beside it a small
*journal* of the entries changed since it was written (``Cache.save``). It holds, per campaign file, the file's size,
modification time and content digest, and what linting it produced: findings,
the compact record of the campaign the portfolio rules read, suppression
comments. A warm run therefore reads no unchanged YAML: a file whose size and
modification time are as recorded is a hit; one whose modification time moved
is re-hashed and still a hit when its content is the same. A hit whose
findings no suppression comment or policy exception can touch is not even
unpickled: its findings go on to the results, and to the replay record, as
the pickled bytes the cache holds (``Entry.untouched``, ``Results.untouched``).

The cache is keyed on the tool version (and the size and modification time of
its own modules) and a digest of everything a file's result depends on (the
effective policy, enabled rules and their options, the working directory that
display paths are relative to, and the data of the time zones the policy's
personas live in: ``lint/zonefiles.py``). It is pickled, so it is
signed (``lint/signed.py``): an HMAC with a key kept in the user's cache
folder, outside the repository. A cache that is corrupt, from another version, another policy,
another machine or committed by someone else fails the check and is ignored
and rebuilt, never trusted (unpickling is only ever done on signed bytes).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import stat
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign_lint import __version__
from campaign_lint.core.pickling import by_fields
from campaign_lint.lint import cachedir
from campaign_lint.lint.cachedir import CACHE_DIR
from campaign_lint.lint.report import mentions
from campaign_lint.lint.signed import Signed, read_signed, say_once, secret_key

if TYPE_CHECKING:
    # Types only: an unchanged run is answered from the replay record (which
    # imports this module) without loading the policy models, rules or parser.
    from campaign_lint.lint.config import Settings
    from campaign_lint.lint.discovery import SourceFile
    from campaign_lint.lint.outcome import FileOutcome
    from campaign_lint.lint.portfolio import State
    from campaign_lint.policies.base import CampaignRecord
    from campaign_lint.policies.timeline import Sender

# A file modified this close to the moment it was cached may have changed again
# within the file system's timestamp resolution: check its content ("racy git").
RACY_NS = 2_000_000_000


def digest(raw: bytes) -> bytes:
    """The content digest recorded for a file."""
    return hashlib.blake2b(raw, digest_size=16).digest()


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


@dataclass(slots=True)
class Entry:
    """What the cache knows about one file."""

    size: int
    mtime_ns: int
    cached_ns: int
    content: bytes
    # The outcome, pickled on its own: saving the cache after one file changed
    # writes the others' bytes as they are instead of pickling every outcome again.
    blob: bytes
    # The campaign's record, pickled apart from the outcome (None: not a valid
    # campaign): ``simulate`` reads records without unpickling findings.
    record: bytes | None = None
    # The record's contact-timeline view (``CampaignRecord.sender``), pickled on its own too: a
    # warm ``simulate`` reads only these.
    sender: bytes | None = None
    # The outcome's findings and source lines, pickled apart from the rest of it (``Shown``):
    # a run can pass them on to its results and replay record without unpickling them.
    shown: bytes = b""
    # What the engine needs of an unchanged file besides its findings, kept unpickled:
    # the record's digest and groups (``lint/portfolio.py``), the matched overrides, the
    # rules of its findings, the files they involve (``Shown.mentions``), whether it has
    # suppression comments.
    record_key: bytes | None = None
    groups: tuple[tuple[Hashable, ...], ...] | None = None
    overrides: tuple[int, ...] = ()
    rules: frozenset[str] = frozenset()
    mentions: frozenset[str] = frozenset()
    commented: bool = False

    __reduce__ = by_fields

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


@dataclass(slots=True)
class Cache:
    """Cached outcomes of one policy in one folder."""

    path: Path
    key: bytes
    secret: bytes | None
    entries: dict[str, Entry] = field(default_factory=dict)
    # The portfolio rules' findings per group of campaigns, with the digest of each group (lint/portfolio.py).
    portfolio_state: State | None = None
    dirty: bool = False
    # Whether ``entries`` came from the cache file (the journal then holds what changed since).
    based: bool = False
    # The entries added or refreshed since the cache file was written (see ``save``).
    changed: set[str] = field(default_factory=set)
    # Whether an entry was forgotten since the cache file was written.
    removed: bool = False
    # The ``campaigns`` and ``exclude`` patterns' answers by path (``Scope.answers``): the
    # policy is part of the key, so they hold; a run finds its files without matching them.
    answers: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    # How many answers the cache file, and the journal, hold.
    answers_saved: int = 0

    def keep_answers(self, answers: dict[str, tuple[bool, bool]]) -> None:
        """Remember the patterns' answers of this run (``answers``, which started as the cache's)."""
        self.answers = answers
        if len(answers) != self.answers_saved:
            self.dirty = True

    def entry(self, source: SourceFile) -> Entry | None:
        """The entry of ``source`` if the file is unchanged."""
        entry = self.entries.get(source.display)
        if entry is None or source.outside or source.content is not None:
            return None  # a link out of the repository now (never read), or text in place of the file
        checked = check_file(source.location, entry.size, entry.mtime_ns, entry.cached_ns, entry.content)
        if checked is None:
            return None
        trusted, mtime_ns = checked
        if not trusted:
            # Same content: remember the new time, so the next run trusts the stat again.
            entry.mtime_ns, entry.cached_ns = mtime_ns, time.time_ns()
            self.dirty = True
            self.changed.add(source.display)
        return entry

    def store(self, source: SourceFile, outcome: FileOutcome, stat: os.stat_result | None) -> None:
        """Remember ``outcome`` for ``source`` (its file's ``stat`` taken before reading)."""
        content = outcome.content
        if stat is None or content is None or source.content is not None:  # not the file's own bytes
            self.entries.pop(source.display, None)
            return
        record = outcome.record_blob
        sender = None
        if outcome.record is not None:
            record = pickle.dumps(outcome.record, protocol=pickle.HIGHEST_PROTOCOL)
            if outcome.record.sender is not None:
                sender = pickle.dumps(outcome.record.sender, protocol=pickle.HIGHEST_PROTOCOL)
        findings, lines = outcome.findings, outcome.lines
        shown = pickle.dumps((findings, lines), protocol=pickle.HIGHEST_PROTOCOL)
        blob = pickle.dumps(
            replace(outcome, findings=[], lines={}, record=None, record_blob=None),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        self.entries[source.display] = Entry(
            stat.st_size,
            stat.st_mtime_ns,
            time.time_ns(),
            content,
            blob,
            record,
            sender,
            shown,
            outcome.record_key,
            outcome.groups,
            outcome.overrides,
            frozenset(finding.rule for finding in findings),
            mentions(findings),
            bool(outcome.comments),
        )
        self.dirty = True
        self.changed.add(source.display)

    def forget_missing(self, seen: set[str]) -> None:
        """Forget entries of files that no longer exist (those not in this run's ``seen``)."""
        for display in [name for name in self.entries if name not in seen]:
            if not os.path.exists(display):
                del self.entries[display]
                self.dirty = True
                self.removed = True

    def save(self) -> None:
        """Write the cache atomically; a failure to write only costs the next run time.

        After a few edits (the pre-commit case) only the *journal* is written:
        the entries changed since the cache file was, and the portfolio
        state, in a small signed file beside it that ``open_cache`` applies
        over it. Once the changes pass ``_JOURNAL_SHARE`` of the entries, or
        an entry was forgotten, the whole cache file is written again and the
        journal removed. Each entry stands on its own (size, time and digest of
        the content it is the outcome of; group digests for the portfolio),
        so a journal applied over a cache file that another run wrote since
        can only miss, never mislead.
        """
        if not self.dirty or self.secret is None:
            return
        journal = _journal_of(self.path)
        small = len(self.changed) <= max(_JOURNAL_MIN, len(self.entries) * _JOURNAL_SHARE)
        answers = self.answers
        if self.based and not self.removed and small:
            changed = {name: self.entries[name] for name in sorted(self.changed) if name in self.entries}
            if cachedir.store(
                journal, self.key, self.secret, (self.key, changed, self.portfolio_state, answers)
            ):
                self.dirty, self.answers_saved = False, len(answers)
            return
        if cachedir.store(
            self.path, self.key, self.secret, (self.key, self.entries, self.portfolio_state, answers)
        ):
            journal.unlink(missing_ok=True)
            self.dirty, self.based, self.removed = False, True, False
            self.changed.clear()
            self.answers_saved = len(answers)


# The journal holds at most this share of the entries (and at least ``_JOURNAL_MIN``) before
# the cache file is written again: reading it costs a run what writing the whole file saves.
_JOURNAL_SHARE = 0.02
_JOURNAL_MIN = 64


def _journal_of(path: Path) -> Path:
    """The journal of the cache file ``path`` (``results-KEY.bin``: ``journal-KEY.bin``)."""
    return path.with_name("journal-" + path.name.split("-", 1)[1])


def stored_records(stored: Sequence[bytes]) -> list[CampaignRecord]:
    """The records of cache hits (``FileOutcome.record_blob``: bytes of the signed cache)."""
    return [pickle.loads(blob) for blob in stored]


def stored_senders(stored: Sequence[bytes]) -> list[Sender]:
    """The timeline views of cache hits (``Entry.sender``: bytes of the signed cache)."""
    return [pickle.loads(blob) for blob in stored]


@functools.cache
def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Size and modification time of the tool's own files (modules and data).

    The version alone misses a rule or profile changed in place (an editable
    install, a patched checkout); a few dozen ``stat`` calls catch it.
    """
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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
                    name = os.path.relpath(entry.path, package).replace(os.sep, "/")
                    stamp.append((name, info.st_size, info.st_mtime_ns))
    return tuple(sorted(stamp))


def policy_key(settings: Settings) -> bytes:
    """Digest of everything a single file's result depends on, besides its content."""
    parts: list[Any] = [
        __version__,
        code_stamp(),
        os.getcwd(),
        str(settings.root),
        settings.profile,
        settings.policy.model_dump_json(by_alias=True),
        sorted(
            (rule_id, str(setting.severity), setting.options.model_dump_json())
            for rule_id, setting in settings.rules.items()
        ),
    ]
    from campaign_lint.lint.zonefiles import digests, policy_zones  # a full run's: not the replay's

    zones = policy_zones(settings.policy)
    if zones:  # the zone data read (a new tzdata, a system update): see lint/zonefiles.py
        parts.append(digests(zones))
    return hashlib.sha256(repr(parts).encode()).digest()


def cache_root(settings: Settings) -> Path:
    """Where the cache of a run lives: next to the policy file, or in the linted folder."""
    return settings.root / CACHE_DIR


def open_cache(settings: Settings) -> Cache:
    """The cache for ``settings``: loaded when valid, empty otherwise."""
    key = policy_key(settings)
    folder = cache_root(settings)
    path = folder / f"results-{key.hex()[:16]}.bin"
    unusable = cachedir.problem(folder)
    if unusable is not None:  # a link committed in its place: neither read nor written
        say_once(unusable)
        return Cache(path, key, None)
    secret = secret_key(settings.root)
    cache = Cache(path, key, secret)
    if secret is None:
        return cache
    if not _load_into(cache, read_signed(path, key, secret)):
        return cache
    cache.based = True
    journal = read_signed(_journal_of(path), key, secret)
    if journal is not None:
        entries = cache.entries
        cache.entries = {}
        if _load_into(cache, journal):
            cache.changed = set(cache.entries)
            entries.update(cache.entries)
        cache.entries = entries
    return cache


def _load_into(cache: Cache, signed: Signed | None) -> bool:
    """Load the entries and portfolio state of a cache file, or journal, into ``cache``; whether it was one."""
    stored = signed.next() if signed is not None else None
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == cache.key):
        return False
    entries, portfolio, answers = stored[1:]
    if not isinstance(entries, dict) or not isinstance(answers, dict):
        return False
    cache.entries = entries
    valid = (
        isinstance(portfolio, tuple)
        and len(portfolio) == 3
        and isinstance(portfolio[1], dict)
        and isinstance(portfolio[2], dict)
    )
    cache.portfolio_state = portfolio if valid else None
    cache.answers, cache.answers_saved = answers, len(answers)
    return True


def file_stat(path: str) -> os.stat_result | None:
    """``os.stat`` of a file about to be linted (its entry's stamp), or ``None`` if it has gone."""
    try:
        return os.stat(path)
    except OSError:
        return None
