"""Upkeep of the cache folder (``.campaign-lint-cache/``): created marked, pruned, cleared.

The folder sits next to the policy file (or in the linted folder) and holds
the content caches, replay records and kept settings (``lint/keptsettings.py``)
of the few most recently used policies and selections, each a signed file
(``lint/signed.py``).

It is used only as a real folder: one that is a symbolic link (committed to
a repository, say) would make the cache write, and prune, somewhere else.
Such a folder is neither read nor written (``problem`` says why, once, on
stderr), ``cache clear`` refuses it, and nothing here writes through a link:
files are created with ``O_EXCL``/``O_NOFOLLOW`` and replaced by a rename.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from campaign_lint.core.errors import UsageError
from campaign_lint.lint.signed import write_signed

CACHE_DIR = ".campaign-lint-cache"
_README = (
    "This folder is campaign-lint's cache of per-file results. It is safe to\n"
    "delete (`campaign-lint cache clear`); it is never committed.\n"
)
_MARKERS = {
    ".gitignore": "# Created by campaign-lint.\n*\n",
    "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# campaign-lint cache; see README.\n",
    "README": _README,
}
# A temporary file this old was left by a run that was killed while writing.
STALE_SECONDS = 3600
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def problem(directory: Path) -> str | None:
    """Why the cache folder ``directory`` is not used (``None`` when it is: a real folder, or none yet)."""
    try:
        mode = os.lstat(directory).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"the cache is off: cannot look at {directory} ({exc.strerror})"
    if stat.S_ISDIR(mode):
        return None
    what = "a symbolic link" if stat.S_ISLNK(mode) else "not a folder"
    return (
        f"the cache is off: {directory} is {what}; campaign-lint uses it only as its own folder (remove it)"
    )


def store(path: Path, key: bytes, secret: bytes, *values: object) -> bool:
    """Write ``values`` signed to ``path`` in the cache folder, then prune it; whether it was written.

    A failure to write only costs the next run time; a cache folder that is
    not a real folder is not written to.
    """
    try:
        if not _prepare_dir(path.parent):
            return False
        write_signed(path, key, secret, *values)
        _prune(path)
    except OSError:
        return False
    return True


def _prepare_dir(directory: Path) -> bool:
    """Create the cache folder, marked so that git and backup tools skip it; whether it is usable."""
    if problem(directory) is not None:
        return False
    try:
        os.mkdir(directory)  # never through a link: mkdir does not follow one
    except FileExistsError:
        return os.path.isdir(directory) and not os.path.islink(directory)
    for name, text in _MARKERS.items():
        descriptor = os.open(directory / name, _CREATE, 0o644)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    return True


_KEEP = 8


def _prune(keep: Path) -> None:
    """Keep the files of the few most recently used policies and selections (per kind).

    Also removes temporary files that a run killed while writing left
    behind (older than ``STALE_SECONDS``). Links in the folder are looked at,
    never followed, and removing one removes the link.
    """
    kind = keep.name.split("-", 1)[0]
    folder = keep.parent
    now = time.time()
    found = []
    with os.scandir(folder) as listing:
        for entry in listing:
            name = entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if name.startswith(".tmp-"):
                if now - info.st_mtime > STALE_SECONDS:
                    (folder / name).unlink(missing_ok=True)
            elif name.startswith(f"{kind}-") and name.endswith(".bin") and name != keep.name:
                found.append((info.st_mtime_ns, name))
    found.sort(reverse=True)
    for _, name in found[_KEEP - 1 :]:
        (folder / name).unlink(missing_ok=True)


def clear(root: Path) -> bool:
    """Remove the cache folder under ``root``; whether there was one.

    A cache folder that is a symbolic link, or not a folder, is left alone:
    a ``UsageError`` (exit 2) says so.
    """
    directory = root / CACHE_DIR
    try:
        mode = os.lstat(directory).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
        what = "a symbolic link" if stat.S_ISLNK(mode) else "not a folder"
        raise UsageError(
            f"{directory} is {what}, not campaign-lint's cache folder; nothing was removed "
            "(remove it yourself if it should not be there)"
        )
    import shutil

    shutil.rmtree(directory)
    return True
