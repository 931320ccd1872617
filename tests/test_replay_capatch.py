"""A raised cap answered by patching the replay record, the portfolio checked again (lint/recheck.py).

An edit that a portfolio rule reads (a cap, an id) changes the edited file's
record digest. The patch (``lint/patching.py``) then runs the portfolio
rules again with the content cache standing in for the files it does not
lint, and writes the next record as a delta. Each answer is compared with
``--no-cache``, and each test shows the portfolio findings did change, so a
patch that kept the recorded portfolio findings would fail it. When the
patch falls back, the full run lints no file the attempt linted already.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from campaign_lint.lint import recheck as rechecking
from campaign_lint.lint.pipeline import FilePipeline
from tests.test_replay_patch import (
    FORMATS,
    OTHER,
    PLAIN,
    Patches,
    _answered,
    _comment,
    _edit,
    _fill,
    _on_top,
    _same,
    patches,
)

__all__ = ["patches"]  # the fixture, used by name


def _name(index: int) -> str:
    return f"campaigns/team-{'ab'[index % 2]}/c-{index:02d}.yaml"


def _capped(most: int) -> Any:
    def change(text: str) -> str:
        return re.sub(r"(?m)^  max: \d+$", f"  max: {most}", text, count=1)

    return change


def _frq003(stdout: str) -> list[str]:
    """The FRQ003 findings of a JSON report, as (path, message) lines."""
    return sorted(re.findall(r'"rule": "FRQ003".*?"path": "([^"]+)"', stdout, flags=re.S))


class Counted:
    """How many times each file was linted (``FilePipeline.lint_file``), by display path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: Counter[str] = Counter()
        real = FilePipeline.lint_file

        def counting(pipeline: FilePipeline, source: Any) -> Any:
            self.files[source.display] += 1
            return real(pipeline, source)

        monkeypatch.setattr(FilePipeline, "lint_file", counting)


# In the generated portfolio (tests/test_incremental.portfolio_files(5)): c-09's cap raised to 9 moves
# the email FRQ003 finding from c-20 to c-09; c-13's raised to 9 removes it; c-21's lowered to 1 moves
# the sms one from c-21 to c-23.
CAP_EDITS = [(9, 9), (13, 9), (21, 1)]


@pytest.mark.parametrize(("index", "most"), CAP_EDITS)
def test_a_cap_edit_is_patched_with_the_portfolio_checked_again(
    patches: Patches, index: int, most: int
) -> None:
    name = _name(index)
    whole = ("--format", "json")
    named = (*whole, "--force-exclude", name)
    before = _fill(patches, whole)
    original = (patches.cli.root / name).read_text(encoding="utf-8")
    _edit(patches.cli.root, name, _capped(most))
    _answered(patches, named, "patched")
    after = _answered(patches, whole, "replayed")  # the whole portfolio, from the patched record
    assert _frq003(after.stdout) != _frq003(before.stdout)  # the portfolio finding moved or left
    for argv in FORMATS:  # the same record, in every format
        _answered(patches, (*argv, "--force-exclude", name), "replayed")
        _answered(patches, argv, "replayed")
    (patches.cli.root / name).write_text(original, encoding="utf-8")
    _answered(patches, named, "patched")  # the cap as it was: the finding back where it was
    _same(before, _answered(patches, whole, "replayed"))


def test_cap_edits_one_after_another_patch_the_patched_record(patches: Patches) -> None:
    """Each patch's record digests go to the next record (its delta), so the next edit is measured from them."""
    argv = ("--format", "json", "--show-suppressed")
    first = _fill(patches, argv)
    root = patches.cli.root
    _edit(root, _name(9), _capped(9))
    moved = _answered(patches, argv, "patched")
    assert _frq003(moved.stdout) != _frq003(first.stdout)
    _edit(root, _name(21), _capped(1))
    _answered(patches, argv, "patched")
    _edit(root, _name(9), _capped(1))
    _answered(patches, argv, "patched")
    _edit(root, _name(9), _on_top)  # lines moved in a file a finding points at: re-positioned
    _answered(patches, argv, "patched")


def test_a_cap_edit_after_a_patched_comment_lints_the_file_the_cache_missed(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A patch of an edit no rule reads keeps no record for a portfolio check: the cap patch lints that file again."""
    argv = ("--format", "json", "--show-suppressed")
    _fill(patches, argv)
    root = patches.cli.root
    sited = _name(20)  # carries the email FRQ003 finding that c-09's raised cap moves
    _edit(root, sited, _on_top)
    _answered(patches, argv, "patched")
    counted = Counted(monkeypatch)
    _edit(root, _name(9), _capped(9))
    warm, how = patches.answer(*argv)
    assert how == "patched"
    assert counted.files == Counter({_name(9): 1, sited: 1})
    _answered(patches, argv, "replayed")
    _edit(root, sited, _comment)  # the record now keeps c-20 as it is: a plain patch again
    _answered(patches, argv, "patched")
    assert warm.stdout


def test_a_cap_edit_with_a_duplicate_id_around(patches: Patches) -> None:
    """SPEC003 keeps a group per id: a cap edit in one of two files with one id, and an id changed."""
    root = patches.cli.root
    _edit(root, _name(11), lambda text: text.replace("id: c-11", "id: c-03"))
    argv = ("--format", "json", "--show-suppressed")
    first = _fill(patches, argv)
    assert "SPEC003" in first.stdout
    _edit(root, _name(3), _capped(9))
    _answered(patches, argv, "patched")
    _edit(root, _name(11), lambda text: text.replace("id: c-03", "id: c-11"))  # the duplicate gone
    gone = _answered(patches, argv, "patched")
    assert "SPEC003" not in gone.stdout
    _edit(root, _name(5), lambda text: text.replace("id: c-05", "id: c-11"))  # a new one
    again = _answered(patches, argv, "patched")
    assert again.stdout.count('"rule": "SPEC003"') == 2


def _renamed(text: str) -> str:
    """PLAIN (c-00) given the id of c-03, which no portfolio finding involves: SPEC003 reads c-03's record."""
    return text.replace("id: c-00", "id: c-03")


def _plain(patches: Patches) -> tuple[str, ...]:
    """The command line of a JSON run naming PLAIN, its record filled."""
    argv = ("--format", "json", "--force-exclude", PLAIN)
    _fill(patches, argv)
    return argv


def _without_cache(patches: Patches) -> tuple[str, ...]:
    """A record of a run naming PLAIN, and no content cache any more: a record the patch has not kept is missing."""
    argv = _plain(patches)
    for cache in (patches.cli.root / ".campaign-lint-cache").glob("results-*.bin"):
        cache.unlink()
    return argv


def test_a_new_duplicate_id_reads_the_other_record_from_the_content_cache(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record the replay record does not keep (no finding pointed at it) is read from the cache."""
    argv = _plain(patches)
    read: list[str] = []
    real = rechecking._Cached.blob

    def spied(cached: Any, path: str) -> bytes:
        read.append(path)
        return real(cached, path)

    monkeypatch.setattr(rechecking._Cached, "blob", spied)
    _edit(patches.cli.root, PLAIN, _renamed)
    duplicate = _answered(patches, argv, "patched")
    assert read == [_name(3)]
    assert duplicate.stdout.count('"rule": "SPEC003"') == 2  # PLAIN's, and c-03's pointing at it


def test_a_record_the_cache_cannot_give_falls_back_and_the_file_is_linted_once(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the content cache the patch falls back, and the full run takes the file it linted."""
    argv = _without_cache(patches)
    asked: list[object] = []
    real = rechecking.recheck

    def spied(*args: Any) -> Any:
        found = real(*args)
        asked.append(found)
        return found

    monkeypatch.setattr(rechecking, "recheck", spied)
    counted = Counted(monkeypatch)
    _edit(patches.cli.root, PLAIN, _renamed)
    warm, how = patches.answer(*argv)
    assert (how, asked) == ("linted", [None])
    assert counted.files[PLAIN] == 1  # by the attempt, not again by the full run
    assert sum(counted.files.values()) > 20  # the full run linted the rest
    _same(patches.answer("--no-cache", *argv)[0], warm)


def test_a_file_changed_after_the_attempt_linted_it_is_linted_again(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the attempt hands over is used only while the file is the one it linted."""
    argv = _without_cache(patches)
    real = rechecking.recheck

    def changing(*args: Any) -> Any:
        _edit(patches.cli.root, PLAIN, lambda text: text.replace("id: c-03", "id: c-13"))  # the same size
        return real(*args)

    monkeypatch.setattr(rechecking, "recheck", changing)
    counted = Counted(monkeypatch)
    _edit(patches.cli.root, PLAIN, _renamed)
    warm, how = patches.answer(*argv)
    assert how == "linted"
    assert counted.files[PLAIN] == 2
    monkeypatch.setattr(rechecking, "recheck", real)
    _same(patches.answer("--no-cache", *argv)[0], warm)
    assert "id: c-13" in (patches.cli.root / PLAIN).read_text(encoding="utf-8")


def test_a_cap_patch_leaves_the_content_cache_alone(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next full run lints the edited file again, and only it (as after any patch)."""
    argv = ("--format", "json", "--show-suppressed")
    _fill(patches, argv)
    root = patches.cli.root
    _edit(root, _name(9), _capped(9))
    _answered(patches, argv, "patched")
    counted = Counted(monkeypatch)
    monkeypatch.setenv("PRE_COMMIT", "1")  # never answered from the record (outside a git tree: the disk)
    hook, how = patches.answer("--format", "json", "--force-exclude", OTHER)
    assert how == "linted"
    assert counted.files == Counter({_name(9): 1})
    _same(patches.answer("--no-cache", "--format", "json", "--force-exclude", OTHER)[0], hook)


def test_what_is_kept_for_other_record_digests_is_not_used(patches: Patches) -> None:
    """The file beside the record holds the digests it was made for: an older one is not trusted."""
    argv = ("--format", "json", "--show-suppressed")
    _fill(patches, argv)
    root = patches.cli.root
    (kept,) = (root / ".campaign-lint-cache").glob("kept-*.bin")
    older = kept.read_bytes()
    _edit(root, _name(9), _capped(9))
    _answered(patches, argv, "patched")
    assert kept.read_bytes() != older  # made again for the new digests
    kept.write_bytes(older)  # as if the patch's file had not been written
    _edit(root, _name(21), _capped(1))
    _answered(patches, argv, "linted")
