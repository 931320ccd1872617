"""Which files a run lints: command-line paths or the policy's ``campaigns`` globs."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from campaign_lint.core.errors import UsageError
from campaign_lint.core.pickling import by_fields
from campaign_lint.lint.locate import POLICY_NAMES

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

_SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "node_modules", "__pycache__"})
_SUFFIXES = (".yaml", ".yml")
# Bytes asked of each read call: a campaign file is a few KiB.
_READ = 1 << 16


@dataclass(frozen=True, slots=True)
class Scope:
    """What decides which files a run lints (from the settings; plain data).

    ``policy_files`` are the absolute paths of the policy files read (the
    ``extends`` chain): naming one of them on the command line lints everything.
    """

    root: Path
    policy_path: Path | None
    campaigns: tuple[str, ...]
    exclude: tuple[str, ...]
    policy_files: frozenset[str] = frozenset()
    # The patterns' answers by path relative to the root, (excluded, included):
    # filled by ``discover`` and kept in replay records, so that replaying an
    # unchanged tree matches no pattern (pathspec is slow to import).
    answers: dict[str, tuple[bool, bool]] = field(default_factory=dict, compare=False, repr=False)

    def answer(self, rel: str) -> tuple[bool, bool]:
        """Whether ``rel`` (relative to the root, ``/`` separators) matches ``exclude``, and ``campaigns``.

        Matched once per path and remembered in ``answers``.
        """
        answer = self.answers.get(rel)
        if answer is None:
            include, exclude = _specs(self.campaigns, self.exclude)
            # No `exclude` patterns (the usual case): nothing to match them against.
            excluded = bool(self.exclude) and exclude.match_file(rel)
            answer = self.answers[rel] = (excluded, include.match_file(rel))
        return answer


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to lint and the path users see for it (relative, ``/`` separators).

    ``location`` is the absolute path as text: cheap to make, compare and send
    to a worker process (a ``Path`` costs more than linting's reading of it).
    """

    location: str
    display: str

    __reduce__ = by_fields  # sent to worker processes by the ten thousand

    @property
    def path(self) -> Path:
        """``location`` as a ``Path``."""
        return Path(self.location)

    def read(self) -> bytes:
        """The file's bytes (``OSError`` when it cannot be read).

        Plain system calls: ``open()`` builds a buffered file object first,
        which cost more than the read itself (6.2 against 2.8 µs a campaign
        file).
        """
        descriptor = os.open(self.location, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            pieces = []
            while piece := os.read(descriptor, _READ):
                pieces.append(piece)
        finally:
            os.close(descriptor)
        return b"".join(pieces)  # one piece: that piece itself, not a copy


def display_path(path: Path | str) -> str:
    """Path relative to the working directory when possible, with ``/``."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    if relative.startswith(".."):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


@functools.lru_cache(maxsize=8)
def _specs(campaigns: tuple[str, ...], exclude: tuple[str, ...]) -> tuple[GitIgnoreSpec, GitIgnoreSpec]:
    """The compiled ``campaigns`` and ``exclude`` patterns."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(campaigns), pathspec.GitIgnoreSpec.from_lines(exclude)


def discover(
    paths: Sequence[Path], scope: Scope, *, force_exclude: bool = False, allow_empty: bool = False
) -> list[SourceFile]:
    """The campaign files to lint, sorted, without duplicates.

    With no paths, the policy's ``campaigns`` globs under the policy's folder.
    A directory expands to the files under it that match those globs (or to
    every ``.yaml``/``.yml`` file under it when no policy file is in use). Files
    given by name are linted unless the policy excludes them; with
    ``force_exclude`` (pre-commit, ``--changed-since``) they must also match
    the ``campaigns`` globs, so other YAML files in a commit are left alone.
    Finding nothing is an error, unless ``allow_empty``: a run that checked
    nothing must not look like a pass.
    """
    root = str(scope.root)
    cwd = os.getcwd()
    use_globs = scope.policy_path is not None or not paths
    found: dict[str, SourceFile] = {}

    inside_root, inside_cwd = root + os.sep, cwd + os.sep

    def consider(absolute: str, *, explicit: bool) -> None:
        # Called for every file of the tree: one pattern lookup, no separator
        # replacement where the separator is already `/`.
        included = False
        if absolute.startswith(inside_root):
            rel = absolute[len(inside_root) :]
            excluded, included = scope.answer(rel if os.sep == "/" else rel.replace(os.sep, "/"))
            if excluded:
                return
        if not explicit or force_exclude:
            name = absolute.rpartition(os.sep)[2]
            if name in POLICY_NAMES or not name.endswith(_SUFFIXES):
                return
            if use_globs and not included:
                return
        shown = absolute[len(inside_cwd) :] if absolute.startswith(inside_cwd) else display_path(absolute)
        if os.sep != "/":
            shown = shown.replace(os.sep, "/")
        if shown not in found:
            found[shown] = SourceFile(absolute, shown)

    for given in paths or [Path(root)]:
        if force_exclude and not given.exists() and not given.is_symlink():
            continue  # deleted in the commit: nothing to lint
        if not given.exists() and not given.is_symlink():
            raise UsageError(f"{given}: no such file or directory")
        absolute = os.path.abspath(given)
        if given.is_dir():
            boundary = _boundary(absolute, root)
            for file, is_link in _walk(absolute):
                if is_link:
                    _check_link(file, boundary)
                consider(file, explicit=False)
        else:
            consider(absolute, explicit=True)
    if not found and not allow_empty:
        where = ", ".join(str(p) for p in paths) if paths else root
        if use_globs:
            source = "the policy's `campaigns` patterns" if scope.policy_path else "the default pattern"
            looked = f"files matching {source}: {', '.join(scope.campaigns)}"
        else:
            looked = ".yaml or .yml files"
        raise UsageError(f"no campaign files found in {where} (looked for {looked}); nothing was checked")
    return [found[key] for key in sorted(found)]


def _boundary(top: str, root: str) -> str:
    """The folder a walk of ``top`` must not leave: the repository, or ``top`` when outside it."""
    real_top, real_root = os.path.realpath(top), os.path.realpath(root)
    current = real_root
    while not os.path.exists(os.path.join(current, ".git")) and os.path.dirname(current) != current:
        current = os.path.dirname(current)
    repository = current if os.path.exists(os.path.join(current, ".git")) else real_root
    inside = real_top == repository or real_top.startswith(repository.rstrip(os.sep) + os.sep)
    return repository if inside else real_top


def _check_link(file: str, boundary: str) -> None:
    """A symbolic link found by a walk must not lead out of ``boundary`` (no reading outside)."""
    target = os.path.realpath(file)
    if target != boundary and not target.startswith(boundary.rstrip(os.sep) + os.sep):
        raise UsageError(
            f"{display_path(file)}: a symbolic link to {target}, outside {boundary}; "
            "campaign-lint does not follow links out of the repository "
            "(remove the link, or name the file on the command line to lint it anyway)"
        )


def _walk(top: str) -> Iterator[tuple[str, bool]]:
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
                if name not in _SKIP_DIRS and not name.startswith("."):
                    folders.append(entry.path)
            elif name.endswith(_SUFFIXES):
                is_link = entry.is_symlink()
                if is_link and os.path.isdir(entry.path):
                    continue  # a link to a folder is not walked into, as with os.walk
                yield entry.path, is_link
        pending.extend(reversed(folders))  # the next folder in name order is on top
