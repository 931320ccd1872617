"""Shared base of every file model: unknown keys rejected, ``x-`` keys allowed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


def _allow_extensions(schema: dict[str, Any]) -> None:
    schema["patternProperties"] = {"^x-": {}}


def is_extension(key: object) -> bool:
    """Keys starting with ``x-`` are the organisation's own fields."""
    return isinstance(key, str) and key.startswith("x-")


def strip_extensions(data: Any) -> Any:
    """A copy of ``data`` without ``x-`` keys, at every level, for validation."""
    if isinstance(data, dict):
        return {k: strip_extensions(v) for k, v in data.items() if not is_extension(k)}
    if isinstance(data, list):
        return [strip_extensions(item) for item in data]
    return data


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
    )
