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
    # A loop, not a recursive closure: a closure that calls itself is a
    # reference cycle holding the whole document until the cyclic collector
    # runs, and runs pause it (see engine.paused_collector).
    copied: dict[tuple[str | int, ...], Any] = {}
    for path in where:
        target = copied.get(())
        if target is None:
            target = copied[()] = _shallow(data)
        for depth in range(1, len(path) + 1):
            fresh = copied.get(path[:depth])
            if fresh is None:
                step = path[depth - 1]
                fresh = copied[path[:depth]] = _shallow(target[step])
                target[step] = fresh
            target = fresh
        for key in [k for k in target if is_extension(k)]:
            del target[key]
    return copied.get((), data)


def _shallow(node: Any) -> Any:
    return dict(node) if isinstance(node, dict) else list(node)


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
