"""The policy's ``schema:`` block: JSON Schema (Draft 2020-12) constraints on every campaign.

jsonschema is imported only when a policy has a ``schema:`` block.

Policies and campaigns may both come from an untrusted pull request, so the
evaluation is bounded (docs/policy.md, "Schema constraints"; SECURITY.md):

* ``$ref`` and ``$dynamicRef`` resolve only inside the ``schema:`` block
  itself. The registry's retrieve function refuses every address, so
  nothing is ever fetched or read (no HTTP, no ``file://``, no FIFO); a
  reference to anything else, or to nothing, is a positioned policy error
  when the policy is loaded, as is a ``$ref`` loop that applies to the same
  value again and again.
* ``pattern`` and ``patternProperties`` (also where ``additionalProperties``
  and ``unevaluatedProperties`` consult them) run on RE2, a regular
  expression engine without backtracking: linear in the text, whatever the
  pattern. A pattern RE2 cannot run (lookaround, backreferences) is a policy
  error.
* ``uniqueItems`` compares items by a canonical hashable form: linear, not
  quadratic in the number of items.
* A campaign list or mapping of more than ``MAX_ITEMS`` entries is not
  checked against the schema; that is a SPEC005 finding at the value.
* Each keyword evaluation counts one step; a campaign that needs more than
  ``MAX_STEPS`` stops being checked and gets a SPEC005 finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from campaign_lint.core.errors import PolicyError
from campaign_lint.core.findings import Violation, YamlPath
from campaign_lint.policies.schemacheck import (
    REFERENCES,
    pattern_problems,
    reference_problems,
    refusing_registry,
    search,
)

# Entries of one list or mapping of a campaign that the schema is checked against.
MAX_ITEMS = 1_000
# Keyword evaluations per campaign (a schema of 20 properties takes about 50).
MAX_STEPS = 20_000
# Characters of a SPEC005 message (jsonschema's messages quote the value).
_MAX_MESSAGE = 300
_HINT = "see the `schema:` block of the policy file"


class _OverBudget(Exception):
    """The campaign needs more than ``MAX_STEPS`` keyword evaluations."""


class SchemaConstraints:
    """A compiled ``schema:`` block."""

    def __init__(self, schema: dict[str, Any], where: Callable[[YamlPath], str]) -> None:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            location = where(("schema", *exc.path))
            raise PolicyError([f"{location}: `schema` is not a valid JSON Schema: {exc.message}"]) from None
        registry = refusing_registry()
        problems = [*pattern_problems(schema, where), *reference_problems(schema, registry, where)]
        if problems:
            raise PolicyError(problems)
        self.steps = 0
        self.validator = _validator_class(self)(schema, registry=registry)

    def step(self) -> None:
        """Count one keyword evaluation; past ``MAX_STEPS`` the campaign is not checked further."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _OverBudget

    def check(self, data: dict[str, Any]) -> Iterator[Violation]:
        """Yield one violation per constraint the campaign breaks, at its position."""
        too_large = _too_large(data)
        if too_large is not None:
            large, size = too_large
            field = ".".join(str(p) for p in large) or "the campaign"
            yield Violation(
                f"`{field}` has {size:,} entries; your organisation's schema is checked on lists and "
                f"mappings of at most {MAX_ITEMS:,}, so this campaign was not checked against it",
                large,
                hint="split the value, or move it out of the campaign file",
            )
            return
        from referencing.exceptions import Unresolvable

        self.steps = 0
        errors = []
        stopped = ""
        try:
            errors.extend(self.validator.iter_errors(data))
        except (_OverBudget, RecursionError):
            stopped = (
                f"checking this campaign against your organisation's schema takes more than "
                f"{MAX_STEPS:,} steps, so it was not fully checked"
            )
        except Unresolvable as exc:  # refused when the policy was loaded; kept as a finding, never a crash
            stopped = f"your organisation's schema has a reference that cannot be followed ({exc})"
        errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
        for error in errors:
            path: YamlPath = tuple(error.absolute_path)
            message = error.message
            if error.validator == "required":
                missing = message.split("'")[1] if "'" in message else message
                message = f"your organisation's schema requires `{missing}`"
            elif error.validator == "additionalProperties":
                message = f"your organisation's schema does not allow this: {message}"
            else:
                field = ".".join(str(p) for p in path) or "the campaign"
                message = f"`{field}`: {message} (organisation schema)"
            yield Violation(_shorten(message), path, hint=_HINT)
        if stopped:
            yield Violation(
                _shorten(stopped), (), hint="simplify the `schema:` block (nested anyOf/oneOf and $ref)"
            )


def _shorten(message: str) -> str:
    """One readable line: jsonschema quotes whole values, so a long message loses its middle."""
    message = " ".join(message.split())
    if len(message) <= _MAX_MESSAGE:
        return message
    half = (_MAX_MESSAGE - 5) // 2
    return f"{message[:half]} ... {message[-half:]}"


def _too_large(data: Any) -> tuple[YamlPath, int] | None:
    """(path, size) of a list or mapping of ``data`` with more than ``MAX_ITEMS`` entries, if any."""
    pending = [data]
    while pending:
        value = pending.pop()
        if len(value) > MAX_ITEMS:
            return _path_to(data, value), len(value)
        items = value.values() if isinstance(value, dict) else value
        pending.extend(item for item in items if isinstance(item, dict | list))
    return None


def _path_to(data: Any, target: Any) -> YamlPath:
    """The path of the value ``target`` (by identity) in ``data``."""
    pending: list[tuple[YamlPath, Any]] = [((), data)]
    while pending:
        path, value = pending.pop()
        if value is target:
            return path
        items = value.items() if isinstance(value, dict) else enumerate(value)
        pending.extend(((*path, key), item) for key, item in items if isinstance(item, dict | list))
    return ()


# -- references ---------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """A hashable form equal for values JSON Schema calls equal (``1 == 1.0``, ``true != 1``)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(_canonical(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _canonical(item)) for key, item in value.items()))
    return ("other", repr(value))


def _validator_class(constraints: SchemaConstraints) -> Any:
    """Draft 2020-12 with bounded keywords, every keyword counting a step on ``constraints``."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import ValidationError

    step = constraints.step

    def pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not search(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    def pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        for expression, subschema in patterns.items():
            for key, value in instance.items():
                if search(expression, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=expression)

    def additional_properties(validator: Any, allowed: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        properties = schema.get("properties", {})
        patterns = list(schema.get("patternProperties", {}))
        extras = [
            key
            for key in instance
            if key not in properties and not any(search(expression, key) for expression in patterns)
        ]
        if validator.is_type(allowed, "object"):
            for extra in extras:
                yield from validator.descend(instance[extra], allowed, path=extra)
        elif not allowed and extras:
            names = ", ".join(repr(extra) for extra in sorted(extras, key=str))
            verb = "was" if len(extras) == 1 else "were"
            yield ValidationError(f"Additional properties are not allowed ({names} {verb} unexpected)")

    def unevaluated_properties(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        evaluated = _evaluated_keys(validator, instance, schema, step)
        unevaluated = [
            key
            for key in instance
            if key not in evaluated
            and next(validator.descend(instance[key], value, path=key, schema_path=key), None) is not None
        ]
        if unevaluated and value is False:
            names = ", ".join(repr(key) for key in sorted(unevaluated, key=str))
            verb = "was" if len(unevaluated) == 1 else "were"
            yield ValidationError(f"Unevaluated properties are not allowed ({names} {verb} unexpected)")
        elif unevaluated:
            names = ", ".join(repr(key) for key in unevaluated)
            verb = "was" if len(unevaluated) == 1 else "were"
            yield ValidationError(
                f"Unevaluated properties are not valid under the given schema ({names} {verb} unevaluated and invalid)"
            )

    def unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not unique or not validator.is_type(instance, "array"):
            return
        seen: dict[Any, int] = {}
        for index, item in enumerate(instance):
            first = seen.setdefault(_canonical(item), index)
            if first != index:
                yield ValidationError(f"item {index} repeats item {first}; items must be unique")
                return

    replaced = {
        "pattern": pattern,
        "patternProperties": pattern_properties,
        "additionalProperties": additional_properties,
        "unevaluatedProperties": unevaluated_properties,
        "uniqueItems": unique_items,
    }
    keywords = {**Draft202012Validator.VALIDATORS, **replaced}

    def counted(keyword: Callable[..., Any]) -> Callable[..., Any]:
        def run(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
            step()
            return keyword(validator, value, instance, schema)

        return run

    return validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {name: counted(function) for name, function in keywords.items()}
    )


def _evaluated_keys(
    validator: Any, instance: dict[str, Any], schema: Any, step: Callable[[], None]
) -> set[str]:
    """The keys of ``instance`` that ``schema`` evaluates (for ``unevaluatedProperties``).

    jsonschema's own, with patterns run by RE2, a set instead of a list (its
    membership tests were quadratic in the number of keys) and a step counted
    per subschema visited.
    """
    step()
    if not isinstance(schema, dict):
        return set()
    evaluated: set[str] = set()

    def valid(value: Any, subschema: Any) -> bool:
        return next(validator.descend(value, subschema), None) is None

    for keyword in REFERENCES:
        reference = schema.get(keyword)
        if reference is not None:
            resolved = validator._resolver.lookup(reference)
            inner = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
            evaluated |= _evaluated_keys(inner, instance, resolved.contents, step)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        evaluated |= properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        subschema = schema.get(keyword)
        if subschema is not None:
            evaluated.update(key for key, value in instance.items() if valid(value, subschema))
    for expression in schema.get("patternProperties", {}):
        evaluated.update(key for key in instance if search(expression, key))
    for key, subschema in schema.get("dependentSchemas", {}).items():
        if key in instance:
            evaluated |= _evaluated_keys(validator, instance, subschema, step)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for subschema in schema.get(keyword, []):
            if valid(instance, subschema):
                evaluated |= _evaluated_keys(validator, instance, subschema, step)
    if "if" in schema:
        if valid(instance, schema["if"]):
            evaluated |= _evaluated_keys(validator, instance, schema["if"], step)
            if "then" in schema:
                evaluated |= _evaluated_keys(validator, instance, schema["then"], step)
        elif "else" in schema:
            evaluated |= _evaluated_keys(validator, instance, schema["else"], step)
    return evaluated
