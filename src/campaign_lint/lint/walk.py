"""The walk of a folder for campaign files: its YAML files in a fixed order, and which are campaigns.

``lint/discovery.py`` walks the root (or a named folder) with ``walk``; the
usual walk, with the policy's patterns and nothing overlaid, keeps the
campaigns with ``campaigns_in``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping

from campaign_lint.lint.locate import POLICY_NAMES

SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "node_modules", "__pycache__"})
YAML_SUFFIXES = (".yaml", ".yml")


def campaigns_in(
    walked: Iterator[tuple[str, bool]],
    start: int,
    answers: Mapping[str, tuple[bool, bool]],
    answer: Callable[[str], tuple[bool, bool]],
    policy_files: frozenset[str],
) -> Iterator[tuple[str, bool]]:
    """The files of ``walked`` that are campaigns (``discovery.Scope.is_campaign``).

    ``start`` is the length of the root's prefix (``/repo/``); ``answers`` and
    ``answer`` the scope's patterns' answers and the function that finds a
    missing one; ``policy_files`` the files the policy loads. The test of
    ``Scope.campaign_under`` in one loop, the answers looked up in place: a
    walk of 10,000 files made three calls a file.
    """
    slash = os.sep == "/"
    for file, is_link in walked:
        if file.rpartition(os.sep)[2] in POLICY_NAMES or file in policy_files:
            continue
        rel = file[start:] if slash else file[start:].replace(os.sep, "/")
        excluded, included = answers.get(rel) or answer(rel)
        if included and not excluded:
            yield file, is_link


def links_in(folder: str) -> frozenset[str] | None:
    """The names of the symbolic links in ``folder`` (from its listing); ``None`` if it cannot be listed."""
    try:
        with os.scandir(folder) as listing:
            return frozenset(entry.name for entry in listing if entry.is_symlink())
    except OSError:
        return None


def walk(top: str) -> Iterator[tuple[str, bool]]:
    """Every ``.yaml``/``.yml`` file under ``top``, and whether it is a symbolic link.

    Like ``os.walk`` (links to folders are not followed; unreadable folders
    are skipped), but the directory entries already know whether they are
    links, so no file costs an extra system call; and a loop, not recursion,
    so no tree is too deep. The order is fixed (names sorted, depth first),
    so the first problem reported is always the same one.
    """
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            name = entry.name
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_folder:
                if name not in SKIP_DIRS and not name.startswith("."):
                    folders.append(entry.path)
            elif name.endswith(YAML_SUFFIXES):
                is_link = entry.is_symlink()
                if is_link and os.path.isdir(entry.path):
                    continue  # a link to a folder is not walked into, as with os.walk
                yield entry.path, is_link
        pending.extend(reversed(folders))  # the next folder in name order is on top
