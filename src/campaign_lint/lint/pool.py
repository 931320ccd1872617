"""Linting many files at once: the worker pool, and the collector pause a run needs.

Files are linted independently, so they can be spread over processes; the
results come back in input order, and the report does not depend on the
number of workers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections.abc import Callable, Iterator, Sequence

from campaign_lint.lint.config import Settings
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.pipeline import FilePipeline

# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 400


def outcomes(pipeline: FilePipeline, files: Sequence[SourceFile], jobs: int) -> Iterator[FileOutcome]:
    """The outcome of each of ``files``, in input order, over ``jobs`` processes when there are many."""
    if pipeline.custom is not None:
        # CEL cannot be interrupted in the process running it: custom rules run in
        # worker processes the main process stops at a deadline, one at least.
        if len(files) < PARALLEL_MIN_FILES and hasattr(os, "fork"):
            from campaign_lint.lint import celwatch  # lints here, evaluates CEL in a forked worker

            yield from celwatch.outcomes(pipeline, files)
            return
        from campaign_lint.lint import watchdog  # lints in workers

        workers = jobs if len(files) >= PARALLEL_MIN_FILES else 1
        yield from watchdog.outcomes(pipeline, files, workers, watchdog.chunk_size(len(files), workers))
        return
    if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
        yield from map(pipeline.lint_file, files)
        return
    chunk = max(16, min(256, len(files) // (jobs * 8)))
    import multiprocessing  # only runs with many files pay its import

    start = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    initargs = (pipeline.settings, pipeline.digest, pipeline.collect_lines)
    context = multiprocessing.get_context(start)
    # Ctrl-C goes to the whole process group: the workers ignore it (from
    # their first instruction, so they are created with SIGINT ignored), and
    # the main process alone stops: leaving the `with` terminates the pool,
    # and the CLI prints one line and exits 130 (cli/guard.py).
    with _sigint_ignored():
        pool = context.Pool(jobs, initializer=_start_worker, initargs=initargs)
    with pool:
        yield from pool.imap(_lint_in_worker, files, chunksize=chunk)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored in this process while the block runs (processes started in it inherit that)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not this thread's to change
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector for a run (restored afterwards).

    A run allocates millions of short-lived, acyclic objects (parsing) and
    keeps tens of thousands of long-lived ones (records, findings); reference
    counting frees the former, while the cyclic collector would rescan the
    latter again and again (docs/performance.md has the share of a run it
    took). The few cycles a run makes are collected once the collector is
    back.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# The pipeline of a worker process, built once by the pool's initializer.
_WORKER: FilePipeline | None = None


def _start_worker(settings: Settings, digest: Callable[[bytes], bytes] | None, collect_lines: bool) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process answers Ctrl-C (see outcomes)
    gc.disable()  # see paused_collector
    _WORKER = FilePipeline(settings, digest=digest)
    _WORKER.collect_lines = collect_lines


def _lint_in_worker(source: SourceFile) -> FileOutcome:
    assert _WORKER is not None
    return _WORKER.lint_file(source)
