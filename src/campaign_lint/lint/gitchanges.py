"""Files changed relative to a git ref, for ``check --changed-since``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from campaign_lint.core.errors import UsageError


def _git(args: list[str], cwd: Path) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise UsageError("--changed-since needs git, and git is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"--changed-since: `git {' '.join(args)}` took longer than 2 minutes") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise UsageError(f"--changed-since: git failed: {reason}")
    return result.stdout


def changed_files(ref: str, cwd: Path) -> list[Path]:
    """Absolute paths of files added, modified or renamed since ``ref``.

    Compares the working tree (committed, staged and unstaged changes) with
    ``ref``, and adds untracked files that git does not ignore: a campaign
    written but not yet committed is a changed campaign. Deleted files are
    left out; there is nothing to lint in them.
    """
    if ref.startswith("-"):
        raise UsageError(f"--changed-since: `{ref}` is not a git ref")
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except UsageError:
        raise UsageError(
            f"--changed-since: `{ref}` is not a commit, branch or tag in this repository"
        ) from None
    diff = _git(["diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", ref, "--"], cwd)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name"], top)
    names = {name for name in (diff + untracked).split("\0") if name}
    return sorted(Path(os.path.join(top, name)) for name in names)
