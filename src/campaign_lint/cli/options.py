"""Command-line options that several commands share, defined once."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from campaign_lint.errors import UsageError

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="Policy file to use.")]
SelectOption = Annotated[
    list[str] | None, typer.Option("--select", help="Only these rule IDs or families (comma-separated).")
]
IgnoreOption = Annotated[
    list[str] | None, typer.Option("--ignore", help="Skip these rule IDs or families (comma-separated).")
]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Date used for exception expiry, YYYY-MM-DD (default: today)."),
]


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
