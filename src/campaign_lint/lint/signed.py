"""The signed-file format of the cache and the replay record: pickles that only this user can write.

A file is a magic line, an HMAC-SHA256 of its key and payload under a
secret kept in the user's cache folder (outside any repository), and the
payload: values pickled one after the other. Nothing is unpickled before the
signature holds, so a corrupt, foreign or committed file is never trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from campaign_lint.core.files import MIB, private_beside, read_regular, repository_of, within
from campaign_lint.core.slotted import Mutable

_MAGIC = b"campaign-lint cache 1\n"
_SIG = hashlib.sha256().digest_size
# The largest signed file read: a cache of 100,000 campaigns is well under it.
MAX_SIGNED_BYTES = 1024 * MIB


def write_signed(path: Path, key: bytes, secret: bytes, *values: object) -> None:
    """Pickle ``values`` one after the other into ``path``, signed under ``key``; ``OSError`` if it cannot.

    Atomic (a temporary file in the same folder, then a rename). The pickle
    is streamed to the file and signed on the way, so no copy of it is held
    in memory.
    """
    fd, temporary = private_beside(path.parent, ".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + bytes(_SIG))  # the signature's place, filled in below
            signing = _Signing(handle, _mac(secret, key))
            for value in values:
                pickle.dump(value, signing, protocol=pickle.HIGHEST_PROTOCOL)
            handle.seek(len(_MAGIC))
            handle.write(signing.mac.digest())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _Signing:
    """A file that signs what is written to it."""

    def __init__(self, handle: BinaryIO, mac: hmac.HMAC) -> None:
        self.handle = handle
        self.mac = mac

    def write(self, data: bytes) -> int:
        """Sign and write ``data``."""
        self.mac.update(data)
        return self.handle.write(data)


def _mac(secret: bytes, key: bytes) -> hmac.HMAC:
    """The signature of a file under ``key``, to be fed its payload."""
    return hmac.new(secret, key, hashlib.sha256)


def _signature(secret: bytes, key: bytes, payload: bytes | memoryview) -> bytes:
    """The HMAC of ``key`` and ``payload`` under ``secret``."""
    mac = _mac(secret, key)
    mac.update(payload)
    return mac.digest()


def read_signed(path: Path, key: bytes, secret: bytes) -> Signed | None:
    """What ``write_signed`` wrote to ``path`` under ``key``; ``None`` if missing, foreign or tampered with.

    Read only from a real folder, as a regular file, not through a link
    (``O_NOFOLLOW``) and at most ``MAX_SIGNED_BYTES``: a committed cache
    file that is a link to ``/dev/zero`` is not a cache.
    """
    if os.path.islink(path.parent):
        return None
    try:
        blob = read_regular(path, MAX_SIGNED_BYTES, follow=False)
    except OSError:
        return None
    if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + _SIG:
        return None
    signature = blob[len(_MAGIC) : len(_MAGIC) + _SIG]
    payload = memoryview(blob)[len(_MAGIC) + _SIG :]  # a view: no copy of a large payload
    if not hmac.compare_digest(signature, _signature(secret, key, payload)):
        return None
    stream = io.BytesIO(blob)  # shares the bytes until written to
    stream.seek(len(_MAGIC) + _SIG)
    return Signed(stream, signature)


class Signed(Mutable):
    """The verified values of a signed file, loaded one at a time."""

    __slots__ = ("stream", "signature")
    stream: io.BytesIO
    # The file's signature: tells it from any other file written under its key (``lint/replaydelta.py``).
    signature: bytes

    def __init__(self, stream: io.BytesIO, signature: bytes = b"") -> None:
        self.stream = stream
        self.signature = signature

    def next(self) -> object | None:
        """The next value; ``None`` when there is none or it cannot be read."""
        try:
            value: object = pickle.load(self.stream)  # signed by this user: see the module docstring
        except Exception:  # noqa: BLE001 - a file we wrote but cannot read is rebuilt
            return None
        return value


_KEY_SIZE = 32


def key_path() -> Path:
    """Where the user's signing key is kept: ``$XDG_CACHE_HOME/campaign-lint/cache-key`` (default ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "campaign-lint" / "cache-key"


def key_problem(root: Path | str) -> str | None:
    """Why the signing key cannot be used for a run in the folder ``root`` (``None`` when it can).

    The key signs pickles, and unpickling runs code: whoever knows the key
    can make campaign-lint run theirs. So it is used only from a folder
    outside the repository being checked (a CI job that points
    ``XDG_CACHE_HOME`` or ``HOME`` into the checkout would let a pull request
    commit a key of its own), and only as a real folder.
    """
    folder = key_path().parent
    if within(os.path.realpath(folder), repository_of(str(root))):
        return (
            f"the cache is off: the cache key's folder {folder} is inside the repository being checked; "
            "set XDG_CACHE_HOME to a folder outside it"
        )
    if os.path.islink(folder):
        return f"the cache is off: {folder} is a symbolic link, not a folder; remove it"
    return None


def secret_key(root: Path | str) -> bytes | None:
    """The user's cache signing key for a run in ``root``, created on first use; ``None`` if it cannot be used.

    Used only where ``key_problem`` has nothing to say, and only as a
    regular file of 32 bytes, read without following a link and without
    reading more than 33 bytes: a key that is a link, a FIFO or a device
    (a link to ``/dev/zero`` hung the run) turns the cache off.
    """
    problem = key_problem(root)
    if problem is not None:
        say_once(problem)
        return None
    path = key_path()
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError:
        return None
    if info is not None and not stat.S_ISREG(info.st_mode):
        say_once(f"the cache is off: {path} is not a regular file (a link, a FIFO or a device); remove it")
        return None
    if info is not None and info.st_size == _KEY_SIZE:
        try:
            return read_regular(path, _KEY_SIZE, follow=False)
        except OSError:
            return None
    # Missing, or of the wrong size: a fresh key.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import secrets

        fresh = secrets.token_bytes(_KEY_SIZE)
        fd, temporary = private_beside(path.parent, ".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(fresh)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)  # replaces a name, never writes through a link
        data = read_regular(path, _KEY_SIZE, follow=False)
        return data if len(data) == _KEY_SIZE else None
    except OSError:
        return None


_said: set[str] = set()


def say_once(problem: str) -> None:
    """Tell, on stderr and once per process, why the cache is not used (the run goes on without it)."""
    if problem not in _said:
        _said.add(problem)
        from campaign_lint.core.display import line_start  # only to warn: a replayed run does not

        sys.stderr.write(line_start(f"campaign-lint: {problem}") + "\n")  # paths shown, never executed
