"""Upkeep of the cache folder (``.campaign-lint-cache/``): created marked, pruned, cleared.

The folder sits next to the policy file (or in the linted folder) and holds
the content caches and replay records of the few most recently used
policies and selections, each a signed file (``lint/signed.py``).
"""

from __future__ import annotations

from pathlib import Path

from campaign_lint.lint.signed import write_signed

CACHE_DIR = ".campaign-lint-cache"
_README = (
    "This folder is campaign-lint's cache of per-file results. It is safe to\n"
    "delete (`campaign-lint cache clear`); it is never committed.\n"
)


def store(path: Path, key: bytes, secret: bytes, *values: object) -> bool:
    """Write ``values`` signed to ``path`` in the cache folder, then prune it; whether it was written.

    A failure to write only costs the next run time.
    """
    try:
        _prepare_dir(path.parent)
        write_signed(path, key, secret, *values)
        _prune(path)
    except OSError:
        return False
    return True


def _prepare_dir(directory: Path) -> None:
    """Create the cache folder, marked so that git and backup tools skip it."""
    if directory.is_dir():
        return
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".gitignore").write_text("# Created by campaign-lint.\n*\n", encoding="utf-8")
    (directory / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n# campaign-lint cache; see README.\n",
        encoding="utf-8",
    )
    (directory / "README").write_text(_README, encoding="utf-8")


_KEEP = 8


def _prune(keep: Path) -> None:
    """Keep the files of the few most recently used policies and selections (per kind)."""
    kind = keep.name.split("-", 1)[0]
    others = sorted(
        (path for path in keep.parent.glob(f"{kind}-*.bin") if path != keep),
        key=lambda path: path.stat().st_mtime_ns,
        reverse=True,
    )
    for stale in others[_KEEP - 1 :]:
        stale.unlink(missing_ok=True)


def clear(root: Path) -> bool:
    """Remove the cache folder under ``root``; whether there was one."""
    directory = root / CACHE_DIR
    if not directory.is_dir():
        return False
    import shutil

    shutil.rmtree(directory)
    return True
