"""``regroup.check_moved``: after a few campaigns moved, the findings ``portfolio.check`` gives, in its order.

Generated portfolios (tests/test_incremental.py) are edited one campaign at
a time, as patches of the replay record are: a cap raised, an id copied
from another campaign (a new SPEC003 duplicate) and restored, a channel
switched. After each edit, ``check_moved`` from the state of the last step,
cut to the groups with findings as ``lint/recheck.py`` keeps it, gives
the findings of ``portfolio.check`` over the edited portfolio from scratch,
in the same order; each step's state is the next step's.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from campaign_lint.lint import portfolio, regroup
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.engine import Engine
from campaign_lint.lint.portfolio import Member, State
from campaign_lint.policies.base import CampaignRecord
from tests.test_incremental import POLICY, _records, portfolio_files

Edit = Callable[[dict[str, str]], str]


def _key(record: CampaignRecord) -> bytes:
    """A record digest of ``record`` (as ``FileOutcome.record_key``: its facts)."""
    return hashlib.blake2b(pickle.dumps(record.facts(), pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


def _members(records: list[CampaignRecord]) -> list[Member]:
    return [Member(record.path, record, None, _key(record)) for record in records]


def _loud(state: State) -> State:
    """``state`` with each rule's groups with findings only (what ``lint/recheck.py`` keeps)."""
    return (
        regroup.MOVED,
        {rule: {key: hit for key, hit in groups.items() if hit[1]} for rule, groups in state[1].items()},
        state[2],
    )


def _name(index: int) -> str:
    return f"campaigns/{('team-a', 'team-b')[index % 2]}/c-{index:02d}.yaml"


def _raise(index: int, most: int) -> Edit:
    def edit(files: dict[str, str]) -> str:
        files[_name(index)] = re.sub(r"(?m)^  max: \d+$", f"  max: {most}", files[_name(index)], count=1)
        return _name(index)

    return edit


def _id(index: int, other: int) -> Edit:
    def edit(files: dict[str, str]) -> str:
        files[_name(index)] = re.sub(r"(?m)^id: \S+$", f"id: c-{other:02d}", files[_name(index)], count=1)
        return _name(index)

    return edit


def _channel(index: int, channel: str) -> Edit:
    def edit(files: dict[str, str]) -> str:
        files[_name(index)] = re.sub(
            r"(?m)^channel: \S+$", f"channel: {channel}", files[_name(index)], count=1
        )
        return _name(index)

    return edit


EDITS = [
    _id(21, 20),  # a duplicate of c-20...
    _raise(9, 9),
    _id(3, 2),  # ...and one of c-02, whose group comes first (by path): findings keep check's order
    _raise(13, 9),
    _id(5, 6),  # c-05 takes c-06's id: a new duplicate
    _raise(21, 1),
    _id(5, 5),  # and gives it back
    _channel(3, "sms"),
    _id(7, 6),
    _id(8, 6),  # three campaigns of one id
    _raise(6, 1),
    _id(7, 7),
    _id(21, 21),
    _id(3, 3),
]


@pytest.mark.parametrize("seed", range(4))
def test_check_moved_finds_what_a_whole_check_finds(tmp_path: Path, seed: int) -> None:
    files = portfolio_files(seed, count=30)
    (tmp_path / "campaign-lint.yaml").write_text(POLICY + "total_cap: {max: 4, per: 7d}\n", encoding="utf-8")
    settings = load_settings(tmp_path / "campaign-lint.yaml", tmp_path)
    rules = Engine(settings).portfolio_rules
    records = _records(files, settings.view)
    _, state, _ = portfolio.check(rules, _members(records), None)
    moved_any = False
    for edit in EDITS:
        before = {record.path: record for record in records}
        edited = edit(files)
        records = _records(files, settings.view)
        members = _members(records)
        old = before[edited]
        whole, _, _ = portfolio.check(rules, _members(records), None)
        was = portfolio.groups_of(rules, old)
        moved = [(member, was) for member in members if member.path == edited and member.key != _key(old)]
        found, state = regroup.check_moved(rules, members, _loud(state), moved)
        assert found == whole  # the same findings, in the same order
        assert [finding for finding, _ in portfolio.remembered_found(state)] == whole
        moved_any = moved_any or bool(moved)
    assert moved_any


def test_a_rule_no_moved_campaign_is_in_keeps_its_groups(tmp_path: Path) -> None:
    """SPEC003's group of another id is neither checked again nor made again: the very findings kept."""
    files = portfolio_files(1, count=30)
    files[_name(4)] = re.sub(r"(?m)^id: \S+$", "id: c-03", files[_name(4)], count=1)  # a duplicate around
    (tmp_path / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    settings = load_settings(tmp_path / "campaign-lint.yaml", tmp_path)
    rules = Engine(settings).portfolio_rules
    records = _records(files, settings.view)
    _, state, _ = portfolio.check(rules, _members(records), None)
    kept = _loud(state)
    duplicate = kept[1]["SPEC003"]["c-03"]
    assert duplicate[1]  # the duplicate's finding is remembered
    before = {record.path: record for record in records}
    edited = _raise(9, 9)(files)
    members = _members(_records(files, settings.view))
    moved = [
        (member, portfolio.groups_of(rules, before[edited])) for member in members if member.path == edited
    ]
    _, after = regroup.check_moved(rules, members, kept, moved)
    assert after[1]["SPEC003"]["c-03"][1] is duplicate[1]  # kept as it was, not checked again
    assert set(after[1]["SPEC003"]) == {"c-03", "c-09"}  # and the moved campaign's group checked again
