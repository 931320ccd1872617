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
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_MAGIC = b"campaign-lint cache 1\n"
_SIG = hashlib.sha256().digest_size


def write_signed(path: Path, key: bytes, secret: bytes, *values: object) -> None:
    """Pickle ``values`` one after the other into ``path``, signed under ``key``; ``OSError`` if it cannot.

    Atomic (a temporary file in the same folder, then a rename). The pickle
    is streamed to the file and signed on the way, so no copy of it is held
    in memory.
    """
    import tempfile  # only when writing: a replayed run never does

    fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
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
    """What ``write_signed`` wrote to ``path`` under ``key``; ``None`` if missing, foreign or tampered with."""
    try:
        blob = path.read_bytes()
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
    return Signed(stream)


@dataclass(slots=True)
class Signed:
    """The verified values of a signed file, loaded one at a time."""

    stream: io.BytesIO

    def next(self) -> object | None:
        """The next value; ``None`` when there is none or it cannot be read."""
        try:
            value: object = pickle.load(self.stream)  # signed by this user: see the module docstring
        except Exception:  # noqa: BLE001 - a file we wrote but cannot read is rebuilt
            return None
        return value


def secret_key() -> bytes | None:
    """The user's cache signing key, created on first use; ``None`` if it cannot be kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "campaign-lint" / "cache-key"
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import secrets
        import tempfile

        fresh = secrets.token_bytes(32)
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(fresh)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
        return path.read_bytes() if path.stat().st_size == 32 else None
    except OSError:
        return None
