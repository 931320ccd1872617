"""Turn pydantic validation errors into plain words at the right YAML path.

A marketer reads "`frequncy` is not a campaign field; did you mean
`frequency`?", never "Extra inputs are not permitted".
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from campaign_lint.core.findings import Violation, YamlPath
from campaign_lint.core.fixes import Remedy, rename_key, safe, set_value
from campaign_lint.core.suggest import did_you_mean
from campaign_lint.schemas import spelling

_TYPE_WORDS = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list, like [a, b]",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "string_too_long": "is too long (at most {max_length} characters)",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date written YYYY-MM-DD",
    "datetime_parsing": "must be a date (YYYY-MM-DD) or date and time (2026-11-30T23:59:00Z)",
    "datetime_type": "must be a date (YYYY-MM-DD) or date and time (2026-11-30T23:59:00Z)",
    "datetime_from_date_parsing": "must be a date (YYYY-MM-DD) or date and time (2026-11-30T23:59:00Z)",
}

_PATTERN_WORDS = {
    "id": "use lowercase words and digits joined by hyphens, like `review-after-delivery`",
    "regions": "use an ISO 3166 country or subdivision code, like `DE` or `US-CA`",
}


def describe_errors(
    errors: Iterable[ErrorDetails], data: Any, model: type[BaseModel], noun: str
) -> list[Violation]:
    """One violation per problem, in file order of the offending path.

    ``noun`` names the file kind in messages ("campaign", "policy").
    """
    seen: set[YamlPath] = set()
    result: list[Violation] = []
    for error in errors:
        path, missing = _data_path(error, data)
        marker = (*path, "<missing>") if missing else path
        if marker in seen:
            continue
        seen.add(marker)
        result.append(_describe(error, path, missing, data, model, noun))
    return result


def _data_path(error: ErrorDetails, data: Any) -> tuple[YamlPath, bool]:
    """The part of ``error['loc']`` that exists in the data (union tags dropped)."""
    loc = tuple(error["loc"])
    if error["type"] == "missing":
        return loc, True
    if loc and loc[-1] == "[key]":  # a mapping key of the wrong kind, like `channels: {emial: ...}`
        return loc[:-1], False
    path: list[str | int] = []
    node = data
    for part in loc:
        present = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if not present:
            break
        node = node[part]
        path.append(part)
    return tuple(path), False


def _describe(
    error: ErrorDetails,
    path: YamlPath,
    missing: bool,
    data: Any,
    model: type[BaseModel],
    noun: str,
) -> Violation:
    kind = error["type"]
    name = _name(path)
    value = error.get("input")
    if missing:
        parent = path[:-1]
        where = f"a {noun}" if not parent else f"`{_name(parent)}`"
        return Violation(
            f"{where} needs `{path[-1]}`, which is missing",
            parent,
            hint=f"add `{path[-1]}:` with a value",
        )
    if kind == "extra_forbidden":
        parent = path[:-1]
        fields = _fields_at(model, parent)
        where = f"a {noun} field" if not parent else f"a field of `{_name(parent)}`"
        message = f"`{path[-1]}` is not {where}{did_you_mean(str(path[-1]), fields)}"
        if not fields:
            return Violation(f"`{path[-1]}` is not allowed here: there are no {noun} fields", path, key=True)
        hint = f"known fields: {', '.join(fields)}; prefix your own fields with `x-`"
        return Violation(message, path, hint=hint, key=True, fix=_rename(path, fields, data))
    if tuple(error["loc"])[-1:] == ("[key]",):
        choices = _key_choices(model, path[:-1])
        where = _name(path[:-1])
        message = f"`{path[-1]}` is not a valid key of `{where}`{did_you_mean(str(path[-1]), choices)}"
        return Violation(
            message, path, hint=f"use one of: {', '.join(choices)}" if choices else None, key=True
        )
    if kind in ("enum", "literal_error"):
        choices = _choices(model, path)
        message = f"`{_show(value)}` is not a valid `{name}`{did_you_mean(str(value), choices)}"
        return Violation(
            message,
            path,
            hint=f"use one of: {', '.join(choices)}",
            fix=_respell(path, spelling.choice(value, choices)),
        )
    if kind == "string_pattern_mismatch":
        field = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
        advice = _PATTERN_WORDS.get(field, "check the format")
        return Violation(f"`{_show(value)}` is not a valid `{name}`", path, hint=advice)
    if kind in _TYPE_WORDS:
        words = _TYPE_WORDS[kind].format(**error.get("ctx", {}))
        return Violation(f"`{name}` {words} (found `{_show(value)}`)", path)
    if kind in ("string_too_short", "too_short"):
        return Violation(_too_short(name, value, error.get("ctx", {}).get("min_length", 1)), path)
    message = error["msg"].removeprefix("Value error, ")
    if kind in ("duration", "clock_time", "percentage"):
        fix = None
        if kind == "duration":
            fix = _respell(path, spelling.duration(value))
        elif kind == "clock_time":
            fix = _respell(path, spelling.clock_time(value))
        return Violation(f"`{name}`: {message}", path, fix=fix)
    return Violation(f"`{name}`: {message}" if name else message, path)


def _too_short(name: str, value: Any, least: int) -> str:
    """What a text or list shorter than its field allows must hold, in words (``least``: its minimum length)."""
    if isinstance(value, str):
        at_least = f": write at least {least} characters" if least > 1 else ""
        if not value.strip():
            return f"`{name}` must not be empty{at_least}"
        return f"`{name}` is too short{at_least} (found `{_show(value)}`, {len(value)} characters)"
    items = "at least one item" if least <= 1 else f"at least {least} items"
    return f"`{name}` must list {items} (found {len(value) if isinstance(value, list) else 0})"


def _respell(path: YamlPath, written: str | None) -> Remedy | None:
    """The safe fix that writes the value at ``path`` as ``written``."""
    if written is None:
        return None
    shown = f'"{written}"' if ":" in written else written
    return safe(f"write `{shown}`", set_value(path, written))


def _rename(path: YamlPath, fields: list[str], data: Any) -> Remedy | None:
    """The safe fix that renames a misspelt key to the one field it is close to, unless that field is there too."""
    key = path[-1]
    guess = spelling.choice(key, fields) if isinstance(key, str) else None
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if guess is None or not isinstance(parent, dict) or guess in parent:
        return None
    return safe(f"rename `{key}` to `{guess}`", rename_key(path, guess))


def _name(path: YamlPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _annotation_at(model: type[BaseModel], path: Sequence[str | int]) -> Any:
    """The annotation a path leads to, stepping through lists and optionals."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = _field_by_key(current, part)
            current = field.annotation if field else None
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    return current


def _unwrap(annotation: Any) -> Any:
    """Strip ``Optional``/unions and ``Annotated`` down to the main type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    """The field a YAML key names (the alias when there is one)."""
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _fields_at(model: type[BaseModel], path: YamlPath) -> list[str]:
    target = _unwrap(_annotation_at(model, path))
    if isinstance(target, type) and issubclass(target, BaseModel):
        return [field.alias or name for name, field in target.model_fields.items()]
    return []


def _key_choices(model: type[BaseModel], path: YamlPath) -> list[str]:
    """Allowed keys of a mapping field whose keys are an enum (like `channels`)."""
    target = _unwrap(_annotation_at(model, path))
    if typing.get_origin(target) is dict:
        key = _unwrap(typing.get_args(target)[0])
        if isinstance(key, type) and issubclass(key, enum.Enum):
            return [str(member.value) for member in key]
    return []


def _choices(model: type[BaseModel], path: YamlPath) -> list[str]:
    target = _unwrap(_annotation_at(model, path))
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return [str(member.value) for member in target]
    if typing.get_origin(target) is Literal:
        return [str(arg) for arg in typing.get_args(target)]
    return []
