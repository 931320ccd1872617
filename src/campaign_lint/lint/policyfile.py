"""Reading policy files: ``extends`` chains, merging, and where every value came from.

A policy is built from layers, base first: the profiles and files it extends
(each resolved the same way, relative to the file that names it), then its
own keys. Later layers override earlier ones key by key; the lists
``custom_rules``, ``exceptions``, ``overrides`` and ``unsuppressible`` are
concatenated instead, so a team policy adds to the shared one. Every value
keeps its origin (file, line, column) for error messages and
``check --show-policy``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Final

from campaign_lint.core import yamlload
from campaign_lint.core.errors import PolicyError
from campaign_lint.core.files import MIB, boundary_of, escapes, read_regular
from campaign_lint.core.findings import START, Span, YamlPath
from campaign_lint.core.slotted import Mutable, Slotted
from campaign_lint.policies.profiles import DEFAULT_PROFILE, profiles

CONCATENATED = frozenset({"custom_rules", "exceptions", "overrides", "unsuppressible"})
_MAX_CHAIN = 32
# The largest policy file read: a policy is a few KiB; its YAML is bounded again by the loader.
MAX_POLICY_BYTES = 4 * MIB


class Origin(Slotted):
    """Where a value was written."""

    __slots__ = ("path", "span")
    path: Final[str]
    span: Final[Span]

    def __init__(self, path: str, span: Span) -> None:
        self.path = path
        self.span = span

    def __str__(self) -> str:
        return f"{self.path}:{self.span.line}:{self.span.column}"


class Layered(Mutable):
    """Merged policy data with the origin of every value and key."""

    __slots__ = (
        "data",
        "values",
        "keys",
        "profile",
        "profile_origin",
        "files",
        "locking",
        "links",
        "digests",
    )
    data: dict[str, Any]
    values: dict[YamlPath, Origin]
    keys: dict[YamlPath, Origin]
    profile: str
    profile_origin: str
    files: list[str]
    # The files that write `locked:` themselves (lint/locks.py): a later layer cannot unwrite them.
    locking: list[str]
    # Where each name of a policy file led: the policy file as the run named it, and each ``extends``
    # entry that names a file (joined to the folder of the file that names it), with the file it
    # resolved to, sorted. A symbolic link on the way may lead elsewhere later while every file read
    # stays as it was (``read_through``; lint/keptsettings.py checks them).
    links: list[tuple[str, str]]
    # The content digest (``content_digest``) of the bytes each file of ``files`` was parsed from:
    # what the settings are made of, whatever the file holds by the time anyone reads it again.
    digests: dict[str, bytes]

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        values: dict[YamlPath, Origin] | None = None,
        keys: dict[YamlPath, Origin] | None = None,
        profile: str = DEFAULT_PROFILE,
        profile_origin: str = "built-in default",
        files: list[str] | None = None,
        locking: list[str] | None = None,
        links: list[tuple[str, str]] | None = None,
        digests: dict[str, bytes] | None = None,
    ) -> None:
        self.data = {} if data is None else data
        self.values = {} if values is None else values
        self.keys = {} if keys is None else keys
        self.profile = profile
        self.profile_origin = profile_origin
        self.files = [] if files is None else files
        self.locking = [] if locking is None else locking
        self.links = [] if links is None else links
        self.digests = {} if digests is None else digests

    def read_through(self) -> list[str]:
        """The policy files read (``files``), then each name that led to one through a symbolic link.

        What a run's answer depends on: stamped by the replay records and watched by the
        language server, so that a link pointed at another file is a change of the policy.
        """
        linked = [written for written, real in self.links if os.path.normpath(written) != real]
        return [*self.files, *linked]

    def origin(self, path: YamlPath, *, key: bool = False) -> Origin | None:
        """Origin of ``path`` (or of its nearest parent that has one)."""
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get(())

    def where(self, path: YamlPath, *, key: bool = False) -> str:
        """``file:line:col`` of ``path`` for messages."""
        origin = self.origin(path, key=key)
        return str(origin) if origin else "<policy>"


def display(path: Path) -> str:
    """A policy path as users see it: relative to the working directory when inside it."""
    relative = os.path.relpath(os.path.abspath(path), os.getcwd())
    return Path(relative).as_posix() if not relative.startswith("..") else Path(path).resolve().as_posix()


def load_policy(path: Path) -> Layered:
    """Read ``path`` and everything it extends into one layered policy.

    Only regular files inside the repository are read (``core.files``): a
    policy file, or an ``extends`` entry, that leads out of it (a symbolic
    link, ``../``, an absolute path) or is a FIFO or a device is an error
    before anything of it is read.
    """
    repository = boundary_of(str(path))
    if escapes(str(path), repository):
        relative = os.path.relpath(os.path.abspath(path), os.getcwd())
        shown = Path(relative if not relative.startswith("..") else os.path.abspath(path)).as_posix()
        raise PolicyError(
            [
                f"{shown}: the policy file is a symbolic link that points outside the repository; "
                "campaign-lint does not read it (copy the policy into the repository)"
            ]
        )
    loader = _Loader(Path(repository))
    resolved = path.resolve()
    loader.links[os.path.abspath(path)] = str(resolved)
    layered = loader.load(resolved, ())
    layered.links = sorted(loader.links.items())
    layered.digests = loader.digests
    return layered


def content_digest(raw: bytes) -> bytes:
    """The digest of a policy file's bytes (``Layered.digests``)."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def _read(path: Path, shown: str) -> tuple[yamlload.Document | None, bytes]:
    """The policy file's document (None: empty), and the digest of the bytes it was parsed from."""
    try:
        raw = read_regular(path, MAX_POLICY_BYTES)
    except OSError as exc:
        raise PolicyError([f"{shown}: cannot read the policy file ({exc.strerror})"]) from None
    digest = content_digest(raw)
    try:
        document = yamlload.load(yamlload.decode(raw))
    except yamlload.YamlProblem as problem:
        if problem.message == "the file is empty":
            return None, digest
        span = problem.span
        raise PolicyError([f"{shown}:{span.line}:{span.column}: {problem.message}"]) from None
    if not isinstance(document.data, dict):
        raise PolicyError([f"{shown}:1:1: a policy file must be a mapping of settings (`key: value`)"])
    return document, digest


class _Loader:
    """Loads one policy and its ``extends`` graph, reading each file at most once.

    Extends form a graph, not a chain: with 40 files each extending the same
    40, which each extend the same 40, a file-by-file descent read and
    merged 64,000 files, and each level multiplied the time by 40. Here a
    file already applied (``applied``: reached again through another entry,
    a diamond) is not read or applied again, so a policy costs one read and
    one merge per distinct file, and the lists that add up (``custom_rules``,
    ``exceptions``...) hold each file's entries once. ``chain`` still catches
    a cycle, and every value keeps the position it was written at.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.applied: set[Path] = set()
        # Each path an ``extends`` entry names (joined to its file's folder) -> the file it resolved to.
        self.links: dict[str, str] = {}
        self.digests: dict[str, bytes] = {}

    def load(self, path: Path, chain: tuple[Path, ...]) -> Layered:
        """The layers of ``path``: what it extends (not yet applied), then its own keys."""
        shown = display(path)
        document, self.digests[shown] = _read(path, shown)
        own = _own_layer(document, shown)
        merged = Layered(files=[shown])
        extends = own.data.get("extends")
        entries = [extends] if isinstance(extends, str) else extends if isinstance(extends, list) else []
        if extends is not None and not entries:
            raise PolicyError(
                [f"{own.where(('extends',))}: `extends` takes a profile name, a path or a list of them"]
            )
        resolved: dict[str, Path] = {}  # an entry written many times is resolved once
        for index, entry in enumerate(entries):
            at: YamlPath = ("extends",) if isinstance(extends, str) else ("extends", index)
            if not isinstance(entry, str) or not entry:
                raise PolicyError([f"{own.where(at)}: each `extends` entry is a profile name or a path"])
            if entry in profiles():
                merged.profile, merged.profile_origin = entry, own.where(at)
                continue
            target = resolved.get(entry)
            if target is None:
                target = resolved[entry] = self._target(path, entry, own.where(at), chain)
            if target in self.applied:
                continue  # a diamond: already in the policy, with its own bases
            merged = _merge(merged, self.load(target, (*chain, path)))
        self.applied.add(path)
        own.data.pop("extends", None)
        return _merge(merged, own)

    def _target(self, path: Path, entry: str, where: str, chain: tuple[Path, ...]) -> Path:
        """The policy file an ``extends`` entry names, checked (see ``load_policy``)."""
        if not entry.endswith((".yaml", ".yml")) and "/" not in entry:
            names = ", ".join(profiles())
            raise PolicyError([f"{where}: `{entry}` is not a profile ({names}) or a path to a .yaml file"])
        written = path.parent / entry
        target = written.resolve()
        self.links[str(written)] = str(target)
        if not _inside(target, self.root):
            raise PolicyError(
                [f"{where}: `{entry}` is outside the repository ({self.root}); copy the file in"]
            )
        if target == path or target in chain:
            loop = " -> ".join(display(p) for p in (*chain, path, target))
            raise PolicyError([f"{where}: `extends` makes a cycle: {loop}"])
        if len(chain) >= _MAX_CHAIN:
            raise PolicyError([f"{where}: `extends` chains deeper than {_MAX_CHAIN} files"])
        if not target.exists():
            raise PolicyError([f"{where}: `{entry}` does not exist (looked for {display(target)})"])
        return target


def _inside(target: Path, root: Path) -> bool:
    try:
        target.relative_to(root)
    except ValueError:
        return False
    return True


def _own_layer(document: yamlload.Document | None, shown: str) -> Layered:
    layer = Layered(files=[shown])
    if document is None:
        return layer
    layer.data = dict(document.data)
    layer.values = {p: Origin(shown, document.span(p)) for p in document.values}
    layer.keys = {p: Origin(shown, document.span(p, key=True)) for p in document.keys}
    layer.values.setdefault((), Origin(shown, START))
    layer.locking = [shown] if "locked" in layer.data else []
    return layer


def _merge(base: Layered, top: Layered) -> Layered:
    """``top`` laid over ``base`` (see the module docstring for the rules)."""
    result = Layered(
        data=dict(base.data),
        values=dict(base.values),
        keys=dict(base.keys),
        profile=base.profile,
        profile_origin=base.profile_origin,
        files=[*base.files, *(f for f in top.files if f not in base.files)],
        locking=[*base.locking, *(f for f in top.locking if f not in base.locking)],
    )
    if top.profile_origin != "built-in default":
        result.profile, result.profile_origin = top.profile, top.profile_origin
    _merge_mapping(result, base.data, top, (), top.data)
    if () in top.values:
        result.values.setdefault((), top.values[()])
    return result


def _merge_mapping(
    result: Layered, base: dict[str, Any], top: Layered, path: YamlPath, data: dict[str, Any]
) -> None:
    target = _lookup(result.data, path)
    for key, value in data.items():
        child = (*path, key)
        previous = base.get(key) if isinstance(base, dict) else None
        if not path and key in CONCATENATED and isinstance(previous, list) and isinstance(value, list):
            target[key] = [*previous, *value]
            _copy(top, child, result, child, shift=len(previous))
        elif isinstance(value, dict) and isinstance(previous, dict):
            target[key] = dict(previous)
            result.keys[child] = top.keys.get(child, result.keys.get(child, Origin("?", START)))
            _merge_mapping(result, previous, top, child, value)
        else:
            _drop(result, child)
            target[key] = value
            _copy(top, child, result, child)


def _lookup(data: dict[str, Any], path: YamlPath) -> dict[str, Any]:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def _drop(layer: Layered, path: YamlPath) -> None:
    size = len(path)
    for table in (layer.values, layer.keys):
        for key in [k for k in table if k[:size] == path]:
            del table[key]


def _copy(source: Layered, path: YamlPath, target: Layered, to: YamlPath, shift: int = 0) -> None:
    """Copy origins under ``path``; list items move by ``shift`` (concatenation)."""
    size = len(path)
    for table, into in ((source.values, target.values), (source.keys, target.keys)):
        for key, origin in table.items():
            if key[:size] != path:
                continue
            rest = key[size:]
            if shift and rest and isinstance(rest[0], int):
                rest = (rest[0] + shift, *rest[1:])
            into[(*to, *rest)] = origin
