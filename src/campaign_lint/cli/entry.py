"""The console script: an unchanged ``check`` is answered from its replay record, anything else runs fully.

Importing the full command line (typer, pydantic, the rules) costs more than
answering an unchanged run, so this module imports nothing heavy itself.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``campaign-lint`` with ``argv`` (default: the process's arguments); the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    from campaign_lint.cli.replay import replay

    code = replay(args)
    if code is not None:
        return code
    from campaign_lint.cli.app import main as full

    return full(args)
