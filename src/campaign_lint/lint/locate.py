"""Where a run's policy file is, and which folder it governs (no policy parsing here).

Kept free of heavy imports: the replay of an unchanged run (``cli/replay.py``)
needs these answers before deciding whether anything must be loaded at all.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

POLICY_NAMES = ("campaign-lint.yaml", ".campaign-lint.yaml")


def find_policy(start: Path) -> Path | None:
    """The nearest policy file in ``start`` or a parent, stopping at the repository root.

    Looked for along ``start`` as written, not where a link leads: a file
    that is a symbolic link to somewhere else (``build/x.yaml -> /etc/...``)
    is governed by the policy of the folder it sits in, and nothing outside
    the repository is ever taken for its policy.
    """
    current = Path(os.path.abspath(start))
    if os.path.islink(current) or not current.is_dir():
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


def policy_for(paths: Sequence[Path]) -> Path | None:
    """The policy file of a run over ``paths`` (none: the working folder's).

    Each path is governed by the nearest policy file above it (``find_policy``);
    the run's policy is the one they have. A path with none (a CI file at the
    repository root while the policy is in ``marketing/``) is no campaign of
    it. Paths under two different policy files are a usage error: each policy
    is its own portfolio, checked on its own.
    """
    if not paths:
        return find_policy(Path.cwd())
    found: dict[str, Path | None] = {}
    for path in paths:
        absolute = os.path.abspath(path)
        folder = (
            absolute
            if os.path.isdir(absolute) and not os.path.islink(absolute)
            else os.path.dirname(absolute)
        )
        if folder not in found:
            found[folder] = find_policy(Path(folder))
    policies = sorted({str(policy) for policy in found.values() if policy is not None})
    if len(policies) > 1:
        from campaign_lint.core.errors import UsageError

        raise UsageError(
            f"the files belong to {len(policies)} policy files ({', '.join(policies)}); "
            "each policy is checked on its own: name the files of one policy at a time, "
            "or choose one with --config (with pre-commit, one hook per policy folder, see docs/ci.md)"
        )
    return Path(policies[0]) if policies else None


def run_start(paths: Sequence[Path]) -> Path:
    """Where a run without a policy file starts: the one folder named, else the working folder.

    The default ``campaigns`` globs are relative to it, so that the files a
    commit names (``campaigns/welcome.yaml``, ``.gitlab-ci.yml``) are judged
    from the repository root where pre-commit runs, not from their own folders.
    """
    if len(paths) == 1 and os.path.isdir(paths[0]) and not os.path.islink(paths[0]):
        return paths[0]
    return Path.cwd()


def governed_root(policy: Path | None, start: Path) -> Path:
    """The folder a run works in: the policy file's, else ``start`` (or its folder)."""
    if policy is not None:
        return policy.parent.resolve()
    return (start if start.is_dir() else start.parent).resolve()
