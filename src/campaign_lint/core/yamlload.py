"""Read YAML fast, with positions and YAML 1.2 core-schema meaning.

The reading path composes nodes with libyaml (PyYAML's C parser) and resolves
plain scalars itself by the YAML 1.2 core schema, so ``NO`` stays the string
"NO" and ``09:00`` stays "09:00" (PyYAML alone would use YAML 1.1 and give
``False`` and ``540``). See docs/performance.md for why this is not ruamel.yaml
round-trip loading: it is about 20 times slower.

Nothing here constructs objects from tags: only the core tags (str, int,
float, bool, null, map, seq) are accepted; any other tag is a problem.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from yaml import MarkedYAMLError
from yaml.cyaml import CParser  # type: ignore[attr-defined]
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from campaign_lint.core.findings import START, Span, YamlPath

MAX_DEPTH = 64
MAX_NODES = 100_000

_PLAIN = "!plain"
_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _CORE + "map", _CORE + "seq"
_KEY_TAGS = frozenset({_PLAIN, _STR, _INT, _FLOAT, _BOOL, _NULL})

_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF_RE = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = frozenset({".nan", ".NaN", ".NAN"})
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})


class YamlProblem(Exception):
    """The text is not a YAML document campaign-lint can read."""

    def __init__(self, message: str, span: Span = START, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint


@dataclass(slots=True)
class Document:
    """Plain data (dicts, lists, scalars) plus where every part of it came from.

    The tables keep the composed nodes, which carry their own marks; a
    ``Span`` is made only for the few paths a finding points at.
    """

    data: Any
    values: dict[YamlPath, Node]
    keys: dict[YamlPath, Node]
    extensions: list[YamlPath] = field(default_factory=list)

    def top_level_spans(self, fields: tuple[str, ...]) -> dict[YamlPath, Span]:
        """Spans of the top-level ``fields`` present, and of the whole document (what portfolio rules point at)."""
        if not isinstance(self.data, dict):
            return {}
        spans: dict[YamlPath, Span] = {(name,): self.span((name,)) for name in fields if name in self.data}
        spans[()] = self.span(())
        return spans

    def span(self, path: YamlPath, *, key: bool = False) -> Span:
        """Position of ``path``; falls back to the nearest existing parent."""
        if key and path in self.keys:
            return node_span(self.keys[path])
        while path:
            found = self.values.get(path)
            if found is not None:
                # A block mapping or list starts on the line after its key: the key
                # line is where a reader looks for it.
                if (
                    found.__class__ is not ScalarNode
                    and not getattr(found, "flow_style", True)
                    and path in self.keys
                ):
                    return node_span(self.keys[path])
                return node_span(found)
            path = path[:-1]
        root = self.values.get(())
        return node_span(root) if root is not None else START


class _Composer(CParser):  # type: ignore[misc,unused-ignore]
    """libyaml composer that leaves plain scalars unresolved."""

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        """Path-based resolution is not used."""

    def ascend_resolver(self) -> None:
        """Path-based resolution is not used."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        """Mark plain scalars for YAML 1.2 resolution; quoted ones are strings."""
        if kind is ScalarNode:
            plain = isinstance(implicit, tuple) and implicit[0]
            return _PLAIN if plain else _STR
        return _MAP if kind is MappingNode else _SEQ


def decode(raw: bytes) -> str:
    """Decode file bytes as UTF-8 (a UTF-8 byte order mark is allowed)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(
            "the file is UTF-16, not UTF-8",
            hint="save the file as UTF-8 (most editors: 'Save with encoding')",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            Span(line, column, line, column + 1),
            hint="save the file as UTF-8",
        ) from None


def load(text: str, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> Document:
    """Parse one YAML document into plain data with a position table."""
    try:
        node = _Composer(text).get_single_node()
    except MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from None
    except ReaderError as exc:  # a character YAML does not allow (NUL, other controls)
        raise _character_problem(exc, text) from None
    if node is None:
        raise YamlProblem("the file is empty", hint="a campaign file is a mapping of fields")
    builder = _Builder(max_nodes, max_depth)
    data = builder.build(node, (), 0)
    return Document(data, builder.values, builder.keys, builder.extensions)


def node_span(node: Node) -> Span:
    """The 1-based span of a composed node."""
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


# libyaml's wording, and what it means to someone who is not a YAML expert.
_PLAIN_WORDS = (
    ("did not find expected ',' or ']'", "a list opened with `[` is not closed with `]`"),
    ("did not find expected ',' or '}'", "a mapping opened with `{` is not closed with `}`"),
    ("mapping values are not allowed", "a `:` where no new key can start (quote values that contain `: `)"),
    ("found unexpected end of stream", "a quoted value is not closed"),
    ("could not find expected ':'", "a key is missing its `:`"),
    ("found undefined alias", "an alias (`*name`) refers to an anchor (`&name`) that does not exist"),
    ("expected <block end>", "this line's indentation does not match the lines above it"),
    ("did not find expected key", "this line's indentation does not match the lines above it"),
    ("did not find expected '-' indicator", "this list item's indentation does not match the items above it"),
)


def _character_problem(exc: ReaderError, text: str) -> YamlProblem:
    index = min(max(int(exc.position), 0), len(text))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return YamlProblem(
        f"the file contains a control character (U+{code:04X}) that YAML does not allow",
        Span(line, column, line, column + 1),
        hint="remove the character (a NUL byte often means the file is binary or UTF-16)",
    )


def _syntax_problem(exc: MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    # At the end of the file, the opening the parser was still inside (an
    # unclosed bracket or quote) is where a reader can fix the problem.
    if mark is not None and exc.context_mark is not None and mark.index >= len(text.rstrip()):
        mark = exc.context_mark
    span = Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2) if mark else START
    problem = (exc.problem or exc.context or "unreadable YAML").strip()
    if "maximum nesting depth" in problem:
        # libyaml (PyYAML 6.0.4 and later) stops at 1,000 levels, before the
        # composed document reaches the depth check of ``_Builder``.
        return YamlProblem(f"the file is nested more than {MAX_DEPTH} levels deep", span)
    problem = next((plain for raw, plain in _PLAIN_WORDS if raw in problem), problem)
    if "expected a single document" in (exc.context or ""):
        return YamlProblem(
            "the file holds more than one YAML document",
            span,
            hint="keep one campaign per file; remove the '---' separator",
        )
    hint = "check the indentation and quote values that contain ': ' or start with a special character"
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        problem = "a tab character where YAML expects spaces"
        hint = "indent with spaces, not tabs"
    return YamlProblem(f"not valid YAML: {problem}", span, hint=hint)


class _Builder:
    """Turns composed nodes into plain data, recording every position."""

    def __init__(self, max_nodes: int, max_depth: int) -> None:
        self.values: dict[YamlPath, Node] = {}
        self.keys: dict[YamlPath, Node] = {}
        self.budget = max_nodes
        self.max_depth = max_depth
        self.extensions: list[YamlPath] = []

    def build(self, node: Node, path: YamlPath, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(
                "the file expands to too many values (aliases repeated too often?)",
                node_span(node),
                hint="write the values out instead of nesting aliases",
            )
        if depth > self.max_depth:
            raise YamlProblem(f"the file is nested more than {self.max_depth} levels deep", node_span(node))
        self.values[path] = node
        if isinstance(node, ScalarNode):
            return _scalar(node)
        if isinstance(node, SequenceNode):
            self._check_tag(node, _SEQ)
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        self._check_tag(node, _MAP)
        return self._mapping(node, path, depth)

    def _mapping(self, node: MappingNode, path: YamlPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[Node] = []
        keys = self.keys
        for key_node, value_node in node.value:
            key: str = _key(key_node)
            if key in result:
                first = node_span(keys[(*path, key)])
                raise YamlProblem(
                    f"duplicate key `{key}` (first given on line {first.line})",
                    node_span(key_node),
                    hint="keep one of the two entries",
                )
            if key[:2] in ("<<", "x-"):
                if key == "<<" and key_node.tag == _PLAIN:
                    merged.append(value_node)
                    continue
                if key.startswith("x-") and (not self.extensions or self.extensions[-1] != path):
                    self._extension_at(path)
            child = (*path, key)
            keys[child] = key_node
            result[key] = self.build(value_node, child, depth + 1)
        for source in merged:
            self._merge(result, source, path, depth)
        return result

    def _merge(self, result: dict[str, Any], source: Node, path: YamlPath, depth: int) -> None:
        """YAML merge keys (``<<: *defaults``): explicit keys win."""
        if isinstance(source, SequenceNode):
            self._check_tag(source, _SEQ)
        sources = source.value if isinstance(source, SequenceNode) else [source]
        for item in sources:
            if not isinstance(item, MappingNode):
                raise YamlProblem("`<<` must merge a mapping or a list of mappings", node_span(item))
            self._check_tag(item, _MAP)
            for key_node, value_node in item.value:
                key = _key(key_node)
                if key not in result and key != "<<":
                    if key.startswith("x-"):
                        self._extension_at(path)
                    self.keys[(*path, key)] = key_node
                    result[key] = self.build(value_node, (*path, key), depth + 1)

    def _extension_at(self, path: YamlPath) -> None:
        """Record a mapping with ``x-`` keys, unless it is itself inside one (stripped whole)."""
        if not any(isinstance(part, str) and part.startswith("x-") for part in path):
            self.extensions.append(path)

    @staticmethod
    def _check_tag(node: Node, expected: str) -> None:
        if node.tag != expected:
            raise _tag_problem(node)


def _key(node: Node) -> str:
    """A mapping key's text: a scalar without tags other than the core scalar ones."""
    if node.__class__ is not ScalarNode:
        raise YamlProblem("a key must be a plain word, not a list or mapping", node_span(node))
    if node.tag not in _KEY_TAGS:
        raise _tag_problem(node)
    key: str = node.value
    return key


def _tag_problem(node: Node) -> YamlProblem:
    tag = str(node.tag).replace(_CORE, "!!")
    return YamlProblem(
        f"the YAML tag `{tag}` is not allowed in campaign files",
        node_span(node),
        hint="remove the tag; campaign values are plain text, numbers, lists and mappings",
    )


def _scalar(node: ScalarNode) -> Any:
    value: str = node.value
    tag = node.tag
    if tag == _STR:
        return value
    if tag == _PLAIN:
        return _resolve_plain(value)
    resolved = _resolve_plain(value)
    expected = {_INT: int, _FLOAT: float, _BOOL: bool, _NULL: type(None)}.get(tag)
    if expected is None:
        raise _tag_problem(node)
    if expected is float and isinstance(resolved, int) and not isinstance(resolved, bool):
        return float(resolved)
    if not isinstance(resolved, expected) or (expected is int and isinstance(resolved, bool)):
        raise YamlProblem(f"`{value}` is not a valid `{tag}` value", node_span(node))
    return resolved


def _resolve_plain(value: str) -> Any:
    """YAML 1.2 core schema: null, bool, int, float, else string."""
    if not value or value in _NULLS:
        return None
    first = value[0]
    if first in "tTfF":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        return value
    if first in "0123456789+-.":
        if _INT_RE.fullmatch(value):
            if value.startswith("0o"):
                return int(value[2:], 8)
            if value.startswith("0x"):
                return int(value[2:], 16)
            return int(value)
        if _FLOAT_RE.fullmatch(value):
            return float(value)
        if _INF_RE.fullmatch(value):
            return -math.inf if first == "-" else math.inf
        if value in _NAN:
            return math.nan
    return value
