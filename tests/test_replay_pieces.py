"""A replay record's results are stored in pieces and read back whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign_lint.core.findings import Finding, Severity, Span
from campaign_lint.lint import replay
from campaign_lint.lint.cachedir import store
from campaign_lint.lint.discovery import Scope
from campaign_lint.lint.report import Results
from campaign_lint.lint.signed import secret_key

KEY = b"k" * 32


@pytest.fixture(autouse=True)
def _user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Outside tmp_path, the folder the records are for: a key inside it is not used.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))


def _results(kept: int, silenced: int, files: int) -> Results:
    def finding(index: int) -> Finding:
        path = f"campaigns/c{index % files}.yaml"
        return Finding("TIM001", Severity.ERROR, f"message {index}", path, Span(index + 1, 1, index + 1, 5))

    return Results(
        [finding(i) for i in range(kept)],
        [(finding(i), "inline") for i in range(silenced)],
        {f"campaigns/c{i}.yaml": {i + 1: f"line {i}"} for i in range(files)},
        tuple(f"campaigns/c{i}.yaml" for i in range(files)),
    )


def _record(root: Path) -> replay.Record:
    return replay.Record("2026-11-30", Scope(root, None, ("**/*.yaml",), ()), Severity.ERROR, (), (), ())


@pytest.mark.parametrize(
    ("kept", "silenced", "files"),
    [
        (0, 0, 0),
        (1, 0, 1),
        (replay._PIECE, 1, 3),
        (2 * replay._PIECE + 1, replay._PIECE + 7, replay._PIECE * 2),
    ],
)
def test_results_round_trip_across_pieces(tmp_path: Path, kept: int, silenced: int, files: int) -> None:
    results = _results(kept, silenced, files)
    assert replay.store(KEY, _record(tmp_path), results)
    stored = replay.load(tmp_path, KEY)
    assert stored is not None
    assert stored.results() == results


def test_a_missing_piece_is_not_a_result(tmp_path: Path) -> None:
    results = _results(2 * replay._PIECE + 1, 0, 2)
    pieces = replay._pieces(results)
    assert len(pieces) == 1 + 3 + 1  # header, three chunks of findings, one of source lines
    secret = secret_key(tmp_path)
    assert secret is not None
    path = replay.location(tmp_path, KEY)
    # The last chunk of findings left out: the header's counts do not add up.
    assert store(path, KEY, secret, (KEY, _record(tmp_path)), *pieces[:3], pieces[4])
    stored = replay.load(tmp_path, KEY)
    assert stored is not None
    assert stored.results() is None
