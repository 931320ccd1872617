"""Fixes: what a rule proposes to change (a ``Remedy``); the text edits that do it are ``core/edits.py``'s ``Fix``.

A rule knows *what* should change, in YAML terms: set `trigger.delay` to
`3d`, rename the key `frequncy` to `frequency`, add `unsubscribe:
one_click` under `content`. That is a :class:`Remedy`, carried by the
``Violation`` and the ``Finding`` (small, picklable, no positions).
``core/yamledit.py`` turns a remedy into a ``Fix`` (``core/edits.py``): text edits at exact
character offsets of the file, the way ruff applies fixes, so everything
else in the file stays byte for byte. ``check --fix``, SARIF ``fixes`` and an
editor's quick fixes all apply the same edits.

A fix is **safe** when it changes only how something is written (``7days``
to ``7d``), **unsafe** when it changes what the campaign does (a later
trigger, a lower cap): ``--fix`` applies safe fixes, ``--unsafe-fixes`` both.
"""

from __future__ import annotations

import enum
from typing import Any, Final, Literal

from campaign_lint.core.slotted import Slotted
from campaign_lint.core.yamlpath import YamlPath as YamlPath


class Safety(enum.StrEnum):
    """Whether applying a fix keeps what the campaign does."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Change(Slotted):
    """One change in YAML terms.

    ``set``: the scalar at ``path`` becomes ``value``; ``rename``: the key at
    ``path`` becomes ``value``; ``add``: the mapping at ``path`` gets the key
    ``key`` with ``value`` (a scalar, a list or a mapping of scalars).
    """

    __slots__ = ("kind", "path", "value", "key")
    kind: Final[Literal["set", "rename", "add"]]
    path: Final[YamlPath]
    value: Final[Any]
    key: Final[str]

    def __init__(
        self, kind: Literal["set", "rename", "add"], path: YamlPath, value: Any, key: str = ""
    ) -> None:
        self.kind = kind
        self.path = path
        self.value = value
        self.key = key


class Remedy(Slotted):
    """What a finding's fix changes: a title for people, its safety, the changes (applied together)."""

    __slots__ = ("title", "safety", "changes")
    title: Final[str]
    safety: Final[Safety]
    changes: Final[tuple[Change, ...]]

    def __init__(self, title: str, safety: Safety, changes: tuple[Change, ...]) -> None:
        self.title = title
        self.safety = safety
        self.changes = changes


def set_value(path: YamlPath, value: Any) -> Change:
    """The scalar at ``path`` becomes ``value``."""
    return Change("set", path, value)


def rename_key(path: YamlPath, name: str) -> Change:
    """The key at ``path`` becomes ``name``."""
    return Change("rename", path, name)


def add_key(path: YamlPath, key: str, value: Any) -> Change:
    """The mapping at ``path`` gets ``key: value``."""
    return Change("add", path, value, key)


def safe(title: str, *changes: Change) -> Remedy:
    """A fix that changes only how something is written."""
    return Remedy(title, Safety.SAFE, changes)


def unsafe(title: str, *changes: Change) -> Remedy:
    """A fix that changes what the campaign does."""
    return Remedy(title, Safety.UNSAFE, changes)
