"""Ending the console script without freeing, one object at a time, what a finished run built.

When a check over 10,000 files has written its reports, what remains is its
findings, records and source lines, and every module it imported. A normal
exit frees them object by object and then tears the modules down: 30-50 ms
of a 1.4 s run (docs/performance.md). The operating system reclaims a
process's memory at once, so the console script (``cli/entry.run``) flushes
the standard streams and ends the process with ``os._exit``.

Only the console script does this: ``entry.main`` and ``run_check`` called
in-process (tests, other tools) return as usual, and ``hold`` keeps nothing
for them. Under a tracer or profiler (coverage, a debugger, cProfile) the
console script exits normally, so that they can save their results.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

_held: list[object] = []
_holding = False


def start_holding() -> None:
    """From now on ``hold`` keeps what it is given until the process ends (console script only)."""
    global _holding
    _holding = True


def hold(*values: object) -> None:
    """Keep ``values`` alive until the process ends, when ``start_holding`` was called; else nothing."""
    if _holding:
        _held.extend(values)


def leave(code: int) -> NoReturn:
    """Flush stdout and stderr and end the process with ``code``, without freeing memory.

    Files the run wrote are closed by then (reports, cache, replay record:
    each is written inside a ``with``); the worker pool has been shut down.
    A reader that stopped reading stdout (``| head``) leaves exit 0, as in
    ``guard.guarded``.
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = 0
    except (OSError, ValueError):  # stdout closed or unusable: nothing more can be written to it
        pass
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    if sys.gettrace() is not None or sys.getprofile() is not None:
        # Under coverage, a debugger or a profiler (`python -m cProfile -m
        # campaign_lint`): a normal exit, so that they can write what they found.
        raise SystemExit(code)
    os._exit(code)
