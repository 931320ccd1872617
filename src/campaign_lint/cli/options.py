"""Command-line options that several commands share, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
