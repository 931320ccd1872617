"""Where a run's policy file is, and which folder it governs (no policy parsing here).

Kept free of heavy imports: the replay of an unchanged run (``cli/replay.py``)
needs these answers before deciding whether anything must be loaded at all.
"""

from __future__ import annotations

import os
from pathlib import Path

POLICY_NAMES = ("campaign-lint.yaml", ".campaign-lint.yaml")


def find_policy(start: Path) -> Path | None:
    """The nearest policy file in ``start`` or a parent, stopping at the repository root."""
    try:
        current = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop: look from where it is
        current = Path(os.path.abspath(start))
    if not current.is_dir():
        current = current.parent
    for directory in (current, *current.parents):
        for name in POLICY_NAMES:
            candidate = directory / name
            # Whatever stands there (a link, a FIFO) is the policy: loading it
            # refuses what is not a regular file in the repository, rather than
            # falling back to the default rules.
            if os.path.lexists(candidate) and not candidate.is_dir():
                return candidate
        if (directory / ".git").exists():
            return None
    return None


def governed_root(policy: Path | None, start: Path) -> Path:
    """The folder a run works in: the policy file's, else ``start`` (or its folder)."""
    if policy is not None:
        return policy.parent.resolve()
    return (start if start.is_dir() else start.parent).resolve()
