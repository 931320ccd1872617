"""Where a path of loaded YAML is among the composed nodes, which carry their own positions.

``core/yamlload.py`` builds plain data from the nodes; these functions find
the node of a path of that data again, with the loader's rules for merge keys
(``<<: *defaults``: keys written in the mapping win, then the first merged
mapping that has the key).
"""

from __future__ import annotations

from collections.abc import Iterator

from yaml.nodes import MappingNode, Node, SequenceNode

from campaign_lint.core.findings import Span
from campaign_lint.core.yamlpath import YamlPath

# The tag ``core/yamlload.py``'s composer gives plain (unquoted) scalars, resolved later.
PLAIN = "!plain"


def node_span(node: Node) -> Span:
    """The 1-based span of a composed node."""
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def is_merge(key_node: Node) -> bool:
    """A plain ``<<`` key merges mappings into its own; a quoted one is an ordinary key."""
    return bool(key_node.value == "<<" and key_node.tag == PLAIN)


def merge_sources(source: Node) -> list[Node]:
    """The mappings a ``<<`` key merges, first one winning: one mapping, or a list of them."""
    return list(source.value) if source.__class__ is SequenceNode else [source]


def entries(node: MappingNode) -> Iterator[tuple[str, Node, Node]]:
    """(key, key node, value node) of each entry of a loaded mapping, in ``_Builder``'s order and merge rules."""
    present: set[str] = set()
    merged: list[Node] = []
    for key_node, value_node in node.value:
        if is_merge(key_node):
            merged.append(value_node)
        else:
            present.add(key_node.value)
            yield key_node.value, key_node, value_node
    for source in merged:
        for item in merge_sources(source):
            for key_node, value_node in item.value:
                key = key_node.value
                if key not in present and key != "<<":
                    present.add(key)
                    yield key, key_node, value_node


def entry(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    """The key node (None in a list) and value node of ``part`` of a loaded ``node``, or None."""
    if isinstance(node, MappingNode):
        if isinstance(part, str):
            for key_node, value_node in node.value:
                if key_node.value == part and not is_merge(key_node):
                    return key_node, value_node
            # Not written in this mapping: maybe merged into it (``<<``).
            return next(((k, v) for key, k, v in entries(node) if key == part), None)
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


def record(node: Node, path: YamlPath, values: dict[YamlPath, Node], keys: dict[YamlPath, Node]) -> None:
    """Fill ``values`` and ``keys`` for ``node`` at ``path`` and everything under it, in reading order."""
    values[path] = node
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            record(item, (*path, index), values, keys)
    elif isinstance(node, MappingNode):
        for key, key_node, value_node in entries(node):
            child = (*path, key)
            keys[child] = key_node
            record(value_node, child, values, keys)
