"""A progress bar on stderr for long runs on a terminal (rich, imported only then)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

# Below this many files a run takes about a second: a bar would only flicker.
MIN_FILES = 500


def wanted(files: int, *, stream_is_terminal: bool, quiet: bool) -> bool:
    """Whether a run over ``files`` files shows a bar."""
    return stream_is_terminal and not quiet and files >= MIN_FILES


@contextmanager
def bar(total: int, stream: IO[str], *, force_terminal: bool | None = None) -> Iterator[Callable[[], None]]:
    """A bar counting ``total`` files; yields the function to call per file. Removed when done."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=stream, force_terminal=force_terminal)
    columns = (
        TextColumn("checking campaigns"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("check", total=total)

        def advance() -> None:
            progress.advance(task)

        yield advance
