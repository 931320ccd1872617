"""The watched workers of custom rules (``lint/watchdog.py``, ``lint/forking.py``): each way they start.

Where the platform forks, workers are forked directly (``lint/forking.py``);
Windows spawns them with ``multiprocessing``. Both give the outcomes the main
process would, and both stop a rule at its deadline. The CLI-level guarantees
(deadline, Ctrl-C, too costly a policy) are in ``test_untrusted_evaluation.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.hostile.test_untrusted_evaluation import SLOW_POLICY, VALID, _slow_campaigns, make_repo


def _files_and_pipeline(root: Path) -> tuple[list[object], object]:
    from campaign_lint.lint.config import load_settings
    from campaign_lint.lint.discovery import discover
    from campaign_lint.lint.pipeline import FilePipeline

    settings = load_settings(root / "campaign-lint.yaml", root)
    return list(discover([root / "campaigns"], settings.scope())), FilePipeline(settings)


@pytest.mark.parametrize("spawn", [False, True], ids=["forked", "spawned"])
@pytest.mark.slow
def test_each_way_of_starting_workers_stops_a_stuck_rule_and_lints_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spawn: bool
) -> None:
    from campaign_lint.lint import watchdog

    root = make_repo(tmp_path, SLOW_POLICY, {**_slow_campaigns(1), "ok.yaml": VALID, "x.yaml": VALID})
    files, pipeline = _files_and_pipeline(root)
    monkeypatch.setattr(watchdog._Supervisor, "spawn", spawn)
    monkeypatch.setattr(watchdog, "DEADLINE", 0.5)
    started: list[str] = []
    start = watchdog._Supervisor._start

    def spy(self: watchdog._Supervisor, slot: int) -> watchdog._Worker:
        worker = start(self, slot)
        started.append(type(worker.process).__module__.split(".")[0])
        return worker

    monkeypatch.setattr(watchdog._Supervisor, "_start", spy)
    # Chunks of one file over two workers: the stuck one is replaced while the other goes on.
    watched = list(watchdog.outcomes(pipeline, files, 2, 1))  # type: ignore[arg-type]
    assert started == ["multiprocessing" if spawn else "campaign_lint"] * 3
    stuck = watched[0].findings
    assert [finding.message for finding in stuck if finding.rule == "ORG001"] == [
        "c0 breaks ORG001 (could not check: it ran for more than 0.5 s on this campaign, the limit for custom "
        "rules; make the rule do less work)"
    ]
    assert [finding.message for finding in stuck if finding.rule == "ORG002"] == ["c0 breaks ORG002"]
    here = [pipeline.lint_file(source) for source in files[1:]]  # type: ignore[attr-defined]
    assert [outcome.findings for outcome in watched[1:]] == [outcome.findings for outcome in here]
    assert [outcome.record for outcome in watched[1:]] == [outcome.record for outcome in here]


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
def test_a_forked_worker_answers_over_its_pipes_and_its_end_reads_as_such() -> None:
    from campaign_lint.lint import forking

    first, connection = forking.start(_echo, ("echo",))
    second, other = forking.start(_echo, ("other",), [connection])
    big = b"x" * 300_000  # more than a pipe holds
    connection.send(big)
    assert forking.wait([connection, other], timeout=30.0) == [connection]
    assert connection.recv() == ("echo", big)
    connection.send(None)  # the worker returns: exit code 0, its pipe ends
    assert forking.wait([first.sentinel], timeout=30.0) == [first.sentinel]
    with pytest.raises(EOFError):
        connection.recv_bytes()
    first.join()
    assert first.exitcode == 0
    assert not first.is_alive()
    second.kill()
    second.join()
    assert second.exitcode == -9
    connection.close()
    other.close()


def _echo(connection: object, name: str) -> None:
    while True:
        message = connection.recv()  # type: ignore[attr-defined]
        if message is None:
            return
        connection.send((name, message))  # type: ignore[attr-defined]
