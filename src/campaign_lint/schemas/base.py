"""Shared base of every file model: unknown keys rejected, ``x-`` keys allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict


def _allow_extensions(schema: dict[str, Any]) -> None:
    schema["patternProperties"] = {"^x-": {}}


def is_extension(key: object) -> bool:
    """Keys starting with ``x-`` are the organisation's own fields."""
    return isinstance(key, str) and key.startswith("x-")


def strip_extensions(data: Any, where: Iterable[tuple[str | int, ...]] | None = None) -> Any:
    """A copy of ``data`` without ``x-`` keys, for validation; ``data`` is not changed.

    ``where`` lists the mappings that hold ``x-`` keys (the loader records
    them), so only those mappings and their parents are copied. Without it,
    every mapping is visited.
    """
    if where is None:
        if isinstance(data, dict):
            return {k: strip_extensions(v) for k, v in data.items() if not is_extension(k)}
        if isinstance(data, list):
            return [strip_extensions(item) for item in data]
        return data
    root = data
    copied: dict[tuple[str | int, ...], Any] = {}

    def copy_of(path: tuple[str | int, ...]) -> Any:
        if path in copied:
            return copied[path]
        if not path:
            node = root
            fresh = dict(node) if isinstance(node, dict) else list(node)
        else:
            parent = copy_of(path[:-1])
            node = parent[path[-1]]
            fresh = dict(node) if isinstance(node, dict) else list(node)
            parent[path[-1]] = fresh
        copied[path] = fresh
        return fresh

    for path in where:
        target = copy_of(path)
        for key in [k for k in target if is_extension(k)]:
            del target[key]
    return copied.get((), root)


class FileModel(BaseModel):
    """A mapping in a user's file.

    Typos must not pass silently, so unknown keys are errors. Keys that start
    with ``x-`` are the organisation's own: callers remove them with
    ``strip_extensions`` before validating (custom rules and schema
    constraints still see them), and the JSON Schema allows them.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra=_allow_extensions,
        populate_by_name=True,
        # Build validators on first use: a run without a policy file never
        # builds the policy models (start-up matters in pre-commit).
        defer_build=True,
    )
