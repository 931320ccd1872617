"""What git says about the files: changed since a ref (``check --changed-since``), or staged (``--staged``, pre-commit)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from campaign_lint.core.errors import UsageError
from campaign_lint.lint.discovery import Overlay, Scope


def _git(args: list[str], cwd: Path, option: str = "--changed-since") -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise UsageError(f"{option} needs git, and git is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{option}: `git {' '.join(args)}` took longer than 2 minutes") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise UsageError(f"{option}: git failed: {reason}")
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


def in_work_tree(folder: Path) -> bool:
    """Whether ``folder`` is inside a git working tree (and git is installed)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and result.stdout.strip() == "true"


def staged_overlay(root: Path, scope: Scope) -> Overlay:
    """The campaigns under ``root`` as the git index holds them, as an ``Overlay`` of the disk.

    Its ``only`` is every file of the index under ``root``: an untracked
    draft is not part of the portfolio. Its ``texts`` are the staged
    content of the campaigns whose working-tree file differs from the index
    (unstaged edits, a file deleted but staged): read from their blobs with
    one ``git cat-file --batch``. Under a pre-commit commit the working tree
    already holds the staged content (pre-commit stashes unstaged edits of
    tracked files first), so usually nothing is read from git; under
    ``pre-commit run --all-files`` (no stash) the blobs say what would be
    committed. A symbolic link, a submodule or a file in a merge conflict is
    taken from the disk as it is.
    """
    where = str(root)
    listing = _git(["ls-files", "--stage", "-z"], root, "--staged")
    only: set[str] = set()
    blobs: dict[str, str] = {}
    for entry in listing.split("\0"):
        if not entry:
            continue
        info, _, name = entry.partition("\t")
        mode, blob, stage = info.split(" ")
        absolute = _absolute(where, name)
        if mode == "160000":
            continue  # a submodule: its own repository
        only.add(absolute)
        if stage == "0" and mode in {"100644", "100755"}:
            blobs[absolute] = blob
    changed = _git(["diff-files", "--name-only", "--relative", "-z"], root, "--staged")
    wanted = []
    for name in changed.split("\0"):
        absolute = _absolute(where, name)
        if name and absolute in blobs and scope.is_campaign(absolute):
            wanted.append((absolute, blobs[absolute]))
    return Overlay(
        dict(zip([name for name, _ in wanted], _blobs([blob for _, blob in wanted], root), strict=True)),
        frozenset(only),
    )


def _absolute(folder: str, name: str) -> str:
    """The absolute path of ``name`` (as git writes it, ``/`` separators) in ``folder``."""
    return os.path.join(folder, name) if os.sep == "/" else os.path.join(folder, *name.split("/"))


def _blobs(names: list[str], cwd: Path) -> list[bytes]:
    """The contents of the blobs ``names`` (object IDs), in order, from one ``git cat-file --batch``."""
    if not names:
        return []
    try:
        result = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=cwd,
            input="".join(f"{name}\n" for name in names).encode("ascii"),
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"--staged: cannot read the staged files from git ({exc})") from None
    if result.returncode != 0:
        raise UsageError("--staged: git could not read the staged files")
    out = result.stdout
    contents = []
    at = 0
    for _ in names:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split(b" ")[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        at = start + size + 1  # the content is followed by a newline
    return contents
