"""The watched workers of custom rules (``lint/watchdog.py``, ``lint/forking.py``): each way they start.

Where the platform forks, workers are forked directly (``lint/forking.py``);
Windows spawns them with ``multiprocessing``. Both give the outcomes the main
process would, and both stop a rule at its deadline. The CLI-level guarantees
(deadline, Ctrl-C, too costly a policy) are in ``test_untrusted_evaluation.py``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from tests.hostile.test_untrusted_evaluation import (
    SLOW_POLICY,
    VALID,
    _custom_rule,
    _slow_campaigns,
    make_repo,
    one_line_each,
    run_cli,
)


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


# -- Small runs: linted in the main process, CEL evaluated in a forked worker (lint/celwatch.py) ------


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
@pytest.mark.slow
def test_a_small_run_stops_a_stuck_rule_in_its_cel_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker killed at the deadline, the campaign sent again, the rest as the watchdog's workers lint it."""
    from campaign_lint.lint import celwatch, pool, watchdog

    root = make_repo(tmp_path, SLOW_POLICY, {**_slow_campaigns(1), "ok.yaml": VALID})
    files, pipeline = _files_and_pipeline(root)
    monkeypatch.setattr(watchdog, "DEADLINE", 0.5)
    ended: list[int | None] = []
    stop = celwatch.WatchedRules._stop_worker

    def spy(self: celwatch.WatchedRules) -> None:
        process = self.worker[0] if self.worker is not None else None
        stop(self)
        ended.append(None if process is None else process.exitcode)

    monkeypatch.setattr(celwatch.WatchedRules, "_stop_worker", spy)
    small = list(pool.outcomes(pipeline, files, 1))  # type: ignore[arg-type]
    assert ended == [-9, -9]  # killed at the deadline; the second one at the end of the run
    (stuck,) = [f.message for f in small[0].findings if f.rule == "ORG001"]
    assert stuck.startswith("c0 breaks ORG001 (could not check: it ran for more than 0.5 s on this campaign")
    assert [f.message for f in small[0].findings if f.rule == "ORG002"] == ["c0 breaks ORG002"]
    big = list(watchdog.outcomes(pipeline, files, 1, 16))  # type: ignore[arg-type]
    assert [outcome.findings for outcome in small] == [outcome.findings for outcome in big]
    assert [outcome.record for outcome in small] == [outcome.record for outcome in big]
    assert pipeline.custom.watch is None  # type: ignore[attr-defined]  # the caller's evaluator untouched


def _dying_rules(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """The custom rules of the next forked worker end it (``exit``) or raise (``raise``) in rule 0."""
    from campaign_lint.policies.custom import Evaluator

    real = Evaluator.check

    def check(self: Evaluator, data: dict[str, object]) -> object:
        if not self.not_run and self.watch is not None:  # in the worker, rule 0 not stopped before
            self.watch.rule(0)
            if how == "raise":
                raise ValueError("the evaluator broke")
            os._exit(7)
        return real(self, data)

    monkeypatch.setattr(Evaluator, "check", check)


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
@pytest.mark.slow
def test_a_small_run_reports_a_rule_that_ended_its_worker_and_ends_after_three(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign_lint.core.errors import PolicyError
    from campaign_lint.lint import pool

    policy = (
        "version: 1\ncustom_rules:\n" + _custom_rule("campaign.id == 'x'") + _custom_rule("true", "ORG002")
    )
    root = make_repo(
        tmp_path, policy, {f"c{n}.yaml": VALID.replace("back-in-stock-sms", f"c{n}") for n in range(3)}
    )
    files, pipeline = _files_and_pipeline(root)
    _dying_rules(monkeypatch, "exit")
    (outcome,) = pool.outcomes(pipeline, files[:1], 1)  # type: ignore[arg-type]
    assert [f.message for f in outcome.findings if f.rule.startswith("ORG")] == [
        "c0 breaks ORG001 (could not check: evaluating it ended the process running it (exit code 7))"
    ]
    with pytest.raises(PolicyError) as raised:
        list(pool.outcomes(pipeline, files, 1))  # type: ignore[arg-type]
    problems = raised.value.problems
    assert len(problems) == 3
    for number, problem in enumerate(problems):
        assert re.match(
            r"\S*campaign-lint\.yaml:5:13: custom rule ORG001 was stopped after 1 s on \S*campaigns/c\d\.yaml; ",
            problem,
        )
        assert f"campaigns/c{number}.yaml; after 3 stops the run ends (make the rule do less work" in problem


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
@pytest.mark.slow
def test_an_error_in_a_small_runs_cel_worker_reaches_the_main_process_with_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign_lint.lint import pool

    root = make_repo(tmp_path, "version: 1\ncustom_rules:\n" + _custom_rule("campaign.id == 'x'"))
    files, pipeline = _files_and_pipeline(root)
    _dying_rules(monkeypatch, "raise")
    with pytest.raises(ValueError, match="the evaluator broke") as raised:
        list(pool.outcomes(pipeline, files, 1))  # type: ignore[arg-type]
    (note,) = raised.value.__notes__
    assert note.endswith("campaigns/ok.yaml")


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
@pytest.mark.slow
def test_check_fix_stops_a_stuck_rule_in_each_round_once(tmp_path: Path) -> None:
    """``--fix`` lints a file again in each round of fixes: there too a stuck rule is stopped, once per file."""
    campaigns = _slow_campaigns(1)
    campaigns["c0.yaml"] = campaigns["c0.yaml"].replace("channel: sms", "channel: SMS")  # a safe fix
    root = make_repo(tmp_path, SLOW_POLICY, campaigns)
    result = run_cli(root, "check", "--fix")
    one_line_each(result.stdout + result.stderr)
    assert result.returncode == 1, result.stderr
    assert "channel: sms\n" in (root / "campaigns" / "c0.yaml").read_text(encoding="utf-8")
    assert re.search(
        r"^campaigns/c0\.yaml:\d+:\d+: ORG001 \[error\] c0 breaks ORG001 \(could not check: it ran for more than "
        r"1 s on this campaign",
        result.stdout,
        re.M,
    ), result.stdout
