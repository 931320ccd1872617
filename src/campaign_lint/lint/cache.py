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

The cache file is four values pickled one after the other and signed
together: the key, the entries, the patterns' answers, the portfolio state
(``lint/portfolio.py``: a remembered group per SPEC003 id, the plans FRQ003
and FRQ004 keep). The journal is the same four, with only the changed
entries, and ``None`` for answers or a state that are the cache file's
(``Cache.answers_filed``, ``Cache.state_filed``). ``open_cache`` reads the
values in order and stops at what it needs: after an edit no portfolio rule
reads (a comment, a reworded message) the journal holds the entry alone and
neither file's answers nor state is written again; after one they read, the
cache file's answers and state (an eighth of its bytes in a portfolio of 10,000) are verified but never
unpickled. A warm run then settles each file with one ``stat`` in one loop
(``Cache.lookup``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign_lint import __version__
from campaign_lint.core.slotted import Mutable
from campaign_lint.lint import cachedir
from campaign_lint.lint.cachedir import CACHE_DIR
from campaign_lint.lint.cacheentry import RACY_NS as RACY_NS
from campaign_lint.lint.cacheentry import Entry as Entry
from campaign_lint.lint.cacheentry import check_file as check_file
from campaign_lint.lint.cacheentry import code_stamp as code_stamp
from campaign_lint.lint.cacheentry import digest as digest
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


class Cache(Mutable):
    """Cached outcomes of one policy in one folder."""

    __slots__ = (
        "path",
        "key",
        "secret",
        "entries",
        "portfolio_state",
        "dirty",
        "based",
        "changed",
        "removed",
        "answers",
        "answers_saved",
        "answers_filed",
        "state_filed",
    )
    path: Path
    key: bytes
    secret: bytes | None
    entries: dict[str, Entry]
    # The portfolio rules' findings per group of campaigns, with the digest of each group (lint/portfolio.py).
    portfolio_state: State | None
    dirty: bool
    # Whether ``entries`` came from the cache file (the journal then holds what changed since).
    based: bool
    # The entries added or refreshed since the cache file was written (see ``save``).
    changed: set[str]
    # Whether an entry was forgotten since the cache file was written.
    removed: bool
    # The ``campaigns`` and ``exclude`` patterns' answers by path (``Scope.answers``): the
    # policy is part of the key, so they hold; a run finds its files without matching them.
    answers: dict[str, tuple[bool, bool]]
    # How many answers the cache file, and the journal, hold; how many the cache file holds.
    answers_saved: int
    answers_filed: int
    # Whether ``portfolio_state`` is the one the cache file holds (a journal then leaves it out).
    state_filed: bool

    def __init__(
        self,
        path: Path,
        key: bytes,
        secret: bytes | None,
        entries: dict[str, Entry] | None = None,
        portfolio_state: State | None = None,
        dirty: bool = False,
        based: bool = False,
        changed: set[str] | None = None,
        removed: bool = False,
        answers: dict[str, tuple[bool, bool]] | None = None,
        answers_saved: int = 0,
        answers_filed: int = 0,
        state_filed: bool = False,
    ) -> None:
        self.path = path
        self.key = key
        self.secret = secret
        self.entries = {} if entries is None else entries
        self.portfolio_state = portfolio_state
        self.dirty = dirty
        self.based = based
        self.changed = set() if changed is None else changed
        self.removed = removed
        self.answers = {} if answers is None else answers
        self.answers_saved = answers_saved
        self.answers_filed = answers_filed
        self.state_filed = state_filed

    def keep_answers(self, answers: dict[str, tuple[bool, bool]]) -> None:
        """Remember the patterns' answers of this run (``answers``, which started as the cache's)."""
        self.answers = answers
        if len(answers) != self.answers_saved:
            self.dirty = True

    def keep_state(self, state: State, changed: bool) -> None:
        """Remember the portfolio state of this run (``changed``: it differs from the one the cache held)."""
        self.portfolio_state = state
        if changed:
            self.dirty, self.state_filed = True, False

    def lookup(self, files: Sequence[SourceFile]) -> list[Entry | None]:
        """``entry`` of each of ``files``, in order, in one loop: a file whose ``stat`` settles it costs one call.

        The usual file of a warm run (its size and modification time as
        recorded, and recorded long enough after it was modified) is settled
        here; any other goes through ``entry``, which stats it again.
        """
        get = self.entries.get
        stat_of, regular = os.stat, stat.S_ISREG
        found: list[Entry | None] = []
        append = found.append
        for source in files:
            entry = get(source.display)
            if entry is None or source.outside or source.content is not None:
                append(None)
                continue
            try:
                info = stat_of(source.location)
            except OSError:
                append(None)
                continue
            mtime_ns = entry.mtime_ns
            if (
                info.st_mtime_ns == mtime_ns
                and info.st_size == entry.size
                and mtime_ns < entry.cached_ns - RACY_NS
                and regular(info.st_mode)
            ):
                append(entry)
            else:
                append(self.entry(source))
        return found

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
            outcome.replace(findings=[], lines={}, record=None, record_blob=None),
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
        state and answers unless the cache file's still hold (module
        docstring), in a small signed file beside it that ``open_cache``
        applies over it. Once the changes pass ``_JOURNAL_SHARE`` of the entries, or
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
        answers, state = self.answers, self.portfolio_state
        if self.based and not self.removed and small:
            changed = {name: self.entries[name] for name in sorted(self.changed) if name in self.entries}
            # The answers and the state as the cache file holds them are left out (None): see ``open_cache``.
            filed = None if len(answers) == self.answers_filed else answers
            if cachedir.store(
                journal, self.key, self.secret, self.key, changed, filed, None if self.state_filed else state
            ):
                self.dirty, self.answers_saved = False, len(answers)
            return
        if cachedir.store(self.path, self.key, self.secret, self.key, self.entries, answers, state):
            journal.unlink(missing_ok=True)
            self.dirty, self.based, self.removed = False, True, False
            self.changed.clear()
            self.answers_saved = self.answers_filed = len(answers)
            self.state_filed = True


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


def policy_key(settings: Settings) -> bytes:
    """Digest of everything a single file's result depends on, besides its content."""
    parts: list[Any] = [
        __version__,
        code_stamp(),
        os.getcwd(),
        str(settings.root),
        settings.profile,
    ]
    from campaign_lint.lint.derived import dumped
    from campaign_lint.lint.zonefiles import digests, policy_zones  # a full run's: not the replay's

    parts.extend(dumped(settings))
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
    stored = read_signed(path, key, secret)
    entries = _entries_of(stored, key)
    if stored is None or entries is None:
        return cache
    cache.entries, cache.based = entries, True
    journal = read_signed(_journal_of(path), key, secret)
    changed = _entries_of(journal, key)
    answers: object = None
    state: object = None
    if journal is not None and changed is not None:
        answers, state = journal.next(), journal.next()
        entries.update(changed)
        cache.changed = set(changed)
    if answers is None or state is None:
        # What the journal leaves out (None) is as the cache file holds it: only then read (its answers
        # come before its state). Most runs after an edit need neither.
        filed = stored.next()
        cache.answers_filed = len(filed) if isinstance(filed, dict) else 0
        answers = filed if answers is None else answers
        if state is None:
            state, cache.state_filed = stored.next(), True
    cache.answers = answers if isinstance(answers, dict) else {}
    cache.answers_saved = len(cache.answers)
    cache.portfolio_state = valid_state(state)
    return cache


def _entries_of(signed: Signed | None, key: bytes) -> dict[str, Entry] | None:
    """The entries of a cache file or journal (its first two values: the key, the entries); None if not one."""
    if signed is None or signed.next() != key:
        return None
    entries = signed.next()
    return entries if isinstance(entries, dict) else None


def valid_state(value: Any) -> State | None:
    """``value`` if it has the shape of a portfolio state (``lint/portfolio.py``), else None (none remembered)."""
    valid = (
        isinstance(value, tuple)
        and len(value) == 3
        and isinstance(value[1], dict)
        and isinstance(value[2], dict)
    )
    return value if valid else None


def file_stat(path: str) -> os.stat_result | None:
    """``os.stat`` of a file about to be linted (its entry's stamp), or ``None`` if it has gone."""
    try:
        return os.stat(path)
    except OSError:
        return None
