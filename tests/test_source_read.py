"""SourceFile.read: a file's bytes with plain system calls, whatever its size."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from campaign_lint.lint.discovery import SourceFile


@pytest.mark.parametrize("size", [0, 1, 4_095, 65_535, 65_536, 65_537, 131_072, 300_001])
def test_reads_the_whole_file(tmp_path: Path, size: int) -> None:
    path = tmp_path / "campaign.yaml"
    data = random.Random(size).randbytes(size)
    path.write_bytes(data)
    assert SourceFile(str(path), "campaign.yaml").read() == data


def test_a_folder_or_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        SourceFile(str(tmp_path), "folder").read()
    with pytest.raises(FileNotFoundError):
        SourceFile(str(tmp_path / "missing.yaml"), "missing.yaml").read()
