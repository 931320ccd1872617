"""A small Language Server Protocol client for the editor tests: JSON-RPC over a server's stdio.

It speaks just enough LSP to do what an editor does with a YAML file:
``initialize``, open a document, wait for the diagnostics the server
publishes, ask for completion and hover. Requests the server sends to the
client (``workspace/configuration``, capability registration, progress) are
answered, so the server never waits on us.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

# How long one answer may take before the test fails instead of hanging (a
# first request compiles the schema; a loaded CI machine is slow).
TIMEOUT = 60.0

# The settings of the YAML extension of VS Code that matter here; the schema
# store is off so that nothing is fetched from the network.
YAML_SETTINGS: dict[str, Any] = {
    "validate": True,
    "hover": True,
    "completion": True,
    "format": {"enable": False},
    "schemaStore": {"enable": False},
    "schemas": {},
    "yamlVersion": "1.2",
}


class LspError(AssertionError):
    """The server answered with an error, died, or did not answer in time."""


class Client:
    """One running language server, spoken to over its standard input and output."""

    def __init__(self, command: list[str], root: Path) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.root = root
        self.next_id = 0
        self.answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self.lock = threading.Lock()
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    # -- the wire -----------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        with self.lock:
            stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            stdin.flush()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            message = _read_message(stdout)
            if message is None:
                self.notifications.put({"method": "$/exited"})
                for waiting in list(self.answers.values()):
                    waiting.put({"error": {"message": "the server exited"}})
                return
            if "id" in message and "method" in message:
                self._answer(message)
            elif "id" in message:
                self.answers.setdefault(int(message["id"]), queue.Queue()).put(message)
            else:
                self.notifications.put(message)

    def _drain(self) -> None:
        stderr = self.process.stderr
        assert stderr is not None
        for line in stderr:
            self.stderr.append(line)

    def _answer(self, request: dict[str, Any]) -> None:
        """Answer what the server asks the client, as an editor would."""
        result: Any = None
        if request["method"] == "workspace/configuration":
            items = request.get("params", {}).get("items", [])
            result = [YAML_SETTINGS if item.get("section") == "yaml" else None for item in items]
        self._send({"id": request["id"], "result": result})

    # -- requests and notifications ----------------------------------------

    def request(self, method: str, params: dict[str, Any]) -> Any:
        """Send a request and wait for its answer."""
        self.next_id += 1
        number = self.next_id
        waiting = self.answers.setdefault(number, queue.Queue())
        self._send({"id": number, "method": method, "params": params})
        try:
            answer = waiting.get(timeout=TIMEOUT)
        except queue.Empty:
            raise LspError(f"{method}: no answer in {TIMEOUT:.0f}s{self._errors()}") from None
        if "error" in answer:
            raise LspError(f"{method}: {answer['error'].get('message')}{self._errors()}")
        return answer.get("result")

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification (no answer)."""
        self._send({"method": method, "params": params})

    def _errors(self) -> str:
        text = b"".join(self.stderr).decode("utf-8", "replace").strip()
        return f"\nserver stderr:\n{text}" if text else ""

    # -- what an editor does -----------------------------------------------

    def start(self) -> None:
        """The handshake: ``initialize``, ``initialized`` and the YAML settings."""
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": self.root.as_uri(),
                "workspaceFolders": [{"uri": self.root.as_uri(), "name": self.root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "didChangeConfiguration": {}},
                    "textDocument": {
                        "publishDiagnostics": {},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {
                            "completionItem": {
                                "snippetSupport": True,
                                "documentationFormat": ["markdown", "plaintext"],
                            }
                        },
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": YAML_SETTINGS}})

    def open(self, path: Path, text: str) -> str:
        """Open ``text`` as the editor buffer of ``path`` (the file need not exist); its URI."""
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return uri

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for ``uri`` after it was opened."""
        params = self.message("textDocument/publishDiagnostics", lambda given: given.get("uri") == uri)
        return list(params.get("diagnostics", []))

    def diagnostics_until(
        self, uri: str, wanted: Callable[[list[dict[str, Any]]], bool]
    ) -> list[dict[str, Any]]:
        """The first diagnostics published for ``uri`` that ``wanted`` accepts (a server may publish in steps)."""
        while True:
            published = self.diagnostics(uri)
            if wanted(published):
                return published

    def message(
        self, method: str, wanted: Callable[[dict[str, Any]], bool] = lambda params: True
    ) -> dict[str, Any]:
        """The params of the next notification ``method`` (that ``wanted`` accepts), skipping others."""
        while True:
            try:
                message = self.notifications.get(timeout=TIMEOUT)
            except queue.Empty:
                raise LspError(f"no {method} in {TIMEOUT:.0f}s{self._errors()}") from None
            if message.get("method") == "$/exited":
                raise LspError(f"the server exited{self._errors()}")
            params = dict(message.get("params") or {})
            if message.get("method") == method and wanted(params):
                return params

    def change(self, uri: str, text: str, version: int) -> None:
        """Replace the whole buffer of ``uri`` (as an editor with full sync does)."""
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def code_actions(self, uri: str, diagnostics: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The code actions offered for ``diagnostics`` (at the first one's range)."""
        result = self.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": diagnostics[0]["range"],
                "context": {"diagnostics": diagnostics},
            },
        )
        return list(result or [])

    def completion(self, uri: str, line: int, character: int) -> list[dict[str, Any]]:
        """The completion items at a position (0-based, as LSP counts)."""
        result = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        if isinstance(result, dict):
            return list(result.get("items", []))
        return list(result or [])

    def hover(self, uri: str, line: int, character: int) -> str:
        """The hover text at a position, or ``""``."""
        result = self.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        if not result:
            return ""
        contents = result["contents"]
        return str(contents["value"] if isinstance(contents, dict) else contents)

    def stop(self) -> None:
        """``shutdown`` and ``exit``; the process is killed if it lingers."""
        try:
            if self.process.poll() is None:
                self.request("shutdown", {})
                self.notify("exit", {})
                self.process.wait(timeout=10)
        except (LspError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


def _read_message(stream: IO[bytes]) -> dict[str, Any] | None:
    """One framed JSON-RPC message, or None at the end of the stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        return None
    body = stream.read(length)
    if len(body) < length:
        return None
    message: dict[str, Any] = json.loads(body)
    return message
