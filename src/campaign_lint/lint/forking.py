"""Worker processes started with ``os.fork`` and two pipes: the watchdog's workers where the platform forks.

``multiprocessing`` does the same with more: its import brings ``socket``,
``selectors``, ``subprocess``, ``tempfile`` and their own imports, a cost a
one-file pre-commit run with custom rules paid for a single worker. Here a
worker is a forked child running ``target(connection, *args)`` and ending
with ``os._exit``; it talks to the main process over two pipes, each message
a pickle prefixed by its length. ``Process`` and ``Connection`` have the
parts of ``multiprocessing``'s that ``lint/watchdog.py`` uses, and
``wait`` is ``multiprocessing.connection.wait`` for them: a process's
``sentinel`` is the pipe it answers on, which reads as ended when the
process ends (the main process keeps no copy of its writing end, and the
other workers close theirs).

Windows has no ``fork``: there the watchdog starts its workers with
``multiprocessing``'s spawn.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

_HEADER = 8  # bytes of a message's length, big-endian


class Process:
    """A forked worker: ``pid``, ``exitcode`` once ended (``-N``: killed by signal N), ``sentinel``."""

    def __init__(self, pid: int, sentinel: int) -> None:
        self.pid = pid
        self.sentinel = sentinel
        self.exitcode: int | None = None

    def is_alive(self) -> bool:
        """Whether the process still runs (an ended one is reaped)."""
        if self.exitcode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.exitcode = os.waitstatus_to_exitcode(status)
        return self.exitcode is None

    def kill(self) -> None:
        """SIGKILL the process unless it has been reaped (its pid could belong to another by now)."""
        if self.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def join(self) -> None:
        """Wait for the process to end and note its exit code."""
        if self.exitcode is None:
            _, status = os.waitpid(self.pid, 0)
            self.exitcode = os.waitstatus_to_exitcode(status)


class Connection:
    """One end of a worker's two pipes: messages are read from ``reading`` and written to ``writing``."""

    def __init__(self, reading: int, writing: int) -> None:
        self.reading = reading
        self.writing = writing
        self.closed = False

    def fileno(self) -> int:
        """The pipe messages arrive on (what ``wait`` watches)."""
        return self.reading

    def send(self, message: Any) -> None:
        """Send ``message`` pickled."""
        self.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    def send_bytes(self, data: bytes) -> None:
        """Send ``data`` as one message (blocks until the other side has read what the pipe cannot hold)."""
        view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
        while view:
            view = view[os.write(self.writing, view) :]

    def recv(self) -> Any:
        """The next message, unpickled (``EOFError`` when the other side has ended)."""
        return pickle.loads(self.recv_bytes())

    def recv_bytes(self) -> bytes:
        """The next message (``EOFError`` when the other side has ended, before or while sending it)."""
        size = int.from_bytes(self._read(_HEADER), "big")
        return self._read(size)

    def _read(self, size: int) -> bytes:
        chunk = os.read(self.reading, size)
        if len(chunk) == size:
            return chunk
        data = bytearray(chunk)
        while len(data) < size:
            chunk = os.read(self.reading, size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return bytes(data)

    def poll(self) -> bool:
        """Whether a message (or the end of the other side) can be read without waiting."""
        return bool(select.select([self.reading], [], [], 0)[0])

    def close(self) -> None:
        """Close both pipes (once)."""
        if not self.closed:
            self.closed = True
            os.close(self.reading)
            os.close(self.writing)


def start(
    target: Callable[..., None], args: Sequence[Any], others: Iterable[Connection] = ()
) -> tuple[Process, Connection]:
    """Fork a process running ``target(connection, *args)``; the main process's ends of its pipes.

    The child closes the main process's ends of ``others`` (the other
    workers' pipes), so that it holds none of their pipes open, and ends
    with ``os._exit``: 0 when ``target`` returns, 1 when it raises (the
    error written to standard error), never running the main process's
    clean-up or flushing its buffers, nor taking the locks of its streams
    (the language server's threads may hold them at the fork).
    """
    commands, to_worker = os.pipe()
    from_worker, answers = os.pipe()
    inherited = [fd for other in others if not other.closed for fd in (other.reading, other.writing)]
    for stream in (sys.stdout, sys.stderr):  # what they hold is written once, by this process
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its exit code and answers are what the tests see
        code = 1
        try:
            for fd in (to_worker, from_worker, *inherited):
                os.close(fd)
            target(Connection(commands, answers), *args)
            code = 0
        except BaseException:  # noqa: BLE001 - reported, then the child ends whatever happened
            import traceback

            with contextlib.suppress(BaseException):  # not through sys.stderr, whose lock a thread may hold
                os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        finally:
            os._exit(code)
    os.close(commands)
    os.close(answers)
    return Process(pid, from_worker), Connection(from_worker, to_worker)


def wait(objects: Sequence[Any], timeout: float) -> list[Any]:
    """Those of ``objects`` (connections and sentinels) readable within ``timeout`` seconds."""
    descriptors = {item if isinstance(item, int) else item.fileno() for item in objects}
    ready = set(select.select(list(descriptors), [], [], timeout)[0])
    return [item for item in objects if (item if isinstance(item, int) else item.fileno()) in ready]
