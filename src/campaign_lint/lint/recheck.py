"""A patch whose edited files' facts changed: the portfolio rules checked again, from a file beside the record.

A patch of the replay record (``lint/patching.py``) lints only the few
edited files. When one of them changed what a portfolio rule reads (a raised
``frequency.max``, a new id: its record digest, ``FileOutcome.record_key``, is
not the recorded one), the portfolio findings must be found again. A full
run would open the content cache (its 10,000 entries unpickled), take an
outcome for each file and run the portfolio rules with the state the cache
remembers (only the groups whose digest moved are checked again, FRQ003 and
FRQ004 with the plans they kept: ``lint/portfolio.py``). :func:`recheck`
knows which members moved (the edited files whose record digest changed),
and runs ``regroup.check_moved``: only the groups they are or were in are
checked again, every whole-portfolio group (FRQ003, FRQ004) among them, the
others kept as remembered. It works on what is kept for it beside the
replay record (:data:`Kept`, in ``kept-<key>.bin``, signed like the record:
written by the full run that writes the record, and again by each patch
that checks the portfolio; neither an unchanged run nor a patch of an edit
no rule reads reads it):

* the portfolio state of the run (``Cache.portfolio_state``), with each
  rule's groups with findings only (``_loud``: of SPEC003's thousands of
  groups of one id, none; ``check_moved`` reads no other), and what the
  rules carry from one run to the next (FRQ003's and FRQ004's plans);
* every file's portfolio groups (``Entry.groups``), so that no record is
  unpickled to group the members (SPEC003 has one group per id);
* the record of every campaign a remembered finding points at, with the
  content digest of the file it was made from.

The members are the record's valid campaigns (``Record.files``,
``Record.keys``): the edited ones with their fresh records; those a finding
points at with their kept records, so that every remembered finding is
re-positioned from a record of the file as it is now (a kept record of a
file edited since, by a patch that left the portfolio alone, is made again
by linting the file: ``relint``, at most ``MOST_EDITED``); every other one
with no record at all, read from the content cache only if a rule asks for
it (a new duplicate id), and only if the cache's entry is of the file the
record holds. Anything else gives ``None``: the full run answers.

The file also holds the record digests of every file it was made for: one
made for other digests (a patch whose record was not written) is not used.
The content cache is not written: its entries of the edited files no longer
match them, so the next full run lints them again (and checks the portfolio
again with the state the cache holds), as after any patch.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign_lint.lint import cachedir, portfolio
from campaign_lint.lint.cachedir import CACHE_DIR
from campaign_lint.lint.portfolio import Found, Groups, Member, State
from campaign_lint.lint.regroup import MOVED, check_moved
from campaign_lint.lint.replay import KEY_SIZE, MOST_EDITED
from campaign_lint.lint.signed import read_signed, secret_key

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Cache, Entry
    from campaign_lint.lint.config import Settings
    from campaign_lint.lint.discovery import SourceFile
    from campaign_lint.lint.outcome import FileOutcome
    from campaign_lint.lint.replay import Record

# A file linted by the patch: the file, its outcome, its ``stat`` taken before reading it.
Linted = tuple["SourceFile", "FileOutcome", os.stat_result]
# What the record keeps for a portfolio check (module docstring): the state pickled, every file's
# groups pickled (in the record's file order; None: not a valid campaign), and by path the content
# digest and pickled record of each campaign a remembered finding points at.
Kept = tuple[bytes, bytes, dict[str, tuple[bytes, bytes]]]
_PREFIX = "kept-"


def kept_of(cache: Cache, files: Sequence[SourceFile]) -> Kept | None:
    """What the record of a full run over ``files`` with ``cache`` keeps for a portfolio check; ``None`` if it cannot."""
    state = cache.portfolio_state
    if state is None:
        return None
    entries = cache.entries
    groups: list[Any] = []
    for source in files:
        entry = entries.get(source.display)
        if entry is None:
            return None
        if entry.record_key is not None and entry.groups is None:
            return None
        groups.append(entry.groups if entry.record_key is not None else None)
    records: dict[str, tuple[bytes, bytes]] = {}
    for path in _places(state):
        found = entries.get(path)
        if found is None or found.record is None:
            return None
        records[path] = (found.content, found.record)
    return _loud(state), _pickled(groups), records


def location(root: Path, key: bytes) -> Path:
    """Where :data:`Kept` of the replay record under ``key`` is kept for the folder ``root``."""
    return root / CACHE_DIR / f"{_PREFIX}{key.hex()[:16]}.bin"


def keep(cache: Cache, files: Sequence[SourceFile], record: Record, key: bytes) -> bool:
    """Write what a portfolio check of the full run's ``record`` (under ``key``) needs; whether it was written."""
    kept = kept_of(cache, files)
    return kept is not None and store_kept(record.scope.root, key, record.keys, kept)


def store_kept(root: Path, key: bytes, keys: bytes, kept: Kept) -> bool:
    """Write ``kept``, made for a record whose record digests are ``keys``, beside the record under ``key``."""
    secret = secret_key(root)
    return secret is not None and cachedir.store(location(root, key), _signing(key), secret, keys, kept)


def load_kept(root: Path, key: bytes, keys: bytes) -> Kept | None:
    """What a portfolio check needs, if it was made for a record whose record digests are ``keys``.

    Every file's digest of its facts the same: the groups kept are every
    file's groups (a file's groups are made from its facts); the state is a
    memo that ``portfolio.check`` trusts only where its digests hold; a kept
    record is used only while its file's content is the recorded one. So a
    file written by another run of the same key, or left by a patch whose
    record was not written, is either right or not used.
    """
    secret = secret_key(root)
    signed = read_signed(location(root, key), _signing(key), secret) if secret is not None else None
    if signed is None or signed.next() != keys:
        return None
    return valid_kept(signed.next())


def _signing(key: bytes) -> bytes:
    """The key the file is signed under: not the record's, so that neither passes for the other."""
    return key + b"+kept"


def valid_kept(value: object) -> Kept | None:
    """``value`` read back from a record, if it has the shape of :data:`Kept`."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    state, groups, records = value
    if not (isinstance(state, bytes) and isinstance(groups, bytes) and isinstance(records, dict)):
        return None
    return state, groups, records


def recheck(
    settings: Settings,
    record: Record,
    kept: Kept,
    fresh: Mapping[int, Linted],
    relint: Callable[[list[int]], dict[int, Linted] | None],
) -> tuple[list[Found], bytes, Kept] | None:
    """The portfolio findings with the ``fresh`` files (by index), every file's record digest, the next :data:`Kept`.

    ``record``: the record as the run found it (its other files unchanged).
    ``relint`` lints files by index and gives them only if each is still
    the recorded file. ``None``: the full run answers (module docstring).
    """
    if not record.files or KEY_SIZE * len(record.files) != len(record.keys):
        return None
    state_blob, groups_blob, records = kept
    previous = _state(state_blob)
    if previous is None:
        return None
    groups = pickle.loads(groups_blob)
    if not isinstance(groups, list) or len(groups) != len(record.files):
        return None
    linted = dict(fresh)
    rules = portfolio.rules_of(settings)
    cached = _Cached(settings, record)
    made = _members(record, groups, records, linted, cached.blob)
    if made is None:
        return None
    members, indices = made
    # Every campaign a remembered finding is on or points at has a kept record; one whose file a patch
    # changed since (leaving the portfolio alone) is linted again, so that each finding is re-positioned.
    if not _places(previous) <= indices.keys():
        return None
    stale = [i for path, i in indices.items() if i not in linted and records[path][0] != record.stamps[i][4]]
    if len(stale) > MOST_EDITED:
        return None
    if stale:
        again = relint(sorted(stale))
        if again is None:
            return None
        linted.update(again)
        made = _members(record, groups, records, linted, cached.blob)
        if made is None:
            return None
        members = made[0]
    keys = bytearray(record.keys)
    regrouped = False
    moved: list[tuple[Member, Groups | None]] = []
    for index, (source, outcome, _) in linted.items():
        if outcome.record is None or outcome.record_key is None or len(outcome.record_key) != KEY_SIZE:
            return None
        outcome.groups = portfolio.groups_of(rules, outcome.record)
        member = Member(source.display, outcome.record, None, outcome.record_key, outcome.groups)
        members.append(member)
        if outcome.record_key != record.key(index):
            moved.append((member, groups[index]))
        keys[index * KEY_SIZE : (index + 1) * KEY_SIZE] = outcome.record_key
        if outcome.groups != groups[index]:
            groups[index], regrouped = outcome.groups, True
    try:
        _, state = check_moved(rules, members, previous, moved)
    except _Missed:
        return None
    del members
    again_kept = _next(state, records, linted, cached)
    if again_kept is None:
        return None
    found = portfolio.remembered_found(state)
    return found, bytes(keys), (_loud(state), _pickled(groups) if regrouped else groups_blob, again_kept)


def _members(
    record: Record,
    groups: Sequence[Any],
    records: Mapping[str, tuple[bytes, bytes]],
    linted: Mapping[int, Linted],
    fetch: Callable[[str], bytes],
) -> tuple[list[Member], dict[str, int]] | None:
    """The valid campaigns not ``linted``, as portfolio members, and the index of each kept record's campaign.

    ``None``: a group unknown. A member is made with its kept record, or
    with none (read by ``fetch`` only if a rule asks): module docstring.
    Made in comprehensions, the 10,000 of a large portfolio cost little
    more than their making.
    """
    every, files = record.keys, record.files
    none = bytes(KEY_SIZE)
    keys = [every[start : start + KEY_SIZE] for start in range(0, len(every), KEY_SIZE)]
    # Not a valid campaign (no member), or linted (made by the caller): left out.
    wanted = [index for index, key in enumerate(keys) if key != none and index not in linted]
    if any(groups[index] is None for index in wanted):
        return None
    made = {index: Member(files[index][1], None, None, keys[index], groups[index], fetch) for index in wanted}
    indices = {display: index for index, (_, display) in enumerate(files) if display in records}
    for display, index in indices.items():
        member = made.get(index)
        if member is not None:  # a record of the file as it is: remembered findings re-positioned from it
            member.record, member.fetch = pickle.loads(records[display][1]), None
    return list(made.values()), indices


def _next(
    state: State,
    records: Mapping[str, tuple[bytes, bytes]],
    linted: Mapping[int, Linted],
    cached: _Cached,
) -> dict[str, tuple[bytes, bytes]] | None:
    """The records the next :data:`Kept` holds: of the places of ``state``'s findings, as their files are now."""
    fresh = {linted_[0].display: linted_[1] for linted_ in linted.values()}
    kept: dict[str, tuple[bytes, bytes]] = {}
    for path in _places(state):
        outcome = fresh.get(path)
        if outcome is not None:
            assert outcome.content is not None
            assert outcome.record is not None
            kept[path] = (outcome.content, _pickled(outcome.record))
        elif path in records:
            kept[path] = records[path]
        elif path in cached.read:
            kept[path] = cached.read[path]
        else:
            return None  # a finding on a record the check did not read: never, but not taken on trust
    return kept


class _Missed(Exception):
    """A record a rule asked for is not in the content cache as the replay record holds it."""


class _Cached:
    """Records read from the content cache, only when a rule asks for one (``Member.fetch``)."""

    def __init__(self, settings: Settings, record: Record) -> None:
        self.settings = settings
        self.record = record
        self.cache: Cache | None = None
        self.indices: dict[str, int] = {}
        # What was read, by path: the content digest and the pickled record (the next ``Kept``
        # takes the records findings point at from it).
        self.read: dict[str, tuple[bytes, bytes]] = {}

    def blob(self, path: str) -> bytes:
        """The record of ``path``'s campaign, pickled, if the cache holds the file the record holds."""
        from campaign_lint.lint.cache import open_cache  # the first time a rule asks: most checks never do

        record = self.record
        if self.cache is None:
            self.cache = open_cache(self.settings)
            self.indices = {display: index for index, (_, display) in enumerate(record.files)}
        index = self.indices[path]
        content = record.stamps[index][4]
        entry: Entry | None = self.cache.entries.get(path)
        if (
            entry is None
            or entry.record is None
            or entry.record_key != record.key(index)
            or entry.content != content
        ):
            raise _Missed(path)
        self.read[path] = (content, entry.record)
        return entry.record


def _places(state: State) -> set[str]:
    """Every campaign a finding of ``state`` sits on or points at."""
    places: set[str] = set()
    for finding, _ in portfolio.remembered_found(state):
        places.add(finding.path)
        places.update(place.path for place in finding.related)
    return places


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _loud(state: State) -> bytes:
    """``state`` as kept for the next patch, pickled: each rule's groups with findings only.

    ``regroup.check_moved`` checks again every group a moved campaign is or
    was in, whatever it remembered of it, and every whole-portfolio group;
    of the others it reads only those with findings (SPEC003's thousands
    of groups of one id have none: neither pickled nor read again).
    """
    loud = {
        rule_id: {key: hit for key, hit in remembered.items() if hit[1]}
        for rule_id, remembered in state[1].items()
    }
    return _pickled((MOVED, loud, state[2]))


def _state(blob: bytes) -> State | None:
    """The state ``_loud`` pickled, if it is one."""
    from campaign_lint.lint.cache import valid_state

    state = valid_state(pickle.loads(blob))  # the signed file's bytes (``load_kept``)
    if state is None or not all(isinstance(remembered, dict) for remembered in state[1].values()):
        return None
    return state
