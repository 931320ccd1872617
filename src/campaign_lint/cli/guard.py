"""The last line of defence: a command's errors become one-line messages and exit codes, never tracebacks."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable

from campaign_lint import ISSUES
from campaign_lint.core.errors import EXIT_INTERNAL, EXIT_UNTRUSTED, CampaignLintError

BUG_URL = ISSUES
# Failures of the user's environment, not of campaign-lint: a full disk, a broken device.
_ENVIRONMENT = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG})


def _say(line: str) -> None:
    """Write ``line`` to stderr as one line, control characters shown (``core.display``), never executed."""
    from campaign_lint.core.display import line_start  # only when saying something: a replayed run does not

    sys.stderr.write(line_start(line) + "\n")
    sys.stderr.flush()


def _drop_stdout() -> None:
    """Point stdout at the null device: what it still buffers would fail again when flushed at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, sys.stdout.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError):  # no file descriptor (captured in tests): nothing to drop
        pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else "no details"


def guarded(run: Callable[[], int | None], *, debug: bool | Callable[[], bool] = False) -> int:
    """Call ``run`` and return its exit code; errors are reported on stderr in one line.

    The user's errors (``CampaignLintError``) exit with their code; an
    interrupt with 130; a closed stdout (``| head``) with 0, and nothing
    more is written there; a full disk or a failing device (``_ENVIRONMENT``)
    with 2, as the user's to fix; anything else is a bug: exit 3 with the file being
    checked and where to report it (with ``debug``, ``--debug``, also the
    traceback; a function when only ``run`` reads the command line).
    """
    try:
        return int(run() or 0)
    except KeyboardInterrupt:
        _say("campaign-lint: interrupted")
        return 130
    except CampaignLintError as exc:
        for line in exc.lines():
            _say(line)
        return exc.exit_code
    except BrokenPipeError:
        _drop_stdout()
        return 0
    except OSError as exc:
        if exc.errno not in _ENVIRONMENT:
            return _bug(exc, debug)
        _say(f"campaign-lint: error: cannot write ({exc.strerror}); free some space or choose another output")
        return EXIT_UNTRUSTED
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        return _bug(exc, debug)


def _bug(exc: Exception, debug: bool | Callable[[], bool]) -> int:
    """Report ``exc`` as a bug in campaign-lint: one line (and the traceback with ``--debug``); exit 3."""
    if debug if isinstance(debug, bool) else debug():
        import traceback  # not at the top: every run imports this module, few print a traceback

        traceback.print_exception(exc)
    notes = [note for note in getattr(exc, "__notes__", ()) if note.startswith("while checking ")]
    where = f" {notes[0]}" if notes else ""
    _say(
        f"campaign-lint: internal error{where} ({type(exc).__name__}: {_first_line(exc)}). "
        f"This is a bug in campaign-lint; please report it at {BUG_URL} "
        "(run with --debug for the traceback)."
    )
    return EXIT_INTERNAL
