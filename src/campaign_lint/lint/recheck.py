"""A patch whose edited files' facts changed: the portfolio rules checked again, from the content cache.

A patch of the replay record (``lint/patching.py``) lints only the few
edited files. When one of them changed what a portfolio rule reads (a raised
``frequency.max``, a new id: its record digest, ``FileOutcome.record_key``, is
not the recorded one), the portfolio findings must be found again. A full
run would: open the content cache, take an outcome for each of the 10,000
files, run the portfolio rules over their records with the state the cache
remembers (only the groups whose digest moved are checked again, FRQ003 and
FRQ004 with the plans they kept: ``lint/portfolio.py``), save the cache and
write a whole new record. :func:`recheck` does the portfolio part of that
alone:

* the members are the record's valid campaigns (``Record.files``,
  ``Record.keys``), the edited ones with their fresh records, every other
  one with its record still pickled in the cache entry (``Entry.record``,
  unpickled only if a rule asks for it) and its groups (``Entry.groups``);
  an entry that is not of the recorded file (another content digest, another
  record digest: the cache was not written by the run the record is of)
  makes it give up, and the full run answers;
* ``portfolio.check`` runs with the cache's state (``Cache.portfolio_state``)
  as a full run would, so the findings are a full run's, in its order;
* the cache then keeps the edited files' outcomes and the new state, as the
  full run would have saved them (a journal: ``Cache.save``), so the next
  full run lints nothing again, and the next patch finds entries of the
  recorded files.

The answer is the portfolio findings with the YAML paths of their related
places (``portfolio.Found``, what the next patch re-positions) and the
record digests of every file for the next record.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from campaign_lint.lint import portfolio
from campaign_lint.lint.cache import open_cache
from campaign_lint.lint.portfolio import Found, Member
from campaign_lint.lint.replay import KEY_SIZE, MOST_EDITED

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Entry
    from campaign_lint.lint.config import Settings
    from campaign_lint.lint.discovery import SourceFile
    from campaign_lint.lint.outcome import FileOutcome
    from campaign_lint.lint.replay import Record

# A file linted by the patch: the file, its outcome, its ``stat`` taken before reading it.
Linted = tuple["SourceFile", "FileOutcome", os.stat_result]


def recheck(
    settings: Settings,
    record: Record,
    fresh: Mapping[int, Linted],
    relint: Callable[[list[int]], dict[int, Linted] | None],
) -> tuple[list[Found], bytes] | None:
    """The portfolio findings of ``record``'s files with the ``fresh`` ones (by index), and every file's digest.

    ``relint`` lints the files (by index) whose cache entry is not of the
    recorded file, at most ``MOST_EDITED`` of them (those a patch of an
    edit no rule reads left behind: the cache is not written then), and
    gives them only if each is still the recorded file. ``None`` when the
    content cache cannot stand in for the files not linted (see the module
    docstring): the full run answers.
    """
    if not record.files or KEY_SIZE * len(record.files) != len(record.keys):
        return None
    cache = open_cache(settings)
    if cache.secret is None or not cache.entries:
        return None
    rules = portfolio.rules_of(settings)
    entries = cache.entries
    stale = [
        index
        for index, ((_, display), stamp) in enumerate(zip(record.files, record.stamps, strict=True))
        if index not in fresh and record.key(index) is not None and not _holds(entries.get(display), stamp[4])
    ]
    if len(stale) > MOST_EDITED:
        return None
    linted = dict(fresh)
    if stale:
        again = relint(stale)
        if again is None:
            return None
        linted.update(again)
    members: list[Member] = []
    keys = bytearray(record.keys)
    for index, (_, display) in enumerate(record.files):
        if index in linted:
            outcome = linted[index][1]
            if outcome.record is None or outcome.record_key is None or len(outcome.record_key) != KEY_SIZE:
                return None
            outcome.groups = portfolio.groups_of(rules, outcome.record)
            members.append(Member(display, outcome.record, None, outcome.record_key, outcome.groups))
            keys[index * KEY_SIZE : (index + 1) * KEY_SIZE] = outcome.record_key
            continue
        key = record.key(index)
        if key is None:
            continue  # not a valid campaign: no member
        entry = entries[display]
        if entry.record_key != key or entry.record is None or entry.groups is None:
            return None  # another record than the recorded one's (the cache of another run)
        members.append(Member(display, None, entry.record, key, entry.groups))
    _, state, changed = portfolio.check(rules, members, cache.portfolio_state)
    del members
    for source, outcome, info in linted.values():
        cache.store(source, outcome, info)
    cache.keep_state(state, changed)
    cache.save()
    found = [pair for remembered in state[1].values() for _, pairs in remembered.values() for pair in pairs]
    return found, bytes(keys)


def _holds(entry: Entry | None, content: bytes) -> bool:
    """Whether ``entry`` is of the file whose content digest is ``content``."""
    return entry is not None and entry.content == content
