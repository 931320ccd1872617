"""Custom rules run where they can be stopped: worker processes the main process watches.

The CEL library evaluates an expression in native code that holds the
interpreter: no signal handler, thread or timer of the process running it
gets a turn until it returns, and Ctrl-C waits for it too. So when a policy
has custom rules, files are linted in worker processes (one at least, even
for a single file) and the main process only hands out chunks of files,
collects their outcomes in input order and watches:

* Each worker writes, in memory shared with the main process, the position
  in its chunk of the file it lints, the custom rule it evaluates (``-1``
  outside the custom rules) and when that file's custom rules started. This
  costs a few memory writes per file and no message: the normal case adds no
  round-trip per campaign.
* A worker still inside the custom rules of one campaign ``DEADLINE``
  seconds after they started is killed. Its chunk is handed out again (a
  fresh worker takes its place), with that rule marked as not to run on that
  campaign: the rule reports that it could not check it, and the campaign's
  other rules run as usual. The outcome is the same whatever the number of
  workers.
* After ``MAX_STOPPED`` such stops in one run the policy is judged too
  costly: the run ends with a policy error naming the rules and campaigns.
* Ctrl-C reaches the main process, which waits in a call that signals
  interrupt; the workers ignore it and are killed on the way out.

Workers are forked with ``os.fork`` and pipes (``lint/forking.py``: no
import of ``multiprocessing`` and its sockets); where the platform has no
fork (Windows), ``multiprocessing`` spawns them.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

from campaign_lint.core.errors import PolicyError
from campaign_lint.core.slotted import Mutable
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.pipeline import FilePipeline
from campaign_lint.policies.custom import DEADLINE as DEADLINE  # read at each use: a test lowers it

# Stops (a campaign's custom rules past the deadline) after which the run ends.
MAX_STOPPED = 3
# How often the main process looks at the workers' clocks while it waits.
POLL_SECONDS = 0.05
# Shared memory per worker: position in the chunk, rule index, start time.
FIELDS = 3


class _Chunk(Mutable):
    """Consecutive files handed to one worker; ``not_run`` by position: rules stopped there before."""

    __slots__ = ("number", "sources", "not_run")
    number: int
    sources: list[SourceFile]
    not_run: dict[int, dict[int, str]]

    def __init__(
        self, number: int, sources: list[SourceFile], not_run: dict[int, dict[int, str]] | None = None
    ) -> None:
        self.number = number
        self.sources = sources
        self.not_run = {} if not_run is None else not_run


class _Worker(Mutable):
    __slots__ = ("slot", "process", "connection", "chunk")
    slot: int
    process: Any
    connection: Any
    chunk: _Chunk | None

    def __init__(self, slot: int, process: Any, connection: Any, chunk: _Chunk | None = None) -> None:
        self.slot = slot
        self.process = process
        self.connection = connection
        self.chunk = chunk


class SharedWatch:
    """A worker's ``Watch``: which rule runs, and since when, in shared memory."""

    def __init__(self, progress: Any, slot: int) -> None:
        self.progress = progress
        self.base = slot * FIELDS

    def rule(self, index: int) -> None:
        """Rule ``index`` starts (``-1``: the campaign's custom rules are done)."""
        base = self.base
        if index >= 0 and self.progress[base + 1] < 0:
            self.progress[base + 2] = time.monotonic()  # the campaign's custom rules start
        self.progress[base + 1] = index


def outcomes(
    pipeline: FilePipeline, files: Sequence[SourceFile], jobs: int, chunk: int
) -> Iterator[FileOutcome]:
    """The outcome of each of ``files`` in input order, linted by ``jobs`` watched worker processes."""
    if not files:
        return
    chunks = [
        _Chunk(number, list(files[start : start + chunk]))
        for number, start in enumerate(range(0, len(files), chunk))
    ]
    count = max(1, min(jobs, len(chunks)))
    supervisor = _Supervisor(pipeline, chunks, count)
    try:
        supervisor.start()
        yield from supervisor.run()
    finally:
        supervisor.stop()


class _Supervisor:
    """Starts, feeds, watches and replaces the workers of one run.

    Where the platform forks, workers are forked with ``lint/forking.py``
    (``fork``): they inherit the pipeline and the chunks, and are told a
    chunk by its number. Elsewhere (Windows) ``multiprocessing`` spawns them
    and they are sent the pipeline's settings and each chunk's files.
    """

    # Start workers with multiprocessing's spawn even where fork exists (the tests of that path).
    spawn = False

    def __init__(self, pipeline: FilePipeline, chunks: list[_Chunk], count: int) -> None:
        self.pipeline = pipeline
        self.chunks = chunks
        self.fork = hasattr(os, "fork") and not self.spawn
        self.context: Any = None
        if self.fork:
            from campaign_lint.lint import forking

            self.wait: Any = forking.wait
        else:
            import multiprocessing
            import multiprocessing.connection

            self.context = multiprocessing.get_context("spawn")
            self.wait = multiprocessing.connection.wait
        self.count = count
        self.progress = shared_doubles(count * FIELDS, self.context)
        self.workers: list[_Worker] = []
        self.stopped: list[tuple[int, str]] = []  # (rule index, file) of each stop

    def start(self) -> None:
        """Start the workers."""
        for slot in range(self.count):
            self.workers.append(self._start(slot))

    def _start(self, slot: int) -> _Worker:
        base = slot * FIELDS
        self.progress[base], self.progress[base + 1], self.progress[base + 2] = -1.0, -1.0, 0.0
        if self.fork:  # the pipeline as it is, compiled rules included, and the chunks: nothing is pickled
            from campaign_lint.lint import forking

            others = [worker.connection for worker in self.workers if worker.slot != slot]
            with sigint_blocked():  # until the worker ignores it (see _serve)
                process, connection = forking.start(
                    _serve, (self.progress, slot, self.pipeline, self.chunks), others
                )
            return _Worker(slot, process, connection)
        ours, theirs = self.context.Pipe()
        start = (self.pipeline.settings, self.pipeline.digest, self.pipeline.collect_lines)
        process = self.context.Process(
            target=_serve,
            args=(theirs, self.progress, slot, *start),
            daemon=True,
            name=f"campaign-lint-{slot}",
        )
        with sigint_blocked():  # until the worker ignores it (see _serve)
            process.start()
        theirs.close()
        return _Worker(slot, process, ours)

    def run(self) -> Iterator[FileOutcome]:
        chunks = self.chunks
        pending = deque(chunks)
        done: dict[int, bytes] = {}  # pickled answers, unpickled when their turn comes
        following = 0
        while following < len(chunks):
            # Idle workers get work first, so that they lint while the caller takes outcomes.
            for worker in self.workers:
                if worker.chunk is None and pending:
                    worker.chunk = given = pending.popleft()
                    # A forked worker has the chunks: it is told the number only.
                    worker.connection.send(
                        (given.number, None if self.fork else given.sources, given.not_run)
                    )
            if following in done:
                kind, answer = pickle.loads(done.pop(following))
                if kind == "error":
                    raise answer
                yield from answer
                following += 1
                continue
            busy = [worker for worker in self.workers if worker.chunk is not None]
            waiting = [worker.connection for worker in busy] + [worker.process.sentinel for worker in busy]
            ready = set(self.wait(waiting, timeout=POLL_SECONDS))
            for worker in busy:
                chunk = worker.chunk
                assert chunk is not None
                if worker.connection in ready and worker.connection.poll():
                    # Read at once, unpickled later: a worker blocked sending its answer lints nothing.
                    try:
                        done[chunk.number] = worker.connection.recv_bytes()
                    except EOFError:
                        pass
                    else:
                        worker.chunk = None
                        continue
                if worker.process.sentinel in ready or past_deadline(self.progress, worker.slot):
                    pending.appendleft(self._replace(worker, chunk))

    def _replace(self, worker: _Worker, chunk: _Chunk) -> _Chunk:
        """End ``worker`` (late or dead), note what it was stuck on, and start another in its slot."""
        late = worker.process.is_alive()
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        base = worker.slot * FIELDS
        position, rule = int(self.progress[base]), int(self.progress[base + 1])
        source = chunk.sources[position] if 0 <= position < len(chunk.sources) else None
        if rule < 0 or source is None:
            if late:  # it finished the rule as it was stopped: the chunk runs again as it was
                self.workers[worker.slot] = self._start(worker.slot)
                return chunk
            error = RuntimeError(f"a worker process ended unexpectedly (exit code {worker.process.exitcode})")
            if source is not None:
                error.add_note(f"while checking {source.display}")
            raise error
        chunk.not_run.setdefault(position, {})[rule] = stop_reason(late, worker.process.exitcode)
        self.stopped.append((rule, source.display))
        if len(self.stopped) >= MAX_STOPPED:
            raise too_costly(self.pipeline, self.stopped)
        self.workers[worker.slot] = self._start(worker.slot)
        return chunk

    def stop(self) -> None:
        """Kill every worker (they hold nothing to save) and wait for them."""
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError):
                worker.process.kill()
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                worker.process.join()
                worker.connection.close()


def past_deadline(progress: Any, slot: int) -> bool:
    """Whether the worker in ``slot`` has been in one campaign's custom rules for more than ``DEADLINE``."""
    base = slot * FIELDS
    started: float = progress[base + 2]
    return bool(progress[base + 1] >= 0 and time.monotonic() - started > DEADLINE)


def become_worker() -> None:
    """A worker's first steps: Ctrl-C left to the main process, the collector paused (``pool.paused_collector``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process answers Ctrl-C
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    gc.disable()


def stop_reason(late: bool, exitcode: int | None) -> str:
    """Why a rule stopped on a campaign could not check it: past the deadline, or its process ended."""
    if late:
        return (
            f"it ran for more than {_seconds(DEADLINE)} on this campaign, the limit for custom rules; "
            "make the rule do less work"
        )
    return f"evaluating it ended the process running it (exit code {exitcode})"


def too_costly(pipeline: FilePipeline, stopped: list[tuple[int, str]]) -> PolicyError:
    """The policy error ending a run after ``MAX_STOPPED`` stops, (rule index, file) each."""
    settings = pipeline.settings
    problems = []
    for rule, display in stopped:
        # compile_rules keeps the policy's order: rule `rule` is entry `rule` of `custom_rules`.
        compiled = pipeline.custom.rules[rule]
        problems.append(
            f"{settings.where_text(('custom_rules', rule, 'assert'))}: custom rule {compiled.rule.id} was stopped "
            f"after {_seconds(DEADLINE)} on {display}; after {MAX_STOPPED} stops the run ends "
            "(make the rule do less work: fewer nested macros, smaller lists)"
        )
    return PolicyError(problems)


def shared_doubles(count: int, context: Any) -> Any:
    """``count`` floats in memory shared with the worker processes.

    Forked workers (no ``context``) share an anonymous mapping: no file, no
    import of multiprocessing's shared-memory heap. Spawned workers get a RawArray.
    """
    if context is not None:
        return context.RawArray("d", count)
    import mmap

    return memoryview(mmap.mmap(-1, 8 * count)).cast("d")


def _seconds(value: float) -> str:
    return f"{value:g} s"


@contextlib.contextmanager
def sigint_blocked() -> Iterator[None]:
    """SIGINT held back in this thread while the block runs; processes started in it inherit that.

    A Ctrl-C meanwhile is delivered to the main process when the block ends,
    and to a worker never: it ignores SIGINT before it unblocks it.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _serve(connection: Any, progress: Any, slot: int, *start: Any) -> None:
    """A worker: lint the chunks it is sent, one answer per chunk, until the pipe closes.

    ``start`` is the pipeline and the chunks (forked: chunks are sent by
    number), or what makes the pipeline (spawned: chunks are sent with their files).
    """
    become_worker()
    chunks: list[_Chunk] = []
    if len(start) == 2:
        pipeline: FilePipeline = start[0]
        chunks = start[1]
    else:
        settings, digest, collect_lines = start
        pipeline = FilePipeline(settings, digest=digest)
        pipeline.collect_lines = collect_lines
    custom = pipeline.custom
    custom.watch = SharedWatch(progress, slot)
    base = slot * FIELDS
    while True:
        try:
            number, sources, not_run = connection.recv()
        except EOFError:
            return
        if sources is None:
            sources = chunks[number].sources
        results: list[FileOutcome] = []
        try:
            for position, source in enumerate(sources):
                progress[base] = position
                custom.not_run = not_run.get(position, {})
                results.append(pipeline.lint_file(source))
            answer = pickle.dumps(("ok", results), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - handed to the main process, which raises it
            answer = pickle.dumps(("error", sendable(exc)), pickle.HIGHEST_PROTOCOL)
        progress[base] = -1
        connection.send_bytes(answer)


def sendable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling, else a plain error with its type, text and notes."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure to pickle
        plain = RuntimeError(f"{type(exc).__name__}: {exc}")
        for note in getattr(exc, "__notes__", ()):
            plain.add_note(note)
        return plain
    return exc


def chunk_size(files: int, jobs: int) -> int:
    """Files per chunk: a few chunks per worker, so that the work spreads evenly."""
    return max(16, min(256, math.ceil(files / (max(1, jobs) * 8))))
