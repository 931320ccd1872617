"""A remedy as text edits at the exact places the loader reports, in the file's own style.

ruamel.yaml's round trip re-indents and re-spaces a file, so fixes are not
dumped: each change becomes an edit of the characters it is about (the
scalar, the key) or an insertion after a mapping's last entry, and the rest
of the file (comments, key order, blank lines, quoting, flow or block style,
the ``$schema`` modeline) stays byte for byte. Inserted keys take the
mapping's indentation; an inserted list or mapping is rendered by
ruamel.yaml (imported only then) in the file's indentation, in flow style
when the file writes its lists and mappings that way.

A change :func:`plan` cannot make safely gives ``None``: the target is an
alias, sits in an anchored part of the file (editing it would change every
place that refers to it), is a block scalar, or is not where the remedy
expects it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from campaign_lint.core.edits import Edit, Fix, overlaps
from campaign_lint.core.fixes import Change, Remedy
from campaign_lint.core.yamlload import Document, _resolve_plain

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@/+\-]*")
# Words YAML 1.1 tools read as booleans or null, and sexagesimal numbers (`09:00` is 540 to them).
_YAML11 = re.compile(r"(?i:y|n|yes|no|on|off|true|false|null|~)|[0-9]+(:[0-5]?[0-9])+")


class Fragile:
    """Where edits are not safe in a file: anchored parts and aliases; whether it uses tags at all."""

    def __init__(self, text: str) -> None:
        self.ranges: list[Edit] = []
        self.tags = False
        open_: list[tuple[int, bool]] = []
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if getattr(event, "tag", None) is not None and not _implicit(event):
                self.tags = True
            anchor = getattr(event, "anchor", None)
            start = event.start_mark.index if event.start_mark else 0
            end = event.end_mark.index if event.end_mark else len(text)
            if isinstance(event, yaml.AliasEvent) or (isinstance(event, yaml.ScalarEvent) and anchor):
                self.ranges.append(Edit(start, end, ""))
            elif isinstance(event, yaml.CollectionStartEvent):
                open_.append((start, anchor is not None))
            elif isinstance(event, yaml.CollectionEndEvent):
                begun, anchored = open_.pop()
                if anchored:
                    self.ranges.append(Edit(begun, end, ""))

    def allows(self, edits: Sequence[Edit]) -> bool:
        """Whether ``edits`` stay clear of every anchored part and alias."""
        return not overlaps(edits, self.ranges)


def _implicit(event: Any) -> bool:
    implicit = getattr(event, "implicit", True)
    return bool(implicit[0] or implicit[1]) if isinstance(implicit, tuple) else bool(implicit)


def plan(text: str, document: Document, remedy: Remedy) -> Fix | None:
    """``remedy`` as edits of ``text`` (loaded as ``document``), or ``None`` when one change cannot be made."""
    edits: list[Edit] = []
    for change in remedy.changes:
        edit = _edit(text, document, change)
        if edit is None or overlaps([edit], edits):
            return None
        edits.append(edit)
    return Fix(remedy.title, remedy.safety, tuple(edits))


def _edit(text: str, document: Document, change: Change) -> Edit | None:
    if change.kind == "rename":
        key = document.keys.get(change.path)
        parent = document.data
        for part in change.path[:-1]:
            parent = parent[part]
        if key is None or not _owned(document, key) or change.value in parent:
            return None
        return _replace(key, str(change.value))
    node = document.values.get(change.path)
    if node is None or not _owned(document, node):
        return None
    if change.kind == "set":
        return _replace(node, change.value) if isinstance(node, ScalarNode) else None
    if not isinstance(node, MappingNode) or (*change.path, change.key) in document.keys:
        return None
    if node.flow_style:
        return _add_flow(text, node, change.key, change.value)
    return _add_block(text, document, node, change.key, change.value)


def _owned(document: Document, node: Node) -> bool:
    """The node is written once, where its path is (not reached through an alias or a merge key)."""
    return sum(1 for other in document.values.values() if other is node) <= 1 and not any(
        other is node for other in document.keys.values() if other is not node
    )


def _replace(node: Node, value: Any) -> Edit | None:
    if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
        return None
    return Edit(node.start_mark.index, node.end_mark.index, scalar(value, node.style))


def scalar(value: Any, style: str | None = None) -> str:
    """``value`` as a YAML scalar: in ``style``'s quotes when it was quoted, plain when that reads back the same."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if (
        style != '"'
        and _PLAIN.fullmatch(text)
        and _resolve_plain(text) == text
        and not _YAML11.fullmatch(text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _add_flow(text: str, node: MappingNode, key: str, value: Any) -> Edit | None:
    end = node.end_mark.index
    if text[end - 1 : end] != "}":
        return None
    entry = f"{scalar(key)}: {_flow(value)}"
    if not node.value:
        return Edit(end - 1, end - 1, entry)
    last = node.value[-1][1].end_mark.index
    return Edit(last, last, f", {entry}")


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return scalar(value)


def _add_block(text: str, document: Document, node: MappingNode, key: str, value: Any) -> Edit | None:
    if not node.value:
        return None
    indent = node.value[0][0].start_mark.column
    newline = "\r\n" if "\r\n" in text else "\n"
    if isinstance(value, dict | list) and value:
        lines = _block(document, key, value)
    else:
        lines = [f"{scalar(key)}: {_flow(value)}"]
    rendered = newline.join(" " * indent + line for line in lines)
    at = _after(text, node)
    if at == len(text) and text and not text.endswith("\n"):
        return Edit(at, at, newline + rendered)
    return Edit(at, at, rendered + newline)


def _after(text: str, node: Node) -> int:
    """Where the line after a block mapping's last entry starts (the end of the text when there is none)."""
    while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
        assert isinstance(node, Node)
    end: int = node.end_mark.index
    if isinstance(node, ScalarNode) and node.style in ("|", ">") and text[end - 1 : end] == "\n":
        return end
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline + 1


def _block(document: Document, key: str, value: dict[str, Any] | list[Any]) -> list[str]:
    """``key: value`` rendered by ruamel.yaml in the document's indentation and collection style."""
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    width, offset = _indentation(document)
    writer = YAML(typ="rt")
    writer.indent(mapping=width, sequence=offset + 2, offset=offset)
    writer.width = 4096
    writer.default_flow_style = (
        None if _flow_style(document, SequenceNode if isinstance(value, list) else MappingNode) else False
    )

    def quoted(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: quoted(v) for k, v in item.items()}
        if isinstance(item, list):
            return [quoted(v) for v in item]
        if isinstance(item, str) and scalar(item).startswith('"'):
            return DoubleQuotedScalarString(item)
        return item

    out = io.StringIO()
    writer.dump({key: quoted(value)}, out)
    return out.getvalue().rstrip("\n").split("\n")


def _indentation(document: Document) -> tuple[int, int]:
    """The file's indentation step for nested mappings, and where a list's `-` sits under its key."""
    width = offset = None
    for path, node in document.values.items():
        if not path or getattr(node, "flow_style", True) or path not in document.keys:
            continue
        key_column = document.keys[path].start_mark.column
        if isinstance(node, MappingNode) and node.value and width is None:
            width = node.value[0][0].start_mark.column - key_column
        if isinstance(node, SequenceNode) and node.value and offset is None:
            # The `-` is two columns before the item.
            offset = max(node.value[0].start_mark.column - 2 - key_column, 0)
    return (width if width and width > 0 else 2), (offset if offset is not None else 2)


def _flow_style(document: Document, kind: type[Node]) -> bool:
    """Whether the file writes its nested lists (or mappings: ``kind``) in flow style (`[a, b]`, `{k: v}`) more often."""
    flow = block = 0
    for path, node in document.values.items():
        if path and isinstance(node, kind):
            if getattr(node, "flow_style", False):
                flow += 1
            else:
                block += 1
    return flow > block
