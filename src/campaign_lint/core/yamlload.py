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
from typing import Any

from yaml import MarkedYAMLError
from yaml.cyaml import CParser  # type: ignore[attr-defined]
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from campaign_lint.core.findings import START, Span, YamlPath
from campaign_lint.core.yamlnodes import PLAIN as _PLAIN
from campaign_lint.core.yamlnodes import entry, is_merge, merge_sources, node_span, record

MAX_DEPTH = 64
MAX_NODES = 100_000

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _CORE + "map", _CORE + "seq"
_KEY_TAGS = frozenset({_PLAIN, _STR, _INT, _FLOAT, _BOOL, _NULL})

_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF_RE = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = frozenset({".nan", ".NaN", ".NAN"})
# The nulls and booleans of the core schema.
_CONSTANTS: dict[str, Any] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
# The first characters of the nulls, booleans and numbers above.
_SPECIAL_START = frozenset("~nNtTfF0123456789+-.")


class YamlProblem(Exception):
    """The text is not a YAML document campaign-lint can read."""

    def __init__(self, message: str, span: Span = START, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint


class Document:
    """Plain data (dicts, lists, scalars) plus where every part of it came from.

    Positions are read from the composed nodes, which carry their own marks;
    a ``Span`` is made only for the few paths a finding points at. ``span``
    walks from the root node to its path, so a check, which asks for a few
    paths per file, never pays for a table of every path: ``values`` and
    ``keys`` (each path's value and key node) are made on first use, for the
    readers that go through them all (editing, the policy file).
    """

    __slots__ = ("_tables", "data", "extensions", "root")

    def __init__(self, data: Any, root: Node, extensions: list[YamlPath] | None = None) -> None:
        self.data = data
        self.root = root
        self.extensions: list[YamlPath] = extensions if extensions is not None else []
        self._tables: tuple[dict[YamlPath, Node], dict[YamlPath, Node]] | None = None

    @property
    def values(self) -> dict[YamlPath, Node]:
        """The node of every path of the data, root ``()`` first, in the order they were read."""
        return self.tables()[0]

    @property
    def keys(self) -> dict[YamlPath, Node]:
        """The key node of every path that is a mapping entry."""
        return self.tables()[1]

    def tables(self) -> tuple[dict[YamlPath, Node], dict[YamlPath, Node]]:
        """``values`` and ``keys``, made on the first call."""
        if self._tables is None:
            self._tables = ({}, {})
            record(self.root, (), *self._tables)
        return self._tables

    def top_level_spans(self, fields: tuple[str, ...]) -> dict[YamlPath, Span]:
        """Spans of the top-level ``fields`` present, and of the whole document (what portfolio rules point at)."""
        if not isinstance(self.data, dict):
            return {}
        spans: dict[YamlPath, Span] = {(name,): self.span((name,)) for name in fields if name in self.data}
        spans[()] = self.span(())
        return spans

    def span(self, path: YamlPath, *, key: bool = False) -> Span:
        """Position of ``path``; falls back to the nearest existing parent."""
        key_node: Node | None = None
        node, whole = self.root, True
        for part in path:
            found = entry(node, part)
            if found is None:
                whole = False
                break
            key_node, node = found
        if key_node is None:  # the root, or an item of a list
            return node_span(node)
        # A block mapping or list starts on the line after its key: the key
        # line is where a reader looks for it.
        if (key and whole) or (node.__class__ is not ScalarNode and not getattr(node, "flow_style", True)):
            return node_span(key_node)
        return node_span(node)


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
    return Document(data, node, builder.extensions)


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
    """Turns composed nodes into plain data, within the node budget and depth.

    It records no positions (``Document`` finds them in the nodes when asked):
    only the paths of mappings with ``x-`` keys, which every check strips.
    """

    def __init__(self, max_nodes: int, max_depth: int) -> None:
        self.budget = max_nodes
        self.max_depth = max_depth
        self.extensions: list[YamlPath] = []

    def build(self, node: Node, path: YamlPath, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _too_many(node)
        if depth > self.max_depth:
            raise YamlProblem(f"the file is nested more than {self.max_depth} levels deep", node_span(node))
        kind = node.__class__  # the composer makes these three classes, never subclasses
        if kind is ScalarNode:
            return _scalar(node)
        if node.tag != (_SEQ if kind is SequenceNode else _MAP):
            raise _tag_problem(node)
        if kind is SequenceNode:
            return [
                self._leaf(item)
                if item.__class__ is ScalarNode and depth < self.max_depth
                else self.build(item, (*path, i), depth + 1)
                for i, item in enumerate(node.value)
            ]
        return self._mapping(node, path, depth)

    def _leaf(self, node: Node) -> Any:
        """A scalar within the depth limit (deeper, ``build`` says so), read without a path made for it."""
        self.budget -= 1
        if self.budget < 0:
            raise _too_many(node)
        return _scalar(node)

    def _mapping(self, node: Node, path: YamlPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode or key_node.tag not in _KEY_TAGS:
                raise _key_problem(key_node)
            key: str = key_node.value
            if key in result:
                first = next(k for k, _ in node.value if k.value == key and not is_merge(k))
                raise YamlProblem(
                    f"duplicate key `{key}` (first given on line {first.start_mark.line + 1})",
                    node_span(key_node),
                    hint="keep one of the two entries",
                )
            if key[:2] in ("<<", "x-"):
                if is_merge(key_node):
                    merged.append(value_node)
                    continue
                if key.startswith("x-") and (not self.extensions or self.extensions[-1] != path):
                    self._extension_at(path)
            if value_node.__class__ is ScalarNode and depth < self.max_depth:
                # Most values are scalars: read here, as ``_leaf`` (inlined) and
                # ``build`` would, without a call and a path per value.
                self.budget -= 1
                if self.budget < 0:
                    raise _too_many(value_node)
                result[key] = _scalar(value_node)
            else:
                result[key] = self.build(value_node, (*path, key), depth + 1)
        for source in merged:
            self._merge(result, source, path, depth)
        return result

    def _merge(self, result: dict[str, Any], source: Node, path: YamlPath, depth: int) -> None:
        """YAML merge keys (``<<: *defaults``): explicit keys win."""
        if isinstance(source, SequenceNode):
            self._check_tag(source, _SEQ)
        for item in merge_sources(source):
            if not isinstance(item, MappingNode):
                raise YamlProblem("`<<` must merge a mapping or a list of mappings", node_span(item))
            self._check_tag(item, _MAP)
            for key_node, value_node in item.value:
                key = _key(key_node)
                if key not in result and key != "<<":
                    if key.startswith("x-"):
                        self._extension_at(path)
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
    if node.__class__ is not ScalarNode or node.tag not in _KEY_TAGS:
        raise _key_problem(node)
    key: str = node.value
    return key


def _key_problem(node: Node) -> YamlProblem:
    if node.__class__ is ScalarNode:
        return _tag_problem(node)
    return YamlProblem("a key must be a plain word, not a list or mapping", node_span(node))


def _too_many(node: Node) -> YamlProblem:
    return YamlProblem(
        "the file expands to too many values (aliases repeated too often?)",
        node_span(node),
        hint="write the values out instead of nesting aliases",
    )


def _tag_problem(node: Node) -> YamlProblem:
    tag = str(node.tag).replace(_CORE, "!!")
    return YamlProblem(
        f"the YAML tag `{tag}` is not allowed in campaign files",
        node_span(node),
        hint="remove the tag; campaign values are plain text, numbers, lists and mappings",
    )


def _scalar(node: Node) -> Any:
    value: str = node.value
    tag = node.tag
    if tag == _PLAIN:
        # A word (most plain scalars) without the call of ``_resolve_plain``.
        return value if value and value[0] not in _SPECIAL_START else _resolve_plain(value)
    if tag == _STR:
        return value
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
    if not value:
        return None
    first = value[0]
    # Most plain scalars are words: the first character tells them apart
    # without hashing the whole text for the set lookups below.
    if first not in _SPECIAL_START:
        return value
    if value in _CONSTANTS:
        return _CONSTANTS[value]
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
