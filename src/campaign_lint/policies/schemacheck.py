"""The policy's ``schema:`` block, checked when the policy is loaded: references stay inside, patterns run on RE2.

``policies/constraints.py`` evaluates the block on every campaign; this
module holds what it needs to know about the block's structure (which
keywords hold subschemas), the registry that refuses every address, the
checks that every ``$ref`` resolves inside the block and does not loop on
the same value, and the RE2 patterns (linear in the text, whatever the
pattern).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin

from campaign_lint.core.findings import YamlPath

# Draft 2020-12 keywords whose values are subschemas (as ``referencing`` lists them).
IN_VALUE = (
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
IN_ARRAY = ("allOf", "anyOf", "oneOf", "prefixItems")
IN_MAPPING = ("$defs", "definitions", "dependentSchemas", "patternProperties", "properties")
# Keywords that apply their subschemas to the very value being checked: a loop
# through these alone never ends.
IN_PLACE_VALUE = ("not", "if", "then", "else")
IN_PLACE_ARRAY = ("allOf", "anyOf", "oneOf")
IN_PLACE_MAPPING = ("dependentSchemas",)
REFERENCES = ("$ref", "$dynamicRef")


def refuse(uri: str) -> Any:
    """The registry's retrieve function: nothing outside the policy is ever fetched or read."""
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def refusing_registry() -> Any:
    """A ``referencing`` registry that fetches and reads nothing: every address is refused."""
    from referencing import Registry

    return Registry(retrieve=refuse)  # type: ignore[call-arg]


def subschemas(schema: Any, path: YamlPath) -> Iterator[tuple[YamlPath, Any]]:
    """(path, value) of every direct subschema of ``schema``."""
    if not isinstance(schema, dict):
        return
    for keyword in IN_VALUE:
        if keyword in schema:
            yield (*path, keyword), schema[keyword]
    for keyword in IN_ARRAY:
        if isinstance(schema.get(keyword), list):
            for index, item in enumerate(schema[keyword]):
                yield (*path, keyword, index), item
    for keyword in IN_MAPPING:
        if isinstance(schema.get(keyword), dict):
            for name, item in schema[keyword].items():
                yield (*path, keyword, name), item


def walk(schema: Any, path: YamlPath, base: str) -> Iterator[tuple[YamlPath, dict[str, Any], str]]:
    """(path, subschema, base URI) of every schema object, ``schema`` first."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("$id"), str):
        base = urljoin(base, schema["$id"])
    yield path, schema, base
    for child_path, child in subschemas(schema, path):
        yield from walk(child, child_path, base)


def reference_problems(schema: dict[str, Any], registry: Any, where: Callable[[YamlPath], str]) -> list[str]:
    """Every ``$ref`` that leads outside the policy or to nothing, and every in-place ``$ref`` loop."""
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    root = DRAFT202012.create_resource(schema)
    root_uri = root.id() or ""
    registry = registry.with_resource(root_uri, root)
    inside = {urldefrag(base).url for _, _, base in walk(schema, (), root_uri)}
    problems: list[str] = []
    targets: dict[int, list[tuple[YamlPath, int]]] = {}
    located: dict[int, YamlPath] = {}
    for path, node, base in walk(schema, (), root_uri):
        located.setdefault(id(node), path)
        for keyword in REFERENCES:
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
        problems.extend(loops(schema, targets, located, where))
    return problems


def loops(
    schema: dict[str, Any],
    references: dict[int, list[tuple[YamlPath, int]]],
    located: dict[int, YamlPath],
    where: Callable[[YamlPath], str],
) -> list[str]:
    """A ``$ref`` loop that applies subschemas to the same value forever (``$ref: '#'`` at the top)."""
    nodes: dict[int, dict[str, Any]] = {id(node): node for _, node, _ in walk(schema, (), "")}

    def in_place(node: dict[str, Any]) -> Iterator[int]:
        for keyword in IN_PLACE_VALUE:
            if isinstance(node.get(keyword), dict):
                yield id(node[keyword])
        for keyword in IN_PLACE_ARRAY:
            if isinstance(node.get(keyword), list):
                yield from (id(item) for item in node[keyword] if isinstance(item, dict))
        for keyword in IN_PLACE_MAPPING:
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


def pattern_problems(schema: dict[str, Any], where: Callable[[YamlPath], str]) -> list[str]:
    """Every ``pattern`` and ``patternProperties`` name that RE2 cannot run."""
    problems = []
    for path, node, _ in walk(schema, (), ""):
        found: list[tuple[YamlPath, Any]] = []
        if "pattern" in node:
            found.append(((*path, "pattern"), node["pattern"]))
        if isinstance(node.get("patternProperties"), dict):
            found.extend(((*path, "patternProperties", name), name) for name in node["patternProperties"])
        for at, pattern in found:
            if not isinstance(pattern, str):
                continue
            try:
                regex(pattern)
            except ValueError as exc:
                problems.append(
                    f"{where(('schema', *at))}: the pattern {pattern!r} cannot be used: {exc} "
                    "(campaign-lint runs patterns without backtracking: no lookaround or backreferences)"
                )
    return problems


@functools.lru_cache(maxsize=1024)
def regex(pattern: str) -> Any:
    """``pattern`` compiled by RE2 (``ValueError`` when RE2 cannot run it)."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr
    try:
        return re2.compile(re2_syntax(pattern), options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "not a valid pattern"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(str(reason)) from None


def re2_syntax(pattern: str) -> str:
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


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` (a JSON Schema pattern, on RE2) matches somewhere in ``text``."""
    return regex(pattern).search(text) is not None


# -- the validator ------------------------------------------------------------
