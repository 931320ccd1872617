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


def parse_severity(value: str | None) -> Severity | None:
    """The ``--fail-on`` severity (None: the policy's)."""
    if value is None:
        return None
    try:
        return Severity(value)
    except ValueError:
        raise UsageError(f"--fail-on: `{value}` is not a severity; use error, warning or info") from None
