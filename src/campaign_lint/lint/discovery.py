"""Which files a run lints: command-line paths or the policy's ``campaigns`` globs."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from campaign_lint.core.errors import UsageError
from campaign_lint.core.files import boundary_of, repository_of, require_regular, within
from campaign_lint.core.slotted import Slotted
from campaign_lint.lint.globs import compiled
from campaign_lint.lint.locate import POLICY_NAMES
from campaign_lint.lint.walk import YAML_SUFFIXES as _SUFFIXES
from campaign_lint.lint.walk import campaigns_in, links_in, walk

if TYPE_CHECKING:
    from campaign_lint.lint.globs import Matcher

# Bytes asked of each read call: a campaign file is a few KiB.
_READ = 1 << 16
# The largest campaign file linted; reading stops past it (SPEC001 in the pipeline).
MAX_FILE_BYTES = 4 * 1024 * 1024
# Open without waiting for a FIFO's writer (POSIX): a FIFO reads as empty, never hangs.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

# The SPEC001 finding on a file that is, or sits behind, a link out of the repository.
OUTSIDE_MESSAGE = "a symbolic link that points outside the repository; campaign-lint does not read it"
OUTSIDE_HINT = "commit the campaign file itself instead of a link to it"


class Scope(Slotted):
    """What decides which files a run lints (from the settings; plain data).

    ``policy_files`` are the absolute paths of the policy files read (the
    ``extends`` chain): they are never campaigns, whatever the ``campaigns``
    globs match, and naming one of them on the command line lints everything.
    Equal, hashed and shown by all but ``answers``, which only remembers what
    the others decide.
    """

    __slots__ = ("root", "policy_path", "campaigns", "exclude", "policy_files", "answers")
    root: Final[Path]
    policy_path: Final[Path | None]
    campaigns: Final[tuple[str, ...]]
    exclude: Final[tuple[str, ...]]
    policy_files: Final[frozenset[str]]
    # The patterns' answers by path relative to the root, (excluded, included):
    # filled by ``discover`` and kept in replay records, so that replaying an
    # unchanged tree matches no pattern (``lint/globs.py``: pathspec is slow to import).
    answers: Final[dict[str, tuple[bool, bool]]]

    def __init__(
        self,
        root: Path,
        policy_path: Path | None,
        campaigns: tuple[str, ...],
        exclude: tuple[str, ...],
        policy_files: frozenset[str] = frozenset(),
        answers: dict[str, tuple[bool, bool]] | None = None,
    ) -> None:
        self.root = root
        self.policy_path = policy_path
        self.campaigns = campaigns
        self.exclude = exclude
        self.policy_files = policy_files
        self.answers = {} if answers is None else answers

    def _decided(self) -> tuple[object, ...]:
        return (self.root, self.policy_path, self.campaigns, self.exclude, self.policy_files)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scope) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._decided() == other._decided()

    def __hash__(self) -> int:
        return hash(self._decided())

    def __repr__(self) -> str:
        root, policy_path, campaigns, exclude, policy_files = self._decided()
        return (
            f"Scope(root={root!r}, policy_path={policy_path!r}, campaigns={campaigns!r}, "
            f"exclude={exclude!r}, policy_files={policy_files!r})"
        )

    def answer(self, rel: str) -> tuple[bool, bool]:
        """Whether ``rel`` (relative to the root, ``/`` separators) matches ``exclude``, and ``campaigns``.

        Matched once per path and remembered in ``answers``.
        """
        answer = self.answers.get(rel)
        if answer is None:
            include, exclude = _specs(self.campaigns, self.exclude)
            name = rel if rel.isascii() else _matchable(rel)
            # No `exclude` patterns (the usual case): nothing to match them against.
            excluded = bool(self.exclude) and exclude.match_file(name)
            answer = self.answers[rel] = (excluded, include.match_file(name))
        return answer

    def is_campaign(self, absolute: str) -> bool:
        """Whether the file at ``absolute`` is a campaign: the one definition every way in applies.

        A campaign is a ``.yaml``/``.yml`` file under the root that the
        ``campaigns`` globs match and the ``exclude`` globs do not, relative to
        the root (the policy file's folder; without a policy file, the folder
        the run starts in, with the default globs ``campaigns/**/*.yaml`` and
        ``.yml``). A policy file, or a file the policy loads, never is. The
        walk, named files with ``--force-exclude`` (pre-commit),
        ``--changed-since``, the git index and standard input all ask this.
        """
        return self.campaign_under(absolute, os.path.join(self.root, ""))

    def campaign_under(self, absolute: str, inside: str) -> bool:
        """``is_campaign``, given the root as the start of the paths inside it (``/repo/``): a walk's loop."""
        name = absolute.rpartition(os.sep)[2]
        if name in POLICY_NAMES or not name.endswith(_SUFFIXES) or absolute in self.policy_files:
            return False
        if not absolute.startswith(inside):
            return False
        rel = absolute[len(inside) :]
        excluded, included = self.answer(rel if os.sep == "/" else rel.replace(os.sep, "/"))
        return included and not excluded


def _matchable(rel: str) -> str:
    """``rel`` as the pattern engine takes it: the bytes of a name that is not UTF-8 written as escapes.

    A file name committed with bytes that are not UTF-8 reaches Python with
    surrogates, which the patterns' regular-expression engine cannot encode.
    """
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return rel


class SourceFile(Slotted):
    """A file to lint and the path users see for it (relative, ``/`` separators).

    ``location`` is the absolute path as text: cheap to make, compare and send
    to a worker process (a ``Path`` costs more than linting's reading of it).
    """

    __slots__ = ("location", "display", "outside", "content")
    location: Final[str]
    display: Final[str]
    # The file, or a link on the way to it, resolves outside the repository:
    # it is never read, and linting it gives one SPEC001 finding (``OUTSIDE_MESSAGE``).
    outside: Final[bool]
    # What stands in for the file on disk (an editor's buffer on standard input,
    # the staged blob of the git index): linted instead of the disk's bytes.
    content: Final[bytes | None]

    def __init__(
        self, location: str, display: str, outside: bool = False, content: bytes | None = None
    ) -> None:
        self.location = location
        self.display = display
        self.outside = outside
        self.content = content

    @property
    def path(self) -> Path:
        """``location`` as a ``Path``."""
        return Path(self.location)

    def read(self) -> bytes:
        """The file's bytes (``OSError`` when it cannot be read); reading stops past ``MAX_FILE_BYTES``.

        Plain system calls: ``open()`` builds a buffered file object first,
        which cost more than the read itself (docs/performance.md). Nothing waits: a FIFO is opened without waiting for a writer.
        A read that ends empty, or past the limit, checks what the file is: a
        FIFO or a device is ``Unreadable`` (an ``OSError``), not an empty or
        endless campaign.
        """
        if self.content is not None:
            return self.content
        descriptor = os.open(self.location, _OPEN_FLAGS)
        try:
            pieces = []
            total = 0
            while piece := os.read(descriptor, _READ):
                pieces.append(piece)
                total += len(piece)
                if total > MAX_FILE_BYTES:
                    break
            if not total or total > MAX_FILE_BYTES:
                require_regular(os.fstat(descriptor).st_mode)  # the rare empty or oversized read
        finally:
            os.close(descriptor)
        return b"".join(pieces)  # one piece: that piece itself, not a copy


class Overlay(Slotted):
    """Contents that stand in for files on disk, by absolute path: what a run sees instead of the disk.

    ``texts`` replaces files' bytes, or adds files that are not on disk (an
    editor's unsaved buffer given on standard input, a staged file deleted
    from the working tree). ``only``, when set, is every file that exists for
    the run (the files of the git index): others on disk are not seen (an
    untracked draft). Whether a file is a campaign is still decided by the
    policy (``Scope.is_campaign``); the overlay only decides what it holds.
    The language server keeps its open buffers here.
    """

    __slots__ = ("texts", "only")
    texts: Final[Mapping[str, bytes]]
    only: Final[frozenset[str] | None]

    def __init__(self, texts: Mapping[str, bytes] | None = None, only: frozenset[str] | None = None) -> None:
        self.texts = {} if texts is None else texts
        self.only = only

    def sees(self, absolute: str) -> bool:
        """Whether the file at ``absolute`` exists for the run."""
        return self.only is None or absolute in self.only or absolute in self.texts


NO_OVERLAY = Overlay()


def display_path(path: Path | str) -> str:
    """Path relative to the working directory when possible, with ``/``."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    if relative.startswith(".."):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


@functools.lru_cache(maxsize=8)
def _specs(campaigns: tuple[str, ...], exclude: tuple[str, ...]) -> tuple[Matcher, Matcher]:
    """The compiled ``campaigns`` and ``exclude`` patterns."""
    return compiled(campaigns), compiled(exclude)


def discover(
    paths: Sequence[Path],
    scope: Scope,
    *,
    force_exclude: bool = False,
    allow_empty: bool = False,
    overlay: Overlay = NO_OVERLAY,
) -> list[SourceFile]:
    """The campaign files to lint, sorted, without duplicates.

    With no paths, the campaigns under the root (``Scope.is_campaign``). A
    directory expands to the campaigns under it (or, with no policy file and
    no ``force_exclude``, to every ``.yaml``/``.yml`` file under it). Files
    given by name are linted unless the policy excludes them; with
    ``force_exclude`` (pre-commit, ``--changed-since``, standard input) they
    must be campaigns too, so other YAML files in a commit are left alone.
    Finding nothing is an error, unless ``allow_empty``: a run that checked
    nothing must not look like a pass.

    ``overlay`` says what the run sees instead of the disk (``Overlay``):
    its texts are linted in place of the files (and added where no file is),
    and with ``only`` set, files it does not list are not seen.

    Every file, however it was found, must resolve inside the repository
    (``core.files``): one that is, or sits behind, a symbolic link leading
    out of it is kept with ``outside`` set, so that it is reported (SPEC001)
    and never read. A walk checks only the links it meets (and the folder it
    starts from); a file given by name is checked along its whole path. Only
    campaigns are looked at this way: a link out of the repository that is
    no campaign (``build/x.yaml``) is left alone like any other file.
    """
    root = str(scope.root)
    cwd = os.getcwd()
    use_globs = scope.policy_path is not None or not paths or force_exclude
    found: dict[str, SourceFile] = {}
    repository = repository_of(root)
    texts = overlay.texts
    # Named files share a few folders: one realpath and one listing each, no
    # system call per file (a listing is no more than the walk of the
    # portfolio that a narrowed run makes anyway).
    folders: dict[tuple[str, str], tuple[bool, frozenset[str] | None]] = {}

    inside_root, inside_cwd = root + os.sep, cwd + os.sep
    policy_files = scope.policy_files

    def escapes(absolute: str, boundary: str) -> bool:
        """Whether a file given by name, or a link on the way to it, resolves outside ``boundary``."""
        folder, _, name = absolute.rpartition(os.sep)
        known = folders.get((folder, boundary))
        if known is None:
            where = folder or os.sep
            known = folders[folder, boundary] = (
                not within(os.path.realpath(where), boundary),
                links_in(where),
            )
        folder_escapes, links = known
        if folder_escapes:
            return True
        is_link = name in links if links is not None else os.path.islink(absolute)
        return is_link and not within(os.path.realpath(absolute), boundary)

    def consider(absolute: str, boundary: str, *, explicit: bool, link: bool = False) -> None:
        # Called for every file of the tree: one pattern lookup, no separator
        # replacement where the separator is already `/`.
        if use_globs and (not explicit or force_exclude):
            if not scope.campaign_under(absolute, inside_root):
                return
        else:
            if absolute in policy_files:
                return  # a file the policy itself loads (an `extends` target) is never a campaign
            if not explicit:  # no policy file, a folder named: its YAML files
                name = absolute.rpartition(os.sep)[2]
                if name in POLICY_NAMES or not name.endswith(_SUFFIXES):
                    return
            if absolute.startswith(inside_root):
                rel = absolute[len(inside_root) :]
                if scope.answer(rel if os.sep == "/" else rel.replace(os.sep, "/"))[0]:
                    return  # excluded, even when named
        if overlay.sees(absolute):
            add(absolute, boundary, explicit=explicit, link=link)

    def add(absolute: str, boundary: str, *, explicit: bool, link: bool) -> None:
        # A campaign the run sees (``consider``, or a walk's ``campaigns_in``).
        shown = absolute[len(inside_cwd) :] if absolute.startswith(inside_cwd) else display_path(absolute)
        if os.sep != "/":
            shown = shown.replace(os.sep, "/")
        if shown not in found:
            content = texts.get(absolute) if texts else None
            if explicit:
                outside = escapes(absolute, boundary)
            else:  # a walk: a file that is not a link is where its folder is
                outside = link and not within(os.path.realpath(absolute), boundary)
            found[shown] = SourceFile(absolute, shown, outside, content)

    for given in paths or [Path(root)]:
        absolute = os.path.abspath(given)
        try:  # one system call a path: a commit or a ref can name thousands
            is_folder = stat.S_ISDIR(os.stat(given).st_mode)
        except OSError:  # missing, or a broken link or a loop (linted: a finding says why)
            if os.path.lexists(given) or absolute in texts:
                is_folder = False
            elif not force_exclude:
                raise UsageError(f"{given}: no such file or directory") from None
            elif str(given).startswith("-"):
                # An option after `--` (the pre-commit hook's entry ends with it):
                # said, not skipped as a deleted file.
                raise UsageError(
                    f"`{given}` is not a file: after `--` every argument is a file name; "
                    "give options before `--` (with pre-commit, in the hook's `entry`, see docs/ci.md)"
                ) from None
            else:
                continue  # deleted in the commit: nothing to lint
        # Inside the repository by name: its files must stay in it. Named from
        # outside it (by the person running the check): the repository, or the
        # folder, it names.
        boundary = repository if within(absolute, repository) else boundary_of(absolute, folder=is_folder)
        if is_folder:
            if not within(os.path.realpath(absolute), boundary):
                if force_exclude:
                    continue  # a link to a folder is not walked into, as in a walk
                raise UsageError(
                    f"{display_path(absolute)}: a symbolic link to a folder outside the repository; "
                    "campaign-lint does not read it (name a folder inside the repository)"
                )
            if use_globs and (absolute + os.sep).startswith(inside_root):
                # The usual walk (the policy's patterns): one call a campaign the overlay does not hide.
                sees = overlay.sees if overlay.only is not None else None
                for file, is_link in campaigns_in(
                    walk(absolute), len(inside_root), scope.answers, scope.answer, policy_files
                ):
                    if sees is None or sees(file):
                        add(file, boundary, explicit=False, link=is_link)
            else:
                for file, is_link in walk(absolute):
                    consider(file, boundary, explicit=False, link=is_link)
            for file in texts:  # what the overlay adds under the folder (a buffer not saved yet)
                if within(file, absolute):
                    consider(file, boundary, explicit=False)
        else:
            consider(absolute, boundary, explicit=True)
    if not found and not allow_empty:
        where = ", ".join(str(p) for p in paths) if paths else root
        if use_globs:
            source = "the policy's `campaigns` patterns" if scope.policy_path else "the default pattern"
            looked = f"files matching {source}: {', '.join(scope.campaigns)}"
        else:
            looked = ".yaml or .yml files"
        raise UsageError(f"no campaign files found in {where} (looked for {looked}); nothing was checked")
    return [found[key] for key in sorted(found)]
