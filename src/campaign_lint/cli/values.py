"""Values of command-line options, parsed without the command-line framework (cheap to import)."""

from __future__ import annotations

import os
from datetime import date

from campaign_lint.core.errors import UsageError
from campaign_lint.core.findings import Severity


def parse_today(value: str | None) -> date | None:
    """The ``--today`` date (None: the real today)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: `{value}` is not a date; write YYYY-MM-DD") from None


def available_cores() -> int:
    """Cores this process may run on: the default of ``--jobs``."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# More workers than this per core only cost memory and start-up (``--jobs 100000``).
JOBS_PER_CORE = 4


def worker_count(requested: int) -> int:
    """The processes of a run: ``--jobs`` (0: one per available core), at most ``JOBS_PER_CORE`` per core."""
    cores = available_cores()
    return min(requested or cores, JOBS_PER_CORE * cores)


def parse_severity(value: str | None) -> Severity | None:
    """The ``--fail-on`` severity (None: the policy's)."""
    if value is None:
        return None
    try:
        return Severity(value)
    except ValueError:
        raise UsageError(f"--fail-on: `{value}` is not a severity; use error, warning or info") from None
