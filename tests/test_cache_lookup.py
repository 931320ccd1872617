"""``Cache.lookup``: the warm run's one loop over every file agrees with ``Cache.entry`` file by file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campaign_lint.lint import cacheentry
from campaign_lint.lint.cache import RACY_NS, Cache, Entry, digest
from campaign_lint.lint.discovery import SourceFile

TEXT = b"id: a\nchannel: email\n"
# Long before the entry was recorded: trusted by ``stat`` alone.
LONG_AGO_NS = 1_000_000_000_000_000_000


def _entry(path: Path, cached_ns: int) -> Entry:
    info = path.stat()
    return Entry(info.st_size, info.st_mtime_ns, cached_ns, digest(path.read_bytes()), b"")


def _cache(tmp_path: Path, entries: dict[str, Entry]) -> Cache:
    return Cache(tmp_path / "results-0.bin", b"k", None, entries)


def _file(tmp_path: Path, name: str, text: bytes = TEXT) -> Path:
    path = tmp_path / name
    path.write_bytes(text)
    os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    return path


def test_an_unchanged_file_is_settled_by_stat_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, "a.yaml")
    entry = _entry(path, LONG_AGO_NS + RACY_NS + 1)
    cache = _cache(tmp_path, {"a.yaml": entry})

    def unread(raw: bytes) -> bytes:
        raise AssertionError("the file's content was read")

    monkeypatch.setattr(cacheentry, "digest", unread)
    assert cache.lookup([SourceFile(str(path), "a.yaml")]) == [entry]
    assert not cache.dirty


def test_a_file_changed_within_the_racy_window_is_checked_by_content(tmp_path: Path) -> None:
    path = _file(tmp_path, "a.yaml")
    cache = _cache(tmp_path, {"a.yaml": _entry(path, LONG_AGO_NS + 1)})  # recorded right after the write
    path.write_bytes(TEXT.replace(b"email", b"sms__"))  # same size, same time
    os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    assert cache.lookup([SourceFile(str(path), "a.yaml")]) == [None]


def test_a_file_touched_but_not_changed_is_a_hit_and_restamped(tmp_path: Path) -> None:
    path = _file(tmp_path, "a.yaml")
    entry = _entry(path, LONG_AGO_NS + RACY_NS + 1)
    cache = _cache(tmp_path, {"a.yaml": entry})
    os.utime(path, ns=(LONG_AGO_NS + 5, LONG_AGO_NS + 5))
    assert cache.lookup([SourceFile(str(path), "a.yaml")]) == [entry]
    assert entry.mtime_ns == LONG_AGO_NS + 5
    assert cache.dirty
    assert cache.changed == {"a.yaml"}


def test_every_other_file_is_a_miss_in_order(tmp_path: Path) -> None:
    kept = _file(tmp_path, "kept.yaml")
    grown = _file(tmp_path, "grown.yaml")
    gone = _file(tmp_path, "gone.yaml")
    linked = _file(tmp_path, "linked.yaml")
    overlaid = _file(tmp_path, "overlaid.yaml")
    late = LONG_AGO_NS + RACY_NS + 1
    entries = {path.name: _entry(path, late) for path in (kept, grown, gone, linked, overlaid)}
    cache = _cache(tmp_path, entries)
    grown.write_bytes(TEXT + b"# more\n")
    gone.unlink()
    files = [
        SourceFile(str(grown), "grown.yaml"),
        SourceFile(str(tmp_path / "new.yaml"), "new.yaml"),  # no entry
        SourceFile(str(gone), "gone.yaml"),
        SourceFile(str(linked), "linked.yaml", outside=True),  # a link out of the repository now
        SourceFile(str(overlaid), "overlaid.yaml", content=TEXT),  # a buffer in place of the file
        SourceFile(str(kept), "kept.yaml"),
    ]
    assert cache.lookup(files) == [None, None, None, None, None, entries["kept.yaml"]]
    assert cache.lookup(files) == [cache.entry(source) for source in files]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_place_of_a_file_is_a_miss_without_opening_it(tmp_path: Path) -> None:
    path = _file(tmp_path, "a.yaml", b"")
    entry = _entry(path, LONG_AGO_NS + RACY_NS + 1)
    path.unlink()
    os.mkfifo(path)
    os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    assert _cache(tmp_path, {"a.yaml": entry}).lookup([SourceFile(str(path), "a.yaml")]) == [None]
