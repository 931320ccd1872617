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

import functools
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin

from campaign_lint.core.errors import PolicyError
from campaign_lint.core.findings import Violation, YamlPath

# Entries of one list or mapping of a campaign that the schema is checked against.
MAX_ITEMS = 1_000
# Keyword evaluations per campaign (a schema of 20 properties takes about 50).
MAX_STEPS = 20_000
# Characters of a SPEC005 message (jsonschema's messages quote the value).
_MAX_MESSAGE = 300
_HINT = "see the `schema:` block of the policy file"

# Draft 2020-12 keywords whose values are subschemas (as ``referencing`` lists them).
_IN_VALUE = (
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_IN_ARRAY = ("allOf", "anyOf", "oneOf", "prefixItems")
_IN_MAPPING = ("$defs", "definitions", "dependentSchemas", "patternProperties", "properties")
# Keywords that apply their subschemas to the very value being checked: a loop
# through these alone never ends.
_IN_PLACE_VALUE = ("not", "if", "then", "else")
_IN_PLACE_ARRAY = ("allOf", "anyOf", "oneOf")
_IN_PLACE_MAPPING = ("dependentSchemas",)
_REFERENCES = ("$ref", "$dynamicRef")


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
        registry = _registry()
        problems = [*_pattern_problems(schema, where), *_reference_problems(schema, registry, where)]
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


def _refuse(uri: str) -> Any:
    """The registry's retrieve function: nothing outside the policy is ever fetched or read."""
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def _registry() -> Any:
    from referencing import Registry

    return Registry(retrieve=_refuse)  # type: ignore[call-arg]


def _subschemas(schema: Any, path: YamlPath) -> Iterator[tuple[YamlPath, Any]]:
    """(path, value) of every direct subschema of ``schema``."""
    if not isinstance(schema, dict):
        return
    for keyword in _IN_VALUE:
        if keyword in schema:
            yield (*path, keyword), schema[keyword]
    for keyword in _IN_ARRAY:
        if isinstance(schema.get(keyword), list):
            for index, item in enumerate(schema[keyword]):
                yield (*path, keyword, index), item
    for keyword in _IN_MAPPING:
        if isinstance(schema.get(keyword), dict):
            for name, item in schema[keyword].items():
                yield (*path, keyword, name), item


def _walk(schema: Any, path: YamlPath, base: str) -> Iterator[tuple[YamlPath, dict[str, Any], str]]:
    """(path, subschema, base URI) of every schema object, ``schema`` first."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("$id"), str):
        base = urljoin(base, schema["$id"])
    yield path, schema, base
    for child_path, child in _subschemas(schema, path):
        yield from _walk(child, child_path, base)


def _reference_problems(schema: dict[str, Any], registry: Any, where: Callable[[YamlPath], str]) -> list[str]:
    """Every ``$ref`` that leads outside the policy or to nothing, and every in-place ``$ref`` loop."""
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    root = DRAFT202012.create_resource(schema)
    root_uri = root.id() or ""
    registry = registry.with_resource(root_uri, root)
    inside = {urldefrag(base).url for _, _, base in _walk(schema, (), root_uri)}
    problems: list[str] = []
    targets: dict[int, list[tuple[YamlPath, int]]] = {}
    located: dict[int, YamlPath] = {}
    for path, node, base in _walk(schema, (), root_uri):
        located.setdefault(id(node), path)
        for keyword in _REFERENCES:
            reference = node.get(keyword)
            if not isinstance(reference, str):
                continue
            at = where(("schema", *path, keyword))
            target = urldefrag(urljoin(base, reference)).url
            if target not in inside:
                problems.append(
                    f"{at}: `{keyword}: {reference}` refers to a document outside the policy; "
                    "campaign-lint fetches and reads nothing: put the definition under `$defs` in "
                    "the `schema:` block and refer to it as `#/$defs/name`"
                )
                continue
            try:
                resolved = registry.resolver(base_uri=base).lookup(reference)
            except Unresolvable:
                problems.append(
                    f"{at}: `{keyword}: {reference}` points at nothing in the `schema:` block; "
                    "check the name after `#` (like `#/$defs/name`)"
                )
                continue
            targets.setdefault(id(node), []).append((path, id(resolved.contents)))
    if not problems:
        problems.extend(_loops(schema, targets, located, where))
    return problems


def _loops(
    schema: dict[str, Any],
    references: dict[int, list[tuple[YamlPath, int]]],
    located: dict[int, YamlPath],
    where: Callable[[YamlPath], str],
) -> list[str]:
    """A ``$ref`` loop that applies subschemas to the same value forever (``$ref: '#'`` at the top)."""
    nodes: dict[int, dict[str, Any]] = {id(node): node for _, node, _ in _walk(schema, (), "")}

    def in_place(node: dict[str, Any]) -> Iterator[int]:
        for keyword in _IN_PLACE_VALUE:
            if isinstance(node.get(keyword), dict):
                yield id(node[keyword])
        for keyword in _IN_PLACE_ARRAY:
            if isinstance(node.get(keyword), list):
                yield from (id(item) for item in node[keyword] if isinstance(item, dict))
        for keyword in _IN_PLACE_MAPPING:
            if isinstance(node.get(keyword), dict):
                yield from (id(item) for item in node[keyword].values() if isinstance(item, dict))
        yield from (target for _, target in references.get(id(node), ()))

    # Depth-first search, iterative; a node on the current path reached again is a loop.
    state: dict[int, int] = {}  # 1: on the path, 2: done
    for start in nodes:
        if start in state:
            continue
        stack = [(start, in_place(nodes[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                looping = next((n for n, _ in stack if n in references), node)
                path = located.get(looping, ())
                keyword = "$ref" if "$ref" in nodes.get(looping, {}) else "$dynamicRef"
                return [
                    f"{where(('schema', *path, keyword))}: this reference leads back to itself without "
                    "moving into the campaign (a loop that never ends); refer to a definition "
                    "that does not contain this one"
                ]
            elif child not in state and child in nodes:
                state[child] = 1
                stack.append((child, in_place(nodes[child])))
    return []


# -- patterns -----------------------------------------------------------------


def _pattern_problems(schema: dict[str, Any], where: Callable[[YamlPath], str]) -> list[str]:
    """Every ``pattern`` and ``patternProperties`` name that RE2 cannot run."""
    problems = []
    for path, node, _ in _walk(schema, (), ""):
        found: list[tuple[YamlPath, Any]] = []
        if "pattern" in node:
            found.append(((*path, "pattern"), node["pattern"]))
        if isinstance(node.get("patternProperties"), dict):
            found.extend(((*path, "patternProperties", name), name) for name in node["patternProperties"])
        for at, pattern in found:
            if not isinstance(pattern, str):
                continue
            try:
                _regex(pattern)
            except ValueError as exc:
                problems.append(
                    f"{where(('schema', *at))}: the pattern {pattern!r} cannot be used: {exc} "
                    "(campaign-lint runs patterns without backtracking: no lookaround or backreferences)"
                )
    return problems


@functools.lru_cache(maxsize=1024)
def _regex(pattern: str) -> Any:
    """``pattern`` compiled by RE2 (``ValueError`` when RE2 cannot run it)."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr
    try:
        return re2.compile(_re2_syntax(pattern), options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "not a valid pattern"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(str(reason)) from None


def _re2_syntax(pattern: str) -> str:
    r"""JSON Schema's ``\uXXXX`` escapes in RE2's spelling, ``\x{XXXX}`` (one pass)."""
    if "\\u" not in pattern:
        return pattern
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            hex_digits = pattern[index + 2 : index + 6]
            if (
                pattern[index + 1] == "u"
                and len(hex_digits) == 4
                and all(c in "0123456789abcdefABCDEF" for c in hex_digits)
            ):
                out.append("\\x{" + hex_digits + "}")
                index += 6
                continue
            out.append(pattern[index : index + 2])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _search(pattern: str, text: str) -> bool:
    return _regex(pattern).search(text) is not None


# -- the validator ------------------------------------------------------------


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
        if validator.is_type(instance, "string") and not _search(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    def pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        for expression, subschema in patterns.items():
            for key, value in instance.items():
                if _search(expression, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=expression)

    def additional_properties(validator: Any, allowed: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        properties = schema.get("properties", {})
        patterns = list(schema.get("patternProperties", {}))
        extras = [
            key
            for key in instance
            if key not in properties and not any(_search(expression, key) for expression in patterns)
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

    for keyword in _REFERENCES:
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
        evaluated.update(key for key in instance if _search(expression, key))
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
