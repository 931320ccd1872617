"""Reading files that anyone may have committed: inside the repository, regular, bounded.

campaign-lint runs in CI on pull requests written by anyone, with secrets in
the environment. A committed file can be a symbolic link to anything on the
machine (``/proc/self/environ``, ``/etc/passwd``, ``/dev/zero``), and a file
that is not in git can be a FIFO that never ends. The few rules that decide
what may be read live here, so that every way in applies the same ones
(SECURITY.md, "What campaign-lint reads and writes"):

* ``repository_of`` / ``boundary_of`` / ``repository_above``: the folder a
  file must resolve into;
* ``within``: whether a real path is inside such a folder;
* ``read_regular``: the bytes of a regular file of bounded size, or ``Unreadable``;
* ``private_beside``: a new private file to write before renaming it over another.
"""

from __future__ import annotations

import errno
import os
import stat

# Flags that exist on POSIX only (0 elsewhere): open without waiting for a
# FIFO's writer, without following a last symbolic link, without leaking the
# descriptor into a child process.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_CHUNK = 1 << 16

KIB = 1024
MIB = 1024 * KIB


class Unreadable(OSError):
    """A file campaign-lint refuses to read; ``strerror`` says why, as for any ``OSError``.

    For example ``it is a FIFO (named pipe), not a regular file`` or ``it is
    larger than 4 MiB``: the handlers that print ``cannot read ... (strerror)``
    for a missing file say so for these too.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(errno.EINVAL, reason)


def size_text(size: int) -> str:
    """``size`` bytes in words: ``4 MiB``, ``5120 KiB``, ``300 bytes``."""
    if size >= MIB and size % MIB == 0:
        return f"{size // MIB} MiB"
    if size >= KIB:
        return f"{size // KIB} KiB"
    return f"{size} bytes"


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def require_regular(mode: int) -> None:
    """``Unreadable`` unless ``mode`` (of ``os.stat``) is a regular file's."""
    if not stat.S_ISREG(mode):
        raise Unreadable(f"it is {_kind(mode)}, not a regular file")


def read_regular(path: str | os.PathLike[str], limit: int, *, follow: bool = True) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    Raises ``Unreadable`` for anything else (a FIFO, a device, a folder, a
    larger file; with ``follow=False`` a symbolic link) and ``OSError`` when
    the file cannot be opened. Nothing waits and nothing reads past the
    bound: the type is checked before opening, the file is opened without
    waiting for a FIFO's writer (``O_NONBLOCK``) and checked again once open,
    and reading stops after ``limit`` bytes (a file that grows while read).
    """
    info = os.stat(path, follow_symlinks=follow)
    require_regular(info.st_mode)
    if info.st_size > limit:
        raise Unreadable(f"it is larger than {size_text(limit)}")
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | _BINARY | (0 if follow else _NOFOLLOW)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        require_regular(info.st_mode)  # replaced between the two looks?
        pieces = []
        left = limit + 1
        # The whole file in one read when its size holds, then one that finds the end.
        ask = info.st_size + 1
        while left > 0 and (piece := os.read(descriptor, min(max(ask, _CHUNK), left))):
            pieces.append(piece)
            left -= len(piece)
            ask = _CHUNK
    finally:
        os.close(descriptor)
    if left <= 0:
        raise Unreadable(f"it is larger than {size_text(limit)}")
    return b"".join(pieces)


def within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both absolute, compared as text)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def repository_above(folder: str) -> str | None:
    """The real path of the nearest folder with ``.git`` at or above ``folder`` (absolute), or ``None``.

    Looked for along ``folder`` as written (its parents by name), not along
    where its links lead.
    """
    current = folder
    while not os.path.exists(os.path.join(current, ".git")):
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    return os.path.realpath(current)


def repository_of(folder: str) -> str:
    """The real path of the repository holding ``folder``, or of ``folder`` itself without one."""
    real = os.path.realpath(folder)
    return repository_above(real) or real


def boundary_of(path: str, *, folder: bool = False) -> str:
    """The real folder that ``path`` (a file, or with ``folder`` a folder) must resolve into.

    That is the repository holding it, found along ``path`` as written, so
    that a link in the repository that leads out of it is outside; without a
    repository, the file's own folder (or the folder itself).
    """
    absolute = os.path.abspath(path)
    start = absolute if folder else os.path.dirname(absolute)
    return repository_above(start) or os.path.realpath(start)


def escapes(path: str, boundary: str | None = None) -> bool:
    """Whether ``path``, or a link on the way to it, resolves outside ``boundary`` (default ``boundary_of(path)``)."""
    folder = boundary if boundary is not None else boundary_of(path)
    return not within(os.path.realpath(path), folder)


def private_beside(folder: str | os.PathLike[str], prefix: str) -> tuple[int, str]:
    """A new file only this user can read (mode 0600) in ``folder``, named ``prefix`` and random letters.

    Its descriptor, opened for writing, and its absolute path: what
    ``tempfile.mkstemp`` gives (the same flags: created, never an existing
    file or the target of a link), without importing ``tempfile``, which
    imports ``shutil`` and the compression modules (12 million instructions,
    paid by every run that writes its cache or its replay record). ``OSError``
    when the file cannot be made.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    folder = os.path.abspath(folder)
    for _ in range(100):
        name = os.path.join(folder, prefix + os.urandom(6).hex())
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue  # another writer's name: draw again, as mkstemp does
    raise FileExistsError(errno.EEXIST, "no unused name for a temporary file", folder)
