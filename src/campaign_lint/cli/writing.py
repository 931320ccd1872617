"""Writing user files: atomically, so a report is never half-written."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from campaign_lint.core.errors import UsageError
from campaign_lint.core.files import private_beside

if TYPE_CHECKING:
    from campaign_lint.lint.report import Report


def wants_color(stream: TextIO) -> bool:
    """Whether to colour what goes to ``stream`` (stdout or stderr; never a file).

    As most command-line tools: ``NO_COLOR`` set and not empty turns colour
    off (no-color.org); else ``FORCE_COLOR`` set and not empty turns it on,
    even in a pipe or a CI log (force-color.org); else a terminal gets
    colour unless ``TERM`` is ``dumb``.
    """
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", ""):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


def deliver(
    report: Report, wanted: Sequence[tuple[str, Path | None]], *, quiet: bool, show_suppressed: bool
) -> None:
    """Render ``report`` in each wanted format, to its file or (last) to stdout."""
    from campaign_lint.cli.reporters import get_parts_reporter

    for output_format, output in wanted:
        color = output is None and wants_color(sys.stdout)
        render = get_parts_reporter(output_format)
        parts = render(report, color=color, quiet=quiet, show_suppressed=show_suppressed)
        if output is None:
            to_stdout(parts)
        else:
            write_parts(output, parts)


def to_stdout(parts: Iterable[str]) -> None:
    """Write ``parts`` to stdout and flush it.

    A stdout that cannot take them (a full disk, ``> /dev/full``, an I/O
    error) is the user's environment, not a bug: a one-line error and exit 2
    (``UsageError``). A reader that stopped reading (``| head``) stays a
    ``BrokenPipeError``, which ``guard`` ends with exit 0.
    """
    try:
        for part in parts:
            _write_in_parts(sys.stdout, part)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise UsageError(f"cannot write the report to stdout ({exc.strerror or exc})") from None


# Characters encoded and written at a time: a text stream encodes what it is
# given in one piece, and a report of 14,000 findings is several megabytes.
_PART = 1 << 20


def _write_in_parts(stream: TextIO, text: str) -> None:
    if len(text) <= _PART:  # a finding line of the JSON report: most calls
        stream.write(text)
        return
    for start in range(0, len(text), _PART):
        stream.write(text[start : start + _PART])


def write_output(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    write_parts(path, (text,))


def write_parts(path: Path, parts: Iterable[str]) -> None:
    """Write the pieces of text ``parts`` to ``path``, one after another, through a temporary file and a rename."""
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"--output {path}: is a directory")
    if path.exists() and not path.is_file():
        # Devices and pipes (/dev/null, /dev/stdout) cannot be replaced by a rename.
        try:
            with path.open("w", encoding="utf-8") as stream:
                for part in parts:
                    _write_in_parts(stream, part)
        except OSError as exc:
            raise UsageError(f"--output {path}: cannot write ({exc.strerror or exc})") from None
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = private_beside(directory, f".{path.name}.")
    except OSError as exc:
        raise UsageError(f"--output {path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            for part in parts:
                _write_in_parts(stream, part)
        # The temporary file is private; a report gets the mode of the file it
        # replaces, or the usual mode for new files (0666 less the umask).
        os.chmod(temporary, _mode(path))
        os.replace(temporary, path)
    except OSError as exc:
        # Disk full, permissions, a read-only target: the old file stays whole.
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(
            f"--output {path}: cannot write ({exc.strerror or exc}); nothing was changed"
        ) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
