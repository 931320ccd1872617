"""``core/files.private_beside``: the temporary file a write goes through before its rename, as ``mkstemp`` makes it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign_lint.core.files import private_beside


def test_a_new_private_file_in_the_folder(tmp_path: Path) -> None:
    fd, name = private_beside(tmp_path, ".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"written")
    made = Path(name)
    assert made.parent == tmp_path
    assert os.path.isabs(name)
    assert made.name.startswith(".tmp-")
    assert made.name != ".tmp-"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert made.read_bytes() == b"written"
    other_fd, other = private_beside(tmp_path, ".tmp-")
    os.close(other_fd)
    assert other != name


def test_a_relative_folder_gives_an_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    fd, name = private_beside("sub", "x")
    os.close(fd)
    assert Path(name).parent == tmp_path / "sub"


def test_a_name_taken_or_a_link_is_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first names drawn exist (a file, a link to another file): both stay as they were."""
    target = tmp_path / "elsewhere"
    target.write_bytes(b"keep")
    (tmp_path / ".tmp-000000000000").write_bytes(b"taken")
    (tmp_path / ".tmp-010101010101").symlink_to(target)
    draws: Iterator[bytes] = iter([bytes(6), bytes([1] * 6), bytes([2] * 6)])
    monkeypatch.setattr(os, "urandom", lambda size: next(draws))
    fd, name = private_beside(tmp_path, ".tmp-")
    os.close(fd)
    assert Path(name).name == ".tmp-020202020202"
    assert (tmp_path / ".tmp-000000000000").read_bytes() == b"taken"
    assert target.read_bytes() == b"keep"


def test_a_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        private_beside(tmp_path / "missing", ".tmp-")
