"""Fixes: what a rule proposes to change (a ``Remedy``) and the text edits that do it (a ``Fix``).

A rule knows *what* should change, in YAML terms: set `trigger.delay` to
`3d`, rename the key `frequncy` to `frequency`, add `unsubscribe:
one_click` under `content`. That is a :class:`Remedy`, carried by the
``Violation`` and the ``Finding`` (small, picklable, no positions).
``core/yamledit.py`` turns a remedy into a :class:`Fix`: text edits at exact
character offsets of the file, the way ruff applies fixes, so everything
else in the file stays byte for byte. ``check --fix``, SARIF ``fixes`` and an
editor's quick fixes all apply the same edits.

A fix is **safe** when it changes only how something is written (``7days``
to ``7d``), **unsafe** when it changes what the campaign does (a later
trigger, a lower cap): ``--fix`` applies safe fixes, ``--unsafe-fixes`` both.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from campaign_lint.core.pickling import by_fields
from campaign_lint.core.yamlpath import YamlPath as YamlPath


class Safety(enum.StrEnum):
    """Whether applying a fix keeps what the campaign does."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Change:
    """One change in YAML terms.

    ``set``: the scalar at ``path`` becomes ``value``; ``rename``: the key at
    ``path`` becomes ``value``; ``add``: the mapping at ``path`` gets the key
    ``key`` with ``value`` (a scalar, a list or a mapping of scalars).
    """

    kind: Literal["set", "rename", "add"]
    path: YamlPath
    value: Any
    key: str = ""

    __reduce__ = by_fields


@dataclass(frozen=True, slots=True)
class Remedy:
    """What a finding's fix changes: a title for people, its safety, the changes (applied together)."""

    title: str
    safety: Safety
    changes: tuple[Change, ...]

    __reduce__ = by_fields


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


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets) with ``text``; an insertion when ``start == end``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A remedy as text edits of one file: never overlapping, applied together."""

    title: str
    safety: Safety
    edits: tuple[Edit, ...]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied (they must not overlap; ``ValueError`` when they do)."""
    pieces: list[str] = []
    at = 0
    for edit in sorted(edits):
        if edit.start < at or edit.end < edit.start or edit.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit at {edit.start}")
        pieces += [text[at : edit.start], edit.text]
        at = edit.end
    pieces.append(text[at:])
    return "".join(pieces)


def overlaps(edits: Iterable[Edit], others: Iterable[Edit]) -> bool:
    """Whether any edit of ``edits`` touches the range of one of ``others`` (two insertions at one place do)."""
    taken = list(others)
    return any(e.start <= o.end and o.start <= e.end for e in edits for o in taken)


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset (for SARIF and editors)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
