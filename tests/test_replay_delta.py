"""What a patch writes as its delta (lint/replaydelta.py): only what is not the base's.

A patch judges the run rules (POL002, POL003) and the portfolio findings
again, which makes findings equal to the base's but not the very objects;
the shares of the controls of a section read from an earlier delta are not
the base's objects either. Written as runs of the base's lists, a delta of a
comment edit holds none of them, and each answer is still ``--no-cache``'s.
"""

from __future__ import annotations

from typing import Any

import pytest

from campaign_lint.lint import replaydelta
from campaign_lint.lint.replaydelta import _runs, section_of
from tests import test_replay_patch as recorded
from tests.test_replay_patch import Patches, patches

__all__ = ["patches"]  # the fixture, used by name


def _item(name: str, number: int) -> tuple[str, int]:
    """An item made anew each time: equal to another made alike, never the same object."""
    return tuple([name, number])  # type: ignore[return-value]


def test_items_equal_to_the_base_where_it_goes_on_are_runs_of_it() -> None:
    base = [_item("a", 1), _item("b", 2), _item("c", 3), _item("d", 4)]
    made_again = [_item("a", 1), _item("b", 2), _item("x", 0), _item("c", 3), _item("d", 4)]
    assert _runs(made_again, base) == [(0, 2), [("x", 0)], (2, 4)]
    # An equal item elsewhere in the base is not looked for: it is an item of the delta's own.
    assert _runs([_item("c", 3), _item("a", 1)], base) == [[("c", 3)], (0, 1)]
    assert _runs([base[3], _item("a", 1)], base) == [(3, 4), [("a", 1)]]


def test_a_section_is_stored_as_runs_of_the_base_section() -> None:
    base = ({"f": (1,)}, [("f", 1), ("g", 2)], [("found", ())], (1, 0, 0, 2))
    section = ({"f": (1,)}, [("f", 1), ("g", 3)], [("found", ())], (1, 0, 0, 2))
    stored = replaydelta._section_runs(section, base)
    assert stored == (replaydelta._RUNS, {"f": (1,)}, [(0, 1), [("g", 3)]], [(0, 1)], (1, 0, 0, 2))
    assert section_of(stored, base) == section
    assert replaydelta._section_runs(section, None) is section  # no base section read: stored whole
    assert section_of(section, base) is section


def test_a_comment_patch_writes_no_finding_nor_share_of_the_base_again(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[replaydelta.Delta] = []
    real = replaydelta.write

    def capture(root: Any, key: bytes, secret: bytes, found: replaydelta.Delta) -> bool:
        written.append(found)
        return real(root, key, secret, found)

    monkeypatch.setattr(replaydelta, "write", capture)
    argv = ("--format", "json", "--show-suppressed")
    recorded._fill(patches, argv)
    root = patches.cli.root
    # Each patch reads the record and the last delta: the second and third judge again what the first wrote.
    for name in (recorded.PLAIN, recorded.OTHER, recorded.COMMENTED):
        recorded._edit(root, name, recorded._comment)
        recorded._answered(patches, argv, "patched")
    assert len(written) >= 3  # and the replayed runs after them, which trust the edited files' new times
    for delta in written:
        assert all(isinstance(run, tuple) for run in delta.kept)  # POL003's findings and others: the base's
        assert all(isinstance(run, tuple) for run in delta.silenced)
        assert isinstance(delta.section, tuple)
        assert delta.section[0] == replaydelta._RUNS
        shares = delta.section[2]
        # Only the edited files' shares are the delta's own (recorded.COMMENTED has a suppression comment).
        assert sum(len(run) for run in shares if isinstance(run, list)) <= 1
        assert all(isinstance(run, tuple) for run in delta.section[3])  # the portfolio findings
