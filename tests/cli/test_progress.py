"""The progress bar: only on a terminal, only for long runs, one tick per file."""

from __future__ import annotations

import io
from pathlib import Path

from campaign_lint.cli import progress
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import discover
from campaign_lint.lint.engine import Engine
from tests.cli.campaigns import GOOD


def test_bar_only_on_a_terminal_for_many_files() -> None:
    assert progress.wanted(progress.MIN_FILES, stream_is_terminal=True, quiet=False)
    assert not progress.wanted(progress.MIN_FILES - 1, stream_is_terminal=True, quiet=False)
    assert not progress.wanted(10_000, stream_is_terminal=False, quiet=False)
    assert not progress.wanted(10_000, stream_is_terminal=True, quiet=True)


def test_engine_ticks_once_per_file(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    for index in range(7):
        (tmp_path / f"c{index}.yaml").write_text(GOOD.replace("review-after-delivery", f"review-{index}"))
    settings = load_settings(None, tmp_path)
    ticks: list[int] = []
    report = Engine(settings).run(discover([tmp_path], settings.scope()), progress=lambda: ticks.append(1))
    assert len(ticks) == 7
    assert report.files == 7


def test_bar_draws_on_the_stream_and_counts() -> None:
    stream = io.StringIO()
    with progress.bar(3, stream, force_terminal=True) as advance:
        for _ in range(3):
            advance()
    drawn = stream.getvalue()
    assert "checking campaigns" in drawn
    assert "3/3" in drawn
