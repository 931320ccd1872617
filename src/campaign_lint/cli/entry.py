"""The console script: common ``check`` command lines run without loading typer, the rest through it.

An unchanged ``check`` is answered from its replay record; another common
``check`` runs directly (``cli/check.py``); an unchanged common ``simulate``
is answered from its record too (``cli/simreplay.py``); anything else goes to the full
command line (``cli/app.py``, typer). Importing typer costs more than
answering an unchanged run, so this module imports nothing heavy itself.
The console script's import shortcuts (``cli/startup.py``) are installed
here, and only here: a program that imports campaign_lint does not get them.
"""

from __future__ import annotations

import gc
import sys
from typing import NoReturn


def main(argv: list[str] | None = None) -> int:
    """Run ``campaign-lint`` with ``argv`` (default: the process's arguments); the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    from campaign_lint.cli import startup
    from campaign_lint.cli.checkoptions import parse

    startup.install()
    command = parse(args)
    if command is not None:
        # A check owns its process, which ends with it: the cyclic collector stays
        # off to the end. Turned off before the replay record is read and the
        # rules are imported, whose thousands of long-lived objects (modules,
        # classes, the record's findings) it would otherwise scan again and again;
        # ``lint/pool.paused_collector`` would turn it back on for a last pass over
        # everything the run built, just before exit.
        gc.disable()
        from campaign_lint.cli.replay import replay

        code = replay(command.options, debug=command.debug)
        if code is not None:
            return code
        from campaign_lint.cli.check import run_check
        from campaign_lint.cli.guard import guarded

        return guarded(lambda: run_check(command.options), debug=command.debug)
    from campaign_lint.cli.simreplay import replay_command_line

    code = replay_command_line(args)
    if code is not None:
        return code  # an unchanged simulate, from its replay record
    from campaign_lint.cli.app import main as full

    return full(args)


def run() -> NoReturn:
    """The ``campaign-lint`` console script: ``main``, then a normal exit.

    Before it, ``gc.freeze()`` leaves what the run built out of the cyclic
    collector's last passes at exit (objects are still freed, exit
    handlers still run): those passes over every module and model took
    about a quarter of a one-file run's CPU time.
    """
    code = main()
    gc.freeze()
    sys.exit(code)
