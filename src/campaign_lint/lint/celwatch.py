"""Custom rules of a small run: the main process lints, a forked worker evaluates the CEL.

A run of fewer than ``pool.PARALLEL_MIN_FILES`` files (the pre-commit hook's
one file) lints in the main process; only its custom rules run elsewhere,
for the reason ``lint/watchdog.py`` gives (CEL holds the interpreter until it
returns). ``WatchedRules`` stands in for the pipeline's evaluator: for each
campaign it sends the campaign's data to a worker forked from the main
process when the first campaign reaches its custom rules (it inherits the
compiled rules), and waits for the violations, watching the same clock in
shared memory as the watchdog's workers. The watchdog's guarantees hold,
campaign by campaign:

* A worker still in one campaign's custom rules ``DEADLINE`` seconds after
  they started is killed; the campaign is sent again to a fresh worker with
  that rule marked as not to run: it reports that it could not check, the
  other rules run as usual. A worker that dies in a rule is handled alike.
* After ``MAX_STOPPED`` stops in the run, the run ends with a policy error.
* Ctrl-C interrupts the main process where it waits; the worker ignores it
  and is killed on the way out.

A worker is the main process forked late: it touches only what evaluating
CEL touches, where a worker linting whole files copies much of the main
process's memory page by page. Linting a campaign's data in this process
and in a watchdog worker gives the same findings. Big runs, and platforms
without ``fork``, use the watchdog's workers.
"""

from __future__ import annotations

import contextlib
import copy
import pickle
import select
from collections.abc import Iterator, Sequence
from typing import Any

from campaign_lint.core.findings import Violation
from campaign_lint.lint import forking
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.pipeline import FilePipeline
from campaign_lint.lint.watchdog import (
    FIELDS,
    MAX_STOPPED,
    POLL_SECONDS,
    SharedWatch,
    become_worker,
    past_deadline,
    sendable,
    shared_doubles,
    sigint_blocked,
    stop_reason,
    too_costly,
)
from campaign_lint.schemas.policy import CustomRule


def outcomes(pipeline: FilePipeline, files: Sequence[SourceFile]) -> Iterator[FileOutcome]:
    """The outcome of each of ``files`` in input order, linted here, custom rules in a watched worker."""
    with watched(pipeline) as (here, rules):
        for source in files:
            rules.display = source.display
            yield here.lint_file(source)


@contextlib.contextmanager
def watched(pipeline: FilePipeline) -> Iterator[tuple[FilePipeline, WatchedRules]]:
    """A copy of ``pipeline`` whose custom rules run in a watched worker, and those rules.

    Set ``display`` of the rules to the file being linted (the policy error
    names it). The worker is killed when the block ends.
    """
    rules = WatchedRules(pipeline)
    here = copy.copy(pipeline)  # the caller's pipeline keeps its evaluator
    here.custom = rules
    try:
        yield here, rules
    finally:
        rules.stop()


class WatchedRules:
    """The pipeline's custom rules (``check``), evaluated in a forked worker stopped at the deadline."""

    def __init__(self, pipeline: FilePipeline) -> None:
        self.pipeline = pipeline
        self.evaluator = pipeline.custom
        self.rules = self.evaluator.rules
        self.progress = shared_doubles(FIELDS, None)
        self.worker: tuple[forking.Process, forking.Connection] | None = None
        self.stopped: list[tuple[int, str]] = []  # (rule index, file) of each stop
        self.display = ""  # the file being linted, for the policy error
        self.killed = False  # the last worker ended: killed at the deadline (or died)
        # Rules stopped on a file, not run on it again in this run (``check --fix`` lints a file
        # once per round of fixes).
        self.known: dict[str, dict[int, str]] = {}

    def check(self, data: dict[str, Any]) -> list[tuple[CustomRule, Violation]]:
        """(rule, violation) for every custom rule the campaign breaks (``Evaluator.check``)."""
        not_run = self.known.setdefault(self.display, {})
        while True:
            if self.worker is None:
                self.progress[0], self.progress[1], self.progress[2] = -1.0, -1.0, 0.0
                with sigint_blocked():  # until the worker ignores it (see _serve)
                    self.worker = forking.start(_serve, (self.evaluator, self.progress))
            process, connection = self.worker
            connection.send((data, not_run))
            answer = self._answer(process, connection)
            if answer is not None:
                kind, value = pickle.loads(answer)
                if kind == "error":
                    raise value
                return [(self.rules[index].rule, violation) for index, violation in value]
            self._stop_worker()
            rule = int(self.progress[1])
            late = self.killed
            if rule < 0:
                if late:  # it finished the rule as it was stopped: the campaign is sent again as it was
                    continue
                raise RuntimeError(f"a worker process ended unexpectedly (exit code {process.exitcode})")
            not_run[rule] = stop_reason(late, process.exitcode)
            self.stopped.append((rule, self.display))
            if len(self.stopped) >= MAX_STOPPED:
                raise too_costly(self.pipeline, self.stopped)

    def _answer(self, process: forking.Process, connection: forking.Connection) -> bytes | None:
        """The worker's pickled answer, or None when it died or was killed past the deadline."""
        self.killed = False
        reading = connection.fileno()
        while True:
            if select.select([reading], [], [], POLL_SECONDS)[0]:
                try:
                    return connection.recv_bytes()
                except EOFError:
                    return None
            if past_deadline(self.progress, 0):
                self.killed = process.is_alive()
                process.kill()
                return None

    def _stop_worker(self) -> None:
        if self.worker is not None:
            process, connection = self.worker
            self.worker = None
            process.kill()
            process.join()
            connection.close()

    def stop(self) -> None:
        """Kill the worker, if any (it holds nothing to save), and wait for it."""
        self._stop_worker()


def _serve(connection: forking.Connection, evaluator: Any, progress: Any) -> None:
    """The worker: evaluate the custom rules of each campaign it is sent, until the pipe closes."""
    become_worker()
    evaluator.watch = SharedWatch(progress, 0)
    index = {id(compiled.rule): number for number, compiled in enumerate(evaluator.rules)}
    while True:
        try:
            data, not_run = connection.recv()
        except EOFError:
            return
        evaluator.not_run = not_run
        try:
            found = [(index[id(rule)], violation) for rule, violation in evaluator.check(data)]
            answer = pickle.dumps(("ok", found), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - handed to the main process, which raises it
            answer = pickle.dumps(("error", sendable(exc)), pickle.HIGHEST_PROTOCOL)
        connection.send_bytes(answer)
