"""Shared base of every file model: unknown keys rejected, ``x-`` keys allowed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


def _allow_extensions(schema: dict[str, Any]) -> None:
    schema["patternProperties"] = {"^x-": {}}


class FileModel(BaseModel):
    """A mapping in a user's file.

    Typos must not pass silently, so unknown keys are errors; keys that start
    with ``x-`` are the organisation's own and are ignored here (custom rules
    and schema constraints still see them).
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra=_allow_extensions,
        use_enum_values=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(isinstance(k, str) and k.startswith("x-") for k in data):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data
